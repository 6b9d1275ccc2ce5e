/*
 * tools/genlog.c - generate a realistic sshd auth.log for demos and benchmarks.
 * Owns its PRNG, a session table and the event list, sorted before printing.
 * Standalone (libc only); vigie-collector --log FILE:sshd reads its output.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * genlog [--seed N] [--days D] [--end EPOCH] [--lines N] [--host NAME]
 *     [--truth FILE] [-o FILE]
 *
 * Writes, in time order, the auth.log that rsyslog on Debian 12 would have
 * written over the D days (default 7) up to --end (default now), in local
 * time (TZ): users alice, bob and deploy logging in from internal and
 * French addresses; password guessers from abroad (bursts of 5-40 tries,
 * with sshd's and pam_unix's lines as OpenSSH 9 interleaves them), every
 * day and within the last two hours before --end; scanners; cron and sudo.
 * About N lines (default 20000), never fewer than every day's bursts and
 * hourly cron (some 250 lines a day).  Same seed and end, same output.
 * --truth FILE writes the ground truth of the rule ssh_password_guessing:
 * the source addresses of TRUTH_THRESHOLD or more sshd authentication
 * failures (`Failed password` lines, for valid and invalid users alike;
 * neither `Invalid user` notices nor PAM's lines) whose first and last are
 * at most TRUTH_WINDOW seconds apart, one address per line, sorted.  It
 * comes from the generator's own list of what it wrote, not from the log.
 * Exit 0, 1 on a write error, 2 on bad usage.
 */

#define DAY		86400
#define MAX_TRIES	6		/* sshd MaxAuthTries default */
#define PID_MAX		4194304
#define LOGIND_PID	589
#define TRUTH_THRESHOLD	5		/* rules/ssh.yar: threshold = 5 */
#define TRUTH_WINDOW	600		/* window = 600 */

/* One splitmix64 stream: the same seed gives the same log. */
struct rng {
	uint64_t	 s;
};

/* Kinds of line; format_line() prints each. */
enum line {
	L_ACCEPT_KEY, L_ACCEPT_PW, L_SESS_OPEN, L_LOGIND_NEW,
	L_RECV_DISC_USER, L_DISC_USER, L_SESS_CLOSE, L_LOGIND_REMOVED,
	L_INVALID, L_CHECK_PASS, L_PAM_FAIL, L_FAILED_PW, L_MAX_EXCEEDED,
	L_DISCONNECTING, L_PAM_MORE, L_PAM_IGNORE, L_CLOSED_PREAUTH,
	L_RECV_BYE, L_DISC_PREAUTH,
	L_NO_IDENT, L_BAD_PROTO, L_KEX_CLOSED, L_CLOSED_BARE, L_KEX_INVALID,
	L_BANNER, L_NEGOTIATE,
	L_CRON_OPEN, L_CRON_CLOSE, L_SUDO_CMD, L_SUDO_OPEN, L_SUDO_CLOSE
};

/* One process (an sshd connection, a cron job) and who is behind it. */
struct sess {
	char		 ip[46];
	uint32_t	 pid;		/* given when first printed */
	uint32_t	 lsess;		/* logind session, same */
	uint16_t	 port;
	uint8_t		 user;		/* index into names[] */
	uint8_t		 arg;		/* banner or command index */
};

struct ev {
	int64_t		 t;
	uint32_t	 seq;
	uint32_t	 sess;
	uint16_t	 line;
	uint16_t	 arg;
};

struct gen {
	struct rng	 rng;
	int64_t		 start, end;
	struct sess	*sess;
	size_t		 nsess, capsess;
	struct ev	*ev;
	size_t		 nev, capev;
	char		 attackers[64][46];
	size_t		 nattackers;
};

/* names[0..NVALID) exist on the host; the rest are guesses. */
static const char *const names[] = {
	"alice", "bob", "deploy", "root",
	"admin", "ubuntu", "test", "oracle", "user", "postgres", "git", "pi",
	"ftpuser", "guest", "support", "hadoop", "debian", "ec2-user", "mysql",
	"jenkins", "tomcat", "nagios", "steam", "ansible", "administrator",
	"server", "dev", "www-data1", "sol", "validator", "ubnt", "teamspeak",
};
#define NVALID		4
#define NLEGIT		3
#define USER_ROOT	3
static const unsigned int uids[NVALID] = { 1000, 1001, 1002, 0 };

