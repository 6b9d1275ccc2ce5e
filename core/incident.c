/*
 * core/incident.c - acknowledge or close an incident with a note, for the
 * CLI and the web API alike. Owns the Lua library incident.lua, linked
 * into the binary as is; talks to Redis on the caller's context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "incident.h"
#include "log.h"
#include "redis.h"
#include "report.h"
#include "text.h"

__asm__(
    ".section .rodata\n"
    ".global vigie_incident_lua\n"
    "vigie_incident_lua:\n"
    ".incbin \"core/incident.lua\"\n"
    ".byte 0\n"
    ".previous\n");
extern const char vigie_incident_lua[];

#define FUNCTION	"vigie_incident_v1"

static const struct {
	const char		*word;
	enum incident_op	 op;
} ops[] = {
	{ "ack",	INCIDENT_ACK },
	{ "close",	INCIDENT_CLOSE },
};

/* The error codes of incident.lua, by their first word. */
static const struct {
	const char	*code;
	int		 result;
} codes[] = {
	{ "BADARG",	INCIDENT_INVALID },
	{ "NOTFOUND",	INCIDENT_NOT_FOUND },
	{ "CONFLICT",	INCIDENT_REFUSED },
};

int
incident_op_parse(const char *word, enum incident_op *op)
{
	size_t	 i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(word, ops[i].word) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

static const char *
op_word(enum incident_op op)
{
	size_t	 i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].word;
	return "?";
}

/*
 * Whether s holds a control character: C0 but those in `allowed`, DEL,
 * and C1 (U+0080 to U+009F, \xc2\x80 to \xc2\x9f in UTF-8).
 */
static int
has_control(const char *s, const char *allowed)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && strchr(allowed, *p) == NULL) || *p == 0x7f)
			return 1;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1;
	}
	return 0;
}

int
incident_check(const char *by, const char *note, char *msg, size_t msglen)
{
	size_t	 n;

	n = strlen(by);
	if (n == 0 || n > INCIDENT_BY_MAX || !text_utf8_valid(by, n) ||
	    has_control(by, "")) {
		snprintf(msg, msglen, "the analyst's name must be 1 to %d "
		    "bytes of UTF-8 text without control characters",
		    INCIDENT_BY_MAX);
		return -1;
	}
	if (note == NULL)
		return 0;
	n = strlen(note);
	if (n > INCIDENT_NOTE_MAX || !text_utf8_valid(note, n) ||
	    has_control(note, "\n\t")) {
		snprintf(msg, msglen, "a note must be at most %d bytes of "
		    "UTF-8 text without control characters but newline and "
		    "tab", INCIDENT_NOTE_MAX);
		return -1;
	}
	return 0;
}

int
incident_load(redisContext *c, int replace)
{
	redisReply	*r;
	int		 rc = 0;

	r = redisCommand(c, replace ? "FUNCTION LOAD REPLACE %s" :
	    "FUNCTION LOAD %s", vigie_incident_lua);
	if (r == NULL) {
		log_warnx("redis: FUNCTION LOAD vigie_incident: %s", c->errstr);
		return -1;
	}
	/* Loaded meanwhile by another client: as good. */
	if (r->type == REDIS_REPLY_ERROR && (replace ||
	    strstr(r->str, "already exists") == NULL)) {
		log_warnx("redis: FUNCTION LOAD vigie_incident: %s (Redis 7 "
		    "or later is needed)", r->str);
		rc = -1;
	}
	freeReplyObject(r);
	return rc;
}

/* An error reply of the function: its result, and the message in res. */
static int
change_error(const redisReply *r, struct incident_result *res)
{
	const char	*sp;
	size_t		 i, n;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		n = strlen(codes[i].code);
		if (strncmp(r->str, codes[i].code, n) == 0 &&
		    r->str[n] == ' ') {
			sp = r->str + n + 1;
			snprintf(res->msg, sizeof(res->msg), "%s", sp);
			return codes[i].result;
		}
	}
	log_warnx("redis: FCALL %s: %s", FUNCTION, r->str);
	snprintf(res->msg, sizeof(res->msg), "%s", r->str);
	return INCIDENT_FAILED;
}

int
incident_change(struct rconn *c, const char *prefix, const char *id,
    enum incident_op op, const char *by, const char *note,
    struct incident_result *res)
{
	redisReply	*r;
	redisContext	*node;
	char		 sp[512], key[600];
	long long	 n;
	int		 tries, rc, P, k;

	memset(res, 0, sizeof(*res));
	if (!report_id_valid(id)) {
		snprintf(res->msg, sizeof(res->msg), "invalid incident id "
		    "(a decimal number)");
		return INCIDENT_INVALID;
	}
	if (incident_check(by, note, res->msg, sizeof(res->msg)) == -1)
		return INCIDENT_INVALID;
	/* The incident's partition: its id modulo their number. */
	if ((P = parts_read(c, prefix)) == -1) {
		snprintf(res->msg, sizeof(res->msg), "redis: cannot read the "
		    "partitions");
		return INCIDENT_FAILED;
	}
	P = P == 0 ? 1 : P;
	n = strtoll(id, NULL, 10);
	k = (int)(n % P);
	parts_prefix(sp, sizeof(sp), prefix, P, rconn_is_cluster(c), k);
	snprintf(key, sizeof(key), "%sinc:%s", sp, id);
	for (tries = 0; ; tries++) {
		r = rconn_cmd(c, key, "FCALL " FUNCTION " 0 %s %s %s %s %s",
		    sp, id, op_word(op), by, note != NULL ? note : "");
		if (r == NULL) {
			snprintf(res->msg, sizeof(res->msg), "redis: I/O "
			    "error");
			return INCIDENT_FAILED;
		}
		if (r->type != REDIS_REPLY_ERROR || tries > 0 ||
		    strstr(r->str, "Function not found") == NULL)
			break;
		freeReplyObject(r);
		node = rconn_node_context(c, rconn_slot_node(c,
		    redis_slot(key, strlen(key))));
		if (node == NULL || incident_load(node, 0) == -1) {
			snprintf(res->msg, sizeof(res->msg), "cannot load "
			    "the function library");
			return INCIDENT_FAILED;
		}
	}
	if (r->type == REDIS_REPLY_ERROR)
		rc = change_error(r, res);
	else if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING) {
		log_warnx("redis: FCALL %s: unexpected reply", FUNCTION);
		snprintf(res->msg, sizeof(res->msg), "unexpected reply");
		rc = INCIDENT_FAILED;
	} else {
		snprintf(res->status, sizeof(res->status), "%s",
		    r->element[0]->str);
		snprintf(res->alert_id, sizeof(res->alert_id), "%s",
		    r->element[1]->str);
		rc = INCIDENT_OK;
	}
	freeReplyObject(r);
	return rc;
}
