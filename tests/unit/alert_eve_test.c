/*
 * tests/unit/alert_eve_test.c - alerts as EVE lines: timestamps as
 * Suricata writes them, the severity mapping, the addresses, hostile
 * values (escaped, made UTF-8, cut), and the RFC 5424 header.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <jansson.h>

#include "alert_eve.h"

/* 2026-11-23T01:34:22Z and 2026-07-01T10:00:00Z, in µs. */
#define WINTER_US	1795397662000000LL
#define SUMMER_US	1782900000000000LL

static void
zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Sets a field from a C string. */
static void
put(struct alert *a, const char *name, const char *v)
{
	assert_int_equal(alert_set(a, name, strlen(name), v, strlen(v)), 0);
}

/* The alert an incident's close writes, field by field. */
static void
sample(struct alert *a)
{
	alert_init(a, 1795397662123LL);
	put(a, "alert_id", "12:3");
	put(a, "incident", "12");
	put(a, "change", "closed");
	put(a, "ts", "1795397662000042");
	put(a, "rule", "ssh_password_guessing");
	put(a, "category", "bruteforce");
	put(a, "severity", "medium");
	put(a, "group_by", "src_ip");
	put(a, "group", "61.177.172.5");
	put(a, "src_ip", "61.177.172.5");
	put(a, "country", "CN");
	put(a, "status", "closed");
	put(a, "count", "6");
	put(a, "by", "alice");
	put(a, "note", "");
}

