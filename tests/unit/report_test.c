/*
 * tests/unit/report_test.c - the read side: text/CSV rendering and escaping
 * without Redis, then report_day/incidents against a private redis-server.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "redis_srv.h"
#include "redis.h"
#include "report.h"

#define P	"t:"	/* key prefix of the Redis tests */
#define DAY	"2026-11-23"


/* ---- rendering, no Redis ---- */

/* Runs fn into a memory stream; returns the text (caller frees). */
static char *
render(int (*fn)(FILE *, const json_t *), const json_t *j)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(fn(fp, j), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static json_t *
load(const char *text)
{
	json_error_t	 err;
	json_t		*j;

	j = json_loads(text, 0, &err);
	if (j == NULL)
		fail_msg("bad test JSON: %s", err.text);
	return j;
}

static void
test_time_format(void **state)
{
	char	 buf[REPORT_TIME_LEN];

	(void)state;
	assert_string_equal(report_time(0, buf), "1970-01-01T00:00:00Z");
	assert_string_equal(report_time(1795397662123456LL, buf),
	    "2026-11-23T01:34:22Z");
	/* Before the epoch, round down, not toward zero. */
	assert_string_equal(report_time(-1, buf), "1969-12-31T23:59:59Z");
}

static void
test_input_checks(void **state)
{
	(void)state;
	assert_true(report_id_valid("1"));
	assert_true(report_id_valid("1234567890123456789"));
	assert_false(report_id_valid("12345678901234567890"));
	assert_false(report_id_valid(""));
	assert_false(report_id_valid("-1"));
	assert_false(report_id_valid("1 "));
	assert_false(report_id_valid("0x1"));
	assert_true(report_status_valid("open"));
	assert_true(report_status_valid("acknowledged"));
	assert_true(report_status_valid("closed"));
	assert_false(report_status_valid("Open"));
	assert_false(report_status_valid(""));
}

static void
test_jstring_cleans(void **state)
{
	json_t	*j;

	(void)state;
	j = report_jstring("a\xff" "b\0c", 5);
	assert_non_null(j);
	assert_string_equal(json_string_value(j),
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c");
	json_decref(j);
}

static void
test_escape(void **state)
{
	char	 buf[128];

	(void)state;
	/* ESC, newline, C1 CSI, right-to-left override; UTF-8 kept. */
	report_text_escape("a\x1b[2Jb\nc\xc2\x9b" "d\xe2\x80\xae" "e caf\xc3\xa9",
	    buf, sizeof(buf));
	assert_string_equal(buf,
	    "a\\e[2Jb\\nc\\u009bd\\u202ee caf\xc3\xa9");
	/* Truncation never splits an escape or a character. */
	report_text_escape("\x1b\x01", buf, 6);
	assert_string_equal(buf, "\\e");
	report_text_escape("\xc3\xa9\xc3\xa9", buf, 4);
	assert_string_equal(buf, "\xc3\xa9");
}

static void
test_csv(void **state)
{
	json_t	*days;
	char	*out;

	(void)state;
	days = load("[{\"day\":\"2026-11-22\",\"totals\":{\"events\":9,"
	    "\"detections\":5,\"external\":4,\"extraterritorial\":3,"
	    "\"unknown_country\":1,\"incidents_opened\":2},"
	    "\"unique_sources\":7,\"unique_foreign_sources\":6},"
	    "{\"day\":\"2026-11-23\",\"totals\":{}}]");
	out = render(report_print_csv, days);
	assert_string_equal(out,
	    "day,events,detections,external,extraterritorial,"
	    "unknown_country,incidents_opened,unique_sources,"
	    "unique_foreign_sources\r\n"
	    "2026-11-22,9,5,4,3,1,2,7,6\r\n"
	    "2026-11-23,0,0,0,0,0,0,0,0\r\n");
	free(out);
	out = render(report_print_days_text, days);
	assert_non_null(strstr(out, "DAY "));
	assert_non_null(strstr(out, "2026-11-22"));
	free(out);
	json_decref(days);
}

static void
test_day_text_escapes(void **state)
{
	json_t	*day;
	char	*out;

	(void)state;
	day = load("{\"day\":\"2026-11-23\",\"totals\":{\"events\":15872,"
	    "\"external\":200,\"extraterritorial\":150},"
	    "\"countries\":{\"CN\":120,\"\\u001b]0;pwn\\u0007\":3},"
	    "\"categories\":{},\"rules\":{\"r1\":1},"
	    "\"hours\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,"
	    "20,21,22,23],\"top_sources\":[{\"ip\":\"192.0.2.1\","
	    "\"country\":\"\",\"detections\":4}],\"unique_sources\":1,"
	    "\"unique_foreign_sources\":0}");
	out = render(report_print_text, day);
	assert_non_null(strstr(out, "Vigie report for 2026-11-23"));
	assert_non_null(strstr(out, "15872"));
	assert_non_null(strstr(out, "(75.0% of external)"));
	assert_non_null(strstr(out, "\\e]0;pwn\\x07"));
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	assert_non_null(strstr(out, "192.0.2.1"));
	assert_non_null(strstr(out, "(none)"));	/* no categories */
	free(out);
	json_decref(day);
}

static void
test_incidents_text(void **state)
{
	json_t	*list, *inc;
	char	*out, line[3000];

	(void)state;
	list = load("[{\"id\":7,\"rule\":\"ssh\",\"severity\":\"high\","
	    "\"group\":\"\\u001b[31mxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
	    "\"src_ip\":null,\"country\":null,\"count\":3,\"status\":\"open\","
	    "\"first_seen\":\"2026-11-23T01:00:00Z\",\"last_seen\":null}]");
	out = render(incidents_print_text, list);
	assert_non_null(strstr(out, "ID "));
	assert_non_null(strstr(out, "\\e[31mxxx"));
	assert_non_null(strstr(out, "x~ "));	/* cut to its column */
	assert_null(strchr(out, '\x1b'));
	free(out);
	json_decref(list);

	list = json_array();
	out = render(incidents_print_text, list);
	assert_string_equal(out, "no incidents\n");
	free(out);
	json_decref(list);

	/* A long evidence line is shown whole, escaped. */
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	line[10] = '\r';
	inc = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s},{s:s}]}", "id", 7,
	    "status", "open", "evidence", "time", "2026-11-23T01:00:00Z",
	    "user", "\"><script>", "line", line, "raw", "not json");
	assert_non_null(inc);
	out = render(incident_print_text, inc);
	assert_non_null(strstr(out, "Incident 7"));
	assert_non_null(strstr(out, "user=\"><script>"));
	assert_non_null(strstr(out, "aaaa\\raaaa"));
	assert_true(strlen(out) > sizeof(line));
	assert_non_null(strstr(out, "(unparsed) not json"));
	free(out);
	json_decref(inc);
}

