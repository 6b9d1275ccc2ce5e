/*
 * core/report.c - read the state from Redis as JSON: days, incidents (found
 * and paged), a source, rules, sensors. Owns no state but a per-thread
 * deadline; pipelines its reads on the caller's hiredis context.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "daytime.h"
#include "log.h"
#include "report.h"
#include "text.h"

#define PIPE_MAX	(PARTS_MAX + 8)	/* commands in one pipelined batch:
					 * one per partition, and a few */
#define INC_CHUNK	100	/* incident ids read per batch */
#define ID_MAXLEN	19	/* digits of an incident id */

/* A batch of commands sent together, then their replies read in order. */
struct pipe {
	struct rconn	*c;
	size_t		 n;
	int		 broken;	/* an append failed */
	redisReply	*r[PIPE_MAX];
};

struct pair {
	const char	*key;
	size_t		 keylen;
	long long	 val;
};

static void
pipe_init(struct pipe *p, struct rconn *c)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
}

static void
pipe_add(struct pipe *p, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	if (p->n == PIPE_MAX) {
		p->broken = 1;
		return;
	}
	va_start(ap, fmt);
	rc = rconn_appendv(p->c, fmt, ap);
	va_end(ap);
	if (rc == -1)
		p->broken = 1;
	else
		p->n++;
}

static void
pipe_addargv(struct pipe *p, int argc, const char **argv,
    const size_t *argvlen)
{
	if (p->n == PIPE_MAX) {
		p->broken = 1;
		return;
	}
	if (rconn_append(p->c, argc > 1 ? redis_slot(argv[1], argvlen ?
	    argvlen[1] : strlen(argv[1])) : 0, argc, argv, argvlen) == -1)
		p->broken = 1;
	else
		p->n++;
}

static void
pipe_clear(struct pipe *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		if (p->r[i] != NULL)
			freeReplyObject(p->r[i]);
		p->r[i] = NULL;
	}
	p->n = 0;
	p->broken = 0;
}

/* The deadline of the caller's reads (report_deadline), per thread. */
static _Thread_local struct timespec	 deadline;
static _Thread_local int		 deadline_cmd_ms;

