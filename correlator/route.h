/*
 * correlator/route.h - what the web server decides before it reads
 * anything: the request target checked and decoded, the query split,
 * the route, the method and the token. Pure: no socket, no Redis, no
 * libevent; http.c replies as it says, tests/fuzz/fuzz_http.c drives it.
 */
#ifndef VIGIE_ROUTE_H
#define VIGIE_ROUTE_H

#include <stddef.h>

#include "incident.h"

#define URI_MAX		2048	/* longest request target accepted */
#define PARAM_MAX	12	/* query parameters */
#define PARAM_LEN	64	/* bytes of one decoded name or value */
#define HEADER_COUNT_MAX 64	/* header lines in a request */
#define ROUTE_ID_MAX	32	/* an incident id of a change, NUL included */

struct param {
	char	 name[PARAM_LEN];
	char	 value[PARAM_LEN];
};

struct query {
	struct param	 p[PARAM_MAX];
	size_t		 n;
};

struct route_header {
	const char	*name;
	const char	*value;
};

enum route_method { ROUTE_GET, ROUTE_HEAD, ROUTE_POST, ROUTE_OTHER };

/* A request as the server received it. */
struct route_in {
	enum route_method		 method;
	const char			*uri;	/* the raw target */
	const struct route_header	*h;	/* its header lines, in order */
	size_t				 nh;	/* HEADER_COUNT_MAX + 1: too many */
	const char			*token;	/* NULL: none configured */
	int				 loopback; /* the server listens there */
};

enum route_kind {
	ROUTE_REFUSED,		/* status, reason, error: the reply */
	ROUTE_STATIC,		/* file, type */
	ROUTE_HEALTHZ,
	ROUTE_METRICS,
	ROUTE_FAVICON,
	ROUTE_REPORT,		/* GET /api/v1/...: */
	ROUTE_DAYS,
	ROUTE_INCIDENTS,
	ROUTE_INCIDENT,		/* arg: the id, unchecked */
	ROUTE_SOURCE,		/* arg: the address, unchecked */
	ROUTE_RULES,
	ROUTE_RULE,		/* arg: the name, unchecked */
	ROUTE_SENSORS,
	ROUTE_CHANGE		/* POST: id, op; authorized */
};

struct route {
	enum route_kind	 kind;
	int		 status;	/* ROUTE_REFUSED: 400 to 431 */
	const char	*reason;	/* its reason phrase */
	const char	*error;		/* what is wrong, for the body */
	int		 text;		/* the body as text/plain, not JSON */
	const char	*allow;		/* 405: the Allow header */
	int		 challenge;	/* 401: WWW-Authenticate */
	char		 path[URI_MAX + 1];	/* decoded */
	struct query	 q;
	const char	*file, *type;	/* ROUTE_STATIC */
	const char	*arg;		/* into path */
	char		 id[ROUTE_ID_MAX];	/* ROUTE_CHANGE */
	enum incident_op op;
};

/*
 * Decides a request. The target must be origin-form printable ASCII of at
 * most URI_MAX bytes whose escapes decode to no control character, with
 * no encoded '/' in the path (paths are matched whole: "/../" is only
 * not found); at most
 * HEADER_COUNT_MAX header lines, one Host. Reads of /api and /metrics
 * need, on a loopback server, a Host that names loopback (against DNS
 * rebinding), elsewhere the bearer token; a change needs POST, the same
 * origin and the token (403 when none is configured). The kind says what
 * to serve; ROUTE_REFUSED the 4xx reply. Returns r->kind.
 */
enum route_kind	 route_request(const struct route_in *, struct route *r);

/*
 * Decodes s[0..len) (%XX, and '+' as a space when `plus`) into out.
 * Returns 0, or -1 on a bad escape, a control character (NUL included)
 * or when it does not fit.
 */
int		 uri_decode(const char *s, size_t len, int plus, char *out,
		    size_t outlen);
/* Splits and decodes "a=1&b=2" (NULL: none). Returns 0, or -1. */
int		 query_parse(const char *q, struct query *out);
/*
 * The value of parameter `name`, NULL if absent. Sets *dup when it is
 * given twice (which the API refuses).
 */
const char	*query_get(const struct query *q, const char *name, int *dup);
/* 1 when equal; the time taken does not say where they differ. */
int		 token_equal(const char *a, const char *b);
/* 1 when the Host header names this machine's loopback. */
int		 host_loopback(const char *host);

#endif
