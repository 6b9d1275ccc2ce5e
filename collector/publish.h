/*
 * collector/publish.h - send batches to the sensor's stream with
 * pipelined XADDs and explicit ids.
 */
#ifndef VIGIE_PUBLISH_H
#define VIGIE_PUBLISH_H

#include <stdint.h>
#include <hiredis/hiredis.h>

#include "batch.h"
#include "event.h"

struct publisher {
	redisContext	*rc;
	char		 addr[512];
	char		 key[256];	/* <prefix>ev:{<sensor>} */
	char		 sensors[256];	/* <prefix>sensors */
	char		 sensor[80];
	uint64_t	 stored;	/* events Redis accepted */
	uint64_t	 dups;		/* ids Redis already held */
	size_t		 unread;	/* XADDs sent, replies not read yet */
	struct streamid	 top;		/* last event id, from publish_top() */
	struct frame_enc fe;
};

/* Connects, registers the sensor. Returns 0 or -1 (logged). */
int	publish_open(struct publisher *, const char *addr, const char *prefix,
	    const char *sensor);
/*
 * The id of the stream's last event (0-0 when empty) into *id and
 * p->top: its last frame's id plus the frame's other events. 0 or -1.
 */
int	publish_top(struct publisher *, struct streamid *id);
/*
 * Sends every event of the batch. An id Redis already holds counts as
 * stored once (dups). Returns 0 when all are in Redis, -1 otherwise.
 */
int	publish_batch(struct publisher *, const struct batch *);
/* Sends the batch without reading the replies (they queue). 0 or -1. */
int	publish_send(struct publisher *, const struct batch *);
/*
 * Reads the replies of the n oldest XADDs sent. Returns 0 when all
 * are in Redis, -1 otherwise.
 */
int	publish_wait(struct publisher *, size_t n);
void	publish_close(struct publisher *);

#endif
