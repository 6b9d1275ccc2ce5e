/*
 * collector/parse_syslog.c - parse the header of a syslog file line.
 * Owns no state: fills a caller's struct logrec (dates, host, tag, message).
 * Called by the log tailer and the tests; calls only libc (mktime, timegm).
 */

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
	if (*i >= len || (p[*i] != 'T' && p[*i] != 't'))
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

int
syslog_parse(const char *line, size_t len, time_t ref, struct logrec *out)
{
	size_t	 i = 0, start, n;

	memset(out, 0, sizeof(*out));
	if (line == NULL)
		return -1;
	if (len > 0 && line[0] >= '0' && line[0] <= '9') {
		if (parse_rfc3339(line, len, &i, &out->ts) == -1)
			goto bad;
	} else if (parse_traditional(line, len, &i, ref, &out->ts) == -1)
		goto bad;

	/* host */
	if (expect(line, len, &i, ' ') == -1)
		goto bad;
	for (start = i; i < len && is_token_char(line[i]); i++)
		;
	n = i - start;
	if (n == 0 || n >= sizeof(out->host))
		goto bad;
	memcpy(out->host, line + start, n);
	if (expect(line, len, &i, ' ') == -1)
		goto bad;

	/* tag: program[pid]: */
	for (start = i; i < len && is_token_char(line[i]) &&
	    line[i] != '[' && line[i] != ':'; i++)
		;
	n = i - start;
	if (n == 0 || n >= sizeof(out->program))
		goto bad;
	memcpy(out->program, line + start, n);
	if (i < len && line[i] == '[') {
		for (start = ++i; i < len && line[i] >= '0' && line[i] <= '9';
		    i++)
			;
		n = i - start;
		if (n == 0 || n >= sizeof(out->pid) ||
		    expect(line, len, &i, ']') == -1)
			goto bad;
		memcpy(out->pid, line + start, n);
	}
	if (expect(line, len, &i, ':') == -1)
		goto bad;
	if (i < len && line[i] == ' ')
		i++;
	out->msg = line + i;
	out->msglen = len - i;
	return 0;
 bad:
	memset(out, 0, sizeof(*out));
	return -1;
}
