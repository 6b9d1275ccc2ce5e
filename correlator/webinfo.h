/*
 * correlator/webinfo.h - what the web view learns from the correlator
 * itself: the rules in force (meta and source text) and the process's
 * counters for /metrics. Thread-safe: workers count, the server reads.
 */
#ifndef VIGIE_WEBINFO_H
#define VIGIE_WEBINFO_H

#include <stdint.h>

#include <jansson.h>

struct bundle_slot;
struct evbuffer;

/* After a commit call on `stream` (its key): what it counted. */
void	 webinfo_count(const char *stream, uint64_t events, uint64_t skipped,
	    uint64_t dead, uint64_t detections);
/* Time spent judging events (geo and YARA), µs, added by each worker. */
void	 webinfo_judge_us(uint64_t us);

/* The slot whose bundle holds the rules in force. */
void	 webinfo_set_slot(struct bundle_slot *);

/*
 * The rules in force: an array of {name, category, severity,
 * description, threshold, window, group_by, file, source}, sorted by
 * name; NULL when no slot is set. arg: unused (httpd_source).
 */
json_t	*webinfo_rules(void *arg);

/*
 * The text of rule `name` in src (a rule file): from the start of the
 * line of `rule name` (modifiers such as `private` included) to its
 * closing brace, braces inside strings and comments skipped. Returns a
 * new JSON string, or NULL when it is not there or not closed.
 */
json_t	*webinfo_rule_text(const char *src, const char *name);

/* The counters in Prometheus text format, appended to b. */
void	 webinfo_metrics(struct evbuffer *b, void *arg);

#endif
