/*
 * cli/rules_test.c - "vigie rules test": inputs through the daemons' own
 * parsers (collector/parse.c) and detect_event() (correlator/detect.c),
 * no Redis; for each match the rule, the event, what the condition read,
 * the strings matched and the window's state; --why-not and --expect.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <pcap/pcap.h>

#include "cmd.h"
#include "conf.h"
#include "daytime.h"
#include "detect.h"
#include "event_json.h"
#include "flowev.h"
#include "geo.h"
#include "parse.h"
#include "rulesrc.h"
#include "scan.h"

#define TERMS_MAX	32
#define STRINGS_MAX	16	/* matches shown per rule and event */
#define STRING_SHOW	64	/* bytes of a match shown */
#define NEAR_MAX	20	/* near misses shown one by one */

enum fmt { FMT_TEXT, FMT_JSON, FMT_MATCHES };

/* One string match of the event being judged. */
struct smatch {
	uint32_t	 rule;
	char		 id[64];
	int64_t		 off;
	int32_t		 len;
	unsigned char	 data[STRING_SHOW];
	size_t		 dlen;
};

/* A rule and group's detections so far, as the windows see them. */
struct grp {
	uint32_t	 rule;
	char		*key;
	int64_t		*ts;
	size_t		 n, cap;
	int		 open;		/* an incident runs */
	int64_t		 last;		/* its last detection */
	char		*opened_at;	/* the input and line that opened it */
	size_t		 incidents, joined;
};

struct rtest {
	const struct conf	*conf;
	struct ruleset		 rs;
	struct geo		 geo;
	struct scanner		*sc;
	struct detector		 det;
	struct rulesrc		*src;
	size_t			 nsrc;
	enum fmt		 fmt;
	/* the event being judged */
	struct smatch		 sm[DETECT_MAX_HITS * 2];
	size_t			 nsm;
	/* windows */
	struct grp		*grps;
	size_t			 ngrps, capgrps;
	uint32_t		*gidx;		/* hash of (rule, key): index + 1 */
	size_t			 gcap;		/* slots, a power of two */
	/* counts */
	uint64_t		 events, matches, inputs, recognised;
	uint64_t		*rule_matches;
	/* --why-not */
	const char		*whynot;
	uint32_t		 wn_rule;
	struct ruleset		 terms;
	struct scanner		*tsc;
	char			*term[TERMS_MAX];
	size_t			 nterms;
	int			 any;
	uint64_t		 wn_near, wn_false[TERMS_MAX], wn_missed;
	/* --expect */
	char			**seen;
	size_t			 nseen, capseen;
};

static void
rt_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie rules test [--format text|json|matches] "
	    "[--expect FILE]\n"
	    "                        [--why-not RULE] [--geoip FILE] "
	    "[--home-countries CC,..]\n"
	    "                        [--internal CIDR,..] RULES... -- "
	    "INPUT...\n"
	    "  INPUT: FILE:PARSER (a log, parsers: %s)\n"
	    "         FILE (a capture file: its flows, as the collector "
	    "makes them)\n"
	    "         FILE (event JSON lines, as vigie events --format json "
	    "prints them)\n", parser_names());
}

#define rt_err(...)	cli_usage_error(rt_usage, "rules test: " __VA_ARGS__)

/* Writes len bytes of s for a terminal: quoted and escaped when needed. */
static void
show(const char *s, size_t len)
{
	if (event_text_value(stdout, s, len) == -1)
		clearerr(stdout);
}

static void
detail_cb(void *arg, uint32_t rule, YR_SCAN_CONTEXT *ctx, const YR_RULE *r)
{
	struct rtest	*t = arg;
	const YR_STRING	*s;
	const YR_MATCH	*p;
	YR_MATCH	 m;
	struct smatch	*x;
	size_t		 shown = 0;

	yr_rule_strings_foreach(r, s) {
		/*
		 * libyara 4.2 keeps its matches in a notebook at addresses
		 * not aligned for YR_MATCH: each is copied out before it is
		 * read (yr_string_matches_foreach would read it in place).
		 */
		for (p = ctx->matches[s->idx].head; p != NULL; p = m.next) {
			memcpy(&m, p, sizeof(m));
			if (m.is_private)
				continue;
			if (shown == STRINGS_MAX || t->nsm ==
			    sizeof(t->sm) / sizeof(t->sm[0]))
				break;
			x = &t->sm[t->nsm++];
			shown++;
			x->rule = rule;
			snprintf(x->id, sizeof(x->id), "%s", s->identifier);
			x->off = m.base + m.offset;
			x->len = m.match_length;
			x->dlen = (size_t)m.data_length < sizeof(x->data) ?
			    (size_t)m.data_length : sizeof(x->data);
			memcpy(x->data, m.data, x->dlen);
		}
	}
}

/* ---- what the condition read ---- */

struct reads {
	const struct event	*ev;
	const struct verdict	*v;
	json_t			*json;	/* NULL: text */
	int			 n;
};

