/*
 * collector/inputs.h - the set of followed files: --log specs expanded
 * (globs, again every GLOB_EVERY_S and when a watched directory gains a
 * name), and inotify on their directories to wake the loop early (the
 * loop's polling stays as the fallback).
 */
#ifndef VIGIE_INPUTS_H
#define VIGIE_INPUTS_H

#include <stdint.h>
#include <time.h>

#define GLOB_EVERY_S	10	/* globs are expanded again this often */

struct collector;

/* Does the spec's file part hold a glob pattern (*, ?, [)? */
int	inputs_is_glob(const char *spec);
/*
 * Makes a tail for every file the specs name, or their globs match and
 * no tail follows yet. Returns how many were added, or -1 after logging.
 */
int	inputs_expand(struct collector *);
/*
 * Watches the tails' directories with inotify; c->tick_ev is made active
 * when one changes. Returns 1 when inotify watches them all, 0 when the
 * loop must poll alone, -1 after logging.
 */
int	inputs_watch(struct collector *);
void	inputs_close(struct collector *);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t	inputs_now_ms(void);

#endif
