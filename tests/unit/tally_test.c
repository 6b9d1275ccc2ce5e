/*
 * tests/unit/tally_test.c - a frame's sums: merged per key and field by
 * each op's rule, written as the commit function's key groups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tally.h"

/* The arguments as one string, separated by spaces. */
static const char *
joined(const struct fargs *a)
{
	static char	 out[1024];
	const char	*s;
	size_t		 i, len, o = 0;

	out[0] = '\0';
	for (i = 0; i < a->n; i++) {
		s = fargs_get(a, i, &len);
		assert_true(o + len + 2 < sizeof(out));
		if (i > 0)
			out[o++] = ' ';
		memcpy(out + o, s, len);
		o += len;
		out[o] = '\0';
	}
	return out;
}

#define ADD(t, k, f, n)	tally_add(t, k, f, strlen(f), n)
#define SET(t, k, f, v)	tally_set(t, k, f, strlen(f), v, strlen(v))

static void
test_sums_per_key_and_field(void **state)
{
	struct tally	 t = { 0 };
	struct fargs	 a = { 0 };
	size_t		 tot, src, cc, uq, last;

	(void)state;
	tot = tally_key(&t, TALLY_HINCRBY, "day:2026-11-20:totals");
	src = tally_key(&t, TALLY_ZINCRBY, "day:2026-11-20:sources");
	cc = tally_key(&t, TALLY_HSET, "day:2026-11-20:source_country");
	uq = tally_key(&t, TALLY_PFADD, "day:2026-11-20:uniq");
	last = tally_key(&t, TALLY_HMAX, "rules:stats");
	assert_int_equal(tally_key(&t, TALLY_HINCRBY,
	    "day:2026-11-20:totals"), tot);
	/* Same name, other op: another key group. */
	assert_int_not_equal(tally_key(&t, TALLY_HINCRBY, "rules:stats"),
	    last);
	ADD(&t, tot, "events", 3);
	ADD(&t, tot, "detections", 1);
	ADD(&t, tot, "events", 4);
	ADD(&t, src, "198.51.100.7", 1);
	ADD(&t, src, "192.0.2.1", 1);
	ADD(&t, src, "198.51.100.7", 2);
	SET(&t, cc, "198.51.100.7", "NL");
	SET(&t, cc, "198.51.100.7", "DE");
	ADD(&t, uq, "198.51.100.7", 1);
	ADD(&t, uq, "192.0.2.1", 1);
	ADD(&t, uq, "198.51.100.7", 1);
	ADD(&t, last, "r:last_hit", 20);
	ADD(&t, last, "r:last_hit", 30);
	ADD(&t, last, "r:last_hit", 10);
	/* The unused HINCRBY rules:stats key writes nothing. */
	assert_int_equal(tally_finish(&t), 5);
	tally_emit(&t, &a);
	assert_string_equal(joined(&a),
	    "H day:2026-11-20:totals 2 detections 1 events 7 "
	    "Z day:2026-11-20:sources 2 192.0.2.1 1 198.51.100.7 3 "
	    "S day:2026-11-20:source_country 1 198.51.100.7 DE "
	    "P day:2026-11-20:uniq 2 192.0.2.1 198.51.100.7 "
	    "M rules:stats 1 r:last_hit 30");
	fargs_free(&a);
	tally_free(&t);
}

static void
test_reset_and_binary_fields(void **state)
{
	struct tally	 t = { 0 };
	struct fargs	 a = { 0 };
	size_t		 k, x, len;

	(void)state;
	k = tally_key(&t, TALLY_HINCRBY, "a");
	ADD(&t, k, "x", 1);
	tally_reset(&t);
	assert_int_equal(tally_finish(&t), 0);
	k = tally_key(&t, TALLY_HINCRBY, "b");
	tally_add(&t, k, "u\0v", 3, 1);
	tally_add(&t, k, "u", 1, 1);
	tally_add(&t, k, "u\0v", 3, 1);
	x = tally_key(&t, TALLY_XADD, "det:2026-11-20");
	SET(&t, x, "frame", "1-0");
	SET(&t, x, "detections", "[]");
	assert_int_equal(tally_finish(&t), 2);
	tally_emit(&t, &a);
	assert_int_equal(a.n, 3 + 4 + 3 + 4);
	assert_string_equal(fargs_get(&a, 3, &len), "u");
	assert_int_equal(len, 1);
	assert_memory_equal(fargs_get(&a, 5, &len), "u\0v", 3);
	assert_int_equal(len, 3);
	assert_string_equal(fargs_get(&a, 6, NULL), "2");
	assert_string_equal(fargs_get(&a, 7, NULL), "X");
	assert_string_equal(fargs_get(&a, 10, NULL), "detections");
	assert_string_equal(fargs_get(&a, 11, NULL), "[]");
	fargs_free(&a);
	tally_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_per_key_and_field),
		cmocka_unit_test(test_reset_and_binary_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
