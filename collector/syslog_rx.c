/*
 * collector/syslog_rx.c - the syslog receiver's sockets: UDP datagrams,
 * TCP connections with bounded buffers, the allow list, the counters.
 * Owns its sockets and connections. Calls syslog_frame.c and emit.c.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "syslog_rx.h"

#define DGRAM_MAX	65536
#define DGRAM_BUDGET	512		/* datagrams per wakeup */
#define TCP_BUDGET	(256 << 10)	/* bytes per connection per wakeup */

static void
peer_addr(const struct sockaddr_storage *ss, struct netaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		a->a[10] = a->a[11] = 0xff;
		memcpy(a->a + 12, &s4->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		memcpy(a->a, &s6->sin6_addr, 16);
	}
}

static struct srx_src *
src_get(struct syslog_rx *rx, const struct netaddr *a)
{
	size_t	 i;

	for (i = 0; i < rx->nsrc; i++)
		if (!memcmp(&rx->src[i].a, a, sizeof(*a)))
			return &rx->src[i];
	if (rx->nsrc == SRX_SOURCES)
		return &rx->other;
	memset(&rx->src[rx->nsrc], 0, sizeof(rx->src[0]));
	rx->src[rx->nsrc].a = *a;
	return &rx->src[rx->nsrc++];
}

/* Is the peer allowed? Counts it either way. */
static int
peer_allowed(struct syslog_rx *rx, const struct netaddr *a,
    struct srx_src **s)
{
	*s = src_get(rx, a);
	if (rx->allow != NULL && !cidrset_contains(rx->allow, a)) {
		char	 txt[64];

		rx->refused++;
		if ((*s)->refused++ == 0) {
			netaddr_format(a, txt, sizeof(txt));
			log_warnx("syslog: %s is outside syslog-allow: refused "
			    "(counted from now on)", txt);
		}
		return 0;
	}
	return 1;
}

/* One message into one event. */
static void
rx_message(struct syslog_rx *rx, struct srx_src *s, const char *relay,
    const char *m, size_t len, int cut)
{
	struct event	 ev;

	if (cut) {
		rx->cut++;
		s->cut++;
	}
	if (len == 0)
		return;
	rx->messages++;
	s->msgs++;
	switch (syslog_msg_event(m, len, time(NULL), relay, &rx->sm, &ev)) {
	case PARSE_RECOGNISED: rx->recognised++; break;
	case PARSE_NO_HEADER: rx->no_header++; break;
	case PARSE_PLAIN: break;
	}
	/* A datagram cannot be read again: the spool is its journal. */
	if (emit_event(rx->emit, &ev, NULL) == -1)
		rx->failed = 1;
}

/*
 * What was read cannot be read again: its open frame goes into the spool
 * before the loop waits, not at the next turn, so a collector killed in
 * between loses none of it (fsync'd at the turn, as every input).
 */
static void
rx_seal(struct syslog_rx *rx)
{
	if (emit_flush(rx->emit) == -1)
		rx->failed = 1;
}

static void
udp_read(struct srx_listener *l, evutil_socket_t fd)
{
	struct syslog_rx	*rx = l->rx;
	struct sockaddr_storage	 ss;
	struct netaddr		 a;
	struct srx_src		*s;
	socklen_t		 sl;
	ssize_t			 n;
	size_t			 len;
	char			 relay[64];
	int			 i, cut;

	for (i = 0; i < DGRAM_BUDGET && !rx->failed; i++) {
		sl = sizeof(ss);
		n = recvfrom(fd, rx->dbuf, DGRAM_MAX, MSG_TRUNC,
		    (struct sockaddr *)&ss, &sl);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("syslog %s: recvfrom", l->spec);
			return;
		}
		peer_addr(&ss, &a);
		if (!peer_allowed(rx, &a, &s))
			continue;
		if (spool_full(rx->emit->sp)) {
			rx->dropped++;
			continue;
		}
		len = syslog_dgram(rx->dbuf, n > DGRAM_MAX ? DGRAM_MAX :
		    (size_t)n, rx->max, &cut);
		if (n > DGRAM_MAX)
			cut = 1;
		netaddr_format(&a, relay, sizeof(relay));
		rx_message(rx, s, relay, rx->dbuf, len, cut);
	}
}

static void
udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srx_listener	*l = arg;

	(void)what;
	udp_read(l, fd);
	rx_seal(l->rx);
}

