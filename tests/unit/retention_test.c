/*
 * tests/unit/retention_test.c - the retention plan: which days a new
 * retention-days deletes or re-expires, the confirmation it needs, and
 * when a day's keys expire in a zone with daylight saving time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "daytime.h"
#include "retention.h"

/* 40, 20 and 1 days before 2026-11-23, in no order, and a future day. */
static void
found_days(char (*d)[11])
{
	strcpy(d[0], "2026-11-03");	/* 20 days */
	strcpy(d[1], "2026-11-24");	/* tomorrow: age -1 */
	strcpy(d[2], "2026-10-14");	/* 40 days */
	strcpy(d[3], "2026-11-22");	/* 1 day */
}

static void
test_shrink_deletes_what_the_old_value_kept(void **state)
{
	struct retention_plan	 p;
	char			 d[4][11];

	(void)state;
	found_days(d);
	assert_int_equal(retention_plan(&p, 30, 10, "2026-11-23", d, 4), 0);
	/* 40 days: beyond 30 already, not this change's doing. */
	assert_int_equal(p.ndel, 1);
	assert_string_equal(p.del[0], "2026-11-03");
	assert_int_equal(p.nexpire, 2);
	assert_string_equal(p.expire[0], "2026-11-22");
	assert_string_equal(p.expire[1], "2026-11-24");
	assert_int_equal(retention_verdict(&p, -1), RETENTION_UNCONFIRMED);
	assert_int_equal(retention_verdict(&p, 3), RETENTION_MISMATCH);
	assert_int_equal(retention_verdict(&p, 0), RETENTION_MISMATCH);
	assert_int_equal(retention_verdict(&p, 1), RETENTION_OK);
	retention_plan_free(&p);
}

static void
test_age_limit_is_inclusive(void **state)
{
	struct retention_plan	 p;
	char			 d[3][11] = { "2026-11-13", "2026-11-12",
				    "2026-10-24" };

	(void)state;
	/* Retention 10 keeps today and the 10 days before: 11-13 stays. */
	assert_int_equal(retention_plan(&p, 30, 10, "2026-11-23", d, 3), 0);
	assert_int_equal(p.ndel, 2);
	assert_string_equal(p.del[0], "2026-10-24");	/* age 30: 30 kept it */
	assert_string_equal(p.del[1], "2026-11-12");	/* age 11 */
	assert_int_equal(p.nexpire, 1);
	assert_string_equal(p.expire[0], "2026-11-13");
	retention_plan_free(&p);
}

static void
test_nothing_deleted_needs_no_confirmation(void **state)
{
	struct retention_plan	 p;
	char			 d[4][11];

	(void)state;
	found_days(d);
	/* Longer: every day it kept gets the longer expiry. */
	assert_int_equal(retention_plan(&p, 10, 30, "2026-11-23", d, 4), 0);
	assert_int_equal(p.ndel, 0);
	assert_int_equal(p.nexpire, 2);
	assert_int_equal(retention_verdict(&p, -1), RETENTION_OK);
	assert_int_equal(retention_verdict(&p, 4), RETENTION_OK);
	retention_plan_free(&p);
	/* Shorter, but only the days it keeps anyway exist. */
	assert_int_equal(retention_plan(&p, 30, 10, "2026-11-23", d + 3, 1), 0);
	assert_int_equal(p.ndel, 0);
	assert_int_equal(retention_verdict(&p, -1), RETENTION_OK);
	retention_plan_free(&p);
}

static void
test_nothing_recorded_or_unchanged_plans_nothing(void **state)
{
	struct retention_plan	 p;
	char			 d[4][11];

	(void)state;
	found_days(d);
	assert_int_equal(retention_plan(&p, 0, 10, "2026-11-23", d, 4), 0);
	assert_int_equal(p.ndel + p.nexpire, 0);
	retention_plan_free(&p);
	assert_int_equal(retention_plan(&p, 10, 10, "2026-11-23", d, 4), 0);
	assert_int_equal(p.ndel + p.nexpire, 0);
	retention_plan_free(&p);
	assert_int_equal(retention_plan(&p, 30, 10, "2026-11-23", NULL, 0), 0);
	assert_int_equal(retention_verdict(&p, -1), RETENTION_OK);
	retention_plan_free(&p);
}

static void
test_bad_day_is_skipped(void **state)
{
	struct retention_plan	 p;
	char			 d[2][11] = { "2026-02-30", "2026-11-01" };

	(void)state;
	assert_int_equal(retention_plan(&p, 30, 10, "2026-11-23", d, 2), 0);
	assert_int_equal(p.ndel, 1);
	assert_string_equal(p.del[0], "2026-11-01");
	assert_int_equal(p.nexpire, 0);
	retention_plan_free(&p);
}

static void
test_expiry_is_the_local_end_of_day(void **state)
{
	(void)state;
	assert_int_equal(daytime_set_zone("UTC"), 0);
	/* 2026-11-24 00:00 UTC, plus 10 days. */
	assert_int_equal(retention_expire_at("2026-11-23", 10),
	    1795478400 + 10 * 86400);
	assert_int_equal(daytime_set_zone("Europe/Paris"), 0);
	/* Winter: the day ends at 23:00 UTC. */
	assert_int_equal(retention_expire_at("2026-01-15", 0), 1768518000);
	/* Summer: at 22:00 UTC. */
	assert_int_equal(retention_expire_at("2026-07-15", 0), 1784152800);
	/* The day DST starts has 23 hours; its end is still midnight. */
	assert_int_equal(retention_expire_at("2026-03-29", 1) -
	    retention_expire_at("2026-03-28", 1), 23 * 3600);
	assert_int_equal(daytime_set_zone("UTC"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shrink_deletes_what_the_old_value_kept),
		cmocka_unit_test(test_age_limit_is_inclusive),
		cmocka_unit_test(test_nothing_deleted_needs_no_confirmation),
		cmocka_unit_test(test_nothing_recorded_or_unchanged_plans_nothing),
		cmocka_unit_test(test_bad_day_is_skipped),
		cmocka_unit_test(test_expiry_is_the_local_end_of_day),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
