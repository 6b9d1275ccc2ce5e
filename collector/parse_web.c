/*
 * collector/parse_web.c - nginx and Apache access lines, through a format
 * compiled once into literals and variables (nginx's log_format syntax).
 * Owns the compiled nginx format (set at start). Calls addr_parse().
 */
#include <stdio.h>
#include <string.h>

#include "parse_web.h"
#include "parse_util.h"

enum wvar {
	W_SKIP, W_ADDR, W_USER, W_TIME, W_REQUEST, W_STATUS, W_BYTES,
	W_REFERER, W_AGENT, W_HOST, W_METHOD, W_URI
};

static const struct {
	const char	*name;
	enum wvar	 var;
} wvars[] = {
	{ "remote_addr", W_ADDR }, { "remote_user", W_USER },
	{ "time_local", W_TIME }, { "request", W_REQUEST },
	{ "status", W_STATUS }, { "body_bytes_sent", W_BYTES },
	{ "bytes_sent", W_BYTES }, { "http_referer", W_REFERER },
	{ "http_user_agent", W_AGENT }, { "host", W_HOST },
	{ "server_name", W_HOST }, { "request_method", W_METHOD },
	{ "request_uri", W_URI }, { "uri", W_URI },
};

#define WF_ITEMS	32
#define WF_TEXT		512

/* Alternating literal, variable, literal, ...: lit[i] precedes var[i]. */
struct wformat {
	int		 n;			/* variables */
	enum wvar	 var[WF_ITEMS];
	struct lspan	 lit[WF_ITEMS + 1];	/* into text */
	char		 text[WF_TEXT];
};

static const char fmt_combined[] = "$remote_addr - $remote_user [$time_local] "
    "\"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\"";
static const char fmt_common[] = "$remote_addr - $remote_user [$time_local] "
    "\"$request\" $status $body_bytes_sent";
static const char fmt_apache_vhost[] = "$host:$server_port $remote_addr "
    "$ident $remote_user [$time_local] \"$request\" $status "
    "$body_bytes_sent \"$http_referer\" \"$http_user_agent\"";
static const char fmt_apache_combined[] = "$remote_addr $ident $remote_user "
    "[$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\"";
static const char fmt_apache_common[] = "$remote_addr $ident $remote_user "
    "[$time_local] \"$request\" $status $body_bytes_sent";

/* Lines with the virtual host first ("$host $remote_addr ..."). */
static const char fmt_vhost[] = "$host $remote_addr - $remote_user "
    "[$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\"";
static const char fmt_vhost_port[] = "$host:$server_port $remote_addr - "
    "$remote_user [$time_local] \"$request\" $status $body_bytes_sent "
    "\"$http_referer\" \"$http_user_agent\"";
static const char fmt_apache_vhost_only[] = "$host $remote_addr $ident "
    "$remote_user [$time_local] \"$request\" $status $body_bytes_sent "
    "\"$http_referer\" \"$http_user_agent\"";
/* No ident column ("$remote_addr - [$time_local] ..."). */
static const char fmt_noident[] = "$remote_addr - [$time_local] "
    "\"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\"";

static struct wformat	 f_nginx, f_common, f_avhost, f_acombined, f_acommon;
static struct wformat	 f_vhost, f_vhost_port, f_avhost_only, f_noident;
static struct wformat	 f_combined;
static int		 compiled;

