/*
 * collector/parse_syslog.c - parse the header of a syslog line (3164, 3339,
 * 5424, macOS, undated) into a caller's struct logrec, and the one address
 * rule (addr_parse). Owns a per-thread date cache; calls only libc.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse_syslog.h"

#define DAY_SECS	86400

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static int
is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in month `mon` (0-11) of `year`. */
static int
month_days(int year, int mon)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (mon == 1 && is_leap(year))
		return 29;
	return days[mon];
}

/* Read exactly `n` decimal digits at p[*i]; returns the value or -1. */
static int
digits(const char *p, size_t len, size_t *i, size_t n)
{
	size_t	 k;
	int	 v = 0;

	if (len - *i < n)
		return -1;
	for (k = 0; k < n; k++) {
		char c = p[*i + k];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += n;
	return v;
}

static int
expect(const char *p, size_t len, size_t *i, char c)
{
	if (*i >= len || p[*i] != c)
		return -1;
	(*i)++;
	return 0;
}

/* "hh:mm:ss" into tm; returns 0 or -1. */
static int
parse_clock(const char *p, size_t len, size_t *i, struct tm *tm)
{
	if ((tm->tm_hour = digits(p, len, i, 2)) < 0 || tm->tm_hour > 23 ||
	    expect(p, len, i, ':') == -1 ||
	    (tm->tm_min = digits(p, len, i, 2)) < 0 || tm->tm_min > 59 ||
	    expect(p, len, i, ':') == -1 ||
	    (tm->tm_sec = digits(p, len, i, 2)) < 0 || tm->tm_sec > 60)
		return -1;
	return 0;
}

/*
 * Logs come in time order: the last hour converted, and the zone it was
 * converted in, save a mktime() per line. Per thread; keyed on TZ too.
 */
static __thread struct {
	int	 year, mon, mday, hour;
	time_t	 base;		/* mktime() of that hour, 0 min 0 s */
	time_t	 ref;		/* the last reference time, and its year */
	int	 ref_year;
	char	 tz[64];
} cache = { .year = -1, .ref = (time_t)-1 };

/* Whether the zone changed since the cache was filled (then it is reset). */
static void
cache_check_zone(void)
{
	const char	*tz = getenv("TZ");

	if (tz == NULL)
		tz = "";
	if (strncmp(cache.tz, tz, sizeof(cache.tz)) == 0)
		return;
	snprintf(cache.tz, sizeof(cache.tz), "%s", tz);
	cache.year = -1;
	cache.ref = (time_t)-1;
}

/* mktime() of the traditional date in `year`; -1 when invalid. */
static int
local_instant(const struct tm *fields, int year, time_t *t)
{
	struct tm tm = *fields;

	if (year == cache.year && fields->tm_mon == cache.mon &&
	    fields->tm_mday == cache.mday && fields->tm_hour == cache.hour) {
		*t = cache.base + fields->tm_min * 60 + fields->tm_sec;
		return 0;
	}
	tm.tm_year = year - 1900;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((*t = mktime(&tm)) == (time_t)-1)
		return -1;
	cache.year = year;
	cache.mon = fields->tm_mon;
	cache.mday = fields->tm_mday;
	cache.hour = fields->tm_hour;
	cache.base = *t;
	*t += fields->tm_min * 60 + fields->tm_sec;
	return 0;
}

/*
 * "Nov 23 01:34:22" (day space- or zero-padded, or bare).
 * The year rule is described in parse_syslog.h.
 */
static int
parse_traditional(const char *p, size_t len, size_t *i, time_t ref,
    int64_t *ts)
{
	struct tm	 tm, rt;
	time_t		 t;
	int		 mon, year, tries;

	memset(&tm, 0, sizeof(tm));
	if (len < 3)
		return -1;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(p, months[mon], 3) == 0)
			break;
	if (mon == 12)
		return -1;
	*i = 3;
	if (expect(p, len, i, ' ') == -1)
		return -1;
	if (*i < len && p[*i] == ' ')
		(*i)++;			/* "Nov  3" */
	if ((tm.tm_mday = digits(p, len, i, 1)) < 0)
		return -1;
	if (*i < len && p[*i] >= '0' && p[*i] <= '9')
		tm.tm_mday = tm.tm_mday * 10 + (p[(*i)++] - '0');
	if (tm.tm_mday < 1 || tm.tm_mday > month_days(2000, mon))
		return -1;		/* 2000 is leap: Feb 29 allowed here */
	if (expect(p, len, i, ' ') == -1 || parse_clock(p, len, i, &tm) == -1)
		return -1;
	tm.tm_mon = mon;

	cache_check_zone();
	if (ref != cache.ref) {
		if (localtime_r(&ref, &rt) == NULL)
			return -1;
		cache.ref = ref;
		cache.ref_year = rt.tm_year + 1900;
	}
	year = cache.ref_year;
	for (tries = 0; tm.tm_mday > month_days(year, mon); tries++) {
		if (tries > 8)
			return -1;
		year--;			/* Feb 29: most recent leap year */
	}
	if (local_instant(&tm, year, &t) == -1)
		return -1;
	if (t > ref && t - ref > DAY_SECS) {
		year--;
		for (tries = 0; tm.tm_mday > month_days(year, mon); tries++) {
			if (tries > 8)
				return -1;
			year--;
		}
		if (local_instant(&tm, year, &t) == -1)
			return -1;
	}
	*ts = (int64_t)t * 1000000;
	return 0;
}

