/*
 * bench/parse_bench.c - parse-only throughput of each registry parser, one
 * thread (lines per second per core), on lines it generates in memory:
 * the daemons' formats with varied addresses, ports, users and URLs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"

#define NLINES	65536		/* distinct lines per parser, cycled */

static uint64_t	 rs = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) % n);
}

static const char *const users[] = { "root", "admin", "oracle", "test",
    "ubuntu", "git", "postgres", "alice", "deploy", "user1" };
static const char *const paths[] = { "/", "/index.html", "/wp-login.php",
    "/api/v1/items?id=42&sort=desc", "/static/app.3f9a.js", "/.env",
    "/images/logo.png", "/cart/checkout" };
static const char *const agents[] = { "Mozilla/5.0 (X11; Linux x86_64; "
    "rv:120.0) Gecko/20100101 Firefox/120.0", "curl/8.4.0",
    "Go-http-client/1.1", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36" };

static void
ip(char *b, size_t n)
{
	if (rnd(10) == 0)
		snprintf(b, n, "2001:db8:%x::%x", rnd(65536), rnd(65536));
	else
		snprintf(b, n, "%u.%u.%u.%u", 1 + rnd(223), rnd(256), rnd(256),
		    1 + rnd(254));
}

/* One line of parser `p` into b. */
static void
gen(const char *p, char *b, size_t n, int i)
{
	char		 a[64];
	const char	*u = users[rnd(10)];
	unsigned	 pid = 1000 + rnd(60000), port = 1024 + rnd(64000);
	int		 k = rnd(8);

	ip(a, sizeof(a));
	if (!strcmp(p, "sshd") || (!strcmp(p, "syslog") && i % 2 == 0)) {
		const char *h = "Nov 23 01:34:22 web1 sshd";

		switch (k) {
		case 0: case 1: case 2:
			snprintf(b, n, "%s[%u]: Failed password for %s%s from "
			    "%s port %u ssh2", h, pid, k == 2 ?
			    "invalid user " : "", u, a, port);
			break;
		case 3:
			snprintf(b, n, "%s[%u]: Invalid user %s from %s port "
			    "%u", h, pid, u, a, port);
			break;
		case 4:
			snprintf(b, n, "%s[%u]: pam_unix(sshd:auth): "
			    "authentication failure; logname= uid=0 euid=0 "
			    "tty=ssh ruser= rhost=%s  user=%s", h, pid, a, u);
			break;
		case 5:
			snprintf(b, n, "%s[%u]: Disconnected from authenticating "
			    "user %s %s port %u [preauth]", h, pid, u, a, port);
			break;
		case 6:
			snprintf(b, n, "%s[%u]: Accepted publickey for %s from "
			    "%s port %u ssh2: ED25519 SHA256:47DEQpj8HBSa+/TImW+5"
			    "JCeuQeRkm5NMpJWZG3hSuFU", h, pid, u, a, port);
			break;
		default:
			snprintf(b, n, "%s[%u]: Connection closed by %s port %u "
			    "[preauth]", h, pid, a, port);
		}
	} else if (!strcmp(p, "syslog")) {
		snprintf(b, n, "Nov 23 01:34:22 web1 CRON[%u]: pam_unix(cron:"
		    "session): session opened for user %s(uid=0) by (uid=0)",
		    pid, u);
	} else if (!strcmp(p, "sudo"))
		snprintf(b, n, "Nov 23 01:34:22 web1 sudo:    %s : TTY=pts/%d ; "
		    "PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/systemctl "
		    "restart nginx", u, k, u);
	else if (!strcmp(p, "pam"))
		snprintf(b, n, "Nov 23 01:34:22 web1 sshd[%u]: pam_unix(sshd:"
		    "auth): authentication failure; logname= uid=0 euid=0 "
		    "tty=ssh ruser= rhost=%s  user=%s", pid, a, u);
	else if (!strcmp(p, "su"))
		snprintf(b, n, "Nov 23 01:34:22 web1 su[%u]: FAILED SU (to root) "
		    "%s on pts/%d", pid, u, k);
	else if (!strcmp(p, "kernel"))
		snprintf(b, n, "Nov 23 01:34:22 web1 kernel: [%6u.%06u] usb "
		    "%d-%d: New USB device found, idVendor=%04x, idProduct=%04x, "
		    "bcdDevice= 1.00", pid, port, k, k + 1, rnd(65536),
		    rnd(65536));
	else if (!strcmp(p, "nginx") || !strcmp(p, "apache"))
		snprintf(b, n, "%s - %s [23/Nov/2025:10:%02u:%02u +0100] \"%s %s "
		    "HTTP/1.1\" %u %u \"-\" \"%s\"", a, k == 0 ? u : "-",
		    rnd(60), rnd(60), k < 6 ? "GET" : "POST", paths[k],
		    k == 5 ? 404 : 200, rnd(100000), agents[rnd(4)]);
	else if (!strcmp(p, "nginx-error"))
		snprintf(b, n, "2025/11/23 10:00:00 [error] 1234#1234: *%u user "
		    "\"%s\": password mismatch, client: %s, server: example.com, "
		    "request: \"GET /admin HTTP/1.1\", host: \"example.com\"",
		    pid, u, a);
	else if (!strcmp(p, "apache-error"))
		snprintf(b, n, "[Sun Nov 23 10:00:00.123456 2025] [auth_basic:"
		    "error] [pid %u:tid 1400] [client %s:%u] AH01618: user %s "
		    "not found: /secret", pid, a, port, u);
	else
		snprintf(b, n, "web1 app[%u]: something happened to %s from %s",
		    pid, u, a);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "sshd", "nginx", "apache",
	    "syslog", "sudo", "pam", "su", "kernel", "nginx-error",
	    "apache-error", "generic" };
	double		 secs = argc > 1 ? atof(argv[1]) : 1.0;
	size_t		 i, k;

	if (setenv("TZ", "UTC", 1) == -1)
		return 1;
	tzset();
	printf("%-13s %12s %10s\n", "parser", "lines/s", "recognised");
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		const struct parser	*p = parser_find(names[k]);
		static char		 buf[NLINES][320];
		static size_t		 len[NLINES];
		struct parse_buf	 pb;
		struct event		 ev;
		uint64_t		 n = 0, rec = 0;
		double			 t0, t;

		if (p == NULL)
			return 1;
		for (i = 0; i < NLINES; i++) {
			gen(names[k], buf[i], sizeof(buf[i]), (int)i);
			len[i] = strlen(buf[i]);
		}
		memset(&pb, 0, sizeof(pb));
		t0 = now();
		do {
			for (i = 0; i < 8192; i++, n++)
				rec += p->parse(buf[n % NLINES],
				    len[n % NLINES], 1763899200, &pb, &ev) ==
				    PARSE_RECOGNISED;
		} while ((t = now() - t0) < secs);
		printf("%-13s %12.0f %9.1f%%\n", names[k], n / t,
		    100.0 * rec / n);
		parse_buf_free(&pb);
	}
	return 0;
}
