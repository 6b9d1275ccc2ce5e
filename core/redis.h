/*
 * core/redis.h - open a hiredis connection from an ADDR string and
 * build key names under the configured prefix.
 */
#ifndef VIGIE_REDIS_H
#define VIGIE_REDIS_H

#include <stddef.h>
#include <hiredis/hiredis.h>

/*
 * ADDR is "host:port", "[v6]:port" or "unix:PATH". Returns a connected
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

/* Checks ADDR's syntax only. Returns 0, or -1 with a reason in err. */
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

#endif
