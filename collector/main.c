/*
 * collector/main.c - vigie-collector: read host logs into events and
 * publish them to the sensor's Redis stream, exactly once, through the
 * spool. One libevent loop: inputs, spool, publisher, health.
 */
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "conf.h"
#include "daytime.h"
#include "inputs.h"
#include "log.h"
#include "version.h"

#define READ_BUDGET	(4 << 20)	/* bytes per input per turn */
#define IDLE_MS		250		/* poll period at the end of every input */
#define WATCHED_MS	1000		/* ... when inotify watches them all */
#define ROTATING_MS	20		/* ... while a rotated file is finished */
#define HEALTH_EVERY_S	5
#define LEASE_GRACE_S	2		/* inputs wait this long for Redis at start */
#define PCAP_BUDGET	65536		/* packets per capture file per turn */
#define DRAIN_S		5		/* SIGTERM: flows to Redis for this long */
#define JOURNAL_BUDGET	20000		/* journal entries per turn */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: vigie-collector [-nv] [-c FILE] [--sensor NAME] "
	    "[--redis ADDR]\n"
	    "                       [--state-dir DIR] [--log FILE[:PARSER]]... "
	    "[--once]\n"
	    "                       [--pcap FILE]... [--interface IF] "
	    "[--user NAME]\n"
	    "                       [--journal [MATCH]...] [--journal-dir DIR] "
	    "[--max-line N]\n"
	    "                       [--syslog udp|tcp:HOST:PORT]... "
	    "[--syslog-allow CIDRS]\n");
	exit(2);
}

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "sensor",	required_argument,	NULL, 's' },
	{ "redis",	required_argument,	NULL, 'r' },
	{ "state-dir",	required_argument,	NULL, 'S' },
	{ "pcap",	required_argument,	NULL, 'p' },
	{ "log",	required_argument,	NULL, 'l' },
	{ "interface",	required_argument,	NULL, 'i' },
	{ "user",	required_argument,	NULL, 'u' },
	{ "syslog",	required_argument,	NULL, 'y' },
	{ "once",	no_argument,		NULL, 'o' },
	{ "batch",	required_argument,	NULL, 'b' },
	{ "journal",	no_argument,		NULL, 'J' },
	{ "journal-dir", required_argument,	NULL, 'D' },
	{ "max-line",	required_argument,	NULL, 'M' },
	{ "syslog-allow", required_argument,	NULL, 'A' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static void
default_sensor(struct conf *conf)
{
	char	 host[256], *p;

	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		snprintf(host, sizeof(host), "sensor");
	host[sizeof(host) - 1] = '\0';
	if ((p = strchr(host, '.')) != NULL)
		*p = '\0';
	for (p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			*p = '_';
	host[64] = '\0';
	if (conf_set(conf, "collector", "sensor", host, "hostname") == -1)
		exit(2);
}

/*
 * This collector's name in the sensor's lease: made once per state
 * directory and kept, so that a restart takes its own lease back while
 * a second collector elsewhere is refused.
 */
static int
instance_load(struct collector *c)
{
	char		 path[PATH_MAX], host[64];
	unsigned char	 rnd[8];
	FILE		*fp;
	size_t		 n;

	snprintf(path, sizeof(path), "%s/collector-%s.instance",
	    c->conf->state_dir, c->sensor);
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(c->instance, sizeof(c->instance), fp) != NULL) {
			n = strcspn(c->instance, "\n");
			c->instance[n] = '\0';
		}
		fclose(fp);
		if (c->instance[0] != '\0')
			return 0;
	}
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		log_warn("getrandom");
		return -1;
	}
	snprintf(c->instance, sizeof(c->instance), "%s:%s:%02x%02x%02x%02x"
	    "%02x%02x%02x%02x", host, c->conf->state_dir, rnd[0], rnd[1],
	    rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	if ((fp = fopen(path, "w")) == NULL ||
	    fprintf(fp, "%s\n", c->instance) < 0 || fflush(fp) != 0 ||
	    fsync(fileno(fp)) == -1) {
		log_warn("%s", path);
		if (fp != NULL)
			fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

/* A first run over an older collector's state file: carry its offsets. */
static int
import_old_state(struct collector *c)
{
	struct cstate	*st = &c->state;
	struct spool_cp	*cps;
	size_t		 i;

	if (st->nf == 0 && st->last.ms == 0)
		return 0;
	if (c->spool.nframes != 0 || c->spool.last.ms != 0)
		return 0;
	if ((cps = calloc(st->nf ? st->nf : 1, sizeof(*cps))) == NULL)
		return -1;
	for (i = 0; i < st->nf; i++) {
		cps[i].path = st->f[i].path;
		cps[i].dev = (uint64_t)st->f[i].dev;
		cps[i].ino = (uint64_t)st->f[i].ino;
		cps[i].off = (uint64_t)st->f[i].offset;
		if (st->inflight.active && !strcmp(st->inflight.path,
		    st->f[i].path) && st->inflight.dev == st->f[i].dev &&
		    st->inflight.ino == st->f[i].ino)
			log_warnx("%s: a batch was in flight when the older "
			    "collector stopped (bytes %lld-%lld); it is not "
			    "re-sent", st->f[i].path,
			    (long long)st->inflight.start,
			    (long long)st->inflight.end);
	}
	log_info("%s: carrying %zu file offsets and the last id into the "
	    "spool", st->file, st->nf);
	i = (size_t)spool_seed(&c->spool, st->last, cps, st->nf);
	free(cps);
	return (int)i;
}

/* The inputs' counters, added up into t (its other fields unset). */
static void
tails_sum(const struct collector *c, struct tail *t)
{
	size_t	 i;

	t->lines = t->recognised = t->no_header = t->truncated = 0;
	t->refused = t->rotations = 0;
	for (i = 0; i < c->ntails; i++) {
		t->lines += c->tails[i].lines;
		t->recognised += c->tails[i].recognised;
		t->no_header += c->tails[i].no_header;
		t->truncated += c->tails[i].truncated;
		t->refused += c->tails[i].refused;
		t->rotations += c->tails[i].rotations;
	}
	/* The journal's entries and the syslog messages count as lines. */
	t->lines += c->journal.entries + c->srx.messages;
	t->recognised += c->journal.recognised + c->srx.recognised;
	t->no_header += c->journal.no_header + c->srx.no_header;
	t->truncated += c->srx.cut;
}

#define HEALTH_PARSERS	8	/* per-parser counters in the health hash */
#define HEALTH_SOURCES	16	/* per-source syslog counters, the first ones */

/* The packet inputs' counters, added up. */
struct capsum {
	uint64_t	 packets, malformed, flows, evicted, drop, ifdrop;
	uint64_t	 res[DEC_NRESULTS];	/* by decoder result */
};

static void
caps_sum(struct collector *c, struct capsum *s)
{
	size_t	 i;
	int	 j;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < c->ncaps; i++) {
		struct capture	*cap = &c->caps[i];

		capture_stats(cap);
		s->packets += cap->packets;
		s->malformed += cap->malformed;
		s->flows += cap->flows_out;
		s->evicted += cap->ft ? flowtab_stats(cap->ft)->evicted :
		    cap->evicted;
		s->drop += cap->pcap_drop;
		s->ifdrop += cap->pcap_ifdrop;
		for (j = 0; j < DEC_NRESULTS; j++)
			s->res[j] += cap->res[j];
	}
}

static void
health(struct collector *c, int now)
{
	char		 v[32][32], pk[HEALTH_PARSERS][48];
	char		 pv[HEALTH_PARSERS][24];
	const char	*argv[64 + 2 * HEALTH_PARSERS + 2 * DEC_NRESULTS +
			    2 * HEALTH_SOURCES];
	char		 rk[DEC_NRESULTS][32], rv[DEC_NRESULTS][24];
	char		 sk[HEALTH_SOURCES][64], sv[HEALTH_SOURCES][64];
	struct capsum	 cs;
	size_t		 ns;
	struct tail	 t;
	uint64_t	 pend;
	size_t		 i;
	int		 n = 0, nv = 0;

#define KV(k, fmt, val) do {						\
	argv[n++] = k;							\
	snprintf(v[nv], sizeof(v[0]), fmt, val);			\
	argv[n++] = v[nv++];						\
} while (0)
	tails_sum(c, &t);
	spool_pending(&c->spool, &pend);
	/* Lines without a syslog header, per parser that met them. */
	for (i = 0; i < c->ntails && i < HEALTH_PARSERS; i++) {
		const struct parser	*p = c->tails[i].parser;
		uint64_t		 sum = 0;
		size_t			 j;

		for (j = 0; j < i; j++)
			if (c->tails[j].parser == p)
				break;
		if (j < i)
			continue;	/* counted with the first of its parser */
		for (j = i; j < c->ntails; j++)
			if (c->tails[j].parser == p)
				sum += c->tails[j].no_header;
		snprintf(pk[i], sizeof(pk[i]), "no_header:%s", p->name);
		snprintf(pv[i], sizeof(pv[i]), "%" PRIu64, sum);
		argv[n++] = pk[i];
		argv[n++] = pv[i];
	}
	argv[n++] = "version";
	argv[n++] = VIGIE_VERSION;
	argv[n++] = "instance";
	argv[n++] = c->instance;
	KV("started", "%lld", (long long)c->started);
	KV("updated", "%lld", (long long)time(NULL));
	KV("last_event", "%lld", (long long)c->emit.last_event);
	KV("lines", "%" PRIu64, t.lines);
	KV("events", "%" PRIu64, c->emit.events);
	KV("stored", "%" PRIu64, c->pub.stored_events);
	KV("recognised", "%" PRIu64, t.recognised);
	KV("no_header", "%" PRIu64, t.no_header);
	KV("truncated", "%" PRIu64, t.truncated);
	KV("spool_bytes", "%" PRIu64, c->spool.bytes);
	KV("spool_events", "%" PRIu64, pend);
	caps_sum(c, &cs);
	KV("drops", "%" PRIu64, cs.drop + cs.ifdrop + c->srx.dropped);
	KV("paused", "%d", c->paused);
	KV("refused", "%" PRIu64, t.refused);
	KV("rotations", "%" PRIu64, t.rotations);
	KV("journal_entries", "%" PRIu64, c->journal.entries);
	KV("syslog_messages", "%" PRIu64, c->srx.messages);
	KV("syslog_refused", "%" PRIu64, c->srx.refused);
	KV("syslog_cut", "%" PRIu64, c->srx.cut);
	KV("syslog_bad_frames", "%" PRIu64, c->srx.bad_frames);
	if (c->ncaps > 0) {
		KV("packets", "%" PRIu64, cs.packets);
		KV("malformed", "%" PRIu64, cs.malformed);
		KV("flows", "%" PRIu64, cs.flows);
		KV("flows_evicted", "%" PRIu64, cs.evicted);
		KV("pcap_drop", "%" PRIu64, cs.drop);
		KV("pcap_ifdrop", "%" PRIu64, cs.ifdrop);
		/* Packets not decoded, by reason: "decode:trunc_ip". */
		for (i = 1; i < DEC_NRESULTS; i++) {
			snprintf(rk[i], sizeof(rk[i]), "decode:%s",
			    decode_result_name((enum dec_result)i));
			snprintf(rv[i], sizeof(rv[i]), "%" PRIu64, cs.res[i]);
			argv[n++] = rk[i];
			argv[n++] = rv[i];
		}
	}
	/* "syslog:<peer>": messages, refused, cut. */
	ns = syslog_rx_sources(&c->srx, sk, sv, HEALTH_SOURCES);
	for (i = 0; i < ns; i++) {
		argv[n++] = sk[i];
		argv[n++] = sv[i];
	}
#undef KV
	publish_health(&c->pub, n, argv, now);
}

