/*
 * tests/fuzz/fuzz_http.c - libFuzzer target for the web server's
 * decisions before it reads anything (correlator/route.c): the request
 * target, its decoding, the query, the route, the method, the Host check
 * and the bearer token. Owns nothing.
 *
 * Input: byte 0 picks the method (bits 0-1), a loopback server (bit 2)
 * and whether a token is configured (bit 3); the rest is lines: the
 * request target, then header lines "Name: value". Asserted: a refusal
 * is a 4xx with a reason; an accepted target is printable, its path and
 * parameters decoded without a control character; a read of /api or
 * /metrics off loopback, and every change, carry the token; a change is
 * a POST; what is served is one of the files or endpoints; a query built
 * back from the decoded parameters decodes to the same; token_equal() is
 * strcmp() == 0.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../correlator/route.h"

#include "fuzz.h"

#define TOKEN	"s3cret-token-0123456789"
#define LINES	(HEADER_COUNT_MAX + 8)

static char	 buf[65536];

/* No control character, no byte past ASCII's printable range in s. */
static int
clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

/* A "." or ".." segment in path. */
static int
dot_segment(const char *p)
{
	size_t	 n;

	while ((p = strchr(p, '/')) != NULL) {
		n = strcspn(++p, "/");
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 1;
	}
	return 0;
}

/* The request carries "Bearer TOKEN" in its one (or first) line. */
static int
has_token(const struct route_in *in, int one)
{
	size_t	 i, n = 0;
	int	 first = -1;

	for (i = 0; i < in->nh; i++)
		if (strcasecmp(in->h[i].name, "Authorization") == 0) {
			if (first == -1)
				first = (int)i;
			n++;
		}
	if (first == -1 || (one && n != 1))
		return 0;
	return strncasecmp(in->h[first].value, "Bearer ", 7) == 0 &&
	    strcmp(in->h[first].value + 7, TOKEN) == 0;
}

/* Percent-encodes s into out (everything but letters and digits). */
static void
encode(const char *s, char *out, size_t cap)
{
	size_t	 k = 0;

	for (; *s != '\0' && k + 4 < cap; s++) {
		unsigned char	 c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, cap - k, "%%%02X", c);
	}
	out[k] = '\0';
}

/* The decoded query, encoded again, decodes to the same. */
static void
roundtrip(const struct query *q)
{
	static char	 s[PARAM_MAX * PARAM_LEN * 6 + 64];
	struct query	 back;
	size_t		 i, k = 0;
	char		 e[PARAM_LEN * 3 + 1];

	for (i = 0; i < q->n; i++) {
		if (i > 0)
			s[k++] = '&';
		encode(q->p[i].name, e, sizeof(e));
		k += (size_t)snprintf(s + k, sizeof(s) - k, "%s=", e);
		encode(q->p[i].value, e, sizeof(e));
		k += (size_t)snprintf(s + k, sizeof(s) - k, "%s", e);
	}
	s[k] = '\0';
	fuzz_assert(query_parse(s, &back) == 0);
	/* An empty name and value make no parameter ("=" does). */
	fuzz_assert(back.n == q->n);
	for (i = 0; i < q->n; i++) {
		fuzz_assert(strcmp(back.p[i].name, q->p[i].name) == 0);
		fuzz_assert(strcmp(back.p[i].value, q->p[i].value) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct route_header	 h[LINES];
	struct route_in		 in;
	static struct route	 r;
	char			*line, *next, *colon;
	size_t			 i, nl = 0, plen;
	int			 flags;

	if (size < 1 || size >= sizeof(buf))
		return 0;
	flags = data[0];
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	memset(&in, 0, sizeof(in));
	in.method = (enum route_method)(flags & 3);
	in.loopback = (flags & 4) != 0;
	in.token = (flags & 8) ? TOKEN : NULL;
	in.uri = buf;
	in.h = h;
	if ((next = strchr(buf, '\n')) != NULL)
		*next++ = '\0';
	while ((line = next) != NULL && nl < LINES) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon++ = '\0';
		while (*colon == ' ')
			colon++;
		h[nl].name = line;
		h[nl++].value = colon;
	}
	in.nh = nl;

	/* The comparison is a comparison. */
	if (nl > 0)
		fuzz_assert(token_equal(h[0].value, TOKEN) ==
		    (strcmp(h[0].value, TOKEN) == 0));

	switch (route_request(&in, &r)) {
	case ROUTE_REFUSED:
		fuzz_assert(r.status >= 400 && r.status <= 431);
		fuzz_assert(r.reason != NULL && r.error != NULL);
		fuzz_assert((r.status == 405) == (r.allow != NULL));
		fuzz_assert((r.status == 401) == (r.challenge != 0));
		return 0;
	case ROUTE_STATIC:
		fuzz_assert(r.file != NULL && strchr(r.file, '/') == NULL &&
		    strstr(r.file, "..") == NULL && r.type != NULL);
		break;
	case ROUTE_HEALTHZ:
		fuzz_assert(strcmp(r.path, "/healthz") == 0);
		break;
	case ROUTE_FAVICON:
		break;
	case ROUTE_CHANGE:
		fuzz_assert(in.method == ROUTE_POST);
		fuzz_assert(in.token != NULL && has_token(&in, 1));
		fuzz_assert(r.id[0] != '\0' && strlen(r.id) < sizeof(r.id));
		fuzz_assert(strchr(r.id, '/') == NULL);
		fuzz_assert(r.op == INCIDENT_ACK || r.op == INCIDENT_CLOSE);
		break;
	case ROUTE_METRICS:
	default:
		/* A read: on loopback, or with the token. */
		fuzz_assert(in.loopback || has_token(&in, 0));
		if (r.kind != ROUTE_METRICS)
			fuzz_assert(strncmp(r.path, "/api/v1/", 8) == 0);
		if (r.kind == ROUTE_INCIDENT || r.kind == ROUTE_SOURCE ||
		    r.kind == ROUTE_RULE)
			fuzz_assert(r.arg != NULL && *r.arg != '\0' &&
			    strchr(r.arg, '/') == NULL &&
			    r.arg > r.path && r.arg < r.path + sizeof(r.path));
		break;
	}
	fuzz_assert(r.kind == ROUTE_CHANGE || in.method == ROUTE_GET ||
	    in.method == ROUTE_HEAD);
	/* Accepted: a bounded, printable, origin-form target, decoded. */
	fuzz_assert(strlen(in.uri) <= URI_MAX && in.uri[0] == '/');
	for (i = 0; in.uri[i] != '\0'; i++)
		fuzz_assert((unsigned char)in.uri[i] > 0x20 &&
		    (unsigned char)in.uri[i] < 0x7f && in.uri[i] != '#');
	fuzz_assert(r.path[0] == '/' && clean(r.path));
	/* Served paths are matched whole: no dot segment gets through. */
	fuzz_assert(!dot_segment(r.path));
	plen = strcspn(in.uri, "?");
	fuzz_assert(memmem(in.uri, plen, "%2f", 3) == NULL &&
	    memmem(in.uri, plen, "%2F", 3) == NULL);
	fuzz_assert(in.nh <= HEADER_COUNT_MAX);
	fuzz_assert(r.q.n <= PARAM_MAX);
	for (i = 0; i < r.q.n; i++) {
		fuzz_assert(strlen(r.q.p[i].name) < PARAM_LEN &&
		    clean(r.q.p[i].name));
		fuzz_assert(strlen(r.q.p[i].value) < PARAM_LEN &&
		    clean(r.q.p[i].value));
	}
	roundtrip(&r.q);
	return 0;
}
