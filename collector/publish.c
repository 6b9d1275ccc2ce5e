/*
 * collector/publish.c - the spool to Redis: lease, stream top, replay,
 * pipelined XADD of frames; reconnection with backoff. On a Redis Cluster
 * every key written here but <prefix>sensors is under the sensor's hash
 * tag, so the one connection goes to the master of the stream's slot,
 * found with the slot router (core/redis.c) at each connection; a MOVED
 * or CLUSTERDOWN reply drops it like any error, and the spool replays.
 * Owns the async Redis connection. Calls spool.c, hiredis, libevent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/adapters/libevent.h>

#include "log.h"
#include "publish.h"
#include "redis.h"

#define INFLIGHT_MAX	32		/* frames sent, not yet answered */
#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000
#define LEASE_TTL_MS	30000
#define LEASE_EVERY_S	10
#define ANSWER_WITHIN_S	30		/* a Redis that says nothing longer is hung */

/* Takes or renews the lease; returns 1, or the holder's instance. */
static const char lease_lua[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if v == false or v == ARGV[1] then "
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end "
    "return v";
/* Gives the lease back if it is still ours. */
static const char unlease_lua[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('DEL', KEYS[1]) end return 0";

static void	pub_connect(struct publisher *);

static void
pub_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pub_connect(arg);
}

/* The connection is gone or unusable: say so once, retry later. */
static void
pub_down(struct publisher *p, const char *why)
{
	struct timeval	 tv;

	if (!p->down_logged || strcmp(why, p->why) != 0) {
		uint64_t	 ev;
		size_t		 fr = spool_pending(p->sp, &ev);

		log_warnx("redis %s: %s; %zu frames (%" PRIu64 " events) wait "
		    "in the spool, retrying", p->addr, why, fr, ev);
		snprintf(p->why, sizeof(p->why), "%s", why);
		p->down_logged = 1;
	}
	p->state = PUB_DOWN;
	p->inflight = 0;
	p->waiting_since = 0;
	tv.tv_sec = p->backoff_ms / 1000;
	tv.tv_usec = (p->backoff_ms % 1000) * 1000;
	p->backoff_ms = p->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    p->backoff_ms * 2;
	if (p->fatal == 0)
		evtimer_add(p->retry_ev, &tv);
}

/* Drops the connection at once (not from a reply callback). */
static void
pub_drop(struct publisher *p, const char *why)
{
	redisAsyncContext	*ac = p->ac;

	p->ac = NULL;
	if (ac != NULL)
		redisAsyncFree(ac);
	pub_down(p, why);
}

/* A reply that means "not now": loading, out of memory, read-only... */
static void
pub_reply_error(struct publisher *p, redisAsyncContext *ac, const char *what,
    const char *err)
{
	char	 why[256];

	snprintf(why, sizeof(why), "%s: %.200s", what, err);
	if (ac == p->ac) {
		p->ac = NULL;
		redisAsyncDisconnect(ac);
		pub_down(p, why);
	}
}

static void
pub_stop(struct publisher *p, int status)
{
	p->fatal = status;
	event_base_loopbreak(p->base);
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	struct publisher	*p = ac->data;

	if (ac != p->ac)
		return;		/* dropped on purpose, already handled */
	p->ac = NULL;
	pub_down(p, status == REDIS_OK ? "disconnected" :
	    (ac->errstr[0] ? ac->errstr : "connection lost"));
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	struct publisher	*p = ac->data;

	if (status == REDIS_OK || ac != p->ac)
		return;
	p->ac = NULL;	/* hiredis frees it */
	pub_down(p, ac->errstr[0] ? ac->errstr : "cannot connect");
}

static void
on_xadd(redisAsyncContext *ac, void *rv, void *arg)
{
	struct publisher	*p = arg;
	redisReply		*r = rv;
	const struct spool_frame *f;

	if (r == NULL || ac != p->ac)
		return;		/* the connection went away: replayed later */
	p->inflight--;
	p->waiting_since = p->inflight ? time(NULL) : 0;
	if (r->type == REDIS_REPLY_STRING) {
		f = &p->sp->frames[p->sp->confirmed];
		p->stored_frames++;
		p->stored_events += f->nevents;
		spool_confirm(p->sp, time(NULL));
		publish_pump(p);
		if (p->progress != NULL)
			p->progress(p->arg);
		return;
	}
	if (r->type == REDIS_REPLY_ERROR &&
	    strstr(r->str, "equal or smaller") != NULL) {
		char	 id[48];

		f = &p->sp->frames[p->sp->confirmed];
		log_warnx("redis %s: %s already holds ids at or above frame %s, "
		    "which this collector never sent: another collector writes "
		    "sensor %s (give each its own --sensor)", p->addr, p->key,
		    streamid_fmt(f->id, id, sizeof(id)), p->sensor);
		pub_stop(p, 1);
		return;
	}
	pub_reply_error(p, ac, "XADD", r->type == REDIS_REPLY_ERROR ? r->str :
	    "unexpected reply");
}

void
publish_pump(struct publisher *p)
{
	const struct spool_frame	*f;
	const char			*argv[5];
	size_t				 argl[5];
	char				 id[48];

	while (p->state == PUB_READY && p->ac != NULL &&
	    p->inflight < INFLIGHT_MAX &&
	    (f = spool_next(p->sp, &p->buf, &p->cap)) != NULL) {
		streamid_fmt(f->id, id, sizeof(id));
		argv[0] = "XADD";
		argl[0] = 4;
		argv[1] = p->key;
		argl[1] = strlen(p->key);
		argv[2] = id;
		argl[2] = strlen(id);
		argv[3] = "frame";
		argl[3] = 5;
		argv[4] = p->buf;
		argl[4] = f->len;
		if (redisAsyncCommandArgv(p->ac, on_xadd, p, 5, argv, argl) !=
		    REDIS_OK) {
			p->sp->sent--;
			pub_reply_error(p, p->ac, "XADD", "cannot queue it");
			return;
		}
		if (p->inflight++ == 0)
			p->waiting_since = time(NULL);
	}
}

static void
on_top(redisAsyncContext *ac, void *rv, void *arg)
{
	struct publisher	*p = arg;
	redisReply		*r = rv;
	struct streamid		 top = { 0, 0 };
	size_t			 i, lost, fr;
	uint64_t		 ev;

	if (r == NULL || ac != p->ac)
		return;
	if (r->type == REDIS_REPLY_ERROR && strstr(r->str, "no such key")) {
		/* No stream yet: everything spooled goes. */
	} else if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i + 1 < r->elements; i += 2)
			if (r->element[i]->type == REDIS_REPLY_STRING &&
			    !strcmp(r->element[i]->str, "last-generated-id") &&
			    r->element[i + 1]->type == REDIS_REPLY_STRING &&
			    streamid_parse(r->element[i + 1]->str, &top) == 0)
				break;
		if (i + 1 >= r->elements) {
			pub_reply_error(p, ac, "XINFO STREAM",
			    "no last-generated-id");
			return;
		}
	} else {
		pub_reply_error(p, ac, "XINFO STREAM", r->type ==
		    REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		return;
	}
	if ((lost = spool_rewind(p->sp, top)) > 0) {
		log_warnx("redis %s: %s lost its last %zu frames (a restart "
		    "after a crash?): sending them again from the spool",
		    p->addr, p->key, lost);
		p->resent += lost;
	}
	if (streamid_cmp(top, p->sp->last) > 0) {
		char	 a[48], b[48];

		log_warnx("redis %s: %s ends at %s, above the last id this "
		    "collector gave out (%s): new ids continue above it",
		    p->addr, p->key, streamid_fmt(top, a, sizeof(a)),
		    streamid_fmt(p->sp->last, b, sizeof(b)));
		p->sp->last = top;
	}
	fr = spool_pending(p->sp, &ev);
	if (p->down_logged || (p->cluster && !p->ever_ready))
		log_info("redis %s: connected%s%s; %zu frames (%" PRIu64
		    " events) to send", p->addr, p->cluster ? " to " : "",
		    p->cluster ? p->node : "", fr, ev);
	p->down_logged = 0;
	p->why[0] = '\0';
	p->backoff_ms = BACKOFF_MIN_MS;
	p->state = PUB_READY;
	p->ever_ready = 1;
	publish_pump(p);
	if (p->progress != NULL)
		p->progress(p->arg);
}