static int
all_eof(const struct collector *c)
{
	size_t	 i;

	for (i = 0; i < c->ntails; i++)
		if (!c->tails[i].eof)
			return 0;
	for (i = 0; i < c->ncaps; i++)
		if (!c->caps[i].eof)
			return 0;
	return c->journal.j == NULL || c->journal.eof;
}

static void
stop(struct collector *c, int status)
{
	if (c->status == 0)
		c->status = status;
	event_base_loopbreak(c->base);
}

/* --once: every input read, every frame in Redis. */
static void
check_done(void *arg)
{
	struct collector	*c = arg;

	/* Test hook: die once Redis confirmed N frames, others in flight. */
	if (c->crash_after > 0 && c->pub.stored_frames >= (uint64_t)c->crash_after)
		_exit(99);

	/* Paused on a full spool: Redis took frames, maybe room again. */
	if ((c->paused || c->srx.paused) && c->pub.state == PUB_READY)
		event_active(c->tick_ev, EV_TIMEOUT, 0);
	if (c->conf->once && all_eof(c) && c->emit.fe.n == 0 &&
	    spool_pending(&c->spool, NULL) == 0 && c->pub.state == PUB_READY)
		event_base_loopexit(c->base, NULL);
	if (c->draining && ((spool_pending(&c->spool, NULL) == 0 &&
	    c->pub.state == PUB_READY) || time(NULL) > c->drain_until))
		event_base_loopexit(c->base, NULL);
}

