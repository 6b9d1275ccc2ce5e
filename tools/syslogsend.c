/*
 * tools/syslogsend.c - send syslog messages to a receiver over UDP or
 * TCP: the lines of stdin as they are, or N generated sshd messages as
 * fast as the socket takes them (the syslog benchmark). libc only.
 */

#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * syslogsend [-o] [-n COUNT] [-r RATE] [-f 3164|5424] [-s START]
 *     udp|tcp HOST PORT
 *
 * Without -n, each line of stdin is one message (no newline): one
 * datagram, or on TCP framed by LF, or with -o by octet counting. With
 * -n, COUNT messages "Invalid user u<START+i> ..." in RFC 3164 or 5424
 * (default 5424) are sent, at most RATE a second with -r, and the rate
 * is printed on stderr:
 * "sent N messages in S s: R msg/s".
 */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: syslogsend [-o] [-n COUNT] [-r RATE] "
	    "[-f 3164|5424] [-s START] udp|tcp HOST PORT\n");
	exit(2);
}

static int
sock_open(const char *proto, const char *host, const char *port)
{
	struct addrinfo	 hints, *res;
	int		 fd, e, tcp = !strcmp(proto, "tcp");

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "syslogsend: %s:%s: %s\n", host, port,
		    gai_strerror(e));
		exit(1);
	}
	if ((fd = socket(res->ai_family, res->ai_socktype, 0)) == -1 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) == -1) {
		fprintf(stderr, "syslogsend: %s:%s: %s\n", host, port,
		    strerror(errno));
		exit(1);
	}
	freeaddrinfo(res);
	return fd;
}

static void
send_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = send(fd, p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECONNREFUSED || errno == ENOBUFS)
				return;	/* UDP: counted as lost by the receiver */
			fprintf(stderr, "syslogsend: send: %s\n",
			    strerror(errno));
			exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

/* One message into out as it goes on the wire; its length. */
static size_t
frame(char *out, size_t cap, const char *m, size_t n, int tcp, int octet)
{
	size_t	 o = 0;

	if (tcp && octet)
		o = (size_t)snprintf(out, cap, "%zu ", n);
	if (o + n + 1 > cap)
		n = cap - o - 1;
	memcpy(out + o, m, n);
	o += n;
	if (tcp && !octet)
		out[o++] = '\n';
	return o;
}

int
main(int argc, char *argv[])
{
	struct timeval	 t0, t1;
	const char	*fmt = "5424";
	char		*line = NULL, msg[1024], *buf;
	size_t		 cap = 0, blen = 0, bcap = 1 << 16;
	ssize_t		 len;
	long		 count = -1, start = 1, i, rate = 0;
	int		 ch, octet = 0, tcp, fd;
	double		 s;

	while ((ch = getopt(argc, argv, "on:f:s:r:")) != -1) {
		switch (ch) {
		case 'r': rate = atol(optarg); break;
		case 'o': octet = 1; break;
		case 'n': count = atol(optarg); break;
		case 'f': fmt = optarg; break;
		case 's': start = atol(optarg); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3 || (strcmp(argv[0], "udp") && strcmp(argv[0], "tcp")))
		usage();
	tcp = !strcmp(argv[0], "tcp");
	fd = sock_open(argv[0], argv[1], argv[2]);
	if ((buf = malloc(bcap + (1 << 20))) == NULL)
		return 1;
	if (count < 0) {
		while ((len = getline(&line, &cap, stdin)) != -1) {
			if (len > 0 && line[len - 1] == '\n')
				len--;
			if (!tcp) {
				send_all(fd, line, (size_t)len);
				continue;
			}
			blen = frame(buf, bcap + (1 << 20), line, (size_t)len,
			    1, octet);
			send_all(fd, buf, blen);
		}
		free(line);
		free(buf);
		close(fd);
		return 0;
	}
	gettimeofday(&t0, NULL);
	for (i = 0; i < count; i++) {
		long	 k = start + i;
		int	 n;

		/* Paced: every 100 messages, wait for their time. */
		if (rate > 0 && i % 100 == 0) {
			double	 due = (double)i / (double)rate, el;

			for (;;) {
				gettimeofday(&t1, NULL);
				el = (double)(t1.tv_sec - t0.tv_sec) +
				    (t1.tv_usec - t0.tv_usec) / 1e6;
				if (el >= due)
					break;
				usleep((useconds_t)((due - el) * 1e6));
			}
		}

		if (!strcmp(fmt, "3164"))
			n = snprintf(msg, sizeof(msg), "<38>Nov 22 10:%02ld:%02ld "
			    "web1 sshd[%ld]: Invalid user u%ld from "
			    "198.51.100.%ld port %ld", (k / 60) % 60, k % 60,
			    1000 + k % 5000, k, 1 + k % 250, 1024 + k % 60000);
		else
			n = snprintf(msg, sizeof(msg), "<38>1 2026-11-22T10:%02ld:"
			    "%02ld.%06ldZ web1 sshd %ld - - Invalid user u%ld "
			    "from 198.51.100.%ld port %ld", (k / 60) % 60, k % 60,
			    k % 1000000, 1000 + k % 5000, k, 1 + k % 250,
			    1024 + k % 60000);
		if (!tcp) {
			send_all(fd, msg, (size_t)n);
			continue;
		}
		blen += frame(buf + blen, sizeof(msg) + 16, msg, (size_t)n, 1,
		    octet);
		if (blen >= bcap) {
			send_all(fd, buf, blen);
			blen = 0;
		}
	}
	if (blen > 0)
		send_all(fd, buf, blen);
	gettimeofday(&t1, NULL);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_usec - t0.tv_usec) / 1e6;
	fprintf(stderr, "sent %ld messages in %.3f s: %.0f msg/s\n", count, s,
	    s > 0 ? count / s : 0);
	free(buf);
	close(fd);
	return 0;
}
