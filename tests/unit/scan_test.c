/*
 * tests/unit/scan_test.c - the rule pack's externals come from the event
 * field table plus the context, and group_by names the rule or a field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "event.h"
#include "scan.h"

/* Compiles `text` as one rule file; returns 0 or -1 (errors on stderr). */
static int
load(struct ruleset *rs, const char *text)
{
	char	 path[] = "/tmp/vigie-scan-test.XXXXXX.yar";
	char	*paths[1] = { path };
	FILE	*fp;
	int	 fd, rc;

	fd = mkstemps(path, 4);
	assert_true(fd != -1);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	rc = ruleset_load(rs, paths, 1);
	unlink(path);
	return rc;
}

/* The indexes of the rules ev matches, as names joined by spaces. */
static char *
matches(const struct ruleset *rs, const struct event *ev,
    const struct scanctx *x, const char *data)
{
	static char	 out[256];
	struct scanner	*sc;
	uint32_t	 hits[16];
	int		 n, i;

	sc = scanner_new(rs);
	assert_non_null(sc);
	n = scanner_scan(sc, ev, x, data, strlen(data), hits, 16);
	assert_true(n >= 0);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, rs->meta[hits[i]].name);
	}
	scanner_free(sc);
	return out;
}

static int
setup(void **state)
{
	(void)state;
	return yr_initialize() == ERROR_SUCCESS ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	yr_finalize();
	return 0;
}

static void
test_every_table_external_is_defined(void **state)
{
	struct ruleset	 rs;
	struct event	 ev;
	struct scanctx	 x = { "198.51.100.7", "NL", 3, 0, 1 };

	(void)state;
	/* dest_ip and user_agent were missing from the hand-written list. */
	assert_int_equal(load(&rs,
	    "rule web { condition: dest_ip == \"192.0.2.80\" and "
	    "user_agent == \"curl/8\" and http_method == \"GET\" and "
	    "status == 404 and dest_port == 443 and bytes_toserver == 77 }\n"
	    "rule other { condition: event_kind == \"flow\" }\n"), 0);
	event_clear(&ev);
	event_set(&ev, EV_KIND, "log");
	event_set(&ev, EV_DEST_IP, "192.0.2.80");
	event_set(&ev, EV_USER_AGENT, "curl/8");
	event_set(&ev, EV_HTTP_METHOD, "GET");
	event_set(&ev, EV_STATUS, "404");
	event_set(&ev, EV_DEST_PORT, "443");
	event_set(&ev, EV_BYTES_TOSERVER, "77");
	assert_string_equal(matches(&rs, &ev, &x, "GET /"), "web");
	event_set(&ev, EV_STATUS, "200");
	assert_string_equal(matches(&rs, &ev, &x, "GET /"), "");
	ruleset_free(&rs);
}

/* One scanner across events: a value left as it was, or gone, is seen. */
static void
test_values_change_between_events(void **state)
{
	struct ruleset	 rs;
	struct scanner	*sc;
	struct event	 ev;
	struct scanctx	 x = { "", "", 3, 0, 0 };
	uint32_t	 hits[4];
	char		 longv[300];
	int		 i;
	static const struct {
		const char	*user;
		int		 port;
		int		 want;	/* 1: "root", 2: "none", 3: "long", 0 */
	} seq[] = {
		{ "root", 22, 1 }, { "root", 22, 1 }, { NULL, 22, 2 },
		{ "root", 23, 0 }, { "root", 22, 1 }, { "", 22, 2 },
		{ "L", 22, 3 }, { "L", 22, 3 }, { "root", 22, 1 },
	};

	(void)state;
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(load(&rs,
	    "rule r_root { condition: user == \"root\" and dest_port == 22 }\n"
	    "rule r_none { condition: user == \"\" and dest_port == 22 }\n"
	    "rule r_long { condition: user matches /^x{299}$/ }\n"), 0);
	sc = scanner_new(&rs);
	assert_non_null(sc);
	for (i = 0; i < (int)(sizeof(seq) / sizeof(seq[0])); i++) {
		int n;

		event_clear(&ev);
		if (seq[i].user != NULL)
			event_set(&ev, EV_USER, seq[i].user[0] == 'L' ? longv :
			    seq[i].user);
		event_set(&ev, EV_DEST_PORT, seq[i].port == 22 ? "22" : "23");
		n = scanner_scan(sc, &ev, &x, "", 0, hits, 4);
		if (seq[i].want == 0) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(n, 1);
		assert_string_equal(rs.meta[hits[0]].name, seq[i].want == 1 ?
		    "r_root" : seq[i].want == 2 ? "r_none" : "r_long");
	}
	scanner_free(sc);
	ruleset_free(&rs);
}

