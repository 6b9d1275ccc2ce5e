/*
 * core/redis.c - connect to Redis from an ADDR string; key names.
 * Owns nothing between calls. Talks to hiredis and core/log.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "redis.h"

int
redis_addr_split(const char *addr, char *host, size_t hlen, int *port,
    char *err, size_t errlen)
{
	const char	*colon, *h = addr;
	size_t		 n;
	char		*end;
	long		 p;

	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');

		if (rb == NULL || rb[1] != ':') {
			snprintf(err, errlen, "\"%s\": expected [v6]:port", addr);
			return -1;
		}
		h = addr + 1;
		n = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL) {
			snprintf(err, errlen,
			    "\"%s\": expected host:port or unix:PATH", addr);
			return -1;
		}
		n = (size_t)(colon - addr);
	}
	if (n == 0 || n >= hlen) {
		snprintf(err, errlen, "\"%s\": bad host", addr);
		return -1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || p < 1 ||
	    p > 65535) {
		snprintf(err, errlen, "\"%s\": bad port", addr);
		return -1;
	}
	*port = (int)p;
	return 0;
}

/* "cluster:HOST:PORT[,HOST:PORT...]": each seed a TCP address. */
static int
cluster_addr_check(const char *addr, char *err, size_t errlen)
{
	const char	*s, *e;
	char		 seed[300], host[256];
	int		 port;

	for (s = addr + 8;; s = e + 1) {
		e = strchr(s, ',');
		if ((e ? (size_t)(e - s) : strlen(s)) >= sizeof(seed)) {
			snprintf(err, errlen, "\"%s\": a seed is too long",
			    addr);
			return -1;
		}
		snprintf(seed, sizeof(seed), "%.*s",
		    e ? (int)(e - s) : (int)strlen(s), s);
		if (seed[0] == '\0') {
			snprintf(err, errlen, "\"%s\": an empty seed (expected "
			    "cluster:HOST:PORT[,HOST:PORT...])", addr);
			return -1;
		}
		if (strncmp(seed, "unix:", 5) == 0) {
			snprintf(err, errlen, "\"%s\": cluster nodes are "
			    "reached over TCP, not %s", addr, seed);
			return -1;
		}
		if (redis_addr_split(seed, host, sizeof(host), &port, err,
		    errlen) == -1)
			return -1;
		if (e == NULL)
			return 0;
	}
}

int
redis_addr_check(const char *addr, char *err, size_t errlen)
{
	char	 host[256];
	int	 port;

	if (strncmp(addr, "cluster:", 8) == 0)
		return cluster_addr_check(addr, err, errlen);
	if (strncmp(addr, "unix:", 5) == 0) {
		if (addr[5] == '\0') {
			snprintf(err, errlen, "\"%s\": empty socket path", addr);
			return -1;
		}
		return 0;
	}
	return redis_addr_split(addr, host, sizeof(host), &port, err, errlen);
}

/*
 * Connections that failed, by address: a server that is down (a master
 * killed, its replica not yet promoted) is said once per error, not at
 * every try of every worker, again after DOWN_EVERY_S, and when it
 * answers again.
 */
#define DOWN_MAX	64
#define DOWN_EVERY_S	60

static struct {
	char	 addr[280];
	char	 err[128];
	time_t	 at;
}			 down[DOWN_MAX];
static pthread_mutex_t	 down_lock = PTHREAD_MUTEX_INITIALIZER;

static void
down_say(const char *addr, const char *err)
{
	time_t	 now = time(NULL);
	int	 i, k = -1, say = 1;

	(void)pthread_mutex_lock(&down_lock);
	for (i = 0; i < DOWN_MAX; i++) {
		if (strcmp(down[i].addr, addr) == 0) {
			k = i;
			break;
		}
		if (k == -1 && down[i].addr[0] == '\0')
			k = i;
	}
	if (k != -1) {
		if (strcmp(down[k].addr, addr) == 0 &&
		    strncmp(down[k].err, err, sizeof(down[k].err) - 1) == 0 &&
		    now - down[k].at < DOWN_EVERY_S)
			say = 0;
		else {
			snprintf(down[k].addr, sizeof(down[k].addr), "%s",
			    addr);
			snprintf(down[k].err, sizeof(down[k].err), "%s", err);
			down[k].at = now;
		}
	}
	(void)pthread_mutex_unlock(&down_lock);
	if (say)
		log_warnx("redis %s: %s%s", addr, err, k == -1 ? "" :
		    " (said again in a minute if it lasts)");
}

