/*
 * tests/unit/parse_syslog_test.c - unit tests of collector/parse_syslog.c.
 * Owns nothing: runs syslog_parse() on real and hostile lines, TZ=UTC.
 * Links collector/parse_syslog.c and cmocka.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../collector/parse_syslog.h"

/* 2025-11-23 12:00:00 UTC */
#define REF_NOV2025	((time_t)1763899200)

static int64_t
utc_us(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm) * 1000000;
}

/* Parse a C string through an exact-size heap copy (ASan sees overreads). */
static int
parse_str(const char *s, time_t ref, struct logrec *r)
{
	size_t	 n = strlen(s);
	char	*buf;
	int	 rc;

	buf = malloc(n == 0 ? 1 : n);
	assert_non_null(buf);
	memcpy(buf, s, n);
	rc = syslog_parse(buf, n, ref, r);
	if (rc == 0) {
		/* msg points into buf: check it, then detach it. */
		assert_true(r->msg >= buf && r->msg + r->msglen == buf + n);
		r->msg = s + (r->msg - buf);
	}
	free(buf);
	return rc;
}

static void
assert_msg(const struct logrec *r, const char *want)
{
	assert_int_equal(r->msglen, strlen(want));
	assert_memory_equal(r->msg, want, r->msglen);
}

static void
test_traditional_full_header(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(parse_str("Nov 23 01:34:22 web1 sshd[1234]: "
	    "Failed password for root from 1.2.3.4 port 22 ssh2",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2025, 11, 23, 1, 34, 22));
	assert_string_equal(r.host, "web1");
	assert_string_equal(r.program, "sshd");
	assert_string_equal(r.pid, "1234");
	assert_msg(&r, "Failed password for root from 1.2.3.4 port 22 ssh2");
	assert_string_equal(r.action, "");
	assert_string_equal(r.user, "");
	assert_string_equal(r.src_ip, "");
	assert_string_equal(r.src_port, "");
}

static void
test_traditional_space_padded_day(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(parse_str("Nov  3 09:05:01 web1 CRON[77]: x",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2025, 11, 3, 9, 5, 1));
	assert_string_equal(r.program, "CRON");
	assert_msg(&r, "x");
	assert_int_equal(parse_str("Nov 3 09:05:01 web1 CRON[77]: x",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2025, 11, 3, 9, 5, 1));
	assert_int_equal(parse_str("Nov 03 09:05:01 web1 CRON[77]: x",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2025, 11, 3, 9, 5, 1));
}

static void
test_traditional_program_without_pid(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(parse_str("Nov 23 01:34:22 web1 sshd: Server "
	    "listening on 0.0.0.0 port 22.", REF_NOV2025, &r), 0);
	assert_string_equal(r.program, "sshd");
	assert_string_equal(r.pid, "");
	assert_msg(&r, "Server listening on 0.0.0.0 port 22.");
	/* sudo pads its message with spaces: only one is the separator. */
	assert_int_equal(parse_str("Nov 23 01:34:22 web1 sudo:    alice : "
	    "TTY=pts/0", REF_NOV2025, &r), 0);
	assert_string_equal(r.program, "sudo");
	assert_msg(&r, "   alice : TTY=pts/0");
}

static void
test_traditional_empty_message(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(parse_str("Nov 23 01:34:22 web1 kernel:",
	    REF_NOV2025, &r), 0);
	assert_string_equal(r.program, "kernel");
	assert_int_equal(r.msglen, 0);
}

static void
test_year_rule_december_line_read_in_january(void **state)
{
	struct logrec r;
	time_t ref = (time_t)(utc_us(2026, 1, 2, 8, 0, 0) / 1000000);

	(void)state;
	assert_int_equal(parse_str("Dec 31 23:59:59 h sshd[1]: x", ref, &r),
	    0);
	assert_true(r.ts == utc_us(2025, 12, 31, 23, 59, 59));
	assert_int_equal(parse_str("Jan  2 07:00:00 h sshd[1]: x", ref, &r),
	    0);
	assert_true(r.ts == utc_us(2026, 1, 2, 7, 0, 0));
}

