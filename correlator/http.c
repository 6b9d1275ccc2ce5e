/*
 * correlator/http.c - serve the web view, /api/v1 and /healthz with evhttp.
 * Owns the server thread, its event_base, listener and Redis connection.
 * Reads the state through core/report.c, changes incidents through
 * core/incident.c; files from conf->web_root.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "conf.h"
#include "daytime.h"
#include "http.h"
#include "incident.h"
#include "log.h"
#include "redis.h"
#include "report.h"

#define URI_MAX		2048	/* longest request target accepted */
#define HEADERS_MAX	8192	/* request line and headers */
#define BODY_MAX	32768	/* a change's JSON: a 4 KiB note, escaped */
#define BODY_LIMIT	(4 * BODY_MAX)	/* past it, evhttp's own 413 */
#define PARAM_MAX	8	/* query parameters */
#define PARAM_LEN	64	/* bytes of one decoded name or value */
#define STATIC_MAX	(4 * 1024 * 1024)
#define TOKEN_MIN	16
#define TOKEN_MAX	1024
#define REDIS_TIMEOUT_MS 250	/* connect, and each command */
#define REDIS_BACKOFF_MS 1000	/* after a failure, 503 at once that long */
#define CONN_MAX	256	/* connections served at once, */
#define CONN_FD_SHARE	2	/* and at most 1/2 of RLIMIT_NOFILE */
#define HEADER_COUNT_MAX 64	/* header lines in a request */
#define HEADER_S	10	/* a request header must be complete by then */
#define IO_TIMEOUT_S	15	/* evhttp's per-read and per-write timeout */
#define ACCEPT_PAUSE_MS	200	/* accepting paused after accept() fails */
#define LIST_DEFAULT	500
#define LIST_MAX	5000
#define DAYS_DEFAULT	30

#define CSP_PAGE	"default-src 'self'; base-uri 'none'; " \
			"form-action 'none'; frame-ancestors 'none'; " \
			"object-src 'none'"
#define CSP_API		"default-src 'none'; frame-ancestors 'none'"

/*
 * A connection the server holds: the bufferevent it made for evhttp (with
 * a reference of ours, so that the pointer stays valid after evhttp freed
 * the connection) and the time by which its next request header must be
 * complete.
 */
struct conn {
	struct bufferevent	*bev;
	struct timespec		 deadline;
};

struct httpd {
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*listener;
	struct event		*wake;
	struct event		*tick;		/* every second: deadlines */
	struct event		*resume;	/* accepting again */
	struct conn		 conns[CONN_MAX];
	size_t			 nconns;
	size_t			 conn_cap;	/* <= CONN_MAX */
	unsigned long		 evicted;	/* closed at the cap */
	unsigned long		 expired;	/* header deadline passed */
	unsigned long		 accept_errors;
	int			 accept_logged;
	int			 wakefd[2];	/* httpd_stop() wakes the loop */
	pthread_t		 thread;
	int			 running;
	int			 port;

	char			*redis_addr;
	char			*prefix;
	char			*web_root;	/* NULL: no pages */
	char			*token;		/* NULL: none configured */
	int			 loopback;

	redisContext		*redis;		/* NULL: to reconnect */
	struct timespec		 redis_next;	/* not before */
};

struct param {
	char	 name[PARAM_LEN];
	char	 value[PARAM_LEN];
};

struct query {
	struct param	 p[PARAM_MAX];
	size_t		 n;
};

/* The files of the web view: the only names ever opened. */
static const struct {
	const char	*path;
	const char	*file;
	const char	*type;
} static_files[] = {
	{ "/", "index.html", "text/html; charset=utf-8" },
	{ "/index.html", "index.html", "text/html; charset=utf-8" },
	{ "/app.js", "app.js", "text/javascript; charset=utf-8" },
	{ "/style.css", "style.css", "text/css; charset=utf-8" },
};

static void	 httpd_free(struct httpd *);

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes s[0..len) (%XX, and '+' as a space when `plus`) into out.
 * Returns 0, or -1 on a bad escape, a control character (NUL included)
 * or when it does not fit.
 */
static int
uri_decode(const char *s, size_t len, int plus, char *out, size_t outlen)
{
	size_t	 i, k = 0;
	int	 hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = hexval(s[i + 1])) == -1 ||
			    (lo = hexval(s[i + 2])) == -1)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (k + 1 >= outlen)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return 0;
}

/* Splits and decodes "a=1&b=2". Returns 0, or -1 if malformed. */
static int
query_parse(const char *q, struct query *out)
{
	const char	*amp, *eq, *end;

	out->n = 0;
	if (q == NULL)
		return 0;
	while (*q != '\0') {
		amp = strchr(q, '&');
		end = amp != NULL ? amp : q + strlen(q);
		if (end > q) {
			if (out->n == PARAM_MAX)
				return -1;
			eq = memchr(q, '=', (size_t)(end - q));
			if (eq == NULL)
				eq = end;
			if (uri_decode(q, (size_t)(eq - q), 1,
			    out->p[out->n].name, PARAM_LEN) == -1)
				return -1;
			if (uri_decode(eq < end ? eq + 1 : end,
			    eq < end ? (size_t)(end - eq - 1) : 0, 1,
			    out->p[out->n].value, PARAM_LEN) == -1)
				return -1;
			out->n++;
		}
		if (amp == NULL)
			break;
		q = amp + 1;
	}
	return 0;
}

