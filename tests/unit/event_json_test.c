/*
 * tests/unit/event_json_test.c - an event as JSON (numbers, base64, _b64)
 * and back, and as escaped text (core/event_json.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "event.h"
#include "event_json.h"

static void
set_bytes(struct event *ev, int f, const char *v, size_t len)
{
	ev->f[f].v = v;
	ev->f[f].len = len;
}

/* The event as one compact JSON line (caller frees). */
static char *
dump(const struct event *ev, const char *id)
{
	json_t	*o;
	char	*s;

	o = event_json_encode(ev, id);
	assert_non_null(o);
	s = json_dumps(o, JSON_COMPACT);
	assert_non_null(s);
	json_decref(o);
	return s;
}

static void
test_shape(void **state)
{
	struct event	 ev;
	char		*s;

	(void)state;
	event_clear(&ev);
	event_set(&ev, EV_USER, "root");	/* out of table order */
	event_set(&ev, EV_KIND, "log");
	event_set(&ev, EV_TS, "1763899200000000");
	event_set(&ev, EV_SENSOR, "web1");
	event_set(&ev, EV_SRC_IP, "2001:db8::1");
	event_set(&ev, EV_SRC_PORT, "22");
	s = dump(&ev, "1763899200000-3/7");
	assert_string_equal(s, "{\"id\":\"1763899200000-3/7\",\"kind\":\"log\","
	    "\"ts\":1763899200000000,\"sensor\":\"web1\","
	    "\"src_ip\":\"2001:db8::1\",\"src_port\":22,\"user\":\"root\"}");
	free(s);
}

static void
test_integers(void **state)
{
	static const struct {
		const char	*v;
		const char	*json;
	} cases[] = {
		{ "0", "0" },
		{ "404", "404" },
		{ "-5", "-5" },
		{ "9223372036854775807", "9223372036854775807" },
		{ "-9223372036854775808", "-9223372036854775808" },
		/* Not as JSON would write them: strings, kept as sent. */
		{ "9223372036854775808", "\"9223372036854775808\"" },
		{ "007", "\"007\"" },
		{ "-0", "\"-0\"" },
		{ "+1", "\"+1\"" },
		{ "-", "\"-\"" },
		{ "1e3", "\"1e3\"" },
		{ "1.5", "\"1.5\"" },
		{ " 1", "\" 1\"" },
		{ "12a", "\"12a\"" },
	};
	struct event	 ev;
	char		*s, want[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		event_clear(&ev);
		event_set(&ev, EV_STATUS, cases[i].v);
		s = dump(&ev, "1-0/0");
		snprintf(want, sizeof(want), "{\"id\":\"1-0/0\",\"status\":%s}",
		    cases[i].json);
		assert_string_equal(s, want);
		free(s);
	}
	/* A string field stays a string, digits or not. */
	event_clear(&ev);
	event_set(&ev, EV_USER, "42");
	s = dump(&ev, "1-0/0");
	assert_string_equal(s, "{\"id\":\"1-0/0\",\"user\":\"42\"}");
	free(s);
}

static void
test_payload_always_base64(void **state)
{
	static const struct {
		const char	*v;
		size_t		 len;
		const char	*b64;
	} cases[] = {
		{ "G", 1, "Rw==" },
		{ "GE", 2, "R0U=" },
		{ "GET", 3, "R0VU" },
		{ "GET /", 5, "R0VUIC8=" },
		{ "\0\x80\xff", 3, "AID/" },
	};
	struct event	 ev;
	char		*s, want[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		event_clear(&ev);
		set_bytes(&ev, EV_PAYLOAD, cases[i].v, cases[i].len);
		s = dump(&ev, "1-0/0");
		snprintf(want, sizeof(want),
		    "{\"id\":\"1-0/0\",\"payload\":\"%s\"}", cases[i].b64);
		assert_string_equal(s, want);
		free(s);
	}
}

static void
test_b64_when_not_text(void **state)
{
	struct event	 ev;
	char		*s;

	(void)state;
	event_clear(&ev);
	event_set(&ev, EV_USER, "\xff\xfe" "adm\xc0" "in");	/* invalid */
	set_bytes(&ev, EV_LINE, "r\0ot", 4);			/* NUL */
	event_set(&ev, EV_URL, "/\xed\xa0\x80");		/* surrogate */
	event_set(&ev, EV_STATUS, "2\xff");			/* an FT_INT */
	event_set(&ev, EV_PROGRAM, "caf\xc3\xa9");		/* valid */
	event_set(&ev, EV_ACTION, "\x1b[31mred");		/* valid too */
	s = dump(&ev, "1-0/0");
	assert_string_equal(s, "{\"id\":\"1-0/0\",\"program\":\"caf\xc3\xa9\","
	    "\"line_b64\":\"cgBvdA==\",\"action\":\"\\u001B[31mred\","
	    "\"user_b64\":\"//5hZG3AaW4=\",\"url_b64\":\"L+2ggA==\","
	    "\"status_b64\":\"Mv8=\"}");
	free(s);
}

