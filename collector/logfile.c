/*
 * collector/logfile.c - read log files from their saved offsets into
 * events, batch by batch. Owns nothing between calls; calls the parsers
 * (parse_syslog.c, parse_sshd.c), state.c and publish.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector.h"
#include "daytime.h"
#include "log.h"
#include "parse_sshd.h"
#include "parse_syslog.h"

#define LINE_MAX_BYTES	65536
#define READ_CHUNK	(1 << 20)

enum parser { P_SSHD, P_SYSLOG, P_GENERIC };

struct reader {
	struct collector	*c;
	enum parser		 parser;
	time_t			 ref;		/* reference time for the year */
	char			 ts_buf[32];
};

static int
parser_of(const char *spec, const char **path_end, enum parser *p)
{
	const char	*colon = strrchr(spec, ':');
	const char	*name = colon ? colon + 1 : "syslog";

	*path_end = colon ? colon : spec + strlen(spec);
	if (!strcmp(name, "sshd"))
		*p = P_SSHD;
	else if (!strcmp(name, "syslog"))
		*p = P_SYSLOG;
	else if (!strcmp(name, "generic"))
		*p = P_GENERIC;
	else
		return -1;
	return 0;
}

int
logfile_check_spec(const char *spec)
{
	const char	*end;
	enum parser	 p;

	if (parser_of(spec, &end, &p) == -1) {
		fprintf(stderr, "--log %s: parser \"%s\" is not available yet "
		    "(available: sshd, syslog, generic)\n", spec,
		    strrchr(spec, ':') + 1);
		return -1;
	}
	if (memchr(spec, '\n', (size_t)(end - spec)) != NULL) {
		fprintf(stderr, "--log: file name with a newline refused\n");
		return -1;
	}
	return 0;
}

static int
is_sshd(const char *prog)
{
	/* OpenSSH 9.8 and later log from sshd-session and sshd-auth. */
	return !strcmp(prog, "sshd") || !strncmp(prog, "sshd-", 5);
}

/* Turns one line into one event of the batch. */
static int
reader_line(struct reader *r, const char *line, size_t len)
{
	struct collector	*c = r->c;
	struct logrec		 rec;
	int			 n;

	c->lines++;
	if (len == 0)
		return 0;	/* an empty line records nothing */
	if (batch_event_new(&c->batch) == NULL)
		return -1;
#define F(name, s) batch_field(&c->batch, name, s, strlen(s)) == -1
	if (r->parser == P_GENERIC ||
	    syslog_parse(line, len, r->ref, &rec) == -1) {
		/* No header: the raw line, dated by the reference time. */
		if (r->parser != P_GENERIC)
			c->no_header++;
		n = snprintf(r->ts_buf, sizeof(r->ts_buf), "%" PRId64,
		    (int64_t)r->ref * 1000000);
		rec.msg = line;
		rec.msglen = len;
		rec.host[0] = rec.program[0] = rec.pid[0] = '\0';
		rec.action[0] = rec.user[0] = rec.src_ip[0] = '\0';
		rec.src_port[0] = '\0';
	} else {
		if (is_sshd(rec.program) && sshd_parse(&rec) == 0)
			c->recognised++;
		n = snprintf(r->ts_buf, sizeof(r->ts_buf), "%" PRId64, rec.ts);
	}
	if (F("kind", "log") ||
	    batch_field(&c->batch, "ts", r->ts_buf, (size_t)n) == -1 ||
	    F("sensor", c->sensor) || F("host", rec.host) ||
	    F("program", rec.program) || F("pid", rec.pid) ||
	    F("action", rec.action) || F("user", rec.user) ||
	    F("src_ip", rec.src_ip) || F("src_port", rec.src_port) ||
	    batch_field(&c->batch, "line", rec.msg, rec.msglen) == -1)
		return -1;
#undef F
	return 0;
}

/* Gives the batch its ids, from the one after the last given out. */
static struct streamid
batch_number(struct collector *c, struct streamid first)
{
	size_t	 i;

	for (i = 0; i < c->batch.n; i++) {
		c->batch.ev[i].id = first;
		first = streamid_next(first);
	}
	return c->batch.ev[c->batch.n - 1].id;
}

static struct streamid
next_first_id(const struct collector *c)
{
	struct streamid	 id;
	uint64_t	 now_ms = (uint64_t)(daytime_now_us() / 1000);

	if (now_ms > c->state.last.ms) {
		id.ms = now_ms;
		id.seq = 0;
	} else
		id = streamid_next(c->state.last);
	return id;
}

/*
 * Saves the batch as in flight together with the new offset, sends it,
 * then reads the replies of the batch sent before it: Redis stores one
 * batch while we parse the next. The journal covers every batch not yet
 * confirmed (at most two, numbered contiguously), so a re-read of its
 * bytes gives the same ids. If a send fails, the state says what to
 * re-send.
 */
