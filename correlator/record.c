/*
 * correlator/record.c - judge a batch of frames into the commit
 * function's arguments. Owns the recorder's buffers; borrows the
 * detector's config, geo database, rules and scanner.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daytime.h"
#include "log.h"
#include "record.h"
#include "redis.h"
#include "text.h"

#define DET_TEXT_MAX	256	/* bytes of a group or sensor in det:<d> */

/* A JSON text being written. */
struct jbuf {
	char		*s;
	size_t		 len, cap;
};

/* The keys of one day in the frame being summed, and its sums. */
struct frameday {
	char		 day[11];
	size_t		 country, category, rule, hour, sources, srccc;
	size_t		 uniq, uniq_foreign;
	int64_t		 events, detections, external, extraterritorial;
	int64_t		 unknown_country;
	struct jbuf	 dets;		/* its detections, for det:<d> */
};

/* One partition's pieces of the call being split. */
struct recpart {
	struct fargs	 body, once, origins;
	struct fargs	 groups, blocks;	/* of the frame being split */
	size_t		 nonce, ng, nb, nd;
	size_t		 count;			/* scratch */
};

static void
parts_free(struct recorder *rec)
{
	int	 k;

	for (k = 0; k < rec->nparts; k++) {
		fargs_free(&rec->parts[k].body);
		fargs_free(&rec->parts[k].once);
		fargs_free(&rec->parts[k].origins);
		fargs_free(&rec->parts[k].groups);
		fargs_free(&rec->parts[k].blocks);
	}
	free(rec->parts);
	rec->parts = NULL;
	rec->nparts = 0;
}

void
record_init(struct recorder *rec, const struct detector *d)
{
	memset(rec, 0, sizeof(*rec));
	rec->det = *d;
	if ((rec->rslot = calloc(d->rs->n + 1, sizeof(*rec->rslot))) == NULL ||
	    (rec->rused = calloc(d->rs->n + 1, sizeof(*rec->rused))) == NULL)
		fatalx("%s: out of memory", __func__);
}

void
record_free(struct recorder *rec)
{
	size_t	 i;

	for (i = 0; i < rec->capdays; i++)
		free(rec->days[i].dets.s);
	fargs_free(&rec->body);
	fargs_free(&rec->dets);
	fargs_free(&rec->fdet);
	free(rec->dslot);
	free(rec->dord);
	tally_free(&rec->tally);
	tally_free(&rec->once);
	free(rec->days);
	free(rec->rslot);
	free(rec->rused);
	parts_free(rec);
	memset(rec, 0, sizeof(*rec));
}

void
record_begin(struct recorder *rec)
{
	size_t	 i;

	for (i = 0; i < rec->nrused; i++)
		rec->rslot[rec->rused[i]] = 0;
	rec->nrused = 0;
	rec->nframes = 0;
	rec->calldets = 0;
	rec->stream = NULL;
	fargs_reset(&rec->body);
	tally_reset(&rec->once);
	rec->once_last = tally_key(&rec->once, TALLY_HMAX, "rules:stats");
}

static struct frameday *
frame_day(struct recorder *rec, const char *day)
{
	struct tally	*t = &rec->tally;
	struct frameday	*d;
	char		 k[64];
	size_t		 i;

	for (i = 0; i < rec->ndays; i++)
		if (strcmp(rec->days[i].day, day) == 0)
			return &rec->days[i];
	if (rec->ndays == rec->capdays) {
		size_t	 ncap = rec->capdays ? rec->capdays * 2 : 4;

		if ((rec->days = realloc(rec->days, ncap * sizeof(*rec->days))) ==
		    NULL)
			fatalx("%s: out of memory", __func__);
		memset(rec->days + rec->capdays, 0,
		    (ncap - rec->capdays) * sizeof(*rec->days));
		rec->capdays = ncap;
	}
	d = &rec->days[rec->ndays++];
	memcpy(d->day, day, sizeof(d->day));
	d->events = d->detections = d->external = 0;
	d->extraterritorial = d->unknown_country = 0;
	d->dets.len = 0;
#define DAYKEY(op, suffix) \
	(snprintf(k, sizeof(k), "day:%s:%s", day, suffix), tally_key(t, op, k))
	d->country = DAYKEY(TALLY_HINCRBY, "country");
	d->category = DAYKEY(TALLY_HINCRBY, "category");
	d->rule = DAYKEY(TALLY_HINCRBY, "rule");
	d->hour = DAYKEY(TALLY_HINCRBY, "hour");
	d->sources = DAYKEY(TALLY_ZINCRBY, "sources");
#undef DAYKEY
	/* Idempotent: once a call (struct recorder). */
#define ONCEKEY(op, suffix) (snprintf(k, sizeof(k), "day:%s:%s", day, \
	suffix), tally_key(&rec->once, op, k))
	d->srccc = ONCEKEY(TALLY_HSET, "source_country");
	d->uniq = ONCEKEY(TALLY_PFADD, "uniq");
	d->uniq_foreign = ONCEKEY(TALLY_PFADD, "uniq_foreign");
