/*
 * tests/unit/detect_test.c - the verdict on one event without Redis: day
 * and hour, source, internal or not, country, extraterritorial, hits; the
 * group key of each group_by; the evidence. Uses the fixture geography
 * (tests/fixtures/geo.txt, built into a .mmdb by mkmmdb.pl).
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

#include <jansson.h>

#include "conf.h"
#include "daytime.h"
#include "detect.h"

#define TS_NOV20_1030	"1795170600000000"	/* 2026-11-20 10:30:00 UTC */

struct fix {
	struct conf	 conf;
	struct geo	 geo;
	struct ruleset	 rs;
	struct detector	 d;
	char		 mmdb[64];
};

static const char rules[] =
    "rule ssh_guess { meta: group_by = \"src_ip\" condition: "
    "program == \"sshd\" and action == \"auth_fail\" }\n"
    "rule by_host { meta: group_by = \"host\" condition: "
    "action == \"auth_fail\" }\n"
    "rule by_dest { meta: group_by = \"dest_ip\" condition: "
    "action == \"auth_fail\" }\n"
    "rule by_rule { meta: group_by = \"rule\" condition: "
    "action == \"auth_fail\" }\n"
    "rule by_user { meta: group_by = \"user\" condition: "
    "action == \"auth_fail\" }\n"
    "rule abroad { condition: extraterritorial and hour == 10 }\n"
    "rule leaving { condition: event_kind == \"flow\" and outbound_abroad "
    "and dest_country == \"CN\" and not dest_internal }\n"
    "rule inward { condition: dest_internal and not dest_extraterritorial and "
    "dest_country == \"\" }\n"
    "rule scan_payload { condition: event_kind == \"flow\" and "
    "uint32be(0) == 0x47455420 }\n";

static int
setup(void **state)
{
	struct fix	*f;
	char		 path[] = "/tmp/vigie-detect-test.XXXXXX.yar", cmd[256];
	char		*paths[1] = { path };
	FILE		*fp;
	int		 fd;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    yr_initialize() != ERROR_SUCCESS || conf_init(&f->conf) == -1 ||
	    conf_set(&f->conf, "geo", "home-countries", "FR", "test") == -1 ||
	    daytime_set_zone("UTC") == -1)
		return -1;
	snprintf(f->mmdb, sizeof(f->mmdb), "/tmp/vigie-detect-%ld.mmdb",
	    (long)getpid());
	snprintf(cmd, sizeof(cmd), "/usr/bin/perl tests/fixtures/mkmmdb.pl "
	    "--schema maxmind tests/fixtures/geo.txt %s", f->mmdb);
	if (system(cmd) != 0 || geo_open(&f->geo, f->mmdb) == -1)
		return -1;
	if ((fd = mkstemps(path, 4)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(rules, fp);
	if (fclose(fp) != 0 || ruleset_load(&f->rs, paths, 1) == -1)
		return -1;
	unlink(path);
	f->d.conf = &f->conf;
	f->d.geo = &f->geo;
	f->d.rs = &f->rs;
	if ((f->d.sc = scanner_new(&f->rs)) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	scanner_free(f->d.sc);
	ruleset_free(&f->rs);
	geo_close(&f->geo);
	unlink(f->mmdb);
	conf_free(&f->conf);
	free(f);
	yr_finalize();
	return 0;
}

/* An sshd rejected attempt on host db1, seen by sensor web1. */
static void
auth_fail(struct event *ev, const char *src)
{
	event_clear(ev);
	event_set(ev, EV_KIND, "log");
	event_set(ev, EV_TS, TS_NOV20_1030);
	event_set(ev, EV_SENSOR, "web1");
	event_set(ev, EV_HOST, "db1");
	event_set(ev, EV_SRC_IP, src);
	event_set(ev, EV_DEST_IP, "192.0.2.22");
	event_set(ev, EV_PROGRAM, "sshd");
	event_set(ev, EV_ACTION, "auth_fail");
	event_set(ev, EV_USER, "root");
	event_set(ev, EV_LINE, "Failed password for root from x port 22 ssh2");
}

/* The hit of rule `name` in v, or NULL. */
static const struct rulemeta *
hit(const struct fix *f, const struct verdict *v, const char *name)
{
	int	 i;

	for (i = 0; i < v->nhits; i++)
		if (strcmp(f->rs.meta[v->hits[i]].name, name) == 0)
			return &f->rs.meta[v->hits[i]];
	return NULL;
}

static const char *
group(const struct fix *f, const struct verdict *v, const struct event *ev,
    const char *rule)
{
	static char		 buf[128];
	const struct rulemeta	*m = hit(f, v, rule);
	const char		*g;
	size_t			 len;

	assert_non_null(m);
	g = detect_group(m, ev, v, &len);
	assert_true(len < sizeof(buf));
	memcpy(buf, g, len);
	buf[len] = '\0';
	return buf;
}

static void
test_day_and_hour(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;

	auth_fail(&ev, "61.177.172.5");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.day, "2026-11-20");
	assert_int_equal(v.hour, 10);
	assert_true(v.ts == 1795170600000000LL);
	/* No usable ts: the frame id's time. */
	event_set(&ev, EV_TS, "soon");
	assert_int_equal(detect_event(&f->d, &ev, 1795258800000ULL, &v), 0);
	assert_string_equal(v.day, "2026-11-21");
	assert_int_equal(v.hour, 11);
	assert_true(v.ts == 1795258800000000LL);
	/* In the configured zone. */
	assert_int_equal(daytime_set_zone("Asia/Tokyo"), 0);
	event_set(&ev, EV_TS, "1795201200000000");	/* Nov 20 19:00 UTC */
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.day, "2026-11-21");
	assert_int_equal(v.hour, 4);
	assert_int_equal(daytime_set_zone("UTC"), 0);
}

