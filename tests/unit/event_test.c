/*
 * tests/unit/event_test.c - the frame codec (core/event.c): round trips,
 * the frame's bounds, every corruption refused with its reason, event_int.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "event.h"

/* A value of the right type for field f, distinct per field. */
static void
value_for(int f, char *buf, size_t len)
{
	switch (ev_fields[f].type) {
	case FT_INT:
		snprintf(buf, len, "%d", 1000 + f);
		break;
	case FT_ADDR:
		snprintf(buf, len, f % 2 ? "2001:db8::%x" : "192.0.2.%d", f);
		break;
	default:
		snprintf(buf, len, "%s value %d", ev_fields[f].name, f);
		break;
	}
}

/*
 * Decodes every event of buf into evs (at most max). Returns n or -1.
 * The events may point into the frame expanded: held until the next call.
 */
static struct frame_dec held;

static int
decode_all(const void *buf, size_t len, struct event *evs, int max,
    const char **why)
{
	struct frame_dec	*fd = &held;
	struct event		 ev;
	int			 n = 0, rc;

	*why = NULL;
	frame_close(fd);
	if (frame_open(fd, buf, len, why) == -1)
		return -1;
	while ((rc = frame_next(fd, &ev, why)) == 1) {
		if (n < max)
			evs[n] = ev;
		n++;
	}
	return rc == -1 ? -1 : n;
}

static void
assert_same_field(const struct event *a, const struct event *b, int f)
{
	assert_int_equal(a->f[f].len, b->f[f].len);
	if (a->f[f].len > 0)
		assert_memory_equal(a->f[f].v, b->f[f].v, a->f[f].len);
}

static void
test_every_field_round_trips(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev, out[1];
	char			 vals[EV_NFIELDS][64];
	const void		*data;
	const char		*why;
	size_t			 len;
	int			 f;

	(void)state;
	event_clear(&ev);
	for (f = 0; f < EV_NFIELDS; f++) {
		value_for(f, vals[f], sizeof(vals[f]));
		event_set(&ev, f, vals[f]);
	}
	frame_enc_init(&fe, 0, 0);
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	data = frame_data(&fe, &len);
	assert_int_equal(decode_all(data, len, out, 1, &why), 1);
	for (f = 0; f < EV_NFIELDS; f++) {
		assert_same_field(&ev, &out[0], f);
		/* Decoded values are NUL-terminated strings. */
		assert_int_equal(out[0].f[f].v[out[0].f[f].len], '\0');
		assert_string_equal(event_str(&out[0], f), vals[f]);
	}
	frame_enc_free(&fe);
}