static void
down_clear(const char *addr)
{
	int	 i, was = 0;

	(void)pthread_mutex_lock(&down_lock);
	for (i = 0; i < DOWN_MAX; i++)
		if (down[i].addr[0] != '\0' && strcmp(down[i].addr, addr) == 0) {
			down[i].addr[0] = '\0';
			was = 1;
		}
	(void)pthread_mutex_unlock(&down_lock);
	if (was)
		log_info("redis %s: answers again", addr);
}

redisContext *
redis_open(const char *addr, int timeout_ms)
{
	redisContext	*c;
	struct timeval	 tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	char		 host[256], err[512];
	int		 port;

	if (strncmp(addr, "cluster:", 8) == 0) {
		log_warnx("redis %s: a cluster, where one server was "
		    "expected", addr);
		return NULL;
	}
	if (strncmp(addr, "unix:", 5) == 0) {
		c = timeout_ms ? redisConnectUnixWithTimeout(addr + 5, tv) :
		    redisConnectUnix(addr + 5);
	} else {
		if (redis_addr_split(addr, host, sizeof(host), &port, err,
		    sizeof(err)) == -1) {
			log_warnx("redis address %s", err);
			return NULL;
		}
		c = timeout_ms ? redisConnectWithTimeout(host, port, tv) :
		    redisConnect(host, port);
	}
	if (c == NULL) {
		log_warnx("redis %s: cannot allocate context", addr);
		return NULL;
	}
	if (c->err) {
		down_say(addr, c->errstr);
		redisFree(c);
		return NULL;
	}
	if (timeout_ms && redisSetTimeout(c, tv) != REDIS_OK) {
		log_warnx("redis %s: cannot set timeout", addr);
		redisFree(c);
		return NULL;
	}
	down_clear(addr);
	return c;
}

char *
redis_key(char *buf, size_t len, const char *prefix, const char *fmt, ...)
{
	va_list	 ap;
	int	 n, m;

	n = snprintf(buf, len, "%s", prefix);
	if (n < 0 || (size_t)n >= len)
		fatalx("%s: key prefix too long", __func__);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - (size_t)n)
		fatalx("%s: key too long", __func__);
	return buf;
}

redisReply *
redis_cmd(redisContext *c, const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*r;

	va_start(ap, fmt);
	r = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (r == NULL)
		log_warnx("redis: %s", c->errstr[0] ? c->errstr : "no reply");
	return r;
}

redisContext *
redis_open_ready(const char *addr, int timeout_ms, int wait_s)
{
	redisContext	*c;
	redisReply	*r;
	time_t		 until = time(NULL) + wait_s;
	int		 said = 0, loading;

	for (;;) {
		if ((c = redis_open(addr, timeout_ms)) == NULL)
			return NULL;
		if ((r = redisCommand(c, "PING")) == NULL) {
			log_warnx("redis %s: %s", addr, c->errstr);
			redisFree(c);
			return NULL;
		}
		loading = r->type == REDIS_REPLY_ERROR &&
		    strncmp(r->str, "LOADING", 7) == 0;
		freeReplyObject(r);
		if (!loading)
			return c;
		redisFree(c);
		if (time(NULL) >= until) {
			log_warnx("redis %s: still loading its data after %d s",
			    addr, wait_s);
			return NULL;
		}
		if (!said++)
			log_info("redis %s: loading its data; waiting", addr);
		usleep(200000);
	}
}

/* The slot router (redis.h). */

#define RC_MAXNODES	128
#define RC_NONE		0xff
#define RC_REDIRECTS	16
#define RC_ADDRLEN	280

struct rnode {
	char		 addr[RC_ADDRLEN];	/* host:port, [v6]:port, unix:PATH */
	redisContext	*c;
	int		 replicas;	/* as CLUSTER SLOTS lists them */
};

struct rqueued {
	char		*cmd;		/* RESP, from redisFormatCommandArgv */
	size_t		 len;
	unsigned	 slot;
	int		 node;		/* -1: could not be sent */
};

struct rconn {
	char		*addr;		/* as given, for the logs */
	char		*seeds;		/* cluster: the seed list, ',' apart */
	int		 cluster, timeout_ms, stale;
	int		 nnodes;
	struct rnode	 nodes[RC_MAXNODES];
	unsigned char	 owner[REDIS_SLOTS];	/* node index or RC_NONE */
	struct rqueued	*q;
	size_t		 nq, qcap;
};

static unsigned
crc16(const char *p, size_t n)
{
	unsigned	 crc = 0;
	size_t		 i;
	int		 b;

	for (i = 0; i < n; i++) {
		crc ^= (unsigned)(unsigned char)p[i] << 8;
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xffff :
			    (crc << 1) & 0xffff;
	}
	return crc;
}

