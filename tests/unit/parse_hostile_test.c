/*
 * tests/unit/parse_hostile_test.c - the registry's common step (headers,
 * service, repeats, the sshd address carry) and hostile lines through every
 * parser: addresses where the format puts none, NULs, 1 MiB, forged headers.
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

#include "../../collector/parse.h"
#include "parse_helper.h"

static const char *const all_parsers[] = { "sshd", "sudo", "pam", "su",
    "kernel", "syslog", "nginx", "nginx-error", "apache", "apache-error",
    "generic" };

static void
test_headers(void **state)
{
	struct event	 ev;

	(void)state;
	/* RFC 5424 with structured data (escaped ']'), MSGID, BOM. */
	assert_int_equal(ph_parse("syslog", "<38>1 2022-01-19T14:23:55.5+00:00 "
	    "fw.example sshd 44255 AUTH [meta a=\"x\\]y\" b=\"1\"][z@1 c=\"2\"] "
	    "\xef\xbb\xbfInvalid user tutu from 1.2.3.4 port 33166", &ev),
	    PARSE_RECOGNISED);
	F(ev, HOST, "fw.example");
	F(ev, PROGRAM, "sshd");
	F(ev, PID, "44255");
	F(ev, MSGID, "AUTH");
	F(ev, FACILITY, "auth");
	F(ev, SEVERITY, "info");
	F(ev, ACTION, "invalid_user");
	F(ev, SRC_IP, "1.2.3.4");
	F(ev, TS, "1642602235500000");
	/* All nil. */
	assert_int_equal(ph_parse("syslog", "<13>1 - - - - - - hello", &ev),
	    PARSE_PLAIN);
	F(ev, HOST, "");
	F(ev, LINE, "hello");
	F(ev, TS, "1763899200000000");
	/* No date (journalctl -o short without one, some relays). */
	assert_int_equal(ph_parse("sshd", "srv sshd[13709]: error: PAM: "
	    "Authentication failure for root from 203.0.113.4", &ev),
	    PARSE_RECOGNISED);
	F(ev, HOST, "srv");
	F(ev, PID, "13709");
	F(ev, SRC_IP, "203.0.113.4");
	/* No host, no pid. */
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 sshd: User root from "
	    "203.0.113.5 not allowed because not listed in AllowUsers", &ev),
	    PARSE_RECOGNISED);
	F(ev, HOST, "");
	F(ev, PID, "");
	F(ev, ACTION, "user_not_allowed");
	F(ev, SRC_IP, "203.0.113.5");
	/* Solaris */
	assert_int_equal(ph_parse("sshd", "Aug 18 07:30:25 192.168.1.5 "
	    "sshd[20247]: [ID 800047 auth.notice] Failed none for root from "
	    "192.168.1.1 port 36942 ssh2", &ev), PARSE_RECOGNISED);
	F(ev, HOST, "192.168.1.5");
	F(ev, FACILITY, "auth");
	F(ev, SEVERITY, "notice");
	F(ev, SRC_IP, "192.168.1.1");
	F(ev, ACTION, "auth_none");
	/* BSD syslogd's facility.level before the host */
	assert_int_equal(ph_parse("sshd", "Mar 10 12:00:00 <auth.info> h "
	    "sshd[8]: Invalid user a from 198.51.100.20", &ev),
	    PARSE_RECOGNISED);
	F(ev, HOST, "h");
	F(ev, FACILITY, "auth");
	F(ev, SEVERITY, "info");
	F(ev, SRC_IP, "198.51.100.20");
	/* macOS */
	assert_int_equal(ph_parse("sshd", "2020-03-23 06:47:42.801612-0700  "
	    "localhost sshd[3186]: error: PAM: authentication failure for bob "
	    "from mac.lan via 192.168.33.1", &ev), PARSE_RECOGNISED);
	F(ev, USER, "bob");
	F(ev, SRC_IP, "192.168.33.1");
	F(ev, TS, "1584971262801612");
	/* generic: the header's parts, no program parser. */
	assert_int_equal(ph_parse("generic", "Nov 23 01:34:22 web1 sshd[9]: "
	    "Failed password for root from 1.2.3.4 port 1 ssh2", &ev),
	    PARSE_PLAIN);
	F(ev, HOST, "web1");
	F(ev, PROGRAM, "sshd");
	F(ev, PID, "9");
	F(ev, ACTION, "");
	F(ev, LINE, "Failed password for root from 1.2.3.4 port 1 ssh2");
	assert_int_equal(ph_parse("generic", "just text", &ev),
	    PARSE_NO_HEADER);
	F(ev, LINE, "just text");
	/* A sentence is not a header without a date. */
	assert_int_equal(ph_parse("syslog", "hello big world: not a header",
	    &ev), PARSE_NO_HEADER);
}

