/*
 * tests/unit/parse_web_test.c - unit tests of collector/parse_web.c and
 * parse_weberr.c: nginx 1.22 and Apache 2.4 access and error lines, a
 * log_format from the configuration, and lines that try to move fields.
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

#define COMBINED "203.0.113.5 - alice [23/Nov/2025:10:00:00 +0100] \"GET " \
    "/index.html?q=1 HTTP/1.1\" 200 612 \"https://ref.example/\" \"curl/8.1\""

static void
test_nginx_combined(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("nginx", COMBINED, &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "http_request");
	F(ev, SERVICE, "nginx");
	F(ev, SRC_IP, "203.0.113.5");
	F(ev, USER, "alice");
	F(ev, HTTP_METHOD, "GET");
	F(ev, URL, "/index.html?q=1");
	F(ev, STATUS, "200");
	F(ev, BYTES_TOCLIENT, "612");
	F(ev, REFERRER, "https://ref.example/");
	F(ev, USER_AGENT, "curl/8.1");
	F(ev, TS, "1763888400000000");		/* 09:00 UTC */
	/* common: no referrer, no agent */
	assert_int_equal(ph_parse("nginx", "2001:db8::7 - - [23/Nov/2025:10:00:"
	    "00 +0000] \"POST /login HTTP/1.1\" 401 0", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "2001:db8::7");
	F(ev, USER, "");
	F(ev, STATUS, "401");
	F(ev, HTTP_METHOD, "POST");
}