static void
on_lease(redisAsyncContext *ac, void *rv, void *arg)
{
	struct publisher	*p = arg;
	redisReply		*r = rv;

	if (r == NULL || ac != p->ac)
		return;
	if (r->type == REDIS_REPLY_INTEGER && r->integer == 1)
		return;
	if (r->type == REDIS_REPLY_STRING) {
		log_warnx("sensor %s is held by another collector (%s): give "
		    "each collector its own --sensor, or stop the other one",
		    p->sensor, r->str);
		pub_stop(p, 2);
		return;
	}
	pub_reply_error(p, ac, "lease", r->type == REDIS_REPLY_ERROR ? r->str :
	    "unexpected reply");
}

static void
on_ignore(redisAsyncContext *ac, void *rv, void *arg)
{
	struct publisher	*p = arg;
	redisReply		*r = rv;

	if (r != NULL && ac == p->ac && r->type == REDIS_REPLY_ERROR)
		log_warnx("redis %s: %s", p->addr, r->str);
}

static int
pub_lease(struct publisher *p)
{
	p->lease_at = time(NULL);
	return redisAsyncCommand(p->ac, on_lease, p, "EVAL %s 1 %s %s %d",
	    lease_lua, p->lease, p->instance, LEASE_TTL_MS);
}

/*
 * On a cluster: the master of the stream's slot, from the slot map read
 * now, into p->node; the sensor registered (<prefix>sensors lives in a
 * slot of its own). Blocks the loop for at most the router's timeouts.
 * Returns 0, or -1 (why in the log, and p->why for pub_down).
 */
