/*
 * correlator/main.c - vigie-correlator: consume every sensor's stream,
 * apply geo and YARA rules, keep the day's figures and incidents in
 * Redis, serve the web view, and export the alerts to the SIEM. The main
 * thread waits for signals: SIGHUP reloads (bundle.c), SIGINT and
 * SIGTERM stop.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "conf.h"
#include "correlator.h"
#include "daytime.h"
#include "http.h"
#include "webinfo.h"
#include "log.h"
#include "redis.h"
#include "retention.h"

/* Tells the SIEM exporter to stop (it polls this). */
static volatile sig_atomic_t	 alerts_quit;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: vigie-correlator [-nv] [-c FILE] [--redis ADDR] "
	    "[--rules PATH]... [--geoip FILE]\n"
	    "                        [--home-countries CC,CC] "
	    "[--internal CIDR,CIDR] [--timezone TZ]\n"
	    "                        [--workers N] [--http ADDR | --no-http] "
	    "[--web-root DIR] [--drain]\n"
	    "                        [--allow-root]\n");
	exit(2);
}

static const struct option longopts[] = {
	{ "config",		required_argument,	NULL, 'c' },
	{ "redis",		required_argument,	NULL, 'r' },
	{ "rules",		required_argument,	NULL, 'R' },
	{ "geoip",		required_argument,	NULL, 'g' },
	{ "home-countries",	required_argument,	NULL, 'H' },
	{ "internal",		required_argument,	NULL, 'I' },
	{ "timezone",		required_argument,	NULL, 'z' },
	{ "workers",		required_argument,	NULL, 'w' },
	{ "http",		required_argument,	NULL, 'W' },
	{ "no-http",		no_argument,		NULL, 'N' },
	{ "web-root",		required_argument,	NULL, 'D' },
	{ "drain",		no_argument,		NULL, 'd' },
	{ "allow-root",		no_argument,		NULL, 'A' },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

#define RETENTION_CHECK_MS	2000	/* -n: Redis may be away */

/* Says that b stays in force after a reload that `why` (failed, refused). */
static void
reload_kept(const struct bundle *b, const char *why)
{
	char	 when[32];

	if (b->gen == 1)
		snprintf(when, sizeof(when), "at start");
	else
		snprintf(when, sizeof(when), "by reload %u", b->gen);
	log_warnx("reload %s: still running the configuration and the %zu "
	    "rule%s loaded %s", why, b->rules.n, b->rules.n == 1 ? "" : "s",
	    when);
}

/*
 * SIGHUP: a new bundle beside the running one, from the file and the
 * same options; a retention-days change goes through the retention
 * protocol. Any error leaves the running bundle in force.
 */
static void
reload(struct correlator *cor, const char *conf_path,
    const struct conf_opt *opts, size_t nopts)
{
	struct bundle	*old = cor->slot.cur, *nb;	/* we alone swap */
	struct rconn	*rc;
	char		 changes[2048];
	int		 r = 0;

	if ((nb = bundle_load(conf_path, opts, nopts, old, changes,
	    sizeof(changes))) == NULL) {
		reload_kept(old, "failed");
		return;
	}
	if (nb->conf.retention_days != old->conf.retention_days) {
		if ((rc = rconn_open(nb->conf.redis_address, 10000)) == NULL)
			r = -1;
		else {
			r = retention_enforce(rc, &nb->conf, 1);
			rconn_close(rc);
		}
	}
	if (r != 0) {
		reload_kept(old, r == 1 ? "refused" : "failed");
		bundle_free(nb);
		return;
	}
	bundle_swap(&cor->slot, nb);
	log_info("reload %u: %s", nb->gen, changes);
}

int
main(int argc, char *argv[])
{
	struct correlator	 cor;
	struct bundle		*b;
	struct worker		*workers;
	struct httpd		*httpd = NULL;
	struct alerts		*alerts = NULL;
	struct conf_opt		*opts;
	sigset_t		 sigs;
	redisContext		*rc;
	struct rconn		*router;
	const char		*conf_path = NULL;
	uint64_t		 events = 0, skipped = 0, dets = 0, dead = 0;
	size_t			 nopts = 0, i;
	int			 ch, noaction = 0, verbose = 0, failed = 0;
	int			 nworkers, r, sig, drain;

	if ((opts = calloc((size_t)argc, sizeof(*opts))) == NULL)
		return 1;
	while ((ch = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		const char *key = NULL;

		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'n': noaction = 1; break;
		case 'v': verbose++; break;
		case 'r': key = "redis"; break;
		case 'R': key = "rules"; break;
		case 'g': key = "geoip"; break;
		case 'H': key = "home-countries"; break;
		case 'I': key = "internal"; break;
		case 'z': key = "timezone"; break;
		case 'w': key = "workers"; break;
		case 'W': key = "http"; break;
		case 'N': key = "no-http"; optarg = "yes"; break;
		case 'D': key = "web-root"; break;
		case 'd': key = "drain"; optarg = "yes"; break;
		case 'A': key = "allow-root"; optarg = "yes"; break;
		default: usage();
		}
		if (key != NULL) {
			opts[nopts].key = key;
			opts[nopts++].value = optarg;
		}
	}
	if (optind != argc)
		usage();
	log_init("vigie-correlator", verbose);

	/* The config, the rules and the geo database: the first bundle. */
	if (yr_initialize() != ERROR_SUCCESS)
		fatalx("yr_initialize failed");
	if ((b = bundle_load(conf_path, opts, nopts, NULL, NULL, 0)) == NULL)
		exit(2);
	if (daytime_set_zone(b->conf.timezone) == -1) {
		fprintf(stderr, "timezone %s: unknown zone\n",
		    b->conf.timezone);
		exit(2);
	}
	if (b->conf.geo_database == NULL)
		log_warnx("no geo database: every external source counts as "
		    "of unknown country");
	/*
	 * It reads what attackers wrote and needs no privilege: as root
	 * only when told so (the units run it as vigie).
	 */
	if (!noaction && geteuid() == 0 && !b->conf.allow_root) {
		fprintf(stderr, "vigie-correlator: refusing to run as root: it "
		    "reads hostile input and needs no privilege; run it as an "
		    "unprivileged user (the unit runs it as vigie), or give "
		    "--allow-root ([correlator] allow-root = yes)\n");
		exit(2);
	}
	if (noaction) {
		r = retention_check(&b->conf, RETENTION_CHECK_MS);
		bundle_free(b);
		yr_finalize();
		exit(r == -1 ? 2 : 0);
	}

	/*
	 * Signals wait for the main thread (sigwaitinfo); every thread
	 * started from here on inherits the mask.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0)
		fatalx("pthread_sigmask failed");
	signal(SIGPIPE, SIG_IGN);

	memset(&cor, 0, sizeof(cor));
	/*
	 * The partitions of the state (recorded, or recorded now), the
	 * functions on every master, and the retention in force.
	 */
	if (strncmp(b->conf.redis_address, "cluster:", 8) != 0) {
		if ((rc = redis_open_ready(b->conf.redis_address, 10000,
		    600)) == NULL)
			exit(1);
		redisFree(rc);
	}
	if ((router = rconn_open(b->conf.redis_address, 10000)) == NULL)
		exit(1);
	cor.cluster = rconn_is_cluster(router);
	if ((cor.nparts = commit_parts(router, &b->conf)) <= 0) {
		rconn_close(router);
		bundle_free(b);
		exit(cor.nparts == 0 ? 2 : 1);	/* refused: 2 */
	}
	r = commit_load_all(router);
	if (r == 0)
		r = retention_enforce(router, &b->conf, 1);
	rconn_close(router);
	if (r != 0) {
		bundle_free(b);
		exit(r == 1 ? 2 : 1);	/* retention refused: 2 */
	}

	if (!b->conf.drain && !b->conf.no_http &&
	    (httpd = httpd_start(&b->conf)) == NULL)
		exit(1);

	if (bundle_slot_init(&cor.slot, b) == -1)
		fatalx("cannot initialise a mutex");
	webinfo_set_slot(&cor.slot);
	if (httpd != NULL) {
		struct httpd_source src = { webinfo_rules, webinfo_metrics,
		    NULL };

		httpd_set_source(httpd, &src);
	}
	cor.main = pthread_self();
	if (getenv("VIGIE_TEST_CRASH_BEFORE") != NULL)
		cor.crash_before = atoi(getenv("VIGIE_TEST_CRASH_BEFORE"));
	if (gethostname(cor.host, sizeof(cor.host)) == -1)
		snprintf(cor.host, sizeof(cor.host), "correlator");
	cor.host[sizeof(cor.host) - 1] = '\0';

	/* The SIEM exporter: a thread, or after the workers with --drain. */
	drain = b->conf.drain;
	if (alerts_open(&b->conf, cor.host, cor.nparts, cor.cluster,
	    &alerts_quit, &alerts) == -1)
		exit(1);
	if (!drain && alerts != NULL && alerts_start(alerts) == -1)
		exit(1);

	nworkers = b->conf.workers;	/* needs a restart: stays */
	if ((workers = calloc((size_t)nworkers, sizeof(*workers))) == NULL)
		fatalx("out of memory");
	atomic_store(&cor.running, nworkers);
	for (i = 0; i < (size_t)nworkers; i++) {
		workers[i].cor = &cor;
		workers[i].idx = (int)i;
		workers[i].b = bundle_hold(&cor.slot);
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0)
			fatalx("cannot start worker %zu", i);
	}
	log_info("%d worker%s on %s, %zu rule%s%s%s", nworkers,
	    nworkers > 1 ? "s" : "", b->conf.redis_address, b->rules.n,
	    b->rules.n == 1 ? "" : "s",
	    httpd ? ", web view on http://" : "", httpd ? b->conf.http : "");

	/* Until told to stop, or until every worker is done (--drain). */
	while (atomic_load(&cor.running) > 0) {
		if ((sig = sigwaitinfo(&sigs, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("sigwaitinfo");
		}
		if (sig == SIGHUP)
			reload(&cor, conf_path, opts, nopts);
		else if (sig == SIGINT || sig == SIGTERM) {
			atomic_store(&cor.stop, 1);
			break;
		}
	}
	for (i = 0; i < (size_t)nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		events += workers[i].events;
		skipped += workers[i].skipped;
		dets += workers[i].rec.detections;
		dead += workers[i].dead;
		failed |= workers[i].failed;
		worker_free(&workers[i]);
	}
	free(workers);
	if (httpd != NULL)
		httpd_stop(httpd);
	if (alerts != NULL && drain && !failed && alerts_drain(alerts) == -1)
		failed = 1;
	alerts_quit = 1;
	alerts_stop(alerts);
	alerts_free(alerts);
	log_info("%" PRIu64 " events counted, %" PRIu64 " detections, %"
	    PRIu64 " already counted elsewhere, %" PRIu64 " undecodable "
	    "frame%s dead-lettered", events, dets, skipped, dead,
	    dead == 1 ? "" : "s");
	bundle_slot_close(&cor.slot);
	free(opts);
	yr_finalize();
	return failed ? 1 : 0;
}
