/*
 * collector/publish.h - feed the spool to the sensor's Redis stream:
 * pipelined XADDs of frames with their explicit ids, on the collector's
 * event loop; reconnects with backoff, never gives up because Redis is
 * away or loading; holds the sensor's lease.
 */
#ifndef VIGIE_PUBLISH_H
#define VIGIE_PUBLISH_H

#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "spool.h"

enum pub_state { PUB_DOWN, PUB_HANDSHAKE, PUB_READY };

struct publisher {
	struct event_base	*base;
	redisAsyncContext	*ac;
	enum pub_state		 state;
	struct spool		*sp;
	char			 addr[512];	/* as configured */
	char			 node[512];	/* the node written to: addr, or
						   on a cluster the master of
						   the stream's slot */
	int			 cluster;
	char			 key[256];	/* <prefix>ev:{<sensor>} */
	char			 sensors[256];	/* <prefix>sensors */
	char			 lease[256];	/* <prefix>lease:{<sensor>} */
	char			 health[256];	/* <prefix>sensor:{<sensor>} */
	char			 sensor[80];
	char			 instance[128];
	struct event		*retry_ev, *tick_ev;
	int			 backoff_ms;
	size_t			 inflight;	/* XADDs with no reply yet */
	time_t			 waiting_since;	/* oldest unanswered request */
	time_t			 lease_at;	/* last renewal sent */
	char			*buf;		/* a frame read back */
	size_t			 cap;
	int			 fatal;		/* exit status to stop with */
	int			 down_logged;
	int			 ever_ready;	/* connected and leased once */
	char			 why[256];	/* last reason logged */
	uint64_t		 stored_frames, stored_events, resent;
	void			(*progress)(void *);	/* after confirmations */
	void			*arg;
};

/*
 * Prepares the publisher (no I/O yet); `instance` names this collector
 * in the lease. Returns 0 or -1.
 */
int	publish_init(struct publisher *, struct event_base *, struct spool *,
	    const char *addr, const char *prefix, const char *sensor,
	    const char *instance);
/* Connects now (then again after every loss, with backoff). */
void	publish_start(struct publisher *);
/* Sends what the spool holds beyond what is in flight. */
void	publish_pump(struct publisher *);
/*
 * Writes the sensor's health hash (field, value pairs) when connected:
 * queued on the loop, or at once on a connection of its own (`now`).
 */
void	publish_health(struct publisher *, int argc, const char **argv,
	    int now);
/* Gives the lease back and disconnects. */
void	publish_close(struct publisher *);

#endif
