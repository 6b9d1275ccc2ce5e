/*
 * core/redis.c - connect to Redis from an ADDR string; key names.
 * Owns nothing between calls. Talks to hiredis and core/log.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int
redis_addr_check(const char *addr, char *err, size_t errlen)
{
	char	 host[256];
	int	 port;

	if (strncmp(addr, "unix:", 5) == 0) {
		if (addr[5] == '\0') {
			snprintf(err, errlen, "\"%s\": empty socket path", addr);
			return -1;
		}
		return 0;
	}
	return redis_addr_split(addr, host, sizeof(host), &port, err, errlen);
}

redisContext *
redis_open(const char *addr, int timeout_ms)
{
	redisContext	*c;
	struct timeval	 tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	char		 host[256], err[512];
	int		 port;

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
		log_warnx("redis %s: %s", addr, c->errstr);
		redisFree(c);
		return NULL;
	}
	if (timeout_ms && redisSetTimeout(c, tv) != REDIS_OK) {
		log_warnx("redis %s: cannot set timeout", addr);
		redisFree(c);
		return NULL;
	}
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
