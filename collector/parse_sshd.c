/*
 * collector/parse_sshd.c - recognise OpenSSH sshd messages (auth, PAM, scans).
 * Owns no state: fills action/user/src_ip/src_port of a struct logrec.
 * Called after syslog_parse() (parse_syslog.c); calls addr_parse() there.
 */

#include <stdint.h>
#include <string.h>

#include "parse_host.h"
#include "parse_sshd.h"

#define NOPOS	SIZE_MAX

/* A piece of the message: not NUL-terminated. */
struct span {
	const char	*p;
	size_t		 n;
};

struct matcher {
	const char	*prefix;
	const char	*action;
	int		(*fn)(struct logrec *, struct span);
};

static int	m_auth_method(struct logrec *, struct span);
static int	m_auth_user(struct logrec *, struct span);
static int	m_invalid_user(struct logrec *, struct span);
static int	m_not_allowed(struct logrec *, struct span);
static int	m_addr_only(struct logrec *, struct span);
static int	m_root_refused(struct logrec *, struct span);
static int	m_max_attempts(struct logrec *, struct span);
static int	m_pam_sshd(struct logrec *, struct span);
static int	m_pam_more(struct logrec *, struct span);
static int	m_pam_module(struct logrec *, struct span);
static int	m_bad_proto(struct logrec *, struct span);
static int	m_head_addr(struct logrec *, struct span);
static int	m_nothing(struct logrec *, struct span);
static int	m_preamble_tail(struct logrec *, struct span);
static int	m_received_disconnect(struct logrec *, struct span);
static int	m_disconnecting_old(struct logrec *, struct span);
static int	m_disconnecting(struct logrec *, struct span);
static int	m_connect(struct logrec *, struct span);
static int	m_refused(struct logrec *, struct span);
static int	m_negotiate(struct logrec *, struct span);
static int	m_addr_colon(struct logrec *, struct span);
static int	m_pam_old(struct logrec *, struct span);
static int	m_from_tail(struct logrec *, struct span);
static int	m_revmap(struct logrec *, struct span);
static int	m_maps_to(struct logrec *, struct span);

/* First match wins: longer prefixes before their shorter forms. */
static const struct matcher matchers[] = {
	{ "Failed none for ",		"auth_none",	m_auth_user },
	{ "Failed ",			"auth_fail",	m_auth_method },
	{ "Accepted ",			"auth_ok",	m_auth_method },
	{ "Postponed ",			"auth_postponed", m_auth_method },
	{ "Invalid user ",		"invalid_user",	m_invalid_user },
	{ "Illegal user ",		"invalid_user",	m_invalid_user },
	{ "User ",			"user_not_allowed", m_not_allowed },
	{ "ROOT LOGIN REFUSED FROM ",	"root_refused",	m_root_refused },
	{ "maximum authentication attempts exceeded for ",
					"max_attempts",	m_max_attempts },
	{ "PAM: ",			"pam_auth_fail", m_pam_sshd },
	{ "PAM ",			"pam_auth_fail", m_pam_more },
	{ "pam_",			NULL,		m_pam_module },
	{ "(pam_",			NULL,		m_pam_old },
	{ "Did not receive identification string from ",
					"no_ident",	m_addr_only },
	{ "Bad protocol version identification ",
					"bad_protocol",	m_bad_proto },
	{ "banner exchange: Connection from ",
					"bad_protocol",	m_head_addr },
	{ "Unable to negotiate with ",	"bad_protocol",	m_negotiate },
	{ "ssh_dispatch_run_fatal: Connection from ",
					"bad_protocol",	m_head_addr },
	{ "Magic value check failed ",	"bad_protocol",	m_from_tail },
	{ "kex_exchange_identification: ",
					"ident_error",	m_nothing },
	{ "Connection closed by ",	"disconnect",	m_preamble_tail },
	{ "Connection reset by ",	"disconnect",	m_preamble_tail },
	{ "Disconnected from ",		"disconnect",	m_preamble_tail },
	{ "Timeout before authentication for ",
					"disconnect",	m_preamble_tail },
	{ "Received disconnect from ",	"disconnect",	m_received_disconnect },
	{ "Disconnecting: ",		"disconnect",	m_disconnecting_old },
	{ "Disconnecting ",		"disconnect",	m_disconnecting },
	{ "Connection from ",		"connect",	m_connect },
	{ "refused connect from ",	"refused",	m_refused },
	{ "reverse mapping checking getaddrinfo for ",
					"reverse_mapping", m_revmap },
	{ "Address ",			"reverse_mapping", m_maps_to },
	{ "Read from socket failed: ",	"disconnect",	m_nothing },
	{ "Read error from remote host ", "disconnect",	m_addr_colon },
};

