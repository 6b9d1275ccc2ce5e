/*
 * correlator/commit.c - load the batch commit function into Redis, and
 * beside it the incident library (core/incident.c).
 * The Lua source (commit.lua) is linked into the binary as is.
 */
#include <inttypes.h>
#include <string.h>

#include "daytime.h"

#include "correlator.h"
#include "incident.h"
#include "log.h"
#include "redis.h"

__asm__(
    ".section .rodata\n"
    ".global vigie_commit_lua\n"
    "vigie_commit_lua:\n"
    ".incbin \"correlator/commit.lua\"\n"
    ".byte 0\n"
    ".previous\n");
extern const char vigie_commit_lua[];

int
commit_load(redisContext *rc)
{
	redisReply	*r;
	int		 rc_ = 0;

	/* The library of the first layout: its callers are gone. */
	if ((r = redisCommand(rc, "FUNCTION DELETE vigie_v1")) == NULL) {
		log_warnx("redis: FUNCTION DELETE: %s", rc->errstr);
		return -1;
	}
	freeReplyObject(r);	/* an error: not there, which is what we want */
	r = redisCommand(rc, "FUNCTION LOAD REPLACE %s", vigie_commit_lua);
	if (r == NULL) {
		log_warnx("redis: FUNCTION LOAD: %s", rc->errstr);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis: FUNCTION LOAD: %s (Redis 7 or later is "
		    "needed)", r->str);
		rc_ = -1;
	}
	freeReplyObject(r);
	if (rc_ == 0 && incident_load(rc, 1) == -1)
		rc_ = -1;
	return rc_;
}

int
commit_load_all(struct rconn *r)
{
	redisContext	*c;
	int		 k, n = rconn_nodes(r);

	for (k = 0; k < n; k++)
		if ((c = rconn_node_context(r, k)) == NULL ||
		    commit_load(c) == -1)
			return -1;
	return 0;
}

int
commit_sweep(struct rconn *r, const struct conf *conf, int nparts)
{
	redisReply	*rep;
	long long	 closed = 0, n;
	char		 sp[512], key[600];
	int		 k;

	for (k = 0; k < nparts; k++) {
		parts_prefix(sp, sizeof(sp), conf->redis_prefix, nparts,
		    rconn_is_cluster(r), k);
		/* Routed by the partition's tag: its keys are that slot's. */
		snprintf(key, sizeof(key), "%sincidents:open", sp);
		do {
			rep = rconn_cmd(r, key, "FCALL vigie_sweep_v1 0 %s %"
			    PRId64 " %lld 1000", sp, daytime_now_us(),
			    (long long)conf->incident_quiet * 1000000);
			if (rep == NULL)
				return -1;
			if (rep->type != REDIS_REPLY_INTEGER) {
				log_warnx("redis: FCALL vigie_sweep_v1: %s",
				    rep->type == REDIS_REPLY_ERROR ? rep->str :
				    "bad reply");
				freeReplyObject(rep);
				return -1;
			}
			n = rep->integer;
			closed += n;
			freeReplyObject(rep);
		} while (n == 1000);
	}
	if (closed > 0)
		log_info("closed %lld incident%s quiet for %d s", closed,
		    closed == 1 ? "" : "s", conf->incident_quiet);
	return 0;
}

int
commit_parts(struct rconn *r, const struct conf *conf)
{
	redisReply	*rep;
	char		 key[512];
	int		 have, want;

	if ((have = parts_read(r, conf->redis_prefix)) == -1)
		return -1;
	if (have == 0) {
		want = conf->partitions > 0 ? conf->partitions :
		    rconn_is_cluster(r) ? PARTS_CLUSTER : 1;
		redis_key(key, sizeof(key), conf->redis_prefix, "config");
		/* Two correlators starting at once: the first one wins. */
		if ((rep = rconn_cmd(r, key, "HSETNX %s %s %d", key,
		    PARTS_FIELD, want)) == NULL)
			return -1;
		if (rep->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: HSETNX %s: %s", key, rep->str);
			freeReplyObject(rep);
			return -1;
		}
		freeReplyObject(rep);
		if ((have = parts_read(r, conf->redis_prefix)) <= 0)
			return -1;
		if (have == want)
			log_info("the state is cut in %d partition%s, from now "
			    "on", have, have == 1 ? "" : "s");
	}
	if (conf->partitions > 0 && conf->partitions != have) {
		log_warnx("partitions = %d refused: the state in %sconfig is "
		    "cut in %d, fixed when it was first written; give %d (or "
		    "leave partitions unset)", conf->partitions,
		    conf->redis_prefix, have, have);
		return 0;
	}
	return have;
}