static int
batch_commit(struct collector *c, const char *spec, struct fstate *fs,
    const struct stat *st, off_t start, off_t end, time_t ref)
{
	struct inflight	*in = &c->state.inflight;
	struct streamid	 first;

	if (c->batch.n == 0) {
		fs->offset = end;
		return 0;
	}
	/* Behind an unconfirmed batch, continue its ids without a gap. */
	first = c->unconfirmed ? streamid_next(c->state.last) :
	    next_first_id(c);
	c->state.last = batch_number(c, first);
	fs->offset = end;
	fs->dev = st->st_dev;
	fs->ino = st->st_ino;
	if (!c->unconfirmed) {
		free(in->path);
		if ((in->path = strdup(spec)) == NULL)
			return -1;
		in->start = start;
		in->first = first;
	}
	in->active = 1;
	in->dev = st->st_dev;
	in->ino = st->st_ino;
	in->end = end;
	in->ref = ref;
	if (state_save(&c->state) == -1)
		return -1;
	/* Test hook: die between the journal and Redis, as a crash would. */
	if (c->crash_after > 0 && --c->crash_after == 0)
		_exit(99);
	if (publish_send(&c->pub, &c->batch) == -1 ||
	    (c->unconfirmed && publish_wait(&c->pub, c->unconfirmed) == -1))
		return -1;
	/* Only this batch is unconfirmed now: the next save starts at it. */
	c->unconfirmed = c->batch.n;
	in->start = start;
	in->first = first;
	c->batches++;
	batch_reset(&c->batch);
	return 0;
}

/* Waits for every batch sent. Returns 0 or -1. */
static int
batch_confirm(struct collector *c)
{
	if (c->unconfirmed == 0)
		return 0;
	if (publish_wait(&c->pub, c->unconfirmed) == -1)
		return -1;
	c->unconfirmed = 0;
	return 0;
}

/*
 * Reads [start, limit) of fd line by line (limit -1: to the end). Calls
 * back after each line with the offset just past it; a final line with
 * no newline is taken whole only when `take_partial` is set.
 */
typedef int	line_flush_cb(struct collector *, off_t line_end, void *);

static int
read_lines(struct reader *r, int fd, const char *path, off_t start,
    off_t limit, int take_partial, line_flush_cb *flush, void *arg)
{
	char	*buf, *p, *nl;
	size_t	 have = 0, len;
	off_t	 pos = start;		/* file offset of buf[0] */
	ssize_t	 n;
	int	 skipping = 0, rc = -1;

	if ((buf = malloc(READ_CHUNK + LINE_MAX_BYTES)) == NULL)
		return -1;
	if (lseek(fd, start, SEEK_SET) == -1) {
		log_warn("%s: seek", path);
		goto out;
	}
	for (;;) {
		size_t	 want = READ_CHUNK + LINE_MAX_BYTES - have;

		if (limit >= 0 && (off_t)want > limit - pos - (off_t)have)
			want = (size_t)(limit - pos - (off_t)have);
		n = want ? read(fd, buf + have, want) : 0;
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s: read", path);
			goto out;
		}
		have += (size_t)n;
		p = buf;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf))) != NULL) {
			len = (size_t)(nl - p);
			if (len > 0 && p[len - 1] == '\r')
				len--;
			if (!skipping && len > LINE_MAX_BYTES) {
				r->c->truncated++;
				len = LINE_MAX_BYTES;
			}
			if (!skipping && reader_line(r, p, len) == -1)
				goto out;
			skipping = 0;
			p = nl + 1;
			if (flush(r->c, pos + (off_t)(p - buf), arg) == -1)
				goto out;
		}
		len = have - (size_t)(p - buf);
		if (len >= LINE_MAX_BYTES) {
			/* Keep the first LINE_MAX_BYTES, drop the rest. */
			if (!skipping) {
				r->c->truncated++;
				if (reader_line(r, p, LINE_MAX_BYTES) == -1)
					goto out;
			}
			skipping = 1;
			pos += (off_t)(p - buf) + (off_t)len;
			have = 0;
			continue;
		}
		memmove(buf, p, len);
		pos += (off_t)(p - buf);
		have = len;
		if (n == 0)
			break;
	}
	if (have > 0 && take_partial) {
		if (!skipping && reader_line(r, buf, have) == -1)
			goto out;
		if (flush(r->c, pos + (off_t)have, arg) == -1)
			goto out;
	}
	rc = 0;
 out:
	free(buf);
	return rc;
}

struct live {
	const char	*spec;
	struct fstate	*fs;
	off_t		 last_end;	/* just past the last line read */
	struct stat	 st;
	off_t		 batch_start;
	time_t		 ref;
};

