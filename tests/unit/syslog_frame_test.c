/*
 * tests/unit/syslog_frame_test.c - unit tests of collector/syslog_frame.c.
 * Owns nothing: frames TCP streams and datagrams, and turns real and
 * hostile messages (forged headers, oversized, malformed) into events.
 * Links collector/syslog_frame.c, the parsers and cmocka.
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

#include "../../collector/syslog_frame.h"

#define NOW	((time_t)1763899200)	/* 2025-11-23 12:00:00 UTC */

/* Frames all of s (eof at the end); the messages joined by '|'. */
static void
frame_all(const char *s, size_t len, size_t max, char *out, size_t cap,
    int *bad, int *cuts)
{
	struct sframer	 fr = { 0 };
	const char	*m;
	size_t		 off = 0, k, ml, o = 0;
	int		 fl;

	*bad = *cuts = 0;
	out[0] = '\0';
	while (off < len) {
		k = syslog_frame(&fr, s + off, len - off, max, 1, &m, &ml, &fl);
		if (fl & SF_BAD) {
			*bad = 1;
			return;
		}
		if (fl & SF_CUT)
			(*cuts)++;
		if (fl & SF_MSG) {
			if (o > 0)
				out[o++] = '|';
			assert_true(o + ml < cap);
			memcpy(out + o, m, ml);
			o += ml;
			out[o] = '\0';
		}
		assert_true(k > 0);
		off += k;
	}
}

static void
test_octet_counting(void **state)
{
	const char	*s = "5 <13>a19 <13>1 - - - - - - b";
	char		 out[256];
	int		 bad, cuts;

	(void)state;
	frame_all(s, strlen(s), 480, out, sizeof(out), &bad, &cuts);
	assert_false(bad);
	assert_string_equal(out, "<13>a|<13>1 - - - - - - b");
}

static void
test_lf_framing(void **state)
{
	const char	*s = "<13>one\r\n<13>two\n\n<13>three";
	char		 out[256];
	int		 bad, cuts;

	(void)state;
	frame_all(s, strlen(s), 480, out, sizeof(out), &bad, &cuts);
	assert_false(bad);
	/* CR dropped; an empty line is an empty message; eof takes the last. */
	assert_string_equal(out, "<13>one|<13>two||<13>three");
}

static void
test_mixed_per_message(void **state)
{
	const char	*s = "<13>lf\n4 abcd<13>again\n";
	char		 out[256];
	int		 bad, cuts;

	(void)state;
	frame_all(s, strlen(s), 480, out, sizeof(out), &bad, &cuts);
	assert_false(bad);
	assert_string_equal(out, "<13>lf|abcd|<13>again");
}

static void
test_need_more(void **state)
{
	struct sframer	 fr = { 0 };
	const char	*m;
	size_t		 ml;
	int		 fl;

	(void)state;
	assert_int_equal(syslog_frame(&fr, "12", 2, 480, 0, &m, &ml, &fl), 0);
	assert_int_equal(fl, 0);
	assert_int_equal(syslog_frame(&fr, "12 <13>ab", 9, 480, 0, &m, &ml,
	    &fl), 0);
	assert_int_equal(syslog_frame(&fr, "<13>no newline", 14, 480, 0, &m,
	    &ml, &fl), 0);
}

static void
test_bad_counts(void **state)
{
	char	 out[64];
	int	 bad, cuts;

	(void)state;
	frame_all("99999999999 x", 13, 480, out, sizeof(out), &bad, &cuts);
	assert_true(bad);			/* more than 10 digits */
	frame_all("12x <13>", 8, 480, out, sizeof(out), &bad, &cuts);
	assert_true(bad);			/* no space after the count */
	frame_all("30 short", 8, 480, out, sizeof(out), &bad, &cuts);
	assert_true(bad);			/* cut short by the peer */
}