#undef ONCEKEY
	return d;
}

/* The rule's number in the FCALL being built (from 1). */
static int
rule_slot(struct recorder *rec, uint32_t r)
{
	if (rec->rslot[r] == 0) {
		rec->rused[rec->nrused++] = r;
		rec->rslot[r] = (int)rec->nrused;
	}
	return rec->rslot[r];
}

static void
jb_put(struct jbuf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t	 ncap = b->cap ? b->cap : 4096;

		while (b->len + len + 1 > ncap)
			ncap *= 2;
		if ((b->s = realloc(b->s, ncap)) == NULL)
			fatalx("%s: out of memory", __func__);
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* A JSON string of the first DET_TEXT_MAX bytes of s, as valid UTF-8. */
static void
jb_str(struct jbuf *b, const char *s, size_t len)
{
	char		 clean[DET_TEXT_MAX * 3 + 4], esc[8];
	const char	*p, *run;

	text_utf8_clean(s, len < DET_TEXT_MAX ? len : DET_TEXT_MAX, clean,
	    sizeof(clean));
	jb_put(b, "\"", 1);
	for (p = run = clean; *p != '\0'; p++) {
		if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			continue;
		jb_put(b, run, (size_t)(p - run));
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = *p;
			jb_put(b, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned int)(unsigned char)*p);
			jb_put(b, esc, 6);
		}
		run = p + 1;
	}
	jb_put(b, run, (size_t)(p - run));
	jb_put(b, "\"", 1);
}

/* `{"key":` opening an object, `,"key":` after its first member. */
static void
jb_key(struct jbuf *b, const char *key, int first)
{
	jb_put(b, first ? "{\"" : ",\"", 2);
	jb_put(b, key, strlen(key));
	jb_put(b, "\":", 2);
}

static void
jb_int(struct jbuf *b, int64_t v)
{
	char	 num[32];
	int	 n;

	n = snprintf(num, sizeof(num), "%" PRId64, v);
	jb_put(b, num, (size_t)n);
}

/*
 * One detection for det:<d>, compact, for drill-down: the event's index
 * in the frame, the rule, the source, the group and the time; the
 * event's sensor only when it is not the frame's.
 */
static void
frame_det_json(struct frameday *d, const struct rulemeta *m, uint32_t index,
    const struct event *ev, const struct verdict *v, const char *g,
    size_t glen, int own_sensor)
{
	const struct evval	*sensor = &ev->f[EV_SENSOR];
	struct jbuf		*b = &d->dets;

	jb_put(b, b->len == 0 ? "[" : ",", 1);
	jb_key(b, "index", 1);
	jb_int(b, index);
	jb_key(b, "rule", 0);
	jb_str(b, m->name, strlen(m->name));
	jb_key(b, "category", 0);
	jb_str(b, m->category, strlen(m->category));
	jb_key(b, "severity", 0);
	jb_str(b, m->severity, strlen(m->severity));
	jb_key(b, ev_fields[EV_SRC_IP].name, 0);
	jb_str(b, v->src, strlen(v->src));
	jb_key(b, "country", 0);
	jb_str(b, v->cc, strlen(v->cc));
	jb_key(b, "group", 0);
	jb_str(b, g, glen);
	if (own_sensor) {
		jb_key(b, ev_fields[EV_SENSOR].name, 0);
		jb_str(b, sensor->v, sensor->len);
	}
	jb_key(b, ev_fields[EV_TS].name, 0);
	jb_int(b, v->ts);
	jb_put(b, "}", 1);
}

