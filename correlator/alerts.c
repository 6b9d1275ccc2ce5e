/*
 * correlator/alerts.c - export <prefix>alerts to the SIEM: one consumer
 * of the group "exporters", its own Redis connection, the alert file and
 * the syslog socket. A batch is read, formatted (alert_eve.c), written
 * and fsync'd, sent, and only then acknowledged: an alert reaches the
 * outputs at least once, and a repeat carries the same alert_id.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "alert_eve.h"
#include "alerts.h"
#include "conf.h"
#include "log.h"
#include "redis.h"

#define READ_COUNT	256	/* alerts per batch */
#define BLOCK_MS	1000
#define CLAIM_IDLE_MS	60000	/* a dead exporter's alerts, taken over */
#define CLAIM_EVERY_S	30
#define DRAIN_IDLE_MS	5000	/* with --drain, a dead exporter's alerts */
#define DRAIN_POLL_MS	100	/* a drain's look at others' pending alerts */
#define DRAIN_WAIT_MS	30000	/* and how long it waits for them at most */
#define RETRY_S		1
#define REDIS_TIMEOUT_MS 30000
#define DATAGRAM_MAX	65000	/* fits UDP over IPv4 and IPv6 */

/* A line of the batch: buf[start..end) and its time for syslog. */
struct line {
	size_t		 start, end;
	int64_t		 us;
	const char	*alert_id;	/* borrowed from the reply, for logs */
};

struct alerts {
	char			*redis_addr;
	char			*key;		/* the stream being read */
	char			**keys;		/* each partition's alerts */
	int			 nkeys;
	unsigned		 turn;		/* the stream a block waits on */
	char			*file;		/* NULL: none */
	char			*syslog;	/* NULL: none */
	char			 where[1024];	/* the outputs, for logs */
	volatile sig_atomic_t	*stop;
	atomic_int		 quit;
	pthread_t		 thread;
	int			 running;

	struct rconn		*rc;		/* NULL: to connect */
	int			 grouped;	/* group created on rc */
	char			 consumer[320];
	char			 host[256];
	long			 pid;

	int			 fd;		/* the alert file, or -1 */
	dev_t			 dev;
	ino_t			 ino;
	int			 sfd;		/* the syslog socket, or -1 */
	struct sockaddr_storage	 sa;
	socklen_t		 salen;

	char			*buf;		/* the batch's lines */
	size_t			 len, cap;
	struct line		*lines;
	size_t			 nlines, caplines;
	char			*dgram;		/* header + line */

	int			 failing;	/* a failure logged, not its end */
	uint64_t		 exported, lost;
};

/* Logs a failure once until the next success. */
static void __attribute__((format(printf, 2, 3)))
alerts_fail(struct alerts *a, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	if (a->failing)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("alerts: %s (the alerts wait in the stream)", msg);
	a->failing = 1;
}

static void
alerts_disconnect(struct alerts *a)
{
	if (a->rc != NULL)
		rconn_close(a->rc);
	a->rc = NULL;
	a->grouped = 0;
}

/* A command on the stream being read (a->key), in its slot. */
static redisReply *
alerts_cmd(struct alerts *a, int argc, const char **argv)
{
	return rconn_argv(a->rc, redis_slot(a->key, strlen(a->key)), argc,
	    argv, NULL);
}

/* The connection, and the group on every partition's stream (from its
 * first entry). */
static int
alerts_connect(struct alerts *a)
{
	redisReply	*r;
	int		 k;

	if (a->rc == NULL &&
	    (a->rc = rconn_open(a->redis_addr, REDIS_TIMEOUT_MS)) == NULL)
		return -1;
	if (a->grouped)
		return 0;
	for (k = 0; k < a->nkeys; k++) {
		const char *argv[] = { "XGROUP", "CREATE", a->keys[k],
		    ALERTS_GROUP, "0", "MKSTREAM" };

		a->key = a->keys[k];
		if ((r = alerts_cmd(a, 6, argv)) == NULL) {
			alerts_fail(a, "redis: XGROUP CREATE %s: I/O error",
			    a->key);
			alerts_disconnect(a);
			return -1;
		}
		if (r->type == REDIS_REPLY_ERROR &&
		    strncmp(r->str, "BUSYGROUP", 9)) {
			alerts_fail(a, "redis: XGROUP CREATE %s: %s", a->key,
			    r->str);
			freeReplyObject(r);
			return -1;
		}
		freeReplyObject(r);
	}
	a->grouped = 1;
	return 0;
}

