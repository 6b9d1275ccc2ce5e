/*
 * tests/unit/bundle_test.c - a bundle built whole from a config file,
 * options and rules; a reload's bundle keeps the keys that need a
 * restart and says in one line what changed; a broken rule file builds
 * nothing; the slot's references free an old bundle once let go.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bundle.h"

static char	 dir[64], conf[128], rules[128], errpath[128];

#define RULE_A	"rule a { meta: category = \"x\" condition: true }\n"
#define RULE_B	"rule b { meta: severity = \"high\" condition: false }\n"

static void
put(const char *path, const char *text)
{
	FILE	*fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* The config: [rules] path is the temp dir, then `extra` lines. */
static void
put_conf_prefix(const char *prefix, const char *extra)
{
	FILE	*fp;

	assert_non_null(fp = fopen(conf, "w"));
	fprintf(fp, "[redis]\nprefix = %s\n[geo]\nhome-countries = FR\n"
	    "[rules]\npath = %s\n[correlator]\n%s", prefix, dir, extra);
	assert_int_equal(fclose(fp), 0);
}

static void
put_conf(const char *extra)
{
	put_conf_prefix("t:", extra);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/vigie-bundle-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/vigie.conf", dir);
	snprintf(rules, sizeof(rules), "%s/a.yar", dir);
	snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
	put(rules, RULE_A);
	put_conf("");
	assert_int_equal(yr_initialize(), ERROR_SUCCESS);
	return 0;
}

static int
teardown(void **state)
{
	char	 p[160];

	(void)state;
	unlink(conf);
	unlink(rules);
	unlink(errpath);
	snprintf(p, sizeof(p), "%s/b.yar", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/c.yar", dir);
	unlink(p);
	rmdir(dir);
	yr_finalize();
	return 0;
}

/* bundle_load with stderr into err. */
static struct bundle *
load(const struct conf_opt *opts, size_t nopts, const struct bundle *running,
    char *changes, size_t len, char *err, size_t errlen)
{
	struct bundle	*b;
	FILE		*fp;
	int		 saved, fd;
	size_t		 n;

	fflush(stderr);
	saved = dup(2);
	assert_true((fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600)) !=
	    -1);
	dup2(fd, 2);
	close(fd);
	b = bundle_load(conf, opts, nopts, running, changes, len);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_non_null(fp = fopen(errpath, "r"));
	n = fread(err, 1, errlen - 1, fp);
	err[n] = '\0';
	fclose(fp);
	return b;
}

static void
test_first_bundle(void **state)
{
	struct conf_opt	 opt = { "home-countries", "DE" };
	struct bundle	*b;
	char		 err[1024];

	(void)state;
	b = load(&opt, 1, NULL, NULL, 0, err, sizeof(err));
	assert_non_null(b);
	assert_string_equal(err, "");
	assert_int_equal(b->gen, 1);
	assert_int_equal(b->refs, 0);
	assert_int_equal(b->rules.n, 1);
	assert_string_equal(b->conf.redis_prefix, "t:");
	/* The option replaced the file's list. */
	assert_int_equal(b->conf.home_countries.n, 1);
	assert_string_equal(b->conf.home_countries.v[0], "DE");
	bundle_free(b);
}

static void
test_reload_keeps_restart_keys_and_says_what_changed(void **state)
{
	struct conf_opt	 opt = { "workers", "3" };
	struct bundle	*b, *nb;
	char		 err[1024], changes[1024], p[160];

	(void)state;
	assert_non_null(b = load(&opt, 1, NULL, NULL, 0, err, sizeof(err)));
	snprintf(p, sizeof(p), "%s/b.yar", dir);
	put(p, RULE_B);
	put_conf_prefix("u:", "retention-days = 30\nbatch = 32\nworkers = 8\n"
	    "timezone = Europe/Paris\ninternal = 10.0.0.0/8\n");
	nb = load(&opt, 1, b, changes, sizeof(changes), err, sizeof(err));
	assert_non_null(nb);
	assert_int_equal(nb->gen, 2);
	assert_int_equal(nb->rules.n, 2);
	/* Kept: the prefix, the zone; the option still beats the file. */
	assert_string_equal(nb->conf.redis_prefix, "t:");
	assert_string_equal(nb->conf.timezone, "UTC");
	assert_int_equal(nb->conf.workers, 3);
	/* Taken. */
	assert_int_equal(nb->conf.retention_days, 30);
	assert_int_equal(nb->conf.read_count, 32);
	assert_string_equal(changes, "2 rules (+b), internal-networks "
	    "10.0.0.0/8 (was 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 "
	    "127.0.0.0/8 169.254.0.0/16 100.64.0.0/10 ::1/128 fc00::/7 "
	    "fe80::/10), retention-days 30 (was 90), batch 32 (was 64); "
	    "needs a restart, running value kept: redis prefix u: "
	    "(running t:), timezone Europe/Paris (running UTC)");
	bundle_free(nb);

	/* A rule gone, nothing else. */
	unlink(p);
	put_conf("");
	nb = load(&opt, 1, b, changes, sizeof(changes), err, sizeof(err));
	assert_non_null(nb);
	assert_string_equal(changes, "1 rule");
	bundle_free(nb);
	put(p, RULE_B);
	nb = load(&opt, 1, b, changes, sizeof(changes), err, sizeof(err));
	bundle_free(b);
	b = nb;
	unlink(p);
	nb = load(&opt, 1, b, changes, sizeof(changes), err, sizeof(err));
	assert_string_equal(changes, "1 rule (-b)");
	bundle_free(nb);
	bundle_free(b);
}

