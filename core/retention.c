/*
 * core/retention.c - refuse a retention-days change that would delete
 * days unless confirm-retention-shrink names their count; carry out and
 * record an accepted one. Owns nothing; talks to Redis on the caller's
 * connection, logs through core/log.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "daytime.h"
#include "log.h"
#include "redis.h"
#include "retention.h"

#define SCAN_COUNT	1000
#define DAYS_SHOWN	8	/* days named in a refusal */

/* Days since the epoch of "YYYY-MM-DD", or -1. */
static long
day_number(const char *day)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if (daytime_parse_day(day) == -1 ||
	    (end = strptime(day, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	tm.tm_hour = 12;
	return (long)(timegm(&tm) / 86400);
}

static int
day_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
retention_plan(struct retention_plan *p, int prev, int days,
    const char *today, char (*found)[11], size_t nfound)
{
	long	 t, d, age;
	size_t	 i;

	memset(p, 0, sizeof(*p));
	p->prev = prev;
	p->days = days;
	if (prev <= 0 || prev == days || nfound == 0 ||
	    (t = day_number(today)) == -1)
		return 0;
	if ((p->del = calloc(nfound, sizeof(*p->del))) == NULL ||
	    (p->expire = calloc(nfound, sizeof(*p->expire))) == NULL)
		return -1;
	qsort(found, nfound, sizeof(*found), day_cmp);
	for (i = 0; i < nfound; i++) {
		if ((d = day_number(found[i])) == -1)
			continue;
		if ((age = t - d) > prev)
			continue;	/* not ours: prev did not keep it */
		if (age > days)
			memcpy(p->del[p->ndel++], found[i], 11);
		else
			memcpy(p->expire[p->nexpire++], found[i], 11);
	}
	return 0;
}

void
retention_plan_free(struct retention_plan *p)
{
	free(p->del);
	free(p->expire);
	p->del = p->expire = NULL;
	p->ndel = p->nexpire = 0;
}

enum retention_verdict
retention_verdict(const struct retention_plan *p, int confirm)
{
	if (p->ndel == 0)
		return RETENTION_OK;
	if (confirm < 0)
		return RETENTION_UNCONFIRMED;
	if ((size_t)confirm != p->ndel)
		return RETENTION_MISMATCH;
	return RETENTION_OK;
}

time_t
retention_expire_at(const char *day, int days)
{
	struct tm	 tm;
	time_t		 end;

	memset(&tm, 0, sizeof(tm));
	if (strptime(day, "%Y-%m-%d", &tm) == NULL)
		return 0;
	tm.tm_mday++;			/* midnight that ends the day */
	tm.tm_isdst = -1;
	if ((end = mktime(&tm)) == (time_t)-1)
		return 0;
	return end + (time_t)days * 86400;
}

/* The prefix as a SCAN pattern: its glob characters escaped. */
static void
glob_escape(const char *s, char *out, size_t len)
{
	size_t	 n = 0;

	for (; *s != '\0' && n + 2 < len; s++) {
		if (strchr("*?[]\\", *s) != NULL)
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = '\0';
}

/* The recorded retention-days: *prev 0 when none. Returns 0 or -1. */
static int
recorded(struct rconn *rc, const char *prefix, int *prev)
{
	redisReply	*r;
	char		 key[256];
	int		 rv = 0;

	*prev = 0;
	redis_key(key, sizeof(key), prefix, RETENTION_KEY);
	if ((r = rconn_cmd(rc, key, "HGET %s %s", key, RETENTION_FIELD)) ==
	    NULL)
		return -1;
	if (r->type == REDIS_REPLY_STRING) {
		*prev = atoi(r->str);
		if (*prev < 1 || *prev > 3650) {
			log_warnx("%s %s: \"%s\" is not a number of days; "
			    "taken as none recorded", key, RETENTION_FIELD,
			    r->str);
			*prev = 0;
		}
	} else if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis: HGET %s: %s", key, r->str);
		rv = -1;
	}
	freeReplyObject(r);
	return rv;
}

/*
 * The day of a key "<prefix>day:<d>:<rest>" into day[11] when the key is
 * one (and, with suffix, <rest> is suffix). Returns 0 or -1.
 */
static int
key_day(const char *key, size_t plen, const char *suffix, char day[11])
{
	if (strlen(key) < plen + 4 + 11 || strncmp(key + plen, "day:", 4) != 0 ||
	    key[plen + 14] != ':')
		return -1;
	if (suffix != NULL && strcmp(key + plen + 15, suffix) != 0)
		return -1;
	memcpy(day, key + plen + 4, 10);
	day[10] = '\0';
	return daytime_parse_day(day);
}

/*
 * The length of the state prefix key starts with, among the np
 * partitions' (prefix itself when the state is not cut), or 0 when it
 * starts with none of them.
 */
static size_t
state_prefix_len(const char *key, const char *prefix, int np, int tagged)
{
	char		 sp[256];
	const char	*p;
	char		*end;
	long		 k;

	if (strncmp(key, prefix, strlen(prefix)) != 0)
		return 0;
	if (!tagged)
		return strlen(prefix);
	p = key + strlen(prefix);
	if (strncmp(p, "{p", 2) != 0 || !isdigit((unsigned char)p[2]))
		return 0;
	errno = 0;
	k = strtol(p + 2, &end, 10);
	if (errno != 0 || end == p + 2 || k < 0 || k >= np)
		return 0;
	parts_prefix(sp, sizeof(sp), prefix, np, 1, (int)k);
	return strncmp(key, sp, strlen(sp)) == 0 ? strlen(sp) : 0;
}

/*
 * Calls fn on every key matching <state prefix><what> of every partition
 * (DESIGN.md, "Partitions"), on every master, with the length of that
 * partition's state prefix: one SCAN of each master for them all. 0 or
 * -1 (logged, or fn's -1).
 */
static int
scan_state(struct rconn *rc, const char *prefix, const char *what,
    int (*fn)(struct rconn *, const char *, size_t, void *), void *arg)
{
	redisReply	*r;
	char		 pat[300], cursor[32];
	size_t		 i, plen;
	int		 np, node, tagged;

	if ((np = parts_read(rc, prefix)) == -1)
		return -1;
	np = np == 0 ? 1 : np;
	tagged = parts_tagged(np, rconn_is_cluster(rc));
	glob_escape(prefix, pat, sizeof(pat) - 16 - strlen(what));
	strcat(pat, tagged ? "{p*}:" : "");
	strcat(pat, what);
	for (node = 0; node < rconn_nodes(rc); node++) {
		snprintf(cursor, sizeof(cursor), "0");
		do {
			if ((r = rconn_node_scan(rc, node, cursor, pat,
			    SCAN_COUNT)) == NULL)
				return -1;
			if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
			    r->element[0]->type != REDIS_REPLY_STRING ||
			    r->element[1]->type != REDIS_REPLY_ARRAY) {
				log_warnx("redis: SCAN %s: %s", pat,
				    r->type == REDIS_REPLY_ERROR ? r->str :
				    "bad reply");
				freeReplyObject(r);
				return -1;
			}
			snprintf(cursor, sizeof(cursor), "%s",
			    r->element[0]->str);
			for (i = 0; i < r->element[1]->elements; i++) {
				const redisReply *e = r->element[1]->element[i];

				if (e->type != REDIS_REPLY_STRING ||
				    (plen = state_prefix_len(e->str, prefix, np,
				    tagged)) == 0)
					continue;	/* not the state's */
				if (fn(rc, e->str, plen, arg) == -1) {
					freeReplyObject(r);
					return -1;
				}
			}
			freeReplyObject(r);
			if (fn(rc, NULL, 0, arg) == -1)
				return -1;	/* a batch ends */
		} while (strcmp(cursor, "0") != 0);
	}
	return 0;
}

struct days {
	char	(*v)[11];
	size_t	 n, cap;
};

static int
day_found(struct rconn *rc, const char *key, size_t plen, void *arg)
{
	struct days	*d = arg;
	char		 day[11], (*nv)[11];

	(void)rc;
	if (key == NULL || key_day(key, plen, "totals", day) == -1)
		return 0;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		if ((nv = realloc(d->v, d->cap * sizeof(*d->v))) == NULL) {
			log_warnx("%s: out of memory", __func__);
			return -1;
		}
		d->v = nv;
	}
	memcpy(d->v[d->n++], day, 11);
	return 0;
}

