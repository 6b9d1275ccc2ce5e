/*
 * core/netaddr.c - address parsing and CIDR sets for internal-networks.
 * Owns each cidrset's entry array. IPv4 lives as ::ffff:0:0/96.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

struct cidr {
	struct netaddr	 net;	/* masked */
	int		 bits;	/* over the 128-bit mapped form */
};

struct cidrset {
	struct cidr	*v;
	size_t		 n, cap;
};

static const uint8_t v4mapped[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };

int
netaddr_parse(const char *s, struct netaddr *out)
{
	struct in_addr	 a4;

	memset(out, 0, sizeof(*out));
	if (strchr(s, ':') == NULL) {
		if (inet_pton(AF_INET, s, &a4) != 1)
			return -1;
		memcpy(out->a, v4mapped, 12);
		memcpy(out->a + 12, &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, s, out->a) == 1 ? 0 : -1;
}

int
netaddr_is_v4(const struct netaddr *a)
{
	return memcmp(a->a, v4mapped, 12) == 0;
}

void
netaddr_format(const struct netaddr *a, char *buf, size_t len)
{
	if (netaddr_is_v4(a)) {
		if (inet_ntop(AF_INET, a->a + 12, buf, (socklen_t)len) == NULL)
			snprintf(buf, len, "?");
	} else if (inet_ntop(AF_INET6, a->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

static void
netaddr_mask(struct netaddr *a, int bits)
{
	int	 i;

	for (i = 0; i < 16; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			a->a[i] &= (uint8_t)(0xff << (8 - bits));
			bits = 0;
		}
	}
}

struct cidrset *
cidrset_new(void)
{
	return calloc(1, sizeof(struct cidrset));
}

void
cidrset_free(struct cidrset *s)
{
	if (s == NULL)
		return;
	free(s->v);
	free(s);
}

int
cidrset_add(struct cidrset *s, const char *cidr)
{
	char		 buf[64], *slash, *end;
	struct cidr	 c;
	long		 bits;
	int		 v4;

	if (strlen(cidr) >= sizeof(buf))
		return -1;
	strcpy(buf, cidr);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (netaddr_parse(buf, &c.net) == -1)
		return -1;
	v4 = strchr(buf, ':') == NULL;
	if (slash == NULL)
		bits = v4 ? 32 : 128;
	else {
		if (!isdigit((unsigned char)*slash))
			return -1;
		bits = strtol(slash, &end, 10);
		if (*end != '\0' || bits < 0 || bits > (v4 ? 32 : 128))
			return -1;
	}
	c.bits = (int)bits + (v4 ? 96 : 0);
	netaddr_mask(&c.net, c.bits);
	if (s->n == s->cap) {
		size_t		 ncap = s->cap ? s->cap * 2 : 8;
		struct cidr	*nv = realloc(s->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = c;
	return 0;
}

int
cidrset_add_list(struct cidrset *s, const char *list, char *err, size_t errlen)
{
	const char	*p = list, *q;
	char		 item[64];
	size_t		 n;

	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		for (q = p; *q != '\0' && *q != ',' &&
		    !isspace((unsigned char)*q); q++)
			;
		n = (size_t)(q - p);
		if (n >= sizeof(item)) {
			snprintf(err, errlen, "network \"%.*s...\" too long",
			    20, p);
			return -1;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (cidrset_add(s, item) == -1) {
			snprintf(err, errlen, "bad network \"%s\"", item);
			return -1;
		}
		p = q;
	}
}

int
cidrset_contains(const struct cidrset *s, const struct netaddr *a)
{
	size_t	 i;
	int	 full, rest;

	for (i = 0; i < s->n; i++) {
		full = s->v[i].bits / 8;
		rest = s->v[i].bits % 8;
		if (memcmp(a->a, s->v[i].net.a, (size_t)full) != 0)
			continue;
		if (rest == 0 || ((a->a[full] ^ s->v[i].net.a[full]) &
		    (uint8_t)(0xff << (8 - rest))) == 0)
			return 1;
	}
	return 0;
}

size_t
cidrset_count(const struct cidrset *s)
{
	return s->n;
}
