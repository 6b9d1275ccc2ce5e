/*
 * core/netaddr.h - IPv4/IPv6 addresses and CIDR sets (internal-networks).
 * IPv4 is kept as IPv4-mapped IPv6 so one lookup serves both families.
 */
#ifndef VIGIE_NETADDR_H
#define VIGIE_NETADDR_H

#include <stddef.h>
#include <stdint.h>

struct netaddr {
	uint8_t	 a[16];		/* IPv6, or ::ffff:a.b.c.d for IPv4 */
};

struct cidrset;

/* Parses an IPv4 or IPv6 literal. Returns 0 or -1. */
int		 netaddr_parse(const char *s, struct netaddr *out);
int		 netaddr_is_v4(const struct netaddr *);
/* Canonical text: dotted quad for IPv4 (mapped too), RFC 5952 for IPv6. */
void		 netaddr_format(const struct netaddr *, char *buf, size_t len);

/* Returns an empty set, or NULL on allocation failure. */
struct cidrset	*cidrset_new(void);
void		 cidrset_free(struct cidrset *);
/* Adds "a.b.c.d/n", "v6/n" or a bare address. Returns 0, or -1 if malformed. */
int		 cidrset_add(struct cidrset *, const char *cidr);
/* Parses a comma/space separated list; on error names the bad item in err. */
int		 cidrset_add_list(struct cidrset *, const char *list,
		    char *err, size_t errlen);
int		 cidrset_contains(const struct cidrset *, const struct netaddr *);
size_t		 cidrset_count(const struct cidrset *);

#endif