unsigned
redis_slot(const char *key, size_t len)
{
	size_t	 s, e;

	for (s = 0; s < len && key[s] != '{'; s++)
		;
	if (s < len) {
		for (e = s + 1; e < len && key[e] != '}'; e++)
			;
		if (e < len && e > s + 1) {
			key += s + 1;
			len = e - s - 1;
		}
	}
	return crc16(key, len) & (REDIS_SLOTS - 1);
}

static int
rc_node_find(struct rconn *rc, const char *addr)
{
	int	 i;

	for (i = 0; i < rc->nnodes; i++)
		if (strcmp(rc->nodes[i].addr, addr) == 0)
			return i;
	if (rc->nnodes == RC_MAXNODES) {
		log_warnx("redis %s: more than %d masters", rc->addr,
		    RC_MAXNODES);
		return -1;
	}
	snprintf(rc->nodes[rc->nnodes].addr, RC_ADDRLEN, "%s", addr);
	rc->nodes[rc->nnodes].c = NULL;
	return rc->nnodes++;
}

static void
rc_node_drop(struct rconn *rc, int i)
{
	if (rc->nodes[i].c != NULL) {
		redisFree(rc->nodes[i].c);
		rc->nodes[i].c = NULL;
	}
	if (rc->cluster)
		rc->stale = 1;
}

static redisContext *
rc_node_ctx(struct rconn *rc, int i)
{
	struct rnode	*n = &rc->nodes[i];

	if (n->c != NULL && n->c->err) {
		redisFree(n->c);
		n->c = NULL;
	}
	if (n->c == NULL && (n->c = redis_open(n->addr, rc->timeout_ms)) ==
	    NULL && rc->cluster)
		rc->stale = 1;
	return n->c;
}

/* "host:port" of a node as CLUSTER SLOTS or a redirection names it; an
 * empty host is the node that answered (from). */
static void
rc_node_name(char *buf, size_t len, const char *host, long long port,
    const char *from)
{
	char	 fh[256], err[64];
	int	 fp;

	if (host[0] == '\0' && redis_addr_split(from, fh, sizeof(fh), &fp,
	    err, sizeof(err)) == 0)
		host = fh;
	if (strchr(host, ':') != NULL)
		snprintf(buf, len, "[%s]:%lld", host, port);
	else
		snprintf(buf, len, "%s:%lld", host, port);
}

/*
 * Reads the slot map from one node, c (at from). On success the map and
 * the masters are replaced, the connections of masters still named are
 * kept and the others closed (c with them when it belonged to one): 0.
 * On failure nothing changes: -1, with why.
 */
static int
rc_map_from(struct rconn *rc, redisContext *c, const char *from,
    char *why, size_t whylen)
{
	struct rnode	*nn;
	unsigned char	*own;
	redisReply	*r, *e, *m;
	char		 name[RC_ADDRLEN];
	int		 nnew = 0, i, j, k, covered = 0;
	long long	 lo, hi, s;

	if ((r = redisCommand(c, "CLUSTER SLOTS")) == NULL) {
		snprintf(why, whylen, "%s: %s", from, c->errstr);
		return -1;
	}
	if (r->type != REDIS_REPLY_ARRAY) {
		snprintf(why, whylen, "%s: CLUSTER SLOTS: %s", from,
		    r->type == REDIS_REPLY_ERROR ? r->str : "not an array");
		freeReplyObject(r);
		return -1;
	}
	if ((nn = calloc(RC_MAXNODES, sizeof(*nn))) == NULL ||
	    (own = malloc(REDIS_SLOTS)) == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		free(nn);
		freeReplyObject(r);
		return -1;
	}
	memset(own, RC_NONE, REDIS_SLOTS);
	for (i = 0; i < (int)r->elements; i++) {
		e = r->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
		    e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER)
			continue;
		m = e->element[2];
		if (m->type != REDIS_REPLY_ARRAY || m->elements < 2 ||
		    m->element[0]->type != REDIS_REPLY_STRING ||
		    m->element[1]->type != REDIS_REPLY_INTEGER)
			continue;
		lo = e->element[0]->integer;
		hi = e->element[1]->integer;
		if (lo < 0 || hi >= REDIS_SLOTS || lo > hi)
			continue;
		rc_node_name(name, sizeof(name), m->element[0]->str,
		    m->element[1]->integer, from);
		for (k = 0; k < nnew && strcmp(nn[k].addr, name) != 0; k++)
			;
		if (k == nnew) {
			if (nnew == RC_MAXNODES)
				continue;
			snprintf(nn[nnew++].addr, RC_ADDRLEN, "%s", name);
		}
		nn[k].replicas = (int)e->elements - 3;
		for (s = lo; s <= hi; s++)
			own[s] = (unsigned char)k;
		covered += (int)(hi - lo + 1);
	}
	freeReplyObject(r);
	if (covered == 0) {
		snprintf(why, whylen, "%s: CLUSTER SLOTS: no slot is served",
		    from);
		free(nn);
		free(own);
		return -1;
	}
	for (j = 0; j < rc->nnodes; j++) {
		for (k = 0; k < nnew; k++)
			if (nn[k].c == NULL &&
			    strcmp(nn[k].addr, rc->nodes[j].addr) == 0)
				break;
		if (k < nnew)
			nn[k].c = rc->nodes[j].c;
		else if (rc->nodes[j].c != NULL)
			redisFree(rc->nodes[j].c);
	}
	memcpy(rc->nodes, nn, sizeof(*nn) * (size_t)nnew);
	rc->nnodes = nnew;
	memcpy(rc->owner, own, REDIS_SLOTS);
	free(nn);
	free(own);
	rc->stale = covered < REDIS_SLOTS;
	return 0;
}