static void
test_binary_values_round_trip(void **state)
{
	static const char	 payload[] = "GET \0\x80\x81\xfe\xff\r\n\0";
	static const char	 line[] = "user \xff\xfe\x1b[31m\xc0\xaf";
	struct frame_enc	 fe;
	struct event		 ev, out[2];
	const void		*data;
	const char		*why;
	size_t			 len;

	(void)state;
	event_clear(&ev);
	event_set(&ev, EV_KIND, "flow");
	ev.f[EV_PAYLOAD].v = payload;
	ev.f[EV_PAYLOAD].len = sizeof(payload) - 1;
	ev.f[EV_LINE].v = line;
	ev.f[EV_LINE].len = sizeof(line) - 1;
	frame_enc_init(&fe, 0, 0);
	assert_int_equal(frame_begin(&fe, "tap0"), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	data = frame_data(&fe, &len);
	assert_int_equal(decode_all(data, len, out, 2, &why), 2);
	assert_same_field(&ev, &out[0], EV_PAYLOAD);
	assert_same_field(&ev, &out[1], EV_PAYLOAD);
	assert_same_field(&ev, &out[1], EV_LINE);
	assert_int_equal(out[1].f[EV_USER].len, 0);
	frame_enc_free(&fe);
}

static void
test_sensor_of_the_frame_not_sent(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev, out[1];
	unsigned char		 without[256];
	const void		*data;
	const char		*why;
	size_t			 len, wlen;

	(void)state;
	frame_enc_init(&fe, 0, 0);
	event_clear(&ev);
	event_set(&ev, EV_ACTION, "auth_fail");
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	data = frame_data(&fe, &wlen);
	assert_true(wlen <= sizeof(without));
	memcpy(without, data, wlen);

	/* Same sensor as the frame: the very same bytes on the wire. */
	event_set(&ev, EV_SENSOR, "web1");
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	data = frame_data(&fe, &len);
	assert_int_equal(len, wlen);
	assert_memory_equal(data, without, len);
	/* And restored on decode, as when it was absent. */
	assert_int_equal(decode_all(data, len, out, 1, &why), 1);
	assert_string_equal(event_str(&out[0], EV_SENSOR), "web1");
	assert_string_equal(event_str(&out[0], EV_ACTION), "auth_fail");
	frame_enc_free(&fe);
}

static void
test_other_sensor_kept(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev, out[2];
	const void		*data;
	const char		*why;
	size_t			 len;

	(void)state;
	frame_enc_init(&fe, 0, 0);
	assert_int_equal(frame_begin(&fe, "relay"), 0);
	event_clear(&ev);
	event_set(&ev, EV_KIND, "alert");
	event_set(&ev, EV_SENSOR, "relay2");	/* a prefix of it differs */
	assert_int_equal(frame_add(&fe, &ev), 0);
	event_set(&ev, EV_SENSOR, "rel");
	assert_int_equal(frame_add(&fe, &ev), 0);
	data = frame_data(&fe, &len);
	assert_int_equal(decode_all(data, len, out, 2, &why), 2);
	assert_string_equal(event_str(&out[0], EV_SENSOR), "relay2");
	assert_string_equal(event_str(&out[1], EV_SENSOR), "rel");
	frame_enc_free(&fe);
}

static void
test_empty_frame(void **state)
{
	struct frame_enc	 fe;
	struct event		 out[1];
	const void		*data;
	const char		*why;
	size_t			 len;

	(void)state;
	frame_enc_init(&fe, 0, 0);
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	data = frame_data(&fe, &len);
	assert_int_equal(decode_all(data, len, out, 1, &why), 0);
	frame_enc_free(&fe);
}

static void
test_full_by_events(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev, out[4];
	const void		*data;
	const char		*why;
	size_t			 len;

	(void)state;
	frame_enc_init(&fe, 3, 0);
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	event_clear(&ev);
	event_set(&ev, EV_KIND, "log");
	assert_int_equal(frame_add(&fe, &ev), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	assert_int_equal(frame_add(&fe, &ev), 1);
	assert_int_equal(fe.n, 3);
	data = frame_data(&fe, &len);
	assert_int_equal(decode_all(data, len, out, 4, &why), 3);
	/* A new frame takes events again. */
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	frame_enc_free(&fe);

	/* The bound is capped at what a decoder accepts. */
	frame_enc_init(&fe, FRAME_EVENTS_MAX + 1, 0);
	assert_int_equal(fe.max_events, FRAME_EVENTS_MAX);
	frame_enc_free(&fe);
}

static void
test_full_by_bytes(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev;
	char			 big[600];
	const void		*data;
	const char		*why;
	size_t			 len, prev;
	int			 n = 0, rc;

	(void)state;
	frame_enc_init(&fe, 0, 200);
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	event_clear(&ev);
	event_set(&ev, EV_LINE, "a line of about forty bytes, no more");
	prev = 0;
	while ((rc = frame_add(&fe, &ev)) == 0) {
		n++;
		(void)frame_data(&fe, &len);
		assert_true(len > prev);
		prev = len;
	}
	assert_int_equal(rc, 1);
	assert_true(n >= 2);
	assert_int_equal(fe.n, (uint32_t)n);
	data = frame_data(&fe, &len);
	assert_true(len <= 200);
	assert_int_equal(decode_all(data, len, NULL, 0, &why), n);

	/* An event larger than max_bytes goes alone into its own frame. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	event_set(&ev, EV_LINE, big);
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	assert_int_equal(frame_add(&fe, &ev), 0);
	assert_int_equal(fe.n, 1);
	data = frame_data(&fe, &len);
	assert_true(len > 200);
	assert_int_equal(decode_all(data, len, NULL, 0, &why), 1);
	event_set(&ev, EV_LINE, "small");
	assert_int_equal(frame_add(&fe, &ev), 1);
	assert_int_equal(fe.n, 1);
	frame_enc_free(&fe);
}

/* ---- corruption: frames written by hand ---- */

struct raw {
	unsigned char	 b[512];
	size_t		 len;
};

static void
raw_header(struct raw *r, uint32_t n, const char *sensor)
{
	size_t	 sl = strlen(sensor);

	memcpy(r->b, FRAME_MAGIC, 4);
	r->b[4] = (unsigned char)n;
	r->b[5] = (unsigned char)(n >> 8);
	r->b[6] = (unsigned char)(n >> 16);
	r->b[7] = (unsigned char)(n >> 24);
	r->b[8] = (unsigned char)sl;		/* sl < 128: one varint byte */
	memcpy(r->b + 9, sensor, sl + 1);
	r->len = 9 + sl + 1;
}

static void
raw_byte(struct raw *r, unsigned char c)
{
	r->b[r->len++] = c;
}

/* One field: number, varint length (< 128), value, NUL. */
static void
raw_field(struct raw *r, unsigned char id, const char *v)
{
	size_t	 vl = strlen(v);

	raw_byte(r, id);
	raw_byte(r, (unsigned char)vl);
	memcpy(r->b + r->len, v, vl + 1);
	r->len += vl + 1;
}

/* Decodes r and returns the reason of its refusal (NULL: accepted). */
static const char *
refusal(const struct raw *r)
{
	const char	*why;

	if (decode_all(r->b, r->len, NULL, 0, &why) >= 0)
		return NULL;
	assert_non_null(why);
	return why;
}

static void
test_handmade_frame_accepted(void **state)
{
	struct raw	 r;
	struct event	 out[1];
	const char	*why;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 2);
	raw_field(&r, EV_ACTION, "auth_fail");
	raw_field(&r, EV_USER, "root");
	assert_int_equal(decode_all(r.b, r.len, out, 1, &why), 1);
	assert_string_equal(event_str(&out[0], EV_USER), "root");
	assert_string_equal(event_str(&out[0], EV_SENSOR), "web1");
}

static void
test_bad_magic(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 0, "web1");
	r.b[0] = 'X';
	assert_string_equal(refusal(&r), "not a frame");
	raw_header(&r, 0, "web1");
	r.len = 7;				/* shorter than a header */
	assert_string_equal(refusal(&r), "not a frame");
	r.len = 0;
	assert_string_equal(refusal(&r), "not a frame");
}

static void
test_unknown_version(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 0, "web1");
	r.b[3] = 3;
	assert_string_equal(refusal(&r), "unknown frame version");
	r.b[3] = 0;
	assert_string_equal(refusal(&r), "unknown frame version");
}