static int
live_flush(struct collector *c, off_t line_end, void *arg)
{
	struct live	*l = arg;

	l->last_end = line_end;
	if (c->batch.n < (size_t)c->conf->batch)
		return 0;
	if (batch_commit(c, l->spec, l->fs, &l->st, l->batch_start, line_end,
	    l->ref) == -1)
		return -1;
	l->batch_start = line_end;
	return *c->stop ? -1 : 0;
}

int
logfile_read(struct collector *c, const char *spec)
{
	struct reader	 r;
	struct live	 l;
	const char	*end;
	char		 path[4096];
	int		 fd, rc;
	size_t		 plen;

	if (parser_of(spec, &end, &r.parser) == -1)
		return -1;
	plen = (size_t)(end - spec);
	if (plen >= sizeof(path)) {
		log_warnx("%.64s...: path too long", spec);
		return -1;
	}
	memcpy(path, spec, plen);
	path[plen] = '\0';
	r.c = c;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (fstat(fd, &l.st) == -1) {
		log_warn("%s", path);
		close(fd);
		return -1;
	}
	if ((l.fs = state_file(&c->state, path)) == NULL) {
		close(fd);
		return -1;
	}
	if (l.fs->offset > 0 && (l.fs->dev != l.st.st_dev ||
	    l.fs->ino != l.st.st_ino)) {
		log_info("%s: a new file (inode changed); reading it from the "
		    "start", path);
		l.fs->offset = 0;
	} else if (l.fs->offset > l.st.st_size) {
		log_info("%s: truncated below the saved offset; reading it "
		    "from the start", path);
		l.fs->offset = 0;
	}
	/* Traditional syslog dates have no year: the file's mtime decides. */
	r.ref = l.st.st_mtime;
	l.ref = r.ref;
	l.spec = spec;
	l.batch_start = l.last_end = l.fs->offset;
	batch_reset(&c->batch);
	rc = read_lines(&r, fd, path, l.fs->offset, -1, c->conf->once,
	    live_flush, &l);
	if (rc == 0 && c->batch.n > 0)
		rc = batch_commit(c, spec, l.fs, &l.st, l.batch_start,
		    l.last_end, l.ref);
	/* The journal covers one file: confirm before the next. */
	if (rc == 0)
		rc = batch_confirm(c);
	close(fd);
	return rc;
}

static int
replay_flush(struct collector *c, off_t line_end, void *arg)
{
	(void)c;
	*(off_t *)arg = line_end;
	return 0;
}

int
logfile_replay(struct collector *c)
{
	struct inflight	*in = &c->state.inflight;
	struct reader	 r;
	struct stat	 st;
	off_t		 last = in->start;
	const char	*end;
	char		 path[4096];
	int		 fd = -1, rc;

	if (!in->active)
		return 0;
	r.c = c;
	r.ref = in->ref;
	if (parser_of(in->path, &end, &r.parser) == -1 ||
	    (size_t)(end - in->path) >= sizeof(path)) {
		log_warnx("%s: unknown parser in the batch in flight",
		    c->state.file);
		return -1;
	}
	memcpy(path, in->path, (size_t)(end - in->path));
	path[end - in->path] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || st.st_dev != in->dev ||
	    st.st_ino != in->ino || st.st_size < in->end) {
		log_warnx("%s: the batch in flight (bytes %lld-%lld) can no "
		    "longer be read; it may be missing from Redis", in->path,
		    (long long)in->start, (long long)in->end);
		if (fd != -1)
			close(fd);
		in->active = 0;
		return state_save(&c->state);
	}
	batch_reset(&c->batch);
	rc = read_lines(&r, fd, path, in->start, in->end, 1, replay_flush,
	    &last);
	close(fd);
	if (rc == -1)
		return -1;
	if (c->batch.n > 0) {
		size_t	 held = 0;

		batch_number(c, in->first);
		/*
		 * Events Redis already holds (a frame's id is its first
		 * event's, so frames cut anew would collide): not re-sent.
		 */
		while (held < c->batch.n &&
		    streamid_cmp(c->batch.ev[held].id, c->pub.top) <= 0)
			held++;
		memmove(c->batch.ev, c->batch.ev + held,
		    (c->batch.n - held) * sizeof(*c->batch.ev));
		c->batch.n -= held;
		c->pub.dups += held;
		if (c->batch.n > 0 && publish_batch(&c->pub, &c->batch) == -1)
			return -1;
	}
	log_info("%s: re-sent %zu events left in flight (%llu already in "
	    "Redis)", in->path, c->batch.n, (unsigned long long)c->pub.dups);
	batch_reset(&c->batch);
	in->active = 0;
	return state_save(&c->state);
}