static void
test_sshd_variants(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd-session[5]: "
	    "Failed password for root from 2001:db8::2 port 22 ssh2", &ev),
	    PARSE_RECOGNISED);
	F(ev, PROGRAM, "sshd-session");
	F(ev, SERVICE, "sshd");
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd-auth[6]: "
	    "Invalid user x from 2001:db8::3", &ev), PARSE_RECOGNISED);
	F(ev, SERVICE, "sshd");
	F(ev, SRC_IP, "2001:db8::3");		/* IPv6, no port, at the end */
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[7]: error: "
	    "PAM: User not known to the underlying authentication module for "
	    "illegal user x from 203.0.113.6", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "pam_auth_fail");
	F(ev, USER, "x");
	F(ev, SRC_IP, "203.0.113.6");
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[8]: refused "
	    "connect from _U2Fs@::ffff:192.168.1.1 (::ffff:192.168.1.1)", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "refused");
	F(ev, SRC_IP, "192.168.1.1");
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[9]: refused "
	    "connect from 6.6.6.6 (example.com)", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "");			/* a name in the parentheses */
	/* A client-chosen service name holding "A port N: ". */
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[10]: "
	    "Disconnecting invalid user foo 203.0.113.13 port 5004: Change of "
	    "username or service not allowed: (foo,ssh-connection) -> (foo,x "
	    "6.6.6.4 port 22: y) [preauth]", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "203.0.113.13");
	F(ev, USER, "foo");
}

static void
test_addresses(void **state)
{
	static const char *const bad[] = { "999.1.1.1", "0x7f.1", "1.2.3.4.5",
	    "[2001:db8::1]", "010.1.1.1", "host.example", "1.2.3", "::ffff:"
	    "1.2.3.4%", "fe80::1%", "1.2.3.4%eth0", "::ffff:152:1%eth0",
	    "::ffff:1.2.3.4%2" };
	struct event	 ev;
	char		 line[256];
	size_t		 i;

	(void)state;
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[11]: Failed "
	    "password for root from fe80::1%eth0 port 22 ssh2", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "fe80::1");
	F(ev, SRC_ZONE, "eth0");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "Nov 23 01:34:22 h sshd[%zu]: "
		    "Failed password for root from %s port 22 ssh2", 100 + i,
		    bad[i]);
		assert_int_equal(ph_parse("sshd", line, &ev), PARSE_RECOGNISED);
		F(ev, ACTION, "auth_fail");
		F(ev, SRC_IP, "");
		F(ev, SRC_ZONE, "");
	}
}

