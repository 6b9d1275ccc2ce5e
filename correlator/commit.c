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
commit_sweep(redisContext *rc, const struct conf *conf)
{
	redisReply	*r;
	long long	 closed = 0, n;

	do {
		r = redis_cmd(rc, "FCALL vigie_sweep_v1 0 %s %" PRId64 " %lld 1000",
		    conf->redis_prefix, daytime_now_us(),
		    (long long)conf->incident_quiet * 1000000);
		if (r == NULL)
			return -1;
		if (r->type != REDIS_REPLY_INTEGER) {
			log_warnx("redis: FCALL vigie_sweep_v1: %s",
			    r->type == REDIS_REPLY_ERROR ? r->str : "bad reply");
			freeReplyObject(r);
			return -1;
		}
		n = r->integer;
		closed += n;
		freeReplyObject(r);
	} while (n == 1000);
	if (closed > 0)
		log_info("closed %lld incident%s quiet for %d s", closed,
		    closed == 1 ? "" : "s", conf->incident_quiet);
	return 0;
}
