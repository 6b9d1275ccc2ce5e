/*
 * collector/appmeta.c - the client payload's first words: HTTP/1.x
 * request line and headers, TLS ClientHello server_name, SSH banner.
 * Values keep printable ASCII only and are cut to their buffer. Pure.
 */
#include <string.h>
#include <strings.h>

#include "appmeta.h"

/* Copies d[0..n) into out as printable ASCII; 0 when nothing fits. */
static size_t
copy_text(char *out, size_t size, const uint8_t *d, size_t n)
{
	size_t	 i, k = 0;

	for (i = 0; i < n && k + 1 < size; i++)
		if (d[i] >= 0x20 && d[i] < 0x7f)
			out[k++] = (char)d[i];
	out[k] = '\0';
	return k;
}

static const char *const http_methods[] = {
	"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH",
	"CONNECT", "TRACE", "PROPFIND", NULL
};

static const uint8_t *
find_eol(const uint8_t *p, const uint8_t *end)
{
	const uint8_t	*q = memchr(p, '\n', (size_t)(end - p));

	return q;
}

static int
http_parse(const uint8_t *d, size_t n, struct appmeta *m)
{
	const uint8_t	*end = d + n, *eol, *sp1, *sp2, *p, *e;
	size_t		 i, ml = 0;

	for (i = 0; http_methods[i] != NULL; i++) {
		ml = strlen(http_methods[i]);
		if (n > ml && memcmp(d, http_methods[i], ml) == 0 &&
		    d[ml] == ' ')
			break;
	}
	if (http_methods[i] == NULL)
		return 0;
	eol = find_eol(d, end);
	e = eol ? eol : end;
	sp1 = d + ml;
	if ((sp2 = memchr(sp1 + 1, ' ', (size_t)(e - sp1 - 1))) == NULL ||
	    (size_t)(e - sp2) < 9 || memcmp(sp2 + 1, "HTTP/", 5) != 0)
		return 0;
	m->app_proto = "http";
	copy_text(m->method, sizeof(m->method), d, ml);
	copy_text(m->url, sizeof(m->url), sp1 + 1, (size_t)(sp2 - sp1 - 1));
	for (p = eol ? eol + 1 : end; p < end; p = eol + 1) {
		if ((eol = find_eol(p, end)) == NULL)
			eol = end;	/* a header cut by the limit: taken */
		e = eol;
		if (e > p && e[-1] == '\r')
			e--;
		if (e == p)
			break;		/* end of the headers */
		if ((size_t)(e - p) > 5 && strncasecmp((const char *)p,
		    "host:", 5) == 0) {
			for (p += 5; p < e && (*p == ' ' || *p == '\t'); p++)
				;
			copy_text(m->host, sizeof(m->host), p, (size_t)(e - p));
		} else if ((size_t)(e - p) > 11 && strncasecmp((const char *)p,
		    "user-agent:", 11) == 0) {
			for (p += 11; p < e && (*p == ' ' || *p == '\t'); p++)
				;
			copy_text(m->user_agent, sizeof(m->user_agent), p,
			    (size_t)(e - p));
		}
		if (eol == end)
			break;
	}
	return 1;
}

static inline uint32_t
be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

/* A ClientHello in the first record (its bytes as far as we have them). */
static int
tls_parse(const uint8_t *d, size_t n, struct appmeta *m)
{
	size_t	 off, end, l, extend;

	if (n < 6 || d[0] != 0x16 || d[1] != 0x03 || d[5] != 0x01)
		return 0;
	m->app_proto = "tls";
	end = 5 + be16(d + 3);
	if (end > n)
		end = n;
	/* handshake header 4, version 2, random 32 */
	off = 5 + 4 + 2 + 32;
	if (off + 1 > end)
		return 1;
	off += 1 + d[off];			/* session id */
	if (off + 2 > end)
		return 1;
	off += 2 + be16(d + off);		/* cipher suites */
	if (off + 1 > end)
		return 1;
	off += 1 + d[off];			/* compression methods */
	if (off + 2 > end)
		return 1;
	extend = off + 2 + be16(d + off);
	if (extend > end)
		extend = end;
	for (off += 2; off + 4 <= extend; off += 4 + l) {
		l = be16(d + off + 2);
		if (be16(d + off) != 0 || off + 4 + l > extend)
			continue;
		/* server_name: list length 2, type 1 (0: host_name), length 2 */
		if (l >= 5 && d[off + 6] == 0) {
			size_t	 hl = be16(d + off + 7);

			if (off + 9 + hl <= extend)
				copy_text(m->sni, sizeof(m->sni), d + off + 9, hl);
		}
		break;
	}
	return 1;
}

static int
ssh_parse(const uint8_t *d, size_t n, struct appmeta *m)
{
	const uint8_t	*p, *end = d + n, *e;

	if (n < 8 || memcmp(d, "SSH-", 4) != 0)
		return 0;
	m->app_proto = "ssh";
	/* SSH-protoversion-softwareversion SP comments CR LF */
	if ((p = memchr(d + 4, '-', (size_t)(n - 4))) == NULL)
		return 1;
	p++;
	for (e = p; e < end && *e != ' ' && *e != '\r' && *e != '\n'; e++)
		;
	copy_text(m->ssh, sizeof(m->ssh), p, (size_t)(e - p));
	return 1;
}

void
appmeta_parse(const uint8_t *d, size_t n, struct appmeta *m)
{
	memset(m, 0, sizeof(*m));
	if (n == 0)
		return;
	if (http_parse(d, n, m) || tls_parse(d, n, m))
		return;
	ssh_parse(d, n, m);
}
