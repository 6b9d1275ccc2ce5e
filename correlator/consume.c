/*
 * correlator/consume.c - a worker: read events from the group, give each
 * its geo and YARA verdict, and commit the batch in one FCALL.
 * Owns the worker's Redis connection, scanner and argument buffers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "correlator.h"
#include "daytime.h"
#include "log.h"
#include "netaddr.h"
#include "redis.h"
#include "text.h"

#define READ_COUNT	500
#define BLOCK_MS	1000
#define CLAIM_IDLE_MS	60000
#define CLAIM_EVERY_S	30
#define SWEEP_EVERY_S	60
#define TRIM_EVERY_S	10
#define TRIM_SPAN_MAX	5000	/* pending span we measure before giving up */
#define MAX_HITS	64
#define EVIDENCE_LINE	512
#define DET_MAXLEN	"100000"
#define REDIS_TIMEOUT_MS 30000

/* One stream entry, fields borrowed from the reply. */
struct evview {
	const char	*id;
	const char	*kind, *ts, *sensor, *src_ip, *src_port, *dest_port;
	const char	*proto, *program, *action, *user, *line, *payload;
	const char	*http_method, *url, *status, *bytes_toserver, *state;
	size_t		 line_len, payload_len;
};

/* ---- FCALL arguments ---- */

static void
fargs_reset(struct fargs *a)
{
	a->n = 0;
	a->used = 0;
}

static void
fargs_addn(struct fargs *a, const char *s, size_t len)
{
	if (a->n == a->cap) {
		size_t	 ncap = a->cap ? a->cap * 2 : 4096;

		if ((a->off = realloc(a->off, ncap * sizeof(*a->off))) == NULL ||
		    (a->len = realloc(a->len, ncap * sizeof(*a->len))) == NULL)
			fatalx("%s: out of memory", __func__);
		a->cap = ncap;
	}
	if (a->used + len + 1 > a->size) {
		size_t	 nsize = a->size ? a->size : 1 << 16;

		while (a->used + len + 1 > nsize)
			nsize *= 2;
		if ((a->arena = realloc(a->arena, nsize)) == NULL)
			fatalx("%s: out of memory", __func__);
		a->size = nsize;
	}
	memcpy(a->arena + a->used, s, len);
	a->arena[a->used + len] = '\0';
	a->off[a->n] = a->used;
	a->len[a->n++] = len;
	a->used += len + 1;
}

static void
fargs_add(struct fargs *a, const char *s)
{
	fargs_addn(a, s ? s : "", s ? strlen(s) : 0);
}

static void __attribute__((format(printf, 2, 3)))
fargs_addf(struct fargs *a, const char *fmt, ...)
{
	char	 buf[64];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		fatalx("%s: argument too long", __func__);
	fargs_addn(a, buf, (size_t)n);
}

static void
fargs_argv(struct fargs *a)
{
	size_t	 i;

	if (a->acap < a->n) {
		if ((a->argv = realloc(a->argv, a->n * sizeof(*a->argv))) ==
		    NULL ||
		    (a->argl = realloc(a->argl, a->n * sizeof(*a->argl))) == NULL)
			fatalx("%s: out of memory", __func__);
		a->acap = a->n;
	}
	for (i = 0; i < a->n; i++) {
		a->argv[i] = a->arena + a->off[i];
		a->argl[i] = a->len[i];
	}
}

static void
fargs_free(struct fargs *a)
{
	free(a->off);
	free(a->len);
	free(a->arena);
	free(a->argv);
	free(a->argl);
	memset(a, 0, sizeof(*a));
}

/* ---- events ---- */

