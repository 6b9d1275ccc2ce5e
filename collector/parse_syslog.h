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

/* "message repeated N times" counts at most this many events. */
#define LOGREC_REPEAT_MAX	10000

/* A piece of the caller's line (not NUL-terminated); n 0: absent. */
struct lspan {
	const char	*p;
	size_t		 n;
};

struct logrec {
	int64_t	 ts;		/* µs since the epoch, UTC; 0: no date */
	char	 host[256];	/* "" when the header has none */
	char	 program[64];	/* "" when the header has none */
	char	 pid[16];	/* "" when absent */
	char	 facility[12];	/* from <PRI> or Solaris [ID n fac.level] */
	char	 severity[12];
	struct lspan msgid;	/* RFC 5424 MSGID */
	const char *msg;	/* message after "prog[pid]: ", points into the caller's line */
	size_t	 msglen;
	unsigned int repeat;	/* the line counts N attempts: N, else 0 */
	/* Filled by the program parsers (cleared by syslog_parse). */
	char	 action[32];	/* "" when the line is not recognised */
	char	 service[16];	/* normalised program: "sshd" for sshd-session */
	char	 user[256];
	char	 src_ip[64];	/* normalised text form; "" when absent */
	char	 src_zone[32];	/* an IPv6 zone id given with it ("eth0") */
	char	 src_port[8];	/* "" when absent */
	char	 target_user[64];
	struct lspan ruser, tty, command, vendor, product, serial, device;
};

/*
 * The one address rule: a[0..n) is an IPv4 dotted quad or an IPv6 address
 * (inet_pton; a "%zone" suffix is stripped and kept in zone), nothing else:
 * no brackets, no host names, no "999.1.1.1", "0x7f.1" or "1.2.3.4.5".
 * IPv4-mapped IPv6 is written as IPv4. Returns 0 with the canonical text
 * in ip, or -1 with ip and zone "".
 */
int	addr_parse(const char *a, size_t n, char *ip, size_t ipsz, char *zone,
	    size_t zonesz);

/*
 * Parse a syslog file line (no trailing newline, not NUL-terminated: use len).
 * `ref` is the reference time used to pick the year of traditional dates.
 * Returns 0 and fills ts/host/program/pid/facility/severity/msgid/msg
 * (clears the rest), -1 when the line has no syslog header (out is then all
 * zero, msg NULL).
 *
 * Accepted, with an optional "<PRI>" first (facility and severity):
 *  - traditional, as rsyslog and syslog-ng write files (RFC 3164 style):
 *	"Nov 23 01:34:22 host sshd[1234]: msg", day space-padded ("Nov  3"),
 *	zero-padded or bare; "sshd: msg" without a pid is fine too, and so
 *	is a header without host ("Nov 23 01:34:22 sshd[1234]: msg").
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
 *	offset is honoured and the result converted to UTC.  macOS writes
 *	"2020-03-23 06:47:42.801612-0700  host sshd[1]: msg" (a space for
 *	the T, one or two spaces after): read the same way.
 *  - RFC 5424: "<PRI>1 TS HOST APP PROCID MSGID [SD]... MSG", "-" for nil
 *	(TS "-": dated by ref); structured data is skipped, a BOM dropped.
 *  - no date at all ("host sshd[1234]: msg", as journalctl -o short
 *	without a date, or some relays, print it): dated by `ref`.  The
 *	program must then start with a letter and be followed by "[pid]:" or
 *	": ", so that a line of text is not taken for a header.
 * A Solaris "[ID 800047 auth.info] " before the message, and BSD syslogd's
 * "<auth.info> " before the host, are removed and give facility and
 * severity.
 * Every field is range-checked (month, day of that month, hour < 24, ...).
 * host is at most 255 bytes, program 63, pid 15 digits: longer is rejected.
 * msg points into `line`, valid as long as the caller's buffer is.
 */
int	syslog_parse(const char *line, size_t len, time_t ref, struct logrec *out);

#endif /* PARSE_SYSLOG_H */