static void
conn_close(struct srx_conn *c)
{
	struct syslog_rx	*rx = c->rx;
	struct srx_conn		**pp;

	for (pp = &rx->conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	rx->nconns--;
	event_free(c->ev);
	close(c->fd);
	free(c->buf);
	free(c);
}

/* The complete messages of c->buf; 0, or -1 when the connection goes. */
static int
conn_frames(struct srx_conn *c, int eof)
{
	struct syslog_rx	*rx = c->rx;
	struct srx_src		*s = src_get(rx, &c->peer);
	const char		*m;
	size_t			 off = 0, k, ml;
	int			 fl;

	while (off < c->have) {
		k = syslog_frame(&c->fr, c->buf + off, c->have - off, rx->max,
		    eof, &m, &ml, &fl);
		if (fl & SF_BAD) {
			rx->bad_frames++;
			log_warnx("syslog: %s: a bad octet count: connection "
			    "closed", c->relay);
			return -1;
		}
		if (fl & SF_MSG)
			rx_message(rx, s, c->relay, m, ml, fl & SF_CUT);
		if (k == 0)
			break;
		off += k;
	}
	c->have -= off;
	memmove(c->buf, c->buf + off, c->have);
	return 0;
}

/* Reads c's messages; may close c. */
static void
tcp_read(struct srx_conn *c, evutil_socket_t fd)
{
	struct syslog_rx	*rx = c->rx;
	size_t			 got = 0, cap = rx->max + 16;
	ssize_t			 n;

	while (got < TCP_BUDGET && !rx->failed) {
		if (spool_full(rx->emit->sp)) {
			/* Backpressure: the sender waits in its window. */
			event_del(c->ev);
			c->paused = rx->paused = 1;
			return;
		}
		n = read(fd, c->buf + c->have, cap - c->have);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			log_warn("syslog: %s: read", c->relay);
			conn_close(c);
			return;
		}
		if (n == 0) {
			conn_frames(c, 1);
			conn_close(c);
			return;
		}
		got += (size_t)n;
		c->have += (size_t)n;
		if (conn_frames(c, 0) == -1) {
			conn_close(c);
			return;
		}
	}
}

static void
tcp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srx_conn		*c = arg;
	struct syslog_rx	*rx = c->rx;

	(void)what;
	tcp_read(c, fd);	/* c may be gone */
	rx_seal(rx);
}

static void
tcp_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct srx_listener	*l = arg;
	struct syslog_rx	*rx = l->rx;
	struct sockaddr_storage	 ss;
	struct srx_conn		*c;
	struct srx_src		*s;
	struct netaddr		 a;
	socklen_t		 sl = sizeof(ss);
	int			 cfd;

	(void)what;
	if ((cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("syslog %s: accept", l->spec);
		return;
	}
	peer_addr(&ss, &a);
	if (!peer_allowed(rx, &a, &s)) {
		close(cfd);
		return;
	}
	if (rx->nconns >= SRX_CONNS) {
		rx->refused++;
		s->refused++;
		log_warnx("syslog %s: %d connections already: one refused",
		    l->spec, SRX_CONNS);
		close(cfd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buf = malloc(rx->max + 16)) == NULL ||
	    (c->ev = event_new(rx->base, cfd, EV_READ | EV_PERSIST,
	    tcp_read_cb, c)) == NULL || event_add(c->ev, NULL) == -1) {
		log_warnx("syslog %s: out of memory", l->spec);
		if (c != NULL) {
			if (c->ev != NULL)
				event_free(c->ev);
			free(c->buf);
		}
		free(c);
		close(cfd);
		return;
	}
	c->rx = rx;
	c->fd = cfd;
	c->peer = a;
	netaddr_format(&a, c->relay, sizeof(c->relay));
	c->next = rx->conns;
	rx->conns = c;
	rx->nconns++;
}

/* "udp:HOST:PORT", "tcp:[V6]:PORT" into a bound socket. */
static int
listener_open(struct syslog_rx *rx, struct srx_listener *l, const char *spec)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*p = spec + 4, *colon;
	char		 host[256], port[16];
	size_t		 hl;
	int		 fd = -1, one = 1, rcv = 4 << 20, e;

	l->rx = rx;
	l->fd = -1;
	l->tcp = !strncmp(spec, "tcp:", 4);
	if (*p == '[') {
		if ((colon = strchr(p, ']')) == NULL || colon[1] != ':')
			goto bad;
		hl = (size_t)(colon - p - 1);
		p++;
		colon++;
	} else {
		if ((colon = strrchr(p, ':')) == NULL)
			goto bad;
		hl = (size_t)(colon - p);
	}
	if (hl == 0 || hl >= sizeof(host) || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= sizeof(port))
		goto bad;
	memcpy(host, p, hl);
	host[hl] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = l->tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "vigie-collector: --syslog %s: %s\n", spec,
		    gai_strerror(e));
		return -1;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		goto sys;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* Datagrams wait in the socket while a turn runs: a large buffer. */
	if (!l->tcp && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv,
	    sizeof(rcv)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    (l->tcp && listen(fd, 128) == -1))
		goto sys;
	freeaddrinfo(res);
	l->fd = fd;
	if ((l->spec = strdup(spec)) == NULL ||
	    (l->ev = event_new(rx->base, fd, EV_READ | EV_PERSIST,
	    l->tcp ? tcp_accept_cb : udp_cb, l)) == NULL) {
		fprintf(stderr, "vigie-collector: --syslog %s: out of memory\n",
		    spec);
		return -1;
	}
	return 0;
 sys:
	fprintf(stderr, "vigie-collector: --syslog %s: %s\n", spec,
	    strerror(errno));
	if (fd != -1)
		close(fd);
	freeaddrinfo(res);
	return -1;
 bad:
	fprintf(stderr, "vigie-collector: --syslog %s: expected udp:HOST:PORT "
	    "or tcp:HOST:PORT (an IPv6 host in brackets)\n", spec);
	return -1;
}