static void
test_year_rule_one_day_ahead_stays(void **state)
{
	struct logrec r;
	time_t ref = (time_t)(utc_us(2025, 6, 15, 12, 0, 0) / 1000000);

	(void)state;
	/* 23 hours ahead of ref: same year (clock skew). */
	assert_int_equal(parse_str("Jun 16 11:00:00 h sshd[1]: x", ref, &r),
	    0);
	assert_true(r.ts == utc_us(2025, 6, 16, 11, 0, 0));
	/* Exactly one day ahead: still the same year. */
	assert_int_equal(parse_str("Jun 16 12:00:00 h sshd[1]: x", ref, &r),
	    0);
	assert_true(r.ts == utc_us(2025, 6, 16, 12, 0, 0));
	/* One second more: last year's. */
	assert_int_equal(parse_str("Jun 16 12:00:01 h sshd[1]: x", ref, &r),
	    0);
	assert_true(r.ts == utc_us(2024, 6, 16, 12, 0, 1));
}

static void
test_year_rule_feb29_goes_to_leap_year(void **state)
{
	struct logrec r;
	time_t ref = (time_t)(utc_us(2025, 3, 10, 0, 0, 0) / 1000000);

	(void)state;
	assert_int_equal(parse_str("Feb 29 10:00:00 h sshd[1]: x", ref, &r),
	    0);
	assert_true(r.ts == utc_us(2024, 2, 29, 10, 0, 0));
}

static void
test_traditional_local_time_zone(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(setenv("TZ", "Europe/Paris", 1), 0);
	tzset();
	assert_int_equal(parse_str("Nov 23 01:34:22 h sshd[1]: x",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2025, 11, 23, 0, 34, 22));
	assert_int_equal(parse_str("Jul 14 12:00:00 h sshd[1]: x",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2025, 7, 14, 10, 0, 0));
	assert_int_equal(setenv("TZ", "UTC", 1), 0);
	tzset();
}

static void
test_traditional_invalid_dates_rejected(void **state)
{
	static const char *const bad[] = {
		"Foo 23 01:34:22 h sshd[1]: x",
		"nov 23 01:34:22 h sshd[1]: x",
		"Nov 32 01:34:22 h sshd[1]: x",
		"Nov  0 01:34:22 h sshd[1]: x",
		"Nov 00 01:34:22 h sshd[1]: x",
		"Feb 30 01:34:22 h sshd[1]: x",
		"Apr 31 01:34:22 h sshd[1]: x",
		"Nov 23 24:00:00 h sshd[1]: x",
		"Nov 23 01:60:00 h sshd[1]: x",
		"Nov 23 01:34:61 h sshd[1]: x",
		"Nov 23 1:34:22 h sshd[1]: x",
		"Nov 23 01:34 h sshd[1]: x",
		"Nov 123 01:34:22 h sshd[1]: x",
		"Nov23 01:34:22 h sshd[1]: x",
		"Nov 23 01:34:22",
		"Nov 23 01:34:22 ",
		"Nov 23 01:34:22 h",
		"Nov 23 01:34:22 h ",
		"Nov 23 01:34:22 h sshd",
		"Nov 23 01:34:22 h sshd[1]",
		"Nov 23 01:34:22 h sshd[]: x",
		"Nov 23 01:34:22 h sshd[12a]: x",
		"Nov 23 01:34:22 h sshd[12: x",
		"Nov 23 01:34:22  h sshd[1]: x",
		"Nov 23 01:34:22 h  sshd[1]: x",
		"Nov 23 01:34:22 h\tx sshd[1]: x",
		"",
		"N",
		"Nov",
		"hello world",
	};
	struct logrec	 r;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_str(bad[i], REF_NOV2025, &r) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_null(r.msg);
		assert_string_equal(r.host, "");
	}
}

