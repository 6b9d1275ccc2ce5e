/*
 * core/retention.c - refuse a retention-days change that would delete
 * days unless confirm-retention-shrink names their count; carry out and
 * record an accepted one. Owns nothing; talks to Redis on the caller's
 * connection, logs through core/log.c.
 */
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
recorded(redisContext *rc, const char *prefix, int *prev)
{
	redisReply	*r;
	char		 key[256];
	int		 rv = 0;

	*prev = 0;
	redis_key(key, sizeof(key), prefix, RETENTION_KEY);
	if ((r = redis_cmd(rc, "HGET %s %s", key, RETENTION_FIELD)) == NULL)
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

/* The days of every <prefix>day:<d>:totals, each once. 0 or -1. */
static int
scan_days(redisContext *rc, const char *prefix, char (**days)[11],
    size_t *ndays)
{
	redisReply	*r;
	char		 pat[256], cursor[32] = "0", day[11];
	size_t		 i, cap = 0, plen = strlen(prefix), n = 0, u;
	char		(*v)[11] = NULL, (*nv)[11];

	glob_escape(prefix, pat, sizeof(pat) - 16);
	strcat(pat, "day:*:totals");
	do {
		if ((r = redis_cmd(rc, "SCAN %s MATCH %s COUNT %d", cursor, pat,
		    SCAN_COUNT)) == NULL)
			goto fail;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			log_warnx("redis: SCAN %s: %s", pat,
			    r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
			freeReplyObject(r);
			goto fail;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			const redisReply *k = r->element[1]->element[i];

			if (k->type != REDIS_REPLY_STRING ||
			    key_day(k->str, plen, "totals", day) == -1)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
					freeReplyObject(r);
					log_warnx("%s: out of memory", __func__);
					goto fail;
				}
				v = nv;
			}
			memcpy(v[n++], day, 11);
		}
		freeReplyObject(r);
	} while (strcmp(cursor, "0") != 0);
	/* SCAN may give a key twice. */
	if (n > 0) {
		qsort(v, n, sizeof(*v), day_cmp);
		for (i = 1, u = 1; i < n; i++)
			if (strcmp(v[i], v[u - 1]) != 0)
				memcpy(v[u++], v[i], 11);
		n = u;
	}
	*days = v;
	*ndays = n;
	return 0;
 fail:
	free(v);
	return -1;
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
refusal(const struct retention_plan *p, const struct conf *c,
    enum retention_verdict v)
{
	char	 days[256], what[512];

	days_text(p->del, p->ndel, days, sizeof(days));
	snprintf(what, sizeof(what), "retention-days %d would delete %zu "
	    "day%s that retention-days %d keeps: %s (keys %sday:<day>:* and "
	    "%sdet:<day>)", p->days, p->ndel, p->ndel == 1 ? "" : "s",
	    p->prev, days, c->redis_prefix, c->redis_prefix);
	if (v == RETENTION_MISMATCH)
		log_warnx("confirm-retention-shrink = %d does not match: %s; "
		    "set confirm-retention-shrink = %zu in [correlator] to go "
		    "ahead", c->confirm_shrink, what, p->ndel);
	else
		log_warnx("%s; to go ahead, add confirm-retention-shrink = "
		    "%zu to [correlator]", what, p->ndel);
}

/* Sends the n commands appended and reads their replies. 0 or -1. */
static int
replies(redisContext *rc, size_t n)
{
	void	*rv;
	int	 bad = 0;

	for (; n > 0; n--) {
		if (redisGetReply(rc, &rv) != REDIS_OK) {
			log_warnx("redis: %s", rc->errstr);
			return -1;
		}
		if (((redisReply *)rv)->type == REDIS_REPLY_ERROR) {
			if (!bad++)
				log_warnx("redis: %s", ((redisReply *)rv)->str);
		}
		freeReplyObject(rv);
	}
	return bad ? -1 : 0;
}

/* Appends UNLINK key or EXPIREAT key for the plan's day. Returns 1 or 0. */
static int
append_one(redisContext *rc, const struct retention_plan *p, const char *key,
    const char *day)
{
	if (bsearch(day, p->del, p->ndel, sizeof(*p->del), day_cmp) != NULL)
		return redisAppendCommand(rc, "UNLINK %s", key) == REDIS_OK;
	if (bsearch(day, p->expire, p->nexpire, sizeof(*p->expire),
	    day_cmp) != NULL)
		return redisAppendCommand(rc, "EXPIREAT %s %lld", key,
		    (long long)retention_expire_at(day, p->days)) == REDIS_OK;
	return 0;
}

/* Carries out the plan on every day:<d>:* and det:<d>. 0 or -1. */
static int
apply_plan(redisContext *rc, const struct retention_plan *p,
    const char *prefix)
{
	redisReply	*r;
	char		 pat[256], cursor[32] = "0", day[11], key[256];
	size_t		 i, n, plen = strlen(prefix);

	glob_escape(prefix, pat, sizeof(pat) - 8);
	strcat(pat, "day:*");
	do {
		if ((r = redis_cmd(rc, "SCAN %s MATCH %s COUNT %d", cursor, pat,
		    SCAN_COUNT)) == NULL)
			return -1;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			log_warnx("redis: SCAN %s: %s", pat,
			    r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
			freeReplyObject(r);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = n = 0; i < r->element[1]->elements; i++) {
			const redisReply *k = r->element[1]->element[i];

			if (k->type == REDIS_REPLY_STRING &&
			    key_day(k->str, plen, NULL, day) == 0)
				n += (size_t)append_one(rc, p, k->str, day);
		}
		freeReplyObject(r);
		if (replies(rc, n) == -1)
			return -1;
	} while (strcmp(cursor, "0") != 0);
	for (i = n = 0; i < p->ndel; i++) {
		redis_key(key, sizeof(key), prefix, "det:%s", p->del[i]);
		n += (size_t)append_one(rc, p, key, p->del[i]);
	}
	for (i = 0; i < p->nexpire; i++) {
		redis_key(key, sizeof(key), prefix, "det:%s", p->expire[i]);
		n += (size_t)append_one(rc, p, key, p->expire[i]);
	}
	return replies(rc, n);
}

static int
record(redisContext *rc, const struct conf *c)
{
	redisReply	*r;
	char		 key[256];
	int		 rv = 0;

	redis_key(key, sizeof(key), c->redis_prefix, RETENTION_KEY);
	if ((r = redis_cmd(rc, "HSET %s %s %d", key, RETENTION_FIELD,
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
retention_enforce(redisContext *rc, const struct conf *c, int apply)
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
		refusal(&p, c, v);
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
	redisContext	*rc;
	int		 r;

	if ((rc = redis_open(c->redis_address, timeout_ms)) == NULL) {
		log_warnx("retention-days not checked: Redis at %s cannot be "
		    "reached", c->redis_address);
		return 0;
	}
	r = retention_enforce(rc, c, 0);
	redisFree(rc);
	if (r == -1)
		log_warnx("retention-days not checked against Redis at %s",
		    c->redis_address);
	return r == 1 ? -1 : 0;
}