static void
evview_fill(struct evview *ev, const redisReply *entry)
{
	const redisReply	*f;
	size_t			 i;

	memset(ev, 0, sizeof(*ev));
	ev->id = entry->element[0]->str;
	f = entry->element[1];
	if (f->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i + 1 < f->elements; i += 2) {
		const char	*k = f->element[i]->str;
		const char	*v = f->element[i + 1]->str;
		size_t		 vl = f->element[i + 1]->len;

		if (f->element[i]->type != REDIS_REPLY_STRING ||
		    f->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
#define M(name) else if (!strcmp(k, #name)) ev->name = v;
		if (!strcmp(k, "line")) {
			ev->line = v;
			ev->line_len = vl;
		} else if (!strcmp(k, "payload")) {
			ev->payload = v;
			ev->payload_len = vl;
		}
		M(kind) M(ts) M(sensor) M(src_ip) M(src_port) M(dest_port)
		M(proto) M(program) M(action) M(user) M(http_method) M(url)
		M(status) M(bytes_toserver) M(state)
#undef M
	}
}

static int64_t
num(const char *s)
{
	char	*end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return v;
}

static const char *
group_value(const struct rulemeta *m, const struct evview *ev,
    const char *src)
{
	const char	*v = NULL;

	switch (m->group_by) {
	case G_SRC_IP:	v = src; break;
	case G_DEST_IP:	v = NULL; break;
	case G_USER:	v = ev->user; break;
	case G_HOST:	v = ev->sensor; break;
	case G_SENSOR:	v = ev->sensor; break;
	case G_RULE:	v = m->name; break;
	}
	return v && *v ? v : "-";
}

static char *
evidence_json(const struct evview *ev, const char *src, int64_t ts)
{
	char	 line[EVIDENCE_LINE * 3 + 4], user[256];
	json_t	*o;
	char	*s;

	o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_string(ev->id));
	if (ev->sensor != NULL) {
		text_utf8_clean(ev->sensor, strlen(ev->sensor), user,
		    sizeof(user));
		json_object_set_new(o, "sensor", json_string(user));
	}
	json_object_set_new(o, "ts", json_integer(ts));
	if (*src)
		json_object_set_new(o, "src_ip", json_string(src));
	if (ev->action != NULL) {
		text_utf8_clean(ev->action, strlen(ev->action), user,
		    sizeof(user));
		json_object_set_new(o, "action", json_string(user));
	}
	if (ev->user != NULL) {
		text_utf8_clean(ev->user, strlen(ev->user), user, sizeof(user));
		json_object_set_new(o, "user", json_string(user));
	}
	if (ev->line != NULL) {
		text_utf8_clean(ev->line, ev->line_len < EVIDENCE_LINE ?
		    ev->line_len : EVIDENCE_LINE, line, sizeof(line));
		json_object_set_new(o, "line", json_string(line));
	} else if (ev->payload != NULL) {
		text_utf8_clean(ev->payload, ev->payload_len < EVIDENCE_LINE ?
		    ev->payload_len : EVIDENCE_LINE, line, sizeof(line));
		json_object_set_new(o, "payload", json_string(line));
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Appends one event's record and its detections to the FCALL. */
static void
worker_event(struct worker *w, struct fargs *fa, const struct evview *ev)
{
	const struct conf	*conf = w->cor->conf;
	const struct ruleset	*rs = &w->cor->rules;
	struct scanctx		 x;
	struct netaddr		 na;
	uint32_t		 hits[MAX_HITS];
	char			 day[11], src[64] = "", cc[3] = "", flags[4];
	char			*evj = NULL;
	const void		*data;
	size_t			 dlen, i;
	int64_t			 ts, t0;
	int			 hour, nhits, external = 0, foreign = 0;
	int			 internal = 0, fl = 0;

	ts = num(ev->ts);
	if (ts <= 0)
		ts = (int64_t)strtoull(ev->id, NULL, 10) * 1000;
	daytime_day((time_t)(ts / 1000000), day, &hour);
	if (ev->src_ip != NULL && netaddr_parse(ev->src_ip, &na) == 0) {
		netaddr_format(&na, src, sizeof(src));
		internal = cidrset_contains(conf->internal, &na);
		if (!internal) {
			external = 1;
			if (geo_country(&w->cor->geo, &na, cc) == -1)
				cc[0] = '\0';
			if (cc[0] != '\0') {
				foreign = 1;
				for (i = 0; i < conf->home_countries.n; i++)
					if (!strcmp(cc, conf->home_countries.v[i]))
						foreign = 0;
			}
		}
	}

	memset(&x, 0, sizeof(x));
	x.event_kind = ev->kind;
	x.program = ev->program;
	x.action = ev->action;
	x.proto = ev->proto;
	x.src_ip = src;
	x.src_country = cc;
	x.user = ev->user;
	x.http_method = ev->http_method;
	x.url = ev->url;
	x.state = ev->state;
	x.src_port = num(ev->src_port);
	x.dest_port = num(ev->dest_port);
	x.hour = hour;
	x.status = num(ev->status);
	x.bytes_toserver = num(ev->bytes_toserver);
	x.src_internal = internal;
	x.extraterritorial = foreign;
	if (ev->kind != NULL && !strcmp(ev->kind, "flow")) {
		data = ev->payload ? ev->payload : "";
		dlen = ev->payload_len;
	} else {
		data = ev->line ? ev->line : "";
		dlen = ev->line_len;
	}
	t0 = daytime_now_us();
	nhits = scanner_scan(w->sc, &x, data, dlen, hits, MAX_HITS);
	w->scan_us += (uint64_t)(daytime_now_us() - t0);
	if (nhits < 0)
		nhits = 0;	/* logged; the event still counts */
	if (nhits > 0 && (evj = evidence_json(ev, src, ts)) == NULL)
		fatalx("%s: out of memory", __func__);

	if (external)
		flags[fl++] = 'E';
	if (foreign)
		flags[fl++] = 'X';
	if (external && cc[0] == '\0')
		flags[fl++] = 'U';
	if (fl == 0)
		flags[fl++] = '-';
	flags[fl] = '\0';

	/* Most events match nothing: then id, day and 0 are all it takes. */
	fargs_add(fa, ev->id);
	fargs_add(fa, day);
	fargs_addf(fa, "%d", nhits);
	if (nhits == 0)
		return;
	fargs_addf(fa, "%d", hour);
	fargs_addf(fa, "%" PRId64, ts);
	fargs_add(fa, src);
	fargs_add(fa, cc);
	fargs_add(fa, flags);
	fargs_add(fa, ev->sensor);
	fargs_add(fa, evj);
	for (i = 0; i < (size_t)nhits; i++) {
		const struct rulemeta *m = &rs->meta[hits[i]];

		fargs_add(fa, m->name);
		fargs_add(fa, m->category);
		fargs_add(fa, m->severity);
		fargs_addf(fa, "%d", m->threshold);
		fargs_addf(fa, "%d", m->window);
		fargs_add(fa, group_by_name(m->group_by));
		fargs_add(fa, group_value(m, ev, src));
	}
	w->detections += (uint64_t)nhits;
	free(evj);
}

/* ---- Redis side ---- */

static int
worker_connect(struct worker *w)
{
	if (w->rc != NULL)
		return 0;
	if ((w->rc = redis_open(w->cor->conf->redis_address,
	    REDIS_TIMEOUT_MS)) == NULL)
		return -1;
	return 0;
}

static void
worker_disconnect(struct worker *w)
{
	if (w->rc != NULL)
		redisFree(w->rc);
	w->rc = NULL;
}

/* Refreshes the list of sensor streams; creates the group where missing. */
static int
worker_discover(struct worker *w)
{
	const char	*prefix = w->cor->conf->redis_prefix;
	char		 key[512];
	redisReply	*r, *g;
	size_t		 i, j;

	redis_key(key, sizeof(key), prefix, "sensors");
	if ((r = redis_cmd(w->rc, "SMEMBERS %s", key)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY) {
		log_warnx("redis: SMEMBERS %s: %s", key,
		    r->type == REDIS_REPLY_ERROR ? r->str : "not a set");
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i < r->elements; i++) {
		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		redis_key(key, sizeof(key), prefix, "ev:{%s}",
		    r->element[i]->str);
		for (j = 0; j < w->nstreams; j++)
			if (!strcmp(w->streams[j], key))
				break;
		if (j < w->nstreams)
			continue;
		g = redis_cmd(w->rc, "XGROUP CREATE %s %s 0 MKSTREAM", key,
		    CORRELATOR_GROUP);
		if (g == NULL) {
			freeReplyObject(r);
			return -1;
		}
		if (g->type == REDIS_REPLY_ERROR &&
		    strncmp(g->str, "BUSYGROUP", 9) != 0) {
			log_warnx("redis: XGROUP CREATE %s: %s", key, g->str);
			freeReplyObject(g);
			continue;
		}
		freeReplyObject(g);
		if ((w->streams = realloc(w->streams, (w->nstreams + 1) *
		    sizeof(*w->streams))) == NULL ||
		    (w->streams[w->nstreams] = strdup(key)) == NULL)
			fatalx("%s: out of memory", __func__);
		w->nstreams++;
	}
	freeReplyObject(r);
	return 0;
}

/* A call prepared for the next round trip: an FCALL, or an XACK. */
static struct fargs *
worker_call(struct worker *w)
{
	struct fargs	*fa;

	if (w->nnext == w->capcalls) {
		size_t	 ncap = w->capcalls ? w->capcalls * 2 : 4, i;

		if ((w->next = realloc(w->next, ncap * sizeof(*w->next))) ==
		    NULL || (w->ready = realloc(w->ready, ncap *
		    sizeof(*w->ready))) == NULL)
			fatalx("%s: out of memory", __func__);
		for (i = w->capcalls; i < ncap; i++) {
			memset(&w->next[i], 0, sizeof(w->next[i]));
			memset(&w->ready[i], 0, sizeof(w->ready[i]));
		}
		w->capcalls = ncap;
	}
	fa = &w->next[w->nnext++];
	fargs_reset(fa);
	return fa;
}

/*
 * Scans one stream's entries and prepares their FCALL (and an XACK for
 * entries that were pending but are gone from the stream) for the next
 * round trip.
 */
static void
worker_prepare(struct worker *w, const char *stream, const redisReply *entries)
{
	const struct conf	*conf = w->cor->conf;
	struct fargs		*fa, *gone = NULL;
	struct evview		 ev;
	size_t			 i, nlive = 0;

	fa = worker_call(w);
	fargs_add(fa, "FCALL");
	fargs_add(fa, "vigie_commit_v1");
	fargs_add(fa, "1");
	fargs_add(fa, stream);
	fargs_add(fa, CORRELATOR_GROUP);
	fargs_add(fa, conf->redis_prefix);
	fargs_addf(fa, "%lld", (long long)conf->retention_days * 86400);
	fargs_addf(fa, "%lld", (long long)conf->incident_quiet * 1000000);
	fargs_addf(fa, "%d", conf->evidence_keep);
	fargs_add(fa, DET_MAXLEN);
	for (i = 0; i < entries->elements; i++) {
		const redisReply *e = entries->element[i];

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		if (e->element[1]->type != REDIS_REPLY_ARRAY) {
			/* Pending, but trimmed or deleted: nothing to count. */
			log_warnx("%s %s: entry gone from the stream; "
			    "acknowledged uncounted", stream, e->element[0]->str);
			if (gone == NULL) {
				gone = worker_call(w);
				fa = &w->next[w->nnext - 2];	/* may have moved */
				fargs_add(gone, "XACK");
				fargs_add(gone, stream);
				fargs_add(gone, CORRELATOR_GROUP);
			}
			fargs_add(gone, e->element[0]->str);
			continue;
		}
		evview_fill(&ev, e);
		worker_event(w, fa, &ev);
		nlive++;
	}
	if (nlive == 0) {
		if (gone == NULL)
			w->nnext--;		/* nothing to commit */
		else
			fargs_reset(fa);	/* skipped when sending */
	}
}

/* Appends every ready call to the output buffer. Returns 0 or -1. */
static int
worker_send_ready(struct worker *w)
{
	size_t	 i;

	for (i = 0; i < w->nready; i++) {
		struct fargs *fa = &w->ready[i];

		if (fa->n == 0)
			continue;
		if (w->cor->crash_before > 0 && --w->cor->crash_before == 0)
			_exit(99);	/* test hook: batch read, not committed */
		fargs_argv(fa);
		if (redisAppendCommandArgv(w->rc, (int)fa->n, fa->argv,
		    fa->argl) != REDIS_OK) {
			log_warnx("redis: %s", w->rc->errstr);
			return -1;
		}
	}
	return 0;
}

/* Hands the output buffer to Redis now, without reading. 0 or -1. */
static int
worker_write(struct worker *w)
{
	int	 done = 0;

	while (!done)
		if (redisBufferWrite(w->rc, &done) != REDIS_OK) {
			log_warnx("redis: %s", w->rc->errstr);
			return -1;
		}
	return 0;
}

/* Reads the replies of the ready calls sent. Returns 0 or -1. */
static int
worker_read_results(struct worker *w)
{
	redisReply	*r;
	size_t		 i;
	void		*rv;
	int		 rc = 0;

	for (i = 0; i < w->nready; i++) {
		struct fargs *fa = &w->ready[i];

		if (fa->n == 0)
			continue;
		if (redisGetReply(w->rc, &rv) != REDIS_OK) {
			log_warnx("redis: %s", w->rc->errstr);
			return -1;
		}
		r = rv;
		if (r->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: %s %s: %s", fa->argv[0], fa->argv[3],
			    r->str);
			if (strstr(r->str, "not found") != NULL)
				w->reload = 1;	/* Redis lost its functions */
			rc = -1;
		} else if (strcmp(fa->argv[0], "FCALL") == 0 &&
		    r->type == REDIS_REPLY_ARRAY && r->elements == 2) {
			w->events += (uint64_t)r->element[0]->integer;
			w->skipped += (uint64_t)r->element[1]->integer;
		}
		freeReplyObject(r);
	}
	w->nready = 0;
	return rc;
}

/* Sends the ready calls and waits for them. Returns 0 or -1. */
static int
worker_flush(struct worker *w)
{
	if (w->nready == 0)
		return 0;
	if (worker_send_ready(w) == -1)
		return -1;
	return worker_read_results(w);
}

/*
 * One round: XREADGROUP from `id` ("0": this consumer's pending entries;
 * ">": new ones), then the calls prepared last round are sent, and Redis
 * runs those commits while this worker scans what it just read; the new
 * entries become the ready calls of the next round. It blocks only when
 * nothing is left to commit. Returns entries read, or -1.
 */
static long
worker_read(struct worker *w, const char *id, int block)
{
	const char	**argv;
	struct fargs	*swap;
	redisReply	*r;
	size_t		 argc = 0, i;
	long		 total = 0;
	char		 count[16], blockms[16];
	void		*rv;

	if (w->nstreams == 0)
		return 0;
	if ((argv = calloc(10 + 2 * w->nstreams, sizeof(*argv))) == NULL)
		fatalx("%s: out of memory", __func__);
	snprintf(count, sizeof(count), "%d", READ_COUNT);
	snprintf(blockms, sizeof(blockms), "%d", BLOCK_MS);
	argv[argc++] = "XREADGROUP";
	argv[argc++] = "GROUP";
	argv[argc++] = CORRELATOR_GROUP;
	argv[argc++] = w->consumer;
	argv[argc++] = "COUNT";
	argv[argc++] = count;
	if (block && w->nready == 0) {
		argv[argc++] = "BLOCK";
		argv[argc++] = blockms;
	}
	argv[argc++] = "STREAMS";
	for (i = 0; i < w->nstreams; i++)
		argv[argc++] = w->streams[i];
	for (i = 0; i < w->nstreams; i++)
		argv[argc++] = id;
	/*
	 * The read goes alone: Redis answers a pipeline only once it has
	 * run all of it, and the commit must run while we scan.
	 */
	if (redisAppendCommandArgv(w->rc, (int)argc, argv, NULL) != REDIS_OK ||
	    redisGetReply(w->rc, &rv) != REDIS_OK) {
		free(argv);
		log_warnx("redis: XREADGROUP: %s", w->rc->errstr);
		return -1;
	}
	free(argv);
	r = rv;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis: XREADGROUP: %s", r->str);
		freeReplyObject(r);
		return -1;
	}
	if (worker_send_ready(w) == -1 || worker_write(w) == -1) {
		freeReplyObject(r);
		return -1;
	}
	w->nnext = 0;
	if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < r->elements; i++) {
			const redisReply *s = r->element[i];

			if (s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
			    s->element[1]->type != REDIS_REPLY_ARRAY)
				continue;
			total += (long)s->element[1]->elements;
			worker_prepare(w, s->element[0]->str, s->element[1]);
		}
	}
	freeReplyObject(r);
	if (worker_read_results(w) == -1)
		return -1;
	/* What was prepared is ready for the next round trip. */
	swap = w->ready;
	w->ready = w->next;
	w->next = swap;
	w->nready = w->nnext;
	w->nnext = 0;
	return total;
}