static void
read_cb(void *arg, const char *id, size_t len)
{
	struct reads	*r = arg;
	char		 name[64], num[32];
	const char	*sv = NULL;
	int64_t		 iv = 0;
	int		 f, isint = 0, found = 0;

	if (len >= sizeof(name))
		return;
	memcpy(name, id, len);
	name[len] = '\0';
	for (f = 0; f < EV_NFIELDS; f++)
		if (ev_fields[f].yara != NULL && !strcmp(ev_fields[f].yara,
		    name)) {
			found = 1;
			if (ev_fields[f].ytype == YX_INT) {
				isint = 1;
				iv = event_int(r->ev, f);
			} else
				sv = f == EV_SRC_IP ? r->v->src :
				    event_str(r->ev, f);
			break;
		}
	if (!found) {
		struct scanctx	 x;

		detect_context(r->v, &x);
		found = 1;
		if (!strcmp(name, "src_country"))
			sv = x.src_country;
		else if (!strcmp(name, "dest_country"))
			sv = x.dest_country;
		else if (!strcmp(name, "hour"))
			isint = 1, iv = x.hour;
		else if (!strcmp(name, "src_internal"))
			isint = 1, iv = x.src_internal;
		else if (!strcmp(name, "extraterritorial"))
			isint = 1, iv = x.extraterritorial;
		else if (!strcmp(name, "dest_internal"))
			isint = 1, iv = x.dest_internal;
		else if (!strcmp(name, "dest_extraterritorial"))
			isint = 1, iv = x.dest_extraterritorial;
		else if (!strcmp(name, "outbound_abroad"))
			isint = 1, iv = x.outbound_abroad;
		else
			found = 0;
	}
	if (!found)
		return;
	if (sv == NULL && !isint)
		sv = "";
	if (r->json != NULL) {
		json_object_set_new(r->json, name, isint ?
		    json_integer((json_int_t)iv) : json_string(sv));
		return;
	}
	printf("%s%s=", r->n++ ? "  " : "", name);
	if (isint) {
		snprintf(num, sizeof(num), "%" PRId64, iv);
		fputs(num, stdout);
	} else
		show(sv, strlen(sv));
}

/* ---- windows ---- */

static uint64_t
grp_hash(uint32_t rule, const char *key, size_t klen)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ rule;

	while (klen--)
		h = (h ^ (unsigned char)*key++) * 0x100000001b3ULL;
	return h;
}

/* Rebuilds the hash at twice the size. Returns 0 or -1. */
static int
grp_rehash(struct rtest *t)
{
	size_t		 cap = t->gcap ? 2 * t->gcap : 256, i, j;
	uint32_t	*idx;

	if ((idx = calloc(cap, sizeof(*idx))) == NULL)
		return -1;
	for (i = 0; i < t->ngrps; i++) {
		j = grp_hash(t->grps[i].rule, t->grps[i].key,
		    strlen(t->grps[i].key)) & (cap - 1);
		while (idx[j] != 0)
			j = (j + 1) & (cap - 1);
		idx[j] = (uint32_t)i + 1;
	}
	free(t->gidx);
	t->gidx = idx;
	t->gcap = cap;
	return 0;
}

/* The group of (rule, key), made when new: a hash, not a walk. */
static struct grp *
grp_get(struct rtest *t, uint32_t rule, const char *key, size_t klen)
{
	struct grp	*g;
	size_t		 j;

	if ((t->ngrps + 1) * 2 > t->gcap && grp_rehash(t) == -1)
		return NULL;
	j = grp_hash(rule, key, klen) & (t->gcap - 1);
	for (; t->gidx[j] != 0; j = (j + 1) & (t->gcap - 1)) {
		g = &t->grps[t->gidx[j] - 1];
		if (g->rule == rule && strlen(g->key) == klen &&
		    !memcmp(g->key, key, klen))
			return g;
	}
	if (t->ngrps == t->capgrps) {
		size_t nc = t->capgrps ? 2 * t->capgrps : 64;

		if ((g = realloc(t->grps, nc * sizeof(*g))) == NULL)
			return NULL;
		t->grps = g;
		t->capgrps = nc;
	}
	g = &t->grps[t->ngrps];
	memset(g, 0, sizeof(*g));
	g->rule = rule;
	if ((g->key = strndup(key, klen)) == NULL)
		return NULL;
	t->gidx[j] = (uint32_t)++t->ngrps;
	return g;
}