/*
 * Reads the slot map again from a node that answers: the known masters
 * first, then the seeds. 0, or -1 when none did (logged).
 */
static int
rc_refresh(struct rconn *rc)
{
	redisContext	*c;
	char		 seeds[4096], why[512] = "";
	char		*s, *save = NULL;
	int		 i, k;

	for (i = 0; i < rc->nnodes; i++) {
		if ((c = rc->nodes[i].c) == NULL || c->err)
			continue;
		if (rc_map_from(rc, c, rc->nodes[i].addr, why,
		    sizeof(why)) == 0)
			return 0;
	}
	snprintf(seeds, sizeof(seeds), "%s", rc->seeds);
	for (s = strtok_r(seeds, ",", &save); s != NULL;
	    s = strtok_r(NULL, ",", &save)) {
		if ((c = redis_open(s, rc->timeout_ms)) == NULL)
			continue;
		if (rc_map_from(rc, c, s, why, sizeof(why)) == -1) {
			redisFree(c);
			continue;
		}
		/* The seed's connection is kept where it is a master. */
		for (k = 0; k < rc->nnodes; k++)
			if (rc->nodes[k].c == NULL &&
			    strcmp(rc->nodes[k].addr, s) == 0) {
				rc->nodes[k].c = c;
				c = NULL;
			}
		if (c != NULL)
			redisFree(c);
		return 0;
	}
	log_warnx("redis %s: no node gave the slot map%s%s", rc->addr,
	    why[0] ? ": " : "", why);
	return -1;
}

int
rconn_nodes(struct rconn *rc)
{
	if (rc->stale && rc->nq == 0)
		(void)rc_refresh(rc);
	return rc->nnodes;
}

const char *
rconn_node_addr(const struct rconn *rc, int node)
{
	return node >= 0 && node < rc->nnodes ? rc->nodes[node].addr : "?";
}

int
rconn_is_cluster(const struct rconn *rc)
{
	return rc->cluster;
}

int
rconn_slot_node(struct rconn *rc, unsigned slot)
{
	if (rc->stale && rc->nq == 0)
		(void)rc_refresh(rc);
	slot &= REDIS_SLOTS - 1;
	return rc->owner[slot] == RC_NONE ? -1 : rc->owner[slot];
}

struct rconn *
rconn_open(const char *addr, int timeout_ms)
{
	struct rconn	*rc;
	char		 err[512];

	if (redis_addr_check(addr, err, sizeof(err)) == -1) {
		log_warnx("redis address %s", err);
		return NULL;
	}
	if ((rc = calloc(1, sizeof(*rc))) == NULL ||
	    (rc->addr = strdup(addr)) == NULL) {
		log_warn("%s", __func__);
		free(rc);
		return NULL;
	}
	rc->timeout_ms = timeout_ms;
	memset(rc->owner, RC_NONE, sizeof(rc->owner));
	if (strncmp(addr, "cluster:", 8) != 0) {
		/* One server: the one node of every slot. */
		snprintf(rc->nodes[0].addr, RC_ADDRLEN, "%s", addr);
		rc->nnodes = 1;
		memset(rc->owner, 0, sizeof(rc->owner));
		if (rc_node_ctx(rc, 0) == NULL) {
			rconn_close(rc);
			return NULL;
		}
		return rc;
	}
	rc->cluster = 1;
	if ((rc->seeds = strdup(addr + 8)) == NULL) {
		log_warn("%s", __func__);
		rconn_close(rc);
		return NULL;
	}
	if (rc_refresh(rc) == -1) {
		rconn_close(rc);
		return NULL;
	}
	return rc;
}