/* Bytes an input may read in one turn: a small part of the spool's room. */
static size_t
read_budget(const struct collector *c)
{
	uint64_t	 b = (uint64_t)c->conf->spool_max_bytes / 16;

	return b < READ_BUDGET ? (size_t)b : READ_BUDGET;
}

/*
 * Packet inputs' turn: files read a budget of packets (unless the spool
 * is full); live captures are read on their fd's event, and here too,
 * and time out their flows on the wall clock.
 */
static int
capture_tick(struct collector *c, int *busy)
{
	struct capture	*cap;
	size_t		 i;

	if (c->draining || (!c->pub.ever_ready && (c->pub.state != PUB_DOWN ||
	    time(NULL) - c->started < LEASE_GRACE_S)))
		return 0;
	for (i = 0; i < c->ncaps; i++) {
		cap = &c->caps[i];
		if (cap->live) {
			if (capture_start(cap, c->base) == -1 ||
			    capture_read(cap, PCAP_BUDGET) == -1 ||
			    capture_expire(cap, daytime_now_us()) == -1)
				return -1;
			continue;
		}
		if (!cap->eof && !spool_full(&c->spool) &&
		    capture_read(cap, PCAP_BUDGET) == -1)
			return -1;
		if (!cap->eof)
			*busy = 1;
	}
	return 0;
}