/* The first of ts[0..n) (sorted) at or above v. */
static size_t
lower(const int64_t *ts, size_t n, int64_t v)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ts[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum inc { INC_NONE, INC_OPENS, INC_JOINS };

/* Adds a detection at ts; the hits in its window and what it does. */
static enum inc
grp_add(struct rtest *t, struct grp *g, int64_t ts, const char *where,
    size_t *hits)
{
	const struct rulemeta	*m = &t->rs.meta[g->rule];
	int64_t			 W = (int64_t)m->window * 1000000;
	int64_t			 Q = (int64_t)t->conf->incident_quiet * 1000000;
	size_t			 i;

	if (Q < W)
		Q = W;
	if (g->n == g->cap) {
		size_t	 nc = g->cap ? 2 * g->cap : 16;
		int64_t	*nt;

		if ((nt = realloc(g->ts, nc * sizeof(*nt))) == NULL)
			return INC_NONE;
		g->ts = nt;
		g->cap = nc;
	}
	/* Kept sorted: inputs come mostly in time order (an append). */
	i = lower(g->ts, g->n, ts + 1);
	memmove(g->ts + i + 1, g->ts + i, (g->n - i) * sizeof(*g->ts));
	g->ts[i] = ts;
	g->n++;
	*hits = lower(g->ts, g->n, ts + 1) - lower(g->ts, g->n, ts - W);
	if (g->open && ts - g->last <= Q) {
		if (ts > g->last)
			g->last = ts;
		g->joined++;
		return INC_JOINS;
	}
	if (*hits >= (size_t)m->threshold) {
		g->open = 1;
		g->last = ts;
		g->incidents++;
		g->joined = *hits;	/* the run counts from its window's first */
		free(g->opened_at);
		g->opened_at = strdup(where);
		return INC_OPENS;
	}
	g->open = 0;
	return INC_NONE;
}

/* ---- one event ---- */

static void
print_when(int64_t ts)
{
	time_t		 s = (time_t)(ts / 1000000);
	struct tm	 tm;
	char		 buf[40];

	if (gmtime_r(&s, &tm) == NULL)
		return;
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs(buf, stdout);
}

static void
print_source(const struct verdict *v)
{
	if (v->src[0] == '\0') {
		fputs("no source address", stdout);
		return;
	}
	printf("%s (%s%s%s)", v->src, v->internal ? "internal" : v->cc[0] ?
	    v->cc : "country unknown", v->external ? ", external" : "",
	    v->extraterritorial ? ", extraterritorial" : "");
}

static void
match_text(struct rtest *t, const char *where, const struct event *ev,
    const struct verdict *v, uint32_t rule, const char *gkey, size_t glen,
    enum inc inc, size_t hits, const struct grp *g)
{
	const struct rulemeta	*m = &t->rs.meta[rule];
	const struct rulesrc	*rsrc = rulesrc_find(t->src, t->nsrc, m->name);
	struct reads		 rd = { ev, v, NULL, 0 };
	enum ev_field		 df = detect_data_field(ev);
	size_t			 i;

	printf("%s  %s  %s/%s", where, m->name, m->category, m->severity);
	if (glen > 0) {
		printf("  %s=", group_by_name(m->group_by));
		show(gkey, glen);
	}
	printf("\n    event    ");
	print_when(v->ts);
	printf("  ");
	print_source(v);
	if (ev->f[EV_ACTION].len > 0) {
		printf("  action ");
		show(ev->f[EV_ACTION].v, ev->f[EV_ACTION].len);
	}
	printf("\n    %-8s ", ev_fields[df].name);
	show(ev->f[df].v != NULL ? ev->f[df].v : "", ev->f[df].len);
	if (rsrc != NULL) {
		printf("\n    reads    ");
		rulesrc_idents(rsrc->condition, read_cb, &rd);
		if (rd.n == 0)
			printf("(no event field)");
	}
	for (i = 0; i < t->nsm; i++) {
		if (t->sm[i].rule != rule)
			continue;
		printf("\n    string   %s at %" PRId64 ", %" PRId32 " bytes: ",
		    t->sm[i].id, t->sm[i].off, t->sm[i].len);
		show((const char *)t->sm[i].data, t->sm[i].dlen);
	}
	if (glen == 0)
		printf("\n    window   the event has no %s: it opens no "
		    "incident\n", group_by_name(m->group_by));
	else {
		printf("\n    window   %zu of %d in %d s: ", hits, m->threshold,
		    m->window);
		if (inc == INC_OPENS)
			printf("an incident opens here\n");
		else if (inc == INC_JOINS)
			printf("joins the incident opened at %s (%zu "
			    "detections)\n", g->opened_at, g->joined);
		else
			printf("no incident yet\n");
	}
}

static void
match_json(struct rtest *t, const char *where, const struct event *ev,
    const struct verdict *v, uint32_t rule, const char *gkey, size_t glen,
    enum inc inc, size_t hits, const struct grp *g)
{
	const struct rulemeta	*m = &t->rs.meta[rule];
	const struct rulesrc	*rsrc = rulesrc_find(t->src, t->nsrc, m->name);
	json_t			*o, *reads, *strs, *s, *w;
	struct reads		 rd = { ev, v, NULL, 0 };
	char			*txt;
	size_t			 i;

	if ((o = json_object()) == NULL || (reads = json_object()) == NULL ||
	    (strs = json_array()) == NULL || (w = json_object()) == NULL)
		return;
	rd.json = reads;
	if (rsrc != NULL)
		rulesrc_idents(rsrc->condition, read_cb, &rd);
	for (i = 0; i < t->nsm; i++) {
		if (t->sm[i].rule != rule || (s = json_object()) == NULL)
			continue;
		json_object_set_new(s, "string", json_string(t->sm[i].id));
		json_object_set_new(s, "offset", json_integer(t->sm[i].off));
		json_object_set_new(s, "length", json_integer(t->sm[i].len));
		json_object_set_new(s, "data", json_stringn_nocheck(
		    (const char *)t->sm[i].data, t->sm[i].dlen));
		json_array_append_new(strs, s);
	}
	json_object_set_new(w, "hits", json_integer((json_int_t)hits));
	json_object_set_new(w, "threshold", json_integer(m->threshold));
	json_object_set_new(w, "seconds", json_integer(m->window));
	json_object_set_new(w, "incident", json_string(inc == INC_OPENS ?
	    "opens" : inc == INC_JOINS ? "joins" : "none"));
	if (inc == INC_JOINS && g->opened_at != NULL)
		json_object_set_new(w, "opened_at", json_string(g->opened_at));
	json_object_set_new(o, "input", json_string(where));
	json_object_set_new(o, "rule", json_string(m->name));
	json_object_set_new(o, "category", json_string(m->category));
	json_object_set_new(o, "severity", json_string(m->severity));
	json_object_set_new(o, "group_by",
	    json_string(group_by_name(m->group_by)));
	json_object_set_new(o, "group", glen ? json_stringn_nocheck(gkey,
	    glen) : json_null());
	json_object_set_new(o, "event", event_json_encode(ev, where));
	json_object_set_new(o, "reads", reads);
	json_object_set_new(o, "strings", strs);
	json_object_set_new(o, "window", w);
	/* Text from logs may be invalid UTF-8: encoded as JSON escapes. */
	if ((txt = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII)) != NULL)
		puts(txt);
	free(txt);
	json_decref(o);
}

