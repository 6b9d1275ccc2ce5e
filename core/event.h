/*
 * core/event.h - the event (flat fields, one table: event_fields.h) and
 * the frame codec: a batch of events in one binary-safe stream entry.
 * Pure: no socket, no file. Used by the collector, the correlator and vigie.
 */
#ifndef VIGIE_EVENT_H
#define VIGIE_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum ev_type { FT_STR, FT_INT, FT_ADDR, FT_BYTES };
enum ev_yara { YX_NONE, YX_STR, YX_INT };

enum ev_field {
#define FIELD(id, name, type, yname, ytype) EV_##id,
#include "event_fields.h"
#undef FIELD
	EV_NFIELDS
};

struct ev_fieldinfo {
	const char	*name;
	enum ev_type	 type;
	const char	*yara;		/* external variable, NULL: none */
	enum ev_yara	 ytype;
};
extern const struct ev_fieldinfo ev_fields[EV_NFIELDS];

/* The field called `name`, or -1. */
int	ev_field_lookup(const char *name);

/*
 * One event. Values are borrowed (from a line, a frame, a parser's
 * buffers) and valid as long as their owner; each value is followed by a
 * NUL at v[len] when it comes from frame_next(). len 0 means absent.
 */
struct evval {
	const char	*v;
	size_t		 len;
};
struct event {
	struct evval	 f[EV_NFIELDS];
};

void	event_clear(struct event *);
/* Sets a field from a NUL-terminated string ("" leaves it absent). */
void	event_set(struct event *, enum ev_field, const char *);
/* The value as a NUL-terminated string ("" when absent). frame_next() only. */
const char *event_str(const struct event *, enum ev_field);
/* The value as an integer; 0 when absent or not a decimal integer. */
int64_t	event_int(const struct event *, enum ev_field);
/*
 * Parses n bytes of s as a decimal int64 ("-" allowed). With canonical,
 * only as JSON writes one: no leading zero, no "-0". Returns 0 or -1.
 */
int	event_parse_int(const char *s, size_t n, int canonical, int64_t *out);

/*
 * Frame format 1 (little endian; DESIGN.md):
 *   "VGF" 0x01 | u32 event count | varint sensor length, sensor, NUL
 *   then per event: varint field count, and per field:
 *   u8 field number | varint length | bytes | NUL
 * The sensor is said once, in the header; an event carries its own
 * `sensor` field only when it differs. Fields of length 0 are not sent.
 * Frame format 2 is format 1 compressed (what the collector sends when
 * it is smaller; core/lz.h):
 *   "VGF" 0x02 | u32 event count | varint n | LZ block of format 1's
 *   bytes after its 8-byte head (n of them)
 */
#define FRAME_MAGIC		"VGF\001"
#define FRAME_EVENTS_MAX	65536		/* decoder's bound */
#define FRAME_DEFAULT_EVENTS	256
#define FRAME_DEFAULT_BYTES	(256 * 1024)
#define FRAME_RAW_MAX		(64 << 20)	/* decoder's bound, format 2 */

struct frame_enc {
	unsigned char	*buf;		/* owned; reused between frames */
	size_t		 len, cap;
	uint32_t	 n;		/* events in the frame */
	size_t		 max_events, max_bytes;
	const char	*sensor;	/* borrowed */
	size_t		 sensor_len;
	unsigned char	*zbuf;		/* owned: the frame compressed */
	size_t		 zcap;
};

/* max_events, max_bytes: when a frame is full. Returns 0. */
void	frame_enc_init(struct frame_enc *, size_t max_events, size_t max_bytes);
void	frame_enc_free(struct frame_enc *);
/* Starts an empty frame for `sensor` (borrowed until the next begin). */
int	frame_begin(struct frame_enc *, const char *sensor);
/*
 * Appends ev. Returns 0; 1 when the frame is full (it holds max_events,
 * or ev would take it past max_bytes and it holds at least one event):
 * nothing was added, seal it and start another; -1 out of memory.
 * A single event larger than max_bytes goes alone into its own frame.
 */
int	frame_add(struct frame_enc *, const struct event *);
/* The encoded frame (valid until the next begin/add). */
const void *frame_data(const struct frame_enc *, size_t *len);
/*
 * The frame to send: format 2 when it is smaller, else format 1 (valid
 * until the next begin/add/pack). NULL when out of memory.
 */
const void *frame_pack(struct frame_enc *, size_t *len);

struct frame_dec {
	const unsigned char	*p, *end;
	uint32_t		 n, i;
	const char		*sensor;	/* into the buffer, NUL-ended */
	size_t			 sensor_len;
	unsigned char		*raw;		/* owned: format 2 expanded */
};

/*
 * Opens a frame for reading (buf is borrowed). Returns 0, or -1 with a
 * static reason in *why (unknown version, truncated, corrupt, ...).
 * Either way frame_close() frees what it holds; the events read point
 * into buf or into that.
 */
int	frame_open(struct frame_dec *, const void *buf, size_t len,
	    const char **why);
void	frame_close(struct frame_dec *);
/*
 * The next event into ev (values point into the frame). Returns 1, 0 at
 * the end (after checking the frame has nothing more), or -1 with *why.
 */
int	frame_next(struct frame_dec *, struct event *ev, const char **why);

#endif
