/*
 * collector/tail.c - follow one log file from its checkpoint, line by
 * line, into events. Owns the file descriptor and the read buffer.
 * Calls the parser registry (parse.c) and the emitter (emit.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tail.h"

#define READ_CHUNK	(1 << 20)

/* Splits "FILE[:PARSER]"; the parser defaults to syslog. */
static const struct parser *
tail_parser(const char *spec, size_t *path_len, const char **name)
{
	const char	*colon = strrchr(spec, ':');

	*name = colon ? colon + 1 : "syslog";
	*path_len = colon ? (size_t)(colon - spec) : strlen(spec);
	return parser_find(*name);
}

int
tail_check_spec(const char *spec)
{
	const char	*name;
	size_t		 plen;

	if (tail_parser(spec, &plen, &name) == NULL) {
		fprintf(stderr, "--log %s: parser \"%s\" is not available yet "
		    "(available: %s)\n", spec, name, parser_names());
		return -1;
	}
	if (plen == 0 || memchr(spec, '\n', plen) != NULL) {
		fprintf(stderr, "--log %s: bad file name\n", spec);
		return -1;
	}
	return 0;
}

int
tail_check_twice(char *const *specs, size_t i)
{
	const char	*name;
	size_t		 a, b, j;

	tail_parser(specs[i], &a, &name);
	for (j = 0; j < i; j++) {
		tail_parser(specs[j], &b, &name);
		if (a == b && memcmp(specs[i], specs[j], a) == 0) {
			fprintf(stderr, "--log %s: %.*s is already read (%s): "
			    "each line would be stored twice\n", specs[i],
			    (int)a, specs[i], specs[j]);
			return -1;
		}
	}
	return 0;
}