static const char *const fingerprints[NLEGIT] = {
	"SHA256:Jm3w1r7QmD2p3m0y8sJgk9o1y9Tq1u0HcUeXo3YbQ8s",
	"SHA256:q2bq1m8sYl1Z9aTgq3o8JwKkU5c3G7f1nJ0r2vXy6Ho",
	"SHA256:7hTn0c4Qj2m9bE1kzP5vR3wL8yA6sD0fG2hJ4kL6mNo",
};

static const char *const banners[] = {
	"GET / HTTP/1.1", "GET /favicon.ico HTTP/1.1", "HELP",
	"OPTIONS / RTSP/1.0", "\\026\\003\\001",
	"MGLNDD_51.15.2.7_22",
};
#define NBANNERS	(sizeof(banners) / sizeof(banners[0]))

static const char *const commands[] = {
	"/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update",
	"/usr/bin/journalctl -u nginx", "/usr/bin/systemctl status vigie",
	"/usr/bin/tail -n 100 /var/log/nginx/error.log",
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static const char *const months[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static void	usage(void) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr, "usage: genlog [--seed N] [--days D] [--end EPOCH] "
	    "[--lines N] [--host NAME] [--truth FILE] [-o FILE]\n");
	exit(2);
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/*
 * The address helpers draw their random numbers into locals first: the
 * order in which function arguments are evaluated is unspecified, and the
 * log must be the same whatever the compiler.
 */
static void
addr_internal(struct rng *r, char *buf, size_t sz)
{
	unsigned int k = rng_below(r, 10), a = rng_below(r, 256),
	    b = 1 + rng_below(r, 0xfffe), c = 1 + rng_below(r, 0xfffe),
	    d = 1 + rng_below(r, 0xfffe), e = 1 + rng_below(r, 254);

	if (k == 0)
		snprintf(buf, sz, "fd%02x:%x:%x:%x::%x", a, b, c, d, e);
	else if (k < 4)
		snprintf(buf, sz, "192.168.%u.%u", a, e);
	else
		snprintf(buf, sz, "10.%u.%u.%u", a, b % 256, e);
}

/* Home country (FR) consumer ISPs. */
static void
addr_domestic(struct rng *r, char *buf, size_t sz)
{
	unsigned int k = rng_below(r, 3), a = rng_below(r, 128),
	    b = rng_below(r, 256), e = 1 + rng_below(r, 254);

	if (k == 0)
		snprintf(buf, sz, "90.%u.%u.%u", a, b, e);
	else if (k == 1)
		snprintf(buf, sz, "2.1.%u.%u", b, e);
	else
		snprintf(buf, sz, "86.192.%u.%u", b, e);
}

static void
addr_foreign(struct rng *r, char *buf, size_t sz)
{
	unsigned int k = rng_below(r, 11), o = 1 + rng_below(r, 254),
	    a = 1 + rng_below(r, 254), b = rng_below(r, 256),
	    c = 1 + rng_below(r, 0xfffe), d = 1 + rng_below(r, 0xfffe);

	switch (k) {
	case 0:
		snprintf(buf, sz, "61.177.172.%u", o);		/* CN */
		break;
	case 1:
		snprintf(buf, sz, "218.92.0.%u", o);		/* CN */
		break;
	case 2:
		snprintf(buf, sz, "183.81.169.%u", o);		/* NL */
		break;
	case 3:
		snprintf(buf, sz, "141.98.11.%u", o);		/* LT */
		break;
	case 4:
		snprintf(buf, sz, "45.148.10.%u", o);		/* NL */
		break;
	case 5:
		snprintf(buf, sz, "92.255.85.%u", o);		/* RU */
		break;
	case 6:
		snprintf(buf, sz, "193.32.162.%u", o);		/* RU */
		break;
	case 7:
		snprintf(buf, sz, "103.%u.%u.%u", a, b, o);	/* APAC */
		break;
	case 8:
		snprintf(buf, sz, "185.220.101.%u", o);	/* DE */
		break;
	case 9:
		snprintf(buf, sz, "2001:da8:%x:%x::%x", c, d, o);	/* CN */
		break;
	default:
		snprintf(buf, sz, "170.64.%u.%u", b, o);	/* AU */
		break;
	}
}

static void *
grow(void *p, size_t *cap, size_t need, size_t elsz)
{
	size_t	 ncap = *cap == 0 ? 4096 : *cap;
	void	*np;

	if (need <= *cap)
		return p;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elsz)
			return NULL;
		ncap *= 2;
	}
	if ((np = realloc(p, ncap * elsz)) == NULL)
		return NULL;
	*cap = ncap;
	return np;
}

