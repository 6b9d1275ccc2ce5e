/*
 * collector/tail.c - follow one log file from its checkpoint, line by
 * line, into events. Owns the file and directory descriptors and the read
 * buffer. Calls the parser registry (parse.c) and the emitter (emit.c).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tail.h"

#define READ_CHUNK	(1 << 20)
#define WARM_MAX	(64 << 20)	/* bytes before a checkpoint parsed again */
#define ROTATE_GRACE_MS	100	/* the old file is read this long after */

/* Splits "FILE[:PARSER]"; the parser defaults to syslog. */
static const struct parser *
tail_parser(const char *spec, size_t *path_len, const char **name)
{
	const char	*colon = strrchr(spec, ':');

	*name = colon ? colon + 1 : "syslog";
	*path_len = colon ? (size_t)(colon - spec) : strlen(spec);
	return parser_find(*name);
}

static int64_t
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a, 64 bits: a file's first bytes. */
static uint64_t
head_hash(const char *p, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * Is the file behind fd the one cp describes (its first bytes)? Grows
 * cp's head up to TAIL_HEAD_MAX as the file grows. 1 yes, 0 no, -1.
 */
static int
head_same(int fd, struct spool_cp *cp)
{
	char	 b[TAIL_HEAD_MAX];
	ssize_t	 n;

	do
		n = pread(fd, b, sizeof(b), 0);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if ((size_t)n < cp->headlen)
		return 0;
	if (cp->headlen > 0 && head_hash(b, cp->headlen) != cp->head)
		return 0;
	if ((size_t)n > cp->headlen) {
		cp->head = head_hash(b, (size_t)n);
		cp->headlen = (uint32_t)n;
	}
	return 1;
}

int
tail_check_spec(const char *spec)
{
	struct stat	 st;
	const char	*name;
	char		 path[PATH_MAX], *slash;
	size_t		 plen;

	if (tail_parser(spec, &plen, &name) == NULL) {
		fprintf(stderr, "--log %s: parser \"%s\" is not available yet "
		    "(available: %s)\n", spec, name, parser_names());
		return -1;
	}
	if (plen == 0 || plen >= sizeof(path) ||
	    memchr(spec, '\n', plen) != NULL || spec[plen - 1] == '/') {
		fprintf(stderr, "--log %s: bad file name\n", spec);
		return -1;
	}
	memcpy(path, spec, plen);
	path[plen] = '\0';
	if (strpbrk(path, "*?[") != NULL)
		return 0;	/* a glob: its matches are checked as found */
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			fprintf(stderr, "--log %s: %s is a symbolic link: give "
			    "the file itself (links are never followed)\n",
			    spec, path);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "--log %s: %s is not a regular file\n",
			    spec, path);
			return -1;
		}
	} else if (errno != ENOENT) {
		fprintf(stderr, "--log %s: %s: %s\n", spec, path,
		    strerror(errno));
		return -1;
	}
	if ((slash = strrchr(path, '/')) != NULL) {
		slash[slash == path] = '\0';
		if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "--log %s: directory %s: %s\n", spec,
			    path, errno ? strerror(errno) : "not a directory");
			return -1;
		}
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
tail_init(struct tail *t, const char *spec, size_t max_line)
{
	const char	*name, *slash;
	char		*dir;
	size_t		 plen;

	memset(t, 0, sizeof(*t));
	t->fd = t->dirfd = -1;
	t->max_line = max_line;
	if ((t->parser = tail_parser(spec, &plen, &name)) == NULL)
		return -1;
	if ((t->spec = strdup(spec)) == NULL ||
	    (t->path = strndup(spec, plen)) == NULL ||
	    (t->buf = malloc(READ_CHUNK + max_line)) == NULL) {
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	t->cp.path = t->path;
	/* The directory is resolved once; only the last name is looked up. */
	if ((slash = strrchr(t->path, '/')) == NULL)
		dir = strdup(".");
	else if (slash == t->path)
		dir = strdup("/");
	else
		dir = strndup(t->path, (size_t)(slash - t->path));
	t->base = strdup(slash != NULL ? slash + 1 : t->path);
	if (dir == NULL || t->base == NULL) {
		free(dir);
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	t->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd == -1)
		log_warn("%s: directory %s", t->path, dir);
	free(dir);
	return t->dirfd == -1 ? -1 : 0;
}

void
tail_free(struct tail *t)
{
	if (t->fd != -1)
		close(t->fd);
	if (t->dirfd != -1)
		close(t->dirfd);
	free(t->spec);
	free(t->path);
	free(t->base);
	free(t->buf);
	parse_buf_free(&t->pb);
	memset(t, 0, sizeof(*t));
	t->fd = t->dirfd = -1;
}

/*
 * Opens `name` in the input's directory: never through a symbolic link,
 * never blocking, and only a regular file. The fd, or -1 (errno set;
 * EINVAL: not a regular file).
 */
static int
tail_openat(const struct tail *t, const char *name, struct stat *st)
{
	int	 fd, e;

	fd = openat(t->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		e = S_ISREG(st->st_mode) ? errno : EINVAL;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * The path names a new file and the checkpoint an older one: if that
 * one is still in the directory under another name (rotated while the
 * collector was down: "auth.log.1"), opens it to finish it first.
 */
static int
tail_find_rotated(struct tail *t, const struct spool_cp *saved)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 bl = strlen(t->base);
	int		 dfd, fd = -1;

	if ((dfd = openat(t->dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct spool_cp	 cp = *saved;

		if (strncmp(de->d_name, t->base, bl) != 0 ||
		    de->d_name[bl] == '\0' ||
		    fstatat(t->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || (uint64_t)st.st_ino != saved->ino)
			continue;
		if ((fd = tail_openat(t, de->d_name, &st)) == -1)
			continue;
		if ((uint64_t)st.st_dev == saved->dev &&
		    (uint64_t)st.st_ino == saved->ino &&
		    saved->off <= (uint64_t)st.st_size &&
		    head_same(fd, &cp) == 1) {
			log_info("%s: rotated while the collector was away: "
			    "finishing %s first", t->path, de->d_name);
			t->cp.dev = saved->dev;
			t->cp.ino = saved->ino;
			t->cp.off = saved->off;
			t->cp.skip = saved->skip;
			t->cp.head = cp.head;
			t->cp.headlen = cp.headlen;
			t->ref = st.st_mtime;
			break;
		}
		close(fd);
		fd = -1;
	}
	closedir(d);
	return fd;
}

/* The path is not a regular file: said and counted once per episode. */
static void
tail_refuse(struct tail *t, int err)
{
	if (t->refusing != err) {
		t->refused++;
		log_warnx("%s: %s: input refused, tried again every turn",
		    t->path, err == ELOOP ? "a symbolic link (never followed)" :
		    err == EINVAL ? "not a regular file" : strerror(err));
	}
	t->refusing = err;
}

/* One line parsed for the parser's state only: nothing is emitted. */
static void
tail_warm_line(struct tail *t, const char *line, size_t len)
{
	struct event	 ev;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > t->max_line)
		len = t->max_line;
	if (len > 0)
		(void)t->parser->parse(line, len, t->ref, &t->pb, &ev);
}

/*
 * A process's first open of a file at a checkpoint: the lines before it
 * (WARM_MAX bytes at most, from a line's start) are parsed again and not
 * emitted, so that the parser's state (sshd's address per connection) is
 * the one a collector never stopped would have, and so are the events
 * that follow. A failed read leaves the state as far as it got.
 */
static void
tail_warm(struct tail *t)
{
	uint64_t	 pos, stop = t->cp.off;
	size_t		 cap = READ_CHUNK + t->max_line, have = 0, want;
	char		*buf, *p, *end, *nl;
	ssize_t		 n;
	int		 skip;

	t->warm = 1;
	if (stop == 0)
		return;
	pos = stop > WARM_MAX ? stop - WARM_MAX : 0;
	skip = pos > 0;			/* the first line is a part of one */
	if ((buf = malloc(cap)) == NULL) {
		log_warnx("%s: out of memory", __func__);
		return;
	}
	while (pos < stop) {
		want = cap - have;
		if (want > stop - pos)
			want = (size_t)(stop - pos);
		if ((n = pread(t->fd, buf + have, want, (off_t)pos)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				log_warn("%s: read", t->path);
			break;
		}
		pos += (uint64_t)n;
		have += (size_t)n;
		p = buf;
		end = buf + have;
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			if (!skip)
				tail_warm_line(t, p, (size_t)(nl - p));
			skip = 0;
			p = nl + 1;
		}
		have = (size_t)(end - p);
		if (have == cap) {
			have = 0;	/* longer than any line kept: skipped */
			skip = 1;
		}
		memmove(buf, p, have);
	}
	if (pos == stop && have > 0 && !skip)
		tail_warm_line(t, buf, have);	/* taken whole before (--once) */
	free(buf);
}

/* Opens the file where its checkpoint says. 1 opened, 0 not there, -1. */
static int
tail_open(struct tail *t, const struct spool *sp, int once)
{
	const struct spool_cp	*saved;
	struct spool_cp		 cp;
	struct stat		 st;
	int			 same;

	t->have = 0;
	t->moved_ms = 0;
	if ((t->fd = tail_openat(t, t->base, &st)) == -1) {
		int	 e = errno;

		if (once) {
			log_warnx("%s: %s", t->path, e == ELOOP ?
			    "a symbolic link (never followed)" : e == EINVAL ?
			    "not a regular file" : strerror(e));
			return -1;
		}
		if (e != ENOENT)
			tail_refuse(t, e);
		else {
			if (!t->eof)
				log_warn("%s (waiting for it)", t->path);
			t->refusing = 0;
		}
		t->eof = 1;
		return 0;
	}
	if (t->refusing)
		log_info("%s: a regular file again: reading it", t->path);
	t->refusing = 0;
	t->ref = st.st_mtime;
	cp = t->cp;
	if (t->cp.dev == (uint64_t)st.st_dev && t->cp.ino == (uint64_t)st.st_ino &&
	    t->cp.off <= (uint64_t)st.st_size && head_same(t->fd, &cp) == 1) {
		/* Our own position (a reopen after a read error, a rotation). */
		t->cp = cp;
	} else if ((saved = spool_checkpoint(sp, t->path)) != NULL &&
	    saved->dev == (uint64_t)st.st_dev &&
	    saved->ino == (uint64_t)st.st_ino &&
	    saved->off <= (uint64_t)st.st_size &&
	    (cp = *saved, head_same(t->fd, &cp)) == 1) {
		t->cp.off = saved->off;
		t->cp.skip = saved->skip;
		t->cp.head = cp.head;
		t->cp.headlen = cp.headlen;
	} else {
		int	 fd;

		same = saved != NULL && saved->ino == (uint64_t)st.st_ino &&
		    saved->dev == (uint64_t)st.st_dev;
		if (saved != NULL && saved->off > 0 && !same && !once &&
		    (fd = tail_find_rotated(t, saved)) != -1) {
			close(t->fd);
			t->fd = fd;
			t->moved_ms = mono_ms();
			goto seek;
		}
		if (saved != NULL && saved->off > 0)
			log_info("%s: %s; reading it from the start", t->path,
			    !same ? "a new file (inode changed)" :
			    "truncated or rewritten (its size or first bytes "
			    "changed)");
		t->cp.off = 0;
		t->cp.skip = 0;
		t->cp.head = 0;
		t->cp.headlen = 0;
		head_same(t->fd, &t->cp);
	}
	t->cp.dev = (uint64_t)st.st_dev;
	t->cp.ino = (uint64_t)st.st_ino;
 seek:
	log_debug("%s: opened inode %llu at %llu", t->path,
	    (unsigned long long)t->cp.ino, (unsigned long long)t->cp.off);
	if (!t->warm)
		tail_warm(t);
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
	if (len > t->max_line) {
		t->truncated++;
		len = t->max_line;
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
 * reaching max_line without a newline is taken cut, and the rest of it
 * skipped (cp.skip), so that it is never published twice.
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
			} else if (r >= t->max_line) {
				p = end;
				t->cp.off = base + (uint64_t)(p - t->buf);
				t->cp.skip = 1;
				t->truncated++;
				rc = tail_line(t, e, line, t->max_line);
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

/* Truncated or rewritten in place (copytruncate): from 0 again. */
static void
tail_restart(struct tail *t)
{
	log_info("%s: truncated (its size or first bytes changed); reading "
	    "it from the start", t->path);
	t->cp.off = 0;
	t->cp.skip = 0;
	t->cp.head = 0;
	t->cp.headlen = 0;
	t->have = 0;
	if (lseek(t->fd, 0, SEEK_SET) == -1) {
		log_warn("%s: seek", t->path);
		close(t->fd);
		t->fd = -1;
	}
}

/*
 * At the end of the file: has it been rotated or truncated? A rotated
 * file is read again for ROTATE_GRACE_MS (late writers), then left for
 * the new one. Returns 1 when there may be more to read now.
 */
static int
tail_check_file(struct tail *t, struct emitter *e)
{
	struct stat	 st, fst;

	/* Shrunk, or rewritten to the same size: its first bytes differ. */
	if ((fstat(t->fd, &fst) == 0 &&
	    (uint64_t)fst.st_size < t->cp.off + t->have) ||
	    head_same(t->fd, &t->cp) == 0) {
		tail_restart(t);
		return t->fd != -1;
	}
	if (fstatat(t->dirfd, t->base, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;	/* gone for now: keep what we hold */
	t->ref = st.st_mtime;
	if ((uint64_t)st.st_ino == t->cp.ino && (uint64_t)st.st_dev == t->cp.dev) {
		t->moved_ms = 0;
		return 0;
	}
	if (t->moved_ms == 0) {
		log_debug("%s: moved at offset %llu", t->path,
		    (unsigned long long)t->cp.off);
		t->moved_ms = mono_ms();
		return 0;
	}
	if (mono_ms() - t->moved_ms < ROTATE_GRACE_MS)
		return 0;
	/* Renamed away and read to its end: on to the new file. */
	log_info("%s: rotated; reading the new file", t->path);
	t->rotations++;
	if (t->have > 0 && tail_lines(t, e, 1) == -1)
		log_warnx("%s: the old file's last line is lost", t->path);
	close(t->fd);
	t->fd = -1;
	t->cp.dev = (uint64_t)st.st_dev;
	t->cp.ino = (uint64_t)st.st_ino;
	t->cp.off = 0;
	t->cp.skip = 0;
	t->cp.head = 0;
	t->cp.headlen = 0;
	t->have = 0;
	t->moved_ms = 0;
	return 1;
}

long
tail_read(struct tail *t, struct emitter *e, const struct spool *sp,
    size_t budget, int once)
{
	uint64_t	 start;
	size_t		 got = 0;
	ssize_t		 n;
	int		 rc;

	if (t->fd == -1 && (rc = tail_open(t, sp, once)) <= 0)
		return rc;
	start = t->cp.off;
	/* Bounded: whatever the file, the loop goes back to the event loop. */
	while (got < budget) {
		size_t	 want = READ_CHUNK + t->max_line - t->have;

		if (want > budget)
			want = budget;	/* at least max_line: t->have is less */
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
		got += (size_t)n;
		t->have += (size_t)n;
		/*
		 * Rewritten in place before this read (copytruncate, the file
		 * grown again past our offset)? Then these bytes are the
		 * middle of another file's line: dropped, read from 0.
		 */
		if (!once && head_same(t->fd, &t->cp) == 0) {
			tail_restart(t);
			if (t->fd == -1)
				return 0;
			continue;
		}
		if (tail_lines(t, e, 0) == -1)
			return -1;
	}
	if (got >= budget) {
		t->eof = 0;
		return (long)(t->cp.off - start);
	}
	if (once && t->have > 0 && tail_lines(t, e, 1) == -1)
		return -1;
	t->eof = 1;
	if (!once && tail_check_file(t, e))
		t->eof = 0;
	return (long)(t->cp.off - start);
}
