/*
 * correlator/bundle.h - what a reload replaces at once: the config, the
 * compiled rules and the geo database, read-only once built. A new one
 * is built whole beside the running one; the correlator swaps a pointer
 * and frees the old one when the last worker has let it go.
 */
#ifndef VIGIE_BUNDLE_H
#define VIGIE_BUNDLE_H

#include <pthread.h>
#include <stddef.h>

#include "conf.h"
#include "geo.h"
#include "scan.h"

struct bundle {
	struct conf	 conf;
	struct ruleset	 rules;
	struct geo	 geo;
	unsigned	 gen;		/* 1 at start, one more per reload */
	int		 refs;		/* holders; under the slot's lock */
};

/*
 * Builds a bundle: defaults, FILE (NULL: none), the options as at start
 * (conf_setup), the rules compiled and their meta checked, the geo
 * database opened. With running (a reload), the keys that need a restart
 * keep their running value, and `changes` describes in one line what
 * differs from running, those keys included. Returns a bundle with no
 * reference (refs 0), or NULL after printing every error: "file:line:
 * message" for the config and the rules, the geo file by name.
 */
struct bundle	*bundle_load(const char *file, const struct conf_opt *,
		    size_t nopts, const struct bundle *running,
		    char *changes, size_t len);
/* Frees b, which no one may use any longer. NULL: no-op. */
void		 bundle_free(struct bundle *b);

/*
 * The bundle in force. A worker holds a reference on the bundle it uses
 * and takes a newer one between batches; the slot holds one on the
 * current bundle. The lock guards `cur` and every bundle's refs.
 */
struct bundle_slot {
	pthread_mutex_t	 lock;
	struct bundle	*cur;
};

/* Puts b in force, with the slot's reference. Returns 0 or -1. */
int		 bundle_slot_init(struct bundle_slot *, struct bundle *b);
/* Drops the slot's reference (frees the bundle if it was the last). */
void		 bundle_slot_close(struct bundle_slot *);
/* The bundle in force, with a reference for the caller. */
struct bundle	*bundle_hold(struct bundle_slot *);
/* The bundle in force, with a reference, when it is not b; else NULL. */
struct bundle	*bundle_newer(struct bundle_slot *, const struct bundle *b);
/* Lets b go; the last reference frees it, outside the lock. */
void		 bundle_drop(struct bundle_slot *, struct bundle *b);
/* Puts nb in force; the old one goes when its last user lets it go. */
void		 bundle_swap(struct bundle_slot *, struct bundle *nb);

#endif
