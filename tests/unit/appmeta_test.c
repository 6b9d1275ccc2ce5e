/*
 * tests/unit/appmeta_test.c - application metadata from client bytes:
 * HTTP request line and headers, TLS ClientHello SNI, SSH banner, and
 * what is cut short or not any of them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "appmeta.h"

static struct appmeta	 m;

#define S(x)	(const uint8_t *)(x), sizeof(x) - 1

static void
test_http(void **state)
{
	(void)state;
	appmeta_parse(S("GET /a?b=1 HTTP/1.1\r\nhost: example.org\r\n"
	    "User-Agent:  curl/7.88.1\r\nAccept: */*\r\n\r\nbody"), &m);
	assert_string_equal(m.app_proto, "http");
	assert_string_equal(m.method, "GET");
	assert_string_equal(m.url, "/a?b=1");
	assert_string_equal(m.host, "example.org");
	assert_string_equal(m.user_agent, "curl/7.88.1");
	/* Cut inside the headers: what is there. */
	appmeta_parse(S("POST /x HTTP/1.0\r\nHost: h\r\nUser-Ag"), &m);
	assert_string_equal(m.method, "POST");
	assert_string_equal(m.host, "h");
	assert_string_equal(m.user_agent, "");
	/* Control bytes never reach a value. */
	appmeta_parse(S("GET /\x01\x7f HTTP/1.1\r\nHost: a\x1b[0mb\r\n"), &m);
	assert_string_equal(m.url, "/");
	assert_string_equal(m.host, "a[0mb");
	/* Not a request line. */
	appmeta_parse(S("GET /nothing\r\n"), &m);
	assert_null(m.app_proto);
	appmeta_parse(S("GETX / HTTP/1.1\r\n"), &m);
	assert_null(m.app_proto);
}

static const uint8_t hello[] = {
	0x16, 0x03, 0x01, 0x00, 0x48,			/* record, 72 */
	0x01, 0x00, 0x00, 0x44,				/* ClientHello, 68 */
	0x03, 0x03,					/* version */
	[11 ... 42] = 0xaa,				/* random */
	0x00,						/* session id */
	0x00, 0x02, 0x13, 0x01,				/* suites */
	0x01, 0x00,					/* compression */
	0x00, 0x19,					/* extensions, 25 */
	0x00, 0x0a, 0x00, 0x02, 0x00, 0x17,		/* another one first */
	0x00, 0x00, 0x00, 0x0f, 0x00, 0x0d, 0x00, 0x00, 0x0a,
	'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'f', 'r',
};

static void
test_tls(void **state)
{
	size_t	 n;

	(void)state;
	appmeta_parse(hello, sizeof(hello), &m);
	assert_string_equal(m.app_proto, "tls");
	assert_string_equal(m.sni, "example.fr");
	/* Every cut: never past the bytes, the name only when whole. */
	for (n = 0; n < sizeof(hello); n++) {
		appmeta_parse(hello, n, &m);
		assert_string_equal(m.sni, "");
	}
}

static void
test_ssh(void **state)
{
	(void)state;
	appmeta_parse(S("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n"), &m);
	assert_string_equal(m.app_proto, "ssh");
	assert_string_equal(m.ssh, "OpenSSH_9.2p1");
	appmeta_parse(S("SSH-2.0-libssh_0.10\r\n\0\0\0"), &m);
	assert_string_equal(m.ssh, "libssh_0.10");
	appmeta_parse(S("\x00\x01garbage"), &m);
	assert_null(m.app_proto);
	appmeta_parse(S(""), &m);
	assert_null(m.app_proto);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_ssh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