static int
pub_route(struct publisher *p, char *why, size_t whylen)
{
	struct rconn	*rc;
	redisReply	*r;
	int		 n, ok;

	if ((rc = rconn_open(p->addr, 2000)) == NULL) {
		snprintf(why, whylen, "no node of the cluster gave its slot map");
		return -1;
	}
	if ((n = rconn_slot_node(rc, redis_slot(p->key, strlen(p->key)))) ==
	    -1) {
		snprintf(why, whylen, "no master serves %s", p->key);
		rconn_close(rc);
		return -1;
	}
	snprintf(p->node, sizeof(p->node), "%s", rconn_node_addr(rc, n));
	r = rconn_cmd(rc, p->sensors, "SADD %s %s", p->sensors, p->sensor);
	ok = r != NULL && r->type == REDIS_REPLY_INTEGER;
	if (!ok)
		snprintf(why, whylen, "SADD %.200s: %.200s", p->sensors,
		    r != NULL && r->type == REDIS_REPLY_ERROR ? r->str :
		    "no reply");
	if (r != NULL)
		freeReplyObject(r);
	rconn_close(rc);
	return ok ? 0 : -1;
}

static void
pub_connect(struct publisher *p)
{
	redisAsyncContext	*ac;
	char			 why[512];

	if (p->fatal)
		return;
	if (p->cluster && pub_route(p, why, sizeof(why)) == -1) {
		pub_down(p, why);
		return;
	}
	if (strncmp(p->node, "unix:", 5) == 0)
		ac = redisAsyncConnectUnix(p->node + 5);
	else {
		char	 host[256], err[256];
		int	 port;

		if (redis_addr_split(p->node, host, sizeof(host), &port, err,
		    sizeof(err)) == -1) {
			log_warnx("redis address %s", err);
			pub_stop(p, 2);
			return;
		}
		ac = redisAsyncConnect(host, port);
	}
	if (ac == NULL) {
		pub_down(p, "cannot allocate a connection");
		return;
	}
	if (ac->err) {
		snprintf(why, sizeof(why), "%s", ac->errstr);
		redisAsyncFree(ac);
		pub_down(p, why);
		return;
	}
	ac->data = p;
	p->ac = ac;
	p->state = PUB_HANDSHAKE;
	if (redisLibeventAttach(ac, p->base) != REDIS_OK ||
	    redisAsyncSetConnectCallback(ac, on_connect) != REDIS_OK ||
	    redisAsyncSetDisconnectCallback(ac, on_disconnect) != REDIS_OK) {
		pub_drop(p, "cannot attach the connection to the event loop");
		return;
	}
	/* Queued now, sent once connected: lease, register (done by
	 * pub_route on a cluster), stream top. */
	p->waiting_since = time(NULL);
	if (pub_lease(p) != REDIS_OK || (!p->cluster &&
	    redisAsyncCommand(ac, on_ignore, p, "SADD %s %s", p->sensors,
	    p->sensor) != REDIS_OK) ||
	    redisAsyncCommand(ac, on_top, p, "XINFO STREAM %s", p->key) !=
	    REDIS_OK)
		pub_drop(p, "cannot queue the handshake");
}

