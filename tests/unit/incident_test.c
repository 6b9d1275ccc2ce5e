/*
 * tests/unit/incident_test.c - an analyst's changes: the input checks
 * without Redis, then vigie_incident_v1 against a private redis-server
 * (transitions, notes, alerts, the open pointer, loading on demand).
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

#include "incident.h"
#include "redis_srv.h"
#include "report.h"

#define P	"t:"	/* key prefix of the Redis tests */


/* ---- input, no Redis ---- */

static void
test_op_parse(void **state)
{
	enum incident_op	 op;

	(void)state;
	assert_int_equal(incident_op_parse("ack", &op), 0);
	assert_int_equal(op, INCIDENT_ACK);
	assert_int_equal(incident_op_parse("close", &op), 0);
	assert_int_equal(op, INCIDENT_CLOSE);
	assert_int_equal(incident_op_parse("reopen", &op), -1);
	assert_int_equal(incident_op_parse("", &op), -1);
	assert_int_equal(incident_op_parse("ACK", &op), -1);
}

static void
test_check(void **state)
{
	char	 msg[INCIDENT_MSG_LEN], name[INCIDENT_BY_MAX + 2];
	char	 note[INCIDENT_NOTE_MAX + 2];

	(void)state;
	assert_int_equal(incident_check("alice", NULL, msg, sizeof(msg)), 0);
	assert_int_equal(incident_check("Zoë", "multi\nline\twith tab",
	    msg, sizeof(msg)), 0);
	assert_int_equal(incident_check("bob", "", msg, sizeof(msg)), 0);

	assert_int_equal(incident_check("", NULL, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "name"));
	assert_int_equal(incident_check("a\nb", NULL, msg, sizeof(msg)), -1);
	assert_int_equal(incident_check("a\tb", NULL, msg, sizeof(msg)), -1);
	assert_int_equal(incident_check("\xff", NULL, msg, sizeof(msg)), -1);
	/* C1 control (U+009B, CSI) and DEL. */
	assert_int_equal(incident_check("a\xc2\x9b" "b", NULL, msg,
	    sizeof(msg)), -1);
	assert_int_equal(incident_check("a\x7f", NULL, msg, sizeof(msg)), -1);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';		/* 65 bytes */
	assert_int_equal(incident_check(name, NULL, msg, sizeof(msg)), -1);
	name[INCIDENT_BY_MAX] = '\0';		/* 64 */
	assert_int_equal(incident_check(name, NULL, msg, sizeof(msg)), 0);

	assert_int_equal(incident_check("bob", "\x1b[31mred", msg,
	    sizeof(msg)), -1);
	assert_non_null(strstr(msg, "note"));
	assert_int_equal(incident_check("bob", "cr\r", msg, sizeof(msg)), -1);
	assert_int_equal(incident_check("bob", "bad \xc0\xaf", msg,
	    sizeof(msg)), -1);
	memset(note, 'x', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';		/* 4097 bytes */
	assert_int_equal(incident_check("bob", note, msg, sizeof(msg)), -1);
	note[INCIDENT_NOTE_MAX] = '\0';
	assert_int_equal(incident_check("bob", note, msg, sizeof(msg)), 0);
}

/* ---- against a private redis-server ---- */




static long long
integer(redisContext *c, const char *fmt, ...)
{
	redisReply	*r;
	va_list		 ap;
	long long	 n;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_INTEGER);
	n = r->integer;
	freeReplyObject(r);
	return n;
}

/* An open incident as the commit function writes it, with its pointer. */
static void
incident(redisContext *c, int id)
{
	srv_cmd0(c, "HSET " P "inc:%d id %d rule ssh category bruteforce "
	    "severity high group_by src_ip group 192.0.2.%d src_ip 192.0.2.%d "
	    "country CN sensor s count 7 status open first_seen "
	    "1795397662000000 last_seen 1795397663000000", id, id, id, id);
	srv_cmd0(c, "SET " P "inc:open:ssh:192.0.2.%d %d", id, id);
	srv_cmd0(c, "ZADD " P "incidents 1795397663000 %d", id);
	srv_cmd0(c, "ZADD " P "incidents:open 1795397663000 %d", id);
}