/* Sums one event's verdict into the frame and adds its detections. */
static void
frame_event(struct recorder *rec, const char *evid, uint32_t index,
    const struct event *ev, const struct verdict *v, int own_sensor,
    size_t stats_hits)
{
	const struct ruleset	*rs = rec->det.rs;
	struct tally		*t = &rec->tally;
	struct frameday		*d;
	const struct evval	*sensor = &ev->f[EV_SENSOR];
	const char		*g;
	char			*evj, f[512], hour[4], tail[512];
	size_t			 glen, srclen = strlen(v->src), cclen = strlen(v->cc);
	int			 h, n;

	d = frame_day(rec, v->day);
	d->events++;
	if (v->nhits == 0)
		return;
	if ((evj = detect_evidence_bare(ev, v)) == NULL)
		fatalx("%s: out of memory", __func__);
	snprintf(hour, sizeof(hour), "%d", v->hour);
	for (h = 0; h < v->nhits; h++) {
		const struct rulemeta *m = &rs->meta[v->hits[h]];

		d->detections++;
		snprintf(f, sizeof(f), "%s:hits", m->name);
		tally_add(t, stats_hits, f, strlen(f), 1);
		snprintf(f, sizeof(f), "%s:last_hit", m->name);
		tally_add(&rec->once, rec->once_last, f, strlen(f), v->ts);
		if (v->external) {
			d->external++;
			if (v->extraterritorial)
				d->extraterritorial++;
			if (v->unknown_country)
				d->unknown_country++;
			else
				tally_add(t, d->country, v->cc, cclen, 1);
			tally_add(t, d->category, m->category,
			    strlen(m->category), 1);
			tally_add(t, d->rule, m->name, strlen(m->name), 1);
			tally_add(t, d->hour, hour, strlen(hour), 1);
			tally_add(t, d->sources, v->src, srclen, 1);
			tally_set(&rec->once, d->srccc, v->src, srclen, v->cc,
			    cclen);
			tally_add(&rec->once, d->uniq, v->src, srclen, 1);
			if (v->extraterritorial)
				tally_add(&rec->once, d->uniq_foreign, v->src,
				    srclen, 1);
		}
		g = detect_group(m, ev, v, &glen);
		frame_det_json(d, m, index, ev, v, g, glen, own_sensor);
		/*
		 * Kept apart until the frame ends (frame_blocks): the group,
		 * then the detection's argument (commit.lua), stored whole as
		 * its evidence: "<ts>\t<day>\t<src>\t<cc>\t<sensor>\t
		 * <event>\n" (ts in 16 hex digits) then the event's other
		 * fields in JSON.
		 */
		if (rec->ndets == rec->dcap) {
			size_t	 ncap = rec->dcap ? rec->dcap * 2 : 256;

			if ((rec->dslot = reallocarray(rec->dslot, ncap,
			    sizeof(*rec->dslot))) == NULL ||
			    (rec->dord = reallocarray(rec->dord, ncap,
			    sizeof(*rec->dord))) == NULL)
				fatalx("%s: out of memory", __func__);
			rec->dcap = ncap;
		}
		rec->dslot[rec->ndets] = rule_slot(rec, v->hits[h]);
		fargs_addn(&rec->fdet, g, glen);
		n = snprintf(tail, sizeof(tail), "%016" PRIx64 "\t%s\t%s\t%s\t"
		    "%.*s\t%s\n", (uint64_t)(v->ts > 0 ? v->ts : 0), v->day,
		    v->src, v->cc, (int)sensor->len, sensor->v, evid);
		if (n < 0 || (size_t)n >= sizeof(tail))
			fatalx("%s: detection too long", __func__);
		fargs_add2(&rec->fdet, tail, (size_t)n, evj, strlen(evj));
		rec->ndets++;
	}
	rec->detections += (uint64_t)v->nhits;
	free(evj);
}

/* Do detections i and j have the same group? */
static int
same_group(const struct recorder *rec, size_t i, size_t j)
{
	const char	*gi, *gj;
	size_t		 li, lj;

	gi = fargs_get(&rec->fdet, 2 * i, &li);
	gj = fargs_get(&rec->fdet, 2 * j, &lj);
	return li == lj && memcmp(gi, gj, li) == 0;
}