static void
test_nginx_hostile(void **state)
{
	struct event	 ev;

	(void)state;
	/* Quotes escaped by nginx as \x22; addresses in URL and agent. */
	assert_int_equal(ph_parse("nginx", "198.51.100.1 - - [23/Nov/2025:10:"
	    "00:00 +0000] \"GET /?from=1.2.3.4\\x22 6.6.6.6 - - HTTP/1.1\" 404 "
	    "5 \"-\" \"from 9.9.9.9 port 22\\x22 \\\"x\"", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.1");
	F(ev, URL, "/?from=1.2.3.4\\x22");
	F(ev, USER_AGENT, "from 9.9.9.9 port 22\\x22 \\\"x");
	F(ev, REFERRER, "");
	/* A request that is not one: no method, no url; the rest stands. */
	assert_int_equal(ph_parse("nginx", "198.51.100.2 - - [23/Nov/2025:10:"
	    "00:00 +0000] \"\\x16\\x03\\x01\\x00\\xF4\" 400 157 \"-\" \"-\"",
	    &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.2");
	F(ev, HTTP_METHOD, "");
	F(ev, URL, "");
	F(ev, STATUS, "400");
	/* Not an address: none, whatever it looks like. */
	assert_int_equal(ph_parse("nginx", "999.1.1.1 - - [23/Nov/2025:10:00:"
	    "00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
	/* Bad status, bad date: not an access line (counted). */
	assert_int_equal(ph_parse("nginx", "1.2.3.4 - - [23/Nov/2025:10:00:00 "
	    "+0000] \"GET / HTTP/1.1\" 2000 1 \"-\" \"-\"", &ev),
	    PARSE_NO_HEADER);
	F(ev, SRC_IP, "");
	assert_int_equal(ph_parse("nginx", "1.2.3.4 - - [32/Nov/2025:10:00:00 "
	    "+0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"", &ev),
	    PARSE_NO_HEADER);
}

static void
test_nginx_log_format(void **state)
{
	struct event	 ev;
	char		 err[128];

	(void)state;
	assert_int_equal(parse_nginx_format("$remote_addr [$time_local] "
	    "$host \"$request\" $status $body_bytes_sent rt=$request_time "
	    "\"$http_user_agent\"", err, sizeof(err)), 0);
	assert_int_equal(ph_parse("nginx", "192.0.2.9 [23/Nov/2025:10:00:00 "
	    "+0000] shop.example \"GET /cart HTTP/2.0\" 302 0 rt=0.004 "
	    "\"Mozilla/5.0\"", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "192.0.2.9");
	F(ev, HTTP_HOSTNAME, "shop.example");
	F(ev, URL, "/cart");
	F(ev, STATUS, "302");
	F(ev, USER_AGENT, "Mozilla/5.0");
	/* Combined lines still read (the fallbacks). */
	assert_int_equal(ph_parse("nginx", COMBINED, &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "203.0.113.5");
	assert_int_equal(parse_nginx_format("$remote_addr$status", err,
	    sizeof(err)), -1);
	assert_int_equal(parse_nginx_format("${remote_addr", err,
	    sizeof(err)), -1);
	assert_int_equal(parse_nginx_format(NULL, err, sizeof(err)), 0);
}

static void
test_apache_access(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("apache", "192.0.2.4 - bob [10/Oct/2025:13:55:"
	    "36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 \"http://www."
	    "example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
	    &ev), PARSE_RECOGNISED);
	F(ev, SERVICE, "apache");
	F(ev, SRC_IP, "192.0.2.4");
	F(ev, USER, "bob");
	F(ev, BYTES_TOCLIENT, "2326");
	F(ev, USER_AGENT, "Mozilla/4.08 [en] (Win98; I ;Nav)");
	/* vhost_combined */
	assert_int_equal(ph_parse("apache", "www.example.com:443 192.0.2.5 - - "
	    "[10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 10 \"-\" "
	    "\"curl/8\"", &ev), PARSE_RECOGNISED);
	F(ev, HTTP_HOSTNAME, "www.example.com");
	F(ev, SRC_IP, "192.0.2.5");
	/* common, "-" bytes; Apache escapes a quote as \" */
	assert_int_equal(ph_parse("apache", "::1 - - [10/Oct/2025:13:55:36 "
	    "+0000] \"GET /a\\\" 6.6.6.6 HTTP/1.1\" 304 -", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "::1");
	F(ev, URL, "/a\\\"");
	F(ev, BYTES_TOCLIENT, "");
	/* HostnameLookups: a name is no address. */
	assert_int_equal(ph_parse("apache", "monitoring-server - - [10/Oct/2025"
	    ":13:55:36 +0000] \"GET /status HTTP/1.1\" 200 612", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
}

static void
test_errors(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("nginx-error", "2025/11/23 10:00:00 [error] "
	    "1234#1234: *5 user \"admin\" was not found in \"/etc/nginx/"
	    ".htpasswd\", client: 203.0.113.8, server: example.com, request: "
	    "\"GET /admin HTTP/1.1\", host: \"example.com\"", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "http_auth_fail");
	F(ev, USER, "admin");
	F(ev, SRC_IP, "203.0.113.8");
	F(ev, SEVERITY, "error");
	assert_int_equal(ph_parse("nginx-error", "2025/11/23 10:00:01 [error] "
	    "1234#1234: *6 user \"bob\": password mismatch, client: "
	    "203.0.113.8, server: example.com, request: \"GET / HTTP/1.1\"",
	    &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "http_auth_fail");
	F(ev, USER, "bob");
	assert_int_equal(ph_parse("nginx-error", "2025/11/23 10:00:02 [error] "
	    "1234#1234: *7 limiting requests, excess: 10.520 by zone \"one\", "
	    "client: 2001:db8::9, server: example.com, request: \"GET / "
	    "HTTP/1.1\"", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "rate_limited");
	F(ev, SRC_IP, "2001:db8::9");
	/* The request holds ", client: 6.6.6.6, server: ": the first wins. */
	assert_int_equal(ph_parse("nginx-error", "2025/11/23 10:00:03 [error] "
	    "1234#1234: *8 open() \"/x\" failed, client: 198.51.100.3, server: "
	    "s, request: \"GET /, client: 6.6.6.6, server: x HTTP/1.1\"", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.3");
	assert_int_equal(ph_parse("apache-error", "[Sun Nov 23 10:00:00.123456 "
	    "2025] [auth_basic:error] [pid 4242:tid 1400] [client 203.0.113.9:"
	    "50412] AH01618: user admin not found: /secret", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "http_auth_fail");
	F(ev, USER, "admin");
	F(ev, SRC_IP, "203.0.113.9");
	F(ev, SRC_PORT, "50412");
	F(ev, MSGID, "AH01618");
	assert_int_equal(ph_parse("apache-error", "[Sun Nov 23 10:00:00.2 2025] "
	    "[auth_basic:error] [pid 1] [client 2001:db8::1:50412] AH01617: "
	    "user bob: authentication failure for \"/\": Password Mismatch",
	    &ev), PARSE_RECOGNISED);
	F(ev, USER, "bob");
	F(ev, SRC_IP, "2001:db8::1");
	F(ev, SRC_PORT, "50412");
	/* 2.2 */
	assert_int_equal(ph_parse("apache-error", "[Sun Nov 23 10:00:00 2025] "
	    "[error] [client 192.0.2.77] user carol not found: /private", &ev),
	    PARSE_RECOGNISED);
	F(ev, USER, "carol");
	F(ev, SRC_IP, "192.0.2.77");
	F(ev, SRC_PORT, "");
	assert_int_equal(ph_parse("apache-error", "garbage [client 1.2.3.4] x",
	    &ev), PARSE_NO_HEADER);
	F(ev, SRC_IP, "");
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
		cmocka_unit_test(test_nginx_combined),
		cmocka_unit_test(test_nginx_hostile),
		cmocka_unit_test(test_nginx_log_format),
		cmocka_unit_test(test_apache_access),
		cmocka_unit_test(test_errors),
	};

	if (setenv("TZ", "UTC", 1) == -1)
		return 1;
	tzset();
	return cmocka_run_group_tests(tests, NULL, teardown);
}
