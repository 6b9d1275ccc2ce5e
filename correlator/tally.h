/*
 * correlator/tally.h - one frame's counters summed per key and field, then
 * written as the commit function's key groups (commit.lua: "op key n ...").
 * Pure: no Redis.
 */
#ifndef VIGIE_TALLY_H
#define VIGIE_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "fargs.h"

/* What the commit function does with a key's fields. */
#define TALLY_HINCRBY	'H'	/* field, summed delta */
#define TALLY_ZINCRBY	'Z'	/* member, summed delta */
#define TALLY_HSET	'S'	/* field, value: the last one set wins */
#define TALLY_HMAX	'M'	/* field, the largest value added */
#define TALLY_PFADD	'P'	/* members, each once */
#define TALLY_XADD	'X'	/* field, value: one capped stream entry */

struct tally_key {
	int		 op;
	size_t		 off, len;	/* name in the arena */
	size_t		 used;		/* fields after tally_finish() */
};

struct tally_ent {
	size_t		 key;
	size_t		 foff, flen;	/* field in the arena */
	size_t		 voff, vlen;	/* value (HSET, XADD) */
	int64_t		 n;		/* delta, or value (HMAX) */
	size_t		 seq;		/* order of adding */
};

struct tally {
	struct tally_key	*keys;
	size_t			 nkeys, capkeys;
	struct tally_ent	*ents;
	size_t			 nents, capents;
	char			*arena;
	size_t			 used, size;
};

/* A zeroed struct tally is empty. Out of memory is fatal in every call. */
void	tally_reset(struct tally *);
void	tally_free(struct tally *);
/* The index of the key (op, name), added when new. Callers may cache it. */
size_t	tally_key(struct tally *, int op, const char *name);
/* HINCRBY, ZINCRBY: adds n; HMAX: keeps the largest n; PFADD: n unused. */
void	tally_add(struct tally *, size_t key, const char *field, size_t flen,
	    int64_t n);
/* HSET, XADD: sets field to value. */
void	tally_set(struct tally *, size_t key, const char *field, size_t flen,
	    const char *value, size_t vlen);
/* Merges what was added; returns the number of key groups. */
size_t	tally_finish(struct tally *);
/*
 * Appends the key groups merged by tally_finish() to a, each as
 * op, key, n, then n fields and values (n members for PFADD), keys in
 * the order they were first named, fields sorted.
 */
void	tally_emit(const struct tally *, struct fargs *a);

#endif
