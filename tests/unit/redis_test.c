/*
 * tests/unit/redis_test.c - the slot router (core/redis.c): key slots as
 * Redis Cluster computes them, addresses, and commands and pipelines on
 * a single server (a cluster of one slot owner).
 *
 * `redis_test cluster` runs the cluster group instead, against the real
 * Redis Cluster that tests/integration/cluster.sh starts (VIGIE_CLUSTER,
 * the cluster: address): routing checked against the nodes' own
 * CLUSTER KEYSLOT, keys spread over every master, pipelines over every
 * node in order, MOVED after a slot migrates, ASK during a migration,
 * and a replica promoted by CLUSTER FAILOVER. `redis_test cluster-write`
 * and `cluster-read` bracket a master the script kills.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "redis.h"
#include "redis_srv.h"

static void
test_slots(void **state)
{
	(void)state;
	/* The examples of the Redis Cluster specification. */
	assert_int_equal(redis_slot("123456789", 9), 0x31c3 & 16383);
	assert_int_equal(redis_slot("foo", 3), 12182);
	assert_int_equal(redis_slot("{user1000}.following", 20),
	    redis_slot("{user1000}.followers", 20));
	assert_int_equal(redis_slot("{user1000}.following", 20),
	    redis_slot("user1000", 8));
	/* An empty tag: the whole key. */
	assert_int_equal(redis_slot("foo{}{bar}", 10),
	    redis_slot("foo{}{bar}", 10) /* stable */);
	assert_int_not_equal(redis_slot("foo{}{bar}", 10),
	    redis_slot("bar", 3));
	/* The first { and the first } after it. */
	assert_int_equal(redis_slot("foo{{bar}}zap", 13),
	    redis_slot("{bar", 4));
	assert_int_equal(redis_slot("foo{bar}{zap}", 13),
	    redis_slot("bar", 3));
	/* No closing brace: the whole key. */
	assert_int_equal(redis_slot("foo{bar", 7),
	    redis_slot("foo{bar", 7) & 16383);
	assert_int_equal(redis_slot("", 0), 0);
	/* The sensor streams: the sensor's tag. */
	assert_int_equal(redis_slot("vigie:ev:{web-1}", 16),
	    redis_slot("web-1", 5));
}