static uint32_t
sess_new(struct gen *g, const char *ip, unsigned int user)
{
	struct sess	*s;

	if ((s = grow(g->sess, &g->capsess, g->nsess + 1, sizeof(*s))) ==
	    NULL) {
		perror("genlog: sessions");
		exit(1);
	}
	g->sess = s;
	s = &g->sess[g->nsess];
	memset(s, 0, sizeof(*s));
	snprintf(s->ip, sizeof(s->ip), "%s", ip);
	s->port = (uint16_t)rng_range(&g->rng, 1024, 65535);
	s->user = (uint8_t)user;
	return (uint32_t)g->nsess++;
}

/* Queue one line; lines outside [start, end] are dropped. */
static void
ev_add(struct gen *g, int64_t t, uint32_t sess, enum line line,
    unsigned int arg)
{
	struct ev	*e;

	if (t < g->start || t > g->end)
		return;
	if ((e = grow(g->ev, &g->capev, g->nev + 1, sizeof(*e))) == NULL) {
		perror("genlog: events");
		exit(1);
	}
	g->ev = e;
	e = &g->ev[g->nev];
	e->t = t;
	e->seq = (uint32_t)g->nev;
	e->sess = sess;
	e->line = (uint16_t)line;
	e->arg = (uint16_t)arg;
	g->nev++;
}

/* Local hour of t. */
static int
local_hour(int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 12;
	return tm.tm_hour;
}

/* A user logs in with a key (or mistypes a password first) and works. */
static void
gen_legit(struct gen *g, int64_t t)
{
	struct rng	*r = &g->rng;
	char		 ip[46];
	unsigned int	 user = rng_below(r, NLEGIT);
	uint32_t	 s;
	int64_t		 end;

	if (user == 2 || rng_below(r, 10) < 7)
		addr_internal(r, ip, sizeof(ip));
	else
		addr_domestic(r, ip, sizeof(ip));
	s = sess_new(g, ip, user);
	if (user == 1 && rng_below(r, 3) == 0) {
		ev_add(g, t, s, L_PAM_FAIL, 0);
		ev_add(g, t, s, L_FAILED_PW, 0);
		t += rng_range(r, 3, 9);
		ev_add(g, t, s, L_ACCEPT_PW, 0);
	} else
		ev_add(g, t, s, L_ACCEPT_KEY, 0);
	ev_add(g, t, s, L_SESS_OPEN, 0);
	ev_add(g, t, s, L_LOGIND_NEW, 0);
	end = t + (user == 2 ? rng_range(r, 5, 90) :
	    rng_range(r, 60, 3 * 3600));
	if (user != 2 && rng_below(r, 3) == 0) {
		int64_t st = t + rng_range(r, 10, end - t);

		g->sess[s].arg = (uint8_t)rng_below(r, NCOMMANDS);
		ev_add(g, st, s, L_SUDO_CMD, 0);
		ev_add(g, st, s, L_SUDO_OPEN, 0);
		ev_add(g, st + rng_range(r, 0, 2), s, L_SUDO_CLOSE, 0);
	}
	ev_add(g, end, s, L_RECV_DISC_USER, 0);
	ev_add(g, end, s, L_DISC_USER, 0);
	ev_add(g, end, s, L_SESS_CLOSE, 0);
	ev_add(g, end, s, L_LOGIND_REMOVED, 0);
}