int
tail_init(struct tail *t, const char *spec)
{
	const char	*name;
	size_t		 plen;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if ((t->parser = tail_parser(spec, &plen, &name)) == NULL)
		return -1;
	if ((t->spec = strdup(spec)) == NULL ||
	    (t->path = strndup(spec, plen)) == NULL ||
	    (t->buf = malloc(READ_CHUNK + TAIL_LINE_MAX)) == NULL) {
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	t->cp.path = t->path;
	return 0;
}

void
tail_free(struct tail *t)
{
	if (t->fd != -1)
		close(t->fd);
	free(t->spec);
	free(t->path);
	free(t->buf);
	parse_buf_free(&t->pb);
	memset(t, 0, sizeof(*t));
	t->fd = -1;
}

/* Opens the file where its checkpoint says. 1 opened, 0 not there, -1. */
static int
tail_open(struct tail *t, const struct spool *sp, int once)
{
	const struct spool_cp	*saved;
	struct stat		 st;

	if ((t->fd = open(t->path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (once) {
			log_warn("%s", t->path);
			return -1;
		}
		if (!t->eof)
			log_warn("%s (waiting for it)", t->path);
		t->eof = 1;
		return 0;
	}
	if (fstat(t->fd, &st) == -1) {
		log_warn("%s", t->path);
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	t->ref = st.st_mtime;
	t->have = 0;
	if (t->cp.dev == (uint64_t)st.st_dev && t->cp.ino == (uint64_t)st.st_ino &&
	    t->cp.off <= (uint64_t)st.st_size) {
		/* Our own position (a reopen after a read error). */
	} else if ((saved = spool_checkpoint(sp, t->path)) != NULL &&
	    saved->dev == (uint64_t)st.st_dev &&
	    saved->ino == (uint64_t)st.st_ino &&
	    saved->off <= (uint64_t)st.st_size) {
		t->cp.off = saved->off;
		t->cp.skip = saved->skip;
	} else {
		if (saved != NULL && saved->off > 0)
			log_info("%s: %s; reading it from the start", t->path,
			    saved->ino != (uint64_t)st.st_ino ?
			    "a new file (inode changed)" :
			    "truncated below the saved offset");
		t->cp.off = 0;
		t->cp.skip = 0;
	}
	t->cp.dev = (uint64_t)st.st_dev;
	t->cp.ino = (uint64_t)st.st_ino;
	if (lseek(t->fd, (off_t)t->cp.off, SEEK_SET) == -1) {
		log_warn("%s: seek", t->path);
		close(t->fd);
		t->fd = -1;
		return -1;
	}
	t->eof = 0;
	return 1;
}

/* One line (no newline) into one event; empty lines record nothing. */
static int
tail_line(struct tail *t, struct emitter *e, const char *line, size_t len)
{
	struct event	 ev;

	t->lines++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > TAIL_LINE_MAX) {
		t->truncated++;
		len = TAIL_LINE_MAX;
	}
	if (len == 0) {
		emit_position(e, &t->cp);
		return 0;
	}
	switch (t->parser->parse(line, len, t->ref, &t->pb, &ev)) {
	case PARSE_RECOGNISED: t->recognised++; break;
	case PARSE_NO_HEADER: t->no_header++; break;
	case PARSE_PLAIN: break;
	}
	return emit_events(e, &ev, t->pb.rec.repeat, &t->cp);
}

/*
 * Takes the complete lines of buf[0..have); keeps the rest. A line
 * reaching TAIL_LINE_MAX without a newline is taken cut, and the rest of
 * it skipped (cp.skip), so that it is never published twice.
 */
static int
tail_lines(struct tail *t, struct emitter *e, int take_partial)
{
	char		*p = t->buf, *end = t->buf + t->have, *nl;
	uint64_t	 base = t->cp.off;
	int		 rc = 0;

	while (p < end && rc == 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			size_t	 r = (size_t)(end - p);
			char	*line = p;

			if (t->cp.skip) {
				p = end;
				t->cp.off = base + (uint64_t)(p - t->buf);
				emit_position(e, &t->cp);
			} else if (r >= TAIL_LINE_MAX) {
				p = end;
				t->cp.off = base + (uint64_t)(p - t->buf);
				t->cp.skip = 1;
				t->truncated++;
				rc = tail_line(t, e, line, TAIL_LINE_MAX);
			} else if (take_partial) {
				p = end;
				t->cp.off = base + (uint64_t)(p - t->buf);
				rc = tail_line(t, e, line, r);
			}
			break;
		}
		if (t->cp.skip) {
			t->cp.skip = 0;
			p = nl + 1;
			t->cp.off = base + (uint64_t)(p - t->buf);
			emit_position(e, &t->cp);
			continue;
		}
		{
			char	*line = p;

			p = nl + 1;
			t->cp.off = base + (uint64_t)(p - t->buf);
			rc = tail_line(t, e, line, (size_t)(nl - line));
		}
	}
	t->have = (size_t)(end - p);
	memmove(t->buf, p, t->have);
	return rc;
}

/* At the end of the file: has it been rotated or truncated? */
static void
tail_check_file(struct tail *t, struct emitter *e)
{
	struct stat	 st;

	if (stat(t->path, &st) == -1)
		return;		/* gone for now: keep what we hold */
	t->ref = st.st_mtime;
	if ((uint64_t)st.st_ino != t->cp.ino || (uint64_t)st.st_dev != t->cp.dev) {
		/* Renamed away and read to its end: on to the new file. */
		log_info("%s: rotated; reading the new file", t->path);
		if (t->have > 0 && tail_lines(t, e, 1) == -1)
			log_warnx("%s: the old file's last line is lost",
			    t->path);
		close(t->fd);
		t->fd = -1;
		t->cp.dev = (uint64_t)st.st_dev;
		t->cp.ino = (uint64_t)st.st_ino;
		t->cp.off = 0;
		t->cp.skip = 0;
		t->have = 0;
		return;
	}
	if ((uint64_t)st.st_size < t->cp.off + t->have) {
		log_info("%s: truncated; reading it from the start", t->path);
		if (lseek(t->fd, 0, SEEK_SET) == -1) {
			log_warn("%s: seek", t->path);
			close(t->fd);
			t->fd = -1;
		}
		t->cp.off = 0;
		t->cp.skip = 0;
		t->have = 0;
	}
}

long
tail_read(struct tail *t, struct emitter *e, const struct spool *sp,
    size_t budget, int once)
{
	uint64_t	 start;
	ssize_t		 n;
	int		 rc;

	if (t->fd == -1 && (rc = tail_open(t, sp, once)) <= 0)
		return rc;
	start = t->cp.off;
	for (;;) {
		size_t	 want = READ_CHUNK + TAIL_LINE_MAX - t->have;

		if (want > budget)
			want = budget;	/* at least TAIL_LINE_MAX: t->have is less */
		n = read(t->fd, t->buf + t->have, want);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s: read", t->path);
			close(t->fd);
			t->fd = -1;
			return once ? -1 : 0;
		}
		if (n == 0)
			break;
		t->have += (size_t)n;
		if (tail_lines(t, e, 0) == -1)
			return -1;
		if (t->cp.off - start >= budget)
			return (long)(t->cp.off - start);
	}
	if (once && t->have > 0 && tail_lines(t, e, 1) == -1)
		return -1;
	t->eof = 1;
	if (!once)
		tail_check_file(t, e);
	return (long)(t->cp.off - start);
}
