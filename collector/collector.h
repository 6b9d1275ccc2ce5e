/*
 * collector/collector.h - the collector's context, passed down to every
 * input: config, spool, emitter, publisher, inputs, counters.
 */
#ifndef VIGIE_COLLECTOR_H
#define VIGIE_COLLECTOR_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>

#include "capture.h"
#include "conf.h"
#include "emit.h"
#include "journal.h"
#include "publish.h"
#include "spool.h"
#include "state.h"
#include "syslog_rx.h"
#include "tail.h"

struct collector {
	const struct conf	*conf;
	const char		*sensor;
	struct event_base	*base;
	struct cstate		 state;		/* the lock; an older state file */
	struct spool		 spool;
	struct emitter		 emit;
	struct publisher	 pub;
	struct tail		*tails;
	size_t			 ntails, captails;
	int			 expanded;	/* inputs.c: the specs made tails */
	time_t			 glob_at;	/* globs last expanded */
	int			 inotify_fd, no_inotify, watching;
	struct event		*inotify_ev;
	int64_t			 woken_ms;	/* inotify last woke the loop */
	int64_t			 tick_due_ms;	/* the next turn's time */
	struct journal		 journal;	/* .j NULL: not read */
	struct syslog_rx	 srx;
	struct event		*tick_ev, *sigterm_ev, *sigint_ev, *sighup_ev;
	time_t			 started, health_at;
	int			 paused;	/* spool full: inputs wait */
	int			 status;	/* exit status */
	int			 crash_after;	/* VIGIE_TEST_CRASH_AFTER: tests only */
	char			 instance[128];
	struct capture		*caps;		/* --pcap files, then --interface */
	size_t			 ncaps;
	int			 draining;	/* SIGTERM with captures: flows out */
	time_t			 drain_until;
};

#endif
