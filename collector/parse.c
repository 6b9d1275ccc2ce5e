/*
 * collector/parse.c - the parser registry and the parsers' common step:
 * a syslog line's header, then the program's own parser by its tag.
 * Owns the sshd address carry table of each tail (in struct parse_buf).
 */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_host.h"
#include "parse_sshd.h"
#include "parse_util.h"
#include "parse_web.h"

/*
 * The sshd carry table: the address (and port) a line of host H, pid P
 * gave, for that connection's later lines that give none ("Disconnecting:
 * Too many authentication failures", "fatal: Read from socket failed",
 * "kex_exchange_identification: ..."). sshd forks one process per
 * connection and logs every line of it with that pid, so host+pid names
 * the connection while it lives; a new connection that reuses the pid
 * first logs a line with its own address ("Connection from", "Invalid
 * user", "Failed ...") and replaces the entry. Bounded: CARRY_MAX entries,
 * the least recently used one reused first; keyed on a 64-bit hash of
 * host and pid (a collision could lend one connection's address to
 * another: about 1 in 2^64 per pair).
 */
#define CARRY_MAX	4096
#define CARRY_BUCKETS	4096
#define CARRY_NIL	0xffff

struct carry_ent {
	uint64_t	 key;
	uint16_t	 hnext, prev, next;
	char		 ip[sizeof(((struct logrec *)0)->src_ip)];
	char		 zone[sizeof(((struct logrec *)0)->src_zone)];
	char		 port[sizeof(((struct logrec *)0)->src_port)];
};

struct sshd_carry {
	uint16_t	 bucket[CARRY_BUCKETS];
	uint16_t	 head, tail;	/* most and least recently used */
	uint16_t	 n;
	struct carry_ent e[CARRY_MAX];
};

