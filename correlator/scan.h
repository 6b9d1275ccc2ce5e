/*
 * correlator/scan.h - the compiled rule set (libyara) with each rule's
 * meta, and one scanner per worker that sets the context externals.
 */
#ifndef VIGIE_SCAN_H
#define VIGIE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <yara.h>

enum group_by { G_SRC_IP, G_DEST_IP, G_USER, G_HOST, G_SENSOR, G_RULE };

struct rulemeta {
	const char	*name;		/* owned by the YR_RULES */
	char		 category[32];
	char		 severity[16];
	char		 description[256];
	int		 threshold;
	int		 window;	/* seconds */
	enum group_by	 group_by;
};

struct ruleset {
	YR_RULES	*rules;
	struct rulemeta	*meta;		/* indexed like rules->rules_table */
	size_t		 n;
};

/* The context of one event, as YARA external variables. */
struct scanctx {
	const char	*event_kind, *program, *action, *proto, *src_ip;
	const char	*src_country, *user, *http_method, *url, *state;
	int64_t		 src_port, dest_port, hour, status, bytes_toserver;
	int		 src_internal, extraterritorial;
};

/*
 * Compiles every *.yar under each path (files, or directories read in
 * name order). Errors print as "file:line: message" on stderr. Returns
 * 0, or -1 after printing them all.
 */
int	ruleset_load(struct ruleset *, char *const *paths, size_t npaths);
void	ruleset_free(struct ruleset *);
const char *group_by_name(enum group_by);

struct scanner;
/* Returns a scanner bound to rs (which must outlive it), NULL on error. */
struct scanner	*scanner_new(const struct ruleset *rs);
void		 scanner_free(struct scanner *);
/*
 * Scans data with ctx's externals. Writes the indexes of matching rules
 * into hits (at most maxhits); returns their count, or -1 on error.
 */
int		 scanner_scan(struct scanner *, const struct scanctx *ctx,
		    const void *data, size_t len, uint32_t *hits, int maxhits);

#endif
