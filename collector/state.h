/*
 * collector/state.h - what the collector must remember across runs:
 * the last stream id, each file's offset, and the batch in flight.
 */
#ifndef VIGIE_STATE_H
#define VIGIE_STATE_H

#include <sys/types.h>
#include <time.h>

#include "streamid.h"

struct fstate {
	char		*path;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 offset;	/* bytes of the file already published */
};

/*
 * The batch being published. It is saved before the first XADD is sent,
 * so a collector that dies mid-batch re-reads exactly those bytes, gives
 * them the same ids, and Redis refuses the ones it already holds.
 */
struct inflight {
	int		 active;
	char		*path;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 start, end;
	struct streamid	 first;
	time_t		 ref;
};

struct cstate {
	char		*file;		/* <state-dir>/collector-<sensor>.state */
	int		 lockfd;
	struct streamid	 last;		/* last id given out */
	struct fstate	*f;
	size_t		 nf;
	struct inflight	 inflight;
};

/* Creates the directory, locks it for this sensor, loads. Returns 0 or -1. */
int		 state_open(struct cstate *, const char *dir, const char *sensor);
/* Atomically replaces the state file (write, fsync, rename). 0 or -1. */
int		 state_save(struct cstate *);
/* The record of `path`, added (offset 0) if new; NULL on no memory. */
struct fstate	*state_file(struct cstate *, const char *path);
void		 state_close(struct cstate *);

#endif