static int
var_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Compiles nginx log_format text. Returns 0 or -1 with err. */
static int
wf_compile(struct wformat *f, const char *fmt, char *err, size_t errlen)
{
	size_t	 len = strlen(fmt), i = 0, t = 0, s, k, n;
	int	 braced;

	memset(f, 0, sizeof(*f));
	if (len >= WF_TEXT) {
		snprintf(err, errlen, "longer than %d bytes", WF_TEXT - 1);
		return -1;
	}
	f->lit[0].p = f->text;
	while (i < len) {
		if (fmt[i] != '$') {
			f->text[t++] = fmt[i++];
			f->lit[f->n].n++;
			continue;
		}
		braced = i + 1 < len && fmt[i + 1] == '{';
		s = i + 1 + braced;
		for (k = s; k < len && var_char(fmt[k]); k++)
			;
		if (k == s || (braced && (k >= len || fmt[k] != '}'))) {
			snprintf(err, errlen, "bad variable at byte %zu", i);
			return -1;
		}
		if (f->n > 0 && f->lit[f->n].n == 0) {
			snprintf(err, errlen, "two variables with nothing "
			    "between them at byte %zu", i);
			return -1;
		}
		if (f->n == WF_ITEMS) {
			snprintf(err, errlen, "more than %d variables",
			    WF_ITEMS);
			return -1;
		}
		f->var[f->n] = W_SKIP;
		for (n = 0; n < sizeof(wvars) / sizeof(wvars[0]); n++)
			if (strlen(wvars[n].name) == k - s &&
			    memcmp(wvars[n].name, fmt + s, k - s) == 0)
				f->var[f->n] = wvars[n].var;
		f->n++;
		f->lit[f->n].p = f->text + t;
		i = k + braced;
	}
	return 0;
}

static void
web_init(void)
{
	char	 err[128];

	if (compiled)
		return;
	if (f_nginx.n == 0)
		(void)wf_compile(&f_nginx, fmt_combined, err, sizeof(err));
	(void)wf_compile(&f_combined, fmt_combined, err, sizeof(err));
	(void)wf_compile(&f_common, fmt_common, err, sizeof(err));
	(void)wf_compile(&f_avhost, fmt_apache_vhost, err, sizeof(err));
	(void)wf_compile(&f_acombined, fmt_apache_combined, err, sizeof(err));
	(void)wf_compile(&f_acommon, fmt_apache_common, err, sizeof(err));
	(void)wf_compile(&f_vhost, fmt_vhost, err, sizeof(err));
	(void)wf_compile(&f_vhost_port, fmt_vhost_port, err, sizeof(err));
	(void)wf_compile(&f_avhost_only, fmt_apache_vhost_only, err,
	    sizeof(err));
	(void)wf_compile(&f_noident, fmt_noident, err, sizeof(err));
	compiled = 1;
}

int
parse_nginx_format(const char *fmt, char *err, size_t errlen)
{
	struct wformat	 f;

	if (fmt == NULL)
		fmt = fmt_combined;
	if (wf_compile(&f, fmt, err, errlen) == -1)
		return -1;
	if (f.n == 0) {
		snprintf(err, errlen, "no variable");
		return -1;
	}
	f_nginx = f;
	/* lit spans point into f's text: move them to f_nginx's. */
	{
		int	 i;

		for (i = 0; i <= f_nginx.n; i++)
			f_nginx.lit[i].p = f_nginx.text + (f.lit[i].p - f.text);
	}
	return 0;
}

/* The first `lit` at or after `from` not escaped by a backslash. */
static size_t
find_lit(struct lspan s, size_t from, struct lspan lit)
{
	size_t	 i;

	if (lit.n > s.n)
		return LS_NONE;
	for (i = from; i + lit.n <= s.n; i++) {
		if (s.p[i] != lit.p[0] || memcmp(s.p + i, lit.p, lit.n) != 0)
			continue;
		if (lit.p[0] == '"' && i > from && s.p[i - 1] == '\\') {
			size_t	 b = 0;

			while (i - b > from && s.p[i - b - 1] == '\\')
				b++;
			if (b % 2 == 1)
				continue;
		}
		return i;
	}
	return LS_NONE;
}

/*
 * Matches line against f: val[i] gets variable i's text. The last
 * literal may be followed by more text (fields appended to a format).
 */