/* "2026-11-23T01:34:22[.123456](Z|+01:00)" */
static int
parse_rfc3339(const char *p, size_t len, size_t *i, int64_t *ts)
{
	struct tm	 tm;
	time_t		 t;
	int64_t		 us = 0, scale = 100000;
	int		 year, oh, om, sign, nfrac = 0;

	memset(&tm, 0, sizeof(tm));
	*i = 0;
	if ((year = digits(p, len, i, 4)) < 0 || year < 1970 ||
	    expect(p, len, i, '-') == -1 ||
	    (tm.tm_mon = digits(p, len, i, 2)) < 1 || tm.tm_mon > 12 ||
	    expect(p, len, i, '-') == -1 ||
	    (tm.tm_mday = digits(p, len, i, 2)) < 1 ||
	    tm.tm_mday > month_days(year, tm.tm_mon - 1))
		return -1;
	if (*i >= len || (p[*i] != 'T' && p[*i] != 't' && p[*i] != ' '))
		return -1;
	(*i)++;
	if (parse_clock(p, len, i, &tm) == -1)
		return -1;
	if (*i < len && p[*i] == '.') {
		(*i)++;
		while (*i < len && p[*i] >= '0' && p[*i] <= '9') {
			if (++nfrac > 9)
				return -1;
			us += (p[*i] - '0') * scale;
			scale /= 10;
			(*i)++;
		}
		if (nfrac == 0)
			return -1;
	}
	if (*i >= len)
		return -1;
	if (p[*i] == 'Z' || p[*i] == 'z') {
		(*i)++;
		oh = om = 0;
		sign = 1;
	} else if (p[*i] == '+' || p[*i] == '-') {
		sign = p[*i] == '-' ? -1 : 1;
		(*i)++;
		if ((oh = digits(p, len, i, 2)) < 0 || oh > 23)
			return -1;
		if (*i < len && p[*i] == ':')
			(*i)++;
		if ((om = digits(p, len, i, 2)) < 0 || om > 59)
			return -1;
	} else
		return -1;

	tm.tm_year = year - 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	t -= (time_t)sign * (oh * 3600 + om * 60);
	*ts = (int64_t)t * 1000000 + us;
	return 0;
}

