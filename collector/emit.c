/*
 * collector/emit.c - events into frames, frames into the spool, each
 * with the next explicit id: "<ms>-<seq>", strictly increasing per
 * sensor (the wall clock's millisecond, or the last id's next sequence).
 * Owns the frame encoder. Calls core/event.c and spool.c.
 */
#include <stdint.h>
#include <string.h>

#include "daytime.h"
#include "emit.h"
#include "log.h"

void
emit_init(struct emitter *e, struct spool *sp, const char *sensor,
    size_t frame_events, size_t frame_bytes)
{
	memset(e, 0, sizeof(*e));
	e->sp = sp;
	e->sensor = sensor;
	frame_enc_init(&e->fe, frame_events, frame_bytes);
}

void
emit_free(struct emitter *e)
{
	frame_enc_free(&e->fe);
}

static struct streamid
emit_next_id(const struct emitter *e)
{
	struct streamid	 id;
	uint64_t	 now_ms = (uint64_t)(daytime_now_us() / 1000);

	if (now_ms > e->sp->last.ms) {
		id.ms = now_ms;
		id.seq = 0;
	} else
		id = streamid_next(e->sp->last);
	return id;
}

int
emit_flush(struct emitter *e)
{
	const void	*data;
	size_t		 len;

	if (e->fe.n == 0)
		return 0;
	/* Compressed when that is smaller (frame format 2). */
	if ((data = frame_pack(&e->fe, &len)) == NULL) {
		log_warnx("emit: out of memory");
		return -1;
	}
	if (spool_append(e->sp, emit_next_id(e), e->have_cp ? &e->cp : NULL,
	    data, len, e->fe.n) == -1)
		return -1;
	e->frames++;
	e->fe.n = 0;
	e->fe.len = 0;
	return 0;
}

void
emit_position(struct emitter *e, const struct spool_cp *cp)
{
	/* The open frame belongs to another input: its checkpoint stays. */
	if (cp != NULL && (e->fe.n == 0 || !e->have_cp ||
	    cp->path == e->cp.path)) {
		e->cp = *cp;
		e->have_cp = 1;
	}
}

int
emit_event(struct emitter *e, const struct event *ev,
    const struct spool_cp *cp)
{
	int	 rc;

	/* A frame carries one input's checkpoint: inputs do not share one. */
	if (e->fe.n > 0 && e->have_cp && (cp == NULL ||
	    cp->path != e->cp.path) && emit_flush(e) == -1)
		return -1;
	if (e->fe.n == 0) {
		e->have_cp = 0;
		if (frame_begin(&e->fe, e->sensor) == -1)
			goto oom;
	}
	if ((rc = frame_add(&e->fe, ev)) == 1) {
		if (emit_flush(e) == -1)
			return -1;
		if (frame_begin(&e->fe, e->sensor) == -1)
			goto oom;
		rc = frame_add(&e->fe, ev);
	}
	if (rc != 0)
		goto oom;
	emit_position(e, cp);
	e->events++;
	e->last_event = time(NULL);
	return 0;
 oom:
	log_warnx("%s: out of memory", __func__);
	return -1;
}

int
emit_events(struct emitter *e, const struct event *ev, unsigned int n,
    const struct spool_cp *cp)
{
	struct event	 copy = *ev;
	size_t		 me = e->fe.max_events, mb = e->fe.max_bytes;
	unsigned int	 i;
	int		 rc = 0;

	if (n <= 1)
		return emit_event(e, ev, cp);
	if (e->fe.n > 0 && emit_flush(e) == -1)
		return -1;
	e->fe.max_events = n > me ? n : me;
	e->fe.max_bytes = SIZE_MAX;
	copy.f[EV_LINE].len = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = emit_event(e, i == 0 ? ev : &copy, cp);
	e->fe.max_events = me;
	e->fe.max_bytes = mb;
	return rc;
}