/* ---- against a private redis-server ---- */



static void
test_day_empty(void **state)
{
	redisContext	*c = srv(state);
	json_t		*d, *t;
	size_t		 i;

	srv_cmd0(c, "FLUSHALL");
	d = report_day(srv_router(state), P, DAY);
	assert_non_null(d);
	assert_string_equal(json_string_value(json_object_get(d, "day")), DAY);
	t = json_object_get(d, "totals");
	assert_int_equal(json_object_size(t), 6);
	assert_int_equal(json_integer_value(json_object_get(t, "events")), 0);
	assert_int_equal(json_array_size(json_object_get(d, "hours")), 24);
	for (i = 0; i < 24; i++)
		assert_int_equal(json_integer_value(json_array_get(
		    json_object_get(d, "hours"), i)), 0);
	assert_int_equal(json_array_size(json_object_get(d, "top_sources")),
	    0);
	assert_int_equal(json_object_size(json_object_get(d, "countries")), 0);
	assert_int_equal(json_integer_value(json_object_get(d,
	    "unique_sources")), 0);
	json_decref(d);
}

static void
test_day_counters(void **state)
{
	redisContext	*c = srv(state);
	json_t		*d, *t, *h, *co;
	const char	*k;
	json_t		*v;
	long long	 last = -1;

	srv_cmd0(c, "FLUSHALL");
	/* Missing fields count 0; a malformed one too. */
	srv_cmd0(c, "HSET " P "day:" DAY ":totals events 100 detections 40 "
	    "external 30 extraterritorial 20 unknown_country x");
	srv_cmd0(c, "HSET " P "day:" DAY ":country RU 5 CN 12 %b 1", "\xff\xfe",
	    (size_t)2);
	srv_cmd0(c, "HSET " P "day:" DAY ":hour 0 3 23 4 24 99 -1 5 x 6");
	srv_cmd0(c, "HSET " P "day:" DAY ":rule r 30");
	srv_cmd0(c, "PFADD " P "day:" DAY ":uniq a b c");
	srv_cmd0(c, "PFADD " P "day:" DAY ":uniq_foreign a");
	d = report_day(srv_router(state), P, DAY);
	assert_non_null(d);
	t = json_object_get(d, "totals");
	assert_int_equal(json_integer_value(json_object_get(t, "events")), 100);
	assert_int_equal(json_integer_value(json_object_get(t,
	    "unknown_country")), 0);
	assert_int_equal(json_integer_value(json_object_get(t,
	    "incidents_opened")), 0);
	h = json_object_get(d, "hours");
	assert_int_equal(json_integer_value(json_array_get(h, 0)), 3);
	assert_int_equal(json_integer_value(json_array_get(h, 23)), 4);
	assert_int_equal(json_integer_value(json_array_get(h, 1)), 0);
	/* Largest first; the bad bytes of a key became U+FFFD. */
	co = json_object_get(d, "countries");
	assert_int_equal(json_object_size(co), 3);
	json_object_foreach(co, k, v) {
		if (last != -1)
			assert_true(json_integer_value(v) <= last);
		last = json_integer_value(v);
	}
	assert_non_null(json_object_get(co, "\xef\xbf\xbd\xef\xbf\xbd"));
	assert_int_equal(json_integer_value(json_object_get(d,
	    "unique_sources")), 3);
	assert_int_equal(json_integer_value(json_object_get(d,
	    "unique_foreign_sources")), 1);
	json_decref(d);
}