static int
wf_match(const struct wformat *f, struct lspan line, struct lspan *val)
{
	size_t	 i = 0, e;
	int	 v;

	if (line.n < f->lit[0].n || memcmp(line.p, f->lit[0].p, f->lit[0].n))
		return -1;
	i = f->lit[0].n;
	for (v = 0; v < f->n; v++) {
		if (f->lit[v + 1].n == 0)
			e = line.n;		/* the last variable: the rest */
		else if ((e = find_lit(line, i, f->lit[v + 1])) == LS_NONE)
			return -1;
		val[v] = ls_sub(line, i, e);
		i = e + f->lit[v + 1].n;
	}
	return 0;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
dig(const char *p, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* "10/Oct/2000:13:55:36 -0700" to µs UTC; -1 when malformed. */
static int
web_time(struct lspan s, int64_t *us)
{
	const char	*p = s.p, *m;
	int		 d, mon, y, h, mi, se, oh, om;
	int64_t		 t;

	if (s.n != 26 || p[2] != '/' || p[6] != '/' || p[11] != ':' ||
	    p[14] != ':' || p[17] != ':' || p[20] != ' ' ||
	    (p[21] != '+' && p[21] != '-'))
		return -1;
	for (m = months, mon = 1; mon <= 12; mon++, m += 3)
		if (memcmp(m, p + 3, 3) == 0)
			break;
	if (mon > 12 || (d = dig(p, 2)) < 1 || d > 31 ||
	    (y = dig(p + 7, 4)) < 1970 || (h = dig(p + 12, 2)) < 0 || h > 23 ||
	    (mi = dig(p + 15, 2)) < 0 || mi > 59 ||
	    (se = dig(p + 18, 2)) < 0 || se > 60 ||
	    (oh = dig(p + 22, 2)) < 0 || oh > 23 ||
	    (om = dig(p + 24, 2)) < 0 || om > 59)
		return -1;
	t = days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 + se;
	t -= (p[21] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	*us = t * 1000000;
	return 0;
}

static void
ev_span(struct event *ev, enum ev_field f, struct lspan s)
{
	if (s.n == 1 && s.p[0] == '-')
		return;
	ev->f[f].v = s.p;
	ev->f[f].len = s.n;
}

/* "METHOD URL[ PROTO]": a method is upper-case letters. */
static void
web_request(struct event *ev, struct lspan r)
{
	size_t	 m, u, k;

	for (m = 0; m < r.n && r.p[m] >= 'A' && r.p[m] <= 'Z'; m++)
		;
	if (m == 0 || m > 16 || m >= r.n || r.p[m] != ' ')
		return;
	r = ls_sub(r, m + 1, r.n);
	for (u = 0; u < r.n && r.p[u] != ' '; u++)
		;
	if (u == 0)
		return;
	for (k = u; k < r.n; k++)
		if ((unsigned char)r.p[k] < 0x20)
			return;
	ev->f[EV_HTTP_METHOD].v = r.p - m - 1;
	ev->f[EV_HTTP_METHOD].len = m;
	ev->f[EV_URL].v = r.p;
	ev->f[EV_URL].len = u;
}

/* The matched values into ev; -1 when a checked value is malformed. */
static int
web_fill(const struct wformat *f, struct lspan *val, struct parse_buf *pb,
    struct event *ev, const char *service, int64_t *ts)
{
	struct logrec	*r = &pb->rec;
	int64_t		 us = 0;
	int		 v, have_ts = 0;
	long		 n;
	size_t		 used;

	for (v = 0; v < f->n; v++) {
		struct lspan	 s = val[v];

		switch (f->var[v]) {
		case W_ADDR:
			if (ls_tok(s, '\0') != s.n)
				return -1;
			(void)addr_parse(s.p, s.n, r->src_ip,
			    sizeof(r->src_ip), r->src_zone,
			    sizeof(r->src_zone));
			break;
		case W_USER:
			ev_span(ev, EV_USER, s);
			break;
		case W_TIME:
			if (web_time(s, &us) == -1)
				return -1;
			have_ts = 1;
			break;
		case W_REQUEST:
			web_request(ev, s);
			break;
		case W_STATUS:
			if (s.n != 3 || (n = ls_num(s, &used)) < 100 ||
			    used != 3)
				return -1;
			ls_copy(pb->status, sizeof(pb->status), s);
			break;
		case W_BYTES:
			if (s.n == 1 && s.p[0] == '-')
				break;
			if (ls_num(s, &used) < 0 || used != s.n)
				return -1;
			ls_copy(pb->bytes, sizeof(pb->bytes), s);
			break;
		case W_REFERER:
			ev_span(ev, EV_REFERRER, s);
			break;
		case W_AGENT:
			ev_span(ev, EV_USER_AGENT, s);
			break;
		case W_HOST:
			if (ls_tok(s, '\0') != s.n)
				return -1;
			ev_span(ev, EV_HTTP_HOSTNAME, s);
			break;
		case W_METHOD:
			ev_span(ev, EV_HTTP_METHOD, s);
			break;
		case W_URI:
			ev_span(ev, EV_URL, s);
			break;
		case W_SKIP:
			break;
		}
	}
	event_set(ev, EV_KIND, "log");
	event_set(ev, EV_ACTION, "http_request");
	event_set(ev, EV_SERVICE, service);
	event_set(ev, EV_PROGRAM, service);
	event_set(ev, EV_SRC_IP, r->src_ip);
	event_set(ev, EV_SRC_ZONE, r->src_zone);
	event_set(ev, EV_STATUS, pb->status);
	event_set(ev, EV_BYTES_TOCLIENT, pb->bytes);
	*ts = have_ts ? us : -1;
	return 0;
}

static enum parse_result
web_try(const struct wformat *const *fs, const char *line, size_t len,
    time_t ref, struct parse_buf *pb, struct event *ev, const char *service)
{
	struct lspan	 val[WF_ITEMS];
	struct lspan	 l = ls_make(line, len);
	int64_t		 ts;
	int		 i, pass, first = -1;

	/*
	 * The first format that fits and gives an address; else the first
	 * that fits ("www.example.com 1.2.3.4 - - [...]" fits combined with
	 * the host name as client, and the vhost format with 1.2.3.4).
	 */
	web_init();
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; fs[i] != NULL; i++) {
			if (pass == 1 && i != first)
				continue;
			pb->rec.src_ip[0] = pb->rec.src_zone[0] = '\0';
			pb->status[0] = pb->bytes[0] = '\0';
			event_clear(ev);
			if (wf_match(fs[i], l, val) == -1 ||
			    web_fill(fs[i], val, pb, ev, service, &ts) == -1)
				continue;
			if (pass == 0 && pb->rec.src_ip[0] == '\0') {
				if (first == -1)
					first = i;
				continue;
			}
			ev->f[EV_TS].v = pb->ts;
			ev->f[EV_TS].len = parse_ts(pb, ts != -1 ? ts :
			    (int64_t)ref * 1000000);
			ev->f[EV_LINE].v = line;
			ev->f[EV_LINE].len = len;
			return PARSE_RECOGNISED;
		}
		if (first == -1)
			break;
	}
	event_clear(ev);
	event_set(ev, EV_KIND, "log");
	event_set(ev, EV_SERVICE, service);
	ev->f[EV_TS].v = pb->ts;
	ev->f[EV_TS].len = parse_ts(pb, (int64_t)ref * 1000000);
	ev->f[EV_LINE].v = line;
	ev->f[EV_LINE].len = len;
	return PARSE_NO_HEADER;
}

enum parse_result
web_nginx(const char *line, size_t len, time_t ref, struct parse_buf *pb,
    struct event *ev)
{
	const struct wformat *fs[] = { &f_nginx, &f_combined, &f_common,
	    &f_vhost_port, &f_vhost, &f_noident, NULL };

	web_init();
	return web_try(fs, line, len, ref, pb, ev, "nginx");
}

enum parse_result
web_apache(const char *line, size_t len, time_t ref, struct parse_buf *pb,
    struct event *ev)
{
	const struct wformat *fs[] = { &f_avhost, &f_acombined, &f_acommon,
	    &f_avhost_only, NULL };

	web_init();
	return web_try(fs, line, len, ref, pb, ev, "apache");
}