static void
test_source(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;

	auth_fail(&ev, "::ffff:61.177.172.5");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.src, "61.177.172.5");
	assert_string_equal(v.cc, "CN");
	assert_true(v.external && v.extraterritorial && !v.internal &&
	    !v.unknown_country);
	assert_non_null(hit(f, &v, "abroad"));

	auth_fail(&ev, "90.1.2.3");		/* home: FR */
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.cc, "FR");
	assert_true(v.external && !v.extraterritorial && !v.unknown_country);
	assert_null(hit(f, &v, "abroad"));

	auth_fail(&ev, "203.0.113.9");		/* not in the database */
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.cc, "");
	assert_true(v.external && !v.extraterritorial && v.unknown_country);

	auth_fail(&ev, "10.1.2.3");		/* internal-networks */
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.src, "10.1.2.3");
	assert_true(v.internal && !v.external && !v.unknown_country);

	auth_fail(&ev, "not an address");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.src, "");
	assert_true(!v.internal && !v.external);
	assert_int_equal(v.nhits, 5);		/* all but abroad */

	/* A NUL inside does not make the part before it the source. */
	auth_fail(&ev, "61.177.172.5");
	ev.f[EV_SRC_IP].v = "61.177.172.5\0x";
	ev.f[EV_SRC_IP].len = 14;
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(v.src, "");
	assert_true(!v.external);
}

static void
test_no_geo_database(void **state)
{
	struct fix	*f = *state;
	struct detector	 d = f->d;
	struct event	 ev;
	struct verdict	 v;

	d.geo = NULL;
	auth_fail(&ev, "61.177.172.5");
	assert_int_equal(detect_event(&d, &ev, 1, &v), 0);
	assert_true(v.external && v.unknown_country && !v.extraterritorial);
}

/* group_by = "host" is the event's host, not its sensor. */
static void
test_group_by_host_is_the_host(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;

	auth_fail(&ev, "61.177.172.5");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(group(f, &v, &ev, "by_host"), "db1");
	event_set(&ev, EV_HOST, "");
	assert_string_equal(group(f, &v, &ev, "by_host"), "");
}