/* Preambles sshd puts before the address (packet.c log_preamble). */
static const char *const preambles[] = {
	"authenticating user ", "invalid user ", "user "
};

/* User not allowed: reasons printed with "from HOST", then without. */
static const char *const reasons_from[] = {
	"not listed in AllowUsers", "listed in DenyUsers", "not in any group",
	"a group is listed in DenyGroups",
	"none of user's groups are listed in AllowGroups"
};
static const char *const reasons_bare[] = {
	"account is locked", "shell "
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static int
span_starts(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static int
span_eat(struct span *s, const char *lit)
{
	size_t n = strlen(lit);

	if (!span_starts(*s, lit))
		return 0;
	s->p += n;
	s->n -= n;
	return 1;
}

static int
span_ends(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

static int
span_chop(struct span *s, const char *lit)
{
	if (!span_ends(*s, lit))
		return 0;
	s->n -= strlen(lit);
	return 1;
}

/* Line ends only: sshd's messages never end in a space (but PAM's may). */
static void
span_trim_eol(struct span *s)
{
	while (s->n > 0 && (s->p[s->n - 1] == '\r' || s->p[s->n - 1] == '\n'))
		s->n--;
}

/* Index of the first `lit` at or after `from`, or NOPOS. */
static size_t
span_find(struct span s, size_t from, const char *lit)
{
	size_t n = strlen(lit), i;

	if (n > s.n)
		return NOPOS;
	for (i = from; i + n <= s.n; i++)
		if (s.p[i] == lit[0] && memcmp(s.p + i, lit, n) == 0)
			return i;
	return NOPOS;
}

/* Index of the last `lit` that ends at or before `end`, or NOPOS. */
static size_t
span_rfind(struct span s, size_t end, const char *lit)
{
	size_t n = strlen(lit), i;

	if (end > s.n)
		end = s.n;
	if (n > end)
		return NOPOS;
	for (i = end - n + 1; i-- > 0; )
		if (s.p[i] == lit[0] && memcmp(s.p + i, lit, n) == 0)
			return i;
	return NOPOS;
}

static struct span
span_sub(struct span s, size_t from, size_t to)
{
	struct span r;

	r.p = s.p + from;
	r.n = to - from;
	return r;
}

static void
copy_field(char *dst, size_t dstsz, const char *p, size_t n)
{
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static void
set_user(struct logrec *out, struct span u)
{
	copy_field(out->user, sizeof(out->user), u.p, u.n);
}

/* 1-5 digits, at most 65535. */
static int
port_valid(const char *p, size_t n)
{
	size_t		 i;
	unsigned int	 v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned int)(p[i] - '0');
	}
	return v <= 65535;
}

static void
set_port(struct logrec *out, const char *p, size_t n)
{
	copy_field(out->src_port, sizeof(out->src_port), p, n);
}

/* The address rule (parse_syslog.h): a valid address, or none at all. */
static int
set_addr(struct logrec *out, const char *a, size_t n)
{
	return addr_parse(a, n, out->src_ip, sizeof(out->src_ip),
	    out->src_zone, sizeof(out->src_zone));
}

/* Start of the space-free token that ends at `end`. */
static size_t
token_start(struct span s, size_t end)
{
	while (end > 0 && s.p[end - 1] != ' ')
		end--;
	return end;
}

/*
 * s ends with "A port N" (A any space-free token), or, when `legacy` is set,
 * with a bare A that is a valid address.  Sets src_ip/src_port and returns
 * the index where A starts, or NOPOS.
 */
static size_t
tail_addr(struct logrec *out, struct span s, int legacy)
{
	size_t	 k = s.n, a;

	while (k > 0 && s.p[k - 1] >= '0' && s.p[k - 1] <= '9')
		k--;
	if (port_valid(s.p + k, s.n - k) && k >= 6 &&
	    memcmp(s.p + k - 6, " port ", 6) == 0) {
		a = token_start(s, k - 6);
		if (a == k - 6)
			return NOPOS;
		(void)set_addr(out, s.p + a, k - 6 - a);
		set_port(out, s.p + k, s.n - k);
		return a;
	}
	if (!legacy)
		return NOPOS;
	a = token_start(s, s.n);
	if (a == s.n || set_addr(out, s.p + a, s.n - a) == -1)
		return NOPOS;
	return a;
}

/*
 * s starts with "A port N" followed by end, ':' or ' '.  Sets src_ip and
 * src_port; returns the index just past N, or NOPOS.
 */
static size_t
head_addr(struct logrec *out, struct span s)
{
	size_t	 a, k;

	for (a = 0; a < s.n && s.p[a] != ' '; a++)
		;
	if (a == 0 || !span_starts(span_sub(s, a, s.n), " port "))
		return NOPOS;
	for (k = a + 6; k < s.n && s.p[k] >= '0' && s.p[k] <= '9'; k++)
		;
	if (!port_valid(s.p + a + 6, k - a - 6) ||
	    (k < s.n && s.p[k] != ':' && s.p[k] != ' '))
		return NOPOS;
	(void)set_addr(out, s.p, a);
	set_port(out, s.p + a + 6, k - a - 6);
	return k;
}

/*
 * "[PRE ]A port N" where PRE is one of sshd's preambles ending in a user
 * name; a legacy bare address is accepted only without a preamble.
 */
static int
preamble_addr(struct logrec *out, struct span s, int legacy)
{
	struct span	 pre;
	size_t		 a, i;

	if ((a = tail_addr(out, s, legacy)) == NOPOS)
		return -1;
	if (a == 0)
		return 0;
	if (out->src_port[0] == '\0' || s.p[a - 1] != ' ')
		return -1;
	pre = span_sub(s, 0, a - 1);
	for (i = 0; i < nitems(preambles); i++)
		if (span_eat(&pre, preambles[i])) {
			set_user(out, pre);
			return 0;
		}
	return -1;
}

/* "password for [invalid user ]U from A port N ssh2[: info]" */
static int
m_auth_method(struct logrec *out, struct span s)
{
	size_t	 sp;

	if ((sp = span_find(s, 0, " ")) == NOPOS || sp == 0)
		return -1;
	s = span_sub(s, sp + 1, s.n);
	if (!span_eat(&s, "for "))
		return -1;
	return m_auth_user(out, s);
}

/*
 * "[invalid user ]U from A port N[ ssh2[: info]]": the user comes first and
 * is the client's, so take the last " from A port N" that is followed by
 * the end, " ssh2" or " ssh2: ".
 */
static int
m_auth_user(struct logrec *out, struct span s)
{
	struct span	 rest;
	size_t		 f, a, k;

	if (!span_eat(&s, "invalid user "))
		(void)span_eat(&s, "illegal user ");	/* OpenSSH < 3.9 */
	for (f = span_rfind(s, s.n, " from "); f != NOPOS;
	    f = f == 0 ? NOPOS : span_rfind(s, f + 5, " from ")) {
		for (a = f + 6; a < s.n && s.p[a] != ' '; a++)
			;
		if (a == f + 6)
			continue;
		rest = span_sub(s, a, s.n);
		if (!span_eat(&rest, " port "))
			continue;
		for (k = 0; k < rest.n && rest.p[k] >= '0' && rest.p[k] <= '9';
		    k++)
			;
		if (!port_valid(rest.p, k))
			continue;
		rest = span_sub(rest, k, rest.n);
		if (rest.n != 0 && !span_eat(&rest, " ssh2") &&
		    !span_eat(&rest, " ssh1") && !(rest.n == 4 &&
		    span_eat(&rest, " ssh")))
			continue;
		if (rest.n != 0 && !span_starts(rest, ": "))
			continue;
		(void)set_addr(out, s.p + f + 6, a - f - 6);
		set_port(out, s.p + a + 6, k);
		set_user(out, span_sub(s, 0, f));
		return 0;
	}
	return -1;
}

/*
 * "U from A port N" or legacy "U from A"; "U from UNKNOWN" (sshd's word
 * for a peer it has no address for): the user, no address.
 */
static int
m_invalid_user(struct logrec *out, struct span s)
{
	size_t	 a;

	if ((a = tail_addr(out, s, 1)) == NOPOS) {
		if (!span_ends(s, " from UNKNOWN"))
			return -1;
		a = s.n - 7;
	}
	if (a < 6 || memcmp(s.p + a - 6, " from ", 6) != 0) {
		out->src_ip[0] = out->src_port[0] = '\0';
		return -1;
	}
	set_user(out, span_sub(s, 0, a - 6));
	return 0;
}

/* "U from HOST not allowed because R" or "U not allowed because R" */
static int
m_not_allowed(struct logrec *out, struct span s)
{
	struct span	 reason, who;
	size_t		 k, h, i;

	if ((k = span_rfind(s, s.n, " not allowed because ")) == NOPOS)
		return -1;
	reason = span_sub(s, k + 21, s.n);
	who = span_sub(s, 0, k);
	for (i = 0; i < nitems(reasons_from); i++) {
		if (reason.n != strlen(reasons_from[i]) ||
		    !span_starts(reason, reasons_from[i]))
			continue;
		h = token_start(who, who.n);
		if (h == who.n || h < 6 || memcmp(who.p + h - 6, " from ", 6))
			return -1;
		(void)set_addr(out, who.p + h, who.n - h);
		set_user(out, span_sub(who, 0, h - 6));
		return 0;
	}
	for (i = 0; i < nitems(reasons_bare); i++)
		if (span_starts(reason, reasons_bare[i])) {
			set_user(out, who);
			return 0;
		}
	return -1;
}

/* The whole rest is "A port N" or a legacy bare address. */
static int
m_addr_only(struct logrec *out, struct span s)
{
	return tail_addr(out, s, 1) == 0 ? 0 : -1;
}

static int
m_root_refused(struct logrec *out, struct span s)
{
	if (m_addr_only(out, s) == -1)
		return -1;
	copy_field(out->user, sizeof(out->user), "root", 4);
	return 0;
}

/* "[invalid user ]U from A port N ssh2" */
static int
m_max_attempts(struct logrec *out, struct span s)
{
	size_t	 a;

	(void)span_eat(&s, "invalid user ");
	if (!span_chop(&s, " ssh2") ||
	    (a = tail_addr(out, s, 0)) == NOPOS || a < 6 ||
	    memcmp(s.p + a - 6, " from ", 6) != 0)
		return -1;
	set_user(out, span_sub(s, 0, a - 6));
	return 0;
}

/*
 * sshd's own "PAM: <error> for [illegal user ]U from HOST", where <error> is
 * pam_strerror()'s text ("Authentication failure", "User not known to the
 * underlying authentication module", "unknown user"...), and macOS's
 * "... from HOST via A": the address is the one after "via".
 */
static int
m_pam_sshd(struct logrec *out, struct span s)
{
	size_t	 h, f, v;

	if ((f = span_find(s, 0, " for ")) == NOPOS)
		return -1;
	s = span_sub(s, f + 5, s.n);
	if (!span_eat(&s, "illegal user "))
		(void)span_eat(&s, "invalid user ");
	h = token_start(s, s.n);
	if (h >= 5 && h < s.n && memcmp(s.p + h - 5, " via ", 5) == 0 &&
	    (v = token_start(s, h - 5)) >= 6 && v < h - 5 &&
	    memcmp(s.p + v - 6, " from ", 6) == 0) {
		(void)set_addr(out, s.p + h, s.n - h);
		set_user(out, span_sub(s, 0, v - 6));
		return 0;
	}
	if (h == s.n || h < 6 || memcmp(s.p + h - 6, " from ", 6) != 0)
		return -1;
	(void)set_addr(out, s.p + h, s.n - h);
	set_user(out, span_sub(s, 0, h - 6));
	return 0;
}

/* "A port N: text" or, before OpenSSH 7.3, "A: text" */
static int
m_negotiate(struct logrec *out, struct span s)
{
	if (m_head_addr(out, s) == 0)
		return 0;
	out->src_ip[0] = out->src_port[0] = '\0';
	return m_addr_colon(out, s);
}

/* "A: text" (the address, then sshd's or the system's text) */
static int
m_addr_colon(struct logrec *out, struct span s)
{
	size_t	 a;

	for (a = 0; a < s.n && s.p[a] != ' '; a++)
		;
	if (a < 2 || s.p[a - 1] != ':' || set_addr(out, s.p, a - 1) == -1)
		return -1;
	return 0;
}

/* "(pam_unix) authentication failure; ...": old Linux-PAM, parse_pam.c's. */
static int
m_pam_old(struct logrec *out, struct span s)
{
	out->msg = s.p - 5;
	out->msglen = s.n + 5;
	return pam_parse(out);
}

/* "... from A port N" at the end (the text before is sshd's). */
static int
m_from_tail(struct logrec *out, struct span s)
{
	size_t	 a;

	if ((a = tail_addr(out, s, 0)) == NOPOS || a < 6 ||
	    memcmp(s.p + a - 6, " from ", 6) != 0)
		return -1;
	return 0;
}

/* tcpwrappers: "NAME (A)": the address is in the parentheses. */
static int
m_refused(struct logrec *out, struct span s)
{
	size_t	 o;

	if (!span_chop(&s, ")") || (o = span_rfind(s, s.n, " (")) == NOPOS)
		return -1;
	(void)set_addr(out, s.p + o + 2, s.n - o - 2);
	return 0;
}

/* "NAME [A] failed - POSSIBLE BREAK-IN ATTEMPT!" */
static int
m_revmap(struct logrec *out, struct span s)
{
	size_t	 c, o;

	if ((c = span_rfind(s, s.n, "] failed")) == NOPOS ||
	    (o = span_rfind(s, c, " [")) == NOPOS)
		return -1;
	(void)set_addr(out, s.p + o + 2, c - o - 2);
	return 0;
}

/* "A maps to NAME, but this does not map back to the address ..." */
static int
m_maps_to(struct logrec *out, struct span s)
{
	size_t	 a;

	for (a = 0; a < s.n && s.p[a] != ' '; a++)
		;
	if (!span_starts(span_sub(s, a, s.n), " maps to ") ||
	    set_addr(out, s.p, a) == -1)
		return -1;
	return 0;
}

/*
 * pam_unix's "logname=L uid=N euid=N tty=T ruser=R rhost=H  user=U":
 * rhost precedes the client-chosen user name, user= runs to the end.
 */
static void
pam_fields(struct logrec *out, struct span s)
{
	struct span	 u;
	size_t		 r, e, q;

	for (r = span_find(s, 0, "rhost="); r != NOPOS;
	    r = span_find(s, r + 1, "rhost="))
		if (r == 0 || s.p[r - 1] == ' ')
			break;
	if (r == NOPOS)
		return;
	for (e = r + 6; e < s.n && s.p[e] != ' '; e++)
		;
	(void)set_addr(out, s.p + r + 6, e - r - 6);
	if ((q = span_find(s, e, " user=")) == NOPOS)
		return;
	u = span_sub(s, q + 6, s.n);
	set_user(out, u);
}

/* "N more authentication failure[s]; fields" */
static int
m_pam_more(struct logrec *out, struct span s)
{
	size_t	 k;

	for (k = 0; k < s.n && s.p[k] >= '0' && s.p[k] <= '9'; k++)
		;
	if (k == 0)
		return -1;
	s = span_sub(s, k, s.n);
	if (!span_eat(&s, " more authentication failures; ") &&
	    !span_eat(&s, " more authentication failure; "))
		return -1;
	pam_fields(out, s);
	return 0;
}

/* "unix(sshd:auth): authentication failure; ...": parse_pam.c's. */
static int
m_pam_module(struct logrec *out, struct span s)
{
	return pam_parse_msg(out, s.p - 4, s.n + 4);
}

/* "'client banner' from A port N" (or legacy without port) */
static int
m_bad_proto(struct logrec *out, struct span s)
{
	size_t	 a;

	if (!span_starts(s, "'") || (a = tail_addr(out, s, 1)) == NOPOS ||
	    a < 6 || memcmp(s.p + a - 6, " from ", 6) != 0)
		return -1;
	return 0;
}

/* "A port N: error text" */
static int
m_head_addr(struct logrec *out, struct span s)
{
	size_t	 k;

	if ((k = head_addr(out, s)) == NOPOS || k == s.n || s.p[k] != ':')
		return -1;
	return 0;
}

static int
m_nothing(struct logrec *out, struct span s)
{
	(void)out;
	(void)s;
	return 0;
}

static int
m_preamble_tail(struct logrec *out, struct span s)
{
	return preamble_addr(out, s, 1);
}

/* "A port N:R: text" or legacy "A: R: text"; the text is the client's. */
static int
m_received_disconnect(struct logrec *out, struct span s)
{
	size_t	 a;

	if (head_addr(out, s) != NOPOS)
		return 0;
	for (a = 0; a < s.n && s.p[a] != ' '; a++)
		;
	if (a < 2 || s.p[a - 1] != ':' ||
	    set_addr(out, s.p, a - 1) == -1)
		return -1;
	return 0;
}

/* Older sshd: "Too many authentication failures for U" and others. */
static int
m_disconnecting_old(struct logrec *out, struct span s)
{
	if (span_eat(&s, "Too many authentication failures for "))
		set_user(out, s);
	return 0;
}

/*
 * "[PRE ]A port N: reason".  The usual reason is known and anchors the
 * address; otherwise take the last ": " that follows "A port N".
 */
static int
m_disconnecting(struct logrec *out, struct span s)
{
	size_t	 c;

	if (span_chop(&s, ": Too many authentication failures"))
		return preamble_addr(out, s, 0);
	/*
	 * "... port N: Change of username or service not allowed: (U,S) ->
	 * (U2,S2)": U2 and S2 are the client's and may hold "A port N: ";
	 * the first such reason whose head parses is sshd's.
	 */
	for (c = span_find(s, 0, ": Change of username or service"); c != NOPOS;
	    c = span_find(s, c + 1, ": Change of username or service")) {
		out->user[0] = out->src_ip[0] = out->src_port[0] = '\0';
		if (preamble_addr(out, span_sub(s, 0, c), 0) == 0)
			return 0;
	}
	for (c = span_rfind(s, s.n, ": "); c != NOPOS;
	    c = c == 0 ? NOPOS : span_rfind(s, c + 1, ": ")) {
		out->user[0] = out->src_ip[0] = out->src_port[0] = '\0';
		if (preamble_addr(out, span_sub(s, 0, c), 0) == 0)
			return 0;
	}
	/* No reason at all: "Disconnecting invalid user U A port N". */
	out->user[0] = out->src_ip[0] = out->src_port[0] = '\0';
	return preamble_addr(out, s, 0);
}

/* "A port N on B port M[ rdomain "R"]" */
static int
m_connect(struct logrec *out, struct span s)
{
	size_t	 k;

	if ((k = head_addr(out, s)) == NOPOS ||
	    !span_starts(span_sub(s, k, s.n), " on "))
		return -1;
	return 0;
}

static void
clear_fields(struct logrec *out)
{
	out->action[0] = '\0';
	out->user[0] = '\0';
	out->src_ip[0] = '\0';
	out->src_zone[0] = '\0';
	out->src_port[0] = '\0';
}

int
sshd_parse(struct logrec *out)
{
	const struct matcher	*m;
	struct span		 s;
	size_t			 i;

	clear_fields(out);
	if (out->msg == NULL)
		return -1;
	s.p = out->msg;
	s.n = out->msglen;
	span_trim_eol(&s);
	(void)span_chop(&s, " [preauth]");
	if (!span_eat(&s, "error: "))
		(void)span_eat(&s, "fatal: ");

	for (i = 0; i < nitems(matchers); i++) {
		m = &matchers[i];
		if (!span_starts(s, m->prefix))
			continue;
		if (m->fn(out, span_sub(s, strlen(m->prefix), s.n)) == -1)
			break;
		if (m->action != NULL)
			copy_field(out->action, sizeof(out->action),
			    m->action, strlen(m->action));
		return 0;
	}
	clear_fields(out);
	return -1;
}
