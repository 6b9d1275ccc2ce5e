/*
 * correlator/geo.h - country of an address from a .mmdb file (libmaxminddb),
 * MaxMind schema (country.iso_code) or ip-location-db (country_code).
 */
#ifndef VIGIE_GEO_H
#define VIGIE_GEO_H

#include <maxminddb.h>

#include "netaddr.h"

struct geo {
	MMDB_s	 db;
	int	 open;
};

/* Opens path. Returns 0, or -1 after logging why (names the file). */
int	geo_open(struct geo *, const char *path);
/*
 * Writes the ISO 3166 code of the address into cc[3], "" when the
 * database does not know it or no database is open. Returns 0 or -1 on a
 * lookup error (logged). Thread-safe on an open database.
 */
int	geo_country(const struct geo *, const struct netaddr *, char cc[3]);
/*
 * Checks that the database's records carry a country (MaxMind's
 * country.iso_code or ip-location-db's country_code). Returns 0, or -1
 * with why.
 */
int	geo_check(const struct geo *, char *why, size_t len);
void	geo_close(struct geo *);

#endif
