/*
 * collector/publish.c - pipelined XADD of a batch with explicit ids.
 * Owns the publisher's Redis connection. Talks to core/redis.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "publish.h"
#include "redis.h"

#define PUBLISH_TIMEOUT_MS	10000

int
publish_open(struct publisher *p, const char *addr, const char *prefix,
    const char *sensor)
{
	redisReply	*r;

	memset(p, 0, sizeof(*p));
	frame_enc_init(&p->fe, 0, 0);
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	snprintf(p->sensor, sizeof(p->sensor), "%s", sensor);
	redis_key(p->key, sizeof(p->key), prefix, "ev:{%s}", sensor);
	redis_key(p->sensors, sizeof(p->sensors), prefix, "sensors");
	if ((p->rc = redis_open(addr, PUBLISH_TIMEOUT_MS)) == NULL)
		return -1;
	if ((r = redis_cmd(p->rc, "SADD %s %s", p->sensors, sensor)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis %s: SADD %s: %s", addr, p->sensors, r->str);
		freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	return 0;
}

/*
 * The events after the first in a stored frame (its events have
 * consecutive ids from the frame's); 0 when it cannot be read.
 */
static uint64_t
publish_top_events(const redisReply *fields)
{
	struct frame_dec	 fd;
	const char		*why;
	size_t			 i;

	if (fields->type != REDIS_REPLY_ARRAY)
		return 0;
	for (i = 0; i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING &&
		    fields->element[i + 1]->type == REDIS_REPLY_STRING &&
		    strcmp(fields->element[i]->str, "frame") == 0 &&
		    frame_open(&fd, fields->element[i + 1]->str,
		    fields->element[i + 1]->len, &why) == 0 && fd.n > 0)
			return fd.n - 1;
	return 0;
}

int
publish_top(struct publisher *p, struct streamid *id)
{
	redisReply	*r;
	int		 rc = 0;

	id->ms = id->seq = 0;
	if ((r = redis_cmd(p->rc, "XREVRANGE %s + - COUNT 1", p->key)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis: XREVRANGE %s: %s", p->key, r->str);
		rc = -1;
	} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	    r->element[0]->type == REDIS_REPLY_ARRAY &&
	    r->element[0]->elements == 2 &&
	    r->element[0]->element[0]->type == REDIS_REPLY_STRING) {
		if (streamid_parse(r->element[0]->element[0]->str, id) == -1) {
			log_warnx("redis: %s: unexpected id \"%s\"", p->key,
			    r->element[0]->element[0]->str);
			rc = -1;
		} else
			id->seq += publish_top_events(r->element[0]->element[1]);
	}
	freeReplyObject(r);
	p->top = *id;
	return rc;
}

static int
publish_is_dup(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR &&
	    strstr(r->str, "equal or smaller") != NULL;
}

/* Sends one frame with the id of its first event. 0 or -1. */
static int
publish_frame(struct publisher *p, const struct batch *b, size_t first)
{
	const char	*argv[5];
	size_t		 argl[5];
	char		 id[48];
	const void	*data;
	size_t		 len;

	snprintf(id, sizeof(id), "%" PRIu64 "-%" PRIu64, b->ev[first].id.ms,
	    b->ev[first].id.seq);
	data = frame_data(&p->fe, &len);
	argv[0] = "XADD";
	argv[1] = p->key;
	argv[2] = id;
	argv[3] = "frame";
	argv[4] = data;
	argl[0] = 4;
	argl[1] = strlen(p->key);
	argl[2] = strlen(id);
	argl[3] = 5;
	argl[4] = len;
	if (redisAppendCommandArgv(p->rc, 5, argv, argl) != REDIS_OK) {
		log_warnx("redis %s: %s", p->addr, p->rc->errstr);
		return -1;
	}
	p->unread++;
	return 0;
}

int
publish_send(struct publisher *p, const struct batch *b)
{
	struct event	 ev;
	size_t		 i, j, first = 0;
	int		 done = 0, f, rc;

	if (frame_begin(&p->fe, p->sensor) == -1)
		return -1;
	for (i = 0; i < b->n; i++) {
		const struct batch_event *e = &b->ev[i];

		event_clear(&ev);
		for (j = 0; j < e->nf; j++)
			if ((f = ev_field_lookup(e->name[j])) >= 0) {
				ev.f[f].v = batch_str(b, e->off[j]);
				ev.f[f].len = e->len[j];
			}
		if ((rc = frame_add(&p->fe, &ev)) == 1) {
			if (publish_frame(p, b, first) == -1 ||
			    frame_begin(&p->fe, p->sensor) == -1)
				return -1;
			first = i;
			rc = frame_add(&p->fe, &ev);
		}
		if (rc != 0)
			return -1;
	}
	if (p->fe.n > 0 && publish_frame(p, b, first) == -1)
		return -1;
	/* Hand it all to Redis now, so that it works while we parse on. */
	while (!done)
		if (redisBufferWrite(p->rc, &done) != REDIS_OK) {
			log_warnx("redis %s: %s", p->addr, p->rc->errstr);
			return -1;
		}
	return 0;
}

int
publish_wait(struct publisher *p, size_t n)
{
	redisReply	*r;
	size_t		 i, failed = 0;
	void		*rv;

	(void)n;
	for (i = 0; p->unread > 0; i++) {
		if (redisGetReply(p->rc, &rv) != REDIS_OK) {
			log_warnx("redis %s: %s", p->addr, p->rc->errstr);
			return -1;
		}
		p->unread--;
		r = rv;
		if (r->type == REDIS_REPLY_STRING)
			p->stored++;
		else if (publish_is_dup(r))
			p->dups++;
		else {
			if (failed++ == 0)
				log_warnx("redis %s: XADD %s: %s", p->addr,
				    p->key, r->type == REDIS_REPLY_ERROR ?
				    r->str : "unexpected reply");
		}
		freeReplyObject(r);
	}
	return failed ? -1 : 0;
}

int
publish_batch(struct publisher *p, const struct batch *b)
{
	if (publish_send(p, b) == -1)
		return -1;
	return publish_wait(p, p->unread);
}

void
publish_close(struct publisher *p)
{
	frame_enc_free(&p->fe);
	if (p->rc != NULL)
		redisFree(p->rc);
	p->rc = NULL;
}
