/*
 * collector/emit.h - the one way an event leaves any input: into a
 * frame, the frame into the spool with its explicit id and its input's
 * checkpoint; publish.c sends the spool to Redis.
 */
#ifndef VIGIE_EMIT_H
#define VIGIE_EMIT_H

#include <stdint.h>
#include <time.h>

#include "event.h"
#include "spool.h"

struct emitter {
	struct frame_enc	 fe;
	const char		*sensor;	/* borrowed */
	struct spool		*sp;		/* borrowed */
	struct spool_cp		 cp;		/* where the open frame's input stands */
	int			 have_cp;
	uint64_t		 events;	/* events emitted */
	uint64_t		 frames;
	time_t			 last_event;	/* wall clock of the last one */
};

void	emit_init(struct emitter *, struct spool *, const char *sensor,
	    size_t frame_events, size_t frame_bytes);
void	emit_free(struct emitter *);
/*
 * Adds ev to the open frame; `cp` (may be NULL) is where its input
 * stands once ev is taken, and is stored with the frame (cp->path is
 * borrowed and must outlive the emitter). A full frame is sealed into
 * the spool first. Returns 0 or -1 after logging.
 */
int	emit_event(struct emitter *, const struct event *ev,
	    const struct spool_cp *cp);
/*
 * Adds n events made of ev (a line that counts n attempts: "message
 * repeated n times"), all in one frame with `cp`, so that a crash keeps
 * all or none of them; the copies after the first leave the line out.
 */
int	emit_events(struct emitter *, const struct event *ev, unsigned int n,
	    const struct spool_cp *cp);
/* Records where an input stands when it emitted nothing since. */
void	emit_position(struct emitter *, const struct spool_cp *cp);
/* Seals the open frame into the spool (not synced). Returns 0 or -1. */
int	emit_flush(struct emitter *);

#endif