/*
 * The value of parameter `name`, NULL if absent. Sets *dup when it is
 * given twice (which the API refuses).
 */
static const char *
query_get(const struct query *q, const char *name, int *dup)
{
	const char	*v = NULL;
	size_t		 i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->p[i].name, name) == 0) {
			if (v != NULL)
				*dup = 1;
			v = q->p[i].value;
		}
	return v;
}

static void
headers_common(struct evhttp_request *req, const char *type, int api)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Cross-Origin-Resource-Policy", "same-origin");
	evhttp_add_header(h, "Content-Security-Policy",
	    api ? CSP_API : CSP_PAGE);
	evhttp_add_header(h, "Cache-Control", api ? "no-store" : "no-cache");
}

static void
reply_buf(struct evhttp_request *req, int code, const char *reason,
    struct evbuffer *body)
{
	/* HEAD: same headers and length, no body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD && body != NULL) {
		char	 len[32];

		snprintf(len, sizeof(len), "%zu", evbuffer_get_length(body));
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Length", len);
		evbuffer_drain(body, evbuffer_get_length(body));
	}
	evhttp_send_reply(req, code, reason, body);
}

static void
reply_text(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evbuffer	*b;

	headers_common(req, "text/plain; charset=utf-8", 1);
	if ((b = evbuffer_new()) == NULL ||
	    evbuffer_add_printf(b, "%s\n", text) == -1) {
		if (b != NULL)
			evbuffer_free(b);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	reply_buf(req, code, reason, b);
	evbuffer_free(b);
}

/* Steals `j`. */
static void
reply_json(struct evhttp_request *req, int code, const char *reason,
    json_t *j)
{
	struct evbuffer	*b;
	char		*s;

	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		log_warnx("%s: out of memory", __func__);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	json_decref(j);
	headers_common(req, "application/json; charset=utf-8", 1);
	if ((b = evbuffer_new()) == NULL || evbuffer_add(b, s, strlen(s)) ==
	    -1 || evbuffer_add(b, "\n", 1) == -1) {
		if (b != NULL)
			evbuffer_free(b);
		free(s);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	free(s);
	reply_buf(req, code, reason, b);
	evbuffer_free(b);
}

static void
reply_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	reply_json(req, code, reason, json_pack("{s:s}", "error", msg));
}

/* 1 when sa is a loopback address (127/8, ::1, ::ffff:127/104). */
static int
sockaddr_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) &&
		    s6->sin6_addr.s6_addr[12] == 127);
	return 0;
}

/* 1 when the Host header names this machine's loopback. */
static int
host_loopback(const char *host)
{
	char		 name[256];
	const char	*end;
	struct in_addr	 a4;
	struct in6_addr	 a6;
	size_t		 len;

	if (host[0] == '[') {
		if ((end = strchr(host, ']')) == NULL ||
		    (end[1] != '\0' && end[1] != ':'))
			return 0;
		len = (size_t)(end - host - 1);
		if (len >= sizeof(name))
			return 0;
		memcpy(name, host + 1, len);
		name[len] = '\0';
		return inet_pton(AF_INET6, name, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	}
	end = strchr(host, ':');
	len = end != NULL ? (size_t)(end - host) : strlen(host);
	if (len >= sizeof(name))
		return 0;
	memcpy(name, host, len);
	name[len] = '\0';
	if (strcasecmp(name, "localhost") == 0)
		return 1;
	return inet_pton(AF_INET, name, &a4) == 1 &&
	    (ntohl(a4.s_addr) >> 24) == 127;
}

static int
header_count(struct evhttp_request *req, const char *name)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	int			 n = 0;

	TAILQ_FOREACH(kv, in, next)
		if (name == NULL || strcasecmp(kv->key, name) == 0)
			n++;
	return n;
}

/* Compares without leaking where the first difference is. */
static int
token_equal(const char *a, const char *b)
{
	size_t		 la = strlen(a), lb = strlen(b), i;
	unsigned char	 d = la != lb;

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}

/*
 * Reads are open on loopback (with a Host check against DNS rebinding),
 * and need the bearer token elsewhere. Returns 1, or 0 after replying.
 */
static int
httpd_authorized(struct httpd *h, struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*auth, *host;

	if (h->loopback) {
		host = evhttp_find_header(in, "Host");
		if (host != NULL && !host_loopback(host)) {
			reply_error(req, 403, "Forbidden",
			    "Host is not a loopback name");
			return 0;
		}
		return 1;
	}
	auth = evhttp_find_header(in, "Authorization");
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0 &&
	    token_equal(auth + 7, h->token))
		return 1;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer realm=\"vigie\"");
	reply_error(req, 401, "Unauthorized", "bearer token required");
	return 0;
}

/*
 * Writes need the bearer token wherever the server listens, and one must
 * be configured; on loopback the Host check of reads applies first.
 * Returns 1, or 0 after replying.
 */
