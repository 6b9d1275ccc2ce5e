/*
 * correlator/main.c - vigie-correlator: consume every sensor's stream,
 * apply geo and YARA rules, keep the day's figures and incidents in
 * Redis, serve the web view, and export the alerts to the SIEM.
 */
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
#include "log.h"
#include "redis.h"

static volatile sig_atomic_t	 stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: vigie-correlator [-nv] [-c FILE] [--redis ADDR] "
	    "[--rules PATH]... [--geoip FILE]\n"
	    "                        [--home-countries CC,CC] "
	    "[--internal CIDR,CIDR] [--timezone TZ]\n"
	    "                        [--workers N] [--http ADDR | --no-http] "
	    "[--web-root DIR] [--drain]\n");
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
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL,			0,			NULL, 0 }
};

/* dashboards/ beside the binary's bin/, unless configured. */
static void
default_web_root(struct conf *conf)
{
	char	 exe[4096], *slash;
	ssize_t	 n;

	if (conf->web_root != NULL)
		return;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 32)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	strcpy(slash, "/../dashboards");
	conf_set(conf, "correlator", "web-root", exe, "default");
}

int
main(int argc, char *argv[])
{
	struct conf		 conf;
	struct correlator	 cor;
	struct worker		*workers;
	struct httpd		*httpd = NULL;
	struct alerts		*alerts = NULL;
	struct conf_opt		*opts;
	struct sigaction	 sa;
	redisContext		*rc;
	const char		*conf_path = NULL;
	uint64_t		 events = 0, skipped = 0, dets = 0, dead = 0;
	size_t			 nopts = 0, i;
	int			 ch, noaction = 0, verbose = 0, failed = 0;

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

	if (conf_setup(&conf, conf_path, "correlator", opts, nopts) == -1)
		exit(2);
	free(opts);
	default_web_root(&conf);
	if (daytime_set_zone(conf.timezone) == -1) {
		fprintf(stderr, "timezone %s: unknown zone\n", conf.timezone);
		exit(2);
	}

	memset(&cor, 0, sizeof(cor));
	cor.conf = &conf;
	cor.stop = &stop_requested;
	if (getenv("VIGIE_TEST_CRASH_BEFORE") != NULL)
		cor.crash_before = atoi(getenv("VIGIE_TEST_CRASH_BEFORE"));
	if (gethostname(cor.host, sizeof(cor.host)) == -1)
		snprintf(cor.host, sizeof(cor.host), "correlator");
	cor.host[sizeof(cor.host) - 1] = '\0';
	if (yr_initialize() != ERROR_SUCCESS)
		fatalx("yr_initialize failed");
	if (ruleset_load(&cor.rules, conf.rules_path.v, conf.rules_path.n) == -1)
		exit(2);
	if (conf.geo_database != NULL &&
	    geo_open(&cor.geo, conf.geo_database) == -1)
		exit(2);
	if (conf.geo_database == NULL)
		log_warnx("no geo database: every external source counts as "
		    "of unknown country");
	if (noaction)
		exit(0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		fatal("sigaction");
	signal(SIGPIPE, SIG_IGN);

	if ((rc = redis_open_ready(conf.redis_address, 10000, 600)) == NULL)
		exit(1);
	if (commit_load(rc) == -1)
		exit(1);
	redisFree(rc);
	if (alerts_open(&conf, cor.host, &stop_requested, &alerts) == -1)
		exit(1);

	if (!conf.drain && !conf.no_http &&
	    (httpd = httpd_start(&conf)) == NULL)
		exit(1);
	/* With --drain the alerts go out once the workers are done. */
	if (!conf.drain && alerts != NULL && alerts_start(alerts) == -1)
		exit(1);

	if ((workers = calloc((size_t)conf.workers, sizeof(*workers))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < (size_t)conf.workers; i++) {
		workers[i].cor = &cor;
		workers[i].idx = (int)i;
		if (pthread_create(&workers[i].thread, NULL, worker_main,
		    &workers[i]) != 0)
			fatalx("cannot start worker %zu", i);
	}
	log_info("%d worker%s on %s, %zu rules%s%s", conf.workers,
	    conf.workers > 1 ? "s" : "", conf.redis_address, cor.rules.n,
	    httpd ? ", web view on http://" : "", httpd ? conf.http : "");
	for (i = 0; i < (size_t)conf.workers; i++) {
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
	if (alerts != NULL && conf.drain && alerts_drain(alerts) == -1)
		failed = 1;
	alerts_stop(alerts);
	alerts_free(alerts);
	log_info("%" PRIu64 " events counted, %" PRIu64 " detections, %"
	    PRIu64 " already counted elsewhere, %" PRIu64 " undecodable "
	    "frame%s dead-lettered", events, dets, skipped, dead,
	    dead == 1 ? "" : "s");
	ruleset_free(&cor.rules);
	geo_close(&cor.geo);
	yr_finalize();
	conf_free(&conf);
	return failed ? 1 : 0;
}