/* A frame of n sshd-like events, much alike, as a collector makes them. */
static void
alike(struct frame_enc *fe, int n, struct event *evs)
{
	static char	 lines[64][128], ports[64][8];
	int		 i;

	frame_enc_init(fe, 0, 0);
	assert_int_equal(frame_begin(fe, "web1"), 0);
	for (i = 0; i < n; i++) {
		event_clear(&evs[i]);
		snprintf(ports[i], sizeof(ports[i]), "%d", 40000 + i * 7);
		snprintf(lines[i], sizeof(lines[i]), "Failed password for "
		    "invalid user u%d from 218.92.0.%d port %d ssh2", i, i,
		    40000 + i * 7);
		event_set(&evs[i], EV_KIND, "log");
		event_set(&evs[i], EV_LINE, lines[i]);
		event_set(&evs[i], EV_SRC_PORT, ports[i]);
		event_set(&evs[i], EV_ACTION, "auth_fail");
		event_set(&evs[i], EV_PROGRAM, "sshd");
		assert_int_equal(frame_add(fe, &evs[i]), 0);
	}
}

static void
test_packed_frame_round_trips(void **state)
{
	struct frame_enc	 fe;
	struct event		 evs[64], out[64];
	const unsigned char	*z;
	const void		*raw;
	const char		*why;
	size_t			 zlen, rlen;
	int			 i, f;

	(void)state;
	alike(&fe, 64, evs);
	raw = frame_data(&fe, &rlen);
	z = frame_pack(&fe, &zlen);
	assert_non_null(z);
	/* Format 2, and much smaller: the lines are much alike. */
	assert_int_equal(z[3], 2);
	assert_true(zlen * 3 < rlen);
	assert_int_equal(decode_all(z, zlen, out, 64, &why), 64);
	for (i = 0; i < 64; i++) {
		for (f = 0; f < EV_NFIELDS; f++)
			if (f != EV_SENSOR)
				assert_same_field(&evs[i], &out[i], f);
		assert_string_equal(event_str(&out[i], EV_SENSOR), "web1");
	}
	(void)raw;
	frame_enc_free(&fe);
}

static void
test_packed_only_when_smaller(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev, out[1];
	const unsigned char	*z;
	const char		*why;
	size_t			 zlen, rlen;

	(void)state;
	frame_enc_init(&fe, 0, 0);
	assert_int_equal(frame_begin(&fe, "w"), 0);
	event_clear(&ev);
	event_set(&ev, EV_KIND, "log");
	assert_int_equal(frame_add(&fe, &ev), 0);
	(void)frame_data(&fe, &rlen);
	z = frame_pack(&fe, &zlen);
	assert_int_equal(z[3], 1);
	assert_int_equal(zlen, rlen);
	assert_int_equal(decode_all(z, zlen, out, 1, &why), 1);
	frame_enc_free(&fe);
}

