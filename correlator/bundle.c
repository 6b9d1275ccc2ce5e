/*
 * correlator/bundle.c - build a bundle (config, rules, geo) whole, say
 * what a reload changes, and count who uses each bundle so that the old
 * one is freed once no worker scans with it. Owns the bundles; calls
 * conf.c, scan.c and geo.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "log.h"

enum { K_STR, K_INT, K_LIST };

/*
 * The correlator's keys a reload reports. Those read once at start (the
 * connections, the threads, the web server, the process's time zone)
 * keep their running value.
 */
static const struct bundle_key {
	const char	*name;
	int		 type;
	size_t		 off;
	int		 restart;
} bundle_keys[] = {
#define K(name, type, field, restart) \
	{ name, type, offsetof(struct conf, field), restart }
	K("redis address", K_STR, redis_address, 1),
	K("redis prefix", K_STR, redis_prefix, 1),
	K("workers", K_INT, workers, 1),
	K("http", K_STR, http, 1),
	K("no-http", K_INT, no_http, 1),
	K("web-root", K_STR, web_root, 1),
	K("http-token-file", K_STR, http_token_file, 1),
	K("timezone", K_STR, timezone, 1),
	K("partitions", K_INT, partitions, 1),
	K("geo database", K_STR, geo_database, 0),
	K("home-countries", K_LIST, home_countries, 0),
	K("internal-networks", K_LIST, internal_text, 0),
	K("retention-days", K_INT, retention_days, 0),
	K("claim-idle", K_INT, claim_idle_ms, 0),
	K("batch", K_INT, read_count, 0),
	K("block-ms", K_INT, block_ms, 0),
	K("stream-keep", K_INT, stream_keep, 0),
	K("incident-quiet", K_INT, incident_quiet, 0),
	K("evidence-keep", K_INT, evidence_keep, 0),
#undef K
};
#define NKEYS	(sizeof(bundle_keys) / sizeof(bundle_keys[0]))

#define FIELD(c, k, type)	((type)((char *)(c) + (k)->off))

/* A line being written, cut (with "...") when it outgrows its buffer. */
struct line {
	char	*s;
	size_t	 len, used;
};

static void
line_add(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
line_add(struct line *l, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (l->len == 0 || l->used + 1 >= l->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->used, l->len - l->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= l->len - l->used) {
		l->used = l->len - 1;
		if (l->len > 4)
			memcpy(l->s + l->len - 4, "...", 4);
		return;
	}
	l->used += (size_t)n;
}

/* The key's value in c as text, cut to len. */
static void
key_text(const struct conf *c, const struct bundle_key *k, char *buf,
    size_t len)
{
	const struct strlist	*l;
	const char		*s;
	size_t			 i, used = 0;

	switch (k->type) {
	case K_STR:
		s = *FIELD(c, k, char *const *);
		snprintf(buf, len, "%s", s != NULL ? s : "none");
		break;
	case K_INT:
		snprintf(buf, len, "%d", *FIELD(c, k, const int *));
		break;
	default:
		l = FIELD(c, k, const struct strlist *);
		buf[0] = '\0';
		for (i = 0; i < l->n && used + 1 < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    i ? "," : "", l->v[i]);
		if (l->n == 0)
			snprintf(buf, len, "none");
		break;
	}
}

/* The running value of a key that needs a restart goes into c. */
static void
key_keep(struct conf *c, const struct conf *running,
    const struct bundle_key *k)
{
	char		**dst;
	const char	*src;

	if (k->type == K_INT) {
		*FIELD(c, k, int *) = *FIELD(running, k, const int *);
		return;
	}
	dst = FIELD(c, k, char **);
	src = *FIELD(running, k, char *const *);
	free(*dst);
	*dst = NULL;
	if (src != NULL && (*dst = strdup(src)) == NULL)
		fatalx("%s: out of memory", __func__);
}

/* dashboards/ beside the binary's bin/, unless configured. */
static int
default_web_root(struct conf *conf)
{
	char	 exe[4096], *slash;
	ssize_t	 n;

	if (conf->web_root != NULL)
		return 0;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 32)) <= 0)
		return 0;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return 0;
	strcpy(slash, "/../dashboards");
	return conf_set(conf, "correlator", "web-root", exe, "default");
}

static int
has_rule(const struct ruleset *rs, const char *name)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->meta[i].name, name) == 0)
			return 1;
	return 0;
}

/* The rules: their count, those added (+) and removed (-). */
static void
rules_changes(const struct ruleset *old, const struct ruleset *rs,
    struct line *l)
{
	size_t	 i;
	int	 any = 0;

	line_add(l, "%zu rule%s", rs->n, rs->n == 1 ? "" : "s");
	for (i = 0; i < rs->n; i++)
		if (!has_rule(old, rs->meta[i].name))
			line_add(l, "%s+%s", any++ ? " " : " (",
			    rs->meta[i].name);
	for (i = 0; i < old->n; i++)
		if (!has_rule(rs, old->meta[i].name))
			line_add(l, "%s-%s", any++ ? " " : " (",
			    old->meta[i].name);
	line_add(l, "%s", any ? ")" : "");
}