/* Encodes, prints, parses, decodes: the same bytes in every field. */
static void
round_trip(const struct event *ev)
{
	struct event	 back;
	json_t		*o;
	json_error_t	 jerr;
	char		*s, *store, err[128];
	int		 f;

	s = dump(ev, "1763899200000-0/12");
	if ((o = json_loads(s, 0, &jerr)) == NULL)
		fail_msg("json_loads: %s: %s", jerr.text, s);
	if (event_json_decode(o, &back, &store, err, sizeof(err)) == -1)
		fail_msg("event_json_decode: %s: %s", err, s);
	assert_string_equal(json_string_value(json_object_get(o, "id")),
	    "1763899200000-0/12");
	for (f = 0; f < EV_NFIELDS; f++) {
		if (back.f[f].len != ev->f[f].len)
			fail_msg("%s: length %zu, want %zu", ev_fields[f].name,
			    back.f[f].len, ev->f[f].len);
		assert_memory_equal(back.f[f].v, ev->f[f].v, ev->f[f].len);
		if (back.f[f].len > 0)
			assert_int_equal(back.f[f].v[back.f[f].len], '\0');
	}
	free(store);
	json_decref(o);
	free(s);
}

static void
test_round_trip(void **state)
{
	static const char	 bin[] = "\0\x01\x1b\x7f\x80\x9b\xc0\xff\"\\";
	struct event		 ev;
	char			 vals[EV_NFIELDS][32];
	size_t			 n;
	int			 f;

	(void)state;
	/* Every field, plain. */
	event_clear(&ev);
	for (f = 0; f < EV_NFIELDS; f++) {
		snprintf(vals[f], sizeof(vals[f]), ev_fields[f].type == FT_INT ?
		    "%d" : "v%d", f);
		event_set(&ev, f, vals[f]);
	}
	round_trip(&ev);
	/* Every field, hostile bytes: all go _b64 (or base64) and back. */
	for (f = 0; f < EV_NFIELDS; f++)
		set_bytes(&ev, f, bin, sizeof(bin) - 1);
	round_trip(&ev);
	/* Every length around base64's groups of three. */
	for (n = 0; n <= sizeof(bin) - 1; n++) {
		event_clear(&ev);
		set_bytes(&ev, EV_PAYLOAD, bin, n);
		set_bytes(&ev, EV_LINE, bin, n);
		round_trip(&ev);
	}
	/* Integers that stay strings. */
	event_clear(&ev);
	event_set(&ev, EV_STATUS, "007");
	event_set(&ev, EV_PID, "-0");
	event_set(&ev, EV_TS, "-9223372036854775808");
	event_set(&ev, EV_END, "99999999999999999999");
	round_trip(&ev);
}

static void
refuse(const char *json, const char *reason)
{
	struct event	 ev;
	json_t		*o;
	json_error_t	 jerr;
	char		*store = (char *)1, err[128];

	if ((o = json_loads(json, JSON_ALLOW_NUL, &jerr)) == NULL)
		fail_msg("json_loads: %s: %s", jerr.text, json);
	if (event_json_decode(o, &ev, &store, err, sizeof(err)) != -1)
		fail_msg("accepted: %s", json);
	assert_null(store);
	assert_string_equal(err, reason);
	json_decref(o);
}

static void
test_decode_refusals(void **state)
{
	(void)state;
	refuse("[]", "not a JSON object");
	refuse("{\"colour\":\"red\"}", "colour: unknown field");
	refuse("{\"colour_b64\":\"AA==\"}", "colour_b64: unknown field");
	refuse("{\"_b64\":\"AA==\"}", "_b64: unknown field");
	refuse("{\"user\":\"a\",\"user_b64\":\"AA==\"}",
	    "user_b64: field given twice");
	refuse("{\"user\":1}", "user: not a string");
	refuse("{\"status\":1.5}", "status: not a string or integer");
	refuse("{\"status\":null}", "status: not a string or integer");
	refuse("{\"status_b64\":3}", "status_b64: not a base64 string");
	refuse("{\"payload\":\"R0V\"}", "payload: bad base64");
	refuse("{\"payload\":\"R0V=U\"}", "payload: bad base64");
	refuse("{\"payload\":\"R=VU\"}", "payload: bad base64");
	refuse("{\"payload\":\"====\"}", "payload: bad base64");
	refuse("{\"payload\":\"R0 U\"}", "payload: bad base64");
	refuse("{\"payload\":\"Rx==\"}", "payload: bad base64");	/* bits */
	refuse("{\"payload\":\"R0X=\"}", "payload: bad base64");
	refuse("{\"line_b64\":\"R0VU\\u0000\"}", "line_b64: bad base64");
}