static void
rc_queue_clear(struct rconn *rc)
{
	size_t	 i;

	for (i = 0; i < rc->nq; i++)
		redisFreeCommand(rc->q[i].cmd);
	rc->nq = 0;
}

void
rconn_close(struct rconn *rc)
{
	int	 i;

	if (rc == NULL)
		return;
	rc_queue_clear(rc);
	for (i = 0; i < rc->nnodes; i++)
		if (rc->nodes[i].c != NULL)
			redisFree(rc->nodes[i].c);
	free(rc->q);
	free(rc->seeds);
	free(rc->addr);
	free(rc);
}

/*
 * A redirection in an error reply: 'M' (MOVED slot addr), 'A' (ASK slot
 * addr), 'T' (TRYAGAIN, CLUSTERDOWN: wait and retry) or 0 (none).
 */
static int
rc_redirect(const redisReply *r, const char *from, char *to, size_t tolen)
{
	const char	*sp;
	char		 host[256], err[64];
	int		 port;

	if (r == NULL || r->type != REDIS_REPLY_ERROR)
		return 0;
	if (strncmp(r->str, "TRYAGAIN", 8) == 0 ||
	    strncmp(r->str, "CLUSTERDOWN", 11) == 0)
		return 'T';
	if (strncmp(r->str, "MOVED ", 6) != 0 &&
	    strncmp(r->str, "ASK ", 4) != 0)
		return 0;
	sp = strchr(r->str, ' ');
	if ((sp = strchr(sp + 1, ' ')) == NULL || sp[1] == '\0' ||
	    redis_addr_split(sp + 1, host, sizeof(host), &port, err,
	    sizeof(err)) == -1)
		return 0;
	rc_node_name(to, tolen, host, port, from);
	return r->str[0];
}

static redisReply *
rc_get(struct rconn *rc, int node)
{
	redisReply	*r = NULL;
	redisContext	*c = rc->nodes[node].c;

	if (c == NULL)
		return NULL;
	if (redisGetReply(c, (void **)&r) != REDIS_OK || r == NULL) {
		log_warnx("redis %s: %s", rc->nodes[node].addr,
		    c->errstr[0] ? c->errstr : "no reply");
		rc_node_drop(rc, node);
		return NULL;
	}
	return r;
}

/* Sends one formatted command to node, as it is. */
static redisReply *
rc_send_node(struct rconn *rc, int node, const char *cmd, size_t len)
{
	redisContext	*c;

	if ((c = rc_node_ctx(rc, node)) == NULL)
		return NULL;
	if (redisAppendFormattedCommand(c, cmd, len) != REDIS_OK) {
		log_warnx("redis %s: %s", rc->nodes[node].addr, c->errstr);
		rc_node_drop(rc, node);
		return NULL;
	}
	return rc_get(rc, node);
}

/* Is the queued command a WAIT? */
static int
rc_is_wait(const struct rqueued *q)
{
	static const char	 wait[] = "*3\r\n$4\r\nWAIT\r\n";

	return q->len > sizeof(wait) - 1 &&
	    strncasecmp(q->cmd, wait, sizeof(wait) - 1) == 0;
}

/* Sends one formatted command to its slot's owner, following
 * redirections; *ran (when not NULL) is the node that answered. */
static redisReply *
rc_send(struct rconn *rc, unsigned slot, const char *cmd, size_t len,
    int *ran)
{
	struct timespec	 nap = { 0, 0 };
	redisReply	*r;
	redisContext	*c;
	char		 to[RC_ADDRLEN];
	int		 node, asking = 0, tries, kind;

	slot &= REDIS_SLOTS - 1;
	if (rc->stale && rc->nq == 0)
		(void)rc_refresh(rc);
	node = rc->owner[slot] == RC_NONE ? -1 : rc->owner[slot];
	for (tries = 0; tries < RC_REDIRECTS; tries++) {
		if (node == -1) {
			log_warnx("redis %s: no master serves slot %u",
			    rc->addr, slot);
			rc->stale = rc->cluster;
			return NULL;
		}
		if ((c = rc_node_ctx(rc, node)) == NULL)
			return NULL;
		if ((asking && redisAppendCommand(c, "ASKING") != REDIS_OK) ||
		    redisAppendFormattedCommand(c, cmd, len) != REDIS_OK) {
			log_warnx("redis %s: %s", rc->nodes[node].addr,
			    c->errstr);
			rc_node_drop(rc, node);
			return NULL;
		}
		if (asking) {
			if ((r = rc_get(rc, node)) == NULL)
				return NULL;
			freeReplyObject(r);
		}
		if ((r = rc_get(rc, node)) == NULL)
			return NULL;
		kind = rc->cluster ? rc_redirect(r, rc->nodes[node].addr, to,
		    sizeof(to)) : 0;
		if (kind == 0) {
			if (ran != NULL)
				*ran = node;
			return r;
		}
		freeReplyObject(r);
		asking = kind == 'A';
		if (kind == 'T') {
			/* A failover or a migration under way: wait, and
			 * ask again where the slot is. */
			nap.tv_nsec = 50L * 1000 * 1000 * (tries < 9 ? tries + 1 : 10);
			nanosleep(&nap, NULL);
			rc->stale = 1;
			if (rc->nq == 0)
				(void)rc_refresh(rc);
			node = rc->owner[slot] == RC_NONE ? -1 :
			    rc->owner[slot];
			continue;
		}
		/* MOVED: the slot's owner from now on, and the rest of the
		 * map read again before the next command; ASK: this once. */
		if ((node = rc_node_find(rc, to)) != -1 && kind == 'M') {
			rc->owner[slot] = (unsigned char)node;
			rc->stale = 1;
		}
	}
	log_warnx("redis %s: slot %u: more than %d redirections", rc->addr,
	    slot, RC_REDIRECTS);
	return NULL;
}