static int
seen_add(struct rtest *t, const char *rule, const char *where)
{
	char	**nv;

	if (t->nseen == t->capseen) {
		t->capseen = t->capseen ? 2 * t->capseen : 256;
		if ((nv = realloc(t->seen, t->capseen * sizeof(*nv))) == NULL)
			return -1;
		t->seen = nv;
	}
	if (asprintf(&t->seen[t->nseen], "%s %s", rule, where) == -1)
		return -1;
	t->nseen++;
	return 0;
}

/* --why-not: which terms of the rule's condition were false. */
static void
why_not(struct rtest *t, const char *where, const struct event *ev,
    const struct verdict *v)
{
	struct scanctx	 x;
	uint32_t	 hits[TERMS_MAX];
	int		 nh, isfalse[TERMS_MAX], nfalse = 0;
	size_t		 i, k, dlen;
	const void	*data;
	enum ev_field	 df = detect_data_field(ev);

	detect_context(v, &x);
	data = ev->f[df].v != NULL ? ev->f[df].v : "";
	dlen = ev->f[df].len;
	if ((nh = scanner_scan(t->tsc, ev, &x, data, dlen, hits,
	    TERMS_MAX)) < 0)
		return;
	for (i = 0; i < t->nterms; i++) {
		isfalse[i] = 1;
		for (k = 0; k < (size_t)nh; k++)
			if (hits[k] == i)
				isfalse[i] = 0;
		nfalse += isfalse[i];
	}
	t->wn_missed++;
	for (i = 0; i < t->nterms; i++)
		t->wn_false[i] += (uint64_t)isfalse[i];
	/* One false term of several: a near miss, worth a line of its own. */
	if (t->fmt != FMT_TEXT || t->any || nfalse != 1 || t->nterms < 2 ||
	    t->wn_near++ >= NEAR_MAX)
		return;
	for (i = 0; i < t->nterms; i++)
		if (isfalse[i])
			break;
	printf("%s  %s did not match: only this was false: %s\n", where,
	    t->whynot, t->term[i]);
	printf("    event    ");
	print_when(v->ts);
	printf("  ");
	print_source(v);
	printf("\n    %-8s ", ev_fields[df].name);
	show(data, dlen);
	printf("\n");
	if (strchr(t->term[i], '$') != NULL)
		return;		/* a string of the rule: the line shows it */
	printf("    reads    ");
	{
		struct reads rd = { ev, v, NULL, 0 };

		rulesrc_idents(t->term[i], read_cb, &rd);
		if (rd.n == 0)
			printf("(no event field)");
	}
	printf("\n");
}