/* (Re)opens the alert file. 0, or -1 with errno set. */
static int
alerts_file_open(struct alerts *a)
{
	struct stat	 st;
	int		 saved;

	if (a->fd != -1) {
		close(a->fd);
		a->fd = -1;
	}
	if ((a->fd = open(a->file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1)
		return -1;
	if (fstat(a->fd, &st) == -1) {
		saved = errno;
		close(a->fd);
		a->fd = -1;
		errno = saved;
		return -1;
	}
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	return 0;
}

/*
 * The alert file, reopened when it was rotated (renamed, or removed) so
 * that logrotate needs no signal. 0 or -1 (logged).
 */
static int
alerts_file_ready(struct alerts *a)
{
	struct stat	 st;

	if (a->fd != -1 && stat(a->file, &st) == 0 && st.st_dev == a->dev &&
	    st.st_ino == a->ino)
		return 0;
	if (alerts_file_open(a) == -1) {
		alerts_fail(a, "alert-file %s: %s", a->file, strerror(errno));
		return -1;
	}
	return 0;
}

/* Appends the batch to the file and syncs it. 0 or -1 (logged). */
static int
alerts_write_file(struct alerts *a)
{
	size_t	 off = 0;
	ssize_t	 n;

	if (alerts_file_ready(a) == -1)
		return -1;
	while (off < a->len) {
		if ((n = write(a->fd, a->buf + off, a->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			alerts_fail(a, "alert-file %s: %s", a->file,
			    strerror(errno));
			return -1;
		}
		off += (size_t)n;
	}
	if (fsync(a->fd) == -1) {
		alerts_fail(a, "alert-file %s: fsync: %s", a->file,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* One datagram per alert. 0 or -1 (logged); a too large one is skipped. */
static int
alerts_send_syslog(struct alerts *a)
{
	struct line	*l;
	size_t		 i, n;
	int		 h;

	for (i = 0; i < a->nlines; i++) {
		l = &a->lines[i];
		n = l->end - l->start - 1;	/* without its newline */
		h = alert_syslog_header(a->dgram, ALERT_SYSLOG_HEADER_MAX,
		    l->us, a->host, a->pid);
		if (h == -1 || (size_t)h + n > DATAGRAM_MAX) {
			log_warnx("alerts: alert %s is larger than a datagram "
			    "(%zu bytes): not sent to %s", l->alert_id, n,
			    a->syslog);
			continue;
		}
		memcpy(a->dgram + h, a->buf + l->start, n);
		while (sendto(a->sfd, a->dgram, (size_t)h + n, 0,
		    (struct sockaddr *)&a->sa, a->salen) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EMSGSIZE) {
				log_warnx("alerts: alert %s: %s: datagram too "
				    "large", l->alert_id, a->syslog);
				break;
			}
			alerts_fail(a, "alert-syslog %s: %s", a->syslog,
			    strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Makes room for one more line of n bytes. Exits on out of memory. */
static void
alerts_grow(struct alerts *a, size_t n)
{
	if (a->len + n > a->cap) {
		size_t	 cap = a->cap ? a->cap : 65536;

		while (cap < a->len + n)
			cap *= 2;
		if ((a->buf = realloc(a->buf, cap)) == NULL)
			fatalx("%s: out of memory", __func__);
		a->cap = cap;
	}
	if (a->nlines == a->caplines) {
		a->caplines = a->caplines ? a->caplines * 2 : READ_COUNT;
		if ((a->lines = reallocarray(a->lines, a->caplines,
		    sizeof(*a->lines))) == NULL)
			fatalx("%s: out of memory", __func__);
	}
}

/* The milliseconds of a stream id "<ms>-<seq>", or 0. */
static int64_t
entry_ms(const char *id)
{
	int64_t	 v = 0;

	for (; *id >= '0' && *id <= '9' && v < INT64_MAX / 10; id++)
		v = v * 10 + (*id - '0');
	return v;
}

/*
 * Formats the entries of one read into the batch; collects the ids to
 * acknowledge (every entry, deleted ones included) into argv.
 */
static void
alerts_format(struct alerts *a, const redisReply *entries, const char **argv,
    size_t *argc)
{
	const redisReply	*e, *f;
	struct alert		 al;
	char			*s;
	size_t			 i, k, n;

	a->len = a->nlines = 0;
	for (i = 0; i < entries->elements; i++) {
		e = entries->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		argv[(*argc)++] = e->element[0]->str;
		f = e->element[1];
		if (f->type != REDIS_REPLY_ARRAY) {
			/* Trimmed away (MAXLEN) before it was exported. */
			a->lost++;
			log_warnx("alerts: %s %s was trimmed before export",
			    a->key, e->element[0]->str);
			continue;
		}
		alert_init(&al, entry_ms(e->element[0]->str));
		for (k = 0; k + 1 < f->elements; k += 2)
			if (f->element[k]->type == REDIS_REPLY_STRING &&
			    f->element[k + 1]->type == REDIS_REPLY_STRING)
				(void)alert_set(&al, f->element[k]->str,
				    f->element[k]->len, f->element[k + 1]->str,
				    f->element[k + 1]->len);
		if ((s = alert_eve(&al)) == NULL)
			fatalx("%s: out of memory", __func__);
		n = strlen(s);
		alerts_grow(a, n + 1);
		a->lines[a->nlines].start = a->len;
		memcpy(a->buf + a->len, s, n);
		a->buf[a->len + n] = '\n';
		a->len += n + 1;
		a->lines[a->nlines].end = a->len;
		a->lines[a->nlines].us = alert_time_us(&al);
		/* hiredis ends every string with a NUL. */
		a->lines[a->nlines].alert_id = al.v[AF_ALERT_ID] != NULL ?
		    al.v[AF_ALERT_ID] : e->element[0]->str;
		a->nlines++;
		free(s);
	}
}

/* XACK of argv's ids. 0 or -1 (logged). */
static int
alerts_ack(struct alerts *a, const char **argv, size_t argc)
{
	redisReply	*r;

	if (argc == 3)
		return 0;
	if ((r = alerts_cmd(a, (int)argc, argv)) == NULL) {
		alerts_fail(a, "redis: XACK %s: I/O error", a->key);
		alerts_disconnect(a);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		alerts_fail(a, "redis: XACK %s: %s", a->key, r->str);
		freeReplyObject(r);
		return -1;
	}
	freeReplyObject(r);
	return 0;
}

/*
 * One batch: XREADGROUP from `id` ("0": this consumer's pending alerts,
 * ">": new ones), write, send, acknowledge. Returns the entries read, or
 * -1 (logged once): what was read stays pending.
 */
static long
alerts_round_key(struct alerts *a, const char *id, int block_ms)
{
	const redisReply	*s, *entries;
	redisReply		*r;
	const char		**argv;
	char			 count[16], block[16];
	size_t			 argc;
	long			 n;

	snprintf(count, sizeof(count), "%d", READ_COUNT);
	snprintf(block, sizeof(block), "%d", block_ms);
	{
		const char *rd[] = { "XREADGROUP", "GROUP", ALERTS_GROUP,
		    a->consumer, "COUNT", count, "BLOCK", block, "STREAMS",
		    a->key, id };
		const char *rn[] = { "XREADGROUP", "GROUP", ALERTS_GROUP,
		    a->consumer, "COUNT", count, "STREAMS", a->key, id };

		r = block_ms > 0 ? alerts_cmd(a, 11, rd) : alerts_cmd(a, 9, rn);
	}
	if (r == NULL) {
		alerts_fail(a, "redis: XREADGROUP %s: I/O error", a->key);
		alerts_disconnect(a);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		alerts_fail(a, "redis: XREADGROUP %s: %s", a->key, r->str);
		if (strncmp(r->str, "NOGROUP", 7) == 0)
			a->grouped = 0;	/* the stream was deleted */
		freeReplyObject(r);
		return -1;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    (s = r->element[0])->type != REDIS_REPLY_ARRAY ||
	    s->elements != 2 ||
	    (entries = s->element[1])->type != REDIS_REPLY_ARRAY ||
	    entries->elements == 0) {
		freeReplyObject(r);	/* nil: nothing within the block */
		return 0;
	}
	if ((argv = calloc(entries->elements + 3, sizeof(*argv))) == NULL)
		fatalx("%s: out of memory", __func__);
	argv[0] = "XACK";
	argv[1] = a->key;
	argv[2] = ALERTS_GROUP;
	argc = 3;
	alerts_format(a, entries, argv, &argc);
	n = (long)entries->elements;
	if ((a->nlines > 0 && ((a->file != NULL &&
	    alerts_write_file(a) == -1) || (a->syslog != NULL &&
	    alerts_send_syslog(a) == -1))) || alerts_ack(a, argv, argc) == -1)
		n = -1;
	else {
		a->exported += a->nlines;
		if (a->failing) {
			log_info("alerts: exporting again");
			a->failing = 0;
		}
	}
	free(argv);
	freeReplyObject(r);
	return n;
}

/*
 * The round over every partition's stream, each without a block; when
 * none had anything, a block on one of them, taken in turn, for a share
 * of block_ms. Returns the entries read, or -1.
 */
static long
alerts_round(struct alerts *a, const char *id, int block_ms)
{
	long	 n, total = 0;
	int	 k, ms;

	if (alerts_connect(a) == -1)
		return -1;
	for (k = 0; k < a->nkeys; k++) {
		a->key = a->keys[k];
		if ((n = alerts_round_key(a, id, 0)) == -1)
			return -1;
		total += n;
	}
	if (total > 0 || block_ms <= 0)
		return total;
	ms = block_ms / a->nkeys;
	a->key = a->keys[a->turn++ % (unsigned)a->nkeys];
	return alerts_round_key(a, id, ms < 1 ? 1 : ms);
}

static long	alerts_claim_key(struct alerts *, long);

/*
 * Takes over alerts other exporters left pending min_idle ms or more,
 * in every partition's stream. Returns the number claimed (read back
 * with "0"), or -1.
 */
static long
alerts_claim(struct alerts *a, long min_idle)
{
	long	 n, total = 0;
	int	 k;

	if (alerts_connect(a) == -1)
		return -1;
	for (k = 0; k < a->nkeys; k++) {
		a->key = a->keys[k];
		if ((n = alerts_claim_key(a, min_idle)) == -1)
			return -1;
		total += n;
	}
	return total;
}

static long
alerts_claim_key(struct alerts *a, long min_idle)
{
	redisReply	*r;
	long		 n = 0;

	r = rconn_cmd(a->rc, a->key, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT %d "
	    "JUSTID", a->key, ALERTS_GROUP, a->consumer, min_idle, READ_COUNT);
	if (r == NULL) {
		alerts_disconnect(a);
		return -1;
	}
	if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
	    r->element[1]->type == REDIS_REPLY_ARRAY) {
		n = (long)r->element[1]->elements;
		/* Redis 7: ids deleted meanwhile, dropped from the group. */
		if (r->elements >= 3 && r->element[2]->type ==
		    REDIS_REPLY_ARRAY && r->element[2]->elements > 0) {
			a->lost += r->element[2]->elements;
			log_warnx("alerts: %zu pending alerts were trimmed "
			    "before export", r->element[2]->elements);
		}
	} else if (r->type == REDIS_REPLY_ERROR) {
		alerts_fail(a, "redis: XAUTOCLAIM %s: %s", a->key, r->str);
		n = -1;
	}
	freeReplyObject(r);
	return n;
}

static void *
alerts_thread(void *arg)
{
	struct alerts	*a = arg;
	time_t		 last_claim = 0;
	long		 n;
	int		 history = 1;

	while (!*a->stop && !atomic_load(&a->quit)) {
		/* First what this consumer read and did not acknowledge. */
		if (history) {
			if ((n = alerts_round(a, "0", 0)) == -1)
				goto error;
			if (n > 0)
				continue;
			history = 0;
		}
		if (time(NULL) - last_claim >= CLAIM_EVERY_S) {
			last_claim = time(NULL);
			if ((n = alerts_claim(a, CLAIM_IDLE_MS)) == -1)
				goto error;
			if (n > 0) {
				history = 1;
				continue;
			}
		}
		if (alerts_round(a, ">", BLOCK_MS) != -1)
			continue;
 error:
		history = 1;
		sleep(RETRY_S);
	}
	return NULL;
}

/* Alerts pending in every partition's stream, whoever read them; or -1. */
static long
alerts_pending(struct alerts *a)
{
	redisReply	*r;
	long		 total = 0;
	int		 k;

	if (alerts_connect(a) == -1)
		return -1;
	for (k = 0; k < a->nkeys; k++) {
		a->key = a->keys[k];
		r = rconn_cmd(a->rc, a->key, "XPENDING %s %s", a->key,
		    ALERTS_GROUP);
		if (r == NULL) {
			alerts_fail(a, "redis: XPENDING %s: I/O error", a->key);
			alerts_disconnect(a);
			return -1;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			alerts_fail(a, "redis: XPENDING %s: %s", a->key, r->str);
			freeReplyObject(r);
			return -1;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
		    r->element[0]->type == REDIS_REPLY_INTEGER)
			total += r->element[0]->integer;
		freeReplyObject(r);
	}
	return total;
}

/*
 * What is left in the streams, exported before a drain exits. Alerts
 * another exporter read are its own while it lives: a drain running
 * beside another (two correlators draining at once, or a serving one)
 * takes over only those idle DRAIN_IDLE_MS, an exporter that died, and
 * waits for the others to be acknowledged (DRAIN_WAIT_MS at most).
 * Taking them at once would export them twice.
 */
int
alerts_drain(struct alerts *a)
{
	long	 n;
	int	 waited = 0;

	while (!*a->stop) {
		if ((n = alerts_round(a, "0", 0)) == -1)
			return -1;
		if (n > 0)
			continue;
		if ((n = alerts_round(a, ">", 0)) == -1)
			return -1;
		if (n > 0)
			continue;
		if ((n = alerts_claim(a, DRAIN_IDLE_MS)) == -1)
			return -1;
		if (n > 0)
			continue;
		if ((n = alerts_pending(a)) == -1)
			return -1;
		if (n == 0)
			break;
		if (waited >= DRAIN_WAIT_MS) {
			log_warnx("alerts: %ld alerts left pending with "
			    "another exporter", n);
			break;
		}
		if (usleep(DRAIN_POLL_MS * 1000) == -1 && errno != EINTR) {
			alerts_fail(a, "usleep: %s", strerror(errno));
			return -1;
		}
		waited += DRAIN_POLL_MS;
	}
	return 0;
}

/* The syslog target's socket and address. 0 or -1 (logged). */
static int
alerts_syslog_open(struct alerts *a, const char *target)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_un	*sun;
	char			 host[256], port[8], err[128];
	int			 p, rc;

	if (strncmp(target, "unix:", 5) == 0) {
		sun = (struct sockaddr_un *)&a->sa;
		memset(sun, 0, sizeof(*sun));
		sun->sun_family = AF_UNIX;
		if (strlen(target + 5) >= sizeof(sun->sun_path)) {
			log_warnx("alert-syslog %s: path too long", target);
			return -1;
		}
		strcpy(sun->sun_path, target + 5);
		a->salen = sizeof(*sun);
	} else {
		if (strncmp(target, "udp:", 4) != 0 ||
		    redis_addr_split(target + 4, host, sizeof(host), &p, err,
		    sizeof(err)) == -1) {
			log_warnx("alert-syslog %s: expected udp:HOST:PORT or "
			    "unix:PATH", target);
			return -1;
		}
		snprintf(port, sizeof(port), "%d", p);
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_DGRAM;
		hints.ai_flags = AI_NUMERICSERV;
		if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
			log_warnx("alert-syslog %s: %s", target,
			    gai_strerror(rc));
			return -1;
		}
		memcpy(&a->sa, res->ai_addr, res->ai_addrlen);
		a->salen = res->ai_addrlen;
		freeaddrinfo(res);
	}
	if ((a->sfd = socket(a->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("alert-syslog %s: socket", target);
		return -1;
	}
	if ((a->dgram = malloc(ALERT_SYSLOG_HEADER_MAX + DATAGRAM_MAX)) ==
	    NULL) {
		log_warn("%s: malloc", __func__);
		return -1;
	}
	return 0;
}

int
alerts_open(const struct conf *conf, const char *host, int nparts,
    int cluster, volatile sig_atomic_t *stop, struct alerts **out)
{
	struct alerts	*a;
	char		 key[512], sp[512];

	*out = NULL;
	if (conf->alert_file == NULL && conf->alert_syslog == NULL)
		return 0;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_warn("%s: calloc", __func__);
		return -1;
	}
	a->fd = a->sfd = -1;
	a->stop = stop;
	atomic_init(&a->quit, 0);
	a->pid = (long)getpid();
	snprintf(a->host, sizeof(a->host), "%s", host);
	snprintf(a->consumer, sizeof(a->consumer), "%s-%ld-alerts", host,
	    a->pid);
	if ((a->keys = calloc((size_t)nparts, sizeof(*a->keys))) == NULL) {
		log_warn("%s: calloc", __func__);
		goto fail;
	}
	for (a->nkeys = 0; a->nkeys < nparts; a->nkeys++) {
		parts_prefix(sp, sizeof(sp), conf->redis_prefix, nparts,
		    cluster, a->nkeys);
		redis_key(key, sizeof(key), sp, "alerts");
		if ((a->keys[a->nkeys] = strdup(key)) == NULL) {
			log_warn("%s: strdup", __func__);
			goto fail;
		}
	}
	a->key = a->keys[0];
	if ((a->redis_addr = strdup(conf->redis_address)) == NULL ||
	    (conf->alert_file != NULL &&
	    (a->file = strdup(conf->alert_file)) == NULL) ||
	    (conf->alert_syslog != NULL &&
	    (a->syslog = strdup(conf->alert_syslog)) == NULL)) {
		log_warn("%s: strdup", __func__);
		goto fail;
	}
	if (a->file != NULL && alerts_file_open(a) == -1) {
		log_warn("alert-file %s", a->file);
		goto fail;
	}
	if (a->syslog != NULL && alerts_syslog_open(a, a->syslog) == -1)
		goto fail;
	snprintf(a->where, sizeof(a->where), "%s%s%s%s%s",
	    a->file != NULL ? "file " : "", a->file != NULL ? a->file : "",
	    a->file != NULL && a->syslog != NULL ? " and " : "",
	    a->syslog != NULL ? "syslog " : "",
	    a->syslog != NULL ? a->syslog : "");
	log_info("alerts: exporting %s%s to %s", a->key, nparts > 1 ?
	    " and the other partitions' alerts" : "", a->where);
	*out = a;
	return 0;
 fail:
	alerts_free(a);
	return -1;
}

int
alerts_start(struct alerts *a)
{
	sigset_t	 all, old;
	int		 rc;

	sigfillset(&all);
	if ((rc = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
		errno = rc;
		log_warn("alerts: pthread_sigmask");
		return -1;
	}
	rc = pthread_create(&a->thread, NULL, alerts_thread, a);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		log_warn("alerts: pthread_create");
		return -1;
	}
	a->running = 1;
	return 0;
}

void
alerts_stop(struct alerts *a)
{
	int	 rc;

	if (a == NULL || !a->running)
		return;
	atomic_store(&a->quit, 1);
	if ((rc = pthread_join(a->thread, NULL)) != 0) {
		errno = rc;
		log_warn("alerts: pthread_join");
	}
	a->running = 0;
}

void
alerts_free(struct alerts *a)
{
	if (a == NULL)
		return;
	if (a->exported > 0 || a->lost > 0)
		log_info("alerts: %" PRIu64 " exported to %s, %" PRIu64
		    " trimmed before export", a->exported, a->where, a->lost);
	alerts_disconnect(a);
	if (a->fd != -1)
		close(a->fd);
	if (a->sfd != -1)
		close(a->sfd);
	free(a->redis_addr);
	while (a->keys != NULL && a->nkeys > 0)
		free(a->keys[--a->nkeys]);
	free(a->keys);
	free(a->file);
	free(a->syslog);
	free(a->buf);
	free(a->lines);
	free(a->dgram);
	free(a);
}
