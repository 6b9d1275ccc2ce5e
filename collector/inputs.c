/*
 * collector/inputs.c - expand the --log specs into tails (globs at start
 * and every GLOB_EVERY_S) and watch their directories with inotify.
 * Owns the inotify descriptor. Calls tail.c.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "inputs.h"
#include "log.h"

#define WAKE_MIN_MS	20	/* the loop is woken at most this often */

int
inputs_is_glob(const char *spec)
{
	const char	*colon = strrchr(spec, ':');
	size_t		 n = colon ? (size_t)(colon - spec) : strlen(spec);

	return strcspn(spec, "*?[") < n;
}

static int
followed(const struct collector *c, const char *path)
{
	size_t	 i;

	for (i = 0; i < c->ntails; i++)
		if (strcmp(c->tails[i].path, path) == 0)
			return 1;
	return 0;
}

static int
tail_add(struct collector *c, const char *spec)
{
	struct tail	*t;

	if (c->ntails == c->captails) {
		size_t	 nc = c->captails ? c->captails * 2 : 8;

		if ((t = reallocarray(c->tails, nc, sizeof(*t))) == NULL) {
			log_warnx("%s: out of memory", __func__);
			return -1;
		}
		c->tails = t;
		c->captails = nc;
	}
	/* A tail's cp.path is its own path string: it survives the move. */
	if (tail_init(&c->tails[c->ntails], spec,
	    (size_t)c->conf->max_line) == -1) {
		tail_free(&c->tails[c->ntails]);
		return -1;
	}
	c->ntails++;
	if (c->inotify_fd != -1)
		inputs_watch(c);
	return 0;
}

int
inputs_expand(struct collector *c)
{
	const struct conf	*conf = c->conf;
	struct stat		 st;
	glob_t			 g;
	char			 pat[4096], spec[4200];
	const char		*colon, *parser;
	size_t			 i, j, n;
	int			 added = 0, rc;

	c->glob_at = time(NULL);
	for (i = 0; i < conf->log.n; i++) {
		const char *s = conf->log.v[i];

		if (!inputs_is_glob(s)) {
			if (c->expanded)
				continue;
			if (tail_add(c, s) == -1)
				return -1;
			added++;
			continue;
		}
		colon = strrchr(s, ':');
		n = colon ? (size_t)(colon - s) : strlen(s);
		parser = colon ? colon + 1 : "syslog";
		if (n >= sizeof(pat))
			continue;
		memcpy(pat, s, n);
		pat[n] = '\0';
		memset(&g, 0, sizeof(g));
		if ((rc = glob(pat, GLOB_ERR, NULL, &g)) != 0) {
			if (rc != GLOB_NOMATCH && !c->expanded)
				log_warnx("--log %s: cannot read its directory", s);
			globfree(&g);
			continue;
		}
		for (j = 0; j < g.gl_pathc; j++) {
			const char *p = g.gl_pathv[j];

			/* Links and devices are never followed; say it once. */
			if (followed(c, p) || lstat(p, &st) == -1)
				continue;
			if (!S_ISREG(st.st_mode))
				continue;
			snprintf(spec, sizeof(spec), "%s:%s", p, parser);
			if (tail_add(c, spec) == -1) {
				globfree(&g);
				return -1;
			}
			log_info("%s: matches %.*s: followed", p, (int)n, s);
			added++;
		}
		globfree(&g);
	}
	c->expanded = 1;
	return added;
}

int64_t
inputs_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
inotify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct collector	*c = arg;
	char			 buf[8192]
				    __attribute__((aligned(__alignof__(struct inotify_event))));
	struct timeval		 tv = { 0, WAKE_MIN_MS * 1000 };
	ssize_t			 n;
	int64_t			 now = inputs_now_ms();

	(void)what;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char	*p = buf;

		/* A new name in a watched directory: globs looked at again. */
		while (p + sizeof(struct inotify_event) <= buf + n) {
			const struct inotify_event *ie = (const void *)p;

			if (ie->mask & (IN_CREATE | IN_MOVED_TO))
				c->glob_at = 0;
			p += sizeof(*ie) + ie->len;
		}
	}
	/*
	 * Woken at most every WAKE_MIN_MS: a busy file is read in turns. A
	 * turn already due sooner is left as it is.
	 */
	if (c->tick_due_ms <= now + WAKE_MIN_MS)
		return;
	if (now - c->woken_ms >= WAKE_MIN_MS) {
		c->woken_ms = now;
		event_active(c->tick_ev, EV_TIMEOUT, 0);
	} else {
		c->tick_due_ms = now + WAKE_MIN_MS;
		evtimer_add(c->tick_ev, &tv);
	}
}

int
inputs_watch(struct collector *c)
{
	char		 dir[4096];
	const char	*slash;
	size_t		 i;
	int		 all = 1;

	if (c->inotify_fd == -1) {
		if (c->no_inotify)
			return 0;
		if ((c->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) ==
		    -1 || (c->inotify_ev = event_new(c->base, c->inotify_fd,
		    EV_READ | EV_PERSIST, inotify_cb, c)) == NULL ||
		    event_add(c->inotify_ev, NULL) == -1) {
			log_warn("inotify: polling the files instead");
			c->no_inotify = 1;
			if (c->inotify_fd != -1)
				close(c->inotify_fd);
			c->inotify_fd = -1;
			return 0;
		}
	}
	for (i = 0; i < c->ntails; i++) {
		const char *p = c->tails[i].path;

		if ((slash = strrchr(p, '/')) == NULL)
			snprintf(dir, sizeof(dir), ".");
		else
			snprintf(dir, sizeof(dir), "%.*s", slash == p ? 1 :
			    (int)(slash - p), p);
		/* The same directory twice is one watch. */
		if (inotify_add_watch(c->inotify_fd, dir, IN_MODIFY |
		    IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE |
		    IN_CLOSE_WRITE | IN_ATTRIB) == -1) {
			log_warn("inotify: %s: polling it", dir);
			all = 0;
		}
	}
	return all;
}

void
inputs_close(struct collector *c)
{
	if (c->inotify_ev != NULL)
		event_free(c->inotify_ev);
	if (c->inotify_fd != -1)
		close(c->inotify_fd);
	c->inotify_ev = NULL;
	c->inotify_fd = -1;
}