/* Orders a frame's detections by rule, group, then as they came. */
static int
det_cmp(const void *a, const void *b, void *arg)
{
	const struct recorder	*rec = arg;
	size_t			 i = *(const size_t *)a, j = *(const size_t *)b;
	size_t			 li, lj;
	const char		*gi, *gj;
	int			 c;

	if (rec->dslot[i] != rec->dslot[j])
		return rec->dslot[i] < rec->dslot[j] ? -1 : 1;
	gi = fargs_get(&rec->fdet, 2 * i, &li);
	gj = fargs_get(&rec->fdet, 2 * j, &lj);
	if ((c = memcmp(gi, gj, li < lj ? li : lj)) != 0)
		return c;
	if (li != lj)
		return li < lj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Blocks in the order of their first detection. */
static int
block_cmp(const void *a, const void *b, void *arg)
{
	const size_t	*ord = arg;
	size_t		 i = ord[*(const size_t *)a], j = ord[*(const size_t *)b];

	return i < j ? -1 : i > j;
}

/*
 * The frame's detections as blocks (commit.lua): one per rule and group,
 * "<rule#>\t<n>\t<group>" (hex numbers) then its n detections in the
 * order they came, so that the commit reads a rule and a group once. The
 * blocks come in the order of their first detection, so that one worker
 * reading in order numbers incidents as their events came.
 */
static void
frame_blocks(struct recorder *rec)
{
	const char	*g, *d;
	char		 head[48];
	size_t		 i, j, k, b, glen, dlen, *start;
	int		 n;

	rec->nblocks = 0;
	if (rec->ndets == 0)
		return;
	for (i = 0; i < rec->ndets; i++)
		rec->dord[i] = i;
	qsort_r(rec->dord, rec->ndets, sizeof(*rec->dord), det_cmp, rec);
	/* start[2b] and start[2b + 1]: where block b begins and ends in dord. */
	if ((start = reallocarray(NULL, rec->ndets, 2 * sizeof(*start))) ==
	    NULL)
		fatalx("%s: out of memory", __func__);
	for (i = 0; i < rec->ndets; i = j) {
		for (j = i + 1; j < rec->ndets &&
		    rec->dslot[rec->dord[j]] == rec->dslot[rec->dord[i]] &&
		    same_group(rec, rec->dord[i], rec->dord[j]); j++)
			;
		start[2 * rec->nblocks] = i;
		start[2 * rec->nblocks++ + 1] = j;
	}
	qsort_r(start, rec->nblocks, 2 * sizeof(*start), block_cmp, rec->dord);
	for (b = 0; b < rec->nblocks; b++) {
		i = start[2 * b];
		j = start[2 * b + 1];
		g = fargs_get(&rec->fdet, 2 * rec->dord[i], &glen);
		n = snprintf(head, sizeof(head), "%x\t%zx\t",
		    (unsigned int)rec->dslot[rec->dord[i]], j - i);
		fargs_add2(&rec->dets, head, (size_t)n, g, glen);
		for (k = i; k < j; k++) {
			d = fargs_get(&rec->fdet, 2 * rec->dord[k] + 1, &dlen);
			fargs_addn(&rec->dets, d, dlen);
		}
	}
	free(start);
}

/* Adds a frame's per-day totals and det:<d> entries to the tally. */
static void
frame_days(struct recorder *rec, const char *id)
{
	struct tally	*t = &rec->tally;
	struct frameday	*d;
	size_t		 i, k;
	char		 key[64];

	for (i = 0; i < rec->ndays; i++) {
		d = &rec->days[i];
		snprintf(key, sizeof(key), "day:%s:totals", d->day);
		k = tally_key(t, TALLY_HINCRBY, key);
#define TOTAL(name) \
		if (d->name > 0) tally_add(t, k, #name, sizeof(#name) - 1, d->name)
		TOTAL(events);
		TOTAL(detections);
		TOTAL(external);
		TOTAL(extraterritorial);
		TOTAL(unknown_country);
#undef TOTAL
		if (d->dets.len > 0) {
			jb_put(&d->dets, "]", 1);
			snprintf(key, sizeof(key), "det:%s", d->day);
			k = tally_key(t, TALLY_XADD, key);
			tally_set(t, k, "frame", 5, id, strlen(id));
			tally_set(t, k, "detections", 10, d->dets.s,
			    d->dets.len);
		}
	}
	rec->ndays = 0;
}

/* A frame's first argument: its id, or its origin in partition mode. */
static void
record_origin(struct recorder *rec, const char *id)
{
	if (rec->stream == NULL) {
		fargs_add(&rec->body, id);
		return;
	}
	fargs_add2(&rec->body, id, strlen(id), "\t", 1);
	fargs_extend(&rec->body, rec->stream, strlen(rec->stream));
}

int
record_frame(struct recorder *rec, const char *id, const void *buf,
    size_t len, const char **why)
{
	struct frame_dec	 fd, start;
	struct event		 ev;
	struct verdict		 v;
	struct tally		*t = &rec->tally;
	char			 evid[80];
	uint64_t		 ms;
	uint32_t		 i;
	size_t			 stats_hits, ngroups;
	int64_t			 t0;
	int			 rc, own;

	/* Checked whole first: a frame counts whole or not at all. */
	if (frame_open(&fd, buf, len, why) == -1) {
		frame_close(&fd);
		return -1;
	}
	start = fd;
	while ((rc = frame_next(&fd, &ev, why)) == 1)
		;
	if (rc == -1) {
		frame_close(&fd);
		return -1;
	}
	fd = start;		/* read again, expanded once */

	tally_reset(t);
	fargs_reset(&rec->dets);
	fargs_reset(&rec->fdet);
	rec->ndets = 0;
	rec->ndays = 0;
	stats_hits = tally_key(t, TALLY_HINCRBY, "rules:stats");
	ms = strtoull(id, NULL, 10);
	t0 = daytime_now_us();
	for (i = 0; frame_next(&fd, &ev, why) == 1; i++) {
		snprintf(evid, sizeof(evid), "%s/%" PRIu32, id, i);
		own = ev.f[EV_SENSOR].v != fd.sensor;
		(void)detect_event(&rec->det, &ev, ms, &v);	/* logged */
		frame_event(rec, evid, i, &ev, &v, own, stats_hits);
	}
	frame_close(&fd);
	rec->judge_us += (uint64_t)(daytime_now_us() - t0);
	frame_days(rec, id);
	frame_blocks(rec);
	ngroups = tally_finish(t);
	record_origin(rec, id);
	fargs_add(&rec->body, "F");
	fargs_addf(&rec->body, "%" PRIu32, i);
	fargs_addf(&rec->body, "%zu", ngroups);
	fargs_addf(&rec->body, "%zu", rec->nblocks);
	fargs_addf(&rec->body, "%zu", rec->ndets);
	tally_emit(t, &rec->body);
	fargs_append(&rec->body, &rec->dets);
	rec->nframes++;
	rec->calldets += rec->ndets;
	return 0;
}

void
record_dead(struct recorder *rec, const char *id, const char *why,
    const void *buf, size_t len)
{
	record_origin(rec, id);
	fargs_add(&rec->body, "D");
	fargs_add(&rec->body, why);
	fargs_addn(&rec->body, buf, len);
	rec->nframes++;
}

/*
 * FCALL <fn> 1 <key> <arg1> <prefix> and the arguments every call has:
 * retention, quiet, evidence, caps, and the rules the call names.
 */
static void
call_head(struct recorder *rec, struct fargs *fa, const struct conf *conf,
    const char *fn, const char *key, const char *arg1, const char *prefix)
{
	const struct ruleset	*rs = rec->det.rs;
	size_t			 i;

	fargs_add(fa, "FCALL");
	fargs_add(fa, fn);
	fargs_add(fa, "1");
	fargs_add(fa, key);
	fargs_add(fa, arg1);
	fargs_add(fa, prefix);
	fargs_addf(fa, "%lld", (long long)conf->retention_days * 86400);
	fargs_addf(fa, "%lld", (long long)conf->incident_quiet * 1000000);
	fargs_addf(fa, "%d", conf->evidence_keep);
	fargs_add(fa, COMMIT_DET_MAXLEN);
	fargs_add(fa, COMMIT_DEAD_MAXLEN);
	fargs_addf(fa, "%zu", rec->nrused);
	for (i = 0; i < rec->nrused; i++) {
		const struct rulemeta *m = &rs->meta[rec->rused[i]];

		fargs_add(fa, m->name);
		fargs_add(fa, m->category);
		fargs_add(fa, m->severity);
		fargs_addf(fa, "%d", m->threshold);
		fargs_addf(fa, "%d", m->window);
		fargs_add(fa, group_by_name(m->group_by));
		fargs_add(fa, m->group_by == EV_SRC_IP ? "1" : "0");
	}
}

void
record_call(struct recorder *rec, struct fargs *fa, const struct conf *conf,
    const char *stream, const char *group)
{
	call_head(rec, fa, conf, COMMIT_FUNCTION, stream, group,
	    conf->redis_prefix);
	fargs_addf(fa, "%zu", tally_finish(&rec->once));
	tally_emit(&rec->once, fa);
	fargs_append(fa, &rec->body);
}


void
record_stream(struct recorder *rec, const char *stream)
{
	rec->stream = stream;
}

/* An argument that the recorder wrote as a decimal or hex number. */
static size_t
arg_num(const struct fargs *fa, size_t i, int base)
{
	char		 buf[32];
	const char	*s;
	size_t		 len;

	s = fargs_get(fa, i, &len);
	if (len >= sizeof(buf))
		fatalx("%s: argument %zu is not a number", __func__, i);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return (size_t)strtoull(buf, NULL, base);
}

/*
 * Splits the key group at src[*j] over the partitions' groups: HINCRBY
 * and XADD whole to partition `whole`; the others field by field, each
 * to the partition of its field (or member). Returns nothing; *j moves
 * past the group.
 */
static void
split_group(struct recorder *rec, const struct fargs *src, size_t *j,
    int whole, int once)
{
	const char	*op, *key, *f;
	size_t		 oplen, keylen, flen, n, per, e, i;
	int		 k;

	op = fargs_get(src, *j, &oplen);
	key = fargs_get(src, *j + 1, &keylen);
	n = arg_num(src, *j + 2, 10);
	per = op[0] == TALLY_PFADD ? 1 : 2;
	e = *j + 3;
	*j = e + n * per;
	if (op[0] == TALLY_HINCRBY || op[0] == TALLY_XADD) {
		struct recpart *p = &rec->parts[whole];
		struct fargs *g = once ? &p->once : &p->groups;

		fargs_addn(g, op, oplen);
		fargs_addn(g, key, keylen);
		fargs_addf(g, "%zu", n);
		for (i = e; i < e + n * per; i++) {
			f = fargs_get(src, i, &flen);
			fargs_addn(g, f, flen);
		}
		if (once)
			p->nonce++;
		else
			p->ng++;
		return;
	}
	for (k = 0; k < rec->nparts; k++)
		rec->parts[k].count = 0;
	for (i = e; i < e + n * per; i += per) {
		f = fargs_get(src, i, &flen);
		rec->parts[parts_of(f, flen, rec->nparts)].count++;
	}
	for (k = 0; k < rec->nparts; k++) {
		struct recpart *p = &rec->parts[k];
		struct fargs *g = once ? &p->once : &p->groups;

		if (p->count == 0)
			continue;
		fargs_addn(g, op, oplen);
		fargs_addn(g, key, keylen);
		fargs_addf(g, "%zu", p->count);
		if (once)
			p->nonce++;
		else
			p->ng++;
	}
	for (i = e; i < e + n * per; i += per) {
		struct recpart *p;
		struct fargs *g;

		f = fargs_get(src, i, &flen);
		p = &rec->parts[parts_of(f, flen, rec->nparts)];
		g = once ? &p->once : &p->groups;
		fargs_addn(g, f, flen);
		if (per == 2) {
			f = fargs_get(src, i + 1, &flen);
			fargs_addn(g, f, flen);
		}
	}
}

/* The partition of a block of detections: that of "<rule>\t<group>". */
static int
block_part(struct recorder *rec, const char *head, size_t len, size_t *n)
{
	const struct ruleset	*rs = rec->det.rs;
	const char		*t1, *t2, *name;
	char			 buf[1024];
	size_t			 slot, nlen, glen;
	int			 k;

	if ((t1 = memchr(head, '\t', len)) == NULL ||
	    (t2 = memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - head))) ==
	    NULL)
		fatalx("%s: bad block head", __func__);
	slot = (size_t)strtoull(head, NULL, 16);
	*n = (size_t)strtoull(t1 + 1, NULL, 16);
	if (slot < 1 || slot > rec->nrused)
		fatalx("%s: bad rule in a block head", __func__);
	name = rs->meta[rec->rused[slot - 1]].name;
	nlen = strlen(name);
	glen = len - (size_t)(t2 + 1 - head);
	if (nlen + 1 + glen <= sizeof(buf)) {
		memcpy(buf, name, nlen);
		buf[nlen] = '\t';
		memcpy(buf + nlen + 1, t2 + 1, glen);
		return parts_of(buf, nlen + 1 + glen, rec->nparts);
	}
	{
		char *big = malloc(nlen + 1 + glen);

		if (big == NULL)
			fatalx("%s: out of memory", __func__);
		memcpy(big, name, nlen);
		big[nlen] = '\t';
		memcpy(big + nlen + 1, t2 + 1, glen);
		k = parts_of(big, nlen + 1 + glen, rec->nparts);
		free(big);
	}
	return k;
}