static void
test_rfc3339_offset_converted_to_utc(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(parse_str("2026-11-23T01:34:22.123456+01:00 web1 "
	    "sshd[1234]: Accepted publickey for alice", REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2026, 11, 23, 0, 34, 22) + 123456);
	assert_string_equal(r.host, "web1");
	assert_string_equal(r.program, "sshd");
	assert_string_equal(r.pid, "1234");
	assert_msg(&r, "Accepted publickey for alice");

	assert_int_equal(parse_str("2026-11-23T01:34:22.5-05:30 h p: m",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2026, 11, 23, 7, 4, 22) + 500000);
}

static void
test_rfc3339_zulu_and_no_fraction(void **state)
{
	struct logrec r;

	(void)state;
	assert_int_equal(parse_str("2026-11-23T01:34:22Z h sshd[1]: m",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2026, 11, 23, 1, 34, 22));
	/* The year comes from the line, whatever ref says. */
	assert_int_equal(parse_str("2020-02-29T23:59:59.123456789Z h p[1]: m",
	    REF_NOV2025, &r), 0);
	assert_true(r.ts == utc_us(2020, 2, 29, 23, 59, 59) + 123456);
}

static void
test_rfc3339_invalid_rejected(void **state)
{
	static const char *const bad[] = {
		"2026-13-23T01:34:22Z h p: m",
		"2026-00-23T01:34:22Z h p: m",
		"2026-11-31T01:34:22Z h p: m",
		"2026-02-29T01:34:22Z h p: m",
		"2026-11-00T01:34:22Z h p: m",
		"2026-11-23T24:34:22Z h p: m",
		"2026-11-23T01:60:22Z h p: m",
		"2026-11-23T01:34:61Z h p: m",
		"2026-11-23T01:34:22 h p: m",
		"2026-11-23T01:34:22+24:00 h p: m",
		"2026-11-23T01:34:22+01:60 h p: m",
		"2026-11-23T01:34:22+1:00 h p: m",
		"2026-11-23T01:34:22.Z h p: m",
		"2026-11-23T01:34:22.1234567890Z h p: m",
		"2026-11-23T01:34:22Zh p: m",
		"26-11-23T01:34:22Z h p: m",
		"1969-12-31T23:59:59Z h p: m",
		"2026-11-23T01:34:22Z",
		"2026-11-23T01:34:22Z h",
		"2026-11-23T01:34:22Z h p",
	};
	struct logrec	 r;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_str(bad[i], REF_NOV2025, &r) != -1)
			fail_msg("accepted: \"%s\"", bad[i]);
}

static void
test_overlong_fields_rejected(void **state)
{
	char		 line[1024];
	struct logrec	 r;

	(void)state;
	/* host: 255 bytes fit, 256 do not. */
	snprintf(line, sizeof(line), "Nov 23 01:34:22 %0255d sshd[1]: x", 0);
	assert_int_equal(parse_str(line, REF_NOV2025, &r), 0);
	assert_int_equal(strlen(r.host), 255);
	snprintf(line, sizeof(line), "Nov 23 01:34:22 %0256d sshd[1]: x", 0);
	assert_int_equal(parse_str(line, REF_NOV2025, &r), -1);
	/* program: 63 fit, 64 do not. */
	snprintf(line, sizeof(line), "Nov 23 01:34:22 h %063d[1]: x", 0);
	assert_int_equal(parse_str(line, REF_NOV2025, &r), 0);
	assert_int_equal(strlen(r.program), 63);
	snprintf(line, sizeof(line), "Nov 23 01:34:22 h %064d[1]: x", 0);
	assert_int_equal(parse_str(line, REF_NOV2025, &r), -1);
	/* pid: 15 digits fit, 16 do not. */
	snprintf(line, sizeof(line), "Nov 23 01:34:22 h p[%015d]: x", 1);
	assert_int_equal(parse_str(line, REF_NOV2025, &r), 0);
	assert_int_equal(strlen(r.pid), 15);
	snprintf(line, sizeof(line), "Nov 23 01:34:22 h p[%016d]: x", 1);
	assert_int_equal(parse_str(line, REF_NOV2025, &r), -1);
}