/* One turn: read every input a little, seal, sync, send. */
static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct collector	*c = arg;
	struct timeval		 tv = { 0, 0 };
	time_t			 now = time(NULL);
	size_t			 i;
	int			 busy = 0, rotating = 0;
	long			 n;

	(void)fd;
	(void)what;
	if (spool_trim(&c->spool, now) == -1) {
		stop(c, 1);
		return;
	}
	if (spool_full(&c->spool) != c->paused) {
		c->paused = !c->paused;
		if (c->paused)
			log_warnx("spool %s holds %" PRIu64 " bytes, its limit: "
			    "reading paused until Redis takes frames",
			    c->spool.dir, c->spool.bytes);
		else
			log_info("spool below its limit: reading again");
	}
	/*
	 * Inputs wait for the sensor's lease while Redis answers, so that a
	 * collector refused its sensor has read nothing; with Redis away,
	 * they start after a grace period and the spool holds what they read.
	 */
	if (!c->pub.ever_ready && (c->pub.state != PUB_DOWN ||
	    now - c->started < LEASE_GRACE_S))
		busy = 1;
	else for (i = 0; i < c->ntails && !spool_full(&c->spool); i++) {
		if ((n = tail_read(&c->tails[i], &c->emit, &c->spool,
		    read_budget(c), c->conf->once)) == -1) {
			stop(c, 1);
			return;
		}
		if (!c->tails[i].eof)
			busy = 1;
		if (c->tails[i].moved_ms != 0)
			rotating = 1;
	}
	if (c->pub.ever_ready || (c->pub.state == PUB_DOWN &&
	    now - c->started >= LEASE_GRACE_S)) {
		if (c->journal.j != NULL && !spool_full(&c->spool)) {
			if (journal_read(&c->journal, &c->emit,
			    JOURNAL_BUDGET) == -1) {
				stop(c, 1);
				return;
			}
			if (!c->journal.eof)
				busy = 1;
		}
		syslog_rx_start(&c->srx);
		syslog_rx_resume(&c->srx);
		if (!c->conf->once && now - c->glob_at >= GLOB_EVERY_S &&
		    inputs_expand(c) > 0 && c->watching)
			c->watching = inputs_watch(c) == 1;
	}
	if (c->srx.failed) {
		stop(c, 1);
		return;
	}
	if (capture_tick(c, &busy) == -1) {
		stop(c, 1);
		return;
	}
	/* The open frame waits for more only while its input is busy. */
	if (!busy && emit_flush(&c->emit) == -1) {
		stop(c, 1);
		return;
	}
	if (spool_sync(&c->spool) == -1) {
		stop(c, 1);
		return;
	}
	publish_pump(&c->pub);
	if (now - c->health_at >= HEALTH_EVERY_S) {
		c->health_at = now;
		health(c, 0);
	}
	check_done(c);
	if (!c->pub.ever_ready && busy)
		tv.tv_usec = 50000;
	else if (!busy || c->paused) {
		long	 ms = c->conf->once || rotating ? ROTATING_MS :
		    c->watching ? WATCHED_MS : IDLE_MS;

		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
	}
	c->tick_due_ms = inputs_now_ms() + tv.tv_sec * 1000 + tv.tv_usec / 1000;
	evtimer_add(c->tick_ev, &tv);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct collector	*c = arg;

	(void)what;
	if (sig == SIGHUP) {
		log_warnx("SIGHUP: reloading is not supported yet; restart the "
		    "collector to apply a new configuration (nothing is lost)");
		return;
	}
	/* A live capture is caps[0]: opened first, before the user. */
	if (c->ncaps > 0 && c->caps[0].live && !c->draining) {
		size_t	 i;

		/*
		 * Live flows cannot be read again: out, then a moment for
		 * Redis. A file's open flows are not: a restart reads it again.
		 */
		for (i = 0; i < c->ncaps; i++) {
			if (!c->caps[i].live)
				continue;
			if (c->caps[i].ev != NULL)
				event_del(c->caps[i].ev);	/* no more packets */
			if (capture_flush(&c->caps[i]) == -1) {
				stop(c, 1);
				return;
			}
		}
		if (emit_flush(&c->emit) == -1 || spool_sync(&c->spool) == -1) {
			stop(c, 1);
			return;
		}
		log_info("signal %d: flows flushed; stopping once Redis has "
		    "them (at most %d s)", (int)sig, DRAIN_S);
		c->draining = 1;
		c->drain_until = time(NULL) + DRAIN_S;
		publish_pump(&c->pub);
		check_done(c);
		return;
	}
	log_info("signal %d: stopping; what is not in Redis stays in the "
	    "spool", (int)sig);
	stop(c, 0);
}

