/*
 * collector/batch.c - the event batch and its arena.
 * Owns the arena and the event array; both are reused between batches.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

void
batch_init(struct batch *b)
{
	memset(b, 0, sizeof(*b));
}

void
batch_reset(struct batch *b)
{
	b->n = 0;
	b->used = 0;
}

void
batch_free(struct batch *b)
{
	free(b->ev);
	free(b->arena);
	memset(b, 0, sizeof(*b));
}

struct batch_event *
batch_event_new(struct batch *b)
{
	struct batch_event	*e;

	if (b->n == b->cap) {
		size_t	 ncap = b->cap ? b->cap * 2 : 256;

		if ((e = realloc(b->ev, ncap * sizeof(*e))) == NULL)
			return NULL;
		b->ev = e;
		b->cap = ncap;
	}
	e = &b->ev[b->n++];
	e->nf = 0;
	e->id.ms = e->id.seq = 0;
	return e;
}

static int
batch_put(struct batch *b, const char *s, size_t len, size_t *off)
{
	if (b->used + len + 1 > b->size) {
		size_t	 nsize = b->size ? b->size : 1 << 16;
		char	*na;

		while (b->used + len + 1 > nsize)
			nsize *= 2;
		if ((na = realloc(b->arena, nsize)) == NULL)
			return -1;
		b->arena = na;
		b->size = nsize;
	}
	memcpy(b->arena + b->used, s, len);
	b->arena[b->used + len] = '\0';
	*off = b->used;
	b->used += len + 1;
	return 0;
}

int
batch_field(struct batch *b, const char *name, const char *v, size_t len)
{
	struct batch_event	*e;

	if (b->n == 0)
		return -1;
	if (len == 0)
		return 0;
	e = &b->ev[b->n - 1];
	if (e->nf >= BATCH_FIELDS_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (batch_put(b, v, len, &e->off[e->nf]) == -1)
		return -1;
	e->name[e->nf] = name;
	e->len[e->nf++] = len;
	return 0;
}

const char *
batch_str(const struct batch *b, size_t off)
{
	return b->arena + off;
}

struct streamid
streamid_next(struct streamid id)
{
	id.seq++;
	return id;
}

int
streamid_cmp(struct streamid a, struct streamid b)
{
	if (a.ms != b.ms)
		return a.ms < b.ms ? -1 : 1;
	if (a.seq != b.seq)
		return a.seq < b.seq ? -1 : 1;
	return 0;
}

int
streamid_parse(const char *s, struct streamid *id)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	id->ms = strtoull(s, &end, 10);
	if (errno != 0 || *end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	id->seq = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}