static int
judge(struct rtest *t, const char *where, const struct event *ev)
{
	struct verdict	 v;
	struct grp	*g;
	const char	*gkey;
	size_t		 glen, hits = 0;
	enum inc	 inc;
	int		 h, matched = 0;

	t->events++;
	t->nsm = 0;
	(void)detect_event(&t->det, ev, (uint64_t)time(NULL) * 1000, &v);
	for (h = 0; h < v.nhits; h++) {
		const struct rulemeta *m = &t->rs.meta[v.hits[h]];

		t->matches++;
		t->rule_matches[v.hits[h]]++;
		if (t->whynot != NULL && v.hits[h] == t->wn_rule)
			matched = 1;
		gkey = detect_group(m, ev, &v, &glen);
		g = NULL;
		inc = INC_NONE;
		if (glen > 0) {
			if ((g = grp_get(t, v.hits[h], gkey, glen)) == NULL)
				return -1;
			inc = grp_add(t, g, v.ts, where, &hits);
		}
		if (seen_add(t, m->name, where) == -1)
			return -1;
		if (t->fmt == FMT_TEXT)
			match_text(t, where, ev, &v, v.hits[h], gkey, glen,
			    inc, hits, g);
		else if (t->fmt == FMT_JSON)
			match_json(t, where, ev, &v, v.hits[h], gkey, glen,
			    inc, hits, g);
		else
			printf("%s %s\n", m->name, where);
	}
	if (t->whynot != NULL && !matched)
		why_not(t, where, ev, &v);
	return 0;
}

/* ---- inputs ---- */

/*
 * A parser's values are spans of the line, not NUL-terminated; the
 * scanner reads them as C strings, as frame_next() gives them. Copies
 * each value into buf (grown as needed), followed by a NUL.
 */
static int
event_own(struct event *ev, char **buf, size_t *cap)
{
	size_t	 need = 0, off = 0;
	char	*nb;
	int	 f;

	for (f = 0; f < EV_NFIELDS; f++)
		if (ev->f[f].len)
			need += ev->f[f].len + 1;
	if (need > *cap) {
		if ((nb = realloc(*buf, need)) == NULL) {
			fprintf(stderr, "vigie: %s: %s\n", __func__,
			    strerror(errno));
			return -1;
		}
		*buf = nb;
		*cap = need;
	}
	for (f = 0; f < EV_NFIELDS; f++) {
		if (!ev->f[f].len)
			continue;
		memmove(*buf + off, ev->f[f].v, ev->f[f].len);
		(*buf)[off + ev->f[f].len] = '\0';
		ev->f[f].v = *buf + off;
		off += ev->f[f].len + 1;
	}
	return 0;
}

static int
input_log(struct rtest *t, const char *path, const struct parser *p)
{
	struct parse_buf	 pb;
	struct event		 ev;
	struct stat		 st;
	FILE			*fp;
	char			*line = NULL, *own = NULL, where[4200];
	size_t			 cap = 0, owncap = 0, no = 0;
	ssize_t			 n;
	long			 k;
	int			 rc = 0;

	if ((fp = fopen(path, "r")) == NULL || fstat(fileno(fp), &st) == -1) {
		fprintf(stderr, "vigie: %s: %s\n", path, strerror(errno));
		if (fp != NULL)
			fclose(fp);
		return 2;
	}
	memset(&pb, 0, sizeof(pb));
	while ((n = getline(&line, &cap, fp)) != -1) {
		no++;
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		if (p->parse(line, (size_t)n, st.st_mtime, &pb, &ev) ==
		    PARSE_RECOGNISED)
			t->recognised++;
		if (event_own(&ev, &own, &owncap) == -1) {
			rc = 2;
			break;
		}
		snprintf(where, sizeof(where), "%s:%zu", path, no);
		/* "message repeated N times": N attempts, as the tail emits. */
		k = pb.rec.repeat > 1 ? pb.rec.repeat : 1;
		while (k-- > 0 && rc == 0)
			if (judge(t, where, &ev) == -1)
				rc = 1;
		if (rc != 0)
			break;
	}
	parse_buf_free(&pb);
	if (ferror(fp)) {
		fprintf(stderr, "vigie: %s: read error\n", path);
		rc = 2;
	}
	free(own);
	free(line);
	fclose(fp);
	return rc;
}

static int
input_json(struct rtest *t, const char *path)
{
	struct event	 ev;
	json_t		*o;
	json_error_t	 jerr;
	FILE		*fp;
	char		*line = NULL, *store, err[160], where[4200];
	const char	*id;
	size_t		 cap = 0, no = 0;
	ssize_t		 n;
	int		 rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "vigie: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		no++;
		if (strspn(line, " \t\r\n") == (size_t)n)
			continue;
		if ((o = json_loadb(line, (size_t)n, 0, &jerr)) == NULL ||
		    !json_is_object(o)) {
			fprintf(stderr, "vigie: %s:%zu: not an event: %s\n",
			    path, no, o == NULL ? jerr.text : "not an object");
			json_decref(o);
			rc = 2;
			break;
		}
		if (event_json_decode(o, &ev, &store, err, sizeof(err)) == -1) {
			fprintf(stderr, "vigie: %s:%zu: %s\n", path, no, err);
			json_decref(o);
			rc = 2;
			break;
		}
		id = json_string_value(json_object_get(o, "id"));
		if (id != NULL && strlen(id) < 200)
			snprintf(where, sizeof(where), "%s:%zu(%s)", path, no,
			    id);
		else
			snprintf(where, sizeof(where), "%s:%zu", path, no);
		if (judge(t, where, &ev) == -1)
			rc = 1;
		free(store);
		json_decref(o);
		if (rc != 0)
			break;
	}
	free(line);
	fclose(fp);
	return rc;
}