static void
test_packed_frame_damaged(void **state)
{
	struct frame_enc	 fe;
	struct event		 evs[64];
	unsigned char		 z[8192];
	const void		*p;
	const char		*why;
	size_t			 zlen, i;
	int			 refused = 0;

	(void)state;
	alike(&fe, 64, evs);
	p = frame_pack(&fe, &zlen);
	assert_true(zlen <= sizeof(z));
	memcpy(z, p, zlen);
	frame_enc_free(&fe);
	/* Cut anywhere: refused, never read past the end. */
	for (i = 0; i < zlen; i++)
		assert_int_equal(decode_all(z, i, NULL, 0, &why), -1);
	/* A byte changed anywhere after the head: refused or other bytes. */
	for (i = 9; i < zlen; i++) {
		z[i] ^= 0x5a;
		refused += decode_all(z, zlen, NULL, 0, &why) == -1;
		z[i] ^= 0x5a;
	}
	assert_true(refused > 0);
	/* A length that promises more than 255 times the block: a bomb. */
	z[8] = 0xff;
	z[9] = 0xff;
	z[10] = 0xff;
	z[11] = 0x01;
	assert_int_equal(decode_all(z, 40, NULL, 0, &why), -1);
	assert_string_equal(why, "truncated compressed frame");
}

static void
test_too_many_events(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, FRAME_EVENTS_MAX + 1, "web1");
	assert_string_equal(refusal(&r), "too many events");
	raw_header(&r, UINT32_MAX, "web1");
	assert_string_equal(refusal(&r), "too many events");
	/* FRAME_EVENTS_MAX itself passes the header, then lacks events. */
	raw_header(&r, FRAME_EVENTS_MAX, "web1");
	assert_string_equal(refusal(&r), "truncated event");
}

static void
test_truncated_at_every_offset(void **state)
{
	struct frame_enc	 fe;
	struct event		 ev;
	const void		*data;
	const char		*why;
	unsigned char		*copy;
	size_t			 len, cut;

	(void)state;
	frame_enc_init(&fe, 0, 0);
	assert_int_equal(frame_begin(&fe, "web1"), 0);
	event_clear(&ev);
	event_set(&ev, EV_KIND, "log");
	event_set(&ev, EV_TS, "1763899200000000");
	event_set(&ev, EV_USER, "root");
	assert_int_equal(frame_add(&fe, &ev), 0);
	event_set(&ev, EV_SENSOR, "other");
	assert_int_equal(frame_add(&fe, &ev), 0);
	data = frame_data(&fe, &len);
	assert_int_equal(decode_all(data, len, NULL, 0, &why), 2);
	for (cut = 0; cut < len; cut++) {
		/* A copy of the exact length, so ASan sees any overread. */
		copy = test_malloc(cut + (cut == 0));
		memcpy(copy, data, cut);
		if (decode_all(copy, cut, NULL, 0, &why) != -1)
			fail_msg("a frame cut at %zu of %zu bytes was accepted",
			    cut, len);
		assert_non_null(why);
		test_free(copy);
	}
	frame_enc_free(&fe);
}

static void
test_trailing_bytes(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 1);
	raw_field(&r, EV_KIND, "log");
	raw_byte(&r, 0);
	assert_string_equal(refusal(&r), "bytes after the last event");
	raw_header(&r, 0, "web1");
	raw_byte(&r, 0);
	assert_string_equal(refusal(&r), "bytes after the last event");
}

static void
test_field_given_twice(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 3);
	raw_field(&r, EV_USER, "root");
	raw_field(&r, EV_KIND, "log");
	raw_field(&r, EV_USER, "admin");
	assert_string_equal(refusal(&r), "field given twice");
}

static void
test_missing_nul(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 1);
	raw_field(&r, EV_USER, "root");
	r.b[r.len - 1] = 'x';
	assert_string_equal(refusal(&r), "truncated field");
	/* The header's sensor too. */
	raw_header(&r, 0, "web1");
	r.b[r.len - 1] = 'x';
	assert_string_equal(refusal(&r), "truncated header");
}

/* A length of 2^64 - 1 must not wrap the bounds check (found by fuzzing). */
static void
test_huge_length_refused(void **state)
{
	struct raw	 r;
	int		 i;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 1);
	raw_byte(&r, EV_USER);
	for (i = 0; i < 9; i++)
		raw_byte(&r, 0xff);
	raw_byte(&r, 0x01);
	raw_byte(&r, 'x');
	raw_byte(&r, 0);
	assert_string_equal(refusal(&r), "truncated field");
}