/* Every second: renew the lease, and drop a Redis that stopped answering. */
static void
pub_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct publisher	*p = arg;
	time_t			 now = time(NULL);

	(void)fd;
	(void)what;
	if (p->ac != NULL && p->waiting_since != 0 &&
	    now - p->waiting_since > ANSWER_WITHIN_S) {
		pub_drop(p, "no answer for 30 s");
		return;
	}
	if (p->state == PUB_READY && now - p->lease_at >= LEASE_EVERY_S &&
	    pub_lease(p) != REDIS_OK)
		pub_drop(p, "cannot queue the lease");
}

int
publish_init(struct publisher *p, struct event_base *base, struct spool *sp,
    const char *addr, const char *prefix, const char *sensor,
    const char *instance)
{
	struct timeval	 second = { 1, 0 };

	memset(p, 0, sizeof(*p));
	p->base = base;
	p->sp = sp;
	p->backoff_ms = BACKOFF_MIN_MS;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	snprintf(p->node, sizeof(p->node), "%s", addr);
	p->cluster = strncmp(addr, "cluster:", 8) == 0;
	snprintf(p->sensor, sizeof(p->sensor), "%s", sensor);
	snprintf(p->instance, sizeof(p->instance), "%s", instance);
	redis_key(p->key, sizeof(p->key), prefix, "ev:{%s}", sensor);
	redis_key(p->sensors, sizeof(p->sensors), prefix, "sensors");
	redis_key(p->lease, sizeof(p->lease), prefix, "lease:{%s}", sensor);
	redis_key(p->health, sizeof(p->health), prefix, "sensor:{%s}", sensor);
	if ((p->retry_ev = evtimer_new(base, pub_retry_cb, p)) == NULL ||
	    (p->tick_ev = event_new(base, -1, EV_PERSIST, pub_tick_cb, p)) ==
	    NULL || event_add(p->tick_ev, &second) == -1) {
		log_warnx("%s: cannot create timers", __func__);
		return -1;
	}
	return 0;
}

void
publish_start(struct publisher *p)
{
	pub_connect(p);
}

void
publish_health(struct publisher *p, int argc, const char **argv, int now)
{
	const char	**av;
	redisContext	*c;
	redisReply	*r;
	int		 i;

	if (p->state != PUB_READY)
		return;
	if ((av = calloc((size_t)argc + 2, sizeof(*av))) == NULL)
		return;
	av[0] = "HSET";
	av[1] = p->health;
	for (i = 0; i < argc; i++)
		av[i + 2] = argv[i];
	if (now) {
		/* The last word, written before the loop is gone. */
		if ((c = redis_open(p->node, 2000)) != NULL) {
			r = redisCommandArgv(c, argc + 2, av, NULL);
			if (r != NULL)
				freeReplyObject(r);
			redisFree(c);
		}
	} else if (p->ac != NULL && redisAsyncCommandArgv(p->ac, on_ignore, p,
	    argc + 2, av, NULL) != REDIS_OK)
		log_warnx("redis %s: cannot queue HSET %s", p->addr, p->health);
	free(av);
}

void
publish_close(struct publisher *p)
{
	redisContext	*c;
	redisReply	*r;

	if (p->ac != NULL) {
		redisAsyncContext *ac = p->ac;

		p->ac = NULL;
		redisAsyncFree(ac);
	}
	/* Give the lease back so that a successor need not wait for it. */
	if (p->fatal != 2 && (c = redis_open(p->node, 2000)) != NULL) {
		r = redisCommand(c, "EVAL %s 1 %s %s", unlease_lua, p->lease,
		    p->instance);
		if (r != NULL)
			freeReplyObject(r);
		redisFree(c);
	}
	if (p->retry_ev != NULL)
		event_free(p->retry_ev);
	if (p->tick_ev != NULL)
		event_free(p->tick_ev);
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