/* The days of every <state prefix>day:<d>:totals, each once. 0 or -1. */
static int
scan_days(struct rconn *rc, const char *prefix, char (**days)[11],
    size_t *ndays)
{
	struct days	 d = { NULL, 0, 0 };
	size_t		 i, u;

	if (scan_state(rc, prefix, "day:*:totals", day_found, &d) == -1) {
		free(d.v);
		return -1;
	}
	/* SCAN may give a key twice, and partitions share days. */
	if (d.n > 0) {
		qsort(d.v, d.n, sizeof(*d.v), day_cmp);
		for (i = 1, u = 1; i < d.n; i++)
			if (strcmp(d.v[i], d.v[u - 1]) != 0)
				memcpy(d.v[u++], d.v[i], 11);
		d.n = u;
	}
	*days = d.v;
	*ndays = d.n;
	return 0;
}

/* "d1, d2, ... (N in all)" into buf. */
static void
days_text(char (*days)[11], size_t n, char *buf, size_t len)
{
	size_t	 i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && i < DAYS_SHOWN && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? ", " : "", days[i]);
	if (n > DAYS_SHOWN && used < len)
		snprintf(buf + used, len - used, ", ... (%zu in all)", n);
}

static void
refusal(struct rconn *rc, const struct retention_plan *p,
    const struct conf *c, enum retention_verdict v)
{
	char	 days[256], what[1200], sp[300];
	int	 np = parts_read(rc, c->redis_prefix);

	/* The keys as they are named: under each partition's tag. */
	if (parts_tagged(np, rconn_is_cluster(rc)))
		snprintf(sp, sizeof(sp), "%s{p<k>.<n>}:", c->redis_prefix);
	else
		snprintf(sp, sizeof(sp), "%s", c->redis_prefix);
	days_text(p->del, p->ndel, days, sizeof(days));
	snprintf(what, sizeof(what), "retention-days %d would delete %zu "
	    "day%s that retention-days %d keeps: %s (keys %sday:<day>:* and "
	    "%sdet:<day>)", p->days, p->ndel, p->ndel == 1 ? "" : "s",
	    p->prev, days, sp, sp);
	if (v == RETENTION_MISMATCH)
		log_warnx("confirm-retention-shrink = %d does not match: %s; "
		    "set confirm-retention-shrink = %zu in [correlator] to go "
		    "ahead", c->confirm_shrink, what, p->ndel);
	else
		log_warnx("%s; to go ahead, add confirm-retention-shrink = "
		    "%zu to [correlator]", what, p->ndel);
}