/* A capture file: its packets into a flow table, each flow judged. */
struct pcapin {
	struct rtest	*t;
	const char	*path;
	uint8_t		*pay;
	uint32_t	 paymax;
	uint64_t	 flows;
	int		 failed;
};

static int
pcap_flow(void *arg, const struct flow *f, enum flow_end why)
{
	struct pcapin	*in = arg;
	struct event	 ev;
	struct flowev	 fb;
	char		 where[4200];

	(void)why;
	in->flows++;
	flowev_make(f, in->pay, in->paymax, &fb, &ev);
	snprintf(where, sizeof(where), "%s#flow%" PRIu64, in->path, in->flows);
	if (judge(in->t, where, &ev) == -1)
		in->failed = 1;
	return 0;
}

static int
input_pcap(struct rtest *t, const char *path)
{
	struct pcapin		 in = { t, path, NULL, 0, 0, 0 };
	struct flowconf		 fc;
	struct flowtab		*ft;
	struct pcap_pkthdr	*h;
	const u_char		*data;
	struct pkt		 p;
	char			 err[PCAP_ERRBUF_SIZE];
	pcap_t			*pc;
	int			 rc, dlt, status = 0;

	if ((pc = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "vigie: %s: %s\n", path, err);
		return 2;
	}
	dlt = pcap_datalink(pc);
	flowev_conf(t->conf, &fc);
	in.paymax = fc.payload_bytes;
	if ((in.pay = malloc(in.paymax + 1)) == NULL ||
	    (ft = flowtab_new(&fc, pcap_flow, &in)) == NULL) {
		free(in.pay);
		pcap_close(pc);
		return 1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1 && !in.failed)
		if (decode_packet(dlt, data, h->caplen, h->len, &p) == DEC_OK &&
		    flowtab_packet(ft, &p, (int64_t)h->ts.tv_sec * 1000000 +
		    h->ts.tv_usec) == -1)
			in.failed = 1;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "vigie: %s: %s\n", path, pcap_geterr(pc));
		status = 2;
	}
	if (flowtab_flush(ft) == -1 || in.failed)
		status = 1;
	flowtab_free(ft);
	free(in.pay);
	pcap_close(pc);
	return status;
}

/* A capture file starts with one of libpcap's magic numbers. */
static int
is_pcap(const char *path)
{
	unsigned char	 m[4];
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	n = fread(m, 1, sizeof(m), fp);
	fclose(fp);
	return n == 4 && ((m[0] == 0xd4 && m[1] == 0xc3 && m[2] == 0xb2) ||
	    (m[1] == 0xb2 && m[2] == 0xc3 && m[3] == 0xd4) ||
	    (m[0] == 0x4d && m[1] == 0x3c && m[2] == 0xb2) ||
	    (m[1] == 0xb2 && m[2] == 0x3c && m[3] == 0x4d) ||
	    (m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a));
}

static int
input(struct rtest *t, const char *arg)
{
	const struct parser	*p;
	const char		*colon = strrchr(arg, ':');
	char			 path[4096];

	t->inputs++;
	if (colon != NULL && (p = parser_find(colon + 1)) != NULL) {
		if ((size_t)(colon - arg) >= sizeof(path))
			return rt_err("%s: path too long", arg);
		memcpy(path, arg, (size_t)(colon - arg));
		path[colon - arg] = '\0';
		return input_log(t, path, p);
	}
	if (colon != NULL && strchr(colon, '/') == NULL)
		return rt_err("%s: unknown parser (FILE:PARSER, a capture file, "
		    "or a file of event JSON lines)", arg);
	if (is_pcap(arg))
		return input_pcap(t, arg);
	return input_json(t, arg);
}

/* ---- --why-not and --expect ---- */