/* The line of a, parsed back; fails the test if it is not one object. */
static json_t *
eve(const struct alert *a)
{
	json_t		*j;
	json_error_t	 err;
	char		*line;
	size_t		 i;

	line = alert_eve(a);
	assert_non_null(line);
	/* One line: no raw newline or other control byte. */
	for (i = 0; line[i] != '\0'; i++)
		assert_true((unsigned char)line[i] >= 0x20);
	j = json_loads(line, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", err.text, line);
	assert_true(json_is_object(j));
	free(line);
	return j;
}

static const char *
str(const json_t *o, const char *path1, const char *path2)
{
	const json_t	*v = json_object_get(o, path1);

	if (path2 != NULL)
		v = json_object_get(v, path2);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void
test_time_as_suricata_writes_it(void **state)
{
	char	 b[ALERT_TIME_LEN];

	(void)state;
	zone("UTC");
	assert_string_equal(alert_time(WINTER_US + 7, 0, b),
	    "2026-11-23T01:34:22.000007+0000");
	zone("Europe/Paris");
	assert_string_equal(alert_time(WINTER_US + 123456, 0, b),
	    "2026-11-23T02:34:22.123456+0100");
	assert_string_equal(alert_time(SUMMER_US, 0, b),
	    "2026-07-01T12:00:00.000000+0200");
	/* RFC 5424 wants the offset with a colon: UTC with Z. */
	assert_string_equal(alert_time(SUMMER_US + 999999, 1, b),
	    "2026-07-01T10:00:00.999999Z");
	zone("America/New_York");
	assert_string_equal(alert_time(WINTER_US, 0, b),
	    "2026-11-22T20:34:22.000000-0500");
	assert_string_equal(alert_time(-5, 1, b),
	    "1970-01-01T00:00:00.000000Z");
	zone("UTC");
}

static void
test_line_shape(void **state)
{
	struct alert	 a;
	json_t		*j, *al, *vg;

	(void)state;
	zone("UTC");
	sample(&a);
	j = eve(&a);
	assert_string_equal(str(j, "timestamp", NULL),
	    "2026-11-23T01:34:22.000042+0000");
	assert_string_equal(str(j, "event_type", NULL), "alert");
	assert_string_equal(str(j, "src_ip", NULL), "61.177.172.5");
	assert_null(json_object_get(j, "dest_ip"));
	al = json_object_get(j, "alert");
	assert_string_equal(str(al, "signature", NULL), "ssh_password_guessing");
	assert_string_equal(str(al, "category", NULL), "bruteforce");
	assert_string_equal(str(al, "action", NULL), "allowed");
	assert_int_equal(json_integer_value(json_object_get(al, "severity")), 3);
	vg = json_object_get(j, "vigie");
	assert_int_equal(json_integer_value(json_object_get(vg, "incident")), 12);
	assert_int_equal(json_integer_value(json_object_get(vg, "count")), 6);
	assert_string_equal(str(vg, "alert_id", NULL), "12:3");
	assert_string_equal(str(vg, "change", NULL), "closed");
	assert_string_equal(str(vg, "status", NULL), "closed");
	assert_string_equal(str(vg, "group_by", NULL), "src_ip");
	assert_string_equal(str(vg, "group", NULL), "61.177.172.5");
	assert_string_equal(str(vg, "country", NULL), "CN");
	assert_string_equal(str(vg, "by", NULL), "alice");
	assert_true(json_is_null(json_object_get(vg, "note")));
	json_decref(j);

	/* EVE's order: timestamp and event_type lead the line. */
	{
		char	*line = alert_eve(&a);

		assert_non_null(line);
		assert_int_equal(strncmp(line, "{\"timestamp\":\"2026-11-23T01:"
		    "34:22.000042+0000\",\"event_type\":\"alert\",", 66), 0);
		free(line);
	}
}

static void
test_severity_mapping(void **state)
{
	static const struct {
		const char	*name;
		int		 eve;
	} m[] = { { "critical", 1 }, { "high", 2 }, { "medium", 3 },
	    { "low", 4 }, { "", 3 }, { "HIGH", 3 }, { "highest", 3 },
	    { "hig", 3 } };
	struct alert	 a;
	json_t		*j;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		assert_int_equal(alert_severity(m[i].name, strlen(m[i].name)),
		    m[i].eve);
		sample(&a);
		put(&a, "severity", m[i].name);
		j = eve(&a);
		assert_int_equal(json_integer_value(json_object_get(
		    json_object_get(j, "alert"), "severity")), m[i].eve);
		json_decref(j);
	}
	assert_int_equal(alert_severity(NULL, 0), 3);
}

static void
test_addresses(void **state)
{
	struct alert	 a;
	json_t		*j;

	(void)state;
	/* Grouped by destination: the group is dest_ip, no source known. */
	sample(&a);
	put(&a, "group_by", "dest_ip");
	put(&a, "group", "10.0.0.5");
	put(&a, "src_ip", "");
	put(&a, "country", "");
	j = eve(&a);
	assert_null(json_object_get(j, "src_ip"));
	assert_string_equal(str(j, "dest_ip", NULL), "10.0.0.5");
	assert_true(json_is_null(json_object_get(json_object_get(j, "vigie"),
	    "country")));
	json_decref(j);

	/* Grouped by source with src_ip empty: the group is the source. */
	sample(&a);
	put(&a, "src_ip", "");
	put(&a, "group", "2001:db8::1");
	j = eve(&a);
	assert_string_equal(str(j, "src_ip", NULL), "2001:db8::1");
	json_decref(j);

	/* Grouped by user: no address but the source, if any. */
	sample(&a);
	put(&a, "group_by", "user");
	put(&a, "group", "root");
	put(&a, "src_ip", "");
	j = eve(&a);
	assert_null(json_object_get(j, "src_ip"));
	assert_null(json_object_get(j, "dest_ip"));
	json_decref(j);
}

static void
test_hostile_values(void **state)
{
	static const char nul_user[] = "ro\0ot";
	struct alert	 a;
	json_t		*j, *vg;
	char		*line;

	(void)state;
	sample(&a);
	put(&a, "group_by", "user");
	assert_int_equal(alert_set(&a, "group", 5, nul_user, 5), 0);
	put(&a, "note", "quote \" backslash \\ newline\n"
	    "esc \x1b[31m bell \a del \x7f bidi \xe2\x80\xae end");
	put(&a, "by", "\xff\xfe" "adm\xc0in");
	put(&a, "rule", "</script><script>alert(1)</script>");
	j = eve(&a);
	vg = json_object_get(j, "vigie");
	/* A NUL and bad bytes become U+FFFD; the rest comes back as is. */
	assert_string_equal(str(vg, "group", NULL), "ro\xef\xbf\xbdot");
	assert_string_equal(str(vg, "by", NULL),
	    "\xef\xbf\xbd\xef\xbf\xbd" "adm\xef\xbf\xbdin");
	assert_string_equal(str(vg, "note", NULL), "quote \" backslash \\ "
	    "newline\nesc \x1b[31m bell \a del \x7f bidi \xe2\x80\xae end");
	assert_string_equal(str(j, "alert", "signature"),
	    "</script><script>alert(1)</script>");
	json_decref(j);

	/* On the line itself: escaped, never raw. */
	line = alert_eve(&a);
	assert_non_null(line);
	assert_non_null(strstr(line, "quote \\\" backslash \\\\ newline\\n"));
	assert_non_null(strstr(line, "esc \\u001B[31m bell \\u0007"));
	assert_null(strchr(line, '\x1b'));
	free(line);
}

static void
test_long_values_are_cut(void **state)
{
	struct alert	 a;
	json_t		*j;
	char		*big, *note;
	const char	*g;
	size_t		 n = 3 * ALERT_VALUE_MAX;

	(void)state;
	/* "é" (2 bytes) after one byte: the cut falls inside a character. */
	big = malloc(n + 1);
	note = malloc(ALERT_NOTE_MAX + 100);
	assert_non_null(big);
	assert_non_null(note);
	big[0] = 'x';
	for (size_t i = 1; i + 1 < n; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[n - 1] = 'y';
	big[n] = '\0';
	memset(note, 'n', ALERT_NOTE_MAX + 99);
	note[ALERT_NOTE_MAX + 99] = '\0';
	sample(&a);
	put(&a, "group", big);
	put(&a, "note", note);
	j = eve(&a);
	g = str(json_object_get(j, "vigie"), "group", NULL);
	/* 1023 bytes of whole characters, then the ellipsis. */
	assert_int_equal(strlen(g), ALERT_VALUE_MAX - 1 + 3);
	assert_memory_equal(g + ALERT_VALUE_MAX - 1, "\xe2\x80\xa6", 3);
	assert_int_equal(strlen(str(json_object_get(j, "vigie"), "note",
	    NULL)), ALERT_NOTE_MAX + 3);
	json_decref(j);
	free(big);
	free(note);
}

static void
test_time_and_numbers_fall_back(void **state)
{
	struct alert	 a;
	json_t		*j;

	(void)state;
	zone("UTC");
	/* No ts: the stream entry's time (ms). */
	alert_init(&a, 1795397662123LL);
	put(&a, "incident", "12");
	j = eve(&a);
	assert_string_equal(str(j, "timestamp", NULL),
	    "2026-11-23T01:34:22.123000+0000");
	assert_string_equal(str(j, "alert", "signature"), "");
	assert_int_equal(json_integer_value(json_object_get(
	    json_object_get(j, "alert"), "severity")), 3);
	assert_true(json_is_null(json_object_get(json_object_get(j, "vigie"),
	    "count")));
	json_decref(j);
	/* A bad ts, a count and an incident that are not numbers. */
	sample(&a);
	put(&a, "ts", "1795397662000042x");
	put(&a, "count", "-1");
	put(&a, "incident", "12 OR 1");
	j = eve(&a);
	assert_string_equal(str(j, "timestamp", NULL),
	    "2026-11-23T01:34:22.123000+0000");
	assert_string_equal(str(j, "vigie", "count"), "-1");
	assert_string_equal(str(j, "vigie", "incident"), "12 OR 1");
	json_decref(j);
	/* A field the table does not know is refused, and left out. */
	assert_int_equal(alert_set(&a, "sensor", 6, "web1", 4), -1);
	assert_int_equal(alert_set(&a, "alert_i", 7, "x", 1), -1);
}

static void
test_syslog_header(void **state)
{
	char	 b[ALERT_SYSLOG_HEADER_MAX];
	int	 n;

	(void)state;
	n = alert_syslog_header(b, sizeof(b), WINTER_US + 42, "rack-12.dc1",
	    4242);
	assert_string_equal(b, "<165>1 2026-11-23T01:34:22.000042Z rack-12.dc1 "
	    "vigie-correlator 4242 alert - ");
	assert_int_equal(n, (int)strlen(b));
	/* HOSTNAME is printable ASCII without spaces, "-" when nothing is left. */
	alert_syslog_header(b, sizeof(b), WINTER_US, "a b\tc\xc3\xa9", 1);
	assert_non_null(strstr(b, "Z abc vigie-correlator 1 "));
	alert_syslog_header(b, sizeof(b), WINTER_US, " ", 1);
	assert_non_null(strstr(b, "Z - vigie-correlator 1 "));
	assert_int_equal(alert_syslog_header(b, 20, WINTER_US, "h", 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_as_suricata_writes_it),
		cmocka_unit_test(test_line_shape),
		cmocka_unit_test(test_severity_mapping),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_long_values_are_cut),
		cmocka_unit_test(test_time_and_numbers_fall_back),
		cmocka_unit_test(test_syslog_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
