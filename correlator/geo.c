/*
 * correlator/geo.c - country lookups in a .mmdb database.
 * Owns the MMDB_s (memory-mapped, read-only, shared by all workers).
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "geo.h"
#include "log.h"

int
geo_open(struct geo *g, const char *path)
{
	int	 rc;

	memset(g, 0, sizeof(*g));
	if ((rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db)) != MMDB_SUCCESS) {
		log_warnx("geo database %s: %s", path, MMDB_strerror(rc));
		return -1;
	}
	g->open = 1;
	return 0;
}

static int
geo_code(MMDB_lookup_result_s *res, const char *const *path, char cc[3])
{
	MMDB_entry_data_s	 d;

	if (MMDB_aget_value(&res->entry, &d, path) != MMDB_SUCCESS ||
	    !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING ||
	    d.data_size != 2)
		return -1;
	if (!((d.utf8_string[0] >= 'A' && d.utf8_string[0] <= 'Z') &&
	    (d.utf8_string[1] >= 'A' && d.utf8_string[1] <= 'Z')))
		return -1;
	cc[0] = d.utf8_string[0];
	cc[1] = d.utf8_string[1];
	cc[2] = '\0';
	return 0;
}

int
geo_country(const struct geo *g, const struct netaddr *addr, char cc[3])
{
	static const char *const maxmind[] = { "country", "iso_code", NULL };
	static const char *const ipdb[] = { "country_code", NULL };
	static const char *const registered[] = { "registered_country",
	    "iso_code", NULL };
	MMDB_lookup_result_s	 res;
	struct sockaddr_in	 s4;
	struct sockaddr_in6	 s6;
	struct sockaddr		*sa;
	char			 text[64];
	int			 mmerr;

	cc[0] = '\0';
	if (!g->open)
		return 0;
	/* Never MMDB_lookup_string: it would resolve host names. */
	if (netaddr_is_v4(addr)) {
		memset(&s4, 0, sizeof(s4));
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, addr->a + 12, 4);
		sa = (struct sockaddr *)&s4;
	} else {
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		memcpy(&s6.sin6_addr, addr->a, 16);
		sa = (struct sockaddr *)&s6;
	}
	res = MMDB_lookup_sockaddr((MMDB_s *)&g->db, sa, &mmerr);
	if (mmerr != MMDB_SUCCESS) {
		netaddr_format(addr, text, sizeof(text));
		log_warnx("geo lookup %s: %s", text, MMDB_strerror(mmerr));
		return -1;
	}
	if (!res.found_entry)
		return 0;
	if (geo_code(&res, maxmind, cc) == 0 || geo_code(&res, ipdb, cc) == 0 ||
	    geo_code(&res, registered, cc) == 0)
		return 0;
	cc[0] = '\0';
	return 0;
}

void
geo_close(struct geo *g)
{
	if (g->open)
		MMDB_close(&g->db);
	g->open = 0;
}

/*
 * The first data record of the search tree, walking left then right
 * from the root: any record shows the fields the database has.
 */
static int
geo_first_record(MMDB_s *db, uint32_t node, int depth, MMDB_entry_s *out)
{
	MMDB_search_node_s	 n;
	int			 side;

	if (depth > 128 || MMDB_read_node(db, node, &n) != MMDB_SUCCESS)
		return -1;
	for (side = 0; side < 2; side++) {
		uint8_t		 type = side ? n.right_record_type :
			    n.left_record_type;
		uint64_t	 rec = side ? n.right_record : n.left_record;

		if (type == MMDB_RECORD_TYPE_DATA) {
			*out = side ? n.right_record_entry : n.left_record_entry;
			return 0;
		}
		if (type == MMDB_RECORD_TYPE_SEARCH_NODE &&
		    geo_first_record(db, (uint32_t)rec, depth + 1, out) == 0)
			return 0;
	}
	return -1;
}

int
geo_check(const struct geo *g, char *why, size_t len)
{
	static const char *const maxmind[] = { "country", "iso_code", NULL };
	static const char *const ipdb[] = { "country_code", NULL };
	MMDB_entry_s		 e;
	MMDB_entry_data_s	 d;

	if (!g->open) {
		snprintf(why, len, "not open");
		return -1;
	}
	if (geo_first_record((MMDB_s *)&g->db, 0, 0, &e) == -1) {
		snprintf(why, len, "no record found (type %s)",
		    g->db.metadata.database_type);
		return -1;
	}
	if ((MMDB_aget_value(&e, &d, maxmind) == MMDB_SUCCESS && d.has_data) ||
	    (MMDB_aget_value(&e, &d, ipdb) == MMDB_SUCCESS && d.has_data))
		return 0;
	snprintf(why, len, "its records have no country (neither "
	    "country.iso_code nor country_code; type %s)",
	    g->db.metadata.database_type);
	return -1;
}