/*
 * One sshd connection of a password guesser: `tries` attempts as user
 * `user`, ending the way sshd ends it.  Returns when it closed.
 */
static int64_t
gen_brute_conn(struct gen *g, int64_t t, const char *ip, unsigned int user,
    unsigned int tries)
{
	struct rng	*r = &g->rng;
	uint32_t	 s = sess_new(g, ip, user);
	unsigned int	 i;

	if (user >= NVALID) {
		ev_add(g, t, s, L_INVALID, 0);
		t += rng_range(r, 1, 3);
		ev_add(g, t, s, L_CHECK_PASS, 0);
	} else
		t += rng_range(r, 1, 3);
	ev_add(g, t, s, L_PAM_FAIL, 0);
	for (i = 0; i < tries; i++) {
		ev_add(g, t, s, L_FAILED_PW, 0);
		if (i + 1 < tries)
			t += rng_range(r, 2, 4);
	}
	if (tries >= MAX_TRIES) {
		ev_add(g, t, s, L_MAX_EXCEEDED, 0);
		ev_add(g, t, s, L_DISCONNECTING, 0);
	} else {
		t += rng_range(r, 0, 2);
		if (rng_below(r, 5) < 3)
			ev_add(g, t, s, L_CLOSED_PREAUTH, 0);
		else {
			ev_add(g, t, s, L_RECV_BYE, 0);
			ev_add(g, t, s, L_DISC_PREAUTH, 0);
		}
	}
	if (tries > 1)
		ev_add(g, t, s, L_PAM_MORE, tries - 1);
	if (tries >= MAX_TRIES)
		ev_add(g, t, s, L_PAM_IGNORE, 0);
	return t;
}

/* A burst of 5-40 password guesses from one source. */
static void
gen_burst(struct gen *g, int64_t t)
{
	struct rng	*r = &g->rng;
	char		 ip[46];
	unsigned int	 left, tries, user, style;

	if (g->nattackers > 0 && rng_below(r, 10) < 7)
		snprintf(ip, sizeof(ip), "%s",
		    g->attackers[rng_below(r, (uint32_t)g->nattackers)]);
	else if (rng_below(r, 20) == 0)
		addr_domestic(r, ip, sizeof(ip));
	else
		addr_foreign(r, ip, sizeof(ip));
	left = (unsigned int)rng_range(r, 5, 40);
	style = rng_below(r, 3);	/* 0 root only, 1 dictionary, 2 slow */
	while (left > 0) {
		if (style == 0)
			user = rng_below(r, 20) == 0 ? 1 + rng_below(r, 2) :
			    USER_ROOT;
		else
			user = rng_below(r, 4) == 0 ? USER_ROOT :
			    NVALID + rng_below(r,
			    (uint32_t)(sizeof(names) / sizeof(names[0])) -
			    NVALID);
		tries = style == 2 ? 1 + rng_below(r, 3) : MAX_TRIES;
		if (tries > left)
			tries = left;
		left -= tries;
		t = gen_brute_conn(g, t, ip, user, tries);
		t += rng_range(r, 1, style == 2 ? 90 : 15);
	}
}

/* Port scanners and broken clients, old and new sshd wording. */
static void
gen_scan(struct gen *g, int64_t t)
{
	struct rng	*r = &g->rng;
	char		 ip[46];
	uint32_t	 s;
	unsigned int	 k;

	addr_foreign(r, ip, sizeof(ip));
	s = sess_new(g, ip, 0);
	g->sess[s].arg = (uint8_t)rng_below(r, NBANNERS);
	k = rng_below(r, 20);
	if (k < 5)
		ev_add(g, t, s, L_NO_IDENT, 0);
	else if (k < 9)
		ev_add(g, t, s, L_BAD_PROTO, 0);
	else if (k < 14) {
		ev_add(g, t, s, L_KEX_CLOSED, 0);
		ev_add(g, t, s, L_CLOSED_BARE, 0);
	} else if (k < 18) {
		ev_add(g, t, s, L_KEX_INVALID, 0);
		ev_add(g, t, s, L_BANNER, 0);
	} else
		ev_add(g, t, s, L_NEGOTIATE, 0);
}