static int
httpd_write_authorized(struct httpd *h, struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	const char		*auth, *host;

	if (h->loopback && (host = evhttp_find_header(in, "Host")) != NULL &&
	    !host_loopback(host)) {
		reply_error(req, 403, "Forbidden", "Host is not a loopback name");
		return 0;
	}
	if (h->token == NULL) {
		reply_error(req, 403, "Forbidden", "writes need a bearer token "
		    "and none is configured: set http-token-file in "
		    "[correlator]");
		return 0;
	}
	auth = evhttp_find_header(in, "Authorization");
	if (header_count(req, "Authorization") == 1 && auth != NULL &&
	    strncasecmp(auth, "Bearer ", 7) == 0 &&
	    token_equal(auth + 7, h->token))
		return 1;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", "Bearer realm=\"vigie\"");
	reply_error(req, 401, "Unauthorized", "bearer token required");
	return 0;
}

/* The server's Redis connection, reconnecting at most once a second. */
static redisContext *
httpd_redis(struct httpd *h)
{
	struct timespec	 now;

	if (h->redis != NULL && h->redis->err == 0)
		return h->redis;
	if (h->redis != NULL) {
		redisFree(h->redis);
		h->redis = NULL;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return NULL;
	if (now.tv_sec < h->redis_next.tv_sec ||
	    (now.tv_sec == h->redis_next.tv_sec &&
	    now.tv_nsec < h->redis_next.tv_nsec))
		return NULL;
	h->redis_next = now;
	h->redis_next.tv_sec += REDIS_BACKOFF_MS / 1000;
	h->redis = redis_open(h->redis_addr, REDIS_TIMEOUT_MS);
	return h->redis;
}

/* After a failed read: drop a dead connection so the next one reconnects. */
static void
httpd_redis_check(struct httpd *h)
{
	if (h->redis != NULL && h->redis->err != 0) {
		redisFree(h->redis);
		h->redis = NULL;
		/* A Redis that does not answer costs one request a second. */
		if (clock_gettime(CLOCK_MONOTONIC, &h->redis_next) == 0) {
			h->redis_next.tv_nsec += REDIS_BACKOFF_MS % 1000 *
			    1000000L;
			h->redis_next.tv_sec += REDIS_BACKOFF_MS / 1000 +
			    h->redis_next.tv_nsec / 1000000000L;
			h->redis_next.tv_nsec %= 1000000000L;
		}
	}
}

static void
serve_static(struct httpd *h, struct evhttp_request *req, const char *file,
    const char *type)
{
	struct evbuffer	*b;
	struct stat	 st;
	char		 path[4096];
	int		 fd, n;

	if (h->web_root == NULL) {
		reply_text(req, 404, "Not Found", "no web-root configured");
		return;
	}
	n = snprintf(path, sizeof(path), "%s/%s", h->web_root, file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		reply_text(req, 500, "Internal Server Error", "path too long");
		return;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("http: %s", path);
		reply_text(req, 404, "Not Found", "not found");
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > STATIC_MAX) {
		log_warnx("http: %s: not a regular file of at most %d bytes",
		    path, STATIC_MAX);
		close(fd);
		reply_text(req, 404, "Not Found", "not found");
		return;
	}
	if ((b = evbuffer_new()) == NULL) {
		close(fd);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	/* evbuffer_add_file owns fd from here, on failure too. */
	if (st.st_size > 0 && evbuffer_add_file(b, fd, 0, st.st_size) == -1) {
		log_warnx("http: %s: cannot read", path);
		evbuffer_free(b);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (st.st_size == 0)
		close(fd);
	headers_common(req, type, 0);
	reply_buf(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
serve_healthz(struct httpd *h, struct evhttp_request *req)
{
	redisContext	*c;
	redisReply	*r = NULL;
	int		 ok = 0;

	if ((c = httpd_redis(h)) != NULL &&
	    (r = redisCommand(c, "PING")) != NULL)
		ok = r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
	if (r != NULL)
		freeReplyObject(r);
	else if (c != NULL)
		log_warnx("http: healthz: redis: %s", c->errstr);
	httpd_redis_check(h);
	if (ok)
		reply_text(req, 200, "OK", "ok");
	else
		reply_text(req, 503, "Service Unavailable", "redis unavailable");
}

static void
reply_unavailable(struct httpd *h, struct evhttp_request *req)
{
	httpd_redis_check(h);
	reply_error(req, 503, "Service Unavailable", "redis unavailable");
}

/* A decimal parameter in [lo, hi]; returns 0, or -1 if malformed. */
static int
param_int(const char *s, long lo, long hi, long *out)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9' || strlen(s) > 9)
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static void
api_report(struct httpd *h, struct evhttp_request *req, const struct query *q)
{
	redisContext	*c;
	const char	*day;
	json_t		*j;
	char		 today[11];
	int		 dup = 0;

	day = query_get(q, "day", &dup);
	if (dup || (day != NULL && daytime_parse_day(day) == -1)) {
		reply_error(req, 400, "Bad Request",
		    "day must be one YYYY-MM-DD");
		return;
	}
	if (day == NULL) {
		daytime_day(time(NULL), today, NULL);
		day = today;
	}
	if ((c = httpd_redis(h)) == NULL ||
	    (j = report_day(c, h->prefix, day)) == NULL) {
		reply_unavailable(h, req);
		return;
	}
	reply_json(req, 200, "OK", j);
}

static void
api_days(struct httpd *h, struct evhttp_request *req, const struct query *q)
{
	redisContext	*c;
	const char	*end, *ns;
	json_t		*j;
	char		 today[11];
	long		 n = DAYS_DEFAULT;
	int		 dup = 0;

	end = query_get(q, "end", &dup);
	ns = query_get(q, "n", &dup);
	if (dup || (end != NULL && daytime_parse_day(end) == -1) ||
	    (ns != NULL && param_int(ns, 1, 366, &n) == -1)) {
		reply_error(req, 400, "Bad Request",
		    "end must be YYYY-MM-DD, n from 1 to 366");
		return;
	}
	if (end == NULL) {
		daytime_day(time(NULL), today, NULL);
		end = today;
	}
	if ((c = httpd_redis(h)) == NULL ||
	    (j = report_days(c, h->prefix, end, (int)n)) == NULL) {
		reply_unavailable(h, req);
		return;
	}
	reply_json(req, 200, "OK", j);
}

static void
api_incidents(struct httpd *h, struct evhttp_request *req,
    const struct query *q)
{
	redisContext	*c;
	const char	*status, *ls;
	json_t		*j;
	long		 limit = LIST_DEFAULT;
	int		 dup = 0;

	status = query_get(q, "status", &dup);
	ls = query_get(q, "limit", &dup);
	if (dup || (status != NULL && !report_status_valid(status)) ||
	    (ls != NULL && param_int(ls, 1, LIST_MAX, &limit) == -1)) {
		reply_error(req, 400, "Bad Request",
		    "status must be open, acknowledged or closed; "
		    "limit from 1 to 5000");
		return;
	}
	if ((c = httpd_redis(h)) == NULL ||
	    (j = report_incidents(c, h->prefix, status, (size_t)limit)) ==
	    NULL) {
		reply_unavailable(h, req);
		return;
	}
	reply_json(req, 200, "OK", j);
}

static void
api_incident(struct httpd *h, struct evhttp_request *req, const char *id)
{
	redisContext	*c;
	json_t		*j;

	if (!report_id_valid(id)) {
		reply_error(req, 400, "Bad Request", "invalid incident id");
		return;
	}
	if ((c = httpd_redis(h)) == NULL) {
		reply_unavailable(h, req);
		return;
	}
	switch (report_incident(c, h->prefix, id, &j)) {
	case 0:
		reply_json(req, 200, "OK", j);
		break;
	case 1:
		reply_error(req, 404, "Not Found", "no such incident");
		break;
	default:
		reply_unavailable(h, req);
		break;
	}
}

/* 1 when the Content-Type is JSON (parameters such as charset aside). */
static int
content_json(struct evhttp_request *req)
{
	const char	*t;
	size_t		 n = strlen("application/json");

	t = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	return t != NULL && strncasecmp(t, "application/json", n) == 0 &&
	    (t[n] == '\0' || t[n] == ';' || t[n] == ' ');
}

/*
 * The string member `key` of a change's body into *out (NULL when
 * absent). Returns 0, or -1 when it is not a string or holds a NUL.
 */
static int
body_string(const json_t *body, const char *key, const char **out)
{
	const json_t	*v;

	*out = NULL;
	if ((v = json_object_get(body, key)) == NULL)
		return 0;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/*
 * POST /api/v1/incidents/<id>/ack|close, body {"note": "...", "by":
 * "..."}: "by" is required, "note" optional, nothing else is allowed.
 */
static void
api_incident_change(struct httpd *h, struct evhttp_request *req,
    const char *id, enum incident_op op)
{
	struct incident_result	 res;
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);
	redisContext		*c;
	json_t			*body = NULL;
	const char		*key, *note, *by;
	char			 buf[BODY_MAX + 1];
	size_t			 len = evbuffer_get_length(in);
	void			*it;
	int			 rc;

	if (!report_id_valid(id)) {
		reply_error(req, 400, "Bad Request", "invalid incident id");
		return;
	}
	if (!content_json(req)) {
		reply_error(req, 415, "Unsupported Media Type",
		    "the body must be application/json");
		return;
	}
	if (len > BODY_MAX) {
		reply_error(req, 413, "Payload Too Large",
		    "the body is larger than 32 KiB");
		return;
	}
	if (evbuffer_copyout(in, buf, len) != (ssize_t)len ||
	    (body = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL)) ==
	    NULL || !json_is_object(body)) {
		json_decref(body);
		reply_error(req, 400, "Bad Request",
		    "the body must be one JSON object");
		return;
	}
	for (it = json_object_iter(body); it != NULL;
	    it = json_object_iter_next(body, it)) {
		key = json_object_iter_key(it);
		if (strcmp(key, "note") != 0 && strcmp(key, "by") != 0) {
			json_decref(body);
			reply_error(req, 400, "Bad Request",
			    "the body takes \"note\" and \"by\" only");
			return;
		}
	}
	if (body_string(body, "note", &note) == -1 ||
	    body_string(body, "by", &by) == -1 || by == NULL) {
		json_decref(body);
		reply_error(req, 400, "Bad Request", "\"by\" (the analyst) "
		    "is required; \"by\" and \"note\" are strings");
		return;
	}
	if ((c = httpd_redis(h)) == NULL) {
		json_decref(body);
		reply_unavailable(h, req);
		return;
	}
	rc = incident_change(c, h->prefix, id, op, by, note, &res);
	switch (rc) {
	case INCIDENT_OK:
		log_info("http: incident %s %s by %s (alert %s)", id,
		    res.status, by, res.alert_id);
		reply_json(req, 200, "OK", json_pack("{s:I,s:s,s:s}", "id",
		    (json_int_t)strtoll(id, NULL, 10), "status", res.status,
		    "alert_id", res.alert_id));
		break;
	case INCIDENT_INVALID:
		reply_error(req, 400, "Bad Request", res.msg);
		break;
	case INCIDENT_NOT_FOUND:
		reply_error(req, 404, "Not Found", "no such incident");
		break;
	case INCIDENT_REFUSED:
		reply_error(req, 409, "Conflict", res.msg);
		break;
	default:
		reply_unavailable(h, req);
		break;
	}
	json_decref(body);
}

/*
 * The change a path names ("/api/v1/incidents/<id>/ack"): 1 with the id
 * into id[idlen] and the op, or 0.
 */
static int
change_route(const char *path, char *id, size_t idlen, enum incident_op *op)
{
	const char	*p, *slash;

	if (strncmp(path, "/api/v1/incidents/", 18) != 0)
		return 0;
	p = path + 18;
	if ((slash = strchr(p, '/')) == NULL || slash == p ||
	    (size_t)(slash - p) >= idlen || strchr(slash + 1, '/') != NULL ||
	    incident_op_parse(slash + 1, op) == -1)
		return 0;
	memcpy(id, p, (size_t)(slash - p));
	id[slash - p] = '\0';
	return 1;
}

/* The connections: a cap, a deadline for each request header. */

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void
conn_drop(struct httpd *h, size_t i)
{
	bufferevent_decref(h->conns[i].bev);
	h->conns[i] = h->conns[--h->nconns];
}

/*
 * evhttp closes a connection's socket and clears its callbacks when it
 * is done with it: then only our reference keeps the bufferevent.
 */
static int
conn_gone(struct bufferevent *bev)
{
	bufferevent_event_cb	 ecb;

	bufferevent_getcb(bev, NULL, NULL, &ecb, NULL);
	return ecb == NULL || bufferevent_getfd(bev) == -1;
}

/* Ends a connection: evhttp sees the end of its input and frees it. */
static void
conn_close(struct conn *c)
{
	evutil_socket_t	 fd = bufferevent_getfd(c->bev);

	if (fd != -1)
		(void)shutdown(fd, SHUT_RDWR);
	c->deadline.tv_sec = 0;
	c->deadline.tv_nsec = 0;
}

/* Drops the connections evhttp freed; closes the ones past deadline. */
static void
conn_sweep(struct httpd *h, const struct timespec *now)
{
	size_t	 i = 0;

	while (i < h->nconns) {
		if (conn_gone(h->conns[i].bev)) {
			conn_drop(h, i);
			continue;
		}
		if (h->conns[i].deadline.tv_sec != 0 &&
		    ts_before(&h->conns[i].deadline, now)) {
			h->expired++;
			conn_close(&h->conns[i]);
		}
		i++;
	}
}

static void
conn_deadline(struct timespec *t, const struct timespec *now)
{
	*t = *now;
	t->tv_sec += HEADER_S;
}

/*
 * evhttp's bufferevent for a new connection. At the cap, the connection
 * whose header has been coming for the longest is closed to make room:
 * half-open connections cannot keep the server from answering.
 */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct httpd	*h = arg;
	struct timespec	 now;
	struct bufferevent *bev;
	size_t		 i, old;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (h->nconns >= h->conn_cap)
		conn_sweep(h, &now);
	if (h->nconns >= h->conn_cap) {
		old = CONN_MAX;
		for (i = 0; i < h->nconns; i++)
			if (h->conns[i].deadline.tv_sec != 0 && (old ==
			    CONN_MAX || ts_before(&h->conns[i].deadline,
			    &h->conns[old].deadline)))
				old = i;
		if (old == CONN_MAX)
			old = 0;	/* all busy: the first */
		if (h->evicted++ == 0)
			log_warnx("http: %zu connections: closing the slowest "
			    "to make room (said once; counted in /metrics)",
			    h->conn_cap);
		conn_close(&h->conns[old]);
		bufferevent_decref(h->conns[old].bev);
		h->conns[old] = h->conns[--h->nconns];
	}
	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) ==
	    NULL)
		return NULL;	/* evhttp tries its own, untracked */
	bufferevent_incref(bev);
	h->conns[h->nconns].bev = bev;
	conn_deadline(&h->conns[h->nconns].deadline, &now);
	h->nconns++;
	return bev;
}

static struct conn *
conn_find(struct httpd *h, struct bufferevent *bev)
{
	size_t	 i;

	for (i = 0; i < h->nconns; i++)
		if (h->conns[i].bev == bev)
			return &h->conns[i];
	return NULL;
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct httpd	*h = arg;
	struct conn	*c;

	if ((c = conn_find(h, evhttp_connection_get_bufferevent(evcon))) !=
	    NULL)
		conn_drop(h, (size_t)(c - h->conns));
}

/*
 * A request header is complete: the next one has HEADER_S seconds from
 * now (keep-alive), and the connection is dropped from the table as soon
 * as evhttp frees it.
 */
static void
conn_request(struct httpd *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct timespec		 now;
	struct conn		*c;

	if (evcon == NULL ||
	    (c = conn_find(h, evhttp_connection_get_bufferevent(evcon))) ==
	    NULL)
		return;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	conn_deadline(&c->deadline, &now);
	evhttp_connection_set_closecb(evcon, conn_closed, h);
}

static void
httpd_tick(evutil_socket_t fd, short what, void *arg)
{
	struct httpd	*h = arg;
	struct timespec	 now;

	(void)fd;
	(void)what;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	conn_sweep(h, &now);
}

static void
httpd_resume(evutil_socket_t fd, short what, void *arg)
{
	struct httpd	*h = arg;

	(void)fd;
	(void)what;
	if (evconnlistener_enable(h->listener) == -1)
		log_warnx("http: cannot accept again");
}

/*
 * accept() failed (out of descriptors, most often): pause accepting for
 * a moment instead of trying again at once, and say so once. The
 * listener's argument is evhttp's, hence the static owner.
 */
static struct httpd *accept_owner;

static void
httpd_accept_error(struct evconnlistener *lev, void *arg)
{
	struct httpd	*h = accept_owner;
	struct timeval	 tv = { 0, ACCEPT_PAUSE_MS * 1000 };
	struct timespec	 now;
	int		 err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	if (h == NULL)
		return;
	h->accept_errors++;
	if (!h->accept_logged) {
		h->accept_logged = 1;
		log_warnx("http: accept: %s: pausing %d ms each time (said "
		    "once; counted in /metrics)",
		    evutil_socket_error_to_string(err), ACCEPT_PAUSE_MS);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	conn_sweep(h, &now);
	(void)evconnlistener_disable(lev);
	(void)evtimer_add(h->resume, &tv);
}

static const char *
method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_POST: return "POST";
	default: return "?";
	}
}