static void
epoch_day(uint64_t epoch, char day[11])
{
	struct tm	 tm;
	time_t		 t = (time_t)epoch;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(day, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(day, 11, "?");
}

/* What differs from running, the keys that need a restart apart. */
static void
describe(const struct bundle *b, const struct bundle *running,
    const char *restart, char *out, size_t len)
{
	struct line	 l = { out, len, 0 };
	const struct bundle_key *k;
	char		 was[256], now[256], d0[11], d1[11];
	size_t		 i;

	out[0] = '\0';
	rules_changes(&running->rules, &b->rules, &l);
	for (i = 0; i < NKEYS; i++) {
		k = &bundle_keys[i];
		if (k->restart)
			continue;
		key_text(&running->conf, k, was, sizeof(was));
		key_text(&b->conf, k, now, sizeof(now));
		if (strcmp(was, now) != 0)
			line_add(&l, ", %s %s (was %s)", k->name, now, was);
	}
	if (b->geo.open && running->geo.open &&
	    strcmp(b->conf.geo_database, running->conf.geo_database) == 0 &&
	    b->geo.db.metadata.build_epoch !=
	    running->geo.db.metadata.build_epoch) {
		epoch_day(b->geo.db.metadata.build_epoch, d1);
		epoch_day(running->geo.db.metadata.build_epoch, d0);
		line_add(&l, ", geo database %s reopened: built %s (was %s)",
		    b->conf.geo_database, d1, d0);
	}
	if (restart[0] != '\0')
		line_add(&l, "; needs a restart, running value kept: %s",
		    restart);
}

struct bundle *
bundle_load(const char *file, const struct conf_opt *opts, size_t nopts,
    const struct bundle *running, char *changes, size_t len)
{
	struct bundle	*b;
	struct line	 rl;
	char		 restart[1024], was[256], now[256];
	size_t		 i;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		log_warnx("%s: out of memory", __func__);
		return NULL;
	}
	if (conf_setup(&b->conf, file, "correlator", opts, nopts) == -1) {
		free(b);
		return NULL;
	}
	if (default_web_root(&b->conf) == -1)
		goto fail;
	restart[0] = '\0';
	rl = (struct line){ restart, sizeof(restart), 0 };
	for (i = 0; running != NULL && i < NKEYS; i++) {
		if (!bundle_keys[i].restart)
			continue;
		key_text(&running->conf, &bundle_keys[i], was, sizeof(was));
		key_text(&b->conf, &bundle_keys[i], now, sizeof(now));
		if (strcmp(was, now) == 0)
			continue;
		line_add(&rl, "%s%s %s (running %s)", rl.used ? ", " : "",
		    bundle_keys[i].name, now, was);
		key_keep(&b->conf, &running->conf, &bundle_keys[i]);
	}
	if (ruleset_load(&b->rules, b->conf.rules_path.v,
	    b->conf.rules_path.n) == -1)
		goto fail;
	if (b->conf.geo_database != NULL &&
	    geo_open(&b->geo, b->conf.geo_database) == -1)
		goto fail;
	b->gen = running != NULL ? running->gen + 1 : 1;
	if (running != NULL && changes != NULL)
		describe(b, running, restart, changes, len);
	return b;
 fail:
	bundle_free(b);
	return NULL;
}

void
bundle_free(struct bundle *b)
{
	if (b == NULL)
		return;
	ruleset_free(&b->rules);
	geo_close(&b->geo);
	conf_free(&b->conf);
	free(b);
}

int
bundle_slot_init(struct bundle_slot *s, struct bundle *b)
{
	if (pthread_mutex_init(&s->lock, NULL) != 0)
		return -1;
	b->refs = 1;
	s->cur = b;
	return 0;
}

void
bundle_slot_close(struct bundle_slot *s)
{
	struct bundle	*b = s->cur;

	s->cur = NULL;
	if (b != NULL)
		bundle_drop(s, b);
	pthread_mutex_destroy(&s->lock);
}

struct bundle *
bundle_hold(struct bundle_slot *s)
{
	struct bundle	*b;

	pthread_mutex_lock(&s->lock);
	b = s->cur;
	b->refs++;
	pthread_mutex_unlock(&s->lock);
	return b;
}

struct bundle *
bundle_newer(struct bundle_slot *s, const struct bundle *b)
{
	struct bundle	*nb = NULL;

	pthread_mutex_lock(&s->lock);
	if (s->cur != b) {
		nb = s->cur;
		nb->refs++;
	}
	pthread_mutex_unlock(&s->lock);
	return nb;
}

void
bundle_drop(struct bundle_slot *s, struct bundle *b)
{
	int	 last;

	pthread_mutex_lock(&s->lock);
	last = --b->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		bundle_free(b);
}

void
bundle_swap(struct bundle_slot *s, struct bundle *nb)
{
	struct bundle	*old;

	pthread_mutex_lock(&s->lock);
	old = s->cur;
	nb->refs++;
	s->cur = nb;
	pthread_mutex_unlock(&s->lock);
	bundle_drop(s, old);
}
