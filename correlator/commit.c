/*
 * correlator/commit.c - load the batch commit function into Redis.
 * The Lua source (commit.lua) is linked into the binary as is.
 */
#include <string.h>

#include "correlator.h"
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
	return rc_;
}
