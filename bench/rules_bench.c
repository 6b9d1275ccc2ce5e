/*
 * bench/rules_bench.c - the rule pack's scan cost: µs per event for log
 * events (lines through the collector's parsers) and for flows with 2 KiB
 * client payloads, through the correlator's own scanner (correlator/scan.c).
 *
 *   rules_bench SECONDS RULES...   prints "log_us X flow_us Y matches N"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yara.h>

#include "event.h"
#include "parse.h"
#include "scan.h"

#define NLOG	4096		/* distinct log events, cycled */
#define NFLOW	1024		/* distinct flows, cycled */
#define PAYLOAD	2048

struct lev {
	struct event	 ev;
	char		*own;		/* the event's values, NUL-terminated */
	char		*line;
	size_t		 len;
};

static uint64_t	 rs = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) % n);
}

static const char *const users[] = { "root", "admin", "oracle", "alice" };
static const char *const paths[] = { "/", "/index.html", "/wp-login.php",
    "/api/v1/items?id=42&sort=desc", "/static/app.3f9a.js", "/.env",
    "/images/logo.png", "/cart/checkout?select=blue",
    "/search?q=how+to+select+a+union+rep&page=2",
    "/product.php?id=1%20UNION%20SELECT%20null--" };
static const char *const agents[] = { "Mozilla/5.0 (X11; Linux x86_64; "
    "rv:120.0) Gecko/20100101 Firefox/120.0", "curl/8.4.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/119.0 Safari/537.36" };

/* A log line: half web access lines, half syslog (sshd, sudo, kernel). */
static const char *
gen_line(char *b, size_t n)
{
	unsigned	 a = rnd(223) + 1, c = rnd(256), port = 1024 + rnd(60000);
	int		 k = rnd(10);

	if (k < 5) {
		snprintf(b, n, "%u.%u.7.9 - - [22/Nov/2026:10:00:%02u +0000] "
		    "\"GET %s HTTP/1.1\" %d 512 \"-\" \"%s\"", a, c, rnd(60),
		    paths[rnd(10)], k == 0 ? 404 : 200, agents[rnd(3)]);
		return "nginx";
	}
	if (k < 8)
		snprintf(b, n, "Nov 22 10:00:%02u web1 sshd[%u]: Failed "
		    "password for %s from %u.%u.1.2 port %u ssh2", rnd(60),
		    1000 + rnd(9000), users[rnd(4)], a, c, port);
	else if (k == 8)
		snprintf(b, n, "Nov 22 10:00:%02u web1 sudo:    alice : TTY=pts/0"
		    " ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/ls",
		    rnd(60));
	else
		snprintf(b, n, "Nov 22 10:00:%02u srv1 kernel: [  259.37] "
		    "usb 1-1: USB disconnect, device number %u", rnd(60),
		    rnd(9));
	return "syslog";
}

static void
own(struct lev *l)
{
	size_t	 need = 1, off = 0;
	int	 f;

	for (f = 0; f < EV_NFIELDS; f++)
		need += l->ev.f[f].len + 1;
	if ((l->own = malloc(need)) == NULL) {
		perror("malloc");
		exit(1);
	}
	for (f = 0; f < EV_NFIELDS; f++) {
		if (!l->ev.f[f].len)
			continue;
		memcpy(l->own + off, l->ev.f[f].v, l->ev.f[f].len);
		l->own[off + l->ev.f[f].len] = '\0';
		l->ev.f[f].v = l->own + off;
		off += l->ev.f[f].len + 1;
	}
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* µs per event over `secs` seconds, cycling n events. */
static double
run(struct scanner *s, struct lev *v, size_t n, const struct scanctx *x,
    double secs, uint64_t *matches)
{
	uint32_t	 hits[64];
	double		 t0 = now(), t;
	uint64_t	 done = 0;
	size_t		 i;
	int		 h;

	do {
		for (i = 0; i < n; i++) {
			h = scanner_scan(s, &v[i].ev, x, v[i].line, v[i].len,
			    hits, 64);
			if (h < 0) {
				fprintf(stderr, "rules_bench: scan error\n");
				exit(1);
			}
			*matches += (uint64_t)h;
		}
		done += n;
		t = now() - t0;
	} while (t < secs);
	return t * 1e6 / (double)done;
}

int
main(int argc, char **argv)
{
	static struct lev	 logs[NLOG], flows[NFLOW];
	struct parse_buf	 pb;
	struct ruleset		 rset;
	struct scanner		*s;
	struct scanctx		 x = { NULL, "CN", 10, 0, 1, "CN", 0, 1, 0 };
	const char		*pn;
	char			 b[1024];
	double			 secs, lus, fus;
	uint64_t		 m = 0;
	size_t			 i, k;

	if (argc < 3) {
		fprintf(stderr, "usage: rules_bench SECONDS RULES...\n");
		return 2;
	}
	secs = atof(argv[1]);
	if (yr_initialize() != ERROR_SUCCESS ||
	    ruleset_load(&rset, argv + 2, (size_t)argc - 2) == -1 ||
	    (s = scanner_new(&rset)) == NULL) {
		fprintf(stderr, "rules_bench: cannot load the rules\n");
		return 1;
	}
	memset(&pb, 0, sizeof(pb));
	for (i = 0; i < NLOG; i++) {
		pn = gen_line(b, sizeof(b));
		if ((logs[i].line = strdup(b)) == NULL)
			return 1;
		logs[i].len = strlen(b);
		(void)parser_find(pn)->parse(logs[i].line, logs[i].len,
		    1795341600, &pb, &logs[i].ev);
		own(&logs[i]);
	}
	for (i = 0; i < NFLOW; i++) {
		struct event *ev = &flows[i].ev;
		char *p;

		if ((p = flows[i].line = malloc(PAYLOAD)) == NULL)
			return 1;
		k = (size_t)snprintf(p, PAYLOAD, "POST /api/v1/upload?id=%zu "
		    "HTTP/1.1\r\nHost: shop.example.org\r\nUser-Agent: %s\r\n"
		    "Content-Type: application/json\r\n\r\n{\"items\":[", i,
		    agents[rnd(3)]);
		while (k < PAYLOAD) {
			p[k] = "abcdefghij0123456789,:\" {}"[rnd(26)];
			k++;
		}
		flows[i].len = PAYLOAD;
		event_clear(ev);
		event_set(ev, EV_KIND, "flow");
		event_set(ev, EV_PROTO, "tcp");
		event_set(ev, EV_STATE, i % 4 ? "closed" : "rejected");
		event_set(ev, EV_APP_PROTO, "http");
		event_set(ev, EV_HTTP_METHOD, "POST");
		event_set(ev, EV_URL, "/api/v1/upload");
		event_set(ev, EV_SRC_IP, "61.177.172.5");
		event_set(ev, EV_DEST_PORT, i % 8 ? "443" : "22");
		event_set(ev, EV_BYTES_TOSERVER, i % 2 ? "2400" : "90000");
	}
	lus = run(s, logs, NLOG, &x, secs, &m);
	fus = run(s, flows, NFLOW, &x, secs, &m);
	printf("log_us %.3f flow_us %.3f rules %zu\n", lus, fus, rset.n);
	scanner_free(s);
	ruleset_free(&rset);
	parse_buf_free(&pb);
	yr_finalize();
	return 0;
}