int
syslog_rx_init(struct syslog_rx *rx, struct event_base *base,
    struct emitter *emit, const struct conf *conf)
{
	size_t	 i;

	memset(rx, 0, sizeof(*rx));
	rx->base = base;
	rx->emit = emit;
	rx->allow = conf->syslog_allow;
	rx->max = (size_t)conf->syslog_max_msg;
	if (conf->syslog.n == 0)
		return 0;
	if ((rx->dbuf = malloc(DGRAM_MAX)) == NULL ||
	    (rx->sm.line = malloc(rx->max + SMSG_EXTRA)) == NULL ||
	    (rx->ls = calloc(conf->syslog.n, sizeof(*rx->ls))) == NULL) {
		fprintf(stderr, "vigie-collector: out of memory\n");
		return -1;
	}
	for (i = 0; i < conf->syslog.n; i++, rx->nls++)
		if (listener_open(rx, &rx->ls[i], conf->syslog.v[i]) == -1) {
			rx->nls++;
			return -1;
		}
	if (rx->allow == NULL)
		log_info("syslog: no syslog-allow: every peer is accepted");
	return 0;
}

void
syslog_rx_start(struct syslog_rx *rx)
{
	size_t	 i;

	if (rx->started)
		return;
	rx->started = 1;
	for (i = 0; i < rx->nls; i++)
		if (event_add(rx->ls[i].ev, NULL) == -1) {
			log_warnx("syslog %s: cannot listen", rx->ls[i].spec);
			rx->failed = 1;
		}
}

void
syslog_rx_resume(struct syslog_rx *rx)
{
	struct srx_conn	*c;

	if (!rx->paused || spool_full(rx->emit->sp))
		return;
	rx->paused = 0;
	for (c = rx->conns; c != NULL; c = c->next)
		if (c->paused) {
			c->paused = 0;
			if (event_add(c->ev, NULL) == -1)
				log_warnx("syslog: %s: cannot read again",
				    c->relay);
			else
				event_active(c->ev, EV_READ, 0);
		}
}

size_t
syslog_rx_sources(const struct syslog_rx *rx, char (*k)[64], char (*v)[64],
    size_t cap)
{
	size_t	 i, n = 0;
	char	 a[48];

	for (i = 0; i < rx->nsrc && n < cap; i++, n++) {
		netaddr_format(&rx->src[i].a, a, sizeof(a));
		snprintf(k[n], 64, "syslog:%s", a);
		snprintf(v[n], 64, "%" PRIu64 " %" PRIu64 " %" PRIu64,
		    rx->src[i].msgs, rx->src[i].refused, rx->src[i].cut);
	}
	if (n < cap && (rx->other.msgs || rx->other.refused)) {
		snprintf(k[n], 64, "syslog:other");
		snprintf(v[n++], 64, "%" PRIu64 " %" PRIu64 " %" PRIu64,
		    rx->other.msgs, rx->other.refused, rx->other.cut);
	}
	return n;
}

void
syslog_rx_free(struct syslog_rx *rx)
{
	size_t	 i;

	while (rx->conns != NULL)
		conn_close(rx->conns);
	for (i = 0; i < rx->nls; i++) {
		if (rx->ls[i].ev != NULL)
			event_free(rx->ls[i].ev);
		if (rx->ls[i].fd != -1)
			close(rx->ls[i].fd);
		free(rx->ls[i].spec);
	}
	free(rx->ls);
	free(rx->dbuf);
	free(rx->sm.line);
	parse_buf_free(&rx->sm.pb);	/* the sshd carry table */
	memset(rx, 0, sizeof(*rx));
}
