/*
 * core/incident.h - an analyst's change to an incident: acknowledge or
 * close it, with a note and a name. One implementation for the vigie CLI
 * and the web API; each change is one call of the Redis function
 * vigie_incident_v1 (core/incident.lua), which checks the transition,
 * writes the status and the notes history, and adds the alert for the
 * SIEM in one atomic step.
 */
#ifndef VIGIE_INCIDENT_H
#define VIGIE_INCIDENT_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "redis.h"

#define INCIDENT_BY_MAX		64	/* bytes of an analyst's name */
#define INCIDENT_NOTE_MAX	4096	/* bytes of a note */
#define INCIDENT_MSG_LEN	256

enum incident_op {
	INCIDENT_ACK,		/* open -> acknowledged */
	INCIDENT_CLOSE		/* open or acknowledged -> closed */
};

/* What incident_change() returns. */
enum {
	INCIDENT_FAILED = -1,	/* Redis away or a bad reply: logged */
	INCIDENT_OK = 0,
	INCIDENT_INVALID,	/* the id, name or note: the caller's input */
	INCIDENT_NOT_FOUND,	/* no such incident */
	INCIDENT_REFUSED	/* not allowed from the incident's status */
};

struct incident_result {
	char	 status[16];		/* after the change */
	char	 alert_id[32];		/* "<id>:<n>" in <prefix>alerts */
	char	 msg[INCIDENT_MSG_LEN];	/* why, when not INCIDENT_OK */
};

/* "ack" or "close" into *op. Returns 0, or -1 for another word. */
int	 incident_op_parse(const char *word, enum incident_op *op);

/*
 * Checks an analyst's name (1 to INCIDENT_BY_MAX bytes of UTF-8, no
 * control character) and a note (at most INCIDENT_NOTE_MAX bytes of
 * UTF-8, no control character but newline and tab). NULL note: none.
 * Returns 0, or -1 with the reason in msg.
 */
int	 incident_check(const char *by, const char *note, char *msg,
	    size_t msglen);

/*
 * Loads the function library into Redis: with `replace`, over any
 * version there (the correlator at start); without, only when missing
 * (a client that found no function). Returns 0 or -1 (logged).
 */
int	 incident_load(redisContext *, int replace);

/*
 * Applies op to incident `id` (decimal) as analyst `by` with `note`
 * (NULL: none), after incident_check(). Loads the library when Redis
 * lacks it, once. Returns INCIDENT_OK and fills res->status and
 * res->alert_id, INCIDENT_INVALID, INCIDENT_NOT_FOUND or
 * INCIDENT_REFUSED with res->msg set, or INCIDENT_FAILED after logging
 * (after an I/O error c->err is set: free the context).
 */
int	 incident_change(struct rconn *, const char *prefix, const char *id,
	    enum incident_op op, const char *by, const char *note,
	    struct incident_result *res);

#endif