/* Sends the commands queued and reads their replies. 0 or -1. */
static int
replies(struct rconn *rc)
{
	redisReply	**out;
	size_t		 i, n = rconn_queued(rc);
	int		 bad = 0;

	if (n == 0)
		return 0;
	if ((out = calloc(n, sizeof(*out))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (rconn_replies(rc, out) == -1)
		bad = 1;
	for (i = 0; i < n; i++)
		if (out[i] != NULL && out[i]->type == REDIS_REPLY_ERROR &&
		    !bad++)
			log_warnx("redis: %s", out[i]->str);
	rconn_replies_free(out, n);
	return bad ? -1 : 0;
}

/* Queues UNLINK key or EXPIREAT key for the plan's day. 0 or -1. */
static int
append_one(struct rconn *rc, const struct retention_plan *p, const char *key,
    const char *day)
{
	if (bsearch(day, p->del, p->ndel, sizeof(*p->del), day_cmp) != NULL)
		return rconn_appendf(rc, "UNLINK %s", key);
	if (bsearch(day, p->expire, p->nexpire, sizeof(*p->expire),
	    day_cmp) != NULL)
		return rconn_appendf(rc, "EXPIREAT %s %lld", key,
		    (long long)retention_expire_at(day, p->days));
	return 0;
}

/* A day key: queued as the plan says; NULL ends a batch: sent. */
static int
day_apply(struct rconn *rc, const char *key, size_t plen, void *arg)
{
	const struct retention_plan	*p = arg;
	char				 day[11];

	if (key == NULL)
		return replies(rc);
	if (key_day(key, plen, NULL, day) == -1)
		return 0;
	return append_one(rc, p, key, day);
}

/* Carries out the plan on every day:<d>:* and det:<d>, in every
 * partition. 0 or -1. */
static int
apply_plan(struct rconn *rc, const struct retention_plan *p,
    const char *prefix)
{
	char		 key[256], sp[256];
	size_t		 i;
	int		 np, k;

	if (scan_state(rc, prefix, "day:*", day_apply, (void *)p) == -1)
		return -1;
	if ((np = parts_read(rc, prefix)) == -1)
		return -1;
	np = np == 0 ? 1 : np;
	for (k = 0; k < np; k++) {
		parts_prefix(sp, sizeof(sp), prefix, np, rconn_is_cluster(rc),
		    k);
		for (i = 0; i < p->ndel; i++) {
			redis_key(key, sizeof(key), sp, "det:%s", p->del[i]);
			if (append_one(rc, p, key, p->del[i]) == -1)
				return -1;
		}
		for (i = 0; i < p->nexpire; i++) {
			redis_key(key, sizeof(key), sp, "det:%s", p->expire[i]);
			if (append_one(rc, p, key, p->expire[i]) == -1)
				return -1;
		}
		if (replies(rc) == -1)
			return -1;
	}
	return 0;
}

static int
record(struct rconn *rc, const struct conf *c)
{
	redisReply	*r;
	char		 key[256];
	int		 rv = 0;

	redis_key(key, sizeof(key), c->redis_prefix, RETENTION_KEY);
	if ((r = rconn_cmd(rc, key, "HSET %s %s %d", key, RETENTION_FIELD,
	    c->retention_days)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis: HSET %s: %s", key, r->str);
		rv = -1;
	}
	freeReplyObject(r);
	return rv;
}

int
retention_enforce(struct rconn *rc, const struct conf *c, int apply)
{
	struct retention_plan	 p;
	enum retention_verdict	 v;
	char			(*found)[11] = NULL, today[11], days[256];
	size_t			 nfound = 0;
	int			 prev, rv = -1;

	if (recorded(rc, c->redis_prefix, &prev) == -1)
		return -1;
	if (prev == c->retention_days || prev == 0) {
		if (c->confirm_shrink >= 0)
			log_info("confirm-retention-shrink = %d is not needed: "
			    "retention-days %d shortens nothing (%s)",
			    c->confirm_shrink, c->retention_days, prev ?
			    "the value in force" : "none recorded yet");
		if (prev == 0 && apply) {
			if (record(rc, c) == -1)
				return -1;
			log_info("retention-days %d recorded in %s%s",
			    c->retention_days, c->redis_prefix, RETENTION_KEY);
		}
		return 0;
	}
	if (scan_days(rc, c->redis_prefix, &found, &nfound) == -1)
		return -1;
	daytime_day(time(NULL), today, NULL);
	if (retention_plan(&p, prev, c->retention_days, today, found,
	    nfound) == -1) {
		log_warnx("%s: out of memory", __func__);
		goto done;
	}
	v = retention_verdict(&p, c->confirm_shrink);
	if (v != RETENTION_OK) {
		refusal(rc, &p, c, v);
		rv = 1;
		goto done;
	}
	if (p.ndel == 0 && c->confirm_shrink >= 0)
		log_info("confirm-retention-shrink = %d is not needed: "
		    "retention-days %d (was %d) deletes no day",
		    c->confirm_shrink, c->retention_days, prev);
	days_text(p.del, p.ndel, days, sizeof(days));
	if (!apply) {
		if (p.ndel > 0)
			log_info("retention-days %d (was %d) will delete %zu "
			    "day%s, as confirmed: %s", c->retention_days, prev,
			    p.ndel, p.ndel == 1 ? "" : "s", days);
		rv = 0;
		goto done;
	}
	if (apply_plan(rc, &p, c->redis_prefix) == -1 || record(rc, c) == -1)
		goto done;
	if (p.ndel > 0)
		log_info("retention-days %d (was %d): %zu day%s deleted: %s; "
		    "new expiry on %zu", c->retention_days, prev, p.ndel,
		    p.ndel == 1 ? "" : "s", days, p.nexpire);
	else
		log_info("retention-days %d (was %d): new expiry on %zu day%s",
		    c->retention_days, prev, p.nexpire,
		    p.nexpire == 1 ? "" : "s");
	rv = 0;
 done:
	retention_plan_free(&p);
	free(found);
	return rv;
}

int
retention_check(const struct conf *c, int timeout_ms)
{
	struct rconn	*rc;
	int		 r;

	if ((rc = rconn_open(c->redis_address, timeout_ms)) == NULL) {
		log_warnx("retention-days not checked: Redis at %s cannot be "
		    "reached", c->redis_address);
		return 0;
	}
	r = retention_enforce(rc, c, 0);
	rconn_close(rc);
	if (r == -1)
		log_warnx("retention-days not checked against Redis at %s",
		    c->redis_address);
	return r == 1 ? -1 : 0;
}