static void
httpd_request(struct evhttp_request *req, void *arg)
{
	struct httpd		*h = arg;
	struct query		 q;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	const char		*uri = evhttp_request_get_uri(req), *qs, *p;
	char			 path[URI_MAX + 1], id[32];
	enum incident_op	 op;
	size_t			 i, len;
	int			 change;

	conn_request(h, req);
	/* The raw target: bounded, printable ASCII, origin-form. */
	len = uri != NULL ? strlen(uri) : 0;
	if (len == 0 || len > URI_MAX || uri[0] != '/') {
		reply_error(req, 400, "Bad Request", "bad request target");
		return;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)uri[i] <= 0x20 ||
		    (unsigned char)uri[i] >= 0x7f || uri[i] == '#') {
			reply_error(req, 400, "Bad Request",
			    "bad request target");
			return;
		}
	qs = strchr(uri, '?');
	if (uri_decode(uri, qs != NULL ? (size_t)(qs - uri) : len, 0, path,
	    sizeof(path)) == -1 ||
	    query_parse(qs != NULL ? qs + 1 : NULL, &q) == -1) {
		reply_error(req, 400, "Bad Request", "bad request target");
		return;
	}
	if (header_count(req, NULL) > HEADER_COUNT_MAX) {
		reply_error(req, 431, "Request Header Fields Too Large",
		    "too many header lines");
		return;
	}
	if (header_count(req, "Host") != 1) {
		reply_error(req, 400, "Bad Request", "one Host header is "
		    "required");
		return;
	}
	/* Changes take POST only; everything else GET and HEAD. */
	change = change_route(path, id, sizeof(id), &op);
	if (change ? cmd != EVHTTP_REQ_POST :
	    cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", change ? "POST" : "GET, HEAD");
		reply_error(req, 405, "Method Not Allowed",
		    change ? "only POST" : "only GET and HEAD");
		return;
	}
	log_debug("http: %s %s", method_name(cmd), uri);
	if (change) {
		if (httpd_write_authorized(h, req))
			api_incident_change(h, req, id, op);
		return;
	}

	for (i = 0; i < sizeof(static_files) / sizeof(static_files[0]); i++)
		if (strcmp(path, static_files[i].path) == 0) {
			serve_static(h, req, static_files[i].file,
			    static_files[i].type);
			return;
		}
	if (strcmp(path, "/healthz") == 0) {
		serve_healthz(h, req);
		return;
	}
	if (strcmp(path, "/favicon.ico") == 0) {
		headers_common(req, "image/x-icon", 0);
		evhttp_send_reply(req, 204, "No Content", NULL);
		return;
	}
	if (strncmp(path, "/api/", 5) != 0) {
		reply_text(req, 404, "Not Found", "not found");
		return;
	}
	if (!httpd_authorized(h, req))
		return;
	if (strcmp(path, "/api/v1/report") == 0)
		api_report(h, req, &q);
	else if (strcmp(path, "/api/v1/days") == 0)
		api_days(h, req, &q);
	else if (strcmp(path, "/api/v1/incidents") == 0)
		api_incidents(h, req, &q);
	else if (strncmp(path, "/api/v1/incidents/", 18) == 0 &&
	    *(p = path + 18) != '\0' && strchr(p, '/') == NULL)
		api_incident(h, req, p);
	else
		reply_error(req, 404, "Not Found", "no such endpoint");
}

