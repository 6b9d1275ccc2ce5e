/*
 * correlator/detect.h - the verdict on one event: its day and hour, its
 * source (internal, external, country, extraterritorial) and the rules
 * it matches. Pure: no Redis, no I/O; the correlator and vigie share it.
 */
#ifndef VIGIE_DETECT_H
#define VIGIE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "event.h"
#include "geo.h"
#include "scan.h"

#define DETECT_MAX_HITS		64
#define DETECT_EVIDENCE_DATA	512	/* bytes of line or payload kept */
#define DETECT_EVIDENCE_FIELD	256	/* bytes of any other field kept */

/* What detect_event() needs; all borrowed, and read-only but sc. */
struct detector {
	const struct conf	*conf;	/* internal-networks, home-countries */
	const struct geo	*geo;	/* NULL or closed: countries unknown */
	const struct ruleset	*rs;
	struct scanner		*sc;	/* one per thread */
};

struct verdict {
	int64_t		 ts;		/* µs: the event's ts, else its frame's */
	char		 day[11];	/* YYYY-MM-DD in the configured zone */
	int		 hour;		/* 0-23 in that zone */
	char		 src[64];	/* normalised source address, "" none */
	char		 cc[3];		/* its country, "" unknown or internal */
	int		 internal;	/* in internal-networks */
	int		 external;	/* has a source, not internal */
	int		 extraterritorial; /* external, country known, not home */
	int		 unknown_country;  /* external, country unknown */
	char		 dest_cc[3];	/* a flow's destination country */
	int		 dest_internal, dest_extraterritorial;
	int		 outbound_abroad;  /* internal source, dest abroad */
	uint32_t	 hits[DETECT_MAX_HITS];	/* indexes into rs->meta */
	int		 nhits;
};

/*
 * Judges ev. frame_ms is the ms part of its frame id, the time of an
 * event without a usable ts. Always fills v; returns 0, or -1 when the
 * scan failed (logged; v then has no hits, and the event still counts).
 */
int	detect_event(const struct detector *, const struct event *ev,
	    uint64_t frame_ms, struct verdict *v);

/* The YARA context of a judged event: v's source and destination. */
void	detect_context(const struct verdict *v, struct scanctx *x);

/*
 * The group key of rule m for ev: the rule's name, the normalised source
 * for src_ip, else the event's value of the group_by field; *len 0 when
 * the event lacks it (it then opens nothing). Points into m, v, ev or
 * static storage.
 */
const char *detect_group(const struct rulemeta *m, const struct event *ev,
	    const struct verdict *v, size_t *len);

/* The event's scanned data: the payload of a flow, else the line. */
enum ev_field detect_data_field(const struct event *ev);

/*
 * The evidence of a detection: a compact JSON object with "id" and the
 * event's fields as valid UTF-8, each cut to DETECT_EVIDENCE_FIELD bytes
 * (the scanned data to DETECT_EVIDENCE_DATA); src_ip and ts as in v.
 * Returns a string the caller frees, or NULL when out of memory.
 */
char	*detect_evidence(const struct event *ev, const struct verdict *v,
	    const char *id);
/*
 * The same without what the commit's detection argument carries apart
 * (id, ts, sensor, src_ip: record.c, commit.lua); report.c puts them
 * back, in their places, when it reads the evidence.
 */
char	*detect_evidence_bare(const struct event *ev, const struct verdict *v);

#endif