static void
test_empty_field_refused(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 1);
	raw_field(&r, EV_USER, "");
	assert_string_equal(refusal(&r), "truncated field");
}

static void
test_too_many_fields(void **state)
{
	struct raw	 r;

	(void)state;
	raw_header(&r, 1, "web1");
	raw_byte(&r, 0x80);		/* varint 256 */
	raw_byte(&r, 0x02);
	assert_string_equal(refusal(&r), "truncated event");
}

static void
test_unknown_field_skipped(void **state)
{
	struct raw	 r;
	struct event	 out[2];
	const char	*why;
	int		 f;

	(void)state;
	raw_header(&r, 2, "web1");
	raw_byte(&r, 4);
	raw_field(&r, EV_KIND, "log");
	raw_field(&r, EV_NFIELDS, "from a newer collector");
	raw_field(&r, 255, "and another");
	raw_field(&r, EV_USER, "root");
	/* The same unknown number twice is not checked: it is skipped. */
	raw_byte(&r, 2);
	raw_field(&r, EV_NFIELDS, "x");
	raw_field(&r, EV_NFIELDS, "y");
	assert_int_equal(decode_all(r.b, r.len, out, 2, &why), 2);
	assert_string_equal(event_str(&out[0], EV_KIND), "log");
	assert_string_equal(event_str(&out[0], EV_USER), "root");
	for (f = 0; f < EV_NFIELDS; f++)
		if (f != EV_KIND && f != EV_USER && f != EV_SENSOR) {
			assert_int_equal(out[0].f[f].len, 0);
			assert_int_equal(out[1].f[f].len, 0);
		}
	assert_string_equal(event_str(&out[1], EV_SENSOR), "web1");
}

static void
test_event_int(void **state)
{
	struct event	 ev;
	static const struct {
		const char	*s;
		int64_t		 v;
	} cases[] = {
		{ "", 0 },			/* absent */
		{ "0", 0 },
		{ "42", 42 },
		{ "-1", -1 },
		{ "0042", 42 },
		{ "9223372036854775807", INT64_MAX },
		{ "-9223372036854775807", -INT64_MAX },
		{ "-9223372036854775808", INT64_MIN },
		{ "9223372036854775808", 0 },	/* out of range */
		{ "-9223372036854775809", 0 },
		{ "18446744073709551616", 0 },
		{ "99999999999999999999", 0 },
		{ "-", 0 },
		{ "+5", 0 },
		{ " 5", 0 },
		{ "5 ", 0 },
		{ "12a", 0 },
		{ "1.5", 0 },
		{ "0x10", 0 },
		{ "--1", 0 },
	};
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		event_clear(&ev);
		event_set(&ev, EV_STATUS, cases[i].s);
		if (event_int(&ev, EV_STATUS) != cases[i].v)
			fail_msg("event_int(\"%s\") = %lld, want %lld",
			    cases[i].s, (long long)event_int(&ev, EV_STATUS),
			    (long long)cases[i].v);
	}
	/* Bounded by its length, not by a NUL. */
	event_clear(&ev);
	ev.f[EV_STATUS].v = "404500";
	ev.f[EV_STATUS].len = 3;
	assert_int_equal(event_int(&ev, EV_STATUS), 404);
}

static void
test_field_lookup(void **state)
{
	int	 f;

	(void)state;
	for (f = 0; f < EV_NFIELDS; f++)
		assert_int_equal(ev_field_lookup(ev_fields[f].name), f);
	assert_int_equal(ev_field_lookup("no_such_field"), -1);
	assert_int_equal(ev_field_lookup(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_round_trips),
		cmocka_unit_test(test_binary_values_round_trip),
		cmocka_unit_test(test_sensor_of_the_frame_not_sent),
		cmocka_unit_test(test_other_sensor_kept),
		cmocka_unit_test(test_empty_frame),
		cmocka_unit_test(test_full_by_events),
		cmocka_unit_test(test_full_by_bytes),
		cmocka_unit_test(test_handmade_frame_accepted),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_unknown_version),
		cmocka_unit_test(test_packed_frame_round_trips),
		cmocka_unit_test(test_packed_only_when_smaller),
		cmocka_unit_test(test_packed_frame_damaged),
		cmocka_unit_test(test_too_many_events),
		cmocka_unit_test(test_truncated_at_every_offset),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_field_given_twice),
		cmocka_unit_test(test_missing_nul),
		cmocka_unit_test(test_huge_length_refused),
		cmocka_unit_test(test_empty_field_refused),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_unknown_field_skipped),
		cmocka_unit_test(test_event_int),
		cmocka_unit_test(test_field_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
