/*
 * tests/unit/netaddr_test.c - address parsing and CIDR matching, IPv4
 * and IPv6, including IPv4-mapped addresses and odd prefix lengths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netaddr.h"

static int
in(struct cidrset *s, const char *addr)
{
	struct netaddr	 a;

	assert_int_equal(netaddr_parse(addr, &a), 0);
	return cidrset_contains(s, &a);
}

static void
test_parse_and_format(void **state)
{
	struct netaddr	 a;
	char		 buf[64];

	(void)state;
	assert_int_equal(netaddr_parse("192.0.2.1", &a), 0);
	assert_true(netaddr_is_v4(&a));
	netaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1");
	/* IPv4-mapped IPv6 is the IPv4 address. */
	assert_int_equal(netaddr_parse("::ffff:192.0.2.1", &a), 0);
	assert_true(netaddr_is_v4(&a));
	netaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.1");
	assert_int_equal(netaddr_parse("2001:DB8:0:0::1", &a), 0);
	assert_false(netaddr_is_v4(&a));
	netaddr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(netaddr_parse("", &a), -1);
	assert_int_equal(netaddr_parse("1.2.3", &a), -1);
	assert_int_equal(netaddr_parse("1.2.3.256", &a), -1);
	assert_int_equal(netaddr_parse("example.com", &a), -1);
	assert_int_equal(netaddr_parse("1.2.3.4 ", &a), -1);
	assert_int_equal(netaddr_parse("2001:db8::1::2", &a), -1);
}

static void
test_v4_prefixes(void **state)
{
	struct cidrset	*s = cidrset_new();

	(void)state;
	assert_non_null(s);
	assert_int_equal(cidrset_add(s, "10.0.0.0/8"), 0);
	assert_int_equal(cidrset_add(s, "172.16.0.0/12"), 0);
	assert_int_equal(cidrset_add(s, "192.0.2.77"), 0);
	assert_int_equal(cidrset_add(s, "198.51.100.128/25"), 0);
	assert_true(in(s, "10.255.255.255"));
	assert_false(in(s, "11.0.0.0"));
	assert_true(in(s, "172.31.0.1"));
	assert_false(in(s, "172.32.0.1"));
	assert_true(in(s, "192.0.2.77"));
	assert_false(in(s, "192.0.2.78"));
	assert_true(in(s, "198.51.100.200"));
	assert_false(in(s, "198.51.100.127"));
	assert_true(in(s, "::ffff:10.1.1.1"));
	/* A v4 prefix never matches a v6 address. */
	assert_false(in(s, "2001:db8::1"));
	cidrset_free(s);
}

static void
test_v6_prefixes(void **state)
{
	struct cidrset	*s = cidrset_new();

	(void)state;
	assert_int_equal(cidrset_add(s, "fc00::/7"), 0);
	assert_int_equal(cidrset_add(s, "2001:db8:abcd::/48"), 0);
	assert_int_equal(cidrset_add(s, "2001:db8:ffff::/61"), 0);
	assert_true(in(s, "fd12:3456::1"));
	assert_false(in(s, "fe00::1"));
	assert_true(in(s, "2001:db8:abcd:ffff::1"));
	assert_false(in(s, "2001:db8:abce::1"));
	assert_true(in(s, "2001:db8:ffff:7::1"));
	assert_false(in(s, "2001:db8:ffff:8::1"));
	assert_false(in(s, "10.0.0.1"));
	cidrset_free(s);
}

static void
test_zero_and_full_lengths(void **state)
{
	struct cidrset	*s = cidrset_new();

	(void)state;
	assert_int_equal(cidrset_add(s, "0.0.0.0/0"), 0);
	assert_true(in(s, "8.8.8.8"));
	assert_false(in(s, "2001:db8::1"));
	cidrset_free(s);
	s = cidrset_new();
	assert_int_equal(cidrset_add(s, "::/0"), 0);
	assert_true(in(s, "2001:db8::1"));
	assert_int_equal(cidrset_add(s, "2001:db8::5/128"), 0);
	cidrset_free(s);
}

static void
test_malformed(void **state)
{
	struct cidrset	*s = cidrset_new();
	char		 err[128];

	(void)state;
	assert_int_equal(cidrset_add(s, "10.0.0.0/33"), -1);
	assert_int_equal(cidrset_add(s, "10.0.0.0/-1"), -1);
	assert_int_equal(cidrset_add(s, "10.0.0.0/"), -1);
	assert_int_equal(cidrset_add(s, "10.0.0.0/8x"), -1);
	assert_int_equal(cidrset_add(s, "2001:db8::/129"), -1);
	assert_int_equal(cidrset_add(s, "host/8"), -1);
	assert_int_equal(cidrset_count(s), 0);
	assert_int_equal(cidrset_add_list(s, "10.0.0.0/8, 192.168.0.0/16 "
	    "fd00::/8", err, sizeof(err)), 0);
	assert_int_equal(cidrset_count(s), 3);
	assert_int_equal(cidrset_add_list(s, "10.0.0.0/8,bogus", err,
	    sizeof(err)), -1);
	assert_string_equal(err, "bad network \"bogus\"");
	cidrset_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_v4_prefixes),
		cmocka_unit_test(test_v6_prefixes),
		cmocka_unit_test(test_zero_and_full_lengths),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
