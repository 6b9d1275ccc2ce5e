/*
 * tests/unit/backup_test.c - the backup format (core/backup.c): a round
 * trip, and every truncation and every flipped byte of a file refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "backup.h"

static const struct {
	const char	*name;
	uint64_t	 exp;
	const char	*val;
	size_t		 len;
} keys[] = {
	{ "vigie:day:2026-11-23:totals", 1800000000000ULL, "\x0d\x01\x00payload", 10 },
	{ "vigie:inc:seq", 0, "", 0 },
	{ "vigie:ev:{web1}", 0, "stream\0bytes", 12 },
};

/* A backup of keys[] into a malloc'd buffer. */
static char *
make(size_t *len)
{
	struct backup_w	 w;
	char		*buf = NULL;
	size_t		 i;
	FILE		*fp = open_memstream(&buf, len);

	assert_non_null(fp);
	assert_int_equal(backup_w_open(&w, fp, "prefix vigie:\nhost h\n"), 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		assert_int_equal(backup_w_key(&w, keys[i].name,
		    strlen(keys[i].name), keys[i].exp, keys[i].val,
		    keys[i].len), 0);
	assert_int_equal(backup_w_close(&w), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/*
 * Reads buf[0..len): 0 when whole and right, -1 with why. The keys are
 * compared with keys[] only when `strict`: a damaged file gives damaged
 * keys before its end record refuses the whole.
 */
static int
readall(const char *buf, size_t len, size_t *nkeys, char *why, size_t wl,
    int strict)
{
	struct backup_r	 r;
	FILE		*fp = fmemopen((void *)buf, len, "r");
	int		 rc;

	assert_non_null(fp);
	*nkeys = 0;
	if ((rc = backup_r_open(&r, fp, "t.vbk")) == 0) {
		while ((rc = backup_r_next(&r)) == 1) {
			if (!strict) {
				(*nkeys)++;
				continue;
			}
			assert_true(*nkeys < 3);
			assert_string_equal(r.name, keys[*nkeys].name);
			assert_int_equal(r.expire_ms, keys[*nkeys].exp);
			assert_int_equal(r.len, keys[*nkeys].len);
			assert_memory_equal(r.payload, keys[*nkeys].val,
			    r.len);
			(*nkeys)++;
		}
	}
	snprintf(why, wl, "%s", r.why);
	backup_r_free(&r);
	fclose(fp);
	return rc;
}

static void
test_round_trip(void **state)
{
	struct backup_r	 r;
	char		*buf, why[256], v[32];
	size_t		 len, n;
	FILE		*fp;

	(void)state;
	buf = make(&len);
	assert_int_equal(memcmp(buf, BACKUP_MAGIC, 15), 0);
	assert_int_equal(readall(buf, len, &n, why, sizeof(why), 1), 0);
	assert_int_equal(n, 3);
	fp = fmemopen(buf, len, "r");
	assert_int_equal(backup_r_open(&r, fp, "t.vbk"), 0);
	assert_string_equal(backup_header_get(r.header, "prefix", v,
	    sizeof(v)), "vigie:");
	assert_string_equal(backup_header_get(r.header, "host", v,
	    sizeof(v)), "h");
	assert_null(backup_header_get(r.header, "hos", v, sizeof(v)));
	backup_r_free(&r);
	fclose(fp);
	free(buf);
}

static void
test_every_cut_refused(void **state)
{
	char	*buf, why[256];
	size_t	 len, cut, n;

	(void)state;
	buf = make(&len);
	for (cut = 0; cut < len; cut++) {
		if (readall(buf, cut, &n, why, sizeof(why), 0) != -1)
			fail_msg("cut at %zu of %zu read as whole", cut, len);
		assert_non_null(strstr(why, "t.vbk: byte "));
	}
	free(buf);
}

static void
test_every_flip_refused(void **state)
{
	char	*buf, why[256];
	size_t	 len, i, n;
	int	 bit;

	(void)state;
	buf = make(&len);
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (char)(1 << bit);
			if (readall(buf, len, &n, why, sizeof(why), 0) != -1)
				fail_msg("bit %d of byte %zu flipped: read "
				    "as whole", bit, i);
			buf[i] ^= (char)(1 << bit);
		}
	free(buf);
}

static void
test_trailing_bytes_refused(void **state)
{
	char	*buf, *big, why[256];
	size_t	 len, n;

	(void)state;
	buf = make(&len);
	big = malloc(len + 1);
	assert_non_null(big);
	memcpy(big, buf, len);
	big[len] = '\n';
	assert_int_equal(readall(big, len + 1, &n, why, sizeof(why), 0), -1);
	assert_non_null(strstr(why, "after the end record"));
	free(big);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_cut_refused),
		cmocka_unit_test(test_every_flip_refused),
		cmocka_unit_test(test_trailing_bytes_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