static int
whynot_setup(struct rtest *t)
{
	const struct rulesrc	*r;
	char			*text = NULL, *nt;
	size_t			 i, len = 0;
	int			 n;

	for (i = 0; i < t->rs.n; i++)
		if (!strcmp(t->rs.meta[i].name, t->whynot))
			break;
	if (i == t->rs.n)
		return rt_err("--why-not %s: no such rule in the rules given",
		    t->whynot);
	t->wn_rule = (uint32_t)i;
	if ((r = rulesrc_find(t->src, t->nsrc, t->whynot)) == NULL) {
		fprintf(stderr, "vigie: rule %s: its source was not found in "
		    "the rule files\n", t->whynot);
		return 2;
	}
	t->nterms = rulesrc_terms(r->condition, t->term, TERMS_MAX, &t->any);
	/* Each term a rule of its own, with the rule's strings. */
	for (i = 0; i < t->nterms; i++) {
		n = r->strings != NULL ?
		    asprintf(&nt, "%srule t%zu { strings: %s condition: (%s) "
		    "or (false and any of them) }\n", text ? text : "", i,
		    r->strings, t->term[i]) :
		    asprintf(&nt, "%srule t%zu { condition: %s }\n",
		    text ? text : "", i, t->term[i]);
		free(text);
		if (n == -1)
			return 1;
		text = nt;
		len += (size_t)n;
	}
	(void)len;
	if (text == NULL || ruleset_load_text(&t->terms, text) == -1) {
		fprintf(stderr, "vigie: rule %s: its condition could not be "
		    "split into terms\n", t->whynot);
		free(text);
		return 2;
	}
	free(text);
	if ((t->tsc = scanner_new(&t->terms)) == NULL)
		return 1;
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compares the matches with FILE's; prints the difference. 0, 1 or 2. */
static int
expect(struct rtest *t, const char *file)
{
	FILE	*fp;
	char	*line = NULL, **want = NULL, **nw;
	size_t	 cap = 0, nwant = 0, capw = 0, i = 0, j = 0, diff = 0;
	ssize_t	 n;
	int	 c;

	if ((fp = fopen(file, "r")) == NULL) {
		fprintf(stderr, "vigie: --expect %s: %s\n", file,
		    strerror(errno));
		return 2;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
		    line[n - 1] == ' '))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (nwant == capw) {
			capw = capw ? 2 * capw : 256;
			if ((nw = realloc(want, capw * sizeof(*nw))) == NULL)
				break;
			want = nw;
		}
		if ((want[nwant] = strdup(line)) == NULL)
			break;
		nwant++;
	}
	free(line);
	fclose(fp);
	/* An empty FILE (no match expected) leaves want NULL. */
	if (nwant > 0)
		qsort(want, nwant, sizeof(*want), str_cmp);
	if (t->nseen > 0)
		qsort(t->seen, t->nseen, sizeof(*t->seen), str_cmp);
	while (i < nwant || j < t->nseen) {
		c = i == nwant ? 1 : j == t->nseen ? -1 :
		    strcmp(want[i], t->seen[j]);
		if (c < 0) {
			printf("- expected, did not match: %s\n", want[i++]);
			diff++;
		} else if (c > 0) {
			printf("+ matched, not expected:   %s\n", t->seen[j++]);
			diff++;
		} else
			i++, j++;
	}
	if (diff == 0)
		printf("as expected: %zu matches (%s)\n", nwant, file);
	else
		printf("%zu difference%s from %s\n", diff, diff == 1 ? "" :
		    "s", file);
	for (i = 0; i < nwant; i++)
		free(want[i]);
	free(want);
	return diff ? 1 : 0;
}

static void
summary(struct rtest *t)
{
	size_t	 i, k, groups, incidents;

	printf("%zu rule%s; %" PRIu64 " input%s, %" PRIu64 " event%s (%"
	    PRIu64 " recognised by their parser); %" PRIu64 " match%s\n",
	    t->rs.n, t->rs.n == 1 ? "" : "s", t->inputs, t->inputs == 1 ? "" :
	    "s", t->events, t->events == 1 ? "" : "s", t->recognised,
	    t->matches, t->matches == 1 ? "" : "es");
	for (i = 0; i < t->rs.n; i++) {
		groups = incidents = 0;
		for (k = 0; k < t->ngrps; k++)
			if (t->grps[k].rule == i) {
				groups++;
				incidents += t->grps[k].incidents;
			}
		printf("  %-32s %6" PRIu64 " match%s in %zu group%s; %zu "
		    "incident%s would open\n", t->rs.meta[i].name,
		    t->rule_matches[i], t->rule_matches[i] == 1 ? "" : "es",
		    groups, groups == 1 ? "" : "s", incidents,
		    incidents == 1 ? "" : "s");
	}
	if (t->whynot == NULL)
		return;
	printf("why not %s: %" PRIu64 " event%s it did not match; the "
	    "condition's %s:\n", t->whynot, t->wn_missed, t->wn_missed == 1 ?
	    "" : "s", t->any ? "alternatives (any one would do)" :
	    "terms (all are needed)");
	for (i = 0; i < t->nterms; i++)
		printf("  false for %6" PRIu64 ": %s\n", t->wn_false[i],
		    t->term[i]);
	if (t->wn_near > NEAR_MAX)
		printf("  (%" PRIu64 " near misses, the first %d shown)\n",
		    t->wn_near, NEAR_MAX);
}