static void
test_length_bounds_not_nul_termination(void **state)
{
	static const char buf[] =
	    "Nov 23 01:34:22 h sshd[42]: hello worldGARBAGE";
	struct logrec	 r;
	size_t		 n = strlen(buf) - strlen("GARBAGE");

	(void)state;
	assert_int_equal(syslog_parse(buf, n, REF_NOV2025, &r), 0);
	assert_msg(&r, "hello world");
	/* A NUL inside the line is data, not an end. */
	assert_int_equal(syslog_parse("Nov 23 01:34:22 h p[1]: a\0b", 27,
	    REF_NOV2025, &r), 0);
	assert_int_equal(r.msglen, 3);
	assert_int_equal(syslog_parse(NULL, 0, REF_NOV2025, &r), -1);
}

static void
test_every_prefix_is_safe(void **state)
{
	static const char *const lines[] = {
		"Nov 23 01:34:22 web1 sshd[1234]: Failed password for root "
		    "from 1.2.3.4 port 22 ssh2",
		"2026-11-23T01:34:22.123456+01:00 web1 sshd[1234]: "
		    "Accepted publickey",
	};
	struct logrec	 r;
	char		*buf;
	size_t		 i, n, len;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		len = strlen(lines[i]);
		for (n = 0; n <= len; n++) {
			buf = malloc(n == 0 ? 1 : n);
			assert_non_null(buf);
			memcpy(buf, lines[i], n);
			if (syslog_parse(buf, n, REF_NOV2025, &r) == 0) {
				assert_true(r.msg + r.msglen == buf + n);
				assert_true(strlen(r.host) < sizeof(r.host));
			}
			free(buf);
		}
	}
}

static void
test_random_bytes_never_overflow(void **state)
{
	static const char *const parts[] = {
		"Nov 23 01:34:22 ", "2026-11-23T01:34:22", ".123", "+01:00",
		"Z", " ", "host", "sshd", "[", "]", ":", "1234", "\t", "\0",
		"\xff", "Feb 29 ", "-", "T", "99",
	};
	struct logrec	 r;
	uint64_t	 x = 0x9e3779b97f4a7c15ULL;
	char		 buf[512];
	size_t		 n, k, pl;
	int		 iter;

	(void)state;
	for (iter = 0; iter < 50000; iter++) {
		for (n = 0, k = 0; k < 12; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pl = strlen(parts[x % 19]);
			if (x % 19 == 13)
				pl = 1;
			if (n + pl > sizeof(buf))
				break;
			memcpy(buf + n, parts[x % 19], pl);
			n += pl;
		}
		if (syslog_parse(buf, n, REF_NOV2025, &r) == 0) {
			assert_true(r.msg >= buf && r.msg + r.msglen ==
			    buf + n);
			assert_true(strlen(r.program) < sizeof(r.program));
			assert_true(strlen(r.pid) < sizeof(r.pid));
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traditional_full_header),
		cmocka_unit_test(test_traditional_space_padded_day),
		cmocka_unit_test(test_traditional_program_without_pid),
		cmocka_unit_test(test_traditional_empty_message),
		cmocka_unit_test(test_year_rule_december_line_read_in_january),
		cmocka_unit_test(test_year_rule_one_day_ahead_stays),
		cmocka_unit_test(test_year_rule_feb29_goes_to_leap_year),
		cmocka_unit_test(test_traditional_local_time_zone),
		cmocka_unit_test(test_traditional_invalid_dates_rejected),
		cmocka_unit_test(test_rfc3339_offset_converted_to_utc),
		cmocka_unit_test(test_rfc3339_zulu_and_no_fraction),
		cmocka_unit_test(test_rfc3339_invalid_rejected),
		cmocka_unit_test(test_overlong_fields_rejected),
		cmocka_unit_test(test_length_bounds_not_nul_termination),
		cmocka_unit_test(test_every_prefix_is_safe),
		cmocka_unit_test(test_random_bytes_never_overflow),
	};

	if (setenv("TZ", "UTC", 1) == -1)
		return 1;
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