static void
test_oversized_octet(void **state)
{
	char	*s = malloc(4000), out[4000];
	int	 bad, cuts, n;

	(void)state;
	n = snprintf(s, 4000, "2000 ");
	memset(s + n, 'A', 2000);
	memcpy(s + n + 2000, "3 xyz", 5);
	frame_all(s, (size_t)n + 2005, 480, out, sizeof(out), &bad, &cuts);
	assert_false(bad);
	assert_int_equal(cuts, 1);
	assert_int_equal(strlen(out), 480 + 1 + 3);	/* cut, then "xyz" */
	assert_string_equal(out + 481, "xyz");
	free(s);
}

static void
test_oversized_lf(void **state)
{
	char	 s[2100], out[2100];
	int	 bad, cuts;

	(void)state;
	memset(s, 'B', 1500);
	memcpy(s + 1500, "\n<13>next\n", 10);
	frame_all(s, 1510, 480, out, sizeof(out), &bad, &cuts);
	assert_false(bad);
	assert_int_equal(cuts, 1);
	assert_string_equal(out + 481, "<13>next");
}

/* Exactly max bytes, then LF: whole, not cut, however it arrives. */
static void
test_lf_exactly_max(void **state)
{
	struct sframer	 fr = { 0 };
	char		 s[482];
	const char	*m;
	size_t		 ml, k;
	int		 fl;

	(void)state;
	memset(s, 'C', 480);
	s[480] = '\n';
	/* The first 480 bytes alone: not known to be too long yet. */
	assert_int_equal(syslog_frame(&fr, s, 480, 480, 0, &m, &ml, &fl), 0);
	assert_int_equal(fl, 0);
	k = syslog_frame(&fr, s, 481, 480, 0, &m, &ml, &fl);
	assert_int_equal(k, 481);
	assert_int_equal(fl, SF_MSG);
	assert_int_equal(ml, 480);
}

static void
test_dgram(void **state)
{
	int	 cut;

	(void)state;
	assert_int_equal(syslog_dgram("<13>x\r\n\0", 8, 480, &cut), 5);
	assert_false(cut);
	assert_int_equal(syslog_dgram("abcdef", 6, 4, &cut), 4);
	assert_true(cut);
}

static struct smsg	 sm;

static const char *
msg_event(const char *m, struct event *ev)
{
	static char	 line[512];

	syslog_msg_event(m, strlen(m), NOW, "192.0.2.9", &sm, ev);
	snprintf(line, sizeof(line), "%.*s", (int)ev->f[EV_LINE].len,
	    ev->f[EV_LINE].v ? ev->f[EV_LINE].v : "");
	return line;
}

static const char *
f(const struct event *ev, enum ev_field i)
{
	static char	 b[8][300];
	static int	 n;

	n = (n + 1) % 8;
	snprintf(b[n], sizeof(b[n]), "%.*s", (int)ev->f[i].len,
	    ev->f[i].v ? ev->f[i].v : "");
	return b[n];
}

static void
test_rfc3164(void **state)
{
	struct event	 ev;

	(void)state;
	msg_event("<38>Nov 22 10:00:00 web1 sshd[42]: Invalid user bob from "
	    "203.0.113.5 port 22", &ev);
	assert_string_equal(f(&ev, EV_FACILITY), "auth");
	assert_string_equal(f(&ev, EV_SEVERITY), "info");
	assert_string_equal(f(&ev, EV_HOST), "web1");
	assert_string_equal(f(&ev, EV_PROGRAM), "sshd");
	assert_string_equal(f(&ev, EV_PID), "42");
	assert_string_equal(f(&ev, EV_USER), "bob");
	assert_string_equal(f(&ev, EV_SRC_IP), "203.0.113.5");
	assert_string_equal(f(&ev, EV_RELAY_IP), "192.0.2.9");
}