static void
test_decode_accepts(void **state)
{
	struct event	 ev;
	json_t		*o;
	char		*store, err[128];

	(void)state;
	o = json_pack("{s:s, s:I, s:s, s:s}", "id", "5-0/1", "status",
	    (json_int_t)-12, "payload", "Rw==", "user", "caf\xc3\xa9");
	assert_non_null(o);
	assert_int_equal(event_json_decode(o, &ev, &store, err, sizeof(err)),
	    0);
	assert_string_equal(event_str(&ev, EV_STATUS), "-12");
	assert_int_equal(event_int(&ev, EV_STATUS), -12);
	assert_string_equal(event_str(&ev, EV_PAYLOAD), "G");
	assert_string_equal(event_str(&ev, EV_USER), "caf\xc3\xa9");
	assert_int_equal(ev.f[EV_KIND].len, 0);
	free(store);
	json_decref(o);
}

/* The text line of ev (caller frees). */
static char *
text(const struct event *ev, const char *id)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(event_text_print(fp, ev, id), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* The text form of one value. */
static void
text_is(const char *v, size_t len, const char *want)
{
	struct event	 ev;
	char		*s, line[512];

	event_clear(&ev);
	set_bytes(&ev, EV_USER, v, len);
	s = text(&ev, "1-0/0");
	snprintf(line, sizeof(line), "1-0/0 user=%s\n", want);
	assert_string_equal(s, line);
	free(s);
}

static void
test_text_line(void **state)
{
	struct event	 ev;
	char		*s;

	(void)state;
	event_clear(&ev);
	event_set(&ev, EV_USER, "root");
	event_set(&ev, EV_KIND, "log");
	event_set(&ev, EV_STATUS, "200");
	event_set(&ev, EV_LINE, "Failed password for root");
	s = text(&ev, "1763899200000-0/3");
	assert_string_equal(s, "1763899200000-0/3 kind=log "
	    "line=\"Failed password for root\" user=root status=200\n");
	free(s);
	event_clear(&ev);
	s = text(&ev, "1-0/0");
	assert_string_equal(s, "1-0/0\n");
	free(s);
}

static void
test_text_escapes(void **state)
{
	(void)state;
	text_is("root", 4, "root");
	text_is("a=b", 3, "a=b");
	text_is("a b", 3, "\"a b\"");
	text_is("say \"hi\"", 8, "\"say \\\"hi\\\"\"");
	text_is("C:\\x41", 6, "\"C:\\\\x41\"");
	text_is("\x1b[31mred", 8, "\"\\e[31mred\"");
	text_is("a\r\nb\tc", 6, "\"a\\r\\nb\\tc\"");
	text_is("\0\x01\x07\x08\x7f", 5, "\"\\x00\\x01\\x07\\x08\\x7f\"");
	text_is("\xff\xfe" "adm\xc0" "in", 8, "\"\\xff\\xfeadm\\xc0in\"");
	text_is("\xe2\x82", 2, "\"\\xe2\\x82\"");		/* cut short */
	text_is("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");	/* valid: as is */
	text_is("\xc2\x9b" "31m", 5, "\"\\xc2\\x9b31m\"");	/* C1 CSI */
	text_is("\xc2\xa0", 2, "\"\xc2\xa0\"");		/* past C1 */
	text_is("a\xe2\x80\xae" "b", 5, "\"a\\xe2\\x80\\xaeb\"");	/* RLO */
	text_is("\xe2\x81\xa6", 3, "\"\\xe2\\x81\\xa6\"");	/* LRI */
	text_is("\xe2\x80\xa8", 3, "\"\\xe2\\x80\\xa8\"");	/* LS */
}

static void
test_text_never_raw(void **state)
{
	struct event	 ev;
	unsigned char	 all[256];
	char		*s;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	event_clear(&ev);
	set_bytes(&ev, EV_LINE, (const char *)all, sizeof(all));
	set_bytes(&ev, EV_PAYLOAD, (const char *)all, sizeof(all));
	s = text(&ev, "1-0/0");
	/* One line; nothing below 0x20, no DEL, no byte >= 0x80 at all. */
	for (i = 0; s[i] != '\n'; i++)
		if ((unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f)
			fail_msg("raw byte 0x%02x at %zu", (unsigned char)s[i],
			    i);
	assert_int_equal(s[i + 1], '\0');
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_payload_always_base64),
		cmocka_unit_test(test_b64_when_not_text),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_decode_accepts),
		cmocka_unit_test(test_text_line),
		cmocka_unit_test(test_text_escapes),
		cmocka_unit_test(test_text_never_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
