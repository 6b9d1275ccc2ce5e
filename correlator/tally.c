/*
 * correlator/tally.c - sums of a frame's counters, merged by sorting.
 * Owns its arrays and the arena that holds names, fields and values.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tally.h"

void
tally_reset(struct tally *t)
{
	t->nkeys = 0;
	t->nents = 0;
	t->used = 0;
}

void
tally_free(struct tally *t)
{
	free(t->keys);
	free(t->ents);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

/* Copies len bytes into the arena; returns their offset. */
static size_t
tally_store(struct tally *t, const char *s, size_t len)
{
	size_t	 off = t->used;

	if (t->used + len + 1 > t->size) {
		size_t	 nsize = t->size ? t->size : 1 << 14;

		while (t->used + len + 1 > nsize)
			nsize *= 2;
		if ((t->arena = realloc(t->arena, nsize)) == NULL)
			fatalx("%s: out of memory", __func__);
		t->size = nsize;
	}
	if (len > 0)
		memcpy(t->arena + off, s, len);
	t->arena[off + len] = '\0';
	t->used += len + 1;
	return off;
}

size_t
tally_key(struct tally *t, int op, const char *name)
{
	size_t	 i, len = strlen(name);

	for (i = 0; i < t->nkeys; i++)
		if (t->keys[i].op == op && t->keys[i].len == len &&
		    memcmp(t->arena + t->keys[i].off, name, len) == 0)
			return i;
	if (t->nkeys == t->capkeys) {
		size_t	 ncap = t->capkeys ? t->capkeys * 2 : 32;

		if ((t->keys = realloc(t->keys, ncap * sizeof(*t->keys))) ==
		    NULL)
			fatalx("%s: out of memory", __func__);
		t->capkeys = ncap;
	}
	t->keys[i].op = op;
	t->keys[i].off = tally_store(t, name, len);
	t->keys[i].len = len;
	t->keys[i].used = 0;
	t->nkeys++;
	return i;
}

static struct tally_ent *
tally_ent(struct tally *t, size_t key, const char *field, size_t flen)
{
	struct tally_ent	*e;

	if (t->nents == t->capents) {
		size_t	 ncap = t->capents ? t->capents * 2 : 1024;

		if ((t->ents = realloc(t->ents, ncap * sizeof(*t->ents))) ==
		    NULL)
			fatalx("%s: out of memory", __func__);
		t->capents = ncap;
	}
	e = &t->ents[t->nents];
	e->key = key;
	e->foff = tally_store(t, field, flen);
	e->flen = flen;
	e->voff = e->vlen = 0;
	e->n = 0;
	e->seq = t->nents++;
	return e;
}

void
tally_add(struct tally *t, size_t key, const char *field, size_t flen,
    int64_t n)
{
	tally_ent(t, key, field, flen)->n = n;
}

void
tally_set(struct tally *t, size_t key, const char *field, size_t flen,
    const char *value, size_t vlen)
{
	struct tally_ent	*e;
	size_t			 voff;

	voff = tally_store(t, value, vlen);
	e = tally_ent(t, key, field, flen);
	e->voff = voff;
	e->vlen = vlen;
}

/* By key, field, then order of adding (glibc's qsort_r). */
static int
ent_cmp(const void *pa, const void *pb, void *arg)
{
	const struct tally_ent	*a = pa, *b = pb;
	const char		*cmp_arena = arg;
	size_t			 n = a->flen < b->flen ? a->flen : b->flen;
	int			 c;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if ((c = memcmp(cmp_arena + a->foff, cmp_arena + b->foff, n)) != 0)
		return c;
	if (a->flen != b->flen)
		return a->flen < b->flen ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

size_t
tally_finish(struct tally *t)
{
	struct tally_ent	*out, *e;
	size_t			 i, groups = 0;
	int			 op;

	if (t->nents > 0)
		qsort_r(t->ents, t->nents, sizeof(*t->ents), ent_cmp, t->arena);
	out = t->ents;
	for (i = 0; i < t->nkeys; i++)
		t->keys[i].used = 0;
	for (i = 0; i < t->nents; i++) {
		e = &t->ents[i];
		if (out > t->ents && out[-1].key == e->key &&
		    out[-1].flen == e->flen && memcmp(t->arena + out[-1].foff,
		    t->arena + e->foff, e->flen) == 0) {
			op = t->keys[e->key].op;
			if (op == TALLY_HINCRBY || op == TALLY_ZINCRBY)
				out[-1].n += e->n;
			else if (op == TALLY_HMAX) {
				if (e->n > out[-1].n)
					out[-1].n = e->n;
			} else if (op == TALLY_HSET || op == TALLY_XADD) {
				out[-1].voff = e->voff;
				out[-1].vlen = e->vlen;
			}
			continue;
		}
		if (t->keys[e->key].used++ == 0)
			groups++;
		*out++ = *e;
	}
	t->nents = (size_t)(out - t->ents);
	return groups;
}

void
tally_emit(const struct tally *t, struct fargs *a)
{
	const struct tally_ent	*e = t->ents, *end = t->ents + t->nents;
	const struct tally_key	*k;
	char			 op[2] = { 0, 0 };

	/* Entries are sorted by key index, which is the order of naming. */
	while (e < end) {
		k = &t->keys[e->key];
		op[0] = (char)k->op;
		fargs_add(a, op);
		fargs_addn(a, t->arena + k->off, k->len);
		fargs_addf(a, "%zu", k->used);
		for (; e < end && &t->keys[e->key] == k; e++) {
			fargs_addn(a, t->arena + e->foff, e->flen);
			if (k->op == TALLY_HSET || k->op == TALLY_XADD)
				fargs_addn(a, t->arena + e->voff, e->vlen);
			else if (k->op != TALLY_PFADD)
				fargs_addf(a, "%" PRId64, e->n);
		}
	}
}