static void
report(struct collector *c)
{
	struct tail	 t;
	uint64_t	 pend;
	int		 i;

	tails_sum(c, &t);
	spool_pending(&c->spool, &pend);
	if (c->conf->syslog.n > 0)
		log_info("syslog: %" PRIu64 " messages, %" PRIu64 " refused, %"
		    PRIu64 " cut, %" PRIu64 " bad frames, %" PRIu64 " dropped "
		    "(spool full)", c->srx.messages, c->srx.refused, c->srx.cut,
		    c->srx.bad_frames, c->srx.dropped);
	log_info("%" PRIu64 " lines, %" PRIu64 " recognised, %" PRIu64
	    " without syslog header, %" PRIu64 " truncated; %" PRIu64
	    " events in %" PRIu64 " frames; %" PRIu64 " events stored, %"
	    PRIu64 " waiting in the spool", t.lines, t.recognised,
	    t.no_header, t.truncated,
	    c->emit.events, c->emit.frames, c->pub.stored_events, pend);
	if (c->ncaps > 0) {
		struct capsum	 cs;

		caps_sum(c, &cs);
		log_info("%" PRIu64 " packets, %" PRIu64 " malformed; %" PRIu64
		    " flows emitted, %" PRIu64 " ended early (table full); "
		    "libpcap dropped %" PRIu64 ", the interface %" PRIu64,
		    cs.packets, cs.malformed, cs.flows, cs.evicted, cs.drop,
		    cs.ifdrop);
		for (i = 1; i < DEC_NRESULTS; i++)
			if (cs.res[i] > 0)
				log_info("  %s: %" PRIu64 " packets",
				    decode_result_name((enum dec_result)i),
				    cs.res[i]);
	}
}

/*
 * Started as root: once the live capture and the syslog sockets are open,
 * become `user` (its groups too: adm reads /var/log, systemd-journal the
 * journal) for good. Everything opened afterwards (state, spool, logs,
 * capture files, the journal) is opened as that user. Returns 0 or -1
 * after logging.
 */
