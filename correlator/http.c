/*
 * correlator/http.c - serve the web view, /api/v1 and /healthz with evhttp.
 * Owns the server thread, its event_base, listener and Redis connection.
 * Reads the state through core/report.c, changes incidents through
 * core/incident.c; files from conf->web_root. What to serve is decided
 * by route.c.
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
#include "netaddr.h"
#include "redis.h"
#include "report.h"
#include "route.h"

#define HEADERS_MAX	8192	/* request line and headers */
#define BODY_MAX	32768	/* a change's JSON: a 4 KiB note, escaped */
#define BODY_LIMIT	(4 * BODY_MAX)	/* past it, evhttp's own 413 */
#define STATIC_MAX	(4 * 1024 * 1024)
#define TOKEN_MIN	16
#define TOKEN_MAX	1024
#define REDIS_TIMEOUT_MS 250	/* connect, and each command */
#define REDIS_BACKOFF_MS 1000	/* after a failure, 503 at once that long */
#define REQUEST_REDIS_MS 1000	/* all of one request's Redis reads */
#define CONN_MAX	256	/* connections served at once, */
#define CONN_FD_SHARE	2	/* and at most 1/2 of RLIMIT_NOFILE */
#define HEADER_S	10	/* a request header must be complete by then */
#define IO_TIMEOUT_S	15	/* evhttp's per-read and per-write timeout */
#define ACCEPT_PAUSE_MS	200	/* accepting paused after accept() fails */
#define LIST_DEFAULT	500
#define LIST_MAX	5000
#define DAYS_DEFAULT	30
#define LAG_LIMIT_S	300	/* /healthz: a stream further behind fails */
#define CODES_MAX	32	/* distinct status codes counted */
#define RATES_MAX	100000	/* sensors whose event rate is followed */
#define CACHE_MAX	32	/* API replies kept */
#define CACHE_MS	1000	/* for so long; a change empties the cache */

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

	struct rconn		*redis;		/* NULL: to reconnect */
	struct timespec		 redis_next;	/* not before */
	unsigned long		 redis_errors;	/* requests answered 503 */

	pthread_mutex_t		 src_lock;
	struct httpd_source	 src;

	struct {
		int		 code;
		unsigned long	 n;
	}			 codes[CODES_MAX];	/* replies by code */
	struct rate {
		char		 sensor[65];	/* conf_valid_name(): 64 */
		long long	 t[2], ev[2];	/* two samples: older, newer */
	}			*rates;		/* by sensor name */
	size_t			 nrates, caprates;

	/*
	 * Replies of GET /api/v1 kept CACHE_MS per target: pages poll, and
	 * a burst of requests costs Redis once a second per target.
	 */
	struct cached {
		char		*target;	/* NULL: free slot */
		char		*body;
		size_t		 len;
		char		 total[24];	/* X-Total-Count, "" none */
		struct timespec	 at;
	}			 cache[CACHE_MAX];
	const char		*caching;	/* the target being answered */
	int			 replying;	/* inside our evhttp_send_reply */
	int			 injecting;
	int			 no_cache;	/* VIGIE_HTTP_NO_CACHE: benches */
	unsigned long		 cache_hits;
};

static void	 httpd_free(struct httpd *);
static void	 httpd_count_code(int);
static void	 httpd_api(struct httpd *, struct evhttp_request *,
		    const struct route *);
static void	 cache_store(struct evhttp_request *, const char *);