/* An admin's sudo outside any ssh session we generated. */
static void
gen_sudo(struct gen *g, int64_t t)
{
	uint32_t s = sess_new(g, "", rng_below(&g->rng, 2));

	g->sess[s].arg = (uint8_t)rng_below(&g->rng, NCOMMANDS);
	ev_add(g, t, s, L_SUDO_CMD, 0);
	ev_add(g, t, s, L_SUDO_OPEN, 0);
	ev_add(g, t + rng_range(&g->rng, 0, 3), s, L_SUDO_CLOSE, 0);
}

/* Debian's hourly cron.daily/run-parts job at :17. */
static void
gen_cron(struct gen *g)
{
	int64_t		 t;
	uint32_t	 s;

	for (t = g->start - g->start % 3600 + 17 * 60; t <= g->end;
	    t += 3600) {
		s = sess_new(g, "", USER_ROOT);
		ev_add(g, t, s, L_CRON_OPEN, 0);
		ev_add(g, t + rng_range(&g->rng, 0, 1), s, L_CRON_CLOSE, 0);
	}
}

static void
generate(struct gen *g, uint64_t target)
{
	struct rng	*r = &g->rng;
	int64_t		 t, w;
	int		 d, k, n;
	size_t		 i;

	g->nattackers = sizeof(g->attackers) / sizeof(g->attackers[0]);
	for (i = 0; i < g->nattackers; i++)
		addr_foreign(r, g->attackers[i], sizeof(g->attackers[i]));

	gen_cron(g);
	/* Every day has several bursts; so do the last two hours. */
	for (d = 0; (int64_t)d * DAY < g->end - g->start; d++) {
		w = g->end - (int64_t)(d + 1) * DAY;
		if (w < g->start)
			w = g->start;
		n = 3 + (int)rng_below(r, 3);
		for (k = 0; k < n; k++)
			gen_burst(g, rng_range(r, w, g->end -
			    (int64_t)d * DAY - 900));
	}
	gen_burst(g, g->end - rng_range(r, 20 * 60, 90 * 60));
	gen_burst(g, g->end - rng_range(r, 2 * 60, 8 * 60));

	/* Then fill up: shares of lines about 65% guessing, 12% users. */
	while (g->nev < target) {
		t = rng_range(r, g->start, g->end);
		k = (int)rng_below(r, 100);
		if (k < 13)
			gen_burst(g, t);
		else if (k < 65)
			gen_scan(g, t);
		else if (k < 78) {
			while ((local_hour(t) < 7 || local_hour(t) > 20) &&
			    rng_below(r, 5) != 0)
				t = rng_range(r, g->start, g->end);
			gen_legit(g, t);
		} else
			gen_sudo(g, t);
	}
}

