/*
 * collector/parse_weberr.c - nginx and Apache error logs: basic-auth
 * failures, request limits, and the client of any other error line.
 * Owns no state. Calls addr_parse() and mktime() (dates are local time).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "parse_web.h"
#include "parse_host.h"
#include "parse_util.h"

static void
set_action(struct logrec *r, const char *a)
{
	ls_copy_str(r->action, sizeof(r->action), a);
}

static int
num(const char *p, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* Local broken-down time to µs; -1 when out of range. */
static int
local_us(struct tm *tm, int64_t *us)
{
	time_t	 t;

	if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 ||
	    tm->tm_mday > 31 || tm->tm_hour < 0 || tm->tm_hour > 23 ||
	    tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 ||
	    tm->tm_sec > 60 || tm->tm_year < 70)
		return -1;
	tm->tm_isdst = -1;
	if ((t = mktime(tm)) == (time_t)-1)
		return -1;
	*us = (int64_t)t * 1000000;
	return 0;
}

/* The quoted user at s's start ("U"): the last quote before `tail`. */
static void
quoted_user(struct logrec *r, struct lspan s, size_t end)
{
	if (s.n > 0 && s.p[0] == '"' && end > 1 && end <= s.n &&
	    s.p[end - 1] == '"')
		ls_copy(r->user, sizeof(r->user), ls_sub(s, 1, end - 1));
}

/*
 * nginx's message after "*N ": "text, client: A, server: S[, request: ...]".
 * The first ", client: A, server: " with A an address: the fields follow
 * the message (a client's user name comes before, its request after).
 */
static int
nginx_msg(struct logrec *r, struct lspan s)
{
	struct lspan	 a;
	size_t		 k, e, u;

	for (k = ls_find(s, 0, ", client: "); k != LS_NONE;
	    k = ls_find(s, k + 1, ", client: ")) {
		a = ls_sub(s, k + 10, s.n);
		e = ls_find(a, 0, ", server: ");
		if (e == LS_NONE)
			e = ls_find(a, 0, ", ") == LS_NONE ? a.n : LS_NONE;
		if (e == LS_NONE || ls_tok(a, ',') != e)
			continue;
		if (addr_parse(a.p, e, r->src_ip, sizeof(r->src_ip),
		    r->src_zone, sizeof(r->src_zone)) == 0)
			break;
	}
	if (k == LS_NONE)
		return -1;
	s.n = k;
	if (ls_eat(&s, "user ")) {
		if ((u = ls_find(s, 0, "\" was not found in \"")) != LS_NONE ||
		    ((u = ls_find(s, 0, "\": password mismatch")) != LS_NONE &&
		    u + strlen("\": password mismatch") == s.n)) {
			quoted_user(r, s, u + 1);
			set_action(r, "http_auth_fail");
			return 0;
		}
	}
	if (ls_starts(s, "no user/password was provided for basic "
	    "authentication")) {
		set_action(r, "http_auth_fail");
		return 0;
	}
	if (ls_starts(s, "limiting requests, ") ||
	    ls_starts(s, "limiting connections by zone ")) {
		set_action(r, "rate_limited");
		return 0;
	}
	set_action(r, "http_error");
	return 0;
}

/* An nginx error message inside syslog (program "nginx"). */
static int
nginx_error_msg(struct logrec *r, struct lspan s)
{
	size_t	 k;

	/* "[error] PID#TID: *CID text" with or without the date. */
	if (s.n > 20 && s.p[4] == '/' && s.p[10] == ' ')
		s = ls_sub(s, 20, s.n);
	if (ls_eat(&s, "[")) {
		if ((k = ls_find(s, 0, "] ")) == LS_NONE)
			return -1;
		ls_copy(r->severity, sizeof(r->severity), ls_sub(s, 0, k));
		s = ls_sub(s, k + 2, s.n);
		if ((k = ls_find(s, 0, ": ")) == LS_NONE)
			return -1;
		s = ls_sub(s, k + 2, s.n);
	}
	if (ls_eat(&s, "*")) {
		k = ls_tok(s, '\0');
		s = ls_sub(s, k < s.n ? k + 1 : k, s.n);
	}
	return nginx_msg(r, s);
}

