/*
 * correlator/route.c - a request's target, query, route, method and
 * token, decided before anything is read. Pure (route.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "route.h"

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

/* GET /api/v1/<name>, /api/v1/<name>/<arg> (one segment, not a dot one). */
static const struct {
	const char	*path;
	int		 arg;
	enum route_kind	 kind;
} api_routes[] = {
	{ "/api/v1/report",	0, ROUTE_REPORT },
	{ "/api/v1/days",	0, ROUTE_DAYS },
	{ "/api/v1/incidents",	0, ROUTE_INCIDENTS },
	{ "/api/v1/incidents/",	1, ROUTE_INCIDENT },
	{ "/api/v1/source/",	1, ROUTE_SOURCE },
	{ "/api/v1/rules",	0, ROUTE_RULES },
	{ "/api/v1/rules/",	1, ROUTE_RULE },
	{ "/api/v1/sensors",	0, ROUTE_SENSORS },
};

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

int
uri_decode(const char *s, size_t len, int plus, char *out, size_t outlen)
{
	size_t	 i, k = 0;
	int	 hi, lo, c;

	if (outlen == 0)
		return -1;
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

int
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

const char *
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

int
token_equal(const char *a, const char *b)
{
	size_t		 la = strlen(a), lb = strlen(b), i;
	unsigned char	 d = la != lb;

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return d == 0;
}

int
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

/* The first header line called name (any case), or NULL. */
static const char *
header_find(const struct route_in *in, const char *name)
{
	size_t	 i;

	for (i = 0; i < in->nh; i++)
		if (strcasecmp(in->h[i].name, name) == 0)
			return in->h[i].value;
	return NULL;
}

static size_t
header_count(const struct route_in *in, const char *name)
{
	size_t	 i, n = 0;

	for (i = 0; i < in->nh; i++)
		if (strcasecmp(in->h[i].name, name) == 0)
			n++;
	return n;
}

static enum route_kind
refuse(struct route *r, int status, const char *reason, const char *error)
{
	r->kind = ROUTE_REFUSED;
	r->status = status;
	r->reason = reason;
	r->error = error;
	return r->kind;
}

static enum route_kind
refuse_token(struct route *r)
{
	r->challenge = 1;
	return refuse(r, 401, "Unauthorized", "bearer token required");
}

/* The one Authorization line is "Bearer <token>" (any case for Bearer). */
static int
bearer(const struct route_in *in, int one)
{
	const char	*auth = header_find(in, "Authorization");

	return in->token != NULL && auth != NULL &&
	    (!one || header_count(in, "Authorization") == 1) &&
	    strncasecmp(auth, "Bearer ", 7) == 0 &&
	    token_equal(auth + 7, in->token);
}

/*
 * Reads are open on loopback (with a Host check against DNS rebinding),
 * and need the bearer token elsewhere. Returns 1, or 0 refused.
 */
static int
read_authorized(const struct route_in *in, struct route *r)
{
	const char	*host;

	if (in->loopback) {
		host = header_find(in, "Host");
		if (host != NULL && !host_loopback(host)) {
			refuse(r, 403, "Forbidden",
			    "Host is not a loopback name");
			return 0;
		}
		return 1;
	}
	if (bearer(in, 0))
		return 1;
	refuse_token(r);
	return 0;
}

/*
 * A browser names where a request comes from: Origin must be this
 * server ("http://" and the Host given), Sec-Fetch-Site "same-origin"
 * (or "none": typed by the user). Clients that send neither (curl, the
 * CLI) pass: the bearer token is what they prove.
 */
static int
same_origin(const struct route_in *in)
{
	const char	*origin, *site, *host;

	if (header_count(in, "Origin") > 1 ||
	    header_count(in, "Sec-Fetch-Site") > 1)
		return 0;
	site = header_find(in, "Sec-Fetch-Site");
	if (site != NULL && strcmp(site, "same-origin") != 0 &&
	    strcmp(site, "none") != 0)
		return 0;
	if ((origin = header_find(in, "Origin")) == NULL)
		return 1;
	host = header_find(in, "Host");
	return host != NULL && strncmp(origin, "http://", 7) == 0 &&
	    strcasecmp(origin + 7, host) == 0;
}

/*
 * Writes need the bearer token wherever the server listens, and one must
 * be configured; on loopback the Host check of reads applies first.
 */
static int
write_authorized(const struct route_in *in, struct route *r)
{
	const char	*host;

	if (in->loopback && (host = header_find(in, "Host")) != NULL &&
	    !host_loopback(host)) {
		refuse(r, 403, "Forbidden", "Host is not a loopback name");
		return 0;
	}
	if (in->token == NULL) {
		refuse(r, 403, "Forbidden", "writes need a bearer token "
		    "and none is configured: set http-token-file in "
		    "[correlator]");
		return 0;
	}
	if (!same_origin(in)) {
		refuse(r, 403, "Forbidden", "cross-origin change refused "
		    "(Origin or Sec-Fetch-Site is not this server)");
		return 0;
	}
	if (bearer(in, 1))
		return 1;
	refuse_token(r);
	return 0;
}

/*
 * The change a path names ("/api/v1/incidents/<id>/ack", the id not a
 * dot segment): 1 with the id and the op, or 0.
 */
static int
change_route(const char *path, struct route *r)
{
	const char	*p, *slash;

	if (strncmp(path, "/api/v1/incidents/", 18) != 0)
		return 0;
	p = path + 18;
	if ((slash = strchr(p, '/')) == NULL || slash == p ||
	    (size_t)(slash - p) >= sizeof(r->id) ||
	    strchr(slash + 1, '/') != NULL ||
	    incident_op_parse(slash + 1, &r->op) == -1)
		return 0;
	memcpy(r->id, p, (size_t)(slash - p));
	r->id[slash - p] = '\0';
	return strcmp(r->id, ".") != 0 && strcmp(r->id, "..") != 0;
}

/*
 * The raw path raw[0..len) has an encoded '/': it would make two
 * segments of one where the server routes, and one where a proxy in
 * front matches paths.
 */
static int
encoded_slash(const char *raw, size_t len)
{
	size_t	 i;

	for (i = 0; i + 2 < len; i++)
		if (raw[i] == '%' && raw[i + 1] == '2' &&
		    (raw[i + 2] == 'f' || raw[i + 2] == 'F'))
			return 1;
	return 0;
}

enum route_kind
route_request(const struct route_in *in, struct route *r)
{
	const char	*uri = in->uri, *qs, *p;
	size_t		 i, len, plen;
	int		 change;

	memset(r, 0, sizeof(*r));
	/* The raw target: bounded, printable ASCII, origin-form. */
	len = uri != NULL ? strlen(uri) : 0;
	if (len == 0 || len > URI_MAX || uri[0] != '/')
		return refuse(r, 400, "Bad Request", "bad request target");
	for (i = 0; i < len; i++)
		if ((unsigned char)uri[i] <= 0x20 ||
		    (unsigned char)uri[i] >= 0x7f || uri[i] == '#')
			return refuse(r, 400, "Bad Request",
			    "bad request target");
	qs = strchr(uri, '?');
	plen = qs != NULL ? (size_t)(qs - uri) : len;
	if (uri_decode(uri, plen, 0, r->path, sizeof(r->path)) == -1 ||
	    query_parse(qs != NULL ? qs + 1 : NULL, &r->q) == -1)
		return refuse(r, 400, "Bad Request", "bad request target");
	if (encoded_slash(uri, plen))
		return refuse(r, 400, "Bad Request", "bad request target: "
		    "an encoded / in the path");
	if (in->nh > HEADER_COUNT_MAX)
		return refuse(r, 431, "Request Header Fields Too Large",
		    "too many header lines");
	if (header_count(in, "Host") != 1)
		return refuse(r, 400, "Bad Request", "one Host header is "
		    "required");
	/* Changes take POST only; everything else GET and HEAD. */
	change = change_route(r->path, r);
	if (change ? in->method != ROUTE_POST :
	    in->method != ROUTE_GET && in->method != ROUTE_HEAD) {
		r->allow = change ? "POST" : "GET, HEAD";
		return refuse(r, 405, "Method Not Allowed",
		    change ? "only POST" : "only GET and HEAD");
	}
	if (change) {
		if (!write_authorized(in, r))
			return r->kind;
		return r->kind = ROUTE_CHANGE;
	}
	for (i = 0; i < sizeof(static_files) / sizeof(static_files[0]); i++)
		if (strcmp(r->path, static_files[i].path) == 0) {
			r->file = static_files[i].file;
			r->type = static_files[i].type;
			return r->kind = ROUTE_STATIC;
		}
	if (strcmp(r->path, "/healthz") == 0)
		return r->kind = ROUTE_HEALTHZ;
	if (strcmp(r->path, "/metrics") == 0) {
		if (!read_authorized(in, r))
			return r->kind;
		return r->kind = ROUTE_METRICS;
	}
	if (strcmp(r->path, "/favicon.ico") == 0)
		return r->kind = ROUTE_FAVICON;
	if (strncmp(r->path, "/api/", 5) != 0) {
		r->text = 1;
		return refuse(r, 404, "Not Found", "not found");
	}
	if (!read_authorized(in, r))
		return r->kind;
	for (i = 0; i < sizeof(api_routes) / sizeof(api_routes[0]); i++) {
		len = strlen(api_routes[i].path);
		if (!api_routes[i].arg) {
			if (strcmp(r->path, api_routes[i].path) == 0)
				return r->kind = api_routes[i].kind;
		} else if (strncmp(r->path, api_routes[i].path, len) == 0 &&
		    *(p = r->path + len) != '\0' && strchr(p, '/') == NULL &&
		    strcmp(p, ".") != 0 && strcmp(p, "..") != 0) {
			r->arg = p;
			return r->kind = api_routes[i].kind;
		}
	}
	return refuse(r, 404, "Not Found", "no such endpoint");
}
