/*
 * collector/main.c - vigie-collector: read host logs into events and
 * publish them to the sensor's Redis stream, exactly once.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "conf.h"
#include "log.h"

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
	    "usage: vigie-collector [-nv] [-c FILE] [--sensor NAME] "
	    "[--redis ADDR]\n"
	    "                       [--state-dir DIR] [--log FILE[:PARSER]]... "
	    "[--once]\n");
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
	{ "syslog",	required_argument,	NULL, 'y' },
	{ "once",	no_argument,		NULL, 'o' },
	{ "batch",	required_argument,	NULL, 'b' },
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

int
main(int argc, char *argv[])
{
	struct conf	 conf;
	struct collector c;
	struct conf_opt	*opts;
	struct sigaction sa;
	struct streamid	 top;
	const char	*conf_path = NULL;
	size_t		 nopts = 0, i;
	int		 ch, noaction = 0, verbose = 0, rc = 0;

	if ((opts = calloc((size_t)argc, sizeof(*opts))) == NULL)
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
		case 'y': key = "syslog"; break;
		case 'o': key = "once"; optarg = "yes"; break;
		case 'b': key = "batch"; break;
		default: usage();
		}
		if (key != NULL) {
			opts[nopts].key = key;
			opts[nopts++].value = optarg;
		}
	}
	if (optind != argc)
		usage();
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
	for (i = 0; i < conf.log.n; i++)
		if (logfile_check_spec(conf.log.v[i]) == -1)
			exit(2);
	if (conf.log.n == 0) {
		fprintf(stderr, "vigie-collector: no input: give --log FILE"
		    "[:PARSER] or [collector] log\n");
		exit(2);
	}
	if (noaction)
		exit(0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		fatal("sigaction");
	signal(SIGPIPE, SIG_IGN);

	memset(&c, 0, sizeof(c));
	c.conf = &conf;
	c.sensor = conf.sensor;
	c.stop = &stop_requested;
	if (getenv("VIGIE_TEST_CRASH_AFTER") != NULL)
		c.crash_after = atoi(getenv("VIGIE_TEST_CRASH_AFTER"));
	batch_init(&c.batch);
	if (state_open(&c.state, conf.state_dir, conf.sensor) == -1)
		exit(1);
	if (publish_open(&c.pub, conf.redis_address, conf.redis_prefix,
	    conf.sensor) == -1 || publish_top(&c.pub, &top) == -1)
		exit(1);
	if (streamid_cmp(top, c.state.last) > 0) {
		log_warnx("stream %s ends at %" PRIu64 "-%" PRIu64 ", above "
		    "the saved id %" PRIu64 "-%" PRIu64 " (state lost or "
		    "restored?): new ids continue above it", c.pub.key, top.ms,
		    top.seq, c.state.last.ms, c.state.last.seq);
		c.state.last = top;
	}
	if (logfile_replay(&c) == -1)
		exit(1);

	for (;;) {
		for (i = 0; i < conf.log.n && !stop_requested; i++)
			if (logfile_read(&c, conf.log.v[i]) == -1) {
				rc = 1;
				break;
			}
		if (rc != 0 || conf.once || stop_requested)
			break;
		sleep(1);
	}
	if (rc == 0) {
		/* Every batch is in Redis: nothing is left in flight. */
		c.state.inflight.active = 0;
		if (state_save(&c.state) == -1)
			rc = 1;
	}
	log_info("%" PRIu64 " lines, %" PRIu64 " recognised, %" PRIu64
	    " without syslog header, %" PRIu64 " truncated; %" PRIu64
	    " events stored, %" PRIu64 " already in Redis", c.lines,
	    c.recognised, c.no_header, c.truncated, c.pub.stored, c.pub.dups);
	publish_close(&c.pub);
	state_close(&c.state);
	batch_free(&c.batch);
	conf_free(&conf);
	return rc;
}