static int
ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the message of one line (after "prog[pid]: "). */
static int
format_msg(char *buf, size_t sz, const struct sess *s, const struct ev *e)
{
	const char	*u = names[s->user];
	const char	*inv = s->user >= NVALID ? "invalid user " : "";
	const char	*pre = s->user >= NVALID ? "invalid user" :
			    "authenticating user";

	switch ((enum line)e->line) {
	case L_ACCEPT_KEY:
		return snprintf(buf, sz, "Accepted publickey for %s from %s "
		    "port %u ssh2: ED25519 %s", u, s->ip, s->port,
		    fingerprints[s->user % NLEGIT]);
	case L_ACCEPT_PW:
		return snprintf(buf, sz, "Accepted password for %s from %s "
		    "port %u ssh2", u, s->ip, s->port);
	case L_SESS_OPEN:
		return snprintf(buf, sz, "pam_unix(sshd:session): session "
		    "opened for user %s(uid=%u) by (uid=0)", u,
		    uids[s->user % NVALID]);
	case L_LOGIND_NEW:
		return snprintf(buf, sz, "New session %u of user %s.",
		    s->lsess, u);
	case L_RECV_DISC_USER:
		return snprintf(buf, sz, "Received disconnect from %s port "
		    "%u:11: disconnected by user", s->ip, s->port);
	case L_DISC_USER:
		return snprintf(buf, sz, "Disconnected from user %s %s port %u",
		    u, s->ip, s->port);
	case L_SESS_CLOSE:
		return snprintf(buf, sz, "pam_unix(sshd:session): session "
		    "closed for user %s", u);
	case L_LOGIND_REMOVED:
		return snprintf(buf, sz, "Removed session %u.", s->lsess);
	case L_INVALID:
		return snprintf(buf, sz, "Invalid user %s from %s port %u", u,
		    s->ip, s->port);
	case L_CHECK_PASS:
		return snprintf(buf, sz, "pam_unix(sshd:auth): check pass; "
		    "user unknown");
	case L_PAM_FAIL:
		return snprintf(buf, sz, "pam_unix(sshd:auth): authentication "
		    "failure; logname= uid=0 euid=0 tty=ssh ruser= "
		    "rhost=%s %s%s",
		    s->ip, s->user >= NVALID ? "" : " user=",
		    s->user >= NVALID ? "" : u);
	case L_FAILED_PW:
		return snprintf(buf, sz, "Failed password for %s%s from %s "
		    "port %u ssh2", inv, u, s->ip, s->port);
	case L_MAX_EXCEEDED:
		return snprintf(buf, sz, "error: maximum authentication "
		    "attempts exceeded for %s%s from %s port %u ssh2 [preauth]",
		    inv, u, s->ip, s->port);
	case L_DISCONNECTING:
		return snprintf(buf, sz, "Disconnecting %s %s %s port %u: Too "
		    "many authentication failures [preauth]", pre, u, s->ip,
		    s->port);
	case L_PAM_MORE:
		return snprintf(buf, sz, "PAM %u more authentication failure%s;"
		    " logname= uid=0 euid=0 tty=ssh ruser= rhost=%s %s%s",
		    e->arg, e->arg == 1 ? "" : "s", s->ip,
		    s->user >= NVALID ? "" : " user=",
		    s->user >= NVALID ? "" : u);
	case L_PAM_IGNORE:
		return snprintf(buf, sz, "PAM service(sshd) ignoring max "
		    "retries; %d > 3", MAX_TRIES);
	case L_CLOSED_PREAUTH:
		return snprintf(buf, sz, "Connection closed by %s %s %s port "
		    "%u [preauth]", pre, u, s->ip, s->port);
	case L_RECV_BYE:
		return snprintf(buf, sz, "Received disconnect from %s port "
		    "%u:11: Bye Bye [preauth]", s->ip, s->port);
	case L_DISC_PREAUTH:
		return snprintf(buf, sz, "Disconnected from %s %s %s port %u "
		    "[preauth]", pre, u, s->ip, s->port);
	case L_NO_IDENT:
		return snprintf(buf, sz, "Did not receive identification "
		    "string from %s port %u", s->ip, s->port);
	case L_BAD_PROTO:
		return snprintf(buf, sz, "Bad protocol version identification "
		    "'%s' from %s port %u", banners[s->arg % NBANNERS], s->ip,
		    s->port);
	case L_KEX_CLOSED:
		return snprintf(buf, sz, "error: kex_exchange_identification: "
		    "Connection closed by remote host");
	case L_CLOSED_BARE:
		return snprintf(buf, sz, "Connection closed by %s port %u",
		    s->ip, s->port);
	case L_KEX_INVALID:
		return snprintf(buf, sz, "error: kex_exchange_identification: "
		    "client sent invalid protocol identifier \"%s\"",
		    banners[s->arg % NBANNERS]);
	case L_BANNER:
		return snprintf(buf, sz, "banner exchange: Connection from %s "
		    "port %u: invalid format", s->ip, s->port);
	case L_NEGOTIATE:
		return snprintf(buf, sz, "Unable to negotiate with %s port %u: "
		    "no matching host key type found. Their offer: "
		    "ssh-rsa,ssh-dss [preauth]", s->ip, s->port);
	case L_CRON_OPEN:
		return snprintf(buf, sz, "pam_unix(cron:session): session "
		    "opened for user root(uid=0) by (uid=0)");
	case L_CRON_CLOSE:
		return snprintf(buf, sz, "pam_unix(cron:session): session "
		    "closed for user root");
	case L_SUDO_CMD:
		return snprintf(buf, sz, "%8s : TTY=pts/%u ; PWD=/home/%s ; "
		    "USER=root ; COMMAND=%s", u, s->port % 4, u,
		    commands[s->arg % NCOMMANDS]);
	case L_SUDO_OPEN:
		return snprintf(buf, sz, "pam_unix(sudo:session): session "
		    "opened for user root(uid=0) by %s(uid=%u)", u,
		    uids[s->user % NVALID]);
	case L_SUDO_CLOSE:
		return snprintf(buf, sz, "pam_unix(sudo:session): session "
		    "closed for user root");
	}
	return -1;
}