redisReply *
rconn_argv(struct rconn *rc, unsigned slot, int argc, const char **argv,
    const size_t *argvlen)
{
	redisReply	*r;
	char		*cmd;
	long long	 len;

	if ((len = redisFormatCommandArgv(&cmd, argc, argv, argvlen)) < 0) {
		log_warnx("redis %s: cannot format a command", rc->addr);
		return NULL;
	}
	r = rc_send(rc, slot, cmd, (size_t)len, NULL);
	redisFreeCommand(cmd);
	return r;
}

redisReply *
rconn_cmd(struct rconn *rc, const char *key, const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*r;
	char		*cmd;
	int		 len;

	va_start(ap, fmt);
	len = redisvFormatCommand(&cmd, fmt, ap);
	va_end(ap);
	if (len < 0) {
		log_warnx("redis %s: cannot format a command", rc->addr);
		return NULL;
	}
	r = rc_send(rc, redis_slot(key, strlen(key)), cmd, (size_t)len, NULL);
	redisFreeCommand(cmd);
	return r;
}

redisReply *
rconn_node_argv(struct rconn *rc, int node, int argc, const char **argv,
    const size_t *argvlen)
{
	redisContext	*c;
	redisReply	*r;

	if (node < 0 || node >= rc->nnodes ||
	    (c = rc_node_ctx(rc, node)) == NULL)
		return NULL;
	if ((r = redisCommandArgv(c, argc, argv, argvlen)) == NULL) {
		log_warnx("redis %s: %s", rc->nodes[node].addr,
		    c->errstr[0] ? c->errstr : "no reply");
		rc_node_drop(rc, node);
	}
	return r;
}

static int	rc_queue(struct rconn *, unsigned, char *, size_t);

int
rconn_append(struct rconn *rc, unsigned slot, int argc, const char **argv,
    const size_t *argvlen)
{
	char		*cmd;
	long long	 len;

	if ((len = redisFormatCommandArgv(&cmd, argc, argv, argvlen)) < 0) {
		log_warnx("redis %s: cannot format a command", rc->addr);
		return -1;
	}
	if (rc_queue(rc, slot, cmd, (size_t)len) == -1) {
		redisFreeCommand(cmd);
		return -1;
	}
	return 0;
}

/* Queues a formatted command (taken) for its slot's owner. */
static int
rc_queue(struct rconn *rc, unsigned slot, char *cmd, size_t len)
{
	struct rqueued	*q;
	redisContext	*c;
	size_t		 ncap;

	slot &= REDIS_SLOTS - 1;
	if (rc->stale && rc->nq == 0)
		(void)rc_refresh(rc);
	if (rc->nq == rc->qcap) {
		ncap = rc->qcap ? rc->qcap * 2 : 64;
		if ((q = reallocarray(rc->q, ncap, sizeof(*q))) == NULL) {
			log_warn("%s", __func__);
			return -1;
		}
		rc->q = q;
		rc->qcap = ncap;
	}
	q = &rc->q[rc->nq];
	q->cmd = cmd;
	q->len = len;
	q->slot = slot;
	q->node = rc->owner[slot] == RC_NONE ? -1 : rc->owner[slot];
	rc->nq++;
	if (q->node != -1 && ((c = rc_node_ctx(rc, q->node)) == NULL ||
	    redisAppendFormattedCommand(c, q->cmd, q->len) != REDIS_OK)) {
		if (c != NULL)
			rc_node_drop(rc, q->node);
		q->node = -1;
	}
	return 0;
}

