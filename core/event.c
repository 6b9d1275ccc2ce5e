/*
 * core/event.c - the event's field table and the frame codec.
 * Owns the encoder's buffer. Calls nothing but libc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "lz.h"

/* frame_next() tracks the fields seen in a 64-bit mask. */
_Static_assert(EV_NFIELDS <= 64, "too many event fields");

const struct ev_fieldinfo ev_fields[EV_NFIELDS] = {
#define FIELD(id, name, type, yname, ytype) { name, type, yname, ytype },
#include "event_fields.h"
#undef FIELD
};

int
ev_field_lookup(const char *name)
{
	int	 i;

	for (i = 0; i < EV_NFIELDS; i++)
		if (strcmp(ev_fields[i].name, name) == 0)
			return i;
	return -1;
}

void
event_clear(struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
}

void
event_set(struct event *ev, enum ev_field f, const char *s)
{
	ev->f[f].v = s;
	ev->f[f].len = s != NULL ? strlen(s) : 0;
}

const char *
event_str(const struct event *ev, enum ev_field f)
{
	return ev->f[f].len ? ev->f[f].v : "";
}

int
event_parse_int(const char *s, size_t n, int canonical, int64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i = 0;
	int		 neg = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n || n - i > 19)
		return -1;
	if (canonical && s[i] == '0' && (n - i > 1 || neg))
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
		return -1;
	/* -(v - 1) - 1: INT64_MIN without overflowing on the way. */
	*out = neg ? -(int64_t)(v - 1) - 1 : (int64_t)v;
	return 0;
}

int64_t
event_int(const struct event *ev, enum ev_field f)
{
	int64_t	 v;

	if (event_parse_int(ev->f[f].v, ev->f[f].len, 0, &v) == -1)
		return 0;
	return v;
}

/* ---- encoder ---- */

void
frame_enc_init(struct frame_enc *fe, size_t max_events, size_t max_bytes)
{
	memset(fe, 0, sizeof(*fe));
	fe->max_events = max_events ? max_events : FRAME_DEFAULT_EVENTS;
	if (fe->max_events > FRAME_EVENTS_MAX)
		fe->max_events = FRAME_EVENTS_MAX;
	fe->max_bytes = max_bytes ? max_bytes : FRAME_DEFAULT_BYTES;
}

void
frame_enc_free(struct frame_enc *fe)
{
	free(fe->buf);
	free(fe->zbuf);
	memset(fe, 0, sizeof(*fe));
}

static int
enc_reserve(struct frame_enc *fe, size_t more)
{
	size_t		 ncap;
	unsigned char	*nb;

	if (fe->len + more <= fe->cap)
		return 0;
	ncap = fe->cap ? fe->cap : 4096;
	while (ncap < fe->len + more)
		ncap *= 2;
	if ((nb = realloc(fe->buf, ncap)) == NULL)
		return -1;
	fe->buf = nb;
	fe->cap = ncap;
	return 0;
}

