/*
 * correlator/scan.h - the compiled rule set (libyara) with each rule's
 * meta, and one scanner per worker that sets the externals: the event's
 * fields (event_fields.h) and the context that is not an event field.
 */
#ifndef VIGIE_SCAN_H
#define VIGIE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include <yara.h>

#include "event.h"

/* group_by = "rule": one group per rule. Else group_by is an ev_field. */
#define GROUP_RULE	(-1)

struct rulemeta {
	const char	*name;		/* owned by the YR_RULES */
	char		 category[32];
	char		 severity[16];
	char		 description[256];
	int		 threshold;
	int		 window;	/* seconds */
	int		 group_by;	/* enum ev_field, or GROUP_RULE */
};

struct ruleset {
	YR_RULES	*rules;
	struct rulemeta	*meta;		/* indexed like rules->rules_table */
	size_t		 n;
	char		**files;	/* the files compiled, in order */
	size_t		 nfiles;
};

/*
 * The context of one event beyond its fields, as YARA externals; src_ip
 * replaces the event's own (the normalised address, "" when none).
 */
struct scanctx {
	const char	*src_ip;
	const char	*src_country;	/* ISO 3166 code, "" when unknown */
	int64_t		 hour;		/* 0-23, local */
	int		 src_internal, extraterritorial;
	/* The destination, as the source (flows): NULL/0 when none. */
	const char	*dest_country;
	int		 dest_internal, dest_extraterritorial;
	int		 outbound_abroad;	/* internal source, dest abroad */
};

/*
 * Compiles every *.yar under each path (files, or directories read in
 * name order). Errors print as "file:line: message" on stderr. Returns
 * 0, or -1 after printing them all.
 */
int	ruleset_load(struct ruleset *, char *const *paths, size_t npaths);
/* The same from rule source text in memory (no include). */
int	ruleset_load_text(struct ruleset *, const char *text);
void	ruleset_free(struct ruleset *);
/* "rule", or the event field's name. */
const char *group_by_name(int group_by);

struct scanner;
/* Returns a scanner bound to rs (which must outlive it), NULL on error. */
struct scanner	*scanner_new(const struct ruleset *rs);
void		 scanner_free(struct scanner *);
/*
 * Called by scanner_scan() for each matching rule (rule: its index in
 * rs->meta), while its string matches can be read from ctx.
 */
typedef void scan_detail_fn(void *arg, uint32_t rule, YR_SCAN_CONTEXT *ctx,
		    const YR_RULE *r);
/* Sets (fn NULL: clears) the detail callback. */
void		 scanner_set_detail(struct scanner *, scan_detail_fn *fn,
		    void *arg);
/*
 * Scans data with ev's fields and ctx as externals (ev's string values
 * NUL-terminated, as frame_next() and event_set() leave them). Writes
 * the indexes of matching rules into hits (at most maxhits); returns
 * their count, or -1 on error (logged).
 */
int		 scanner_scan(struct scanner *, const struct event *ev,
		    const struct scanctx *ctx, const void *data, size_t len,
		    uint32_t *hits, int maxhits);

#endif