static void
test_day_top_sources_ties(void **state)
{
	redisContext	*c = srv(state);
	json_t		*d, *src, *s;
	char		 ip[32];
	int		 i;

	srv_cmd0(c, "FLUSHALL");
	/* 15 sources above the cut, then 30 tied at 2: keep the 5 smallest. */
	for (i = 0; i < 15; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i);
		srv_cmd0(c, "ZADD " P "day:" DAY ":sources %d %s", 100 + i, ip);
		srv_cmd0(c, "HSET " P "day:" DAY ":source_country %s NL", ip);
	}
	for (i = 10; i < 40; i++) {
		snprintf(ip, sizeof(ip), "203.0.113.%d", i);
		srv_cmd0(c, "ZADD " P "day:" DAY ":sources 2 %s", ip);
	}
	srv_cmd0(c, "HSET " P "day:" DAY ":source_country 203.0.113.10 CN");
	d = report_day(srv_router(state), P, DAY);
	assert_non_null(d);
	src = json_object_get(d, "top_sources");
	assert_int_equal(json_array_size(src), REPORT_TOP_SOURCES);
	s = json_array_get(src, 0);
	assert_string_equal(json_string_value(json_object_get(s, "ip")),
	    "198.51.100.14");
	assert_int_equal(json_integer_value(json_object_get(s, "detections")),
	    114);
	assert_string_equal(json_string_value(json_object_get(s, "country")),
	    "NL");
	for (i = 0; i < 5; i++) {
		s = json_array_get(src, 15 + i);
		snprintf(ip, sizeof(ip), "203.0.113.%d", 10 + i);
		assert_string_equal(json_string_value(json_object_get(s, "ip")),
		    ip);
		assert_int_equal(json_integer_value(json_object_get(s,
		    "detections")), 2);
		assert_string_equal(json_string_value(json_object_get(s,
		    "country")), i == 0 ? "CN" : "");
	}
	json_decref(d);

	/* Exactly 20, no tie to resolve, one more round trip all the same. */
	srv_cmd0(c, "ZREMRANGEBYSCORE " P "day:" DAY ":sources 2 2");
	for (i = 0; i < 5; i++)
		srv_cmd0(c, "ZADD " P "day:" DAY ":sources %d 192.0.2.%d", 50 - i, i);
	d = report_day(srv_router(state), P, DAY);
	assert_non_null(d);
	src = json_object_get(d, "top_sources");
	assert_int_equal(json_array_size(src), 20);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(src, 19), "ip")), "192.0.2.4");
	json_decref(d);
}