static void
httpd_wake(evutil_socket_t fd, short what, void *arg)
{
	struct httpd	*h = arg;
	char		 buf[16];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	event_base_loopbreak(h->base);
}

static void *
httpd_thread(void *arg)
{
	struct httpd	*h = arg;

	if (event_base_dispatch(h->base) == -1)
		log_warnx("http: event loop failed");
	return NULL;
}

/*
 * Splits "host:port" or "[v6]:port". Returns 0, or -1 after logging.
 */
static int
addr_split(const char *addr, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*colon, *hs;
	size_t		 hl;

	if (addr[0] == '[') {
		if ((colon = strchr(addr, ']')) == NULL || colon[1] != ':')
			goto bad;
		hs = addr + 1;
		hl = (size_t)(colon - hs);
		colon++;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL ||
		    memchr(addr, ':', (size_t)(colon - addr)) != NULL)
			goto bad;
		hs = addr;
		hl = (size_t)(colon - addr);
	}
	if (hl == 0 || hl >= hostlen || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= portlen ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atol(colon + 1) > 65535)
		goto bad;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	return 0;
 bad:
	log_warnx("http: invalid address \"%s\" (HOST:PORT or [V6]:PORT)",
	    addr);
	return -1;
}

/* Binds and listens on addr; returns the socket or -1 after logging. */
static int
httpd_listen(struct httpd *h, const char *addr)
{
	struct addrinfo		 hints, *res, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 host[256], port[8];
	int			 fd, on = 1, rc;

	if (addr_split(addr, host, sizeof(host), port, sizeof(port)) == -1)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("http: %s: %s", addr, gai_strerror(rc));
		return -1;
	}
	h->loopback = 1;
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (!sockaddr_loopback(ai->ai_addr))
			h->loopback = 0;
	ai = res;
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol)) == -1) {
		log_warn("http: %s: socket", addr);
		freeaddrinfo(res);
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1)) {
		log_warn("http: %s: setsockopt", addr);
		goto fail;
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		log_warn("http: cannot bind %s", addr);
		goto fail;
	}
	if (listen(fd, 128) == -1) {
		log_warn("http: %s: listen", addr);
		goto fail;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		log_warn("http: %s: getsockname", addr);
		goto fail;
	}
	h->port = ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	freeaddrinfo(res);
	return fd;
 fail:
	close(fd);
	freeaddrinfo(res);
	return -1;
}