static void
test_addresses(void **state)
{
	char	 err[256];

	(void)state;
	assert_int_equal(redis_addr_check("127.0.0.1:6379", err,
	    sizeof(err)), 0);
	assert_int_equal(redis_addr_check("unix:/run/r.sock", err,
	    sizeof(err)), 0);
	assert_int_equal(redis_addr_check("cluster:10.0.0.1:7000", err,
	    sizeof(err)), 0);
	assert_int_equal(redis_addr_check(
	    "cluster:10.0.0.1:7000,[::1]:7001,redis-b:7002", err,
	    sizeof(err)), 0);
	assert_int_equal(redis_addr_check("cluster:", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty seed"));
	assert_int_equal(redis_addr_check("cluster:a:1,,b:2", err,
	    sizeof(err)), -1);
	assert_int_equal(redis_addr_check("cluster:a:70000", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "bad port"));
	assert_int_equal(redis_addr_check("cluster:unix:/x", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "TCP"));
	/* A plain connection to a cluster is refused, logged. */
	assert_null(redis_open("cluster:127.0.0.1:7000", 100));
}

/* A pipeline of INCRBYs on keys of many slots: the replies in order. */
static void
pipeline_in_order(struct rconn *rc, const char *tag, int n, int nkeys)
{
	redisReply	**out;
	long long	 *sum;
	char		  key[32], by[16];
	const char	 *argv[3];
	size_t		  lens[3];
	int		  i, k;

	assert_non_null(out = calloc((size_t)n, sizeof(*out)));
	assert_non_null(sum = calloc((size_t)nkeys, sizeof(*sum)));
	for (i = 0; i < n; i++) {
		k = (i * 7) % nkeys;
		snprintf(key, sizeof(key), "pipe:%s:%d", tag, k);
		snprintf(by, sizeof(by), "%d", i + 1);
		argv[0] = "INCRBY";
		argv[1] = key;
		argv[2] = by;
		for (int j = 0; j < 3; j++)
			lens[j] = strlen(argv[j]);
		assert_int_equal(rconn_append(rc, redis_slot(key, strlen(key)),
		    3, argv, lens), 0);
	}
	assert_int_equal(rconn_queued(rc), (size_t)n);
	assert_int_equal(rconn_replies(rc, out), 0);
	assert_int_equal(rconn_queued(rc), 0);
	for (i = 0; i < n; i++) {
		k = (i * 7) % nkeys;
		sum[k] += i + 1;
		assert_non_null(out[i]);
		assert_int_equal(out[i]->type, REDIS_REPLY_INTEGER);
		assert_int_equal(out[i]->integer, sum[k]);
		freeReplyObject(out[i]);
	}
	free(out);
	free(sum);
}

/*
 * Partitions: FNV-1a of the bytes modulo their number (a value fixed
 * forever: the state's keys depend on it), spread over every partition,
 * and the state prefix, untagged only for one partition on one server.
 */
static void
test_partitions(void **state)
{
	char		 buf[64], ip[32];
	int		 seen[16] = { 0 }, k, i;

	(void)state;
	/* FNV-1a 32 of "a" is 0xe40c292c, of "" the offset basis. */
	assert_int_equal(parts_of("a", 1, 1000), 0xe40c292cu % 1000);
	assert_int_equal(parts_of("", 0, 7), 2166136261u % 7);
	assert_int_equal(parts_of("anything", 8, 1), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "198.51.%d.%d", i / 250, i % 250);
		k = parts_of(ip, strlen(ip), 16);
		assert_true(k >= 0 && k < 16);
		seen[k]++;
	}
	for (k = 0; k < 16; k++)
		assert_true(seen[k] > 1000 / 16 / 2);
	assert_string_equal(parts_prefix(buf, sizeof(buf), "vigie:", 1, 0, 0),
	    "vigie:");
	assert_string_equal(parts_prefix(buf, sizeof(buf), "vigie:", 1, 1, 0),
	    "vigie:{p0.0}:");
	assert_string_equal(parts_prefix(buf, sizeof(buf), "v:", 16, 0, 15),
	    "v:{p15.11}:");
	/* Each partition's keys in one slot, whatever follows the tag. */
	assert_int_equal(redis_slot("vigie:{p3.1}:day:x:totals", 25),
	    redis_slot("vigie:{p3.1}:inc:35", 19));
}

/* Partition k's tag: the smallest n that puts it in the k-th of P equal
 * runs of slots, so that masters of equal runs hold partitions evenly. */
static void
test_partition_tags(void **state)
{
	static const int	 ps[] = { 1, 2, 3, 16, 100, 256 };
	char			 tag[32];
	unsigned		 n, m, slot;
	int			 i, k, len, per[3] = { 0, 0, 0 };

	(void)state;
	for (i = 0; i < (int)(sizeof(ps) / sizeof(ps[0])); i++)
		for (k = 0; k < ps[i]; k++) {
			n = parts_tag(ps[i], k);
			assert_int_equal(parts_tag(ps[i], k), n);	/* kept */
			for (m = 0; m <= n; m++) {
				len = snprintf(tag, sizeof(tag), "{p%d.%u}", k,
				    m);
				slot = redis_slot(tag, (size_t)len);
				assert_int_equal(slot >= (unsigned)k * 16384 /
				    (unsigned)ps[i] && slot < (unsigned)(k + 1) *
				    16384 / (unsigned)ps[i], m == n);
			}
		}
	/* 16 partitions over the three runs redis-cli gives 3 masters:
	 * 0-5460, 5461-10922, 10923-16383. */
	for (k = 0; k < 16; k++) {
		len = snprintf(tag, sizeof(tag), "{p%d.%u}", k,
		    parts_tag(16, k));
		slot = redis_slot(tag, (size_t)len);
		per[slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2]++;
	}
	assert_int_equal(per[0], 5);
	assert_int_equal(per[1], 5);
	assert_int_equal(per[2], 6);
}

static void
test_single_server(void **state)
{
	struct rconn	*rc;
	redisReply	*r;
	const char	*argv[] = { "DBSIZE" };

	assert_non_null(rc = rconn_open(srv_addr(state), 2000));
	assert_false(rconn_is_cluster(rc));
	assert_int_equal(rconn_nodes(rc), 1);
	assert_int_equal(rconn_slot_node(rc, 0), 0);
	assert_int_equal(rconn_slot_node(rc, 16383), 0);
	assert_non_null(r = rconn_cmd(rc, "a{x}", "SET %s %s", "a{x}", "1"));
	assert_int_equal(r->type, REDIS_REPLY_STATUS);
	freeReplyObject(r);
	assert_non_null(r = rconn_cmd(rc, "a{x}", "GET %s", "a{x}"));
	assert_string_equal(r->str, "1");
	freeReplyObject(r);
	/* An error reply comes back as it is. */
	assert_non_null(r = rconn_cmd(rc, "a{x}", "LPUSH %s %s", "a{x}", "v"));
	assert_int_equal(r->type, REDIS_REPLY_ERROR);
	assert_non_null(strstr(r->str, "WRONGTYPE"));
	freeReplyObject(r);
	pipeline_in_order(rc, "one", 2000, 37);
	assert_non_null(r = rconn_node_argv(rc, 0, 1, argv, NULL));
	assert_int_equal(r->type, REDIS_REPLY_INTEGER);
	assert_int_equal(r->integer, 1 + 37);
	freeReplyObject(r);
	/* A cluster whose seeds do not answer: NULL, logged. */
	assert_null(rconn_open("cluster:127.0.0.1:1", 500));
	rconn_close(rc);
	srv_cmd0(srv(state), "FLUSHALL");
}

/* The cluster group. */

struct node {
	char	 addr[64];
	char	 id[48];
	int	 master;
	redisContext *c;
};

static struct node	 nodes[16];
static int		 nnodes;

/* A command on one node (nodes[i]) directly; an error fails the test. */
static redisReply *
vncmd(int i, const char *fmt, va_list ap)
{
	redisReply	*r;

	r = redisvCommand(nodes[i].c, fmt, ap);
	assert_non_null(r);
	if (r->type == REDIS_REPLY_ERROR)
		fail_msg("%s %s: %s", nodes[i].addr, fmt, r->str);
	return r;
}

static redisReply *
ncmd(int i, const char *fmt, ...)
{
	va_list		 ap;
	redisReply	*r;

	va_start(ap, fmt);
	r = vncmd(i, fmt, ap);
	va_end(ap);
	return r;
}

static void
ncmd0(int i, const char *fmt, ...)
{
	va_list		 ap;

	va_start(ap, fmt);
	freeReplyObject(vncmd(i, fmt, ap));
	va_end(ap);
}

/* Every node of the cluster, connected, with its id and role. */
static void
nodes_read(void)
{
	const char	*seeds = getenv("VIGIE_CLUSTER");
	char		 list[1024], *s, *save = NULL;
	redisReply	*r;
	int		 i;

	for (i = 0; i < nnodes; i++)
		redisFree(nodes[i].c);
	nnodes = 0;
	assert_non_null(seeds);
	snprintf(list, sizeof(list), "%s", seeds + strlen("cluster:"));
	for (s = strtok_r(list, ",", &save); s != NULL && nnodes < 16;
	    s = strtok_r(NULL, ",", &save)) {
		struct node *n = &nodes[nnodes];
		int port = atoi(strchr(s, ':') + 1);

		n->c = redisConnect("127.0.0.1", port);
		if (n->c == NULL || n->c->err) {	/* killed by the script */
			redisFree(n->c);
			continue;
		}
		snprintf(n->addr, sizeof(n->addr), "%s", s);
		nnodes++;
		r = ncmd(nnodes - 1, "CLUSTER MYID");
		snprintf(n->id, sizeof(n->id), "%s", r->str);
		freeReplyObject(r);
		r = ncmd(nnodes - 1, "ROLE");
		n->master = strcmp(r->element[0]->str, "master") == 0;
		freeReplyObject(r);
	}
}

static int
node_by_addr(const char *addr)
{
	for (int i = 0; i < nnodes; i++)
		if (strcmp(nodes[i].addr, addr) == 0)
			return i;
	fail_msg("%s: not a node of the cluster", addr);
	return -1;
}

static int
masters(void)
{
	int	 n = 0;

	for (int i = 0; i < nnodes; i++)
		n += nodes[i].master;
	return n;
}

static int
cl_open(void **state, int flush)
{
	struct rconn	*rc;

	nodes_read();
	for (int i = 0; i < nnodes && flush; i++)
		if (nodes[i].master)
			ncmd0(i, "FLUSHALL");
	if ((rc = rconn_open(getenv("VIGIE_CLUSTER"), 5000)) == NULL)
		return -1;
	*state = rc;
	return 0;
}

static int
cl_setup(void **state)
{
	return cl_open(state, 1);
}

static int
cl_setup_keep(void **state)
{
	return cl_open(state, 0);
}

static int
cl_teardown(void **state)
{
	rconn_close(*state);
	for (int i = 0; i < nnodes; i++)
		redisFree(nodes[i].c);
	nnodes = 0;
	return 0;
}

static void
test_cluster_routing(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r, **out;
	const char	*argv[3];
	size_t		 lens[3];
	char		 key[64], val[32];
	long long	 total = 0;
	int		 i, n = 3000, node;

	assert_true(rconn_is_cluster(rc));
	assert_int_equal(rconn_nodes(rc), masters());
	for (i = 0; i < REDIS_SLOTS; i++)
		assert_true(rconn_slot_node(rc, (unsigned)i) >= 0);
	/* The slot of a key as the cluster computes it, tags included. */
	for (i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), i % 3 ? "vigie:day:%d:{s%d}" :
		    "k{%d}x:%d", i, i * 31);
		r = ncmd(0, "CLUSTER KEYSLOT %s", key);
		assert_int_equal(r->integer, redis_slot(key, strlen(key)));
		freeReplyObject(r);
	}
	/* n keys set through one pipeline over every master. */
	assert_non_null(out = calloc((size_t)n, sizeof(*out)));
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k:%d", i);
		snprintf(val, sizeof(val), "v%d", i);
		argv[0] = "SET";
		argv[1] = key;
		argv[2] = val;
		lens[0] = 3;
		lens[1] = strlen(key);
		lens[2] = strlen(val);
		assert_int_equal(rconn_append(rc, redis_slot(key, lens[1]), 3,
		    argv, lens), 0);
	}
	assert_int_equal(rconn_replies(rc, out), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(out[i]->type, REDIS_REPLY_STATUS);
		freeReplyObject(out[i]);
	}
	free(out);
	/* Each key is where the router put it, and every master has some. */
	for (i = 0; i < rconn_nodes(rc); i++) {
		argv[0] = "DBSIZE";
		assert_non_null(r = rconn_node_argv(rc, i, 1, argv, NULL));
		assert_true(r->integer > n / (2 * rconn_nodes(rc)));
		total += r->integer;
		freeReplyObject(r);
	}
	assert_int_equal(total, n);
	for (i = 0; i < n; i += 97) {
		snprintf(key, sizeof(key), "k:%d", i);
		node = node_by_addr(rconn_node_addr(rc,
		    rconn_slot_node(rc, redis_slot(key, strlen(key)))));
		r = ncmd(node, "GET %s", key);
		snprintf(val, sizeof(val), "v%d", i);
		assert_string_equal(r->str, val);
		freeReplyObject(r);
	}
	pipeline_in_order(rc, "spread", 5000, 211);
}

