/*
 * collector/batch.h - a batch of events on their way to one stream:
 * flat field/value pairs in one arena, ids assigned in order.
 */
#ifndef VIGIE_BATCH_H
#define VIGIE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#define BATCH_FIELDS_MAX	24

struct streamid {
	uint64_t	 ms;
	uint64_t	 seq;
};

struct batch_event {
	struct streamid	 id;
	size_t		 nf;
	const char	*name[BATCH_FIELDS_MAX];	/* borrowed constants */
	size_t		 off[BATCH_FIELDS_MAX];		/* values, in the arena */
	size_t		 len[BATCH_FIELDS_MAX];
};

struct batch {
	struct batch_event	*ev;
	size_t			 n, cap;
	char			*arena;
	size_t			 used, size;
};

void	batch_init(struct batch *);
void	batch_reset(struct batch *);
void	batch_free(struct batch *);
/* Starts a new event; returns it (owned by the batch) or NULL (no memory). */
struct batch_event *batch_event_new(struct batch *);
/*
 * Adds a field to the last event; empty values are skipped. `name` must
 * outlive the batch (a string constant). Returns 0 or -1.
 */
int	batch_field(struct batch *, const char *name, const char *v, size_t len);
const char *batch_str(const struct batch *, size_t off);

/* The id after `id`: same millisecond, next sequence. */
struct streamid	streamid_next(struct streamid id);
int		streamid_cmp(struct streamid, struct streamid);
/* Parses "<ms>-<seq>". Returns 0 or -1. */
int		streamid_parse(const char *, struct streamid *);

#endif