static void
test_rfc5424(void **state)
{
	struct event	 ev;
	const char	*line;

	(void)state;
	line = msg_event("<86>1 2026-11-22T10:00:00.5+01:00 web2 sshd 77 ID9 "
	    "[a@1 k=\"v \\] \\\" ]\"][b@2] \xef\xbb\xbfInvalid user eve from "
	    "2001:db8::1 port 1", &ev);
	assert_string_equal(line, "Invalid user eve from 2001:db8::1 port 1");
	assert_string_equal(f(&ev, EV_FACILITY), "authpriv");
	assert_string_equal(f(&ev, EV_SEVERITY), "info");
	assert_string_equal(f(&ev, EV_HOST), "web2");
	assert_string_equal(f(&ev, EV_PID), "77");
	assert_string_equal(f(&ev, EV_MSGID), "ID9");
	assert_string_equal(f(&ev, EV_USER), "eve");
	assert_string_equal(f(&ev, EV_TS), "1795338000500000");
}

static void
test_rfc5424_nil(void **state)
{
	struct event	 ev;

	(void)state;
	msg_event("<13>1 - - - - - - hello", &ev);
	assert_string_equal(f(&ev, EV_HOST), "192.0.2.9");
	assert_string_equal(f(&ev, EV_PROGRAM), "-");
	assert_string_equal(f(&ev, EV_MSGID), "");
	assert_string_equal(f(&ev, EV_TS), "1763899200000000");
	/* A non-numeric PROCID is not a pid. */
	msg_event("<13>1 - h app worker-3 - - hi", &ev);
	assert_string_equal(f(&ev, EV_PID), "");
	assert_string_equal(f(&ev, EV_PROGRAM), "app");
}

static void
test_hostile_headers(void **state)
{
	struct event	 ev;
	char		 big[600];

	(void)state;
	/* A forged host is the message's claim; relay_ip the real peer. */
	msg_event("<38>Nov 22 10:00:00 trusted sshd[1]: Accepted password for "
	    "root from 10.0.0.1 port 22 ssh2", &ev);
	assert_string_equal(f(&ev, EV_HOST), "trusted");
	assert_string_equal(f(&ev, EV_RELAY_IP), "192.0.2.9");
	/* PRI out of range, leading zero, unterminated: no PRI at all. */
	msg_event("<192>x", &ev);
	assert_string_equal(f(&ev, EV_FACILITY), "");
	msg_event("<013>x", &ev);
	assert_string_equal(f(&ev, EV_SEVERITY), "");
	msg_event("<13", &ev);
	assert_string_equal(f(&ev, EV_SEVERITY), "");
	/* A relay cannot set relay_ip or the facility from the text. */
	msg_event("<13>1 - - - - - [relay_ip=\"1.2.3.4\"] relay_ip=1.2.3.4", &ev);
	assert_string_equal(f(&ev, EV_RELAY_IP), "192.0.2.9");
	assert_string_equal(f(&ev, EV_FACILITY), "user");
	/* Overlong 5424 fields: not a 5424 header, kept as a plain line. */
	memset(big, 'h', sizeof(big));
	memcpy(big, "<13>1 - ", 8);
	big[sizeof(big) - 1] = '\0';
	msg_event(big, &ev);
	assert_string_equal(f(&ev, EV_HOST), "");
	/* Unterminated structured data. */
	msg_event("<13>1 - h a - - [x@1 k=\"v] m", &ev);
	assert_string_equal(f(&ev, EV_PROGRAM), "");
	assert_string_equal(f(&ev, EV_RELAY_IP), "192.0.2.9");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_octet_counting),
		cmocka_unit_test(test_lf_framing),
		cmocka_unit_test(test_mixed_per_message),
		cmocka_unit_test(test_need_more),
		cmocka_unit_test(test_bad_counts),
		cmocka_unit_test(test_oversized_octet),
		cmocka_unit_test(test_oversized_lf),
		cmocka_unit_test(test_lf_exactly_max),
		cmocka_unit_test(test_dgram),
		cmocka_unit_test(test_rfc3164),
		cmocka_unit_test(test_rfc5424),
		cmocka_unit_test(test_rfc5424_nil),
		cmocka_unit_test(test_hostile_headers),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	if ((sm.line = malloc(SYSLOG_MSG_MAX + SMSG_EXTRA)) == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