/* The node of the cluster (nodes[]) serving slot s, and another master. */
static void
owner_and_other(struct rconn *rc, unsigned s, int *from, int *to)
{
	*from = node_by_addr(rconn_node_addr(rc, rconn_slot_node(rc, s)));
	for (*to = 0; *to < nnodes; (*to)++)
		if (nodes[*to].master && *to != *from)
			return;
	fail_msg("no second master");
}

static void
migrate_key(int from, int to, const char *key)
{
	const char	*port = strchr(nodes[to].addr, ':') + 1;

	ncmd0(from, "MIGRATE 127.0.0.1 %s %s 0 5000", port, key);
}

/* Every key of slot s from one master to the other, then the slot. */
static void
slot_to(unsigned s, int from, int to)
{
	redisReply	*r;

	for (;;) {
		r = ncmd(from, "CLUSTER GETKEYSINSLOT %u 100", s);
		if (r->elements == 0) {
			freeReplyObject(r);
			break;
		}
		for (size_t k = 0; k < r->elements; k++)
			migrate_key(from, to, r->element[k]->str);
		freeReplyObject(r);
	}
	for (int i = 0; i < nnodes; i++)
		if (nodes[i].master)
			ncmd0(i, "CLUSTER SETSLOT %u NODE %s", s, nodes[to].id);
}