static void
incident(redisContext *c, int id, const char *status, long long last_us)
{
	srv_cmd0(c, "HSET " P "inc:%d id %d rule r%d category c severity high "
	    "group_by src_ip group 192.0.2.%d src_ip 192.0.2.%d country CN "
	    "sensor s count %d status %s first_seen 1795397662000000 "
	    "last_seen %lld", id, id, id, id, id, id * 10, status, last_us);
	srv_cmd0(c, "ZADD " P "incidents %lld %d", last_us / 1000, id);
}

static void
test_incidents(void **state)
{
	redisContext	*c = srv(state);
	json_t		*l, *o;
	int		 i;

	srv_cmd0(c, "FLUSHALL");
	for (i = 1; i <= 250; i++)
		incident(c, i, i % 3 == 0 ? "closed" : "open",
		    1795397662000000LL + (long long)i * 1000000);
	srv_cmd0(c, "ZADD " P "incidents 1 999");	/* its hash expired */
	srv_cmd0(c, "ZADD " P "incidents 2 bogus");

	l = report_incidents(srv_router(state), P, NULL, 0);
	assert_non_null(l);
	assert_int_equal(json_array_size(l), 250);
	o = json_array_get(l, 0);
	assert_int_equal(json_integer_value(json_object_get(o, "id")), 250);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 2500);
	assert_string_equal(json_string_value(json_object_get(o, "group")),
	    "192.0.2.250");
	assert_string_equal(json_string_value(json_object_get(o,
	    "first_seen")), "2026-11-23T01:34:22Z");
	assert_string_equal(json_string_value(json_object_get(o,
	    "last_seen")), "2026-11-23T01:38:32Z");
	assert_null(json_object_get(o, "evidence"));
	json_decref(l);

	l = report_incidents(srv_router(state), P, "closed", 0);
	assert_int_equal(json_array_size(l), 83);
	json_decref(l);
	/* The filter reads past the first batch to fill the limit. */
	l = report_incidents(srv_router(state), P, "closed", 60);
	assert_int_equal(json_array_size(l), 60);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(l, 59), "id")), 72);
	json_decref(l);
	l = report_incidents(srv_router(state), P, "acknowledged", 10);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	l = report_incidents(srv_router(state), P, NULL, 3);
	assert_int_equal(json_array_size(l), 3);
	json_decref(l);
}