/*
 * Takes over entries other consumers left pending longer than min_idle
 * (a dead correlator's). They become ours and are read back with "0".
 * Returns the number claimed, or -1.
 */
static long
worker_claim(struct worker *w, long min_idle)
{
	redisReply	*r;
	size_t		 i;
	long		 claimed = 0;

	for (i = 0; i < w->nstreams; i++) {
		r = redis_cmd(w->rc, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT %d "
		    "JUSTID", w->streams[i], CORRELATOR_GROUP, w->consumer,
		    min_idle, READ_COUNT);
		if (r == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
		    r->element[1]->type == REDIS_REPLY_ARRAY)
			claimed += (long)r->element[1]->elements;
		else if (r->type == REDIS_REPLY_ERROR)
			log_warnx("redis: XAUTOCLAIM %s: %s", w->streams[i],
			    r->str);
		freeReplyObject(r);
	}
	return claimed;
}

/* Entries pending in the group over all streams, or -1. */
static long long
worker_pending(struct worker *w)
{
	redisReply	*r;
	size_t		 i;
	long long	 n = 0;

	for (i = 0; i < w->nstreams; i++) {
		r = redis_cmd(w->rc, "XPENDING %s %s", w->streams[i],
		    CORRELATOR_GROUP);
		if (r == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
		    r->element[0]->type == REDIS_REPLY_INTEGER)
			n += r->element[0]->integer;
		freeReplyObject(r);
	}
	return n;
}