/* Printable ASCII other than space. */
static int
is_token_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7"
};
static const char *const severities[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

static void
set_str(char *dst, size_t dstsz, const char *p, size_t n)
{
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* "<PRI>", 0-191, at most 3 digits. Returns 0 (i past it) or -1. */
static int
parse_pri(const char *p, size_t len, size_t *i, struct logrec *out)
{
	size_t	 k = 1;
	int	 v = 0;

	while (k < len && k < 5 && p[k] >= '0' && p[k] <= '9')
		v = v * 10 + (p[k++] - '0');
	if (k == 1 || k > 4 || k >= len || p[k] != '>' || v > 191)
		return -1;
	*i = k + 1;
	snprintf(out->facility, sizeof(out->facility), "%s", facilities[v / 8]);
	snprintf(out->severity, sizeof(out->severity), "%s", severities[v % 8]);
	return 0;
}

/* One space-free token at i (stops at end or space); returns its length. */
static size_t
token(const char *p, size_t len, size_t i)
{
	size_t	 k = i;

	while (k < len && is_token_char((unsigned char)p[k]))
		k++;
	return k - i;
}

#define TAG_LETTER	1	/* the program starts with a letter */
#define TAG_SPACE	2	/* the colon is followed by a space or the end */

/*
 * "prog[pid]: " or "prog: " at i. Returns 0 with program, pid and *i past
 * it, or -1 (nothing set).
 */
static int
parse_tag(const char *line, size_t len, size_t *i, struct logrec *out,
    int mode)
{
	size_t	 k = *i, start = *i, n, ps = 0, pn = 0;

	for (; k < len && is_token_char((unsigned char)line[k]) &&
	    line[k] != '[' && line[k] != ':'; k++)
		;
	n = k - start;
	if (n == 0 || n >= sizeof(out->program))
		return -1;
	if ((mode & TAG_LETTER) && !((line[start] >= 'a' && line[start] <= 'z') ||
	    (line[start] >= 'A' && line[start] <= 'Z')))
		return -1;
	if (k < len && line[k] == '[') {
		for (ps = ++k; k < len && line[k] >= '0' && line[k] <= '9'; k++)
			;
		pn = k - ps;
		if (pn == 0 || pn >= sizeof(out->pid) || expect(line, len, &k,
		    ']') == -1)
			return -1;
	}
	if (expect(line, len, &k, ':') == -1)
		return -1;
	if ((mode & TAG_SPACE) && k < len && line[k] != ' ')
		return -1;
	if (k < len && line[k] == ' ')
		k++;
	set_str(out->program, sizeof(out->program), line + start, n);
	set_str(out->pid, sizeof(out->pid), line + ps, pn);
	*i = k;
	return 0;
}

/* Solaris: "[ID 800047 auth.info] " before the message. */
static void
solaris_id(struct logrec *out)
{
	const char	*p = out->msg, *dot = NULL;
	size_t		 n = out->msglen, k = 4, f;

	if (n < 8 || memcmp(p, "[ID ", 4) != 0)
		return;
	while (k < n && p[k] >= '0' && p[k] <= '9')
		k++;
	if (k == 4 || k >= n || p[k] != ' ')
		return;
	for (f = ++k; k < n && p[k] != ']' && p[k] != ' '; k++)
		if (p[k] == '.' && dot == NULL)
			dot = p + k;
	if (k >= n || p[k] != ']' || dot == NULL)
		return;
	set_str(out->facility, sizeof(out->facility), p + f,
	    (size_t)(dot - (p + f)));
	set_str(out->severity, sizeof(out->severity), dot + 1,
	    (size_t)(p + k - dot - 1));
	k++;
	if (k < n && p[k] == ' ')
		k++;
	out->msg += k;
	out->msglen -= k;
}

/* RFC 5424 after "<PRI>1 ": "TS HOST APP PROCID MSGID SD MSG". */
static int
parse_5424(const char *line, size_t len, size_t i, time_t ref,
    struct logrec *out)
{
	size_t	 n, k;

	if (i < len && line[i] == '-') {
		out->ts = (int64_t)ref * 1000000;
		i++;
	} else {
		size_t j = 0;

		if (parse_rfc3339(line + i, len - i, &j, &out->ts) == -1)
			return -1;
		i += j;
	}
	if (expect(line, len, &i, ' ') == -1)
		return -1;
	/* HOST, APP, PROCID: "-" is nil. */
	if ((n = token(line, len, i)) == 0 || n >= sizeof(out->host))
		return -1;
	if (!(n == 1 && line[i] == '-'))
		set_str(out->host, sizeof(out->host), line + i, n);
	i += n;
	if (expect(line, len, &i, ' ') == -1 ||
	    (n = token(line, len, i)) == 0 || n > 48)
		return -1;
	if (!(n == 1 && line[i] == '-'))
		set_str(out->program, sizeof(out->program), line + i, n);
	i += n;
	if (expect(line, len, &i, ' ') == -1 ||
	    (n = token(line, len, i)) == 0 || n > 128)
		return -1;
	if (!(n == 1 && line[i] == '-')) {
		for (k = 0; k < n; k++)
			if (line[i + k] < '0' || line[i + k] > '9')
				break;
		if (k == n && n < sizeof(out->pid))
			set_str(out->pid, sizeof(out->pid), line + i, n);
	}
	i += n;
	if (expect(line, len, &i, ' ') == -1 ||
	    (n = token(line, len, i)) == 0 || n > 32)
		return -1;
	if (!(n == 1 && line[i] == '-')) {
		out->msgid.p = line + i;
		out->msgid.n = n;
	}
	i += n;
	if (expect(line, len, &i, ' ') == -1)
		return -1;
	/* Structured data: "-" or [id k="v" ...]... with \] \" \\ escapes. */
	if (i < len && line[i] == '-')
		i++;
	else {
		if (i >= len || line[i] != '[')
			return -1;
		while (i < len && line[i] == '[') {
			for (i++; i < len && line[i] != ']'; i++) {
				if (line[i] == '\\' && i + 1 < len)
					i++;
				else if (line[i] == '"') {
					for (i++; i < len && line[i] != '"';
					    i++)
						if (line[i] == '\\' &&
						    i + 1 < len)
							i++;
					if (i >= len)
						return -1;
				}
			}
			if (expect(line, len, &i, ']') == -1)
				return -1;
		}
	}
	if (i < len && line[i] == ' ')
		i++;
	if (len - i >= 3 && memcmp(line + i, "\xef\xbb\xbf", 3) == 0)
		i += 3;
	out->msg = line + i;
	out->msglen = len - i;
	return 0;
}

int
syslog_parse(const char *line, size_t len, time_t ref, struct logrec *out)
{
	size_t	 i = 0, j, n;
	int	 dated = 1, iso;

	memset(out, 0, sizeof(*out));
	if (line == NULL)
		return -1;
	if (len > 0 && line[0] == '<') {
		if (parse_pri(line, len, &i, out) == -1)
			goto bad;
		if (len - i >= 2 && line[i] == '1' && line[i + 1] == ' ') {
			if (parse_5424(line, len, i + 2, ref, out) == -1)
				goto bad;
			return 0;
		}
		line += i;
		len -= i;
		i = 0;
	}
	iso = len > 4 && line[0] >= '0' && line[0] <= '9' && line[4] == '-';
	if (iso) {
		if (parse_rfc3339(line, len, &i, &out->ts) == -1)
			goto bad;
		/* macOS: "2020-03-23 06:47:42.801612-0700  host" */
		if (line[10] == ' ' && len - i >= 2 && line[i] == ' ' &&
		    line[i + 1] == ' ')
			i++;
	} else if (parse_traditional(line, len, &i, ref, &out->ts) == -1) {
		int	 m;

		for (m = 0; len >= 4 && line[3] == ' ' && m < 12; m++)
			if (memcmp(line, months[m], 3) == 0)
				goto bad;	/* a bad date, not no date */
		dated = 0;
		i = 0;
		out->ts = (int64_t)ref * 1000000;
	}
	if (dated && expect(line, len, &i, ' ') == -1)
		goto bad;
	/* BSD syslogd's "<auth.info> " before the host. */
	if (dated && i < len && line[i] == '<') {
		size_t	 k, dot = 0;

		for (k = i + 1; k < len && k < i + 24 && line[k] != '>'; k++)
			if (line[k] == '.' && dot == 0)
				dot = k;
			else if (!(line[k] >= 'a' && line[k] <= 'z') &&
			    !(line[k] >= '0' && line[k] <= '9'))
				break;
		if (k < len && line[k] == '>' && dot > i + 1 && dot + 1 < k &&
		    k + 1 < len && line[k + 1] == ' ') {
			set_str(out->facility, sizeof(out->facility),
			    line + i + 1, dot - i - 1);
			set_str(out->severity, sizeof(out->severity),
			    line + dot + 1, k - dot - 1);
			i = k + 2;
		}
	}

	/* Header without host: the tag follows the date. */
	j = i;
	if (dated && parse_tag(line, len, &j, out, TAG_SPACE) == 0) {
		i = j;
		goto msg;
	}
	memset(out->program, 0, sizeof(out->program));
	memset(out->pid, 0, sizeof(out->pid));
	/* host */
	n = token(line, len, i);
	if (n == 0 || n >= sizeof(out->host))
		goto bad;
	memcpy(out->host, line + i, n);
	i += n;
	if (expect(line, len, &i, ' ') == -1 ||
	    parse_tag(line, len, &i, out,
	    dated ? 0 : TAG_LETTER | TAG_SPACE) == -1)
		goto bad;
 msg:
	out->msg = line + i;
	out->msglen = len - i;
	solaris_id(out);
	return 0;
 bad:
	memset(out, 0, sizeof(*out));
	return -1;
}

int
addr_parse(const char *a, size_t n, char *ip, size_t ipsz, char *zone,
    size_t zonesz)
{
	char		 buf[INET6_ADDRSTRLEN + 1];
	struct in_addr	 v4;
	struct in6_addr	 v6;
	const char	*r = NULL, *pct;
	size_t		 an = n;

	if (ipsz > 0)
		ip[0] = '\0';
	if (zonesz > 0)
		zone[0] = '\0';
	if (n == 0 || ipsz == 0 || memchr(a, '\0', n) != NULL)
		return -1;
	if ((pct = memchr(a, '%', n)) != NULL)
		an = (size_t)(pct - a);
	if (an == 0 || an >= sizeof(buf))
		return -1;
	memcpy(buf, a, an);
	buf[an] = '\0';
	if (pct == NULL && inet_pton(AF_INET, buf, &v4) == 1)
		r = inet_ntop(AF_INET, &v4, ip, (socklen_t)ipsz);
	else if (inet_pton(AF_INET6, buf, &v6) == 1) {
		size_t	 zn = n - an - (pct != NULL);
		size_t	 k;

		if (pct != NULL) {
			/* A zone id: interface name or number, kept apart. */
			if (zn == 0 || zn >= zonesz)
				return -1;
			for (k = 0; k < zn; k++)
				if (!is_token_char((unsigned char)pct[1 + k]) ||
				    pct[1 + k] == '%')
					return -1;
		}
		if (IN6_IS_ADDR_V4MAPPED(&v6) && pct != NULL)
			r = NULL;	/* a zone on an IPv4 address: no address */
		else if (IN6_IS_ADDR_V4MAPPED(&v6)) {
			memcpy(&v4, &v6.s6_addr[12], sizeof(v4));
			r = inet_ntop(AF_INET, &v4, ip, (socklen_t)ipsz);
		} else
			r = inet_ntop(AF_INET6, &v6, ip, (socklen_t)ipsz);
		if (r != NULL && pct != NULL)
			set_str(zone, zonesz, pct + 1, zn);
	}
	if (r == NULL) {
		ip[0] = '\0';
		if (zonesz > 0)
			zone[0] = '\0';
		return -1;
	}
	return 0;
}
