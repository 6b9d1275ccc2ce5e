/*
 * tests/unit/redis_srv.h - a private redis-server for the unit tests that
 * need one (cmocka group setup and teardown): a unix socket in a temp
 * dir, stopped by pid.
 */
#ifndef VIGIE_REDIS_SRV_H
#define VIGIE_REDIS_SRV_H

#include <hiredis/hiredis.h>

#include "redis.h"

/* Group setup: starts redis-server; *state holds it. Returns 0 or -1. */
int		 srv_start(void **state);
/* Group teardown: stops it by pid, removes its directory. Returns 0. */
int		 srv_stop(void **state);
/* The connection of the server in *state; fails the test without one. */
redisContext	*srv(void **state);

/* The same server through the slot router (core/redis.c), for the
 * readers that take one. */
struct rconn	*srv_router(void **state);

/* The server's address, "unix:PATH". */
const char	*srv_addr(void **state);

/* Runs one command, failing the test on an error reply; the caller
 * frees the reply (srv_cmd) or it is freed (srv_cmd0). */
redisReply	*srv_cmd(redisContext *, const char *fmt, ...);
void		 srv_cmd0(redisContext *, const char *fmt, ...);

#endif
