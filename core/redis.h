/*
 * core/redis.h - open a hiredis connection from an ADDR string and
 * build key names under the configured prefix.
 */
#ifndef VIGIE_REDIS_H
#define VIGIE_REDIS_H

#include <stdarg.h>
#include <stddef.h>
#include <hiredis/hiredis.h>

/*
 * ADDR is "host:port", "[v6]:port" or "unix:PATH" (a "cluster:" address
 * is refused, logged: struct rconn below reads one). Returns a connected
 * context (caller frees with redisFree()) or NULL after logging why.
 * timeout_ms bounds connect and every command (0: none).
 */
redisContext	*redis_open(const char *addr, int timeout_ms);

/* Splits "host:port" / "[v6]:port" into host and port. Returns 0 or -1. */
int		 redis_addr_split(const char *addr, char *host, size_t hlen,
		    int *port, char *err, size_t errlen);

/*
 * redis_open(), then waits while Redis loads its data set (it answers
 * LOADING), at most wait_s seconds. Returns the context or NULL (logged).
 */
redisContext	*redis_open_ready(const char *addr, int timeout_ms, int wait_s);

/* Checks ADDR's syntax only, "cluster:HOST:PORT[,...]" too. Returns 0,
 * or -1 with a reason in err. */
int		 redis_addr_check(const char *addr, char *err, size_t errlen);

/* snprintf into buf "<prefix><fmt...>"; returns buf. Truncation is fatal. */
char		*redis_key(char *buf, size_t len, const char *prefix,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Runs one command from argv; returns the reply (caller frees with
 * freeReplyObject) or NULL after logging the I/O error. A Redis error
 * reply is returned as is (type REDIS_REPLY_ERROR).
 */
redisReply	*redis_cmd(redisContext *, const char *fmt, ...);

/*
 * The slot router: one connection to Redis whatever its shape, a single
 * server ("host:port", "[v6]:port", "unix:PATH") or a Redis Cluster
 * ("cluster:HOST:PORT[,HOST:PORT...]", seed nodes). A single server is a
 * cluster whose one node owns every slot, so callers name each command's
 * slot (redis_slot() of its key) and never care which. On a cluster the
 * slot map comes from CLUSTER SLOTS; MOVED is followed and the map
 * refreshed, ASK is followed once with ASKING, TRYAGAIN and CLUSTERDOWN
 * are retried for a while; an I/O error drops that node's connection,
 * marks the map stale and returns NULL (the caller retries later, as
 * with a single server away). Not thread-safe: one per thread.
 */
#define REDIS_SLOTS	16384
struct rconn;

/* The hash slot of a key: CRC16 of the key, or of its first non-empty
 * {hash tag}, modulo 16384, as Redis Cluster computes it. */
unsigned	 redis_slot(const char *key, size_t len);

/* Opens ADDR (any of the forms above); on a cluster, reads the slot map
 * from the first seed that answers. NULL after logging why. */
struct rconn	*rconn_open(const char *addr, int timeout_ms);
void		 rconn_close(struct rconn *);
int		 rconn_is_cluster(const struct rconn *);

/* Runs one command in the slot's owner; the reply (freeReplyObject) or
 * NULL after logging. Redirections are followed; other error replies are
 * returned as they are. */
redisReply	*rconn_argv(struct rconn *, unsigned slot, int argc,
		    const char **argv, const size_t *argvlen);
/* The same, formatted (hiredis's format), in the slot of key. */
redisReply	*rconn_cmd(struct rconn *, const char *key, const char *fmt,
		    ...);

/*
 * Pipelines over every node: rconn_append() queues a command for its
 * slot's owner, rconn_replies() sends what each node has queued at once
 * and gets the replies in the order the commands were queued, one per
 * command in out[] (NULL where the node was lost: its command may or may
 * not have run). A command redirected (MOVED, ASK, TRYAGAIN) was not run
 * and is sent again, after the others. Returns 0 when every command has
 * its reply, -1 otherwise. rconn_queued() says how many are queued.
 */
int		 rconn_append(struct rconn *, unsigned slot, int argc,
		    const char **argv, const size_t *argvlen);
/* The same, formatted (hiredis's format), in the slot of the command's
 * first argument after its name (its key). */
int		 rconn_appendf(struct rconn *, const char *fmt, ...);
int		 rconn_appendv(struct rconn *, const char *fmt, va_list);
size_t		 rconn_queued(const struct rconn *);
int		 rconn_replies(struct rconn *, redisReply **out);

/* The masters as the map last said (one for a single server), to run a
 * command on each (FUNCTION LOAD, DBSIZE...), and the owner of a slot. */
int		 rconn_nodes(struct rconn *);
const char	*rconn_node_addr(const struct rconn *, int node);
redisReply	*rconn_node_argv(struct rconn *, int node, int argc,
		    const char **argv, const size_t *argvlen);
int		 rconn_slot_node(struct rconn *, unsigned slot);
/* The replicas of a slot's master as the map last said (0 for a single
 * server): what WAIT can ask for. */
int		 rconn_slot_replicas(struct rconn *, unsigned slot);

/* Frees a pipeline's replies (NULL ones skipped) and the array. */
void		 rconn_replies_free(redisReply **out, size_t n);
/* SCAN cursor MATCH pattern COUNT count on one node: a cluster's keys are
 * those of every master's SCAN. The reply, or NULL (logged). */
redisReply	*rconn_node_scan(struct rconn *, int node, const char *cursor,
		    const char *pattern, int count);
/* Node k's context, connected again when it was lost; NULL if it cannot
 * be (logged). For what a node runs alone (FUNCTION LOAD). */
redisContext	*rconn_node_context(struct rconn *, int node);
/* A single server's context (connected again when it was lost), to
 * pipeline on it by hand; NULL on a cluster or when it cannot connect. */
redisContext	*rconn_single(struct rconn *);
/* Bounds each wait from now on, on every node (connections to come
 * too). 0, or -1 when a context refused it. */
int		 rconn_timeout(struct rconn *, int ms);


/*
 * Partitions (DESIGN.md, "Partitions"): the correlator's state is cut in
 * `partitions` parts, a number fixed at set-up and recorded in
 * <prefix>config. Partition k's keys start with its state prefix:
 * "<prefix>{p<k>.<n>}:" (one hash tag, so one slot: every atomic step of
 * the commit touches one; n from parts_tag()), or "<prefix>" itself when
 * the state is not cut (one partition on a single server: the keys of
 * before partitions).
 */
#define PARTS_MAX	256
#define PARTS_FIELD	"partitions"	/* of <prefix>config */
#define PARTS_CLUSTER	16	/* on a cluster when none is given */

/* FNV-1a of the bytes, modulo nparts: a piece of state's partition. */
int		 parts_of(const char *s, size_t len, int nparts);
/* Is the state cut, with nparts on that kind of server? */
int		 parts_tagged(int nparts, int cluster);
/* The n of partition k's tag "p<k>.<n>": its slot is in the k-th of
 * nparts equal runs of the slots. */
unsigned	 parts_tag(int nparts, int k);
/* Partition k's state prefix into buf; returns buf. */
char		*parts_prefix(char *buf, size_t len, const char *prefix,
		    int nparts, int cluster, int k);
/*
 * The partitions recorded in <prefix>config: 1 to PARTS_MAX, 0 when none
 * is recorded yet, -1 after logging (Redis away, or a bad value).
 */
int		 parts_read(struct rconn *, const char *prefix);

#endif