static void
test_incident_detail(void **state)
{
	redisContext	*c = srv(state);
	json_t		*o, *ev, *e;
	size_t		 i;

	srv_cmd0(c, "FLUSHALL");
	incident(c, 4, "open", 1795397662000000LL);
	srv_cmd0(c, "HSET " P "inc:4 group %b", "a\xffz", (size_t)3);
	srv_cmd0(c, "RPUSH " P "inc:4:ev %s %s", "{\"ts\":1795397662000000,"
	    "\"user\":\"\\\"><script>\",\"line\":\"x\"}", "not json");
	assert_int_equal(report_incident(srv_router(state), P, "4", &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "group")),
	    "a\xef\xbf\xbdz");
	assert_string_equal(json_string_value(json_object_get(o, "group_by")),
	    "src_ip");
	assert_string_equal(json_string_value(json_object_get(o, "sensor")),
	    "s");
	ev = json_object_get(o, "evidence");
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(ev, 0), "user")), "\"><script>");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(ev, 0), "time")), "2026-11-23T01:34:22Z");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(ev, 1), "raw")), "not json");
	json_decref(o);

	/*
	 * Evidence as the commit stores it: "<ts>\t<day>\t<src>\t<cc>\t
	 * <sensor>\t<event>\n" then the other fields; read back whole, in
	 * the event's order. A head that lies (a length past the end, no
	 * newline, a ts that is not hex or too large) is shown raw.
	 */
	srv_cmd0(c, "DEL " P "inc:4:ev");
	srv_cmd0(c, "RPUSH " P "inc:4:ev %b %s %s %s %b",
	    "000660e797dfc380\t2026-11-23\t203.0.113.9\tCN\tweb1\t1-0/3\n"
	    "{\"kind\":\"log\",\"user\":\"root\",\"line\":\"x\"}",
	    (size_t)93, "000660e797dfc380\t2026-11-23\t\t\tweb1",
	    "zz0660e797dfc380\t2026-11-23\t\t\tweb1\t1-0/4\n{}",
	    "f000660e797dfc380\t2026-11-23\t\t\tweb1\t1-0/5\n{}",
	    "000660e797dfc380\t2026-11-23\t\t\tw\0b\t1-0/6\n{\"a\":1}",
	    (size_t)47);
	assert_int_equal(report_incident(srv_router(state), P, "4", &o), 0);
	ev = json_object_get(o, "evidence");
	assert_int_equal(json_array_size(ev), 5);
	e = json_array_get(ev, 0);
	assert_string_equal(json_string_value(json_object_get(e, "id")),
	    "1-0/3");
	assert_int_equal(json_integer_value(json_object_get(e, "ts")),
	    1795397662000000LL);
	assert_string_equal(json_string_value(json_object_get(e, "sensor")),
	    "web1");
	assert_string_equal(json_string_value(json_object_get(e, "src_ip")),
	    "203.0.113.9");
	assert_string_equal(json_string_value(json_object_get(e, "user")),
	    "root");
	assert_string_equal(json_string_value(json_object_get(e, "time")),
	    "2026-11-23T01:34:22Z");
	/* The event's order: id, kind, ts, sensor, src_ip, the rest. */
	{
		const char	*want[] = { "id", "kind", "ts", "sensor",
				    "src_ip", "user", "line", "time" };
		const char	*key;
		json_t		*val;
		size_t		 k = 0;

		json_object_foreach(e, key, val) {
			assert_true(k < sizeof(want) / sizeof(want[0]));
			assert_string_equal(key, want[k++]);
		}
	}
	for (i = 1; i < 4; i++)
		assert_non_null(json_object_get(json_array_get(ev, i), "raw"));
	/* A NUL in the sensor: valid text, U+FFFD, as every stored string. */
	e = json_array_get(ev, 4);
	assert_string_equal(json_string_value(json_object_get(e, "sensor")),
	    "w\xef\xbf\xbd" "b");
	assert_null(json_object_get(e, "src_ip"));
	json_decref(o);

	assert_int_equal(report_incident(srv_router(state), P, "5", &o), 1);
	assert_null(o);
	assert_int_equal(report_incident(srv_router(state), P, "4 OR 1", &o), 1);
}

static void
test_wrong_type_is_an_error(void **state)
{
	redisContext	*c = srv(state);
	json_t		*d;

	srv_cmd0(c, "FLUSHALL");
	srv_cmd0(c, "SET " P "day:" DAY ":country oops");
	d = report_day(srv_router(state), P, DAY);
	assert_null(d);
	/* The context stays in step: the next read works. */
	srv_cmd0(c, "DEL " P "day:" DAY ":country");
	d = report_day(srv_router(state), P, DAY);
	assert_non_null(d);
	json_decref(d);
}

static void
test_incidents_find(void **state)
{
	struct incident_filter	 f;
	redisContext		*c = srv(state);
	json_t			*l;
	size_t			 total;
	int			 i;

	srv_cmd0(c, "FLUSHALL");
	for (i = 1; i <= 250; i++)
		incident(c, i, i % 3 == 0 ? "closed" : "open",
		    1795397662000000LL + (long long)i * 1000000);
	srv_cmd0(c, "HSET " P "inc:7 severity low country <b>x</b>");

	/* No filter: a range of the zset, the total its size. */
	memset(&f, 0, sizeof(f));
	l = report_incidents_find(srv_router(state), P, &f, 10, 5, &total);
	assert_non_null(l);
	assert_int_equal(total, 250);
	assert_int_equal(json_array_size(l), 5);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(l, 0), "id")), 240);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(l, 0), "sensor")), "s");
	json_decref(l);

	f.status = "closed";
	l = report_incidents_find(srv_router(state), P, &f, 80, 10, &total);
	assert_int_equal(total, 83);
	assert_int_equal(json_array_size(l), 3);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(l, 2), "id")), 3);
	json_decref(l);

	memset(&f, 0, sizeof(f));
	f.severity = "low";
	l = report_incidents_find(srv_router(state), P, &f, 0, 0, &total);
	assert_int_equal(total, 1);
	json_decref(l);
	memset(&f, 0, sizeof(f));
	f.text = "<B>X";		/* case ignored, any text field */
	l = report_incidents_find(srv_router(state), P, &f, 0, 0, &total);
	assert_int_equal(total, 1);
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(l, 0), "id")), 7);
	json_decref(l);
	memset(&f, 0, sizeof(f));
	f.src = "192.0.2.42";
	f.rule = "r42";
	l = report_incidents_find(srv_router(state), P, &f, 0, 0, &total);
	assert_int_equal(total, 1);
	json_decref(l);
	f.rule = "r43";
	l = report_incidents_find(srv_router(state), P, &f, 0, 0, &total);
	assert_int_equal(total, 0);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
}