/* Field `name` of the alerts stream's entry `i` (0: oldest). */
static char *
alert_field(redisContext *c, size_t i, const char *name, char *buf,
    size_t len)
{
	redisReply	*r, *f;
	size_t		 k;

	r = srv_cmd(c, "XRANGE " P "alerts - +");
	assert_true(i < r->elements);
	f = r->element[i]->element[1];
	buf[0] = '\0';
	for (k = 0; k + 1 < f->elements; k += 2)
		if (strcmp(f->element[k]->str, name) == 0) {
			snprintf(buf, len, "%s", f->element[k + 1]->str);
			freeReplyObject(r);
			return buf;
		}
	freeReplyObject(r);
	fail_msg("alert %zu has no field %s", i, name);
	return NULL;
}

static void
test_ack_then_close(void **state)
{
	redisContext		*c = srv(state);
	struct incident_result	 res;
	redisReply		*r;
	json_t			*o, *notes, *n;
	char			 b[256];

	srv_cmd0(c, "FLUSHALL");
	srv_cmd0(c, "FUNCTION FLUSH");
	incident(c, 3);
	/* No library in Redis: the client loads its own, once. */
	assert_int_equal(incident_change(srv_router(state), P, "3", INCIDENT_ACK, "alice",
	    "looking\ninto it", &res), INCIDENT_OK);
	assert_string_equal(res.status, "acknowledged");
	assert_string_equal(res.alert_id, "3:1");
	/* Still open for the commit: the pointer and the open set stay. */
	r = srv_cmd(c, "GET " P "inc:open:ssh:192.0.2.3");
	assert_string_equal(r->str, "3");
	freeReplyObject(r);
	assert_int_equal(integer(c, "ZCARD " P "incidents:open"), 1);

	assert_int_equal(incident_change(srv_router(state), P, "3", INCIDENT_CLOSE, "bob",
	    NULL, &res), INCIDENT_OK);
	assert_string_equal(res.status, "closed");
	assert_string_equal(res.alert_id, "3:2");
	assert_int_equal(integer(c, "EXISTS " P "inc:open:ssh:192.0.2.3"), 0);
	assert_int_equal(integer(c, "ZCARD " P "incidents:open"), 0);
	assert_int_equal(integer(c, "ZCARD " P "incidents"), 1);

	/* The alerts, in order, with the contract's fields. */
	assert_int_equal(integer(c, "XLEN " P "alerts"), 2);
	assert_string_equal(alert_field(c, 0, "alert_id", b, sizeof(b)), "3:1");
	assert_string_equal(alert_field(c, 0, "change", b, sizeof(b)),
	    "acknowledged");
	assert_string_equal(alert_field(c, 0, "note", b, sizeof(b)),
	    "looking\ninto it");
	assert_string_equal(alert_field(c, 0, "count", b, sizeof(b)), "7");
	assert_string_equal(alert_field(c, 1, "change", b, sizeof(b)),
	    "closed");
	assert_string_equal(alert_field(c, 1, "status", b, sizeof(b)),
	    "closed");
	assert_string_equal(alert_field(c, 1, "by", b, sizeof(b)), "bob");
	assert_string_equal(alert_field(c, 1, "note", b, sizeof(b)), "");
	assert_string_equal(alert_field(c, 1, "group", b, sizeof(b)),
	    "192.0.2.3");
	assert_string_equal(alert_field(c, 1, "country", b, sizeof(b)), "CN");
	assert_true(strlen(alert_field(c, 1, "ts", b, sizeof(b))) == 16);

	/* The notes history, through the read side. */
	assert_int_equal(report_incident(srv_router(state), P, "3", &o), 0);
	assert_string_equal(json_string_value(json_object_get(o, "status")),
	    "closed");
	assert_string_equal(json_string_value(json_object_get(o,
	    "acknowledged_by")), "alice");
	assert_string_equal(json_string_value(json_object_get(o,
	    "closed_by")), "bob");
	assert_non_null(json_string_value(json_object_get(o, "closed_at")));
	notes = json_object_get(o, "notes");
	assert_int_equal(json_array_size(notes), 2);
	n = json_array_get(notes, 0);
	assert_string_equal(json_string_value(json_object_get(n, "by")),
	    "alice");
	assert_string_equal(json_string_value(json_object_get(n, "change")),
	    "acknowledged");
	assert_string_equal(json_string_value(json_object_get(n, "text")),
	    "looking\ninto it");
	assert_true(json_integer_value(json_object_get(n, "ts")) >
	    1700000000000000LL);
	assert_non_null(json_string_value(json_object_get(n, "time")));
	n = json_array_get(notes, 1);
	assert_string_equal(json_string_value(json_object_get(n, "text")), "");
	json_decref(o);
}