/* The one server of the process (the counters of replies). */
static struct httpd *the_httpd;

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
httpd_count_code(int code)
{
	struct httpd	*h = the_httpd;
	size_t		 i;

	if (h == NULL)
		return;
	for (i = 0; i < CODES_MAX; i++)
		if (h->codes[i].code == code || h->codes[i].code == 0) {
			h->codes[i].code = code;
			h->codes[i].n++;
			return;
		}
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
	httpd_count_code(code);
	if (the_httpd != NULL)
		the_httpd->replying = 1;
	evhttp_send_reply(req, code, reason, body);
	if (the_httpd != NULL)
		the_httpd->replying = 0;
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

static long long
ms_since(const struct timespec *t)
{
	struct timespec	 now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void
cache_clear(struct httpd *h)
{
	size_t	 i;

	for (i = 0; i < CACHE_MAX; i++) {
		free(h->cache[i].target);
		free(h->cache[i].body);
		h->cache[i].target = h->cache[i].body = NULL;
	}
}

/* The body of a 200 reply to the target being answered, if cached. */
static void
cache_store(struct evhttp_request *req, const char *body)
{
	struct httpd	*h = the_httpd;
	struct cached	*c = NULL;
	const char	*total;
	size_t		 i;

	if (h == NULL || h->caching == NULL)
		return;
	for (i = 0; i < CACHE_MAX && c == NULL; i++)
		if (h->cache[i].target == NULL ||
		    strcmp(h->cache[i].target, h->caching) == 0)
			c = &h->cache[i];
	for (i = 0; i < CACHE_MAX && c == NULL; i++)
		if (ms_since(&h->cache[i].at) >= CACHE_MS)
			c = &h->cache[i];
	if (c == NULL)
		return;		/* full of fresh ones */
	free(c->target);
	free(c->body);
	c->target = strdup(h->caching);
	c->len = strlen(body);
	c->body = strdup(body);
	if (c->target == NULL || c->body == NULL) {
		free(c->target);
		free(c->body);
		c->target = c->body = NULL;
		return;
	}
	total = evhttp_find_header(evhttp_request_get_output_headers(req),
	    "X-Total-Count");
	snprintf(c->total, sizeof(c->total), "%s", total != NULL ? total : "");
	(void)clock_gettime(CLOCK_MONOTONIC, &c->at);
}

/* Answers from the cache; 1 when it did. */
static int
cache_reply(struct httpd *h, struct evhttp_request *req, const char *target)
{
	struct evbuffer	*b;
	size_t		 i;

	for (i = 0; i < CACHE_MAX; i++) {
		struct cached *c = &h->cache[i];

		if (c->target == NULL || strcmp(c->target, target) != 0 ||
		    ms_since(&c->at) >= CACHE_MS)
			continue;
		if ((b = evbuffer_new()) == NULL ||
		    evbuffer_add(b, c->body, c->len) == -1 ||
		    evbuffer_add(b, "\n", 1) == -1) {
			if (b != NULL)
				evbuffer_free(b);
			return 0;
		}
		if (c->total[0] != '\0')
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "X-Total-Count", c->total);
		headers_common(req, "application/json; charset=utf-8", 1);
		h->cache_hits++;
		reply_buf(req, 200, "OK", b);
		evbuffer_free(b);
		return 1;
	}
	return 0;
}

/*
 * JSON with '<', '>' and '&' written \u003c, \u003e, \u0026: outside
 * strings JSON has none, so the text means the same, and no markup of a
 * log line appears as such should the reply ever be read as HTML. A new
 * string, or NULL.
 */
static char *
json_dumps_safe(const json_t *j)
{
	char	*s, *out;
	size_t	 i, k, n = 0;

	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '<' || s[i] == '>' || s[i] == '&')
			n++;
	if (n == 0)
		return s;
	if ((out = malloc(i + n * 5 + 1)) == NULL) {
		free(s);
		return NULL;
	}
	for (i = k = 0; s[i] != '\0'; i++)
		if (s[i] == '<' || s[i] == '>' || s[i] == '&')
			k += (size_t)sprintf(out + k, "\\u%04x",
			    (unsigned char)s[i]);
		else
			out[k++] = s[i];
	out[k] = '\0';
	free(s);
	return out;
}