int
cmd_rules_test(struct conf *conf, int argc, char **argv)
{
	struct rtest	 t;
	const char	*v, *expect_file = NULL;
	char		**rules = NULL;
	size_t		 nrules = 0, i;
	int		 k, missing = 0, dash = 0, status = 0, first_input = 0;

	memset(&t, 0, sizeof(t));
	t.conf = conf;
	for (k = 2; k < argc; k++) {
		if (!strcmp(argv[k], "--")) {
			dash = k;
			break;
		}
		if ((v = cli_opt_value(argc, argv, &k, "--format",
		    &missing)) != NULL) {
			if (!strcmp(v, "text"))
				t.fmt = FMT_TEXT;
			else if (!strcmp(v, "json"))
				t.fmt = FMT_JSON;
			else if (!strcmp(v, "matches"))
				t.fmt = FMT_MATCHES;
			else
				return rt_err("--format %s: text, json or "
				    "matches", v);
		} else if ((v = cli_opt_value(argc, argv, &k, "--expect",
		    &missing)) != NULL)
			expect_file = v;
		else if ((v = cli_opt_value(argc, argv, &k, "--why-not",
		    &missing)) != NULL)
			t.whynot = v;
		else if ((v = cli_opt_value(argc, argv, &k, "--geoip",
		    &missing)) != NULL) {
			if (conf_set(conf, "geo", "database", v, "--geoip") ==
			    -1)
				return 2;
		} else if ((v = cli_opt_value(argc, argv, &k, "--internal",
		    &missing)) != NULL) {
			if (conf_set(conf, "geo", "internal-networks", v,
			    "--internal") == -1)
				return 2;
		} else if ((v = cli_opt_value(argc, argv, &k,
		    "--home-countries", &missing)) != NULL) {
			if (conf_set(conf, "geo", "home-countries", v,
			    "--home-countries") == -1)
				return 2;
		}
		else if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			rt_usage(stdout);
			return 0;
		} else if (missing)
			return rt_err("%s needs a value", argv[k]);
		else if (argv[k][0] == '-')
			return rt_err("unknown option %s", argv[k]);
		else {
			if (rules == NULL && (rules = calloc((size_t)argc,
			    sizeof(*rules))) == NULL)
				return 1;
			rules[nrules++] = argv[k];
		}
	}
	if (missing)
		return rt_err("%s needs a value", argv[k]);
	if (nrules == 0 || dash == 0 || dash + 1 >= argc) {
		free(rules);
		return rt_err("give RULES... -- INPUT...");
	}
	if (conf_validate(conf) == -1) {
		free(rules);
		return 2;
	}
	if (conf->nginx_log_format != NULL) {
		char err[256];

		if (parse_nginx_format(conf->nginx_log_format, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "vigie: nginx-log-format: %s\n", err);
			free(rules);
			return 2;
		}
	}
	first_input = dash + 1;

	if (yr_initialize() != ERROR_SUCCESS) {
		free(rules);
		return 1;
	}
	if (ruleset_load(&t.rs, rules, nrules) == -1) {
		status = 2;
		goto out;
	}
	if (rulesrc_load(t.rs.files, t.rs.nfiles, &t.src, &t.nsrc) == -1 ||
	    (t.rule_matches = calloc(t.rs.n + 1, sizeof(uint64_t))) == NULL) {
		status = 2;
		goto out;
	}
	if (conf->geo_database != NULL &&
	    geo_open(&t.geo, conf->geo_database) == -1) {
		status = 2;
		goto out;
	}
	if ((t.sc = scanner_new(&t.rs)) == NULL) {
		status = 1;
		goto out;
	}
	scanner_set_detail(t.sc, detail_cb, &t);
	t.det.conf = conf;
	t.det.geo = t.geo.open ? &t.geo : NULL;
	t.det.rs = &t.rs;
	t.det.sc = t.sc;
	if (t.whynot != NULL && (status = whynot_setup(&t)) != 0)
		goto out;
	for (k = first_input; k < argc && status == 0; k++)
		status = input(&t, argv[k]);
	if (status == 0 && t.fmt == FMT_TEXT)
		summary(&t);
	if (status == 0 && expect_file != NULL)
		status = expect(&t, expect_file);
 out:
	for (i = 0; i < t.ngrps; i++) {
		free(t.grps[i].key);
		free(t.grps[i].ts);
		free(t.grps[i].opened_at);
	}
	free(t.grps);
	free(t.gidx);
	for (i = 0; i < t.nseen; i++)
		free(t.seen[i]);
	free(t.seen);
	for (i = 0; i < t.nterms; i++)
		free(t.term[i]);
	scanner_free(t.tsc);
	if (t.terms.rules != NULL)
		ruleset_free(&t.terms);
	scanner_free(t.sc);
	if (t.geo.open)
		geo_close(&t.geo);
	rulesrc_free(t.src, t.nsrc);
	free(t.rule_matches);
	if (t.rs.rules != NULL)
		ruleset_free(&t.rs);
	yr_finalize();
	free(rules);
	return status;
}
