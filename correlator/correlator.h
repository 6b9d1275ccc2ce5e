/*
 * correlator/correlator.h - the correlator's context (the bundle in
 * force, the stop flag) and one worker per thread, each a consumer of
 * the group with its own scanner for the rules of the bundle it holds.
 */
#ifndef VIGIE_CORRELATOR_H
#define VIGIE_CORRELATOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "bundle.h"
#include "conf.h"
#include "fargs.h"
#include "geo.h"
#include "record.h"
#include "scan.h"

#define CORRELATOR_GROUP	"correlators"

struct correlator {
	struct bundle_slot	 slot;		/* the bundle in force */
	atomic_int		 stop;		/* set by the main thread */
	atomic_int		 running;	/* workers not returned yet */
	pthread_t		 main;		/* told (SIGUSR1) when none is */
	char			 host[64];	/* for consumer names */
	int			 crash_before;	/* VIGIE_TEST_CRASH_BEFORE: tests */
	int			 nparts;	/* of the state, as recorded */
	int			 cluster;	/* Redis is a cluster */
};

struct worker {
	struct correlator	*cor;
	int			 idx;
	pthread_t		 thread;
	struct bundle		*b;		/* held; taken by main at start */
	unsigned		 refused;	/* gen it could not take */
	struct rconn		*r;		/* Redis, whatever its shape */
	redisContext		*rc;		/* r's server: unpartitioned */
	int			 parted;	/* the state is partitioned */
	struct fargs		*pcalls, *porigins;	/* per partition */
	struct fargs		*marks;		/* ZADD XX of acked origins */
	size_t			 turn;		/* stream a blocking read waits on */
	struct scanner		*sc;		/* for b's rules */
	char			 consumer[128];
	/*
	 * Calls prepared from the last read (ready: go out with the next
	 * read) and those being prepared (next). Swapped each round trip.
	 */
	struct fargs		*ready, *next;
	size_t			 nready, nnext, capcalls;
	int			 reload;	/* FUNCTION LOAD before going on */
	char			**streams;	/* stream keys known */
	size_t			 nstreams;
	time_t			 discovered;	/* last look at <prefix>sensors */
	int			 looked;	/* once: later streams are new */
	int			 failed;	/* drain ended on an error */

	struct recorder		 rec;		/* frames into an FCALL */
	/*
	 * Detections per frame in the last read, times 16, and so the
	 * frames the next read takes (consume.c, worker_count()).
	 */
	uint64_t		 dets_x16;
	uint64_t		 read_dets, read_frames;

	time_t			 dead_logged;	/* last undecodable frame log */
	uint64_t		 dead_quiet;	/* not logged since */

	uint64_t		 events;	/* counted by this worker */
	uint64_t		 skipped;	/* already acknowledged elsewhere */
	uint64_t		 dead;		/* frames dead-lettered */
	uint64_t		 shown_dets;	/* told to webinfo so far */
	uint64_t		 shown_us;
};

/*
 * Loads the commit function and the incident library (FUNCTION LOAD
 * REPLACE). 0 or -1 (logged).
 */
int	commit_load(redisContext *);
/* The same on every master. 0 or -1 (logged). */
int	commit_load_all(struct rconn *);
/*
 * Closes incidents quiet for conf->incident_quiet seconds by the wall
 * clock. Returns 0 or -1 (logged).
 */
int	commit_sweep(struct rconn *, const struct conf *, int nparts);
/*
 * The partitions of the state at start: the number recorded in
 * <prefix>config, or conf's (else 1 on a single server, 16 on a cluster)
 * recorded when none is. Returns it, 0 when conf asks for another than
 * the one recorded (logged: refused), -1 after a Redis error (logged).
 */
int	commit_parts(struct rconn *, const struct conf *);
/*
 * The thread body: consume until stopped, or until drained with --drain.
 * Takes a newer bundle between batches. The last worker to return sends
 * SIGUSR1 to the main thread.
 */
void	*worker_main(void *);
/* After the thread returned: frees its parts and lets its bundle go. */
void	 worker_free(struct worker *);

#endif