/* Slot s moved from one master to the other, as redis-cli reshard does:
 * importing and migrating marks, its keys, then the slot. */
static void
move_slot(unsigned s, int from, int to)
{
	ncmd0(to, "CLUSTER SETSLOT %u IMPORTING %s", s, nodes[from].id);
	ncmd0(from, "CLUSTER SETSLOT %u MIGRATING %s", s, nodes[to].id);
	slot_to(s, from, to);
}

static void
test_cluster_moved(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r;
	const char	*key = "moved:{m1}";
	unsigned	 s = redis_slot(key, strlen(key));
	int		 from, to;

	assert_non_null(r = rconn_cmd(rc, key, "SET %s here", key));
	freeReplyObject(r);
	owner_and_other(rc, s, &from, &to);
	move_slot(s, from, to);
	/* The router still thinks `from`: MOVED, followed, map read again. */
	assert_non_null(r = rconn_cmd(rc, key, "GET %s", key));
	assert_int_equal(r->type, REDIS_REPLY_STRING);
	assert_string_equal(r->str, "here");
	freeReplyObject(r);
	assert_string_equal(rconn_node_addr(rc, rconn_slot_node(rc, s)),
	    nodes[to].addr);
	/* Back where it was, for the pipelines this time. */
	move_slot(s, to, from);
	pipeline_in_order(rc, "moved", 600, 13);
	assert_non_null(r = rconn_cmd(rc, key, "APPEND %s !", key));
	assert_int_equal(r->integer, 5);
	freeReplyObject(r);
	assert_string_equal(rconn_node_addr(rc, rconn_slot_node(rc, s)),
	    nodes[from].addr);
}