int
rconn_appendf(struct rconn *rc, const char *fmt, ...)
{
	va_list		 ap;
	int		 ret;

	va_start(ap, fmt);
	ret = rconn_appendv(rc, fmt, ap);
	va_end(ap);
	return ret;
}

int
rconn_appendv(struct rconn *rc, const char *fmt, va_list ap)
{
	const char	*argv[2];
	size_t		 argl[2];
	char		*cmd, *p, *end;
	long		 n;
	int		 len, ret;

	len = redisvFormatCommand(&cmd, fmt, ap);
	if (len < 0) {
		log_warnx("redis %s: cannot format a command", rc->addr);
		return -1;
	}
	/* The key: the second bulk string of "*N\r\n$n\r\nCMD\r\n$n\r\n...". */
	argv[1] = "";
	argl[1] = 0;
	end = cmd + len;
	p = memchr(cmd, '\n', (size_t)len);
	if (p != NULL && p + 1 < end && p[1] == '$') {
		n = strtol(p + 2, &p, 10);
		p += 2 + n + 2;		/* "\r\n" CMD "\r\n" */
		if (p < end && *p == '$') {
			n = strtol(p + 1, &p, 10);
			if (p + 2 + n <= end) {
				argv[1] = p + 2;
				argl[1] = (size_t)n;
			}
		}
	}
	ret = rc_queue(rc, redis_slot(argv[1], argl[1]), cmd, (size_t)len);
	if (ret == -1)
		redisFreeCommand(cmd);
	return ret;
}

size_t
rconn_queued(const struct rconn *rc)
{
	return rc->nq;
}

int
rconn_replies(struct rconn *rc, redisReply **out)
{
	char		 to[RC_ADDRLEN];
	size_t		 i, n = rc->nq;
	int		 k, done, ret = 0, ran = -1;
	unsigned char	*again;

	if (n == 0)
		return 0;
	if ((again = calloc(n, 1)) == NULL) {
		log_warn("%s", __func__);
		for (i = 0; i < n; i++)
			out[i] = NULL;
		rc_queue_clear(rc);
		for (k = 0; k < rc->nnodes; k++)
			rc_node_drop(rc, k);
		return -1;
	}
	/* Every node gets its commands before any reply is read, so that
	 * the masters work at once. */
	for (k = 0; k < rc->nnodes; k++) {
		redisContext *c = rc->nodes[k].c;

		done = 0;
		while (c != NULL && !c->err && !done)
			if (redisBufferWrite(c, &done) != REDIS_OK)
				break;
	}
	for (i = 0; i < n; i++) {
		out[i] = rc->q[i].node == -1 ? NULL : rc_get(rc, rc->q[i].node);
		if (out[i] == NULL) {
			ret = -1;
			continue;
		}
		if (rc->cluster && rc_redirect(out[i],
		    rc->nodes[rc->q[i].node].addr, to, sizeof(to)) != 0) {
			freeReplyObject(out[i]);
			out[i] = NULL;
			again[i] = 1;
		}
	}
	/*
	 * The queue is done; what was redirected goes again, one by one. A
	 * WAIT queued right after a command for the same slot counted the
	 * replicas of the node that refused it: it goes again too, after
	 * it, to the node where it ran.
	 */
	n = rc->nq;
	rc->nq = 0;
	for (i = 0; i < n; i++) {
		if (again[i]) {
			if ((out[i] = rc_send(rc, rc->q[i].slot, rc->q[i].cmd,
			    rc->q[i].len, &ran)) == NULL)
				ret = -1;
			else if (i + 1 < n && !again[i + 1] &&
			    rc->q[i + 1].node != -1 &&
			    rc->q[i + 1].slot == rc->q[i].slot &&
			    rc_is_wait(&rc->q[i + 1])) {
				if (out[i + 1] != NULL)
					freeReplyObject(out[i + 1]);
				if ((out[i + 1] = rc_send_node(rc, ran,
				    rc->q[i + 1].cmd, rc->q[i + 1].len)) ==
				    NULL)
					ret = -1;
			}
		}
		redisFreeCommand(rc->q[i].cmd);
	}
	free(again);
	return ret;
}

int
parts_of(const char *s, size_t len, int nparts)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	if (nparts <= 1)
		return 0;
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return (int)(h % (uint32_t)nparts);
}

int
parts_tagged(int nparts, int cluster)
{
	return nparts > 1 || cluster;
}

/*
 * Partition k of nparts is tagged "p<k>.<n>", n the smallest that puts
 * the tag's slot in the k-th of nparts equal runs of the 16384 slots.
 * Masters given equal runs of slots (redis-cli --cluster create, or
 * rebalance) then hold the partitions evenly: 16 over 3 masters 6, 5
 * and 5, where "p<k>" alone would give 4, 5 and 7. Found once for each
 * (nparts, k), kept as n + 1.
 */