static const char *
line_program(enum line l)
{
	switch (l) {
	case L_LOGIND_NEW:
	case L_LOGIND_REMOVED:
		return "systemd-logind";
	case L_CRON_OPEN:
	case L_CRON_CLOSE:
		return "CRON";
	case L_SUDO_CMD:
	case L_SUDO_OPEN:
	case L_SUDO_CLOSE:
		return "sudo";
	default:
		return "sshd";
	}
}

static int
write_log(struct gen *g, FILE *fp, const char *host, uint64_t seed)
{
	struct rng	 r = { seed ^ 0x5851f42d4c957f2dULL };
	struct tm	 tm;
	struct sess	*s;
	struct ev	*e;
	char		 stamp[32], msg[1024];
	const char	*prog;
	int64_t		 last = INT64_MIN;
	uint32_t	 pid = 1000 + rng_below(&r, 5000), lsess = 1;
	size_t		 i;
	time_t		 tt;

	qsort(g->ev, g->nev, sizeof(g->ev[0]), ev_cmp);
	for (i = 0; i < g->nev; i++) {
		e = &g->ev[i];
		s = &g->sess[e->sess];
		if (e->t != last) {
			tt = (time_t)e->t;
			if (localtime_r(&tt, &tm) == NULL) {
				fprintf(stderr, "genlog: localtime_r failed\n");
				return -1;
			}
			snprintf(stamp, sizeof(stamp), "%s %2d %02d:%02d:%02d",
			    months[tm.tm_mon], tm.tm_mday, tm.tm_hour,
			    tm.tm_min, tm.tm_sec);
			last = e->t;
		}
		if (s->pid == 0) {
			pid += 1 + rng_below(&r, 40);
			if (pid >= PID_MAX)
				pid = 1000;
			s->pid = pid;
		}
		if (e->line == L_LOGIND_NEW && s->lsess == 0)
			s->lsess = lsess++;
		if (format_msg(msg, sizeof(msg), s, e) < 0) {
			fprintf(stderr, "genlog: bad line kind %u\n", e->line);
			return -1;
		}
		prog = line_program((enum line)e->line);
		if (strcmp(prog, "sudo") == 0)
			fprintf(fp, "%s %s sudo: %s\n", stamp, host, msg);
		else
			fprintf(fp, "%s %s %s[%" PRIu32 "]: %s\n", stamp, host,
			    prog, strcmp(prog, "systemd-logind") == 0 ?
			    (uint32_t)LOGIND_PID : s->pid, msg);
	}
	return 0;
}

/* One authentication failure of the ground truth. */
struct fail {
	const char	*ip;
	int64_t		 t;
};

static int
fail_cmp(const void *a, const void *b)
{
	const struct fail *x = a, *y = b;
	int c = strcmp(x->ip, y->ip);

	if (c != 0)
		return c;
	return x->t < y->t ? -1 : x->t > y->t;
}

/*
 * Write the sources that reach the threshold: TRUTH_THRESHOLD failures
 * within TRUTH_WINDOW seconds (first to last, inclusive), from the events
 * kept in [start, end].  Returns 0, or -1 after printing why.
 */