/* Reads the bearer token: one line, at least TOKEN_MIN printable bytes. */
static char *
token_load(const char *file)
{
	struct stat	 st;
	char		 buf[TOKEN_MAX + 2];
	size_t		 n, i;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("http: token file %s", file);
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("http: token file %s", file);
		close(fd);
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		log_warnx("http: token file %s is open to others (mode %03o): "
		    "refused; chmod 600 it", file,
		    (unsigned)(st.st_mode & 0777));
		close(fd);
		return NULL;
	}
	for (n = 0; n < sizeof(buf) - 1; n += (size_t)r) {
		if ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) == -1) {
			if (errno == EINTR) {
				r = 0;
				continue;
			}
			log_warn("http: token file %s", file);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] <= 0x20 ||
		    (unsigned char)buf[i] >= 0x7f)
			break;
	if (n > TOKEN_MAX || i < n || n < TOKEN_MIN) {
		log_warnx("http: token file %s: want one line of %d to %d "
		    "printable characters, no spaces", file, TOKEN_MIN,
		    TOKEN_MAX);
		explicit_bzero(buf, sizeof(buf));
		return NULL;
	}
	return strdup(buf);
}

static char *
dup_or_null(const char *s, int *fail)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*fail = 1;
	return d;
}

struct httpd *
httpd_start(const struct conf *conf)
{
	struct httpd	*h;
	struct evhttp_bound_socket *bound;
	struct timeval	 second = { 1, 0 };
	struct rlimit	 nofile;
	sigset_t	 all, old;
	int		 fd = -1, fail = 0, rc;

	if (conf->http == NULL || conf->redis_address == NULL) {
		log_warnx("http: no address to listen on");
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		log_warn("%s: calloc", __func__);
		return NULL;
	}
	h->wakefd[0] = h->wakefd[1] = -1;
	h->redis_addr = dup_or_null(conf->redis_address, &fail);
	h->prefix = dup_or_null(conf->redis_prefix != NULL ?
	    conf->redis_prefix : "vigie:", &fail);
	h->web_root = dup_or_null(conf->web_root, &fail);
	if (fail) {
		log_warn("%s: strdup", __func__);
		goto fail;
	}
	if (h->web_root != NULL) {
		char	 index[4096];

		snprintf(index, sizeof(index), "%s/index.html", h->web_root);
		if (access(index, R_OK) == -1) {
			log_warn("http: web-root %s: %s", h->web_root, index);
			goto fail;
		}
	}

	if ((fd = httpd_listen(h, conf->http)) == -1)
		goto fail;
	if (conf->http_token_file != NULL &&
	    (h->token = token_load(conf->http_token_file)) == NULL)
		goto fail;
	if (!h->loopback && h->token == NULL) {
		log_warnx("http: %s is not a loopback address: set "
		    "http-token-file so that reads need a bearer token, or "
		    "listen on 127.0.0.1", conf->http);
		goto fail;
	}

	h->conn_cap = CONN_MAX;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 &&
	    nofile.rlim_cur != RLIM_INFINITY &&
	    nofile.rlim_cur / CONN_FD_SHARE < h->conn_cap)
		h->conn_cap = nofile.rlim_cur / CONN_FD_SHARE > 4 ?
		    nofile.rlim_cur / CONN_FD_SHARE : 4;
	if ((h->base = event_base_new()) == NULL ||
	    (h->http = evhttp_new(h->base)) == NULL) {
		log_warnx("http: cannot create the event loop");
		goto fail;
	}
	evhttp_set_max_headers_size(h->http, HEADERS_MAX);
	evhttp_set_max_body_size(h->http, BODY_LIMIT);
	evhttp_set_timeout(h->http, IO_TIMEOUT_S);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, httpd_request, h);
	evhttp_set_bevcb(h->http, conn_new, h);
	if ((bound = evhttp_accept_socket_with_handle(h->http, fd)) == NULL) {
		log_warnx("http: %s: cannot accept", conf->http);
		goto fail;
	}
	fd = -1;	/* the evhttp owns it */
	h->listener = evhttp_bound_socket_get_listener(bound);
	accept_owner = h;
	evconnlistener_set_error_cb(h->listener, httpd_accept_error);
	if ((h->resume = evtimer_new(h->base, httpd_resume, h)) == NULL ||
	    (h->tick = event_new(h->base, -1, EV_PERSIST, httpd_tick, h)) ==
	    NULL || event_add(h->tick, &second) == -1) {
		log_warnx("http: cannot add the timers");
		goto fail;
	}

	if (pipe2(h->wakefd, O_NONBLOCK | O_CLOEXEC) == -1) {
		log_warn("http: pipe");
		goto fail;
	}
	if ((h->wake = event_new(h->base, h->wakefd[0], EV_READ | EV_PERSIST,
	    httpd_wake, h)) == NULL || event_add(h->wake, NULL) == -1) {
		log_warnx("http: cannot add the wake-up event");
		goto fail;
	}

	/* The server thread takes no signal: they go to the main thread. */
	sigfillset(&all);
	if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
		errno = rc;
		log_warn("http: pthread_sigmask");
		goto fail;
	}
	rc = pthread_create(&h->thread, NULL, httpd_thread, h);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		log_warn("http: pthread_create");
		goto fail;
	}
	h->running = 1;
	log_info("http: listening on %s (port %d, at most %zu connections)%s",
	    conf->http, h->port, h->conn_cap,
	    h->loopback ? "" : ", bearer token required");
	return h;
 fail:
	if (fd != -1)
		close(fd);
	httpd_free(h);
	return NULL;
}