static void
test_refusals_change_nothing(void **state)
{
	redisContext		*c = srv(state);
	struct incident_result	 res;

	srv_cmd0(c, "FLUSHALL");
	incident(c, 5);
	incident(c, 6);
	assert_int_equal(incident_change(srv_router(state), P, "5", INCIDENT_ACK, "a", NULL,
	    &res), INCIDENT_OK);
	assert_int_equal(incident_change(srv_router(state), P, "5", INCIDENT_ACK, "a", NULL,
	    &res), INCIDENT_REFUSED);
	assert_string_equal(res.msg, "incident 5 is already acknowledged");
	assert_int_equal(incident_change(srv_router(state), P, "6", INCIDENT_CLOSE, "a", NULL,
	    &res), INCIDENT_OK);
	assert_int_equal(incident_change(srv_router(state), P, "6", INCIDENT_CLOSE, "a", NULL,
	    &res), INCIDENT_REFUSED);
	assert_string_equal(res.msg, "incident 6 is already closed");
	assert_int_equal(incident_change(srv_router(state), P, "6", INCIDENT_ACK, "a", NULL,
	    &res), INCIDENT_REFUSED);
	assert_string_equal(res.msg,
	    "incident 6 is closed: it cannot be acknowledged");
	assert_int_equal(incident_change(srv_router(state), P, "7", INCIDENT_ACK, "a", NULL,
	    &res), INCIDENT_NOT_FOUND);
	assert_string_equal(res.msg, "no incident 7");
	assert_int_equal(incident_change(srv_router(state), P, "7 OR 1", INCIDENT_ACK, "a",
	    NULL, &res), INCIDENT_INVALID);
	assert_int_equal(incident_change(srv_router(state), P, "5", INCIDENT_CLOSE, "",
	    NULL, &res), INCIDENT_INVALID);
	/* Two changes written, three refused: two alerts, two notes. */
	assert_int_equal(integer(c, "XLEN " P "alerts"), 2);
	assert_int_equal(integer(c, "LLEN " P "inc:5:notes"), 1);
	assert_int_equal(integer(c, "LLEN " P "inc:6:notes"), 1);
	assert_int_equal(integer(c, "HINCRBY " P "inc:6 changes 0"), 1);

	/* Merged by the commit into an older one: that one is named. */
	incident(c, 10);
	srv_cmd0(c, "HSET " P "inc:10 status merged merged_into 4");
	assert_int_equal(incident_change(srv_router(state), P, "10", INCIDENT_CLOSE, "a", NULL,
	    &res), INCIDENT_REFUSED);
	assert_string_equal(res.msg, "incident 10 was merged into incident 4");

	/* A newer pointer (another incident of that group) is left alone. */
	incident(c, 8);
	srv_cmd0(c, "SET " P "inc:open:ssh:192.0.2.8 9");
	assert_int_equal(incident_change(srv_router(state), P, "8", INCIDENT_CLOSE, "a", NULL,
	    &res), INCIDENT_OK);
	assert_int_equal(integer(c, "EXISTS " P "inc:open:ssh:192.0.2.8"), 1);
}

static void
test_function_checks_its_arguments(void **state)
{
	redisContext	*c = srv(state);
	redisReply	*r;

	srv_cmd0(c, "FLUSHALL");
	incident(c, 4);
	/* Called by hand, past the C checks: the function refuses too. */
	r = redisCommand(c, "FCALL vigie_incident_v1 0 " P " 4 reopen a b");
	assert_int_equal(r->type, REDIS_REPLY_ERROR);
	assert_non_null(strstr(r->str, "BADARG"));
	freeReplyObject(r);
	r = redisCommand(c, "FCALL vigie_incident_v1 0 " P " 4 ack %s b", "");
	assert_int_equal(r->type, REDIS_REPLY_ERROR);
	assert_non_null(strstr(r->str, "BADARG"));
	freeReplyObject(r);
	r = redisCommand(c, "FCALL vigie_incident_v1 0 " P " 4x ack a b");
	assert_int_equal(r->type, REDIS_REPLY_ERROR);
	freeReplyObject(r);
	assert_int_equal(integer(c, "EXISTS " P "alerts"), 0);
	/* The correlator's load replaces whatever is there. */
	assert_int_equal(incident_load(c, 1), 0);
	assert_int_equal(incident_load(c, 1), 0);
	assert_int_equal(incident_load(c, 0), 0);	/* there: fine */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_parse),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_ack_then_close),
		cmocka_unit_test(test_refusals_change_nothing),
		cmocka_unit_test(test_function_checks_its_arguments),
	};

	return cmocka_run_group_tests(tests, srv_start, srv_stop);
}