static size_t
varint_put(unsigned char *p, uint64_t v)
{
	size_t	 n = 0;

	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static void
u32_put(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int
frame_begin(struct frame_enc *fe, const char *sensor)
{
	fe->sensor = sensor;
	fe->sensor_len = strlen(sensor);
	fe->len = 0;
	fe->n = 0;
	if (enc_reserve(fe, 8 + 10 + fe->sensor_len + 1) == -1)
		return -1;
	memcpy(fe->buf, FRAME_MAGIC, 4);
	u32_put(fe->buf + 4, 0);
	fe->len = 8;
	fe->len += varint_put(fe->buf + fe->len, fe->sensor_len);
	memcpy(fe->buf + fe->len, sensor, fe->sensor_len);
	fe->len += fe->sensor_len;
	fe->buf[fe->len++] = '\0';
	return 0;
}

/* Whether field f of ev goes on the wire. */
static int
enc_sends(const struct frame_enc *fe, const struct event *ev, int f)
{
	if (ev->f[f].len == 0)
		return 0;
	if (f == EV_SENSOR && ev->f[f].len == fe->sensor_len &&
	    memcmp(ev->f[f].v, fe->sensor, fe->sensor_len) == 0)
		return 0;
	return 1;
}

int
frame_add(struct frame_enc *fe, const struct event *ev)
{
	size_t	 need = 10, nf = 0;
	int	 f;

	if (fe->n >= fe->max_events)
		return 1;
	for (f = 0; f < EV_NFIELDS; f++)
		if (enc_sends(fe, ev, f)) {
			need += 1 + 10 + ev->f[f].len + 1;
			nf++;
		}
	if (fe->n > 0 && fe->len + need > fe->max_bytes)
		return 1;
	if (enc_reserve(fe, need) == -1)
		return -1;
	fe->len += varint_put(fe->buf + fe->len, nf);
	for (f = 0; f < EV_NFIELDS; f++) {
		if (!enc_sends(fe, ev, f))
			continue;
		fe->buf[fe->len++] = (unsigned char)f;
		fe->len += varint_put(fe->buf + fe->len, ev->f[f].len);
		memcpy(fe->buf + fe->len, ev->f[f].v, ev->f[f].len);
		fe->len += ev->f[f].len;
		fe->buf[fe->len++] = '\0';
	}
	fe->n++;
	u32_put(fe->buf + 4, fe->n);
	return 0;
}

const void *
frame_data(const struct frame_enc *fe, size_t *len)
{
	*len = fe->len;
	return fe->buf;
}

const void *
frame_pack(struct frame_enc *fe, size_t *len)
{
	size_t		 raw = fe->len - 8, need = 8 + 10 + LZ_BOUND(raw), h, z;
	unsigned char	*nb;

	if (need > fe->zcap) {
		if ((nb = realloc(fe->zbuf, need)) == NULL)
			return NULL;
		fe->zbuf = nb;
		fe->zcap = need;
	}
	memcpy(fe->zbuf, fe->buf, 8);
	fe->zbuf[3] = 2;
	h = 8 + varint_put(fe->zbuf + 8, raw);
	z = lz_compress(fe->buf + 8, raw, fe->zbuf + h, fe->zcap - h);
	if (z == 0 || h + z >= fe->len)
		return frame_data(fe, len);
	*len = h + z;
	return fe->zbuf;
}

/* ---- decoder ---- */

/* Reads a varint of at most 10 bytes. Returns 0 or -1 (truncated, too long). */
static int
varint_get(const unsigned char **pp, const unsigned char *end, uint64_t *v)
{
	const unsigned char	*p = *pp;
	uint64_t		 r = 0;
	int			 shift;

	for (shift = 0; shift < 64; shift += 7) {
		if (p == end)
			return -1;
		r |= (uint64_t)(*p & 0x7f) << shift;
		if ((*p++ & 0x80) == 0) {
			*v = r;
			*pp = p;
			return 0;
		}
	}
	return -1;
}

/* A NUL-terminated run of len bytes at *pp; advances past the NUL. */
static int
bytes_get(const unsigned char **pp, const unsigned char *end, uint64_t len,
    const char **out)
{
	const unsigned char	*p = *pp;

	/* len >= room, not len + 1 > room: len may be near UINT64_MAX. */
	if (len >= (uint64_t)(end - p) || p[len] != '\0')
		return -1;
	*out = (const char *)p;
	*pp = p + len + 1;
	return 0;
}

int
frame_open(struct frame_dec *fd, const void *buf, size_t len, const char **why)
{
	const unsigned char	*p = buf;
	uint64_t		 slen;

	memset(fd, 0, sizeof(*fd));
	if (len < 8 || memcmp(p, "VGF", 3) != 0) {
		*why = "not a frame";
		return -1;
	}
	if (p[3] == 2) {
		const unsigned char	*q = p + 8;
		uint64_t		 raw;

		/* At most 255 bytes out of each byte in: no bomb. */
		if (varint_get(&q, p + len, &raw) == -1 ||
		    raw > FRAME_RAW_MAX || raw / 255 > len) {
			*why = "truncated compressed frame";
			return -1;
		}
		if ((fd->raw = malloc(8 + (size_t)raw)) == NULL) {
			*why = "out of memory";
			return -1;
		}
		memcpy(fd->raw, p, 8);
		fd->raw[3] = 1;
		if (lz_decompress(q, (size_t)(p + len - q), fd->raw + 8,
		    (size_t)raw) == -1) {
			*why = "corrupt compressed frame";
			return -1;
		}
		p = fd->raw;
		len = 8 + (size_t)raw;
	} else if (p[3] != 1) {
		*why = "unknown frame version";
		return -1;
	}
	fd->n = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
	    (uint32_t)p[7] << 24;
	if (fd->n > FRAME_EVENTS_MAX) {
		*why = "too many events";
		return -1;
	}
	fd->end = p + len;
	fd->p = p + 8;
	if (varint_get(&fd->p, fd->end, &slen) == -1 ||
	    bytes_get(&fd->p, fd->end, slen, &fd->sensor) == -1) {
		*why = "truncated header";
		return -1;
	}
	fd->sensor_len = (size_t)slen;
	return 0;
}

void
frame_close(struct frame_dec *fd)
{
	free(fd->raw);
	fd->raw = NULL;
}

int
frame_next(struct frame_dec *fd, struct event *ev, const char **why)
{
	uint64_t	 nf, id, len, k;
	uint64_t	 seen = 0;

	if (fd->i == fd->n) {
		if (fd->p != fd->end) {
			*why = "bytes after the last event";
			return -1;
		}
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	if (varint_get(&fd->p, fd->end, &nf) == -1 || nf > 255) {
		*why = "truncated event";
		return -1;
	}
	for (k = 0; k < nf; k++) {
		const char	*v;

		if (fd->p == fd->end) {
			*why = "truncated event";
			return -1;
		}
		id = *fd->p++;
		if (varint_get(&fd->p, fd->end, &len) == -1 || len == 0 ||
		    bytes_get(&fd->p, fd->end, len, &v) == -1) {
			*why = "truncated field";
			return -1;
		}
		if (id >= EV_NFIELDS)
			continue;	/* a newer field: skipped */
		if (seen & (UINT64_C(1) << id)) {
			*why = "field given twice";
			return -1;
		}
		seen |= UINT64_C(1) << id;
		ev->f[id].v = v;
		ev->f[id].len = (size_t)len;
	}
	if (ev->f[EV_SENSOR].len == 0) {
		ev->f[EV_SENSOR].v = fd->sensor;
		ev->f[EV_SENSOR].len = fd->sensor_len;
	}
	fd->i++;
	return 1;
}