/* Steals `j`. */
static void
reply_json(struct evhttp_request *req, int code, const char *reason,
    json_t *j)
{
	struct evbuffer	*b;
	char		*s;

	if (j == NULL || (s = json_dumps_safe(j)) == NULL) {
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
	if (code == 200)
		cache_store(req, s);
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

/* The server's Redis connection, reconnecting at most once a second. */
static struct rconn *
httpd_redis(struct httpd *h)
{
	struct timespec	 now;

	if (h->redis != NULL)
		return h->redis;
	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return NULL;
	if (now.tv_sec < h->redis_next.tv_sec ||
	    (now.tv_sec == h->redis_next.tv_sec &&
	    now.tv_nsec < h->redis_next.tv_nsec))
		return NULL;
	h->redis_next = now;
	h->redis_next.tv_sec += REDIS_BACKOFF_MS / 1000;
	h->redis = rconn_open(h->redis_addr, REDIS_TIMEOUT_MS);
	return h->redis;
}

/*
 * After a failed read: the connection goes, and the next request after
 * a pause opens another (the router reconnects a lost node by itself;
 * this bounds what a Redis that does not answer costs).
 */
static void
httpd_redis_check(struct httpd *h)
{
	if (h->redis != NULL) {
		rconn_close(h->redis);
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

/*
 * 200 "ok", or 503 with one line per problem: Redis unreachable, no
 * rules loaded, a sensor's stream further behind than LAG_LIMIT_S.
 */
static void
serve_healthz(struct httpd *h, struct evhttp_request *req)
{
	struct evbuffer	*b;
	struct rconn	*c;
	redisReply	*r = NULL;
	json_t		*rules = NULL, *sensors = NULL, *o;
	struct httpd_source src;
	size_t		 i;
	double		 lag;
	int		 ok = 0;

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if ((c = httpd_redis(h)) != NULL &&
	    (r = rconn_cmd(c, "", "PING")) != NULL)
		ok = r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0;
	if (r != NULL)
		freeReplyObject(r);
	if (!ok) {
		evbuffer_add_printf(b, "redis unreachable (%s)\n",
		    h->redis_addr);
		httpd_redis_check(h);
	}

	(void)pthread_mutex_lock(&h->src_lock);
	src = h->src;
	(void)pthread_mutex_unlock(&h->src_lock);
	if (src.rules != NULL && ((rules = src.rules(src.arg)) == NULL ||
	    json_array_size(rules) == 0))
		evbuffer_add_printf(b, "rules not loaded\n");
	json_decref(rules);

	if (ok && (c = httpd_redis(h)) != NULL) {
		if ((sensors = report_sensors(c, h->prefix)) == NULL) {
			httpd_redis_check(h);
			evbuffer_add_printf(b, "redis: cannot read the "
			    "sensors\n");
		}
		for (i = 0; i < json_array_size(sensors); i++) {
			o = json_array_get(sensors, i);
			lag = json_number_value(json_object_get(o,
			    "lag_seconds"));
			if (lag > LAG_LIMIT_S) {
				evbuffer_add_printf(b, "sensor ");
				/* a name from the collector: printable only */
				{
					const char *n = json_string_value(
					    json_object_get(o, "sensor"));

					for (; n != NULL && *n != '\0'; n++)
						evbuffer_add_printf(b, "%c",
						    (unsigned char)*n >= 0x20 &&
						    (unsigned char)*n < 0x7f ?
						    *n : '?');
				}
				evbuffer_add_printf(b, ": the correlators are "
				    "%.0f s behind its stream (limit %d s)\n",
				    lag, LAG_LIMIT_S);
			}
		}
		json_decref(sensors);
	}
	headers_common(req, "text/plain; charset=utf-8", 1);
	if (evbuffer_get_length(b) == 0) {
		evbuffer_add_printf(b, "ok\n");
		reply_buf(req, 200, "OK", b);
	} else
		reply_buf(req, 503, "Service Unavailable", b);
	evbuffer_free(b);
}

static void
metric_head(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* A label value: \\, \" and \n escaped; other bytes as they are. */
static void
metric_label(struct evbuffer *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			evbuffer_add_printf(b, "\\%c", *s);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

/* One sample per sensor of field `field` of object `part` ("health"...). */
static void
metric_sensors(struct evbuffer *b, json_t *sensors, const char *name,
    const char *type, const char *help, const char *part, const char *field)
{
	json_t		*o, *v;
	size_t		 i;
	double		 x;

	metric_head(b, name, type, help);
	for (i = 0; i < json_array_size(sensors); i++) {
		o = json_array_get(sensors, i);
		v = part != NULL ? json_object_get(json_object_get(o, part),
		    field) : json_object_get(o, field);
		if (json_is_string(v))
			x = strtod(json_string_value(v), NULL);
		else if (json_is_number(v))
			x = json_number_value(v);
		else
			continue;
		evbuffer_add_printf(b, "%s{sensor=\"", name);
		metric_label(b, json_string_value(json_object_get(o,
		    "sensor")));
		evbuffer_add_printf(b, "\"} %.17g\n", x);
	}
}

static void
serve_metrics(struct httpd *h, struct evhttp_request *req)
{
	struct httpd_source src;
	struct evbuffer	*b;
	struct rconn	*c;
	json_t		*sensors = NULL, *stats = NULL, *open = NULL, *o, *v;
	const char	*k, *colon;
	char		 rule[256];
	size_t		 i;
	void		*it;
	int		 up;

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	up = (c = httpd_redis(h)) != NULL &&
	    (sensors = report_sensors(c, h->prefix)) != NULL &&
	    (stats = report_hash(c, h->prefix, "rules:stats")) != NULL &&
	    (open = report_open_by_severity(c, h->prefix)) != NULL;
	if (!up)
		httpd_redis_check(h);
	metric_head(b, "vigie_redis_up", "gauge",
	    "1 when the server read Redis for this scrape.");
	evbuffer_add_printf(b, "vigie_redis_up %d\n", up);

	metric_sensors(b, sensors, "vigie_events_received_total", "counter",
	    "Events the sensor's collector stored in Redis.", "health",
	    "stored");
	metric_sensors(b, sensors, "vigie_events_emitted_total", "counter",
	    "Events the sensor's collector made from its inputs.", "health",
	    "events");
	metric_sensors(b, sensors, "vigie_lines_total", "counter",
	    "Lines the sensor's collector read.", "health", "lines");
	metric_sensors(b, sensors, "vigie_sensor_drops_total", "counter",
	    "Events the sensor's inputs dropped.", "health", "drops");
	metric_sensors(b, sensors, "vigie_spool_bytes", "gauge",
	    "Bytes in the sensor's spool.", "health", "spool_bytes");
	metric_sensors(b, sensors, "vigie_spool_events", "gauge",
	    "Events in the sensor's spool not yet in Redis.", "health",
	    "spool_events");
	metric_sensors(b, sensors, "vigie_sensor_last_event_timestamp_seconds",
	    "gauge", "When the sensor's collector last emitted an event.",
	    "health", "last_event");
	metric_sensors(b, sensors, "vigie_stream_length", "gauge",
	    "Frames in the sensor's stream.", "stream", "length");
	metric_sensors(b, sensors, "vigie_stream_lag", "gauge",
	    "Frames of the sensor's stream the correlators have not read.",
	    "group", "lag");
	metric_sensors(b, sensors, "vigie_stream_pending", "gauge",
	    "Frames read by a correlator and not yet acknowledged.", "group",
	    "pending");
	metric_sensors(b, sensors, "vigie_stream_lag_seconds", "gauge",
	    "How far the correlators are behind the sensor's stream.", NULL,
	    "lag_seconds");

	/* Parse errors: the collector's parse_errors:<parser> fields. */
	metric_head(b, "vigie_parse_errors_total", "counter",
	    "Lines a parser could not read, per sensor and parser (the "
	    "collector's no_header:<parser> and parse_errors:<parser>).");
	for (i = 0; i < json_array_size(sensors); i++) {
		o = json_array_get(sensors, i);
		json_object_foreach(json_object_get(o, "health"), k, v) {
			const char *parser;

			if (strncmp(k, "parse_errors:", 13) == 0)
				parser = k + 13;
			else if (strncmp(k, "no_header:", 10) == 0)
				parser = k + 10;
			else
				continue;
			evbuffer_add_printf(b, "vigie_parse_errors_total"
			    "{sensor=\"");
			metric_label(b, json_string_value(json_object_get(o,
			    "sensor")));
			evbuffer_add_printf(b, "\",parser=\"");
			metric_label(b, parser);
			evbuffer_add_printf(b, "\"} %.17g\n",
			    strtod(json_string_value(v), NULL));
		}
	}

	metric_head(b, "vigie_rule_detections_total", "counter",
	    "Detections per rule, all correlators (rules:stats).");
	for (it = json_object_iter(stats); it != NULL;
	    it = json_object_iter_next(stats, it)) {
		k = json_object_iter_key(it);
		if ((colon = strrchr(k, ':')) == NULL ||
		    strcmp(colon, ":hits") != 0)
			continue;
		snprintf(rule, sizeof(rule), "%.*s", (int)(colon - k), k);
		evbuffer_add_printf(b, "vigie_rule_detections_total{rule=\"");
		metric_label(b, rule);
		evbuffer_add_printf(b, "\"} %.17g\n", strtod(json_string_value(
		    json_object_iter_value(it)), NULL));
	}
	metric_head(b, "vigie_incidents_open", "gauge",
	    "Open and acknowledged incidents, per severity.");
	json_object_foreach(open, k, v) {
		evbuffer_add_printf(b, "vigie_incidents_open{severity=\"");
		metric_label(b, k);
		evbuffer_add_printf(b, "\"} %lld\n",
		    (long long)json_integer_value(v));
	}
	json_decref(sensors);
	json_decref(stats);
	json_decref(open);

	(void)pthread_mutex_lock(&h->src_lock);
	src = h->src;
	(void)pthread_mutex_unlock(&h->src_lock);
	if (src.metrics != NULL)
		src.metrics(b, src.arg);

	/* This reply is counted in the next scrape. */
	metric_head(b, "vigie_http_requests_total", "counter",
	    "HTTP replies by status code (evhttp's own errors included).");
	for (i = 0; i < CODES_MAX && h->codes[i].code != 0; i++)
		evbuffer_add_printf(b, "vigie_http_requests_total"
		    "{code=\"%d\"} %lu\n", h->codes[i].code, h->codes[i].n);
	metric_head(b, "vigie_http_connections", "gauge",
	    "Connections the server holds.");
	evbuffer_add_printf(b, "vigie_http_connections %zu\n", h->nconns);
	metric_head(b, "vigie_http_connections_evicted_total", "counter",
	    "Connections closed at the cap to make room.");
	evbuffer_add_printf(b, "vigie_http_connections_evicted_total %lu\n",
	    h->evicted);
	metric_head(b, "vigie_http_header_timeouts_total", "counter",
	    "Connections closed because their request header was late.");
	evbuffer_add_printf(b, "vigie_http_header_timeouts_total %lu\n",
	    h->expired);
	metric_head(b, "vigie_http_accept_errors_total", "counter",
	    "accept() failures (descriptors exhausted).");
	evbuffer_add_printf(b, "vigie_http_accept_errors_total %lu\n",
	    h->accept_errors);
	metric_head(b, "vigie_http_cache_hits_total", "counter",
	    "API replies served from the one-second cache.");
	evbuffer_add_printf(b, "vigie_http_cache_hits_total %lu\n",
	    h->cache_hits);
	metric_head(b, "vigie_http_redis_unavailable_total", "counter",
	    "Requests answered 503 because Redis did not answer.");
	evbuffer_add_printf(b, "vigie_http_redis_unavailable_total %lu\n",
	    h->redis_errors);

	headers_common(req, "text/plain; version=0.0.4; charset=utf-8", 1);
	reply_buf(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
reply_unavailable(struct httpd *h, struct evhttp_request *req)
{
	h->redis_errors++;
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
	struct rconn	*c;
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
	struct rconn	*c;
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

/* A text parameter: at most PARAM_LEN - 1 bytes, UTF-8 checked by query. */
static void
api_incidents(struct httpd *h, struct evhttp_request *req,
    const struct query *q)
{
	struct incident_filter	 f;
	struct rconn		*c;
	const char		*ls, *os;
	json_t			*j;
	char			 total[32];
	size_t			 n;
	long			 limit = LIST_DEFAULT, offset = 0;
	int			 dup = 0;

	memset(&f, 0, sizeof(f));
	f.status = query_get(q, "status", &dup);
	f.severity = query_get(q, "severity", &dup);
	f.rule = query_get(q, "rule", &dup);
	f.category = query_get(q, "category", &dup);
	f.country = query_get(q, "country", &dup);
	f.text = query_get(q, "text", &dup);
	f.src = query_get(q, "source", &dup);
	ls = query_get(q, "limit", &dup);
	os = query_get(q, "offset", &dup);
	if (dup || (f.status != NULL && !report_status_valid(f.status) &&
	    strcmp(f.status, "merged") != 0) ||
	    (ls != NULL && param_int(ls, 1, LIST_MAX, &limit) == -1) ||
	    (os != NULL && param_int(os, 0, REPORT_SCAN_MAX, &offset) == -1)) {
		reply_error(req, 400, "Bad Request",
		    "status must be open, acknowledged, closed or merged; "
		    "limit from 1 to 5000, offset from 0 to 20000; each "
		    "parameter once");
		return;
	}
	for (n = 0; n < q->n; n++)
		if (strcmp(q->p[n].name, "status") != 0 &&
		    strcmp(q->p[n].name, "severity") != 0 &&
		    strcmp(q->p[n].name, "rule") != 0 &&
		    strcmp(q->p[n].name, "category") != 0 &&
		    strcmp(q->p[n].name, "country") != 0 &&
		    strcmp(q->p[n].name, "text") != 0 &&
		    strcmp(q->p[n].name, "source") != 0 &&
		    strcmp(q->p[n].name, "limit") != 0 &&
		    strcmp(q->p[n].name, "offset") != 0) {
			reply_error(req, 400, "Bad Request", "unknown "
			    "parameter (status, severity, rule, category, "
			    "country, text, source, limit, offset)");
			return;
		}
	if ((c = httpd_redis(h)) == NULL ||
	    (j = report_incidents_find(c, h->prefix, &f, (size_t)offset,
	    (size_t)limit, &n)) == NULL) {
		reply_unavailable(h, req);
		return;
	}
	snprintf(total, sizeof(total), "%zu", n);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "X-Total-Count", total);
	reply_json(req, 200, "OK", j);
}

/* The `days` parameter (1..max, default def) into *out; -1 if bad. */
static int
param_days(const struct query *q, long def, long max, long *out)
{
	const char	*d;
	int		 dup = 0;

	*out = def;
	d = query_get(q, "days", &dup);
	if (dup || (d != NULL && param_int(d, 1, max, out) == -1))
		return -1;
	return 0;
}

static void
api_source(struct httpd *h, struct evhttp_request *req, const char *addr,
    const struct query *q)
{
	struct netaddr	 na;
	struct rconn	*c;
	json_t		*j;
	char		 ip[64], today[11];
	long		 days;

	if (strlen(addr) >= sizeof(ip) || netaddr_parse(addr, &na) == -1) {
		reply_error(req, 400, "Bad Request",
		    "not an IPv4 or IPv6 address");
		return;
	}
	if (param_days(q, DAYS_DEFAULT, 90, &days) == -1) {
		reply_error(req, 400, "Bad Request", "days from 1 to 90");
		return;
	}
	netaddr_format(&na, ip, sizeof(ip));
	daytime_day(time(NULL), today, NULL);
	if ((c = httpd_redis(h)) == NULL ||
	    report_source(c, h->prefix, ip, today, (int)days, &j) != 0) {
		reply_unavailable(h, req);
		return;
	}
	reply_json(req, 200, "OK", j);
}

static json_t *
httpd_rules(struct httpd *h)
{
	struct httpd_source	 src;

	(void)pthread_mutex_lock(&h->src_lock);
	src = h->src;
	(void)pthread_mutex_unlock(&h->src_lock);
	return src.rules != NULL ? src.rules(src.arg) : NULL;
}

/*
 * The rules in force merged with their counts: meta from the process,
 * counts from Redis. NULL after replying.
 */
static json_t *
rules_merged(struct httpd *h, struct evhttp_request *req, long days,
    const char *only)
{
	struct rconn	*c;
	json_t		*meta, *stats, *o, *m;
	const char	*names[REPORT_RULES_MAX];
	char		 today[11];
	size_t		 i, n = 0;
	const char	*k;
	json_t		*v;

	if ((meta = httpd_rules(h)) == NULL && (meta = json_array()) == NULL) {
		reply_unavailable(h, req);
		return NULL;
	}
	for (i = 0; i < json_array_size(meta) && n < REPORT_RULES_MAX; i++) {
		k = json_string_value(json_object_get(json_array_get(meta, i),
		    "name"));
		if (k != NULL && (only == NULL || strcmp(k, only) == 0))
			names[n++] = k;
	}
	if (only != NULL && n == 0) {
		json_decref(meta);
		reply_error(req, 404, "Not Found", "no such rule in force");
		return NULL;
	}
	daytime_day(time(NULL), today, NULL);
	if ((c = httpd_redis(h)) == NULL || (stats = report_rules(c,
	    h->prefix, names, n, today, (int)days)) == NULL) {
		json_decref(meta);
		reply_unavailable(h, req);
		return NULL;
	}
	for (i = 0; i < json_array_size(stats); i++) {
		o = json_array_get(stats, i);
		for (n = 0; n < json_array_size(meta); n++) {
			m = json_array_get(meta, n);
			if (strcmp(json_string_value(json_object_get(m, "name")),
			    json_string_value(json_object_get(o, "name"))) != 0)
				continue;
			json_object_foreach(m, k, v)
				if (json_object_get(o, k) == NULL &&
				    (only != NULL || strcmp(k, "source") != 0))
					json_object_set(o, k, v);
			break;
		}
	}
	json_decref(meta);
	return stats;
}

static void
api_rules(struct httpd *h, struct evhttp_request *req, const struct query *q)
{
	json_t	*j;
	long	 days;

	if (param_days(q, 7, 90, &days) == -1) {
		reply_error(req, 400, "Bad Request", "days from 1 to 90");
		return;
	}
	if ((j = rules_merged(h, req, days, NULL)) != NULL)
		reply_json(req, 200, "OK", j);
}

static void
api_rule(struct httpd *h, struct evhttp_request *req, const char *name,
    const struct query *q)
{
	struct rconn	*c;
	json_t		*j, *o, *dets;
	char		 today[11];
	size_t		 i;
	long		 days;

	for (i = 0; name[i] != '\0'; i++)
		if (!(name[i] == '_' || (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9')) || i >= 128) {
			reply_error(req, 400, "Bad Request",
			    "a rule name is letters, digits and _");
			return;
		}
	if (param_days(q, 7, 90, &days) == -1) {
		reply_error(req, 400, "Bad Request", "days from 1 to 90");
		return;
	}
	if ((j = rules_merged(h, req, days, name)) == NULL)
		return;
	o = json_incref(json_array_get(j, 0));
	json_decref(j);
	daytime_day(time(NULL), today, NULL);
	if ((c = httpd_redis(h)) == NULL || (dets = report_rule_detections(c,
	    h->prefix, name, today, (int)days, 100)) == NULL) {
		json_decref(o);
		reply_unavailable(h, req);
		return;
	}
	json_object_set_new(o, "detections_latest", dets);
	reply_json(req, 200, "OK", o);
}

/*
 * The rate kept for a sensor, found by name in the sorted table or
 * added to it (*fresh set); NULL when it cannot be kept (a name too
 * long, the table full, out of memory).
 */
static struct rate *
rate_find(struct httpd *h, const char *name, int *fresh)
{
	struct rate	*r;
	size_t		 lo = 0, hi = h->nrates, mid, cap;
	int		 c;

	*fresh = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(h->rates[mid].sensor, name)) == 0)
			return &h->rates[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (strlen(name) >= sizeof(h->rates[0].sensor) ||
	    h->nrates == RATES_MAX)
		return NULL;
	if (h->nrates == h->caprates) {
		cap = h->caprates ? 2 * h->caprates : 64;
		if ((r = reallocarray(h->rates, cap, sizeof(*r))) == NULL) {
			log_warn("http: sensor rates");
			return NULL;
		}
		h->rates = r;
		h->caprates = cap;
	}
	memmove(&h->rates[lo + 1], &h->rates[lo],
	    (h->nrates - lo) * sizeof(*h->rates));
	h->nrates++;
	r = &h->rates[lo];
	memset(r, 0, sizeof(*r));
	memcpy(r->sensor, name, strlen(name) + 1);
	*fresh = 1;
	return r;
}

/* Follows each sensor's event count to give a rate per minute. */
static void
sensor_rates(struct httpd *h, json_t *arr)
{
	struct rate	*r;
	json_t		*o, *hl;
	const char	*name;
	long long	 t, ev;
	size_t		 i;
	int		 fresh;

	for (i = 0; i < json_array_size(arr); i++) {
		o = json_array_get(arr, i);
		name = json_string_value(json_object_get(o, "sensor"));
		hl = json_object_get(o, "health");
		t = strtoll(json_string_value(json_object_get(hl, "updated")) ?
		    json_string_value(json_object_get(hl, "updated")) : "0",
		    NULL, 10);
		ev = strtoll(json_string_value(json_object_get(hl, "events")) ?
		    json_string_value(json_object_get(hl, "events")) : "0",
		    NULL, 10);
		if (name == NULL || (r = rate_find(h, name, &fresh)) == NULL) {
			json_object_set_new(o, "events_per_minute",
			    json_null());
			continue;
		}
		if (fresh) {
			r->t[0] = r->t[1] = t;
			r->ev[0] = r->ev[1] = ev;
		}
		if (t > r->t[1]) {
			r->t[0] = r->t[1];
			r->ev[0] = r->ev[1];
			r->t[1] = t;
			r->ev[1] = ev;
		}
		json_object_set_new(o, "events_per_minute", r->t[1] > r->t[0] ?
		    json_real((double)(r->ev[1] - r->ev[0]) * 60.0 /
		    (double)(r->t[1] - r->t[0])) : json_null());
	}
}

static void
api_sensors(struct httpd *h, struct evhttp_request *req)
{
	struct rconn	*c;
	json_t		*j;

	if ((c = httpd_redis(h)) == NULL ||
	    (j = report_sensors(c, h->prefix)) == NULL) {
		reply_unavailable(h, req);
		return;
	}
	sensor_rates(h, j);
	reply_json(req, 200, "OK", j);
}

static void
api_incident(struct httpd *h, struct evhttp_request *req, const char *id)
{
	struct rconn	*c;
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
	struct rconn		*c;
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
		cache_clear(h);
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
 * The replies evhttp makes itself (400 for a request it cannot parse,
 * 413 past the header or body limit, 408) carry no header of ours: the
 * status line of such a reply, as it goes into a connection's output,
 * is followed at once by the headers every reply has.
 */
#define ERROR_HEADERS	"X-Content-Type-Options: nosniff\r\n" \
			"Referrer-Policy: no-referrer\r\n" \
			"X-Frame-Options: DENY\r\n" \
			"Cross-Origin-Resource-Policy: same-origin\r\n" \
			"Content-Security-Policy: " CSP_API "\r\n" \
			"Cache-Control: no-store\r\n"

static void
conn_output(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct httpd		*h = arg;
	struct evbuffer_ptr	 pos;
	char			 line[13];
	size_t			 len = evbuffer_get_length(buf);

	if (h->replying || h->injecting || info->n_added < sizeof(line) ||
	    info->n_added > len ||
	    evbuffer_ptr_set(buf, &pos, len - info->n_added,
	    EVBUFFER_PTR_SET) == -1 ||
	    evbuffer_copyout_from(buf, &pos, line, sizeof(line)) !=
	    (ssize_t)sizeof(line))
		return;
	if (memcmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
	    line[9] < '4' || line[9] > '5')
		return;
	h->injecting = 1;
	httpd_count_code(atoi(line + 9));
	(void)evbuffer_add(buf, ERROR_HEADERS, sizeof(ERROR_HEADERS) - 1);
	h->injecting = 0;
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
	if (evbuffer_add_cb(bufferevent_get_output(bev), conn_output, h) ==
	    NULL) {
		bufferevent_free(bev);
		return NULL;
	}
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

static void
httpd_accept_error(struct evconnlistener *lev, void *arg)
{
	struct httpd	*h = the_httpd;
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

/* A request's header lines, as route_request() takes them. */
static size_t
request_headers(struct evhttp_request *req, struct route_header *h,
    size_t cap)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	size_t			 n = 0;

	TAILQ_FOREACH(kv, in, next) {
		if (n == cap)
			break;
		h[n].name = kv->key;
		h[n++].value = kv->value;
	}
	return n;
}

static void
httpd_request(struct evhttp_request *req, void *arg)
{
	struct httpd		*h = arg;
	struct route_header	 hdr[HEADER_COUNT_MAX + 1];
	struct route_in		 in;
	struct route		 r;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	const char		*uri = evhttp_request_get_uri(req);

	conn_request(h, req);
	memset(&in, 0, sizeof(in));
	in.method = cmd == EVHTTP_REQ_GET ? ROUTE_GET :
	    cmd == EVHTTP_REQ_HEAD ? ROUTE_HEAD :
	    cmd == EVHTTP_REQ_POST ? ROUTE_POST : ROUTE_OTHER;
	in.uri = uri;
	in.h = hdr;
	in.nh = request_headers(req, hdr, HEADER_COUNT_MAX + 1);
	in.token = h->token;
	in.loopback = h->loopback;
	if (route_request(&in, &r) == ROUTE_REFUSED) {
		if (r.allow != NULL)
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "Allow", r.allow);
		if (r.challenge)
			evhttp_add_header(evhttp_request_get_output_headers(req),
			    "WWW-Authenticate", "Bearer realm=\"vigie\"");
		if (r.text)
			reply_text(req, r.status, r.reason, r.error);
		else
			reply_error(req, r.status, r.reason, r.error);
		return;
	}
	log_debug("http: %s %s", method_name(cmd), uri);
	switch (r.kind) {
	case ROUTE_CHANGE:
		api_incident_change(h, req, r.id, r.op);
		return;
	case ROUTE_STATIC:
		serve_static(h, req, r.file, r.type);
		return;
	case ROUTE_HEALTHZ:
		report_deadline(REQUEST_REDIS_MS, REDIS_TIMEOUT_MS);
		serve_healthz(h, req);
		report_deadline(0, 0);
		return;
	case ROUTE_METRICS:
		report_deadline(REQUEST_REDIS_MS, REDIS_TIMEOUT_MS);
		serve_metrics(h, req);
		report_deadline(0, 0);
		return;
	case ROUTE_FAVICON:
		headers_common(req, "image/x-icon", 0);
		reply_buf(req, 204, "No Content", NULL);
		return;
	default:
		break;
	}
	if (!h->no_cache && cache_reply(h, req, uri))
		return;
	h->caching = h->no_cache ? NULL : uri;
	report_deadline(REQUEST_REDIS_MS, REDIS_TIMEOUT_MS);
	httpd_api(h, req, &r);
	report_deadline(0, 0);
	if (h->redis != NULL)
		(void)rconn_timeout(h->redis, REDIS_TIMEOUT_MS);
	h->caching = NULL;
}

/* GET /api/v1/...: one of the readers. */
static void
httpd_api(struct httpd *h, struct evhttp_request *req, const struct route *r)
{
	switch (r->kind) {
	case ROUTE_REPORT: api_report(h, req, &r->q); break;
	case ROUTE_DAYS: api_days(h, req, &r->q); break;
	case ROUTE_INCIDENTS: api_incidents(h, req, &r->q); break;
	case ROUTE_INCIDENT: api_incident(h, req, r->arg); break;
	case ROUTE_SOURCE: api_source(h, req, r->arg, &r->q); break;
	case ROUTE_RULES: api_rules(h, req, &r->q); break;
	case ROUTE_RULE: api_rule(h, req, r->arg, &r->q); break;
	case ROUTE_SENSORS: api_sensors(h, req); break;
	default:
		reply_error(req, 404, "Not Found", "no such endpoint");
		break;
	}
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
	if (pthread_mutex_init(&h->src_lock, NULL) != 0) {
		free(h);
		return NULL;
	}
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

	h->no_cache = getenv("VIGIE_HTTP_NO_CACHE") != NULL;
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
	the_httpd = h;
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

void
httpd_set_source(struct httpd *h, const struct httpd_source *src)
{
	(void)pthread_mutex_lock(&h->src_lock);
	h->src = *src;
	(void)pthread_mutex_unlock(&h->src_lock);
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
	cache_clear(h);
	free(h->rates);
	if (the_httpd == h)
		the_httpd = NULL;
	if (h->base != NULL)
		event_base_free(h->base);
	if (h->wakefd[0] != -1)
		close(h->wakefd[0]);
	if (h->wakefd[1] != -1)
		close(h->wakefd[1]);
	if (h->redis != NULL)
		rconn_close(h->redis);
	if (h->token != NULL) {
		explicit_bzero(h->token, strlen(h->token));
		free(h->token);
	}
	free(h->redis_addr);
	free(h->prefix);
	free(h->web_root);
	(void)pthread_mutex_destroy(&h->src_lock);
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