/* Apache after the date: "[mod:level] [pid N[:tid M]] [client A[:P]] text" */
static int
apache_msg(struct logrec *r, struct lspan s)
{
	struct lspan	 a;
	size_t		 k, c;

	while (ls_starts(s, "[") && !ls_starts(s, "[client ")) {
		if ((k = ls_find(s, 0, "] ")) == LS_NONE)
			return -1;
		a = ls_sub(s, 1, k);
		if ((c = ls_find(a, 0, ":")) != LS_NONE && !ls_starts(a,
		    "pid "))
			a = ls_sub(a, c + 1, a.n);
		if (!ls_starts(a, "pid "))
			ls_copy(r->severity, sizeof(r->severity), a);
		s = ls_sub(s, k + 2, s.n);
	}
	/* An APR error first: "(70014)End of file found: [client ..." */
	if (ls_starts(s, "(") && (k = ls_find(s, 0, ": [client ")) != LS_NONE)
		s = ls_sub(s, k + 2, s.n);
	if (!ls_eat(&s, "[client ") || (k = ls_find(s, 0, "] ")) == LS_NONE)
		return -1;
	a = ls_sub(s, 0, k);
	s = ls_sub(s, k + 2, s.n);
	/* "A", "A:P" (IPv4), "[v6]:P" or "v6:P" (2.4 prints it bare) */
	if (ls_starts(a, "[") && (c = ls_find(a, 0, "]:")) != LS_NONE) {
		(void)addr_parse(a.p + 1, c - 1, r->src_ip, sizeof(r->src_ip),
		    r->src_zone, sizeof(r->src_zone));
		ls_copy(r->src_port, sizeof(r->src_port), ls_sub(a, c + 2,
		    a.n));
	} else if (addr_parse(a.p, a.n, r->src_ip, sizeof(r->src_ip),
	    r->src_zone, sizeof(r->src_zone)) == -1) {
		for (c = a.n; c > 0 && a.p[c - 1] != ':'; c--)
			;
		if (c > 1 && c < a.n && a.n - c <= 5 && ls_num(ls_sub(a, c,
		    a.n), &k) >= 0 && k == a.n - c &&
		    addr_parse(a.p, c - 1, r->src_ip, sizeof(r->src_ip),
		    r->src_zone, sizeof(r->src_zone)) == 0)
			ls_copy(r->src_port, sizeof(r->src_port),
			    ls_sub(a, c, a.n));
	}
	if (ls_starts(s, "AH") && (k = ls_find(s, 0, ": ")) != LS_NONE &&
	    k <= 8) {
		r->msgid = ls_sub(s, 0, k);
		s = ls_sub(s, k + 2, s.n);
	}
	if (ls_eat(&s, "user ")) {
		/* "U not found: /path", "U: authentication failure for ..." */
		if ((k = ls_find(s, 0, ": authentication failure for "))
		    != LS_NONE || (k = ls_find(s, 0, " not found: ")) !=
		    LS_NONE) {
			ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, k));
			set_action(r, "http_auth_fail");
			return 0;
		}
	}
	set_action(r, "http_error");
	return 0;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static enum parse_result
weberr_done(struct logrec *r, const char *line, size_t len, time_t ref,
    int64_t us, struct parse_buf *pb, struct event *ev, const char *svc,
    int ok)
{
	event_clear(ev);
	if (!ok) {
		memset(r, 0, sizeof(*r));
		us = (int64_t)ref * 1000000;
	}
	r->ts = us;
	ls_copy_str(r->service, sizeof(r->service), svc);
	ls_copy_str(r->program, sizeof(r->program), svc);
	r->msg = line;
	r->msglen = len;
	parse_rec_event(pb, ev);
	return ok ? PARSE_RECOGNISED : PARSE_NO_HEADER;
}

/* "2023/01/01 12:00:00 [error] 123#123: *5 ..." */
enum parse_result
weberr_nginx(const char *line, size_t len, time_t ref, struct parse_buf *pb,
    struct event *ev)
{
	struct logrec	*r = &pb->rec;
	struct tm	 tm;
	int64_t		 us = 0;
	int		 ok;

	memset(r, 0, sizeof(*r));
	memset(&tm, 0, sizeof(tm));
	ok = len > 20 && line[4] == '/' && line[7] == '/' && line[10] == ' ' &&
	    line[13] == ':' && line[16] == ':' && line[19] == ' ' &&
	    (tm.tm_year = num(line, 4) - 1900) >= 70 &&
	    (tm.tm_mon = num(line + 5, 2) - 1) >= 0 &&
	    (tm.tm_mday = num(line + 8, 2)) >= 0 &&
	    (tm.tm_hour = num(line + 11, 2)) >= 0 &&
	    (tm.tm_min = num(line + 14, 2)) >= 0 &&
	    (tm.tm_sec = num(line + 17, 2)) >= 0 &&
	    local_us(&tm, &us) == 0 &&
	    nginx_error_msg(r, ls_make(line, len)) == 0;
	return weberr_done(r, line, len, ref, us, pb, ev, "nginx", ok);
}

/* "[Wed Oct 11 14:32:52[.123456] 2000] ..." */
enum parse_result
weberr_apache(const char *line, size_t len, time_t ref, struct parse_buf *pb,
    struct event *ev)
{
	struct logrec	*r = &pb->rec;
	struct lspan	 s = ls_make(line, len);
	struct tm	 tm;
	int64_t		 us = 0;
	size_t		 k;
	int		 ok = 0, mon;

	memset(r, 0, sizeof(*r));
	memset(&tm, 0, sizeof(tm));
	if (len > 26 && line[0] == '[' && line[4] == ' ' && line[8] == ' ' &&
	    line[11] == ' ' && line[14] == ':' && line[17] == ':' &&
	    (k = ls_find(s, 0, "] ")) != LS_NONE && k >= 25 && k <= 32) {
		for (mon = 0; mon < 12; mon++)
			if (memcmp(months + 3 * mon, line + 5, 3) == 0)
				break;
		tm.tm_mon = mon;
		tm.tm_mday = line[9] == ' ' ? num(line + 10, 1) :
		    num(line + 9, 2);
		tm.tm_hour = num(line + 12, 2);
		tm.tm_min = num(line + 15, 2);
		tm.tm_sec = num(line + 18, 2);
		tm.tm_year = num(line + k - 4, 4) - 1900;
		ok = mon < 12 && line[k - 5] == ' ' &&
		    local_us(&tm, &us) == 0 &&
		    apache_msg(r, ls_sub(s, k + 2, s.n)) == 0;
	}
	return weberr_done(r, line, len, ref, us, pb, ev, "apache", ok);
}

int
weberr_syslog(struct logrec *r, int apache)
{
	struct lspan	 s = ls_make(r->msg, r->msglen);

	if (r->msg == NULL)
		return -1;
	if (apache) {
		if (ls_starts(s, "[") && (s.n < 25 || s.p[4] != ' '))
			return apache_msg(r, s);
		return -1;
	}
	return nginx_error_msg(r, s);
}