static void
test_repeat_and_carry(void **state)
{
	struct event	 ev;
	char		 line[128];
	int		 i;

	(void)state;
	assert_int_equal(ph_parse("sshd", "Dec 10 07:13:56 LabSZ sshd[24227]: "
	    "message repeated 5 times: [ Failed password for root from "
	    "5.36.59.76 port 42393 ssh2]", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "auth_fail");
	F(ev, SRC_IP, "5.36.59.76");
	F(ev, LINE, "Failed password for root from 5.36.59.76 port 42393 "
	    "ssh2");
	assert_int_equal(ph_pb.rec.repeat, 5);
	/* The next line counts once. */
	assert_int_equal(ph_parse("sshd", "Dec 10 07:13:57 LabSZ sshd[24227]: "
	    "Disconnecting: Too many authentication failures [preauth]", &ev),
	    PARSE_RECOGNISED);
	assert_int_equal(ph_pb.rec.repeat, 0);
	F(ev, SRC_IP, "5.36.59.76");		/* carried: same host, pid */
	F(ev, SRC_PORT, "42393");
	assert_int_equal(ph_parse("sshd", "Dec 10 07:13:57 LabSZ sshd[24227]: "
	    "fatal: Read from socket failed: Connection reset by peer "
	    "[preauth]", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "5.36.59.76");
	assert_int_equal(ph_parse("sshd", "Dec 10 07:13:57 LabSZ sshd[24227]: "
	    "error: kex_exchange_identification: read: Connection reset by "
	    "peer", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "5.36.59.76");
	/* Another host with the same pid lends nothing. */
	assert_int_equal(ph_parse("sshd", "Dec 10 07:13:57 other sshd[24227]: "
	    "Disconnecting: Too many authentication failures [preauth]", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
	/* Bounded: 5000 connections later the first is forgotten. */
	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line), "Dec 10 08:00:00 LabSZ sshd[%d]: "
		    "Invalid user a from 10.0.%d.%d", 30000 + i, i / 256,
		    i % 256);
		assert_int_equal(ph_parse("sshd", line, &ev),
		    PARSE_RECOGNISED);
	}
	assert_int_equal(ph_parse("sshd", "Dec 10 09:00:00 LabSZ sshd[24227]: "
	    "Disconnecting: Too many authentication failures [preauth]", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
	assert_int_equal(ph_parse("sshd", "Dec 10 09:00:00 LabSZ sshd[34999]: "
	    "Disconnecting: Too many authentication failures [preauth]", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "10.0.19.135");
	/* A huge count is bounded. */
	assert_int_equal(ph_parse("sshd", "Dec 10 09:00:00 h sshd[1]: message "
	    "repeated 999999999 times: [ Failed password for root from 1.2.3.4 "
	    "port 2 ssh2]", &ev), PARSE_RECOGNISED);
	assert_int_equal(ph_pb.rec.repeat, 10000);
	/* An unrecognised message counts once. */
	assert_int_equal(ph_parse("sshd", "Dec 10 09:00:00 h sshd[1]: message "
	    "repeated 4 times: [ something else]", &ev), PARSE_PLAIN);
	assert_int_equal(ph_pb.rec.repeat, 0);
}

static void
test_hostile_names(void **state)
{
	struct event	 ev;

	(void)state;
	/* Addresses and "from" in the user name: the format's place wins. */
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[12]: Failed "
	    "password for invalid user from 6.6.6.6 port 1 ssh2 from "
	    "198.51.100.9 port 2222 ssh2", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.9");
	F(ev, USER, "from 6.6.6.6 port 1 ssh2");
	/* NUL bytes and invalid UTF-8 inside the user: kept as bytes. */
	assert_int_equal(ph_parse_n("sshd", "Nov 23 01:34:22 h sshd[13]: "
	    "Failed password for invalid user r\0ot\xff\xfe from 198.51.100.10 "
	    "port 1 ssh2", 93, &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.10");
	/* Terminal escapes in a user: the address stands. */
	assert_int_equal(ph_parse("sshd", "Nov 23 01:34:22 h sshd[14]: Invalid "
	    "user \033[2J\033]0;x\007 from 198.51.100.11 port 5", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.11");
	/* A forged header inside another program's message. */
	assert_int_equal(ph_parse("syslog", "Nov 23 01:34:22 h alice: Nov 23 "
	    "01:34:22 h sshd[1]: Failed password for root from 6.6.6.6 port 1 "
	    "ssh2", &ev), PARSE_PLAIN);
	F(ev, PROGRAM, "alice");
	F(ev, ACTION, "");
	F(ev, SRC_IP, "");
	/* A NUL in the header: not a header. */
	assert_int_equal(ph_parse_n("syslog", "Nov 23 01:34:22 h\0x sshd[1]: "
	    "Failed password for root from 6.6.6.6 port 1 ssh2", 70, &ev),
	    PARSE_NO_HEADER);
	F(ev, SRC_IP, "");
}

/* Every parser on a 1 MiB line, a NUL-only line and an empty one. */
static void
test_every_parser_survives(void **state)
{
	struct event	 ev;
	char		*big;
	size_t		 i, n = 1 << 20;
	static const char *const prefixes[] = { "Nov 23 01:34:22 h sshd[1]: "
	    "Failed password for ", "1.2.3.4 - - [23/Nov/2025:10:00:00 +0000] "
	    "\"GET /", "[Sun Nov 23 10:00:00 2025] [error] [client 1.2.3.4] ",
	    "2025/11/23 10:00:00 [error] 1#1: *1 user \"", "<13>1 " };
	size_t		 k;

	(void)state;
	assert_non_null(big = malloc(n));
	for (k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		memset(big, 'a', n);
		memcpy(big, prefixes[k], strlen(prefixes[k]));
		for (i = 0; i < sizeof(all_parsers) / sizeof(all_parsers[0]);
		    i++) {
			(void)ph_parse_n(all_parsers[i], big, n, &ev);
			F(ev, KIND, "log");
			/* Only the address the line's format gives. */
			if (ev.f[EV_SRC_IP].len != 0)
				F(ev, SRC_IP, "1.2.3.4");
			(void)ph_parse_n(all_parsers[i], "\0\0\0", 3, &ev);
			F(ev, KIND, "log");
			(void)ph_parse_n(all_parsers[i], "", 0, &ev);
		}
	}
	free(big);
}

static int
teardown(void **state)
{
	(void)state;
	ph_teardown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_sshd_variants),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_repeat_and_carry),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_every_parser_survives),
	};

	if (setenv("TZ", "UTC", 1) == -1)
		return 1;
	tzset();
	return cmocka_run_group_tests(tests, NULL, teardown);
}