void
record_part_calls(struct recorder *rec, struct fargs *calls,
    struct fargs *origins, int nparts, int cluster, const struct conf *conf)
{
	const struct fargs	*b = &rec->body;
	struct fargs		 once;
	const char		*origin, *kind, *a;
	size_t			 j, i, i2, olen, alen, nev, ng, nb, n;
	char			 sp[512], key[600], pk[32];
	int			 k, pf, bk;

	if (rec->nparts != nparts) {
		parts_free(rec);
		if ((rec->parts = calloc((size_t)nparts, sizeof(*rec->parts))) ==
		    NULL)
			fatalx("%s: out of memory", __func__);
		rec->nparts = nparts;
	}
	for (k = 0; k < nparts; k++) {
		fargs_reset(&rec->parts[k].body);
		fargs_reset(&rec->parts[k].once);
		rec->parts[k].nonce = 0;
		fargs_reset(&calls[k]);
		fargs_reset(&origins[k]);
	}
	/* What is the same whoever writes it, field by field. */
	memset(&once, 0, sizeof(once));
	tally_finish(&rec->once);
	tally_emit(&rec->once, &once);
	for (j = 0; j < once.n; )
		split_group(rec, &once, &j, 0, 1);
	fargs_free(&once);

	for (j = 0; j < b->n; ) {
		origin = fargs_get(b, j, &olen);
		kind = fargs_get(b, j + 1, NULL);
		pf = parts_of(origin, olen, nparts);
		if (kind[0] == 'D') {
			struct recpart *p = &rec->parts[pf];

			for (i = j; i < j + 4; i++) {
				a = fargs_get(b, i, &alen);
				fargs_addn(&p->body, a, alen);
			}
			fargs_addn(&origins[pf], origin, olen);
			j += 4;
			continue;
		}
		nev = arg_num(b, j + 2, 10);
		ng = arg_num(b, j + 3, 10);
		nb = arg_num(b, j + 4, 10);
		for (k = 0; k < nparts; k++) {
			struct recpart *p = &rec->parts[k];

			fargs_reset(&p->groups);
			fargs_reset(&p->blocks);
			p->ng = p->nb = p->nd = 0;
		}
		j += 6;
		for (i = 0; i < ng; i++)
			split_group(rec, b, &j, pf, 0);
		for (i = 0; i < nb; i++) {
			struct recpart *p;

			a = fargs_get(b, j, &alen);
			bk = block_part(rec, a, alen, &n);
			p = &rec->parts[bk];
			for (i2 = j; i2 < j + 1 + n; i2++) {
				a = fargs_get(b, i2, &alen);
				fargs_addn(&p->blocks, a, alen);
			}
			j += 1 + n;
			p->nb++;
			p->nd += n;
		}
		for (k = 0; k < nparts; k++) {
			struct recpart *p = &rec->parts[k];

			if (k != pf && p->ng == 0 && p->nb == 0)
				continue;
			fargs_addn(&p->body, origin, olen);
			fargs_add(&p->body, "F");
			fargs_addf(&p->body, "%zu", k == pf ? nev : 0);
			fargs_addf(&p->body, "%zu", p->ng);
			fargs_addf(&p->body, "%zu", p->nb);
			fargs_addf(&p->body, "%zu", p->nd);
			fargs_append(&p->body, &p->groups);
			fargs_append(&p->body, &p->blocks);
			fargs_addn(&origins[k], origin, olen);
		}
	}

	for (k = 0; k < nparts; k++) {
		struct recpart	*p = &rec->parts[k];
		struct fargs	*fa = &calls[k];

		if (p->body.n == 0 && p->nonce == 0)
			continue;
		parts_prefix(sp, sizeof(sp), conf->redis_prefix, nparts,
		    cluster, k);
		snprintf(key, sizeof(key), "%spdone", sp);
		snprintf(pk, sizeof(pk), "%d/%d", nparts, k);
		call_head(rec, fa, conf, COMMIT_PART_FUNCTION, key, pk, sp);
		fargs_addf(fa, "%zu", p->nonce);
		fargs_append(fa, &p->once);
		fargs_append(fa, &p->body);
	}
}