static _Atomic unsigned short	 tag_n[PARTS_MAX + 1][PARTS_MAX];

unsigned
parts_tag(int nparts, int k)
{
	char		 tag[32];
	unsigned	 n, lo, hi, slot;
	int		 len;

	if (nparts < 1 || nparts > PARTS_MAX || k < 0 || k >= nparts)
		fatalx("%s: partition %d of %d", __func__, k, nparts);
	if ((n = atomic_load_explicit(&tag_n[nparts][k],
	    memory_order_relaxed)) != 0)
		return n - 1;
	lo = (unsigned)k * REDIS_SLOTS / (unsigned)nparts;
	hi = (unsigned)(k + 1) * REDIS_SLOTS / (unsigned)nparts;
	for (n = 0; n < 65535; n++) {
		len = snprintf(tag, sizeof(tag), "p%d.%u", k, n);
		slot = crc16(tag, (size_t)len) & (REDIS_SLOTS - 1);
		if (slot >= lo && slot < hi)
			break;
	}
	if (n == 65535)	/* never so: a run is 64 slots at least */
		fatalx("%s: no tag for partition %d of %d", __func__, k,
		    nparts);
	atomic_store_explicit(&tag_n[nparts][k], (unsigned short)(n + 1),
	    memory_order_relaxed);
	return n;
}

char *
parts_prefix(char *buf, size_t len, const char *prefix, int nparts,
    int cluster, int k)
{
	if (parts_tagged(nparts, cluster))
		return redis_key(buf, len, prefix, "{p%d.%u}:", k,
		    parts_tag(nparts, k));
	return redis_key(buf, len, prefix, "%s", "");
}

int
parts_read(struct rconn *rc, const char *prefix)
{
	redisReply	*r;
	char		 key[512];
	long long	 n;
	char		*end;
	int		 ret = -1;

	redis_key(key, sizeof(key), prefix, "config");
	if ((r = rconn_cmd(rc, key, "HGET %s %s", key, PARTS_FIELD)) == NULL)
		return -1;
	if (r->type == REDIS_REPLY_NIL)
		ret = 0;
	else if (r->type == REDIS_REPLY_STRING) {
		errno = 0;
		n = strtoll(r->str, &end, 10);
		if (errno == 0 && end != r->str && *end == '\0' && n >= 1 &&
		    n <= PARTS_MAX)
			ret = (int)n;
		else
			log_warnx("redis: %s %s: not a number of partitions "
			    "(1 to %d): %.40s", key, PARTS_FIELD, PARTS_MAX,
			    r->str);
	} else
		log_warnx("redis: HGET %s %s: %s", key, PARTS_FIELD,
		    r->type == REDIS_REPLY_ERROR ? r->str : "not a string");
	freeReplyObject(r);
	return ret;
}

redisContext *
rconn_single(struct rconn *rc)
{
	if (rc->cluster)
		return NULL;
	return rc_node_ctx(rc, 0);
}

int
rconn_timeout(struct rconn *rc, int ms)
{
	struct timeval	 tv;
	int		 k, ret = 0;

	rc->timeout_ms = ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	for (k = 0; k < rc->nnodes; k++)
		if (rc->nodes[k].c != NULL && !rc->nodes[k].c->err &&
		    redisSetTimeout(rc->nodes[k].c, tv) != REDIS_OK)
			ret = -1;
	return ret;
}

redisContext *
rconn_node_context(struct rconn *rc, int node)
{
	if (node < 0 || node >= rc->nnodes)
		return NULL;
	return rc_node_ctx(rc, node);
}

int
rconn_slot_replicas(struct rconn *rc, unsigned slot)
{
	int	 k = rconn_slot_node(rc, slot);

	return k < 0 ? 0 : rc->nodes[k].replicas;
}

void
rconn_replies_free(redisReply **out, size_t n)
{
	size_t	 i;

	if (out == NULL)
		return;
	for (i = 0; i < n; i++)
		if (out[i] != NULL)
			freeReplyObject(out[i]);
	free(out);
}

redisReply *
rconn_node_scan(struct rconn *rc, int node, const char *cursor,
    const char *pattern, int count)
{
	const char	*argv[6];
	char		 n[16];

	snprintf(n, sizeof(n), "%d", count);
	argv[0] = "SCAN";
	argv[1] = cursor;
	argv[2] = "MATCH";
	argv[3] = pattern;
	argv[4] = "COUNT";
	argv[5] = n;
	return rconn_node_argv(rc, node, 6, argv, NULL);
}