/* group_by = "dest_ip" tells destinations apart. */
static void
test_group_by_dest_ip(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;

	auth_fail(&ev, "61.177.172.5");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(group(f, &v, &ev, "by_dest"), "192.0.2.22");
	event_set(&ev, EV_DEST_IP, "192.0.2.23");
	assert_string_equal(group(f, &v, &ev, "by_dest"), "192.0.2.23");
}

static void
test_group_by_others(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;

	auth_fail(&ev, "::ffff:61.177.172.5");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(group(f, &v, &ev, "ssh_guess"), "61.177.172.5");
	assert_string_equal(group(f, &v, &ev, "by_rule"), "by_rule");
	assert_string_equal(group(f, &v, &ev, "by_user"), "root");
	auth_fail(&ev, "garbage");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_string_equal(group(f, &v, &ev, "ssh_guess"), "");
}

static void
test_evidence(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;
	json_t		*j;
	char		*s, line[2000];

	auth_fail(&ev, "::ffff:61.177.172.5");
	event_set(&ev, EV_USER, "r\377ot");
	memset(line, 'A', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	event_set(&ev, EV_LINE, line);
	event_set(&ev, EV_PAYLOAD, "not scanned for a log");
	event_set(&ev, EV_PID, "42");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	s = detect_evidence(&ev, &v, "1-0/3");
	assert_non_null(s);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    "1-0/3");
	assert_string_equal(json_string_value(json_object_get(j, "src_ip")),
	    "61.177.172.5");
	assert_string_equal(json_string_value(json_object_get(j, "user")),
	    "r\xef\xbf\xbdot");
	assert_string_equal(json_string_value(json_object_get(j, "host")),
	    "db1");
	assert_true(json_integer_value(json_object_get(j, "ts")) ==
	    1795170600000000LL);
	assert_int_equal(json_integer_value(json_object_get(j, "pid")), 42);
	assert_int_equal(strlen(json_string_value(json_object_get(j, "line"))),
	    DETECT_EVIDENCE_DATA);
	assert_null(json_object_get(j, "payload"));
	json_decref(j);
	free(s);
}

/* A flow's destination: internal, abroad, home; the payload scanned. */
static void
test_flow_destination(void **state)
{
	struct fix	*f = *state;
	struct event	 ev;
	struct verdict	 v;

	event_clear(&ev);
	event_set(&ev, EV_KIND, "flow");
	event_set(&ev, EV_TS, TS_NOV20_1030);
	event_set(&ev, EV_SRC_IP, "10.0.0.20");
	event_set(&ev, EV_DEST_IP, "61.177.172.9");
	ev.f[EV_PAYLOAD].v = "GET / HTTP/1.1\r\n";
	ev.f[EV_PAYLOAD].len = 16;
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_non_null(hit(f, &v, "leaving"));
	assert_null(hit(f, &v, "inward"));
	assert_non_null(hit(f, &v, "scan_payload"));
	/* To a home country: not leaving. */
	event_set(&ev, EV_DEST_IP, "90.1.2.3");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_null(hit(f, &v, "leaving"));
	/* From abroad to an internal host. */
	event_set(&ev, EV_SRC_IP, "61.177.172.9");
	event_set(&ev, EV_DEST_IP, "10.0.0.20");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_null(hit(f, &v, "leaving"));
	assert_non_null(hit(f, &v, "inward"));
	/* A log line is not a flow: its line is scanned, not a payload. */
	event_set(&ev, EV_KIND, "log");
	assert_int_equal(detect_event(&f->d, &ev, 1, &v), 0);
	assert_null(hit(f, &v, "scan_payload"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_and_hour),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_no_geo_database),
		cmocka_unit_test(test_group_by_host_is_the_host),
		cmocka_unit_test(test_group_by_dest_ip),
		cmocka_unit_test(test_group_by_others),
		cmocka_unit_test(test_evidence),
		cmocka_unit_test(test_flow_destination),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