static int
drop_privileges(const char *user)
{
	struct passwd	*pw;

	if (geteuid() != 0) {
		if (user != NULL && ((pw = getpwnam(user)) == NULL ||
		    pw->pw_uid != geteuid())) {
			log_warnx("user %s: only root can become another user",
			    user);
			return -1;
		}
		return 0;
	}
	if (user == NULL) {
		log_warnx("running as root: set [collector] user (or --user) "
		    "to read as an unprivileged user once the capture and "
		    "syslog sockets are open");
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_warnx("user %s: %s", user, errno ? strerror(errno) :
		    "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_warnx("user %s: is root; name an unprivileged user", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		log_warn("cannot become %s", user);
		return -1;
	}
	/* For good: there is no way back. */
	if (setuid(0) != -1 || geteuid() == 0) {
		log_warnx("still root after becoming %s", user);
		return -1;
	}
	log_info("running as %s (uid %lu) from here on", user,
	    (unsigned long)pw->pw_uid);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct conf	 conf;
	struct collector c;
	struct conf_opt	*opts;
	const char	*conf_path = NULL;
	char		 dir[PATH_MAX];
	size_t		 nopts = 0, i;
	int		 ch, noaction = 0, verbose = 0;

	if ((opts = calloc((size_t)argc + 1, sizeof(*opts))) == NULL)
		return 1;
	while ((ch = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		const char *key = NULL;

		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'n': noaction = 1; break;
		case 'v': verbose++; break;
		case 's': key = "sensor"; break;
		case 'r': key = "redis"; break;
		case 'S': key = "state-dir"; break;
		case 'p': key = "pcap"; break;
		case 'l': key = "log"; break;
		case 'i': key = "interface"; break;
		case 'u': key = "user"; break;
		case 'y': key = "syslog"; break;
		case 'o': key = "once"; optarg = "yes"; break;
		case 'b': key = "batch"; break;
		case 'J': key = "journal"; optarg = "*"; break;
		case 'D': key = "journal-directory"; break;
		case 'M': key = "max-line"; break;
		case 'A': key = "syslog-allow"; break;
		default: usage();
		}
		if (key != NULL) {
			opts[nopts].key = key;
			opts[nopts++].value = optarg;
		}
	}
	/* --journal MATCH...: the words after the options. */
	for (i = 0; optind < argc; optind++) {
		for (i = 0; i < nopts && strcmp(opts[i].key, "journal"); i++)
			;
		if (i == nopts)
			usage();
		opts[nopts].key = "journal";
		opts[nopts++].value = argv[optind];
	}
	log_init("vigie-collector", verbose);
	/*
	 * Traditional syslog dates are local time. With TZ unset, glibc
	 * stats /etc/localtime at every mktime(): once per line. Naming the
	 * file makes it load once.
	 */
	if (getenv("TZ") == NULL && setenv("TZ", ":/etc/localtime", 1) == -1)
		fatal("setenv");
	tzset();

	if (conf_setup(&conf, conf_path, "collector", opts, nopts) == -1)
		exit(2);
	free(opts);
	if (conf.sensor == NULL)
		default_sensor(&conf);
	if (conf_validate(&conf) == -1)
		exit(2);
	if (conf.nginx_log_format != NULL) {
		char	 err[128];

		if (parse_nginx_format(conf.nginx_log_format, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "nginx-log-format: %s\n", err);
			exit(2);
		}
	}
	for (i = 0; i < conf.log.n; i++)
		if (tail_check_spec(conf.log.v[i]) == -1 ||
		    tail_check_twice(conf.log.v, i) == -1)
			exit(2);
	for (i = 0; i < conf.pcap.n; i++) {
		size_t	 j;

		for (j = 0; j < i; j++)
			if (!strcmp(conf.pcap.v[i], conf.pcap.v[j])) {
				fprintf(stderr, "--pcap %s: given twice: its "
				    "flows would be stored twice\n",
				    conf.pcap.v[i]);
				exit(2);
			}
	}
	if (conf.log.n == 0 && conf.pcap.n == 0 && conf.interface == NULL &&
	    conf.journal.n == 0 && conf.syslog.n == 0) {
		fprintf(stderr, "vigie-collector: no input: give --log FILE"
		    "[:PARSER], --pcap FILE, --interface IF, --journal or "
		    "--syslog ([collector] log, pcap, interface, journal, "
		    "syslog)\n");
		exit(2);
	}
	if (conf.once && conf.syslog.n > 0) {
		fprintf(stderr, "vigie-collector: --once reads files and the "
		    "journal to their end; a syslog receiver has none\n");
		exit(2);
	}
	if (noaction)
		exit(0);
	signal(SIGPIPE, SIG_IGN);

	memset(&c, 0, sizeof(c));
	c.conf = &conf;
	c.sensor = conf.sensor;
	c.started = time(NULL);
	if (getenv("VIGIE_TEST_CRASH_AFTER") != NULL)
		c.crash_after = atoi(getenv("VIGIE_TEST_CRASH_AFTER"));
	c.inotify_fd = -1;
	/*
	 * What needs root first (a live capture, syslog on a port below
	 * 1024), then the user; the rest is opened as that user.
	 */
	if ((c.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if ((c.caps = calloc(conf.pcap.n + 1, sizeof(*c.caps))) == NULL)
		fatalx("out of memory");
	if (conf.interface != NULL && capture_open_live(&c.caps[c.ncaps++],
	    &conf, &c.emit) == -1)
		exit(1);
	if (syslog_rx_init(&c.srx, c.base, &c.emit, &conf) == -1)
		exit(2);
	if (drop_privileges(conf.user) == -1)
		exit(1);
	if (inputs_expand(&c) == -1)
		exit(1);
	/* The lock: one collector per sensor and state directory. */
	if (state_open(&c.state, conf.state_dir, conf.sensor) == -1)
		exit(1);
	if (instance_load(&c) == -1)
		exit(1);
	snprintf(dir, sizeof(dir), "%s/spool-%s", conf.state_dir, conf.sensor);
	if (spool_open(&c.spool, dir, (uint64_t)conf.spool_max_bytes,
	    conf.spool_keep) == -1 || import_old_state(&c) == -1)
		exit(1);
	emit_init(&c.emit, &c.spool, c.sensor, (size_t)conf.frame_events,
	    (size_t)conf.frame_bytes);
	for (i = 0; i < conf.pcap.n; i++, c.ncaps++)
		if (capture_open_file(&c.caps[c.ncaps], conf.pcap.v[i], &conf,
		    &c.emit, &c.spool) == -1)
			exit(1);

	if (publish_init(&c.pub, c.base, &c.spool, conf.redis_address,
	    conf.redis_prefix, c.sensor, c.instance) == -1)
		exit(1);
	c.pub.progress = check_done;
	c.pub.arg = &c;
	if ((c.tick_ev = evtimer_new(c.base, tick_cb, &c)) == NULL)
		fatalx("cannot set up the event loop");
	if (conf.journal.n > 0 && journal_open(&c.journal, &conf, &c.spool,
	    c.base, c.tick_ev) == -1)
		exit(1);
	if (!conf.once && c.ntails > 0)
		c.watching = inputs_watch(&c) == 1;
	if ((c.sigterm_ev = evsignal_new(c.base, SIGTERM, signal_cb, &c)) ==
	    NULL ||
	    (c.sigint_ev = evsignal_new(c.base, SIGINT, signal_cb, &c)) ==
	    NULL ||
	    (c.sighup_ev = evsignal_new(c.base, SIGHUP, signal_cb, &c)) ==
	    NULL || evsignal_add(c.sigterm_ev, NULL) == -1 ||
	    evsignal_add(c.sigint_ev, NULL) == -1 ||
	    evsignal_add(c.sighup_ev, NULL) == -1)
		fatalx("cannot set up the event loop");
	publish_start(&c.pub);
	event_active(c.tick_ev, EV_TIMEOUT, 0);
	if (event_base_dispatch(c.base) == -1)
		fatalx("event_base_dispatch");

	/* Whatever was read is sealed and on disk before we go. */
	if (emit_flush(&c.emit) == -1 || spool_sync(&c.spool) == -1)
		c.status = 1;
	if (c.pub.fatal)
		c.status = c.pub.fatal;
	report(&c);
	health(&c, 1);
	publish_close(&c.pub);
	syslog_rx_free(&c.srx);
	journal_close(&c.journal);
	inputs_close(&c);
	event_free(c.tick_ev);
	event_free(c.sigterm_ev);
	event_free(c.sigint_ev);
	event_free(c.sighup_ev);
	event_base_free(c.base);
	emit_free(&c.emit);
	spool_close(&c.spool);
	for (i = 0; i < c.ntails; i++)
		tail_free(&c.tails[i]);
	free(c.tails);
	for (i = 0; i < c.ncaps; i++)
		capture_free(&c.caps[i]);
	free(c.caps);
	state_close(&c.state);
	conf_free(&conf);
	return c.status;
}
