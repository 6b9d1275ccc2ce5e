/*
 * tests/unit/redis_srv.c - the private redis-server of the unit tests.
 * Owns the child process and its temp dir. Calls hiredis and cmocka.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "redis.h"
#include "redis_srv.h"

struct srv {
	pid_t		 pid;
	char		 dir[64];
	char		 sock[96];
	char		 addr[112];
	redisContext	*c;
	struct rconn	*r;		/* the same server, through the router */
};

int
srv_start(void **state)
{
	struct srv	*s;
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	char		 dir[] = "/tmp/vigie-unit-redis.XXXXXX";
	int		 i, fd;

	*state = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL || mkdtemp(dir) == NULL) {
		free(s);
		return -1;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	snprintf(s->sock, sizeof(s->sock), "%s/redis.sock", dir);
	snprintf(s->addr, sizeof(s->addr), "unix:%s", s->sock);
	if ((s->pid = fork()) == -1) {
		free(s);
		return -1;
	}
	if (s->pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("redis-server", "redis-server", "--port", "0",
		    "--unixsocket", s->sock, "--dir", s->dir, "--save", "",
		    "--appendonly", "no", "--daemonize", "no", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		if ((s->c = redisConnectUnix(s->sock)) != NULL &&
		    s->c->err == 0)
			break;
		if (s->c != NULL) {
			redisFree(s->c);
			s->c = NULL;
		}
		nanosleep(&ts, NULL);
	}
	*state = s;	/* s->c NULL: srv() fails each test, by name */
	return 0;
}

int
srv_stop(void **state)
{
	struct srv	*s = *state;
	char		 path[128];

	if (s == NULL)
		return 0;
	if (s->c != NULL)
		redisFree(s->c);
	rconn_close(s->r);
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	unlink(s->sock);
	snprintf(path, sizeof(path), "%s/dump.rdb", s->dir);
	unlink(path);
	rmdir(s->dir);
	free(s);
	return 0;
}

redisContext *
srv(void **state)
{
	struct srv	*s = *state;

	if (s == NULL || s->c == NULL)
		fail_msg("no redis-server: scripts/deps.sh installs it");
	return s->c;
}

struct rconn *
srv_router(void **state)
{
	struct srv	*s = *state;

	srv(state);
	if (s->r == NULL && (s->r = rconn_open(s->addr, 10000)) == NULL)
		fail_msg("cannot open a router on %s", s->addr);
	return s->r;
}

const char *
srv_addr(void **state)
{
	srv(state);
	return ((struct srv *)*state)->addr;
}

static redisReply *
srv_vcmd(redisContext *c, const char *fmt, va_list ap)
{
	redisReply	*r;

	r = redisvCommand(c, fmt, ap);
	assert_non_null(r);
	if (r->type == REDIS_REPLY_ERROR)
		fail_msg("%s: %s", fmt, r->str);
	return r;
}

redisReply *
srv_cmd(redisContext *c, const char *fmt, ...)
{
	redisReply	*r;
	va_list		 ap;

	va_start(ap, fmt);
	r = srv_vcmd(c, fmt, ap);
	va_end(ap);
	return r;
}

void
srv_cmd0(redisContext *c, const char *fmt, ...)
{
	va_list		 ap;

	va_start(ap, fmt);
	freeReplyObject(srv_vcmd(c, fmt, ap));
	va_end(ap);
}