/* Calls of a command node i has served, from INFO commandstats. */
static long long
node_calls(int i, const char *cmd)
{
	redisReply	*r = ncmd(i, "INFO commandstats");
	char		 want[64];
	const char	*p;
	long long	 n = 0;

	snprintf(want, sizeof(want), "cmdstat_%s:calls=", cmd);
	if ((p = strstr(r->str, want)) != NULL)
		n = strtoll(p + strlen(want), NULL, 10);
	freeReplyObject(r);
	return n;
}

/* Waits (20 s at most) until master i has a replica online: WAIT counts
 * no other, and a replica may still be taking its first copy. */
static void
wait_replica_online(int i)
{
	struct timespec	 nap = { 0, 50 * 1000 * 1000 };
	redisReply	*r;
	int		 ok = 0;

	for (int t = 0; t < 400 && !ok; t++) {
		r = ncmd(i, "INFO replication");
		ok = strstr(r->str, "state=online") != NULL;
		freeReplyObject(r);
		if (!ok)
			nanosleep(&nap, NULL);
	}
	assert_true(ok);
}

/*
 * A WAIT queued right after a write that is redirected goes again after
 * it, to the node where the write ran: the replicas it counts are those
 * that have the write.
 */
static void
test_cluster_wait(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r, *out[2];
	const char	*key = "wait:{w3}";
	const char	*set[3] = { "SET", key, "v" };
	const char	*wait[3] = { "WAIT", "1", "2000" };
	unsigned	 s = redis_slot(key, strlen(key));
	long long	 waits;
	int		 from, to;

	assert_non_null(r = rconn_cmd(rc, key, "SET %s here", key));
	freeReplyObject(r);
	owner_and_other(rc, s, &from, &to);
	wait_replica_online(to);
	move_slot(s, from, to);
	/* The router still thinks `from`: the SET is moved, its WAIT too. */
	waits = node_calls(to, "wait");
	assert_int_equal(rconn_append(rc, s, 3, set, NULL), 0);
	assert_int_equal(rconn_append(rc, s, 3, wait, NULL), 0);
	assert_int_equal(rconn_replies(rc, out), 0);
	assert_int_equal(out[0]->type, REDIS_REPLY_STATUS);
	assert_int_equal(out[1]->type, REDIS_REPLY_INTEGER);
	assert_int_equal(out[1]->integer, 1);
	assert_int_equal(node_calls(to, "wait"), waits + 1);
	freeReplyObject(out[0]);
	freeReplyObject(out[1]);
	/* Where it was, for the tests after. */
	move_slot(s, to, from);
}

