/*
 * collector/parse_syslog.h - split a syslog file line into its header parts.
 * Defines struct logrec, the normalised log record the parse_* modules fill.
 * Used by the log tailer and by parse_sshd.c; calls nothing but libc.
 */

#ifndef PARSE_SYSLOG_H
#define PARSE_SYSLOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct logrec {
	int64_t	 ts;		/* µs since the epoch, UTC */
	char	 host[256];
	char	 program[64];
	char	 pid[16];	/* "" when absent */
	const char *msg;	/* message after "prog[pid]: ", points into the caller's line */
	size_t	 msglen;
	char	 action[32];	/* "" when the line is not recognised */
	char	 user[256];
	char	 src_ip[64];	/* normalised text form; "" when absent */
	char	 src_port[8];	/* "" when absent */
};

/*
 * Parse a syslog file line (no trailing newline, not NUL-terminated: use len).
 * `ref` is the reference time used to pick the year of traditional dates.
 * Returns 0 and fills ts/host/program/pid/msg (clears the rest), -1 when the
 * line has no syslog header (out is then all zero, msg NULL).
 *
 * Two header formats are accepted:
 *  - traditional, as rsyslog and syslog-ng write files (RFC 3164 style):
 *	"Nov 23 01:34:22 host sshd[1234]: msg", day space-padded ("Nov  3"),
 *	zero-padded or bare; "sshd: msg" without a pid is fine too.
 *	The time is the local time of this process's time zone (TZ), converted
 *	with mktime(tm_isdst = -1).  The line carries no year, so:
 *	take the year of `ref` (in local time); if that instant is more than
 *	one day (86400 s) after `ref`, use the previous year instead.  A line
 *	dated Dec 31 read on Jan 2 is thus last year's, while a line a few
 *	hours ahead of `ref` (clock skew, time zones) stays in `ref`'s year.
 *	Feb 29 goes back to the most recent leap year.  In the hour that
 *	repeats when daylight saving time ends, mktime() picks one of the
 *	two instants: the text cannot say which.
 *  - RFC 3339 high precision (rsyslog's RSYSLOG_FileFormat):
 *	"2026-11-23T01:34:22.123456+01:00 host sshd[1234]: msg" or "...Z";
 *	fractional seconds optional (digits past the 6th are dropped); the
 *	offset is honoured and the result converted to UTC.
 * Every field is range-checked (month, day of that month, hour < 24, ...).
 * host is at most 255 bytes, program 63, pid 15 digits: longer is rejected.
 * msg points into `line`, valid as long as the caller's buffer is.
 */
int	syslog_parse(const char *line, size_t len, time_t ref, struct logrec *out);

#endif /* PARSE_SYSLOG_H */