void
report_deadline(int total_ms, int cmd_ms)
{
	if (total_ms <= 0) {
		deadline.tv_sec = deadline.tv_nsec = 0;
		return;
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += total_ms / 1000;
	deadline.tv_nsec += (long)(total_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	deadline_cmd_ms = cmd_ms;
}

/*
 * Before waiting for replies: the time left to the deadline bounds each
 * wait, on every node. Returns 0, or -1 when none is left.
 */
static int
deadline_check(struct rconn *c, const char *what)
{
	struct timespec	 now;
	long long	 left;

	if (deadline.tv_sec == 0)
		return 0;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	left = (long long)(deadline.tv_sec - now.tv_sec) * 1000 +
	    (deadline.tv_nsec - now.tv_nsec) / 1000000;
	if (left <= 0) {
		log_warnx("%s: redis: the request's deadline passed", what);
		return -1;
	}
	if (deadline_cmd_ms > 0 && left > deadline_cmd_ms)
		left = deadline_cmd_ms;
	return rconn_timeout(c, (int)left);
}

/*
 * Sends the batch and reads every reply, so that the connection stays
 * in step even when one of them is an error. Returns 0, or -1 after
 * logging (I/O error, or an error reply).
 */
static int
pipe_run(struct pipe *p, const char *what)
{
	size_t	 i;
	int	 rc = 0;

	if (p->broken) {
		/* What was queued goes, unread, with the router's queue. */
		log_warnx("%s: redis: too many commands in a batch, or one "
		    "that could not be queued", what);
		if (rconn_replies(p->c, p->r) == -1)
			rc = -1;
		return -1;
	}
	if (p->n > 0 && deadline_check(p->c, what) == -1) {
		(void)rconn_replies(p->c, p->r);
		return -1;
	}
	if (rconn_replies(p->c, p->r) == -1) {
		log_warnx("%s: redis: I/O error", what);
		rc = -1;
	}
	for (i = 0; i < p->n && rc == 0; i++)
		if (p->r[i]->type == REDIS_REPLY_ERROR) {
			log_warnx("%s: redis: %s", what, p->r[i]->str);
			rc = -1;
		}
	return rc;
}

/* Strict base-10 integer; returns 0, or -1 if s is not one. */
static int
parse_ll(const char *s, long long *out)
{
	char	*end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* A counter: a malformed or missing value counts 0. */
static long long
counter(const redisReply *r)
{
	long long v;

	if (r == NULL || r->type != REDIS_REPLY_STRING ||
	    parse_ll(r->str, &v) == -1)
		return 0;
	return v;
}

/* A sorted-set score (a double in Redis) as a whole count. */
static long long
score(const redisReply *r)
{
	char	*end;
	double	 d;

	if (r == NULL || r->type != REDIS_REPLY_STRING)
		return 0;
	d = strtod(r->str, &end);
	if (*end != '\0' || !isfinite(d))
		return 0;
	if (d >= 9.2e18)
		return LLONG_MAX;
	if (d <= -9.2e18)
		return LLONG_MIN;
	return d < 0 ? (long long)(d - 0.5) : (long long)(d + 0.5);
}

json_t *
report_jstring(const char *s, size_t len)
{
	json_t	*j;
	char	 small[768], *buf = small;
	size_t	 n;

	/* Each bad byte may become the 3 bytes of U+FFFD. */
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	if (len * 3 + 1 > sizeof(small) && (buf = malloc(len * 3 + 1)) == NULL)
		return NULL;
	n = text_utf8_clean(s, len, buf, len * 3 + 1);
	j = json_stringn(buf, n);
	if (buf != small)
		free(buf);
	return j;
}

/* Sets obj[key] = new value; returns 0, or -1 when out of memory. */
static int
set_new(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(obj, key, v);
}

static int
set_str(json_t *obj, const char *key, const redisReply *r)
{
	if (r == NULL || r->type != REDIS_REPLY_STRING)
		return set_new(obj, key, json_null());
	return set_new(obj, key, report_jstring(r->str, r->len));
}

char *
report_time(int64_t us, char *buf)
{
	struct tm	 tm;
	time_t		 t;
	int64_t		 s;

	s = us / 1000000;
	if (us % 1000000 < 0)
		s--;
	t = (time_t)s;
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0 ||
	    strftime(buf, REPORT_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)strcpy(buf, "1970-01-01T00:00:00Z");
	return buf;
}

static int
set_time(json_t *obj, const char *key, const redisReply *r)
{
	char		 buf[REPORT_TIME_LEN];
	long long	 us;

	if (r == NULL || r->type != REDIS_REPLY_STRING ||
	    parse_ll(r->str, &us) == -1)
		return set_new(obj, key, json_null());
	return set_new(obj, key, json_string(report_time(us, buf)));
}

int
report_status_valid(const char *status)
{
	return strcmp(status, "open") == 0 ||
	    strcmp(status, "acknowledged") == 0 ||
	    strcmp(status, "closed") == 0;
}

int
report_id_valid(const char *id)
{
	size_t	 i;

	for (i = 0; id[i] != '\0'; i++)
		if (id[i] < '0' || id[i] > '9' || i == ID_MAXLEN)
			return 0;
	return i > 0;
}

/* Field `name` of an HGETALL reply, or NULL. */
static const redisReply *
hget(const redisReply *h, const char *name)
{
	size_t	 i;

	if (h == NULL || h->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(h->element[i]->str, name) == 0)
			return h->element[i + 1];
	return NULL;
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct pair	*x = a, *y = b;
	size_t			 n;
	int			 c;

	if (x->val != y->val)
		return x->val > y->val ? -1 : 1;
	n = x->keylen < y->keylen ? x->keylen : y->keylen;
	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}

/* An HGETALL of counters as an object, largest first, ties by name. */
static json_t *
hash_counts(const redisReply *h)
{
	struct pair	*v;
	json_t		*obj, *key;
	size_t		 i, n = 0;

	if ((obj = json_object()) == NULL)
		return NULL;
	if (h->type != REDIS_REPLY_ARRAY || h->elements < 2)
		return obj;
	if ((v = calloc(h->elements / 2, sizeof(*v))) == NULL) {
		json_decref(obj);
		return NULL;
	}
	for (i = 0; i + 1 < h->elements; i += 2) {
		if (h->element[i]->type != REDIS_REPLY_STRING)
			continue;
		v[n].key = h->element[i]->str;
		v[n].keylen = h->element[i]->len;
		v[n].val = counter(h->element[i + 1]);
		n++;
	}
	qsort(v, n, sizeof(*v), pair_cmp);
	for (i = 0; i < n; i++) {
		/* Keys, too, come from traffic: make them valid UTF-8. */
		if ((key = report_jstring(v[i].key, v[i].keylen)) == NULL ||
		    set_new(obj, json_string_value(key),
		    json_integer(v[i].val)) == -1) {
			json_decref(key);
			json_decref(obj);
			free(v);
			return NULL;
		}
		json_decref(key);
	}
	free(v);
	return obj;
}

static json_t *
day_totals(const redisReply *h)
{
	static const char *const names[] = { "events", "detections",
	    "external", "extraterritorial", "unknown_country",
	    "incidents_opened" };
	json_t	*obj;
	size_t	 i;

	if ((obj = json_object()) == NULL)
		return NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (set_new(obj, names[i],
		    json_integer(counter(hget(h, names[i])))) == -1) {
			json_decref(obj);
			return NULL;
		}
	return obj;
}

static json_t *
day_hours(const redisReply *h)
{
	long long	 hours[24];
	json_t		*arr;
	long long	 k;
	size_t		 i;

	memset(hours, 0, sizeof(hours));
	for (i = 0; h->type == REDIS_REPLY_ARRAY && i + 1 < h->elements;
	    i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    parse_ll(h->element[i]->str, &k) == 0 && k >= 0 && k < 24)
			hours[k] += counter(h->element[i + 1]);
	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; i < 24; i++)
		if (json_array_append_new(arr, json_integer(hours[i])) == -1) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/*
 * The state's partitions (DESIGN.md, "Partitions"): their number, as
 * recorded (1 when none is), and partition k's prefix. -1 after logging.
 */
/* The number the last rparts() of this thread gave: inc_prefix() uses
 * it, since it is called while commands are queued. */
static _Thread_local int	 last_np = 1;

static int
rparts(struct rconn *c, const char *prefix)
{
	static _Thread_local struct rconn	*cc;
	static _Thread_local time_t		 at;
	static _Thread_local int		 cn;
	static _Thread_local char		 cp[256];
	int					 n;

	/* A command now would take the reply of one queued. */
	if (rconn_queued(c) > 0) {
		log_warnx("%s: partitions read inside a pipeline", __func__);
		return -1;
	}
	/* Fixed at set-up: once recorded, read again once a second at
	 * most; none recorded yet (1), each time. */
	if (cc == c && time(NULL) == at && strcmp(cp, prefix) == 0)
		return last_np = cn;
	if ((n = parts_read(c, prefix)) == -1)
		return -1;
	if (n == 0)
		return last_np = 1;
	cc = c;
	at = time(NULL);
	cn = n;
	if (strlen(prefix) < sizeof(cp))
		memcpy(cp, prefix, strlen(prefix) + 1);
	else
		cc = NULL;	/* too long to keep: read each time */
	return last_np = cn;
}

static const char *rpart(struct rconn *, const char *, int, int, char *,
    size_t);

/* The prefix of an incident's keys: its partition is its id modulo
 * their number, as the reader's last rparts() gave it. */
static const char *
inc_prefix(struct rconn *c, const char *prefix, const char *id, char *buf,
    size_t len)
{
	return rpart(c, prefix, last_np, (int)(strtoull(id, NULL, 10) %
	    (unsigned long long)last_np), buf, len);
}

/* An id and its score, merging the partitions' incident lists. */
struct idscore {
	const char	*id;
	size_t		 len;
	double		 score;
	int		 rev;
};

static int
idscore_cmp(const void *a, const void *b)
{
	const struct idscore *x = a, *y = b;
	int c;

	if (x->score != y->score)
		c = x->score < y->score ? -1 : 1;
	else if ((c = memcmp(x->id, y->id, x->len < y->len ? x->len :
	    y->len)) == 0)
		c = (x->len > y->len) - (x->len < y->len);
	return x->rev ? -c : c;
}

/*
 * ZREVRANGE (rev) or ZRANGE of <zset> from start to stop over the
 * partitions, merged by score as one zset would give them, into p->r[0]
 * (p->n 1) as an array of ids. Returns 0, or -1 after logging, as
 * pipe_run().
 */
static int
ids_fetch(struct pipe *p, const char *prefix, const char *zset,
    size_t start, size_t stop, int rev, const char *what)
{
	struct pipe	 q;
	struct idscore	*all = NULL;
	redisReply	*out;
	char		 sp[512];
	size_t		 n = 0, i, j;
	int		 np, k;

	if ((np = rparts(p->c, prefix)) == -1)
		return -1;
	if (np == 1) {
		pipe_add(p, "%s %s%s %llu %llu", rev ? "ZREVRANGE" : "ZRANGE",
		    rpart(p->c, prefix, 1, 0, sp, sizeof(sp)), zset,
		    (unsigned long long)start, (unsigned long long)stop);
		return pipe_run(p, what);
	}
	pipe_init(&q, p->c);
	for (k = 0; k < np; k++)
		pipe_add(&q, "%s %s%s 0 %llu WITHSCORES", rev ? "ZREVRANGE" :
		    "ZRANGE", rpart(p->c, prefix, np, k, sp, sizeof(sp)), zset,
		    (unsigned long long)stop);
	if (pipe_run(&q, what) == -1) {
		pipe_clear(&q);
		return -1;
	}
	for (k = 0; k < (int)q.n; k++)
		if (q.r[k]->type == REDIS_REPLY_ARRAY)
			n += q.r[k]->elements / 2;
	if ((all = calloc(n + 1, sizeof(*all))) == NULL ||
	    (out = calloc(1, sizeof(*out))) == NULL) {
		free(all);
		pipe_clear(&q);
		return -1;
	}
	n = 0;
	for (k = 0; k < (int)q.n; k++)
		for (i = 0; q.r[k]->type == REDIS_REPLY_ARRAY &&
		    i + 1 < q.r[k]->elements; i += 2)
			if (q.r[k]->element[i]->type == REDIS_REPLY_STRING) {
				all[n].id = q.r[k]->element[i]->str;
				all[n].len = q.r[k]->element[i]->len;
				all[n].score = q.r[k]->element[i + 1]->str ?
				    strtod(q.r[k]->element[i + 1]->str, NULL) :
				    0;
				all[n++].rev = rev;
			}
	qsort(all, n, sizeof(*all), idscore_cmp);
	out->type = REDIS_REPLY_ARRAY;
	if (start < n && (out->element = calloc(n - start,
	    sizeof(*out->element))) != NULL)
		for (j = start; j < n && j <= stop; j++) {
			redisReply *e = calloc(1, sizeof(*e));

			if (e == NULL || (e->str = strndup(all[j].id,
			    all[j].len)) == NULL) {
				free(e);
				break;
			}
			e->type = REDIS_REPLY_STRING;
			e->len = all[j].len;
			out->element[out->elements++] = e;
		}
	free(all);
	pipe_clear(&q);
	p->r[0] = out;
	p->n = 1;
	return 0;
}

static const char *
rpart(struct rconn *c, const char *prefix, int n, int k, char *buf,
    size_t len)
{
	return parts_prefix(buf, len, prefix, n, rconn_is_cluster(c), k);
}

/*
 * A reply made here: an array of field, value strings (HGETALL's shape)
 * with each field's values summed over the replies rs[0..n) (the
 * largest, for a field ending in ":last_hit"). Freed with
 * freeReplyObject(). NULL when out of memory.
 */
/* Pairs by key, byte order. */
static int
pair_key_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = memcmp(x->key, y->key, x->keylen < y->keylen ? x->keylen :
	    y->keylen);

	return c != 0 ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

static redisReply *
hash_sum(redisReply *const *rs, int n)
{
	struct pair	*f = NULL;
	redisReply	*out = NULL;
	char		 num[32];
	size_t		 nf = 0, i, j;
	int		 k;

	for (k = 0; k < n; k++)
		if (rs[k]->type == REDIS_REPLY_ARRAY)
			nf += rs[k]->elements / 2;
	if ((f = calloc(nf + 1, sizeof(*f))) == NULL ||
	    (out = calloc(1, sizeof(*out))) == NULL ||
	    (out->element = calloc(2 * nf + 1, sizeof(*out->element))) ==
	    NULL) {
		free(f);
		if (out != NULL)
			free(out);
		return NULL;
	}
	out->type = REDIS_REPLY_ARRAY;
	nf = 0;
	for (k = 0; k < n; k++)
		for (i = 0; rs[k]->type == REDIS_REPLY_ARRAY &&
		    i + 1 < rs[k]->elements; i += 2)
			if (rs[k]->element[i]->type == REDIS_REPLY_STRING) {
				f[nf].key = rs[k]->element[i]->str;
				f[nf].keylen = rs[k]->element[i]->len;
				f[nf++].val = counter(rs[k]->element[i + 1]);
			}
	/* Fields in byte order, then each field's values summed. */
	qsort(f, nf, sizeof(*f), pair_key_cmp);
	for (i = 0; i < nf; i = j) {
		long long sum = 0;
		redisReply *a, *b;

		/* A rule's latest hit is the latest of its partitions'. */
		int max = f[i].keylen > 9 && memcmp(f[i].key + f[i].keylen - 9,
		    ":last_hit", 9) == 0;

		for (j = i; j < nf && f[j].keylen == f[i].keylen &&
		    memcmp(f[j].key, f[i].key, f[i].keylen) == 0; j++)
			sum = max ? (f[j].val > sum ? f[j].val : sum) :
			    sum + f[j].val;
		a = calloc(1, sizeof(*a));
		b = calloc(1, sizeof(*b));
		if (a != NULL)
			out->element[out->elements++] = a;
		if (b != NULL)
			out->element[out->elements++] = b;
		snprintf(num, sizeof(num), "%lld", sum);
		if (a == NULL || b == NULL ||
		    (a->str = malloc(f[i].keylen + 1)) == NULL ||
		    (b->str = strdup(num)) == NULL) {
			freeReplyObject(out);
			free(f);
			return NULL;
		}
		memcpy(a->str, f[i].key, f[i].keylen);
		a->str[f[i].keylen] = '\0';
		a->type = b->type = REDIS_REPLY_STRING;
		a->len = f[i].keylen;
		b->len = strlen(b->str);
	}
	free(f);
	return out;
}

/*
 * HGETALL <partition prefix><name> over the partitions, summed as
 * hash_sum() does. NULL after logging.
 */
static redisReply *
hash_all(struct rconn *c, const char *prefix, const char *name,
    const char *what)
{
	struct pipe	 p;
	redisReply	*out;
	char		 sp[512];
	int		 np, k;

	if ((np = rparts(c, prefix)) == -1)
		return NULL;
	pipe_init(&p, c);
	for (k = 0; k < np; k++)
		pipe_add(&p, "HGETALL %s%s", rpart(c, prefix, np, k, sp,
		    sizeof(sp)), name);
	if (pipe_run(&p, what) == -1) {
		pipe_clear(&p);
		return NULL;
	}
	if (np == 1) {
		out = p.r[0];
		p.r[0] = NULL;
	} else if ((out = hash_sum(p.r, (int)p.n)) == NULL)
		log_warnx("%s: out of memory", what);
	pipe_clear(&p);
	return out;
}

static int
source_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	 c = memcmp(a, b, alen < blen ? alen : blen);

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

/*
 * A partition's top sources as ZREVRANGE WITHSCORES gave them: how many
 * count (*nt, at most the top 20), the last one's score (*cut), and how
 * many come before the members tied with it (returned).
 */
static size_t
top_cut(const redisReply *top, size_t *nt, long long *cut)
{
	size_t	 above;

	*nt = top->elements / 2;
	if (*nt > REPORT_TOP_SOURCES)
		*nt = REPORT_TOP_SOURCES;
	if (*nt == 0)
		return 0;
	*cut = score(top->element[2 * *nt - 1]);
	for (above = 0; above < *nt &&
	    score(top->element[2 * above + 1]) != *cut; above++)
		;
	return above;
}

/* Candidates for the top sources (ip, detections): most first, then by
 * ip. */
static int
cand_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->val != y->val)
		return x->val > y->val ? -1 : 1;
	return source_cmp(x->key, x->keylen, y->key, y->keylen);
}

/*
 * The top sources of the day over the partitions' sources zsets (a
 * source counts in one partition only, that of its address): tops[k] is
 * partition k's ZREVRANGE 0 19 WITHSCORES, whose ties come in reverse
 * byte order. Where one is full, the members tied with its last score
 * are read again in ascending order (ZRANGEBYSCORE s s LIMIT), so that
 * the cut at 20 keeps the smallest ips. Countries: one HGET a source, in
 * its partition.
 */
static json_t *
day_sources(struct rconn *c, const char *prefix, int np, const char *day,
    redisReply *const *tops)
{
	struct pipe	 p, q;
	struct pair	*cd = NULL;
	const redisReply *cc, *top;
	char		 sp[512];
	json_t		*arr = NULL, *o;
	size_t		 i, n = 0, above, nt, ncd = 0;
	long long	 cut;
	int		 k, ti;

	if ((cd = calloc((size_t)np * 2 * REPORT_TOP_SOURCES,
	    sizeof(*cd))) == NULL)
		return NULL;
	pipe_init(&p, c);
	for (k = 0; k < np; k++) {
		top = tops[k];
		if (top->type != REDIS_REPLY_ARRAY)
			continue;
		above = top_cut(top, &nt, &cut);
		if (nt < REPORT_TOP_SOURCES)
			continue;
		pipe_add(&p,
		    "ZRANGEBYSCORE %sday:%s:sources %s %s LIMIT 0 %llu",
		    rpart(c, prefix, np, k, sp, sizeof(sp)), day,
		    top->element[2 * nt - 1]->str,
		    top->element[2 * nt - 1]->str,
		    (unsigned long long)(nt - above));
	}
	if (pipe_run(&p, "report sources") == -1)
		goto done;
	for (k = 0, ti = 0; k < np; k++) {
		top = tops[k];
		if (top->type != REDIS_REPLY_ARRAY)
			continue;
		above = top_cut(top, &nt, &cut);
		if (nt < REPORT_TOP_SOURCES || ti >= (int)p.n)
			above = nt;
		else {
			const redisReply *tie = p.r[ti++];

			for (i = 0; tie->type == REDIS_REPLY_ARRAY &&
			    i < tie->elements && above + i < nt; i++)
				if (tie->element[i]->type == REDIS_REPLY_STRING)
					cd[ncd++] = (struct pair){
					    tie->element[i]->str,
					    tie->element[i]->len, cut };
		}
		for (i = 0; i < above; i++)
			if (top->element[2 * i]->type == REDIS_REPLY_STRING)
				cd[ncd++] = (struct pair){
				    top->element[2 * i]->str,
				    top->element[2 * i]->len,
				    score(top->element[2 * i + 1]) };
	}
	/* Most detections first; ties by ip, byte order. */
	qsort(cd, ncd, sizeof(*cd), cand_cmp);
	n = ncd < REPORT_TOP_SOURCES ? ncd : REPORT_TOP_SOURCES;
	pipe_init(&q, c);
	for (i = 0; i < n; i++)
		pipe_add(&q, "HGET %sday:%s:source_country %b",
		    rpart(c, prefix, np, parts_of(cd[i].key, cd[i].keylen, np), sp,
		    sizeof(sp)), day, cd[i].key, cd[i].keylen);
	if (pipe_run(&q, "report sources") == -1 ||
	    (arr = json_array()) == NULL)
		goto doneq;
	for (i = 0; i < n; i++) {
		cc = q.r[i]->type == REDIS_REPLY_STRING ? q.r[i] : NULL;
		if ((o = json_object()) == NULL ||
		    json_array_append_new(arr, o) == -1 ||
		    set_new(o, "ip", report_jstring(cd[i].key, cd[i].keylen)) ==
		    -1 ||
		    set_new(o, "country", cc != NULL ?
		    report_jstring(cc->str, cc->len) : json_string("")) == -1 ||
		    set_new(o, "detections", json_integer(cd[i].val)) == -1) {
			log_warnx("%s: out of memory", __func__);
			json_decref(arr);
			arr = NULL;
			break;
		}
	}
 doneq:
	pipe_clear(&q);
 done:
	pipe_clear(&p);
	free(cd);
	return arr;
}

/*
 * Distinct sources over the partitions' HyperLogLogs of the day: their
 * union, as one HyperLogLog of every source would count them (a union
 * is the registers' maximum). On a single server PFCOUNT takes them all;
 * on a cluster they are copied under one hash tag of this reader's, for
 * a minute at most, counted and deleted. -1 after logging.
 */
static long long
day_uniq(struct rconn *c, const char *prefix, int np, const char *day,
    const char *name)
{
	struct pipe	 p, q;
	const char	*argv[1 + PARTS_MAX];
	char		 sp[512], tag[560], (*keys)[600];
	long long	 n = -1;
	int		 k, m = 0;

	if ((keys = calloc((size_t)np, sizeof(*keys))) == NULL)
		return -1;
	argv[0] = "PFCOUNT";
	pipe_init(&p, c);
	pipe_init(&q, c);
	if (!rconn_is_cluster(c)) {
		for (k = 0; k < np; k++) {
			snprintf(keys[k], sizeof(keys[k]), "%sday:%s:%s",
			    rpart(c, prefix, np, k, sp, sizeof(sp)), day, name);
			argv[1 + k] = keys[k];
		}
		pipe_addargv(&p, 1 + np, argv, NULL);
		if (pipe_run(&p, "report unique sources") == 0)
			n = p.r[0]->type == REDIS_REPLY_INTEGER ?
			    p.r[0]->integer : 0;
		goto out;
	}
	for (k = 0; k < np; k++)
		pipe_add(&p, "GET %sday:%s:%s", rpart(c, prefix, np, k, sp,
		    sizeof(sp)), day, name);
	if (pipe_run(&p, "report unique sources") == -1)
		goto out;
	/* The copies under one tag: one node, one slot, in order. */
	snprintf(tag, sizeof(tag), "%s{uniq-%ld-%lx}:", prefix,
	    (long)getpid(), (unsigned long)random());
	for (k = 0; k < (int)p.n; k++) {
		if (p.r[k]->type != REDIS_REPLY_STRING)
			continue;
		snprintf(keys[m], sizeof(keys[m]), "%s%d", tag, k);
		argv[1 + m] = keys[m];
		pipe_add(&q, "SET %s %b PX 60000", keys[m], p.r[k]->str,
		    p.r[k]->len);
		m++;
	}
	if (m == 0) {
		n = 0;
		goto out;
	}
	pipe_addargv(&q, 1 + m, argv, NULL);
	argv[0] = "DEL";
	pipe_addargv(&q, 1 + m, argv, NULL);
	if (pipe_run(&q, "report unique sources") == 0 &&
	    q.r[m]->type == REDIS_REPLY_INTEGER)
		n = q.r[m]->integer;
 out:
	pipe_clear(&q);
	pipe_clear(&p);
	free(keys);
	return n;
}

json_t *
report_day(struct rconn *c, const char *prefix, const char *day)
{
	static const char *const hashes[5] = { "totals", "country",
	    "category", "rule", "hour" };
	struct pipe	 p;
	redisReply	**got = NULL, *sum[5] = { NULL };
	json_t		*o = NULL, *src;
	char		 sp[512];
	long long	 uniq, uniqf;
	int		 np, k, k0, kn;
	size_t		 i;

	/* got[6 k + i]: partition k's five hashes and its top sources. */
	if ((np = rparts(c, prefix)) == -1 ||
	    (got = calloc((size_t)np * 6, sizeof(*got))) == NULL)
		return NULL;
	/* As many partitions in one batch as it takes: one round trip for
	 * up to PIPE_MAX / 6 (44) of them, not one each. */
	for (k0 = 0; k0 < np; k0 += PIPE_MAX / 6) {
		kn = np - k0 < PIPE_MAX / 6 ? np - k0 : PIPE_MAX / 6;
		pipe_init(&p, c);
		for (k = k0; k < k0 + kn; k++) {
			rpart(c, prefix, np, k, sp, sizeof(sp));
			for (i = 0; i < 5; i++)
				pipe_add(&p, "HGETALL %sday:%s:%s", sp, day,
				    hashes[i]);
			pipe_add(&p, "ZREVRANGE %sday:%s:sources 0 %d "
			    "WITHSCORES", sp, day, REPORT_TOP_SOURCES - 1);
		}
		if (pipe_run(&p, "report day") == -1) {
			pipe_clear(&p);
			goto fail;
		}
		for (i = 0; i < p.n; i++) {
			if (p.r[i]->type != REDIS_REPLY_ARRAY) {
				log_warnx("report day %s: unexpected reply "
				    "type %d", day, p.r[i]->type);
				pipe_clear(&p);
				goto fail;
			}
			got[6 * (size_t)k0 + i] = p.r[i];
			p.r[i] = NULL;
		}
		pipe_clear(&p);
	}
	for (i = 0; i < 5; i++) {
		redisReply *one[PARTS_MAX];

		for (k = 0; k < np; k++)
			one[k] = got[6 * k + i];
		if ((sum[i] = hash_sum(one, np)) == NULL)
			goto oom;
	}
	if ((uniq = day_uniq(c, prefix, np, day, "uniq")) == -1 ||
	    (uniqf = day_uniq(c, prefix, np, day, "uniq_foreign")) == -1)
		goto fail;
	if ((o = json_object()) == NULL ||
	    set_new(o, "day", json_string(day)) == -1 ||
	    set_new(o, "totals", day_totals(sum[0])) == -1 ||
	    set_new(o, "countries", hash_counts(sum[1])) == -1 ||
	    set_new(o, "categories", hash_counts(sum[2])) == -1 ||
	    set_new(o, "rules", hash_counts(sum[3])) == -1 ||
	    set_new(o, "hours", day_hours(sum[4])) == -1)
		goto oom;
	{
		redisReply *tops[PARTS_MAX];

		for (k = 0; k < np; k++)
			tops[k] = got[6 * k + 5];
		if ((src = day_sources(c, prefix, np, day, tops)) == NULL)
			goto fail;
	}
	if (set_new(o, "top_sources", src) == -1 ||
	    set_new(o, "unique_sources", json_integer(uniq)) == -1 ||
	    set_new(o, "unique_foreign_sources", json_integer(uniqf)) == -1)
		goto oom;
	goto out;
 oom:
	log_warnx("%s: out of memory", __func__);
 fail:
	json_decref(o);
	o = NULL;
 out:
	for (i = 0; i < 5; i++)
		if (sum[i] != NULL)
			freeReplyObject(sum[i]);
	for (i = 0; i < (size_t)np * 6; i++)
		if (got[i] != NULL)
			freeReplyObject(got[i]);
	free(got);
	return o;
}

json_t *
report_days(struct rconn *c, const char *prefix, const char *last, int n)
{
	json_t	*arr, *d;
	char	 day[11];
	int	 i;

	if (n < 1 || n > REPORT_MAX_DAYS) {
		log_warnx("%s: %d days out of range", __func__, n);
		return NULL;
	}
	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = n - 1; i >= 0; i--) {
		daytime_day_add(last, -i, day);
		if ((d = report_day(c, prefix, day)) == NULL ||
		    json_array_append_new(arr, d) == -1) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* The list fields of an incident from its HGETALL. Returns NULL on OOM. */
static json_t *
incident_object(const char *id, const redisReply *h)
{
	static const char *const strs[] = { "rule", "category", "severity",
	    "group", "src_ip", "country" };
	json_t		*o;
	long long	 v;
	size_t		 i;

	if ((o = json_object()) == NULL)
		return NULL;
	if (parse_ll(id, &v) == -1)
		v = 0;
	if (set_new(o, "id", json_integer(v)) == -1)
		goto oom;
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (set_str(o, strs[i], hget(h, strs[i])) == -1)
			goto oom;
	if (set_new(o, "count", json_integer(counter(hget(h, "count")))) ==
	    -1 || set_str(o, "status", hget(h, "status")) == -1 ||
	    set_time(o, "first_seen", hget(h, "first_seen")) == -1 ||
	    set_time(o, "last_seen", hget(h, "last_seen")) == -1)
		goto oom;
	return o;
 oom:
	json_decref(o);
	return NULL;
}

static int
status_is(const redisReply *h, const char *status)
{
	const redisReply	*s;

	if (status == NULL)
		return 1;
	s = hget(h, "status");
	return s != NULL && s->type == REDIS_REPLY_STRING &&
	    strcmp(s->str, status) == 0;
}

json_t *
report_incidents(struct rconn *c, const char *prefix, const char *status,
    size_t limit)
{
	char		 ip[512];
	struct pipe	 ids, p;
	json_t		*arr, *seen, *o;
	const redisReply *m;
	const char	*member[INC_CHUNK];
	size_t		 start = 0, i, nm, chunk = INC_CHUNK;
	int		 more = 1;

	if ((arr = json_array()) == NULL || (seen = json_object()) == NULL) {
		json_decref(arr);
		return NULL;
	}
	if (status == NULL && limit > 0 && limit < chunk)
		chunk = limit;
	while (more && (limit == 0 || json_array_size(arr) < limit)) {
		pipe_init(&ids, c);
		if (ids_fetch(&ids, prefix, "incidents", start,
		    start + chunk - 1, 1, "report incidents") == -1)
			goto fail_ids;
		if (ids.r[0]->type != REDIS_REPLY_ARRAY) {
			log_warnx("report incidents: unexpected reply type %d",
			    ids.r[0]->type);
			goto fail_ids;
		}
		more = ids.r[0]->elements == chunk;
		start += chunk;

		pipe_init(&p, c);
		for (i = 0, nm = 0; i < ids.r[0]->elements; i++) {
			m = ids.r[0]->element[i];
			if (m->type != REDIS_REPLY_STRING ||
			    !report_id_valid(m->str) ||
			    json_object_get(seen, m->str) != NULL)
				continue;
			member[nm++] = m->str;
			pipe_add(&p, "HGETALL %sinc:%s", inc_prefix(c, prefix,
			    m->str, ip, sizeof(ip)), m->str);
		}
		if (pipe_run(&p, "report incidents") == -1)
			goto fail;
		for (i = 0; i < nm; i++) {
			if (p.r[i]->type != REDIS_REPLY_ARRAY ||
			    p.r[i]->elements == 0 || !status_is(p.r[i], status))
				continue;	/* expired, or filtered out */
			if (json_object_set_new(seen, member[i],
			    json_true()) == -1 ||
			    (o = incident_object(member[i], p.r[i])) == NULL ||
			    json_array_append_new(arr, o) == -1) {
				log_warnx("%s: out of memory", __func__);
				goto fail;
			}
			if (limit > 0 && json_array_size(arr) >= limit)
				break;
		}
		pipe_clear(&p);
		pipe_clear(&ids);
	}
	json_decref(seen);
	return arr;
 fail:
	pipe_clear(&p);
 fail_ids:
	pipe_clear(&ids);
	json_decref(seen);
	json_decref(arr);
	return NULL;
}

/* A hex number ending at a tab; its end after the tab, or NULL. */
static const char *
stored_hex(const char *p, const char *end, uint64_t *v)
{
	const char	*q = p;
	int		 d;

	for (*v = 0; q < end && *q != '\t'; q++) {
		if (*q >= '0' && *q <= '9')
			d = *q - '0';
		else if (*q >= 'a' && *q <= 'f')
			d = *q - 'a' + 10;
		else
			return NULL;
		if (*v > (UINT64_MAX >> 4))
			return NULL;
		*v = *v << 4 | (uint64_t)d;
	}
	return q == p || q == end ? NULL : q + 1;
}

/*
 * A piece of evidence as the commit stored it (commit.lua): the line
 * "<ts>\t<day>\t<src>\t<cc>\t<sensor>\t<event>\n", then the event's
 * other fields in JSON. Gives one object in the event's order: id, kind,
 * ts, sensor, src_ip, the rest. NULL when s is not that.
 */
static json_t *
stored_evidence(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *m[5], *nl;
	json_t		*body, *o, *val;
	const char	*key;
	uint64_t	 ts;
	size_t		 mlen[5];
	int		 i, rc = 0;

	if ((p = stored_hex(p, end, &ts)) == NULL || ts > INT64_MAX ||
	    (nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return NULL;
	for (i = 0; i < 5; i++) {
		const char *t = i < 4 ? memchr(p, '\t', (size_t)(nl - p)) : nl;

		if (t == NULL)
			return NULL;
		m[i] = p;
		mlen[i] = (size_t)(t - p);
		p = t + 1;
	}
	body = json_loadb(nl + 1, (size_t)(end - nl - 1),
	    JSON_REJECT_DUPLICATES, NULL);
	if (body == NULL || !json_is_object(body) ||
	    (o = json_object()) == NULL) {
		json_decref(body);
		return NULL;
	}
	rc |= set_new(o, "id", report_jstring(m[4], mlen[4]));
	if ((val = json_object_get(body, "kind")) != NULL)
		rc |= json_object_set(o, "kind", val);
	rc |= set_new(o, "ts", json_integer((json_int_t)ts));
	rc |= set_new(o, "sensor", report_jstring(m[3], mlen[3]));
	if (mlen[1] > 0)
		rc |= set_new(o, "src_ip", report_jstring(m[1], mlen[1]));
	json_object_foreach(body, key, val)
		if (json_object_get(o, key) == NULL)
			rc |= json_object_set(o, key, val);
	json_decref(body);
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * One evidence entry or note: the stored JSON object (a note, evidence
 * stored before the commit's one-argument layout) or the evidence read
 * back whole, plus "time" from "ts".
 */
static json_t *
stored_object(const redisReply *r)
{
	json_t		*e = NULL, *ts;
	char		 buf[REPORT_TIME_LEN];

	if (r->len > 0 && r->str[0] != '{')
		e = stored_evidence(r->str, r->len);
	if (e == NULL)
		e = json_loadb(r->str, r->len, JSON_REJECT_DUPLICATES, NULL);
	if (e == NULL || !json_is_object(e)) {
		json_decref(e);
		/* Keep what is there, as text, rather than hide it. */
		if ((e = json_object()) == NULL)
			return NULL;
		if (set_new(e, "raw", report_jstring(r->str, r->len)) == -1) {
			json_decref(e);
			return NULL;
		}
		return e;
	}
	ts = json_object_get(e, "ts");
	if (json_is_integer(ts) && set_new(e, "time", json_string(
	    report_time(json_integer_value(ts), buf))) == -1) {
		json_decref(e);
		return NULL;
	}
	return e;
}

int
report_incident(struct rconn *c, const char *prefix, const char *id,
    json_t **out)
{
	char		 ip[512];
	struct pipe	 p;
	json_t		*o = NULL, *ev, *notes, *e;
	size_t		 i;

	*out = NULL;
	if (!report_id_valid(id))
		return 1;
	if (rparts(c, prefix) == -1)
		return -1;
	pipe_init(&p, c);
	inc_prefix(c, prefix, id, ip, sizeof(ip));
	pipe_add(&p, "HGETALL %sinc:%s", ip, id);
	pipe_add(&p, "LRANGE %sinc:%s:ev 0 %d", ip, id,
	    REPORT_MAX_EVIDENCE - 1);
	pipe_add(&p, "LRANGE %sinc:%s:notes 0 %d", ip, id,
	    REPORT_MAX_NOTES - 1);
	if (pipe_run(&p, "report incident") == -1) {
		pipe_clear(&p);
		return -1;
	}
	if (p.r[0]->type != REDIS_REPLY_ARRAY || p.r[0]->elements == 0) {
		pipe_clear(&p);
		return 1;
	}
	if ((o = incident_object(id, p.r[0])) == NULL ||
	    set_str(o, "group_by", hget(p.r[0], "group_by")) == -1 ||
	    set_str(o, "sensor", hget(p.r[0], "sensor")) == -1 ||
	    set_str(o, "acknowledged_by", hget(p.r[0], "acknowledged_by")) ==
	    -1 || set_time(o, "acknowledged_at",
	    hget(p.r[0], "acknowledged_at")) == -1 ||
	    set_str(o, "closed_by", hget(p.r[0], "closed_by")) == -1 ||
	    set_time(o, "closed_at", hget(p.r[0], "closed_at")) == -1 ||
	    (ev = json_array()) == NULL || set_new(o, "evidence", ev) == -1 ||
	    (notes = json_array()) == NULL || set_new(o, "notes", notes) == -1)
		goto oom;
	for (i = 0; p.r[1]->type == REDIS_REPLY_ARRAY &&
	    i < p.r[1]->elements; i++)
		if (p.r[1]->element[i]->type == REDIS_REPLY_STRING &&
		    ((e = stored_object(p.r[1]->element[i])) == NULL ||
		    json_array_append_new(ev, e) == -1))
			goto oom;
	for (i = 0; p.r[2]->type == REDIS_REPLY_ARRAY &&
	    i < p.r[2]->elements; i++)
		if (p.r[2]->element[i]->type == REDIS_REPLY_STRING &&
		    ((e = stored_object(p.r[2]->element[i])) == NULL ||
		    json_array_append_new(notes, e) == -1))
			goto oom;
	pipe_clear(&p);
	*out = o;
	return 0;
 oom:
	log_warnx("%s: out of memory", __func__);
	json_decref(o);
	pipe_clear(&p);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The pages beyond the day: incidents found, a source, rules, sensors. */

static int
contains_ci(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle), i;

	if (n == 0)
		return 1;
	for (i = 0; hay[i] != '\0'; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

static int
field_is(const redisReply *h, const char *name, const char *want)
{
	const redisReply	*v;

	if (want == NULL)
		return 1;
	v = hget(h, name);
	return v != NULL && v->type == REDIS_REPLY_STRING &&
	    strcmp(v->str, want) == 0;
}

static int
filter_match(const redisReply *h, const struct incident_filter *f)
{
	static const char *const text_fields[] = { "rule", "category",
	    "severity", "group", "src_ip", "country", "sensor", "status" };
	const redisReply	*v;
	size_t			 i;

	if (!field_is(h, "status", f->status) ||
	    !field_is(h, "severity", f->severity) ||
	    !field_is(h, "rule", f->rule) ||
	    !field_is(h, "category", f->category) ||
	    !field_is(h, "country", f->country))
		return 0;
	if (f->src != NULL && !field_is(h, "src_ip", f->src) &&
	    !field_is(h, "group", f->src))
		return 0;
	if (f->text == NULL || f->text[0] == '\0')
		return 1;
	for (i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if ((v = hget(h, text_fields[i])) != NULL &&
		    v->type == REDIS_REPLY_STRING && contains_ci(v->str,
		    f->text))
			return 1;
	return 0;
}

static int
filter_empty(const struct incident_filter *f)
{
	return f->status == NULL && f->severity == NULL && f->rule == NULL &&
	    f->category == NULL && f->country == NULL && f->src == NULL &&
	    (f->text == NULL || f->text[0] == '\0');
}

/* The fields a list shows: HMGET of these costs less than HGETALL. */
static const char *const list_fields[] = { "rule", "category", "severity",
    "group", "src_ip", "country", "count", "status", "first_seen",
    "last_seen", "sensor", "group_by" };
#define NLIST	(sizeof(list_fields) / sizeof(list_fields[0]))

/*
 * An HMGET reply of list_fields seen as HGETALL's (name, value, ...):
 * pairs[] holds the replies, names[] the field names as replies.
 * Returns 0, or -1 when the incident is not there (every value nil).
 */
/*
 * Appends incident id, read from hash h, to a list page, with the
 * sensor and group_by the lists show. Returns 0 or -1 (logged).
 */
static int
list_append(json_t *arr, const char *id, const redisReply *h)
{
	json_t	*o;

	if ((o = incident_object(id, h)) == NULL ||
	    set_str(o, "sensor", hget(h, "sensor")) == -1 ||
	    set_str(o, "group_by", hget(h, "group_by")) == -1 ||
	    json_array_append_new(arr, o) == -1) {
		json_decref(o);
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	return 0;
}

static int
hmget_pairs(const redisReply *r, redisReply *names, redisReply **pairs,
    redisReply *view)
{
	size_t	 i;
	int	 any = 0;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != NLIST)
		return -1;
	for (i = 0; i < NLIST; i++) {
		memset(&names[i], 0, sizeof(names[i]));
		names[i].type = REDIS_REPLY_STRING;
		names[i].str = (char *)list_fields[i];
		names[i].len = strlen(list_fields[i]);
		pairs[2 * i] = &names[i];
		pairs[2 * i + 1] = r->element[i];
		if (r->element[i]->type == REDIS_REPLY_STRING)
			any = 1;
	}
	memset(view, 0, sizeof(*view));
	view->type = REDIS_REPLY_ARRAY;
	view->elements = 2 * NLIST;
	view->element = pairs;
	return any ? 0 : -1;
}

/*
 * No filter: the page is a range of the zset, and the total its size,
 * so a page costs its own incidents only.
 */
static json_t *
incidents_page(struct rconn *c, const char *prefix, json_t *arr,
    size_t offset, size_t limit, size_t *total)
{
	struct pipe	 ids, p;
	const redisReply *m;
	const char	*member[INC_CHUNK], *argv[2 + NLIST];
	size_t		 start = offset, i, k, nm, want, argl[2 + NLIST];
	char		 key[512], ip[512];
	int		 np;
	redisReply	 names[NLIST], *pairs[2 * NLIST], view;

	if ((np = rparts(c, prefix)) == -1) {
		json_decref(arr);
		return NULL;
	}
	*total = 0;
	pipe_init(&ids, c);
	for (k = 0; k < (size_t)np; k++)
		pipe_add(&ids, "ZCARD %sincidents", rpart(c, prefix, np,
		    (int)k, ip, sizeof(ip)));
	if (pipe_run(&ids, "report incidents") == -1) {
		pipe_clear(&ids);
		json_decref(arr);
		return NULL;
	}
	for (k = 0; k < ids.n; k++)
		if (ids.r[k]->type == REDIS_REPLY_INTEGER)
			*total += (size_t)ids.r[k]->integer;
	pipe_clear(&ids);
	while (start < *total && (limit == 0 || json_array_size(arr) < limit)) {
		want = limit == 0 || limit - json_array_size(arr) > INC_CHUNK ?
		    INC_CHUNK : limit - json_array_size(arr);
		pipe_init(&ids, c);
		if (ids_fetch(&ids, prefix, "incidents", start,
		    start + want - 1, 1, "report incidents") == -1 ||
		    ids.r[0]->type != REDIS_REPLY_ARRAY)
			goto fail_ids;
		if (ids.r[0]->elements == 0) {
			pipe_clear(&ids);
			break;
		}
		start += want;
		pipe_init(&p, c);
		for (i = 0, nm = 0; i < ids.r[0]->elements; i++) {
			m = ids.r[0]->element[i];
			if (m->type != REDIS_REPLY_STRING ||
			    !report_id_valid(m->str))
				continue;
			member[nm++] = m->str;
			snprintf(key, sizeof(key), "%sinc:%s", inc_prefix(c,
			    prefix, m->str, ip, sizeof(ip)), m->str);
			argv[0] = "HMGET";
			argl[0] = 5;
			argv[1] = key;
			argl[1] = strlen(key);
			for (k = 0; k < NLIST; k++) {
				argv[2 + k] = list_fields[k];
				argl[2 + k] = strlen(list_fields[k]);
			}
			pipe_addargv(&p, (int)(2 + NLIST), argv, argl);
		}
		if (pipe_run(&p, "report incidents") == -1)
			goto fail;
		for (i = 0; i < nm; i++) {
			if (hmget_pairs(p.r[i], names, pairs, &view) == -1)
				continue;	/* expired */
			if (list_append(arr, member[i], &view) == -1)
				goto fail;
		}
		pipe_clear(&p);
		pipe_clear(&ids);
	}
	return arr;
 fail:
	pipe_clear(&p);
 fail_ids:
	pipe_clear(&ids);
	json_decref(arr);
	return NULL;
}

json_t *
report_incidents_find(struct rconn *c, const char *prefix,
    const struct incident_filter *f, size_t offset, size_t limit,
    size_t *total)
{
	char		 ip[512];
	struct pipe	 ids, p;
	json_t		*arr;
	const redisReply *m;
	const char	*member[INC_CHUNK];
	size_t		 start = 0, i, nm, matched = 0;
	int		 more = 1;

	*total = 0;
	if ((arr = json_array()) == NULL)
		return NULL;
	if (filter_empty(f))
		return incidents_page(c, prefix, arr, offset, limit, total);
	while (more && start < REPORT_SCAN_MAX) {
		pipe_init(&ids, c);
		if (ids_fetch(&ids, prefix, "incidents", start,
		    start + INC_CHUNK - 1, 1, "report incidents") == -1)
			goto fail_ids;
		if (ids.r[0]->type != REDIS_REPLY_ARRAY) {
			log_warnx("report incidents: unexpected reply type %d",
			    ids.r[0]->type);
			goto fail_ids;
		}
		more = ids.r[0]->elements == INC_CHUNK;
		start += INC_CHUNK;
		pipe_init(&p, c);
		for (i = 0, nm = 0; i < ids.r[0]->elements; i++) {
			m = ids.r[0]->element[i];
			if (m->type != REDIS_REPLY_STRING ||
			    !report_id_valid(m->str))
				continue;
			member[nm++] = m->str;
			pipe_add(&p, "HGETALL %sinc:%s", inc_prefix(c, prefix,
			    m->str, ip, sizeof(ip)), m->str);
		}
		if (pipe_run(&p, "report incidents") == -1)
			goto fail;
		for (i = 0; i < nm; i++) {
			if (p.r[i]->type != REDIS_REPLY_ARRAY ||
			    p.r[i]->elements == 0 || !filter_match(p.r[i], f))
				continue;
			if (matched++ < offset ||
			    (limit > 0 && json_array_size(arr) >= limit))
				continue;
			if (list_append(arr, member[i], p.r[i]) == -1)
				goto fail;
		}
		pipe_clear(&p);
		pipe_clear(&ids);
	}
	*total = matched;
	return arr;
 fail:
	pipe_clear(&p);
 fail_ids:
	pipe_clear(&ids);
	json_decref(arr);
	return NULL;
}

/* The detections of det:<d> entries (JSON arrays), newest entry first. */
typedef int (*det_visit)(const json_t *det, const char *frame, void *arg);

/*
 * Walks the detections of the n days ending with `last`, newest day
 * first, at most REPORT_DET_ENTRIES entries a day. Returns 0 or -1.
 */
/* Stream entries, newest first: by id, "<ms>-<seq>". */
static int
entry_newer(const void *a, const void *b)
{
	const redisReply *x = *(const redisReply *const *)a;
	const redisReply *y = *(const redisReply *const *)b;
	unsigned long long xm, xs = 0, ym, ys = 0;
	char *e;

	xm = strtoull(x->element[0]->str, &e, 10);
	if (*e == '-')
		xs = strtoull(e + 1, NULL, 10);
	ym = strtoull(y->element[0]->str, &e, 10);
	if (*e == '-')
		ys = strtoull(e + 1, NULL, 10);
	if (xm != ym)
		return xm > ym ? -1 : 1;
	return xs > ys ? -1 : xs < ys;
}

static int
det_walk(struct rconn *c, const char *prefix, const char *last, int n,
    det_visit visit, void *arg)
{
	struct pipe	 p;
	const redisReply *e, *fv, **ents = NULL;
	json_t		*arr, *d;
	const char	*frame;
	char		 day[11], sp[512];
	size_t		 i, k, j, ne;
	int		 di, stop = 0, np, pk;

	if ((np = rparts(c, prefix)) == -1)
		return -1;
	/* A day at a time: its entries over the partitions, newest first. */
	for (di = 0; di < n && !stop; di++) {
		daytime_day_add(last, -di, day);
		pipe_init(&p, c);
		for (pk = 0; pk < np; pk++)
			pipe_add(&p, "XREVRANGE %sdet:%s + - COUNT %d",
			    rpart(c, prefix, np, pk, sp, sizeof(sp)), day,
			    REPORT_DET_ENTRIES);
		if (pipe_run(&p, "report detections") == -1) {
			pipe_clear(&p);
			return -1;
		}
		for (ne = 0, k = 0; k < p.n; k++)
			if (p.r[k]->type == REDIS_REPLY_ARRAY)
				ne += p.r[k]->elements;
		if ((ents = calloc(ne + 1, sizeof(*ents))) == NULL) {
			pipe_clear(&p);
			return -1;
		}
		for (ne = 0, k = 0; k < p.n; k++)
			for (i = 0; p.r[k]->type == REDIS_REPLY_ARRAY &&
			    i < p.r[k]->elements; i++) {
				e = p.r[k]->element[i];
				if (e->type == REDIS_REPLY_ARRAY &&
				    e->elements == 2 &&
				    e->element[0]->type == REDIS_REPLY_STRING &&
				    e->element[1]->type == REDIS_REPLY_ARRAY)
					ents[ne++] = e;
			}
		qsort(ents, ne, sizeof(*ents), entry_newer);
		for (i = 0; i < ne && i < REPORT_DET_ENTRIES && !stop; i++) {
			fv = ents[i]->element[1];
			frame = "";
			arr = NULL;
			for (k = 0; k + 1 < fv->elements; k += 2) {
				if (fv->element[k]->type != REDIS_REPLY_STRING ||
				    fv->element[k + 1]->type !=
				    REDIS_REPLY_STRING)
					continue;
				if (strcmp(fv->element[k]->str, "frame") == 0)
					frame = fv->element[k + 1]->str;
				else if (strcmp(fv->element[k]->str,
				    "detections") == 0 && arr == NULL)
					arr = json_loadb(fv->element[k + 1]->str,
					    fv->element[k + 1]->len, 0, NULL);
			}
			for (j = 0; json_is_array(arr) &&
			    j < json_array_size(arr) && !stop; j++) {
				d = json_array_get(arr, j);
				if (json_is_object(d) && visit(d, frame, arg))
					stop = 1;
			}
			json_decref(arr);
		}
		free(ents);
		pipe_clear(&p);
	}
	return 0;
}

/* One detection as the pages show it: the stored fields, "event", "time". */
static json_t *
det_object(const json_t *d, const char *frame)
{
	json_t		*o, *ts, *idx;
	char		 buf[REPORT_TIME_LEN], ev[96];

	if ((o = json_deep_copy(d)) == NULL)
		return NULL;
	idx = json_object_get(d, "index");
	if (json_is_integer(idx)) {
		snprintf(ev, sizeof(ev), "%.64s/%lld", frame,
		    (long long)json_integer_value(idx));
		if (set_new(o, "event", report_jstring(ev, strlen(ev))) == -1)
			goto oom;
	}
	ts = json_object_get(d, "ts");
	if (json_is_integer(ts) && set_new(o, "time", json_string(
	    report_time(json_integer_value(ts), buf))) == -1)
		goto oom;
	return o;
 oom:
	json_decref(o);
	return NULL;
}

struct det_pick {
	const char	*key;		/* "rule" or "src_ip" */
	const char	*want;
	json_t		*list;		/* the latest ones */
	size_t		 max;
	json_t		*rules;		/* rule -> count, or NULL */
	int		 failed;
};

static int
det_pick(const json_t *d, const char *frame, void *arg)
{
	struct det_pick	*k = arg;
	const json_t	*v = json_object_get(d, k->key), *rule;
	json_t		*o;
	long long	 n;

	if (!json_is_string(v) || strcmp(json_string_value(v), k->want) != 0)
		return 0;
	if (k->rules != NULL &&
	    json_is_string(rule = json_object_get(d, "rule"))) {
		n = json_integer_value(json_object_get(k->rules,
		    json_string_value(rule)));
		if (json_object_set_new(k->rules, json_string_value(rule),
		    json_integer(n + 1)) == -1)
			k->failed = 1;
	}
	if (json_array_size(k->list) < k->max) {
		if ((o = det_object(d, frame)) == NULL ||
		    json_array_append_new(k->list, o) == -1)
			k->failed = 1;
	} else if (k->rules == NULL)
		return 1;
	return k->failed;
}

int
report_source(struct rconn *c, const char *prefix, const char *ip,
    const char *last, int ndays, json_t **out)
{
	struct pipe		 p;
	struct incident_filter	 f;
	struct det_pick		 k;
	json_t			*o = NULL, *days = NULL, *incs = NULL, *ev;
	json_t			*d, *e, *inc;
	const char		*country = NULL, *first = NULL, *lastd = NULL;
	char			 day[11], firstbuf[11], lastbuf[11];
	char			 sp[512], ip2[512];
	size_t			 total, i, j;
	long long		 det, sum = 0;
	int			 di, np;

	*out = NULL;
	if (ndays < 1 || ndays > 100)
		return 1;
	if ((np = rparts(c, prefix)) == -1)
		return -1;
	rpart(c, prefix, np, parts_of(ip, strlen(ip), np), sp, sizeof(sp));
	memset(&k, 0, sizeof(k));
	pipe_init(&p, c);
	for (di = ndays - 1; di >= 0; di--) {
		daytime_day_add(last, -di, day);
		/* A source's counters are in its own partition. */
		pipe_add(&p, "ZSCORE %sday:%s:sources %s", sp, day, ip);
		pipe_add(&p, "HGET %sday:%s:source_country %s", sp, day, ip);
	}
	if (pipe_run(&p, "report source") == -1) {
		pipe_clear(&p);
		return -1;
	}
	if ((o = json_object()) == NULL || (days = json_array()) == NULL)
		goto oom;
	for (di = ndays - 1, i = 0; di >= 0; di--, i += 2) {
		daytime_day_add(last, -di, day);
		det = score(p.r[i]);
		if (p.r[i + 1]->type == REDIS_REPLY_STRING)
			country = p.r[i + 1]->str;
		if (det > 0) {
			if (first == NULL) {
				memcpy(firstbuf, day, sizeof(firstbuf));
				first = firstbuf;
			}
			memcpy(lastbuf, day, sizeof(lastbuf));
			lastd = lastbuf;
		}
		sum += det;
		if ((d = json_object()) == NULL ||
		    json_array_append_new(days, d) == -1 ||
		    set_new(d, "day", json_string(day)) == -1 ||
		    set_new(d, "detections", json_integer(det)) == -1)
			goto oom;
	}
	if (set_new(o, "ip", report_jstring(ip, strlen(ip))) == -1 ||
	    set_new(o, "country", country != NULL ?
	    report_jstring(country, strlen(country)) : json_null()) == -1 ||
	    set_new(o, "first_day", first ? json_string(first) : json_null())
	    == -1 || set_new(o, "last_day", lastd ? json_string(lastd) :
	    json_null()) == -1 ||
	    set_new(o, "detections", json_integer(sum)) == -1)
		goto oom;
	json_object_set_new(o, "days", days);
	days = NULL;
	pipe_clear(&p);

	memset(&f, 0, sizeof(f));
	f.src = ip;
	if ((incs = report_incidents_find(c, prefix, &f, 0, 100, &total)) ==
	    NULL)
		goto fail;
	if (set_new(o, "incidents", incs) == -1)
		goto oom;
	/* First and last seen: the incidents' span, when wider. */
	for (i = 0; i < json_array_size(incs); i++) {
		inc = json_array_get(incs, i);
		if (json_is_string(json_object_get(inc, "first_seen")) &&
		    (!json_is_string(json_object_get(o, "first_seen")) ||
		    strcmp(json_string_value(json_object_get(inc,
		    "first_seen")), json_string_value(json_object_get(o,
		    "first_seen"))) < 0) &&
		    json_object_set(o, "first_seen",
		    json_object_get(inc, "first_seen")) == -1)
			goto fail;
		if (json_is_string(json_object_get(inc, "last_seen")) &&
		    (!json_is_string(json_object_get(o, "last_seen")) ||
		    strcmp(json_string_value(json_object_get(inc, "last_seen")),
		    json_string_value(json_object_get(o, "last_seen"))) > 0) &&
		    json_object_set(o, "last_seen",
		    json_object_get(inc, "last_seen")) == -1)
			goto fail;
	}
	if (json_object_get(o, "first_seen") == NULL &&
	    set_new(o, "first_seen", json_null()) == -1)
		goto oom;
	if (json_object_get(o, "last_seen") == NULL &&
	    set_new(o, "last_seen", json_null()) == -1)
		goto oom;

	/* Rules hit and latest detections, from the days' det: streams. */
	k.key = "src_ip";
	k.want = ip;
	k.max = 50;
	if ((k.list = json_array()) == NULL ||
	    (k.rules = json_object()) == NULL)
		goto oom;
	if (det_walk(c, prefix, last, ndays < 7 ? ndays : 7, det_pick, &k) ==
	    -1)
		goto fail;
	if (k.failed)
		goto oom;
	json_object_set_new(o, "rules", k.rules);
	json_object_set_new(o, "detections_latest", k.list);
	k.rules = k.list = NULL;

	/* Evidence: the stored events of its incidents, newest first. */
	if ((ev = json_array()) == NULL || set_new(o, "evidence", ev) == -1)
		goto oom;
	for (i = 0; i < json_array_size(incs) && i < 5 &&
	    json_array_size(ev) < 50; i++) {
		char	 id[24];

		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(
		    json_object_get(json_array_get(incs, i), "id")));
		pipe_init(&p, c);
		pipe_add(&p, "LRANGE %sinc:%s:ev 0 19", inc_prefix(c, prefix,
		    id, ip2, sizeof(ip2)), id);
		if (pipe_run(&p, "report source") == -1) {
			pipe_clear(&p);
			goto fail;
		}
		for (j = 0; p.r[0]->type == REDIS_REPLY_ARRAY &&
		    j < p.r[0]->elements; j++) {
			if (p.r[0]->element[j]->type != REDIS_REPLY_STRING)
				continue;
			if ((e = stored_object(p.r[0]->element[j])) == NULL ||
			    set_new(e, "incident", json_integer(
			    json_integer_value(json_object_get(
			    json_array_get(incs, i), "id")))) == -1 ||
			    json_array_append_new(ev, e) == -1) {
				pipe_clear(&p);
				goto oom;
			}
		}
		pipe_clear(&p);
	}
	*out = o;
	return 0;
 oom:
	log_warnx("%s: out of memory", __func__);
 fail:
	pipe_clear(&p);
	json_decref(k.list);
	json_decref(k.rules);
	json_decref(days);
	json_decref(o);
	return -1;
}

json_t *
report_rules(struct rconn *c, const char *prefix, const char *const *names,
    size_t n, const char *last, int ndays)
{
	struct pipe	 p, ids, q;
	json_t		*arr, *o, *days, *opened;
	const redisReply *st, *h, *rr;
	const char	*argv[2 + REPORT_RULES_MAX];
	size_t		 argvlen[2 + REPORT_RULES_MAX];
	char		 key[512], field[256], day[11], ip[512];
	size_t		 i, start = 0;
	int		 di, more = 1, kl, np, k;
	long long	 v, *dsum = NULL;

	if (n > REPORT_RULES_MAX || ndays < 1 || ndays > 100)
		return NULL;
	if ((arr = json_array()) == NULL || (opened = json_object()) == NULL) {
		json_decref(arr);
		return NULL;
	}
	/* Incidents per rule, over the most recent ones. */
	while (more && start < REPORT_SCAN_MAX) {
		pipe_init(&ids, c);
		if (ids_fetch(&ids, prefix, "incidents", start,
		    start + INC_CHUNK - 1, 1, "report rules") == -1 ||
		    ids.r[0]->type != REDIS_REPLY_ARRAY) {
			pipe_clear(&ids);
			goto fail;
		}
		more = ids.r[0]->elements == INC_CHUNK;
		start += INC_CHUNK;
		pipe_init(&q, c);
		for (i = 0; i < ids.r[0]->elements; i++)
			if (ids.r[0]->element[i]->type == REDIS_REPLY_STRING)
				pipe_add(&q, "HMGET %sinc:%s rule status",
				    inc_prefix(c, prefix,
				    ids.r[0]->element[i]->str, ip, sizeof(ip)),
				    ids.r[0]->element[i]->str);
		if (pipe_run(&q, "report rules") == -1) {
			pipe_clear(&q);
			pipe_clear(&ids);
			goto fail;
		}
		for (i = 0; i < q.n; i++) {
			rr = q.r[i];
			if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 2 ||
			    rr->element[0]->type != REDIS_REPLY_STRING)
				continue;
			snprintf(field, sizeof(field), "%s", rr->element[0]->str);
			v = json_integer_value(json_object_get(opened, field));
			json_object_set_new(opened, field, json_integer(v + 1));
			if (rr->element[1]->type == REDIS_REPLY_STRING &&
			    (strcmp(rr->element[1]->str, "open") == 0 ||
			    strcmp(rr->element[1]->str, "acknowledged") == 0)) {
				snprintf(field, sizeof(field), "%s\n", rr->
				    element[0]->str);
				v = json_integer_value(json_object_get(opened,
				    field));
				json_object_set_new(opened, field,
				    json_integer(v + 1));
			}
		}
		pipe_clear(&q);
		pipe_clear(&ids);
	}

	/* Each day's external detections per rule, over the partitions. */
	if ((np = rparts(c, prefix)) == -1 ||
	    (dsum = calloc((size_t)ndays * (n + 1), sizeof(*dsum))) == NULL)
		goto fail;
	for (k = 0; k < np && n > 0; k++) {
		pipe_init(&p, c);
		rpart(c, prefix, np, k, ip, sizeof(ip));
		for (di = ndays - 1; di >= 0; di--) {
			daytime_day_add(last, -di, day);
			kl = snprintf(key, sizeof(key), "%sday:%s:rule", ip,
			    day);
			argv[0] = "HMGET";
			argvlen[0] = 5;
			argv[1] = key;
			argvlen[1] = (size_t)kl;
			for (i = 0; i < n; i++) {
				argv[2 + i] = names[i];
				argvlen[2 + i] = strlen(names[i]);
			}
			pipe_addargv(&p, (int)(2 + n), argv, argvlen);
		}
		if (pipe_run(&p, "report rules") == -1) {
			pipe_clear(&p);
			goto fail;
		}
		for (di = 0; di < ndays; di++)
			for (i = 0, rr = p.r[di]; i < n &&
			    rr->type == REDIS_REPLY_ARRAY && i < rr->elements;
			    i++)
				dsum[(size_t)di * n + i] +=
				    counter(rr->element[i]);
		pipe_clear(&p);
	}
	pipe_init(&p, c);
	if ((p.r[0] = hash_all(c, prefix, "rules:stats", "report rules")) ==
	    NULL)
		goto fail;
	p.n = 1;
	st = p.r[0];
	for (i = 0; i < n; i++) {
		char	 buf[REPORT_TIME_LEN];

		if ((o = json_object()) == NULL ||
		    json_array_append_new(arr, o) == -1 ||
		    set_new(o, "name", json_string(names[i])) == -1)
			goto oom;
		snprintf(field, sizeof(field), "%s:hits", names[i]);
		if (set_new(o, "hits", json_integer(counter(hget(st, field))))
		    == -1)
			goto oom;
		snprintf(field, sizeof(field), "%s:no_group", names[i]);
		if (set_new(o, "no_group", json_integer(counter(hget(st,
		    field)))) == -1)
			goto oom;
		snprintf(field, sizeof(field), "%s:last_hit", names[i]);
		h = hget(st, field);
		if (h != NULL && h->type == REDIS_REPLY_STRING &&
		    parse_ll(h->str, &v) == 0) {
			if (set_new(o, "last_hit", json_string(report_time(v,
			    buf))) == -1)
				goto oom;
		} else if (set_new(o, "last_hit", json_null()) == -1)
			goto oom;
		if (set_new(o, "incidents", json_integer(json_integer_value(
		    json_object_get(opened, names[i])))) == -1)
			goto oom;
		snprintf(field, sizeof(field), "%s\n", names[i]);
		if (set_new(o, "incidents_active", json_integer(
		    json_integer_value(json_object_get(opened, field)))) == -1)
			goto oom;
		if ((days = json_array()) == NULL ||
		    set_new(o, "days", days) == -1)
			goto oom;
		for (di = ndays - 1; di >= 0; di--) {
			json_t	*d;

			daytime_day_add(last, -di, day);
			if ((d = json_object()) == NULL ||
			    json_array_append_new(days, d) == -1 ||
			    set_new(d, "day", json_string(day)) == -1 ||
			    set_new(d, "detections", json_integer(
			    dsum[(size_t)(ndays - 1 - di) * n + i])) == -1)
				goto oom;
		}
	}
	pipe_clear(&p);
	json_decref(opened);
	free(dsum);
	return arr;
 oom:
	log_warnx("%s: out of memory", __func__);
	pipe_clear(&p);
 fail:
	free(dsum);
	json_decref(opened);
	json_decref(arr);
	return NULL;
}

json_t *
report_rule_detections(struct rconn *c, const char *prefix,
    const char *rule, const char *last, int ndays, size_t max)
{
	struct det_pick	 k;

	memset(&k, 0, sizeof(k));
	k.key = "rule";
	k.want = rule;
	k.max = max;
	if ((k.list = json_array()) == NULL)
		return NULL;
	if (det_walk(c, prefix, last, ndays, det_pick, &k) == -1 || k.failed) {
		json_decref(k.list);
		return NULL;
	}
	return k.list;
}

/* A flat RESP2 map (XINFO) into obj: integers and strings as they come. */
static int
flat_map(json_t *obj, const redisReply *r)
{
	size_t	 i;
	json_t	*v;

	if (r->type != REDIS_REPLY_ARRAY)
		return 0;
	for (i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *k = r->element[i], *x = r->element[i + 1];

		if (k->type != REDIS_REPLY_STRING)
			continue;
		if (x->type == REDIS_REPLY_INTEGER)
			v = json_integer(x->integer);
		else if (x->type == REDIS_REPLY_STRING ||
		    x->type == REDIS_REPLY_STATUS)
			v = report_jstring(x->str, x->len);
		else
			continue;	/* entries, nested: not needed */
		if (set_new(obj, k->str, v) == -1)
			return -1;
	}
	return 0;
}

/* The ms part of a stream id "<ms>-<seq>", or -1. */
static long long
id_ms(const json_t *id)
{
	const char	*s = json_string_value(id);

	return s != NULL ? strtoll(s, NULL, 10) : -1;
}

/* One sensor's entry of report_sensors() from its four replies. 0, or
 * -1 out of memory. */
static int
sensor_json(json_t *arr, const char *s, redisReply *const *r)
{
	json_t			*o, *health, *stream, *group = NULL, *g;
	const redisReply	*gr = r[3];
	size_t			 j;
	long long		 ld, lg;

	if ((o = json_object()) == NULL ||
	    json_array_append_new(arr, o) == -1 ||
	    set_new(o, "sensor", report_jstring(s, strlen(s))) == -1 ||
	    (health = json_object()) == NULL ||
	    set_new(o, "health", health) == -1 ||
	    flat_map(health, r[0]->type == REDIS_REPLY_ARRAY &&
	    r[0]->elements > 0 ? r[0] : r[1]) == -1 ||
	    (stream = json_object()) == NULL ||
	    set_new(o, "stream", stream) == -1 ||
	    flat_map(stream, r[2]) == -1)
		return -1;
	for (j = 0; gr->type == REDIS_REPLY_ARRAY && j < gr->elements; j++) {
		if ((g = json_object()) == NULL ||
		    flat_map(g, gr->element[j]) == -1) {
			json_decref(g);
			return -1;
		}
		if (json_is_string(json_object_get(g, "name")) &&
		    strcmp(json_string_value(json_object_get(g, "name")),
		    "correlators") == 0) {
			group = g;
			break;
		}
		json_decref(g);
	}
	if (group == NULL && (group = json_object()) == NULL)
		return -1;
	if (set_new(o, "group", group) == -1)
		return -1;
	/* How far behind the group is, in time. */
	ld = id_ms(json_object_get(stream, "last-generated-id"));
	lg = id_ms(json_object_get(group, "last-delivered-id"));
	return set_new(o, "lag_seconds", ld >= 0 && lg >= 0 ?
	    json_real(ld > lg ? (double)(ld - lg) / 1000.0 : 0) :
	    json_null());
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Every sensor, by name: its health, its stream and its group, read
 * PIPE_MAX / 4 sensors a round trip. NULL after logging.
 */
json_t *
report_sensors(struct rconn *c, const char *prefix)
{
	struct pipe	 p, q;
	json_t		*arr;
	const char	**names = NULL;
	size_t		 i, n = 0, k0, kn;

	if ((arr = json_array()) == NULL)
		return NULL;
	pipe_init(&p, c);
	pipe_init(&q, c);
	pipe_add(&p, "SMEMBERS %ssensors", prefix);
	if (pipe_run(&p, "report sensors") == -1 ||
	    p.r[0]->type != REDIS_REPLY_ARRAY)
		goto fail;
	if ((names = calloc(p.r[0]->elements + 1, sizeof(*names))) == NULL)
		goto oom;
	for (i = 0; i < p.r[0]->elements; i++)
		if (p.r[0]->element[i]->type == REDIS_REPLY_STRING)
			names[n++] = p.r[0]->element[i]->str;
	qsort(names, n, sizeof(*names), name_cmp);
	for (k0 = 0; k0 < n; k0 += kn) {
		kn = n - k0 < PIPE_MAX / 4 ? n - k0 : PIPE_MAX / 4;
		for (i = k0; i < k0 + kn; i++) {
			/* The health under the sensor's tag; where a
			 * collector from before the tag still writes it,
			 * under its old name. */
			pipe_add(&q, "HGETALL %ssensor:{%s}", prefix, names[i]);
			pipe_add(&q, "HGETALL %ssensor:%s", prefix, names[i]);
			pipe_add(&q, "XINFO STREAM %sev:{%s}", prefix,
			    names[i]);
			pipe_add(&q, "XINFO GROUPS %sev:{%s}", prefix,
			    names[i]);
		}
		/* A stream not there yet answers an error: read them all
		 * anyway. */
		if (deadline_check(c, "report sensors") == -1) {
			(void)rconn_replies(c, q.r);
			goto fail;
		}
		if (rconn_replies(c, q.r) == -1) {
			log_warnx("report sensors: redis: I/O error");
			goto fail;
		}
		for (i = 0; i < kn; i++)
			if (sensor_json(arr, names[k0 + i], q.r + 4 * i) == -1)
				goto oom;
		pipe_clear(&q);
	}
	free(names);
	pipe_clear(&p);
	return arr;
 oom:
	log_warnx("%s: out of memory", __func__);
 fail:
	free(names);
	pipe_clear(&q);
	pipe_clear(&p);
	json_decref(arr);
	return NULL;
}

json_t *
report_open_by_severity(struct rconn *c, const char *prefix)
{
	char		 ip[512];
	struct pipe	 p, q;
	json_t		*o;
	size_t		 i, start = 0;
	int		 more = 1;
	long long	 v;

	if ((o = json_object()) == NULL)
		return NULL;
	while (more && start < REPORT_SCAN_MAX) {
		pipe_init(&p, c);
		if (ids_fetch(&p, prefix, "incidents:open", start,
		    start + INC_CHUNK - 1, 0, "report open") == -1 ||
		    p.r[0]->type != REDIS_REPLY_ARRAY) {
			pipe_clear(&p);
			json_decref(o);
			return NULL;
		}
		more = p.r[0]->elements == INC_CHUNK;
		start += INC_CHUNK;
		pipe_init(&q, c);
		for (i = 0; i < p.r[0]->elements; i++)
			if (p.r[0]->element[i]->type == REDIS_REPLY_STRING)
				pipe_add(&q, "HMGET %sinc:%s severity status",
				    inc_prefix(c, prefix,
				    p.r[0]->element[i]->str, ip, sizeof(ip)),
				    p.r[0]->element[i]->str);
		if (pipe_run(&q, "report open") == -1) {
			pipe_clear(&q);
			pipe_clear(&p);
			json_decref(o);
			return NULL;
		}
		for (i = 0; i < q.n; i++) {
			const redisReply *r = q.r[i];
			char	 sev[64];

			if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
			    r->element[1]->type != REDIS_REPLY_STRING ||
			    (strcmp(r->element[1]->str, "open") != 0 &&
			    strcmp(r->element[1]->str, "acknowledged") != 0))
				continue;
			snprintf(sev, sizeof(sev), "%s",
			    r->element[0]->type == REDIS_REPLY_STRING ?
			    r->element[0]->str : "");
			v = json_integer_value(json_object_get(o, sev));
			json_object_set_new(o, sev, json_integer(v + 1));
		}
		pipe_clear(&q);
		pipe_clear(&p);
	}
	return o;
}

json_t *
report_hash(struct rconn *c, const char *prefix, const char *name)
{
	struct pipe	 p;
	json_t		*o;
	size_t		 i;

	pipe_init(&p, c);
	if ((p.r[0] = hash_all(c, prefix, name, "report hash")) == NULL)
		return NULL;
	p.n = 1;
	if (p.r[0]->type != REDIS_REPLY_ARRAY) {
		pipe_clear(&p);
		return NULL;
	}
	if ((o = json_object()) == NULL) {
		pipe_clear(&p);
		return NULL;
	}
	for (i = 0; i + 1 < p.r[0]->elements; i += 2) {
		const redisReply *k = p.r[0]->element[i],
		    *v = p.r[0]->element[i + 1];
		json_t	*key;

		if (k->type != REDIS_REPLY_STRING ||
		    v->type != REDIS_REPLY_STRING)
			continue;
		if ((key = report_jstring(k->str, k->len)) == NULL ||
		    set_new(o, json_string_value(key),
		    report_jstring(v->str, v->len)) == -1) {
			json_decref(key);
			json_decref(o);
			pipe_clear(&p);
			return NULL;
		}
		json_decref(key);
	}
	pipe_clear(&p);
	return o;
}