static void
test_context_externals(void **state)
{
	struct ruleset	 rs;
	struct event	 ev;
	struct scanctx	 x = { "61.177.172.5", "CN", 23, 0, 1 };

	(void)state;
	assert_int_equal(load(&rs,
	    "rule ctx { condition: src_ip == \"61.177.172.5\" and "
	    "src_country == \"CN\" and hour == 23 and not src_internal and "
	    "extraterritorial }\n"), 0);
	event_clear(&ev);
	/* src_ip is the verdict's normalised address, not the raw field. */
	event_set(&ev, EV_SRC_IP, "::ffff:61.177.172.5");
	assert_string_equal(matches(&rs, &ev, &x, ""), "ctx");
	x.hour = 22;
	assert_string_equal(matches(&rs, &ev, &x, ""), "");
	ruleset_free(&rs);
}

static void
test_data_is_scanned(void **state)
{
	struct ruleset	 rs;
	struct event	 ev;
	struct scanctx	 x = { "", "", 0, 0, 0 };

	(void)state;
	assert_int_equal(load(&rs,
	    "rule s { strings: $a = \"Failed password\" condition: $a and "
	    "program == \"sshd\" }\n"), 0);
	event_clear(&ev);
	event_set(&ev, EV_PROGRAM, "sshd");
	assert_string_equal(matches(&rs, &ev, &x,
	    "Failed password for root"), "s");
	assert_string_equal(matches(&rs, &ev, &x, "Accepted"), "");
	ruleset_free(&rs);
}

static void
test_group_by_names_a_field(void **state)
{
	struct ruleset	 rs;

	(void)state;
	assert_int_equal(load(&rs,
	    "rule a { meta: group_by = \"host\" condition: true }\n"
	    "rule b { meta: group_by = \"dest_ip\" condition: true }\n"
	    "rule c { meta: group_by = \"rule\" condition: true }\n"
	    "rule d { condition: true }\n"
	    "rule e { meta: group_by = \"user_agent\" condition: true }\n"),
	    0);
	assert_int_equal(rs.n, 5);
	assert_int_equal(rs.meta[0].group_by, EV_HOST);
	assert_int_equal(rs.meta[1].group_by, EV_DEST_IP);
	assert_int_equal(rs.meta[2].group_by, GROUP_RULE);
	assert_int_equal(rs.meta[3].group_by, EV_SRC_IP);
	assert_int_equal(rs.meta[4].group_by, EV_USER_AGENT);
	assert_string_equal(group_by_name(rs.meta[0].group_by), "host");
	assert_string_equal(group_by_name(rs.meta[1].group_by), "dest_ip");
	assert_string_equal(group_by_name(rs.meta[2].group_by), "rule");
	assert_string_equal(group_by_name(rs.meta[3].group_by), "src_ip");
	ruleset_free(&rs);
}

static void
test_group_by_unknown_refused(void **state)
{
	struct ruleset	 rs;

	(void)state;
	assert_int_equal(load(&rs,
	    "rule a { meta: group_by = \"planet\" condition: true }\n"), -1);
	assert_int_equal(load(&rs,
	    "rule a { meta: group_by = 3 condition: true }\n"), -1);
}

/* A meta error names the file and the line of the key, else the rule's. */
static void
test_meta_error_names_file_and_line(void **state)
{
	struct ruleset	 rs;
	char		 path[] = "/tmp/vigie-scan-test.XXXXXX.yar";
	char		 errpath[] = "/tmp/vigie-scan-err.XXXXXX";
	char		*paths[1] = { path }, err[2048], want[256];
	FILE		*fp;
	int		 fd, saved;
	size_t		 n;

	(void)state;
	assert_true((fd = mkstemps(path, 4)) != -1);
	assert_non_null(fp = fdopen(fd, "w"));
	assert_true(fputs(
	    "rule fine { meta: threshold = 5 condition: true }\n"	/* 1 */
	    "// rule bad is declared below\n"				/* 2 */
	    "private rule bad : tag\n"					/* 3 */
	    "{\n"							/* 4 */
	    "  meta:\n"							/* 5 */
	    "    description = \"a threshold = of words\"\n"		/* 6 */
	    "    severity = \"dire\"\n"					/* 7 */
	    "    threshold = \"five\"\n"				/* 8 */
	    "  condition:\n"						/* 9 */
	    "    true\n"							/* 10 */
	    "}\n", fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_true((fd = mkstemp(errpath)) != -1);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	close(fd);
	assert_int_equal(ruleset_load(&rs, paths, 1), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_non_null(fp = fopen(errpath, "r"));
	n = fread(err, 1, sizeof(err) - 1, fp);
	err[n] = '\0';
	fclose(fp);
	unlink(errpath);
	unlink(path);
	snprintf(want, sizeof(want), "%s:7: rule bad: meta severity = \"dire\"",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:8: rule bad: meta threshold must be",
	    path);
	assert_non_null(strstr(err, want));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_external_is_defined),
		cmocka_unit_test(test_context_externals),
		cmocka_unit_test(test_values_change_between_events),
		cmocka_unit_test(test_data_is_scanned),
		cmocka_unit_test(test_group_by_names_a_field),
		cmocka_unit_test(test_group_by_unknown_refused),
		cmocka_unit_test(test_meta_error_names_file_and_line),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
