/*
 * collector/collector.h - the collector's context, passed down to every
 * input: config, state, publisher, the batch being filled, counters.
 */
#ifndef VIGIE_COLLECTOR_H
#define VIGIE_COLLECTOR_H

#include <signal.h>
#include <stdint.h>

#include "batch.h"
#include "conf.h"
#include "publish.h"
#include "state.h"

struct collector {
	const struct conf	*conf;
	const char		*sensor;
	struct cstate		 state;
	struct publisher	 pub;
	struct batch		 batch;
	volatile sig_atomic_t	*stop;

	uint64_t		 lines;		/* lines read */
	uint64_t		 no_header;	/* lines without a syslog header */
	uint64_t		 recognised;	/* lines a parser gave an action */
	uint64_t		 truncated;	/* lines cut at LINE_MAX_BYTES */
	uint64_t		 batches;
	size_t			 unconfirmed;	/* events sent, not yet confirmed */
	int			 crash_after;	/* VIGIE_TEST_CRASH_AFTER: tests only */
};

/* Reads FILE from its saved offset to its end and publishes. 0 or -1. */
int	logfile_read(struct collector *, const char *spec);
/* Re-publishes the batch a previous run left in flight. 0 or -1. */
int	logfile_replay(struct collector *);
/* Checks a --log spec's parser is available. 0 or -1 (printed). */
int	logfile_check_spec(const char *spec);

#endif
