/*
 * core/report.h - the read side of the state: days, incidents, sources,
 * rules and sensors as JSON. One implementation for the vigie CLI and the
 * web API; reads Redis only.
 */
#ifndef VIGIE_REPORT_H
#define VIGIE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "redis.h"

#define REPORT_TOP_SOURCES	20
#define REPORT_MAX_DAYS		3660	/* longest --days accepted */
#define REPORT_MAX_EVIDENCE	1000	/* evidence read per incident */
#define REPORT_MAX_NOTES	1000	/* notes read per incident */
#define REPORT_TIME_LEN		21	/* "2026-11-23T01:34:22Z" */

/*
 * All readers take a connected context and the key prefix ("vigie:").
 * On a Redis I/O error or error reply they log once and return NULL
 * (or -1); after an I/O error c->err is set and the context is dead:
 * free it and reconnect. Returned objects are new references: the
 * caller frees them with json_decref(). Strings read from Redis are
 * attacker-controlled: they are made valid UTF-8 (bad bytes become
 * U+FFFD) but not escaped; escape them where they are rendered.
 */

/*
 * One day, "YYYY-MM-DD" (checked by the caller with daytime_parse_day):
 * {"day", "totals": {events, detections, external, extraterritorial,
 * unknown_country, incidents_opened}, "countries", "categories", "rules"
 * (objects name -> external detections, largest first), "hours" (24
 * ints), "top_sources" ([{ip, country, detections}], top 20, largest
 * first, ties by ip), "unique_sources", "unique_foreign_sources"}.
 * A day with no keys is all zeros, not an error.
 */
json_t	*report_day(struct rconn *, const char *prefix, const char *day);

/* The n days (1..REPORT_MAX_DAYS) ending with `last`, oldest first. */
json_t	*report_days(struct rconn *, const char *prefix, const char *last,
	    int n);

/*
 * Incidents by last activity, most recent first: an array of {id, rule,
 * category, severity, group, src_ip, country, count, status, first_seen,
 * last_seen}; times are RFC 3339 UTC, absent fields are null. `status`
 * NULL lists all; limit 0 means no limit.
 */
json_t	*report_incidents(struct rconn *, const char *prefix,
	    const char *status, size_t limit);

/*
 * One incident by decimal id, with "group_by", "sensor",
 * "acknowledged_by", "acknowledged_at", "closed_by", "closed_at",
 * "evidence" (newest first; each a JSON object as the correlator stored
 * it, plus "time" from "ts") and "notes" (oldest first: {ts, time, by,
 * change, text}, as core/incident.lua stored them). Returns 0 and sets
 * *out, 1 when there is no such incident (or the id is malformed), -1
 * after logging a Redis error.
 */
int	 report_incident(struct rconn *, const char *prefix, const char *id,
	    json_t **out);

/*
 * Bounds this thread's next reads: from now on, each wait for Redis is
 * at most cmd_ms and all of them end total_ms from now; past it a
 * reader fails with the context dead (c->err, "deadline passed").
 * total_ms 0: no deadline.
 */
void	 report_deadline(int total_ms, int cmd_ms);

/* Syntax checks for input from the command line or a URL: 1 if valid. */
int	 report_status_valid(const char *status);
int	 report_id_valid(const char *id);

/* µs since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into buf[REPORT_TIME_LEN]. */
char	*report_time(int64_t us, char *buf);

/*
 * Makes s[0..len) valid UTF-8 without NULs (bad bytes become U+FFFD):
 * a new JSON string, or NULL when out of memory.
 */
json_t	*report_jstring(const char *s, size_t len);

/*
 * Text renderers (core/report_text.c) for the CLI. Control characters,
 * C1 controls and bidirectional overrides in data are printed escaped
 * (\x1b, \u202e) so that a log line cannot drive the terminal. They
 * return 0, or -1 when writing failed (errno set).
 */
int	 report_print_text(FILE *, const json_t *day);
/* One line per day with the totals; `days` is an array of day objects. */
int	 report_print_days_text(FILE *, const json_t *days);
/* CSV (RFC 4180) with a header line, one row per day; `days` is an array. */
int	 report_print_csv(FILE *, const json_t *days);
int	 incidents_print_text(FILE *, const json_t *list);
int	 incident_print_text(FILE *, const json_t *incident);

/* Writes s with the escaping above into buf (always NUL-terminated). */
void	 report_text_escape(const char *s, char *buf, size_t len);

/* The pages beyond the day (core/report.c too). */
#define REPORT_SCAN_MAX		20000	/* incidents looked at, newest first */
#define REPORT_DET_ENTRIES	1000	/* det:<d> entries read a day */
#define REPORT_RULES_MAX	512

/* What an incident list keeps; NULL members match anything. */
struct incident_filter {
	const char	*status, *severity, *rule, *category, *country;
	const char	*src;		/* src_ip or group equal to it */
	const char	*text;		/* in any text field, case ignored */
};

/*
 * The incidents matching f, by last activity, most recent first, from
 * `offset`, at most `limit` (0: all), each as in report_incidents() plus
 * "sensor" and "group_by"; *total is the count of all that match
 * (among the REPORT_SCAN_MAX most recent; with no filter, the size of
 * the incidents zset, and only the page is read).
 */
json_t	*report_incidents_find(struct rconn *, const char *prefix,
	    const struct incident_filter *f, size_t offset, size_t limit,
	    size_t *total);

/*
 * Everything one address did over the ndays (1..100) ending with `last`:
 * {ip, country, first_day, last_day, first_seen, last_seen, detections,
 * days [{day, detections}], incidents, rules {name: detections},
 * detections_latest, evidence}. The address is the caller's to check.
 * Returns 0 and sets *out, 1 for a bad ndays, -1 after logging.
 */
int	 report_source(struct rconn *, const char *prefix, const char *ip,
	    const char *last, int ndays, json_t **out);

/*
 * Per rule (names: the rules loaded): {name, hits, no_group, last_hit,
 * incidents, incidents_active, days [{day, detections}]} where days are
 * the external detections of day:<d>:rule.
 */
json_t	*report_rules(struct rconn *, const char *prefix,
	    const char *const *names, size_t n, const char *last, int ndays);

/* The latest detections of a rule (det:<d>), newest first, at most max. */
json_t	*report_rule_detections(struct rconn *, const char *prefix,
	    const char *rule, const char *last, int ndays, size_t max);

/*
 * Every sensor: {sensor, health (the collector's hash), stream (XINFO
 * STREAM, flat), group (XINFO GROUPS' "correlators"), lag_seconds}.
 */
json_t	*report_sensors(struct rconn *, const char *prefix);

/* HGETALL <prefix><name> as an object of strings (made valid UTF-8). */
json_t	*report_hash(struct rconn *, const char *prefix, const char *name);

/* Open and acknowledged incidents by severity: {severity: count}. */
json_t	*report_open_by_severity(struct rconn *, const char *prefix);

#endif
