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
	fargs_add(&rec->body, id);
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
	fargs_add(&rec->body, id);
	fargs_add(&rec->body, "D");
	fargs_add(&rec->body, why);
	fargs_addn(&rec->body, buf, len);
	rec->nframes++;
}

void
record_call(struct recorder *rec, struct fargs *fa, const struct conf *conf,
    const char *stream, const char *group)
{
	const struct ruleset	*rs = rec->det.rs;
	size_t			 i;

	fargs_add(fa, "FCALL");
	fargs_add(fa, COMMIT_FUNCTION);
	fargs_add(fa, "1");
	fargs_add(fa, stream);
	fargs_add(fa, group);
	fargs_add(fa, conf->redis_prefix);
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
	fargs_addf(fa, "%zu", tally_finish(&rec->once));
	tally_emit(&rec->once, fa);
	fargs_append(fa, &rec->body);
}

