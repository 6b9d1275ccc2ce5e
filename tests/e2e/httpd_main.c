/*
 * tests/e2e/httpd_main.c - a test server: correlator/http.c alone, no workers.
 * Owns a struct conf built from its options; serves until SIGINT or SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "daytime.h"
#include "http.h"
#include "log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: httpd_main --redis ADDR --http ADDR "
	    "--web-root DIR [--token-file FILE] [--prefix P] [--timezone TZ] "
	    "[-v]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct conf	 conf;
	struct httpd	*h;
	sigset_t	 set;
	const char	*tz = "UTC";
	int		 i, sig, verbose = 0;

	memset(&conf, 0, sizeof(conf));
	conf.redis_address = "127.0.0.1:6379";
	conf.redis_prefix = "vigie:";
	conf.http = "127.0.0.1:8080";
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = 2;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--redis") == 0)
			conf.redis_address = argv[++i];
		else if (strcmp(argv[i], "--http") == 0)
			conf.http = argv[++i];
		else if (strcmp(argv[i], "--web-root") == 0)
			conf.web_root = argv[++i];
		else if (strcmp(argv[i], "--token-file") == 0)
			conf.http_token_file = argv[++i];
		else if (strcmp(argv[i], "--prefix") == 0)
			conf.redis_prefix = argv[++i];
		else if (strcmp(argv[i], "--timezone") == 0)
			tz = argv[++i];
		else
			usage();
	}
	log_init("httpd_main", verbose);
	if (daytime_set_zone(tz) == -1) {
		fprintf(stderr, "httpd_main: unknown time zone %s\n", tz);
		return 2;
	}

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((h = httpd_start(&conf)) == NULL)
		return 1;
	printf("port %d\n", httpd_port(h));
	fflush(stdout);
	if (sigwait(&set, &sig) != 0)
		fatalx("sigwait");
	httpd_stop(h);
	return 0;
}