static void
test_source_rules_sensors(void **state)
{
	redisContext	*c = srv(state);
	json_t		*o, *l, *r;
	const char	*names[] = { "r42", "other" };
	char		 today[11];
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	srv_cmd0(c, "FLUSHALL");
	incident(c, 42, "open", 1795397662000000LL);
	srv_cmd0(c, "ZADD " P "day:%s:sources 7 192.0.2.42", today);
	srv_cmd0(c, "HSET " P "day:%s:source_country 192.0.2.42 CN", today);
	srv_cmd0(c, "HSET " P "day:%s:rule r42 7", today);
	srv_cmd0(c, "HSET " P "rules:stats r42:hits 9 r42:last_hit "
	    "1795397662000000 r42:no_group 1");
	srv_cmd0(c, "XADD " P "det:%s * frame 1-0 detections %s", today,
	    "[{\"index\":2,\"rule\":\"r42\",\"src_ip\":\"192.0.2.42\","
	    "\"ts\":1795397662000000},{\"index\":3,\"rule\":\"other\","
	    "\"src_ip\":\"192.0.2.1\"}]");
	srv_cmd0(c, "XADD " P "det:%s * frame 2-0 detections %s", today,
	    "not json");
	srv_cmd0(c, "RPUSH " P "inc:42:ev {\"ts\":1795397662000000,"
	    "\"line\":\"l\"}");

	assert_int_equal(report_source(srv_router(state), P, "192.0.2.42", today, 3, &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "country")),
	    "CN");
	assert_int_equal(json_integer_value(json_object_get(o, "detections")),
	    7);
	assert_string_equal(json_string_value(json_object_get(o, "last_day")),
	    today);
	assert_int_equal(json_array_size(json_object_get(o, "days")), 3);
	assert_int_equal(json_array_size(json_object_get(o, "incidents")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o,
	    "rules"), "r42")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "detections_latest"), 0), "event")), "1-0/2");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "detections_latest"), 0), "time")),
	    "2026-11-23T01:34:22Z");
	assert_int_equal(json_array_size(json_object_get(o, "evidence")), 1);
	assert_string_equal(json_string_value(json_object_get(o,
	    "first_seen")), "2026-11-23T01:34:22Z");
	json_decref(o);
	assert_int_equal(report_source(srv_router(state), P, "192.0.2.42", today, 0, &o), 1);

	l = report_rules(srv_router(state), P, names, 2, today, 7);
	assert_non_null(l);
	r = json_array_get(l, 0);
	assert_int_equal(json_integer_value(json_object_get(r, "hits")), 9);
	assert_int_equal(json_integer_value(json_object_get(r, "no_group")), 1);
	assert_int_equal(json_integer_value(json_object_get(r, "incidents")),
	    1);
	assert_int_equal(json_integer_value(json_object_get(r,
	    "incidents_active")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(r, "days"), 6), "detections")), 7);
	assert_true(json_is_null(json_object_get(json_array_get(l, 1),
	    "last_hit")));
	json_decref(l);
	l = report_rule_detections(srv_router(state), P, "other", today, 2, 10);
	assert_int_equal(json_array_size(l), 1);
	json_decref(l);

	/* web1's health under its tag; old's under the name collectors
	 * wrote before the tag. */
	srv_cmd0(c, "SADD " P "sensors web1 ghost old");
	srv_cmd0(c, "HSET " P "sensor:{web1} events 10 no_header:sshd 2");
	srv_cmd0(c, "HSET " P "sensor:web1 events 1 no_header:sshd 1");
	srv_cmd0(c, "HSET " P "sensor:old events 3");
	srv_cmd0(c, "XADD " P "ev:{web1} 5000-0 frame x");
	srv_cmd0(c, "XADD " P "ev:{web1} 9000-0 frame y");
	srv_cmd0(c, "XGROUP CREATE " P "ev:{web1} correlators 0");
	srv_cmd0(c, "XREADGROUP GROUP correlators w COUNT 1 STREAMS "
	    P "ev:{web1} >");
	l = report_sensors(srv_router(state), P);
	assert_non_null(l);
	assert_int_equal(json_array_size(l), 3);
	for (size_t i = 0; i < 3; i++) {
		r = json_array_get(l, i);
		if (strcmp(json_string_value(json_object_get(r, "sensor")),
		    "old") == 0) {
			assert_string_equal(json_string_value(json_object_get(
			    json_object_get(r, "health"), "events")), "3");
			continue;
		}
		if (strcmp(json_string_value(json_object_get(r, "sensor")),
		    "web1") != 0) {
			/* no stream, no hash: empty, not an error */
			assert_true(json_is_null(json_object_get(r,
			    "lag_seconds")));
			continue;
		}
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(r, "health"), "no_header:sshd")), "2");
		assert_int_equal(json_integer_value(json_object_get(
		    json_object_get(r, "group"), "pending")), 1);
		assert_true(json_real_value(json_object_get(r,
		    "lag_seconds")) == 4.0);
	}
	json_decref(l);
	/* A large site: every sensor, by name, not the first batch's. */
	for (int i = 0; i < 300; i++)
		srv_cmd0(c, "SADD " P "sensors s%03d", i);
	l = report_sensors(srv_router(state), P);
	assert_int_equal(json_array_size(l), 303);
	assert_string_equal(json_string_value(json_object_get(json_array_get(l,
	    0), "sensor")), "ghost");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l,
	    2), "sensor")), "s000");
	assert_string_equal(json_string_value(json_object_get(json_array_get(l,
	    302), "sensor")), "web1");
	json_decref(l);
	srv_cmd0(c, "DEL " P "sensors");
	o = report_open_by_severity(srv_router(state), P);
	assert_int_equal(json_integer_value(json_object_get(o, "high")), 0);
	json_decref(o);
	srv_cmd0(c, "ZADD " P "incidents:open 1 42");
	o = report_open_by_severity(srv_router(state), P);
	assert_int_equal(json_integer_value(json_object_get(o, "high")), 1);
	json_decref(o);
}