static void
test_cluster_ask(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r, *out[4];
	const char	*gone = "ask:{a7}:gone", *stays = "ask:{a7}:stays";
	const char	*argv[2] = { "GET", NULL };
	size_t		 lens[2];
	unsigned	 s = redis_slot(gone, strlen(gone));
	int		 from, to, i;

	freeReplyObject(rconn_cmd(rc, gone, "SET %s moved-early", gone));
	freeReplyObject(rconn_cmd(rc, stays, "SET %s not-yet", stays));
	owner_and_other(rc, s, &from, &to);
	ncmd0(to, "CLUSTER SETSLOT %u IMPORTING %s", s, nodes[from].id);
	ncmd0(from, "CLUSTER SETSLOT %u MIGRATING %s", s, nodes[to].id);
	migrate_key(from, to, gone);
	/* Mid-migration: one key answers ASK, the other is still served. */
	assert_non_null(r = rconn_cmd(rc, gone, "GET %s", gone));
	assert_string_equal(r->str, "moved-early");
	freeReplyObject(r);
	assert_non_null(r = rconn_cmd(rc, stays, "GET %s", stays));
	assert_string_equal(r->str, "not-yet");
	freeReplyObject(r);
	/* ASK changes nothing in the map. */
	assert_string_equal(rconn_node_addr(rc, rconn_slot_node(rc, s)),
	    nodes[from].addr);
	for (i = 0; i < 4; i++) {
		argv[1] = i % 2 ? stays : gone;
		lens[0] = 3;
		lens[1] = strlen(argv[1]);
		assert_int_equal(rconn_append(rc, s, 2, argv, lens), 0);
	}
	assert_int_equal(rconn_replies(rc, out), 0);
	for (i = 0; i < 4; i++) {
		assert_string_equal(out[i]->str, i % 2 ? "not-yet" :
		    "moved-early");
		freeReplyObject(out[i]);
	}
	slot_to(s, from, to);
	assert_non_null(r = rconn_cmd(rc, stays, "GET %s", stays));
	assert_string_equal(r->str, "not-yet");
	freeReplyObject(r);
	assert_string_equal(rconn_node_addr(rc, rconn_slot_node(rc, s)),
	    nodes[to].addr);
}

/* Waits until node i says it is a master (want 1) or a replica (0). */
static void
wait_role(int i, int want)
{
	struct timespec	 nap = { 0, 50 * 1000 * 1000 };
	redisReply	*r;
	int		 is = 0;

	for (int t = 0; t < 400 && !is; t++) {
		r = ncmd(i, "ROLE");
		is = (strcmp(r->element[0]->str, "master") == 0) == want;
		freeReplyObject(r);
		if (!is)
			nanosleep(&nap, NULL);
	}
	assert_true(is);
}

static void
test_cluster_failover(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r;
	const char	*key = "fo:{f3}";
	unsigned	 s = redis_slot(key, strlen(key));
	char		 was[64];
	int		 from, i;

	freeReplyObject(rconn_cmd(rc, key, "SET %s kept", key));
	from = node_by_addr(rconn_node_addr(rc, rconn_slot_node(rc, s)));
	memcpy(was, nodes[from].addr, sizeof(was));
	/* Its replica: a node whose ROLE names `from` as its master. */
	for (i = 0; i < nnodes; i++) {
		if (nodes[i].master)
			continue;
		r = ncmd(i, "ROLE");	/* slave, ip, port, state, offset */
		if (r->elements >= 3 &&
		    r->element[2]->type == REDIS_REPLY_INTEGER &&
		    atoi(strchr(nodes[from].addr, ':') + 1) ==
		    r->element[2]->integer) {
			freeReplyObject(r);
			break;
		}
		freeReplyObject(r);
	}
	assert_true(i < nnodes);
	freeReplyObject(ncmd(from, "WAIT 1 5000"));
	ncmd0(i, "CLUSTER FAILOVER");
	wait_role(i, 1);
	wait_role(from, 0);
	/* The old master answers MOVED; the router follows and learns. */
	for (int t = 0; t < 100; t++) {
		r = rconn_cmd(rc, key, "GET %s", key);
		if (r != NULL && r->type == REDIS_REPLY_STRING)
			break;
		if (r != NULL)
			freeReplyObject(r);
		r = NULL;
		usleep(100 * 1000);
	}
	assert_non_null(r);
	assert_string_equal(r->str, "kept");
	freeReplyObject(r);
	assert_string_equal(rconn_node_addr(rc, rconn_slot_node(rc, s)),
	    nodes[i].addr);
	assert_string_not_equal(nodes[i].addr, was);
	nodes_read();
	assert_int_equal(rconn_nodes(rc), masters());
}