static uint64_t
carry_key(const struct logrec *r)
{
	uint64_t	 h = 1469598103934665603ULL;
	const char	*p;

	for (p = r->host; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = r->pid; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static void
carry_unlink(struct sshd_carry *c, uint16_t i)
{
	struct carry_ent	*e = &c->e[i];

	if (e->prev != CARRY_NIL)
		c->e[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next != CARRY_NIL)
		c->e[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void
carry_front(struct sshd_carry *c, uint16_t i)
{
	struct carry_ent	*e = &c->e[i];

	e->prev = CARRY_NIL;
	e->next = c->head;
	if (c->head != CARRY_NIL)
		c->e[c->head].prev = i;
	c->head = i;
	if (c->tail == CARRY_NIL)
		c->tail = i;
}

static uint16_t
carry_find(struct sshd_carry *c, uint64_t key)
{
	uint16_t	 i;

	for (i = c->bucket[key % CARRY_BUCKETS]; i != CARRY_NIL;
	    i = c->e[i].hnext)
		if (c->e[i].key == key)
			return i;
	return CARRY_NIL;
}

static void
carry_unhash(struct sshd_carry *c, uint16_t i)
{
	uint16_t	*pp = &c->bucket[c->e[i].key % CARRY_BUCKETS];

	while (*pp != CARRY_NIL && *pp != i)
		pp = &c->e[*pp].hnext;
	if (*pp == i)
		*pp = c->e[i].hnext;
}

static struct sshd_carry *
carry_get(struct parse_buf *pb)
{
	struct sshd_carry	*c;
	size_t			 i;

	if (pb->carry != NULL)
		return pb->carry;
	if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;		/* no carry: lines keep what they say */
	for (i = 0; i < CARRY_BUCKETS; i++)
		c->bucket[i] = CARRY_NIL;
	c->head = c->tail = CARRY_NIL;
	c->n = 0;
	return pb->carry = c;
}

/* Remembers r's address, or lends the remembered one to r. */
static void
carry_apply(struct parse_buf *pb, struct logrec *r)
{
	struct sshd_carry	*c;
	struct carry_ent	*e;
	uint64_t		 key;
	uint16_t		 i;

	if (r->pid[0] == '\0' || (c = carry_get(pb)) == NULL)
		return;
	key = carry_key(r);
	i = carry_find(c, key);
	if (r->src_ip[0] == '\0') {
		if (i == CARRY_NIL || r->action[0] == '\0')
			return;
		e = &c->e[i];
		ls_copy_str(r->src_ip, sizeof(r->src_ip), e->ip);
		ls_copy_str(r->src_zone, sizeof(r->src_zone), e->zone);
		if (r->src_port[0] == '\0')
			ls_copy_str(r->src_port, sizeof(r->src_port), e->port);
		carry_unlink(c, i);
		carry_front(c, i);
		return;
	}
	if (i == CARRY_NIL) {
		if (c->n < CARRY_MAX)
			i = c->n++;
		else {
			i = c->tail;
			carry_unhash(c, i);
			carry_unlink(c, i);
		}
		c->e[i].key = key;
		c->e[i].hnext = c->bucket[key % CARRY_BUCKETS];
		c->bucket[key % CARRY_BUCKETS] = i;
	} else
		carry_unlink(c, i);
	carry_front(c, i);
	e = &c->e[i];
	memcpy(e->ip, r->src_ip, sizeof(e->ip));
	memcpy(e->zone, r->src_zone, sizeof(e->zone));
	memcpy(e->port, r->src_port, sizeof(e->port));
}

void
parse_buf_free(struct parse_buf *pb)
{
	free(pb->carry);
	pb->carry = NULL;
}

/* Writes a µs timestamp into pb->ts in decimal; returns its length. */
size_t
parse_ts(struct parse_buf *pb, int64_t us)
{
	char		 tmp[24];
	uint64_t	 v = us < 0 ? -(uint64_t)us : (uint64_t)us;
	size_t		 n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (us < 0)
		pb->ts[len++] = '-';
	while (n > 0)
		pb->ts[len++] = tmp[--n];
	pb->ts[len] = '\0';
	return len;
}

static void
ev_lspan(struct event *ev, enum ev_field f, struct lspan s)
{
	ev->f[f].v = s.n > 0 ? s.p : NULL;
	ev->f[f].len = s.n;
}

void
parse_rec_event(struct parse_buf *pb, struct event *ev)
{
	const struct logrec	*r = &pb->rec;

	event_clear(ev);
	event_set(ev, EV_KIND, "log");
	ev->f[EV_TS].v = pb->ts;
	ev->f[EV_TS].len = parse_ts(pb, r->ts);
	event_set(ev, EV_HOST, r->host);
	event_set(ev, EV_PROGRAM, r->program);
	event_set(ev, EV_SERVICE, r->service);
	event_set(ev, EV_PID, r->pid);
	event_set(ev, EV_FACILITY, r->facility);
	event_set(ev, EV_SEVERITY, r->severity);
	ev_lspan(ev, EV_MSGID, r->msgid);
	event_set(ev, EV_ACTION, r->action);
	event_set(ev, EV_USER, r->user);
	event_set(ev, EV_SRC_IP, r->src_ip);
	event_set(ev, EV_SRC_ZONE, r->src_zone);
	event_set(ev, EV_SRC_PORT, r->src_port);
	event_set(ev, EV_TARGET_USER, r->target_user);
	ev_lspan(ev, EV_RUSER, r->ruser);
	ev_lspan(ev, EV_TTY, r->tty);
	ev_lspan(ev, EV_COMMAND, r->command);
	ev_lspan(ev, EV_VENDOR, r->vendor);
	ev_lspan(ev, EV_PRODUCT, r->product);
	ev_lspan(ev, EV_SERIAL, r->serial);
	ev_lspan(ev, EV_DEVICE, r->device);
	ev->f[EV_LINE].v = r->msg;
	ev->f[EV_LINE].len = r->msglen;
}

/* The raw line as a log event dated by ref: no header was found. */
static enum parse_result
parse_plain(const char *line, size_t len, time_t ref, struct parse_buf *pb,
    struct event *ev)
{
	pb->rec.repeat = 0;
	event_clear(ev);
	event_set(ev, EV_KIND, "log");
	ev->f[EV_TS].v = pb->ts;
	ev->f[EV_TS].len = parse_ts(pb, (int64_t)ref * 1000000);
	ev->f[EV_LINE].v = line;
	ev->f[EV_LINE].len = len;
	return PARSE_NO_HEADER;
}

/* The program parsers a syslog tag leads to. */
enum family { F_NONE, F_SSHD, F_SUDO, F_SU, F_PAM, F_KERNEL, F_NGINX,
    F_APACHE, F_GENERIC };

static int
is_sshd(const char *prog)
{
	/* OpenSSH 9.8 and later log from sshd-session and sshd-auth. */
	return !strcmp(prog, "sshd") || !strcmp(prog, "sshd-session") ||
	    !strcmp(prog, "sshd-auth");
}

/* The family and normalised service of a program tag. */
static enum family
family_of(struct logrec *r)
{
	const char	*p = r->program;

	if (is_sshd(p)) {
		ls_copy_str(r->service, sizeof(r->service), "sshd");
		return F_SSHD;
	}
	if (strstr(p, "(pam_") != NULL)
		return F_PAM;		/* service from the tag */
	if (*p != '\0' && strlen(p) < sizeof(r->service))
		ls_copy_str(r->service, sizeof(r->service), p);
	if (!strcmp(p, "sudo"))
		return F_SUDO;
	if (!strcmp(p, "su"))
		return F_SU;
	if (!strcmp(p, "kernel"))
		return F_KERNEL;
	if (!strcmp(p, "nginx"))
		return F_NGINX;
	if (!strcmp(p, "apache2") || !strcmp(p, "httpd") ||
	    !strcmp(p, "apache")) {
		ls_copy_str(r->service, sizeof(r->service), "apache");
		return F_APACHE;
	}
	if (r->msglen > 4 && memcmp(r->msg, "pam_", 4) == 0)
		return F_PAM;
	return F_NONE;
}

static int
family_parse(enum family f, struct logrec *r)
{
	switch (f) {
	case F_SSHD:	return sshd_parse(r);
	case F_SUDO:	return sudo_parse(r);
	case F_SU:	return su_parse(r);
	case F_PAM:	return pam_parse(r);
	case F_KERNEL:	return kernel_parse(r);
	case F_NGINX:	return weberr_syslog(r, 0);
	case F_APACHE:	return weberr_syslog(r, 1);
	case F_NONE:
	case F_GENERIC:	break;
	}
	return -1;
}

/* "message repeated N times: [ m]" (rsyslog's reduction): m, counted N. */
static void
unrepeat(struct logrec *r)
{
	struct lspan	 s = ls_make(r->msg, r->msglen);
	size_t		 used;
	long		 n;

	if (!ls_eat(&s, "message repeated ") || (n = ls_num(s, &used)) < 1)
		return;
	s = ls_sub(s, used, s.n);
	if (!ls_eat(&s, " times: [ ") || !ls_chop(&s, "]"))
		return;
	r->msg = s.p;
	r->msglen = s.n;
	r->repeat = n > LOGREC_REPEAT_MAX ? LOGREC_REPEAT_MAX : (unsigned)n;
}

/*
 * A syslog line: header, then the program's parser by its tag. `want` is
 * the family of a named parser (--log FILE:kernel): tried on the whole
 * line when it has no header (dmesg's output, journalctl -o cat).
 */
static enum parse_result
parse_syslog_family(const char *line, size_t len, time_t ref,
    struct parse_buf *pb, struct event *ev, enum family want)
{
	struct logrec		*r = &pb->rec;
	enum parse_result	 res = PARSE_PLAIN;
	enum family		 f;

	if (syslog_parse(line, len, ref, r) == -1) {
		if (want == F_NONE || want == F_GENERIC)
			return parse_plain(line, len, ref, pb, ev);
		r->ts = (int64_t)ref * 1000000;
		r->msg = line;
		r->msglen = len;
		if (family_parse(want, r) == -1)
			return parse_plain(line, len, ref, pb, ev);
		if (r->service[0] == '\0' && want == F_SSHD)
			ls_copy_str(r->service, sizeof(r->service), "sshd");
		parse_rec_event(pb, ev);
		return PARSE_RECOGNISED;
	}
	if (want == F_GENERIC) {
		/* host, program, pid and the message: nothing more */
		parse_rec_event(pb, ev);
		return PARSE_PLAIN;
	}
	unrepeat(r);
	f = family_of(r);
	if (family_parse(f, r) == 0)
		res = PARSE_RECOGNISED;
	else
		r->repeat = 0;
	if (!strcmp(r->service, "sshd"))
		carry_apply(pb, r);
	parse_rec_event(pb, ev);
	return res;
}

#define FAMILY_FN(name, fam)						\
static enum parse_result						\
name(const char *line, size_t len, time_t ref, struct parse_buf *pb,	\
    struct event *ev)							\
{									\
	return parse_syslog_family(line, len, ref, pb, ev, fam);	\
}
FAMILY_FN(p_syslog, F_NONE)
FAMILY_FN(p_sshd, F_SSHD)
FAMILY_FN(p_sudo, F_SUDO)
FAMILY_FN(p_su, F_SU)
FAMILY_FN(p_pam, F_PAM)
FAMILY_FN(p_kernel, F_KERNEL)
FAMILY_FN(p_generic, F_GENERIC)

static const struct parser parsers[] = {
	{ "sshd",		p_sshd },
	{ "sudo",		p_sudo },
	{ "pam",		p_pam },
	{ "su",			p_su },
	{ "kernel",		p_kernel },
	{ "syslog",		p_syslog },
	{ "nginx",		web_nginx },
	{ "nginx-error",	weberr_nginx },
	{ "apache",		web_apache },
	{ "apache-error",	weberr_apache },
	{ "generic",		p_generic },
};

const struct parser *
parser_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (strcmp(parsers[i].name, name) == 0)
			return &parsers[i];
	return NULL;
}

const char *
parser_names(void)
{
	return "sshd, sudo, pam, su, kernel, syslog, nginx, nginx-error, "
	    "apache, apache-error, generic";
}
