/*
 * correlator/alert_eve.h - one entry of the <prefix>alerts stream as one
 * EVE "alert" JSON line, and the RFC 5424 header that carries it to
 * syslog. Pure: no Redis, no I/O; alerts.c and the unit tests call it.
 */
#ifndef VIGIE_ALERT_EVE_H
#define VIGIE_ALERT_EVE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The fields of an entry of the alerts stream, in the order the
 * contract gives them (docs/DESIGN.md, "The alerts stream"). Written by
 * core/incident.lua and correlator/commit.lua.
 */
#define ALERT_FIELDS(X)				\
	X(ALERT_ID,	"alert_id")		\
	X(INCIDENT,	"incident")		\
	X(CHANGE,	"change")		\
	X(TS,		"ts")			\
	X(RULE,		"rule")			\
	X(CATEGORY,	"category")		\
	X(SEVERITY,	"severity")		\
	X(GROUP_BY,	"group_by")		\
	X(GROUP,	"group")		\
	X(SRC_IP,	"src_ip")		\
	X(COUNTRY,	"country")		\
	X(STATUS,	"status")		\
	X(COUNT,	"count")		\
	X(BY,		"by")			\
	X(NOTE,		"note")

enum alert_field {
#define X(id, name)	AF_##id,
	ALERT_FIELDS(X)
#undef X
	AF_NFIELDS
};

#define ALERT_VALUE_MAX	1024	/* bytes of a value in a line; a note: */
#define ALERT_NOTE_MAX	4096	/* longer ones are cut, ending with "…" */
#define ALERT_TIME_LEN	40	/* "2026-11-23T01:34:22.123456+0100" */
#define ALERT_SYSLOG_HEADER_MAX	400

/* An alert: borrowed values (not NUL-terminated), NULL when absent. */
struct alert {
	const char	*v[AF_NFIELDS];
	size_t		 len[AF_NFIELDS];
	int64_t		 entry_ms;	/* the stream entry's time */
};

/* Empties a; entry_ms dates it when its "ts" is missing or bad. */
void	 alert_init(struct alert *a, int64_t entry_ms);

/*
 * Sets field `name` (a name of ALERT_FIELDS) to v[0..len), borrowed.
 * Returns 0, or -1 for a name not in the table (ignored: newer fields).
 */
int	 alert_set(struct alert *a, const char *name, size_t namelen,
	    const char *v, size_t len);

/* EVE's integer severity: critical 1, high 2, medium 3, low 4; else 3. */
int	 alert_severity(const char *s, size_t len);

/* The alert's time in µs: "ts", else entry_ms. */
int64_t	 alert_time_us(const struct alert *a);

/*
 * µs since the epoch as Suricata's EVE writes it, in the process's time
 * zone: "2026-11-23T02:34:22.123456+0100"; or, with `utc`, as RFC 5424
 * wants it: "2026-11-23T01:34:22.123456Z". Into buf[ALERT_TIME_LEN];
 * returns buf.
 */
char	*alert_time(int64_t us, int utc, char *buf);

/*
 * The EVE line, without newline: {"timestamp", "event_type": "alert",
 * "src_ip", "dest_ip" (when known), "alert": {"action", "signature",
 * "category", "severity"}, "vigie": {"incident", "alert_id", "change",
 * "status", "count", "group_by", "group", "country", "by", "note"}}.
 * Every value is made valid UTF-8 and escaped by jansson. Returns a
 * string the caller frees, or NULL when out of memory.
 */
char	*alert_eve(const struct alert *a);

/*
 * The RFC 5424 header of one alert, to be followed by the EVE line:
 * "<165>1 TIMESTAMP HOST vigie-correlator PID alert - " (local4.notice,
 * UTC time; HOST cut to printable ASCII, "-" when empty). Into buf;
 * returns its length, or -1 when it does not fit.
 */
int	 alert_syslog_header(char *buf, size_t len, int64_t us,
	    const char *host, long pid);

#endif