/* The value of field `name` in a flat RESP2 map reply, or NULL. */
static const redisReply *
map_get(const redisReply *m, const char *name)
{
	size_t	 i;

	for (i = 0; i + 1 < m->elements; i += 2)
		if (m->element[i]->type == REDIS_REPLY_STRING &&
		    !strcmp(m->element[i]->str, name))
			return m->element[i + 1];
	return NULL;
}

/*
 * How many entries of `stream` must stay for group g: the undelivered
 * ones (lag) and stream-keep delivered ones, provided the group's pending
 * entries lie within those. Returns the count, or -1 when it cannot be
 * known safely (no lag, or pending entries older than the kept ones).
 */
static long long
trim_need(struct worker *w, const char *stream, const redisReply *g)
{
	const redisReply	*name, *pending, *last, *lag, *min;
	redisReply		*r;
	long long		 keep = w->cor->conf->stream_keep, cap, n;
	long long		 need = -1;

	name = map_get(g, "name");
	pending = map_get(g, "pending");
	last = map_get(g, "last-delivered-id");
	lag = map_get(g, "lag");
	if (name == NULL || pending == NULL || last == NULL || lag == NULL ||
	    lag->type != REDIS_REPLY_INTEGER ||
	    pending->type != REDIS_REPLY_INTEGER)
		return -1;	/* lag unknown (after XDEL, say): keep all */
	if (pending->integer == 0)
		return lag->integer + keep;
	if ((r = redis_cmd(w->rc, "XPENDING %s %s", stream, name->str)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    (min = r->element[1])->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return -1;
	}
	/* Count the delivered entries from the oldest pending one on. */
	cap = (keep < TRIM_SPAN_MAX ? keep : TRIM_SPAN_MAX) + 1;
	{
		redisReply *span = redis_cmd(w->rc, "XRANGE %s %s %s COUNT %lld",
		    stream, min->str, last->str, cap);

		if (span != NULL && span->type == REDIS_REPLY_ARRAY) {
			n = (long long)span->elements;
			if (n < cap && n <= keep)
				need = lag->integer + keep;
		}
		if (span != NULL)
			freeReplyObject(span);
	}
	freeReplyObject(r);
	return need;
}

/*
 * Trims each stream below what every group still needs (DESIGN: below
 * the oldest unacknowledged entry, minus stream-keep entries), exactly,
 * never an undelivered or pending entry. Returns 0 or -1 (I/O error).
 */
static int
worker_trim(struct worker *w)
{
	redisReply	*gr, *r;
	long long	 need, most;
	size_t		 i, j;

	for (i = 0; i < w->nstreams; i++) {
		if ((gr = redis_cmd(w->rc, "XINFO GROUPS %s", w->streams[i])) ==
		    NULL)
			return -1;
		most = -1;
		if (gr->type == REDIS_REPLY_ARRAY && gr->elements > 0) {
			most = 0;
			for (j = 0; j < gr->elements; j++) {
				if (gr->element[j]->type != REDIS_REPLY_ARRAY ||
				    (need = trim_need(w, w->streams[i],
				    gr->element[j])) == -1) {
					most = -1;
					break;
				}
				if (need > most)
					most = need;
			}
		}
		freeReplyObject(gr);
		if (most < 0)
			continue;
		if ((r = redis_cmd(w->rc, "XTRIM %s MAXLEN %lld", w->streams[i],
		    most)) == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ERROR)
			log_warnx("redis: XTRIM %s: %s", w->streams[i], r->str);
		freeReplyObject(r);
	}
	return 0;
}

void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	const struct conf	*conf = w->cor->conf;
	time_t			 last_claim = 0, last_sweep = 0, last_trim = 0;
	long			 n;
	int			 drain = conf->drain, history = 1;

	if ((w->sc = scanner_new(&w->cor->rules)) == NULL) {
		log_warnx("worker %d: cannot create a YARA scanner", w->idx);
		w->failed = 1;
		return NULL;
	}
	snprintf(w->consumer, sizeof(w->consumer), "%s-%ld-%d", w->cor->host,
	    (long)getpid(), w->idx);
	while (!*w->cor->stop) {
		if (worker_connect(w) == -1 || worker_discover(w) == -1)
			goto error;
		if (w->reload) {
			if (commit_load(w->rc) == -1)
				goto error;
			w->reload = 0;
		}
		/*
		 * First what this consumer was given and did not commit (at
		 * start, after an error, after a claim). Nothing may be in
		 * flight then, or its entries would be read twice.
		 */
		if (history) {
			if (worker_flush(w) == -1 ||
			    (n = worker_read(w, "0", 0)) == -1 ||
			    worker_flush(w) == -1)
				goto error;
			if (n > 0)
				continue;
			history = 0;
		}
		if (time(NULL) - last_claim >= CLAIM_EVERY_S) {
			last_claim = time(NULL);
			if (worker_flush(w) == -1 ||
			    (n = worker_claim(w, CLAIM_IDLE_MS)) == -1)
				goto error;
			if (n > 0) {
				history = 1;
				continue;
			}
		}
		/* One worker closes the incidents gone quiet and trims. */
		if (w->idx == 0 && !drain &&
		    time(NULL) - last_sweep >= SWEEP_EVERY_S) {
			last_sweep = time(NULL);
			if (worker_flush(w) == -1 ||
			    commit_sweep(w->rc, conf) == -1)
				goto error;
		}
		if (w->idx == 0 && !drain &&
		    time(NULL) - last_trim >= TRIM_EVERY_S) {
			last_trim = time(NULL);
			if (worker_flush(w) == -1 || worker_trim(w) == -1)
				goto error;
		}
		if ((n = worker_read(w, ">", !drain)) == -1)
			goto error;
		if (n > 0 || !drain)
			continue;
		/*
		 * Drained of new entries, and everything read is committed.
		 * Entries still pending belong to consumers that died or are
		 * still working; with --drain we take them now (the commit
		 * counts each entry once anyway).
		 */
		if ((n = worker_pending(w)) == -1)
			goto error;
		if (n == 0) {
			if (w->idx == 0 && (commit_sweep(w->rc, conf) == -1 ||
			    worker_trim(w) == -1))
				goto error;
			break;
		}
		if (worker_claim(w, 0) == -1)
			goto error;
		history = 1;
		continue;
 error:
		/* What was read and not committed stays pending: read again. */
		w->nready = w->nnext = 0;
		history = 1;
		worker_disconnect(w);
		if (drain) {
			w->failed = 1;
			break;
		}
		sleep(1);
	}
	/* Stopping: commit what was read, or leave it pending for a claim. */
	if (w->rc != NULL && worker_flush(w) == -1)
		log_warnx("worker %d: last batch left pending", w->idx);
	return NULL;
}

void
worker_free(struct worker *w)
{
	size_t	 i;

	worker_disconnect(w);
	scanner_free(w->sc);
	for (i = 0; i < w->capcalls; i++) {
		fargs_free(&w->ready[i]);
		fargs_free(&w->next[i]);
	}
	free(w->ready);
	free(w->next);
	for (i = 0; i < w->nstreams; i++)
		free(w->streams[i]);
	free(w->streams);
}
