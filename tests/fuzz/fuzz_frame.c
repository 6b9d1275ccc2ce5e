/*
 * tests/fuzz/fuzz_frame.c - libFuzzer target for the frame decoder.
 * Owns nothing past an input: each input is one stream entry's frame.
 * Calls frame_open()/frame_next() (core/event.c) and asserts that every
 * event decoded re-encodes and decodes to the same bytes, canonically,
 * and survives JSON (core/event_json.c) byte for byte.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../core/event.h"
#include "../../core/event_json.h"

#include "fuzz.h"

static int
same_event(const struct event *a, const struct event *b)
{
	int	 f;

	for (f = 0; f < EV_NFIELDS; f++)
		if (a->f[f].len != b->f[f].len || (a->f[f].len > 0 &&
		    memcmp(a->f[f].v, b->f[f].v, a->f[f].len) != 0))
			return 0;
	return 1;
}

/* Encodes evs[0..n) into fe under sensor. */
static void
encode_all(struct frame_enc *fe, const char *sensor, const struct event *evs,
    size_t n)
{
	size_t	 i;

	fuzz_assert(frame_begin(fe, sensor) == 0);
	for (i = 0; i < n; i++)
		fuzz_assert(frame_add(fe, &evs[i]) == 0);
}

/* Decodes a frame we encoded: it must hold exactly evs[0..n). */
static void
decode_same(const void *buf, size_t len, const struct event *evs, size_t n,
    struct event *out)
{
	struct frame_dec	 fd;
	const char		*why = NULL;
	size_t			 i;

	fuzz_assert(frame_open(&fd, buf, len, &why) == 0);
	fuzz_assert(fd.n == n);
	for (i = 0; i < n; i++) {
		fuzz_assert(frame_next(&fd, &out[i], &why) == 1);
		fuzz_assert(same_event(&out[i], &evs[i]));
	}
	fuzz_assert(frame_next(&fd, &out[0], &why) == 0);
	frame_close(&fd);
}

/* The event through JSON text and back: the same bytes. */
static void
json_same(const struct event *ev)
{
	struct event	 back;
	json_t		*o, *p;
	char		*s, *store, err[128];

	fuzz_assert((o = event_json_encode(ev, "1-0/0")) != NULL);
	fuzz_assert((s = json_dumps(o, JSON_COMPACT)) != NULL);
	fuzz_assert((p = json_loads(s, 0, NULL)) != NULL);
	fuzz_assert(event_json_decode(p, &back, &store, err,
	    sizeof(err)) == 0);
	fuzz_assert(same_event(&back, ev));
	free(store);
	json_decref(p);
	free(s);
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_dec	 fd;
	struct frame_enc	 fe, fe2;
	const uint8_t		*lo, *hi;
	struct event		*evs = NULL, *again = NULL, *nevs;
	const char		*why = NULL;
	const void		*buf, *buf2;
	size_t			 n = 0, cap = 0, len, len2;
	int			 f, rc;

	if (frame_open(&fd, data, size, &why) == -1) {
		fuzz_assert(why != NULL);
		frame_close(&fd);
		return 0;
	}
	/* Values lie inside the input, or inside the frame it expands to. */
	if (fd.raw != NULL) {
		lo = fd.raw;
		hi = fd.end;
	} else {
		lo = data;
		hi = data + size;
	}
	fuzz_assert(fd.n <= FRAME_EVENTS_MAX);
	fuzz_assert(fd.sensor[fd.sensor_len] == '\0');
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			fuzz_assert((nevs = realloc(evs, cap *
			    sizeof(*evs))) != NULL);
			evs = nevs;
		}
		if ((rc = frame_next(&fd, &evs[n], &why)) != 1)
			break;
		for (f = 0; f < EV_NFIELDS; f++) {
			if (evs[n].f[f].len == 0)
				continue;
			/* Values lie inside the input, NUL-terminated. */
			fuzz_assert((const uint8_t *)evs[n].f[f].v >= lo &&
			    (const uint8_t *)evs[n].f[f].v + evs[n].f[f].len <
			    hi);
			fuzz_assert(evs[n].f[f].v[evs[n].f[f].len] == '\0');
			if (ev_fields[f].type == FT_INT)
				(void)event_int(&evs[n], f);
		}
		json_same(&evs[n]);
		n++;
	}
	fuzz_assert(rc == 0 || why != NULL);
	fuzz_assert(n <= fd.n);

	/*
	 * What was decoded, encoded again (under the header's sensor as
	 * a string), decodes to the same events; a second round gives the
	 * very same bytes.
	 */
	frame_enc_init(&fe, FRAME_EVENTS_MAX, SIZE_MAX / 2);
	frame_enc_init(&fe2, FRAME_EVENTS_MAX, SIZE_MAX / 2);
	encode_all(&fe, fd.sensor, evs, n);
	buf = frame_data(&fe, &len);
	fuzz_assert((again = calloc(n + 1, sizeof(*again))) != NULL);
	decode_same(buf, len, evs, n, again);
	encode_all(&fe2, fd.sensor, again, n);
	buf2 = frame_data(&fe2, &len2);
	fuzz_assert(len2 == len && memcmp(buf, buf2, len) == 0);
	/* Packed (format 2 when smaller), it decodes to the same events. */
	fuzz_assert((buf = frame_pack(&fe, &len)) != NULL);
	decode_same(buf, len, evs, n, again);
	frame_close(&fd);

	frame_enc_free(&fe2);
	frame_enc_free(&fe);
	free(again);
	free(evs);
	return 0;
}
