/*
 * tests/unit/text_test.c - UTF-8 cleaning of attacker-controlled bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static void
test_valid_passes(void **state)
{
	char	 out[64];

	(void)state;
	assert_int_equal(text_utf8_clean("root", 4, out, sizeof(out)), 4);
	assert_string_equal(out, "root");
	text_utf8_clean("caf\xc3\xa9 \xf0\x9f\x94\x91", 10, out, sizeof(out));
	assert_string_equal(out, "caf\xc3\xa9 \xf0\x9f\x94\x91");
}

static void
test_invalid_replaced(void **state)
{
	char	 out[64];

	(void)state;
	/* Lone continuation, overlong, surrogate, NUL, truncated sequence. */
	text_utf8_clean("a\x80" "b\xc0\xaf" "c\xed\xa0\x80" "d\0e\xe2\x82",
	    14, out, sizeof(out));
	assert_string_equal(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "d\xef\xbf\xbd"
	    "e\xef\xbf\xbd\xef\xbf\xbd");
}

static void
test_truncates_on_boundary(void **state)
{
	char	 out[6];

	(void)state;
	/* "ab" + 4-byte key emoji does not fit in 5 bytes: stop before it. */
	assert_int_equal(text_utf8_clean("ab\xf0\x9f\x94\x91", 6, out,
	    sizeof(out)), 2);
	assert_string_equal(out, "ab");
}

static void
test_valid_check(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("", 0));
	assert_true(text_utf8_valid("caf\xc3\xa9 \xf0\x9f\x94\x91", 10));
	assert_true(text_utf8_valid("\x1b[31m", 5));	/* valid, if unsafe */
	assert_false(text_utf8_valid("a\0b", 3));
	assert_false(text_utf8_valid("\xff", 1));
	assert_false(text_utf8_valid("\xc0\xaf", 2));	/* overlong */
	assert_false(text_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(text_utf8_valid("\xe2\x82", 2));	/* cut short */
	assert_int_equal(text_utf8_char("\xe2\x82\xac!", 4), 3);
	assert_int_equal(text_utf8_char("\x80", 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_passes),
		cmocka_unit_test(test_invalid_replaced),
		cmocka_unit_test(test_truncates_on_boundary),
		cmocka_unit_test(test_valid_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