/*
 * cluster-write: 1000 keys, each acknowledged by a replica (WAIT), for
 * the script to kill a master; cluster-read: every key read back through
 * the router once a replica took over, and the masters counted again.
 */
static void
test_cluster_write(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r;
	char		 key[32];
	const char	*argv[] = { "WAIT", "1", "5000" };

	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "kill:%d", i);
		assert_non_null(r = rconn_cmd(rc, key, "SET %s %d", key, i));
		freeReplyObject(r);
	}
	for (int i = 0; i < rconn_nodes(rc); i++) {
		assert_non_null(r = rconn_node_argv(rc, i, 3, argv, NULL));
		assert_int_equal(r->integer, 1);
		freeReplyObject(r);
	}
}

static void
test_cluster_read(void **state)
{
	struct rconn	*rc = *state;
	redisReply	*r, *out[1000];
	const char	*argv[2];
	size_t		 lens[2];
	char		 key[32], keys[1000][32];
	int		 i, t, lost = 0, missing = 0;

	/* At once, while the dead master's slots have no master yet: a
	 * pipeline over every node gives what the live ones hold, NULL for
	 * the others, and fails as a whole. */
	for (i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "kill:%d", i);
		argv[0] = "GET";
		argv[1] = keys[i];
		lens[0] = 3;
		lens[1] = strlen(keys[i]);
		assert_int_equal(rconn_append(rc, redis_slot(keys[i], lens[1]),
		    2, argv, lens), 0);
	}
	t = rconn_replies(rc, out);
	for (i = 0; i < 1000; i++) {
		if (out[i] == NULL) {
			missing++;
			continue;
		}
		if (out[i]->type == REDIS_REPLY_STRING)
			assert_int_equal(atoi(out[i]->str), i);
		freeReplyObject(out[i]);
	}
	assert_true(t == 0 ? missing == 0 : missing > 0);
	assert_true(missing < 1000);

	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "kill:%d", i);
		/* While the replica is promoted: errors, then the value. */
		for (t = 0; t < 150; t++) {
			r = rconn_cmd(rc, key, "GET %s", key);
			if (r != NULL && r->type != REDIS_REPLY_ERROR)
				break;
			if (r != NULL)
				freeReplyObject(r);
			r = NULL;
			usleep(100 * 1000);
		}
		assert_non_null(r);
		if (r->type != REDIS_REPLY_STRING || atoi(r->str) != i)
			lost++;
		freeReplyObject(r);
	}
	assert_int_equal(lost, 0);
	nodes_read();
	assert_int_equal(rconn_nodes(rc), masters());
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_partition_tags),
		cmocka_unit_test(test_single_server),
	};
	const struct CMUnitTest cluster[] = {
		cmocka_unit_test(test_cluster_routing),
		cmocka_unit_test(test_cluster_moved),
		cmocka_unit_test(test_cluster_wait),
		cmocka_unit_test(test_cluster_ask),
		cmocka_unit_test(test_cluster_failover),
	};
	const struct CMUnitTest write[] = {
		cmocka_unit_test(test_cluster_write),
	};
	const struct CMUnitTest read[] = {
		cmocka_unit_test(test_cluster_read),
	};

	log_init("redis_test", 0);
	if (argc > 1 && strcmp(argv[1], "cluster") == 0)
		return cmocka_run_group_tests(cluster, cl_setup, cl_teardown);
	if (argc > 1 && strcmp(argv[1], "cluster-write") == 0)
		return cmocka_run_group_tests(write, cl_setup, cl_teardown);
	if (argc > 1 && strcmp(argv[1], "cluster-read") == 0)
		return cmocka_run_group_tests(read, cl_setup_keep,
		    cl_teardown);
	return cmocka_run_group_tests(unit, srv_start, srv_stop);
}