/*
 * A state cut in two partitions (DESIGN.md, "Partitions") reads as one:
 * hashes summed, a rule's latest hit the latest, top sources merged with
 * the cut at 20 by ip among ties, distinct sources the union of the
 * sketches (not their sum), incidents from both lists.
 */
static void
test_day_partitions(void **state)
{
	redisContext	*c = srv(state);
	redisReply	*rep;
	char		 sp[64];
	json_t		*d, *top, *list;
	char		 ip[32];
	int		 i;

	srv_cmd0(c, "FLUSHALL");
	/* Two partitions: both tags have n 0 (parts_tag()). */
	srv_cmd0(c, "HSET " P "config partitions 2");
	srv_cmd0(c, "HSET " P "{p0.0}:day:" DAY ":totals events 10 detections 4");
	srv_cmd0(c, "HSET " P "{p1.0}:day:" DAY ":totals events 5 external 3");
	srv_cmd0(c, "HSET " P "{p0.0}:day:" DAY ":country RU 2 CN 1");
	srv_cmd0(c, "HSET " P "{p1.0}:day:" DAY ":country RU 3");
	/* 25 sources tied at 7, dealt to both partitions, and one at 9. */
	for (i = 0; i < 25; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", 10 + i);
		srv_cmd0(c, "ZADD " P "{p%d.0}:day:" DAY ":sources 7 %s", i % 2,
		    ip);
		srv_cmd0(c, "HSET " P "{p%d.0}:day:" DAY ":source_country %s "
		    "RU", parts_of(ip, strlen(ip), 2), ip);
	}
	srv_cmd0(c, "ZADD " P "{p1.0}:day:" DAY ":sources 9 198.51.100.1");
	srv_cmd0(c, "PFADD " P "{p0.0}:day:" DAY ":uniq a b c");
	srv_cmd0(c, "PFADD " P "{p1.0}:day:" DAY ":uniq b c d");
	d = report_day(srv_router(state), P, DAY);
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d,
	    "totals"), "events")), 15);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d,
	    "countries"), "RU")), 5);
	assert_int_equal(json_integer_value(json_object_get(d,
	    "unique_sources")), 4);
	top = json_object_get(d, "top_sources");
	assert_int_equal(json_array_size(top), 20);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    top, 0), "ip")), "198.51.100.1");
	/* Ties by ip, byte order: 192.0.2.10 .. 192.0.2.28. */
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    top, 1), "ip")), "192.0.2.10");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    top, 19), "ip")), "192.0.2.28");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    top, 19), "country")), "RU");
	json_decref(d);

	/* Incidents: ids n * 2 + k, one list per partition, merged by time. */
	srv_cmd0(c, "HSET " P "{p0.0}:inc:4 id 4 rule r status open count 3");
	srv_cmd0(c, "HSET " P "{p1.0}:inc:3 id 3 rule r status closed count 5");
	srv_cmd0(c, "ZADD " P "{p0.0}:incidents 2000 4");
	srv_cmd0(c, "ZADD " P "{p1.0}:incidents 3000 3");
	list = report_incidents(srv_router(state), P, NULL, 0);
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    list, 0), "id")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    list, 1), "count")), 3);
	json_decref(list);

	/* 200 partitions, more than a day's batch holds (44): partition k
	 * counts k + 1 events and source 203.0.113.k, k + 1 times, and
	 * holds incident 200 + k. */
	srv_cmd0(c, "HSET other:config partitions 200");
	for (i = 0; i < 200; i++) {
		parts_prefix(sp, sizeof(sp), "other:", 200, 0, i);
		srv_cmd0(c, "HSET %sday:" DAY ":totals events %d", sp, i + 1);
		srv_cmd0(c, "ZADD %sday:" DAY ":sources %d 203.0.113.%d", sp,
		    i + 1, i);
		srv_cmd0(c, "PFADD %sday:" DAY ":uniq 203.0.113.%d", sp, i);
		srv_cmd0(c, "HSET %sinc:%d id %d rule r status open count 3",
		    sp, 200 + i, 200 + i);
		srv_cmd0(c, "ZADD %sincidents %d %d", sp, 1000 + i, 200 + i);
		srv_cmd0(c, "PFADD check:all 203.0.113.%d", i);
	}
	d = report_day(srv_router(state), "other:", DAY);
	assert_non_null(d);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(d,
	    "totals"), "events")), 200 * 201 / 2);
	/* The union of the sketches: what one sketch of them all says. */
	rep = srv_cmd(c, "PFCOUNT check:all");
	assert_int_equal(json_integer_value(json_object_get(d,
	    "unique_sources")), rep->integer);
	freeReplyObject(rep);
	top = json_object_get(d, "top_sources");
	assert_int_equal(json_array_size(top), 20);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    top, 0), "ip")), "203.0.113.199");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    top, 19), "detections")), 181);
	json_decref(d);
	list = report_incidents(srv_router(state), "other:", NULL, 0);
	assert_int_equal(json_array_size(list), 200);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    list, 0), "id")), 399);
	json_decref(list);
	srv_cmd0(c, "FLUSHALL");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_input_checks),
		cmocka_unit_test(test_jstring_cleans),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_day_text_escapes),
		cmocka_unit_test(test_incidents_text),
		cmocka_unit_test(test_day_empty),
		cmocka_unit_test(test_day_counters),
		cmocka_unit_test(test_day_top_sources_ties),
		cmocka_unit_test(test_incidents),
		cmocka_unit_test(test_incident_detail),
		cmocka_unit_test(test_incidents_find),
		cmocka_unit_test(test_source_rules_sensors),
		cmocka_unit_test(test_wrong_type_is_an_error),
		/* Last: readers keep the number of partitions a second. */
		cmocka_unit_test(test_day_partitions),
	};

	return cmocka_run_group_tests(tests, srv_start, srv_stop);
}