static int
write_truth(const struct gen *g, const char *path)
{
	struct fail	*f;
	FILE		*fp;
	size_t		 i, j, k, n = 0;
	int		 hit;

	if ((f = calloc(g->nev + 1, sizeof(*f))) == NULL) {
		perror("genlog: truth");
		return -1;
	}
	for (i = 0; i < g->nev; i++)
		if (g->ev[i].line == L_FAILED_PW) {
			f[n].ip = g->sess[g->ev[i].sess].ip;
			f[n++].t = g->ev[i].t;
		}
	qsort(f, n, sizeof(*f), fail_cmp);
	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "genlog: %s: %s\n", path, strerror(errno));
		free(f);
		return -1;
	}
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(f[j].ip, f[i].ip) == 0; j++)
			;
		hit = 0;
		for (k = i; !hit && k + TRUTH_THRESHOLD - 1 < j; k++)
			hit = f[k + TRUTH_THRESHOLD - 1].t - f[k].t <=
			    TRUTH_WINDOW;
		if (hit)
			fprintf(fp, "%s\n", f[i].ip);
	}
	free(f);
	if (fflush(fp) == EOF || ferror(fp) || fclose(fp) == EOF) {
		fprintf(stderr, "genlog: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char			*ep;
	unsigned long long	 x;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	x = strtoull(s, &ep, 10);
	if (errno != 0 || *ep != '\0' || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "days",	required_argument,	NULL,	'd' },
		{ "end",	required_argument,	NULL,	'e' },
		{ "host",	required_argument,	NULL,	'H' },
		{ "lines",	required_argument,	NULL,	'n' },
		{ "seed",	required_argument,	NULL,	's' },
		{ "truth",	required_argument,	NULL,	't' },
		{ NULL,		0,			NULL,	0 }
	};
	struct gen	 g;
	const char	*host = "web1", *outfile = NULL, *truth = NULL, *p;
	uint64_t	 seed = 1, days = 7, lines = 20000, end;
	FILE		*fp = stdout;
	int		 ch;

	end = (uint64_t)time(NULL);
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (parse_u64(optarg, 1, 3650, &days) == -1)
				usage();
			break;
		case 'e':
			if (parse_u64(optarg, 1, (uint64_t)INT32_MAX * 64,
			    &end) == -1)
				usage();
			break;
		case 'H':
			host = optarg;
			if (host[0] == '\0' || strlen(host) > 255)
				usage();
			for (p = host; *p != '\0'; p++)
				if (*p <= ' ' || *p > '~')
					usage();
			break;
		case 'n':
			if (parse_u64(optarg, 1, 100000000, &lines) == -1)
				usage();
			break;
		case 'o':
			outfile = optarg;
			break;
		case 's':
			if (parse_u64(optarg, 0, UINT64_MAX, &seed) == -1)
				usage();
			break;
		case 't':
			truth = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || end < days * DAY)
		usage();

	if (outfile != NULL && (fp = fopen(outfile, "w")) == NULL) {
		fprintf(stderr, "genlog: %s: %s\n", outfile, strerror(errno));
		return 1;
	}
	memset(&g, 0, sizeof(g));
	g.rng.s = seed;
	g.end = (int64_t)end;
	g.start = g.end - (int64_t)days * DAY;
	generate(&g, lines);
	if (setvbuf(fp, NULL, _IOFBF, 1 << 20) != 0) {
		fprintf(stderr, "genlog: setvbuf failed\n");
		return 1;
	}
	if (write_log(&g, fp, host, seed) == -1)
		return 1;
	if (truth != NULL && write_truth(&g, truth) == -1)
		return 1;
	if (fflush(fp) == EOF || ferror(fp) || (fp != stdout &&
	    fclose(fp) == EOF)) {
		fprintf(stderr, "genlog: %s: %s\n",
		    outfile != NULL ? outfile : "stdout", strerror(errno));
		return 1;
	}
	free(g.ev);
	free(g.sess);
	return 0;
}