int
httpd_port(const struct httpd *h)
{
	return h->port;
}

static void
httpd_free(struct httpd *h)
{
	if (h->wake != NULL)
		event_free(h->wake);
	if (h->tick != NULL)
		event_free(h->tick);
	if (h->resume != NULL)
		event_free(h->resume);
	if (h->http != NULL)
		evhttp_free(h->http);
	while (h->nconns > 0)
		conn_drop(h, h->nconns - 1);
	if (accept_owner == h)
		accept_owner = NULL;
	if (h->base != NULL)
		event_base_free(h->base);
	if (h->wakefd[0] != -1)
		close(h->wakefd[0]);
	if (h->wakefd[1] != -1)
		close(h->wakefd[1]);
	if (h->redis != NULL)
		redisFree(h->redis);
	if (h->token != NULL) {
		explicit_bzero(h->token, strlen(h->token));
		free(h->token);
	}
	free(h->redis_addr);
	free(h->prefix);
	free(h->web_root);
	free(h);
}

void
httpd_stop(struct httpd *h)
{
	ssize_t	 n;
	int	 rc;

	if (h == NULL)
		return;
	if (h->running) {
		do
			n = write(h->wakefd[1], "x", 1);
		while (n == -1 && errno == EINTR);
		if (n == -1 && errno != EAGAIN)
			log_warn("http: cannot wake the server thread");
		if ((rc = pthread_join(h->thread, NULL)) != 0) {
			errno = rc;
			log_warn("http: pthread_join");
		}
	}
	httpd_free(h);
}