static void
test_broken_rules_build_nothing(void **state)
{
	struct bundle	*b, *nb;
	char		 err[2048], want[256], changes[256], p[160];

	(void)state;
	put_conf("");
	assert_non_null(b = load(NULL, 0, NULL, NULL, 0, err, sizeof(err)));
	snprintf(p, sizeof(p), "%s/c.yar", dir);
	put(p, "rule c {\n  condition:\n    nosuchthing\n}\n");
	strcpy(changes, "untouched");
	nb = load(NULL, 0, b, changes, sizeof(changes), err, sizeof(err));
	assert_null(nb);
	snprintf(want, sizeof(want), "%s:3: error:", p);
	assert_non_null(strstr(err, want));
	put(p, "rule c {\n  meta:\n    group_by = \"planet\"\n  condition:\n"
	    "    true\n}\n");
	nb = load(NULL, 0, b, changes, sizeof(changes), err, sizeof(err));
	assert_null(nb);
	snprintf(want, sizeof(want), "%s:3: rule c: meta group_by", p);
	assert_non_null(strstr(err, want));
	unlink(p);
	put_conf("workers = none\n");
	nb = load(NULL, 0, b, changes, sizeof(changes), err, sizeof(err));
	assert_null(nb);
	snprintf(want, sizeof(want), "%s:8: bad value \"none\" for workers",
	    conf);
	assert_non_null(strstr(err, want));
	assert_string_equal(changes, "untouched");
	bundle_free(b);
}

static void
test_slot_frees_the_old_bundle_after_its_last_user(void **state)
{
	struct bundle_slot	 s;
	struct bundle		*b, *nb, *w1, *w2;
	char			 err[1024];

	(void)state;
	put_conf("");
	assert_non_null(b = load(NULL, 0, NULL, NULL, 0, err, sizeof(err)));
	assert_int_equal(bundle_slot_init(&s, b), 0);
	w1 = bundle_hold(&s);
	w2 = bundle_hold(&s);
	assert_ptr_equal(w1, b);
	assert_int_equal(b->refs, 3);
	assert_null(bundle_newer(&s, w1));

	assert_non_null(nb = load(NULL, 0, b, NULL, 0, err, sizeof(err)));
	bundle_swap(&s, nb);
	assert_ptr_equal(s.cur, nb);
	assert_int_equal(b->refs, 2);		/* the two workers */
	assert_int_equal(nb->refs, 1);		/* the slot */
	/* Worker 1 moves on; worker 2, last on b, frees it (ASan sees). */
	assert_ptr_equal(bundle_newer(&s, w1), nb);
	bundle_drop(&s, w1);
	assert_int_equal(b->refs, 1);
	assert_int_equal(nb->refs, 2);
	assert_null(bundle_newer(&s, nb));
	assert_ptr_equal(bundle_newer(&s, w2), nb);
	bundle_drop(&s, w2);
	bundle_drop(&s, nb);
	bundle_drop(&s, nb);
	assert_int_equal(nb->refs, 1);
	bundle_slot_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_bundle),
		cmocka_unit_test(test_reload_keeps_restart_keys_and_says_what_changed),
		cmocka_unit_test(test_broken_rules_build_nothing),
		cmocka_unit_test(test_slot_frees_the_old_bundle_after_its_last_user),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
