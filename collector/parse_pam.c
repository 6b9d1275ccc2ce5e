/*
 * collector/parse_pam.c - Linux-PAM module messages: pam_unix and the
 * modules that follow its wording (pam_sss, pam_ldap), pam_faillock.
 * Owns no state: fills a struct logrec. Calls addr_parse() (parse_syslog.c).
 */
#include <string.h>

#include "parse_host.h"
#include "parse_util.h"

static void
set_action(struct logrec *r, const char *a)
{
	ls_copy_str(r->action, sizeof(r->action), a);
}

/* The value of "key=" at s's start, one token: key must match. */
static int
pam_token(struct lspan *s, const char *key, struct lspan *val)
{
	size_t	 n;

	if (!ls_eat(s, key))
		return 0;
	n = ls_tok(*s, '\0');
	*val = ls_sub(*s, 0, n);
	s->p += n;
	s->n -= n;
	return 1;
}

/*
 * "logname=L uid=N euid=N tty=T ruser=R rhost=H  user=U" in this order
 * (pam_unix's format). Every field is optional past the first missing one;
 * user= runs to the end (a client's name may hold spaces).
 */
static void
pam_fields(struct logrec *r, struct lspan s)
{
	struct lspan	 v, rest;
	size_t		 k;

	(void)pam_token(&s, "logname=", &v);
	(void)ls_eat(&s, " ");
	(void)pam_token(&s, "uid=", &v);
	(void)ls_eat(&s, " ");
	(void)pam_token(&s, "euid=", &v);
	(void)ls_eat(&s, " ");
	if (pam_token(&s, "tty=", &v))
		r->tty = v;
	(void)ls_eat(&s, " ");
	if (pam_token(&s, "ruser=", &v)) {
		r->ruser = v;
		/* A ruser with spaces: nothing after it can be trusted. */
		if (!ls_starts(s, " rhost="))
			return;
	}
	(void)ls_eat(&s, " ");
	if (pam_token(&s, "rhost=", &v))
		(void)addr_parse(v.p, v.n, r->src_ip, sizeof(r->src_ip),
		    r->src_zone, sizeof(r->src_zone));
	rest = s;
	while (ls_eat(&rest, " "))
		;
	if (ls_eat(&rest, "user=")) {
		ls_copy(r->user, sizeof(r->user), rest);
		/*
		 * A user holding "rhost=" after a non-empty ruser: the ruser
		 * could have held " rhost=A  user=" and which rhost is PAM's
		 * is unknowable. (An empty ruser, as sshd's, leaves no doubt.)
		 */
		if (r->ruser.n > 0 && ls_find(rest, 0, "rhost=") != LS_NONE)
			r->src_ip[0] = r->src_zone[0] = '\0';
		return;
	}
	/* pam_unix ends with the rhost or "  user=": anything else is not. */
	if (rest.n > 0)
		r->src_ip[0] = r->src_zone[0] = '\0';
	/* Other modules: "user=U" anywhere at a word start. */
	for (k = ls_find(s, 0, " user="); k != LS_NONE;
	    k = ls_find(s, k + 1, " user=")) {
		v = ls_sub(s, k + 6, s.n);
		v.n = ls_tok(v, '\0');
		ls_copy(r->user, sizeof(r->user), v);
		return;
	}
}

/* "U(uid=N) by X(uid=M)" or "U by ..." or "U": U to r->user. */
static int
pam_session_user(struct logrec *r, struct lspan s)
{
	size_t	 n = ls_tok(s, '(');

	if (n == 0)
		return -1;
	ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, n));
	return 0;
}

/* The text after "pam_x(svc:type): " (or after "prog(pam_x)[pid]: "). */
static int
pam_text(struct logrec *r, struct lspan s)
{
	size_t	 k;

	if (ls_eat(&s, "authentication failure; ")) {
		pam_fields(r, s);
		set_action(r, "pam_auth_fail");
		return 0;
	}
	/* "N more authentication failure[s]; ..." (old Linux-PAM) */
	if (ls_num(s, &k) > 0) {
		struct lspan t = ls_sub(s, k, s.n);

		if (ls_eat(&t, " more authentication failures; ") ||
		    ls_eat(&t, " more authentication failure; ")) {
			pam_fields(r, t);
			set_action(r, "pam_auth_fail");
			return 0;
		}
	}
	if (ls_eat(&s, "auth could not identify password for [")) {
		if ((k = ls_find(s, 0, "]")) == LS_NONE)
			return -1;
		ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, k));
		set_action(r, "pam_auth_fail");
		return 0;
	}
	if (ls_eat(&s, "check pass; user unknown")) {
		set_action(r, "pam_user_unknown");
		return 0;
	}
	if (ls_eat(&s, "session opened for user ")) {
		if (pam_session_user(r, s) == -1)
			return -1;
		set_action(r, "session_open");
		return 0;
	}
	if (ls_eat(&s, "session closed for user ")) {
		if (pam_session_user(r, s) == -1)
			return -1;
		set_action(r, "session_close");
		return 0;
	}
	if (ls_eat(&s, "Consecutive login failures for user ") ||
	    ls_eat(&s, "user ")) {
		k = ls_tok(s, '\0');
		if (k == 0)
			return -1;
		if (ls_find(s, k, " account temporarily locked") == LS_NONE &&
		    ls_find(s, k, " tally ") == LS_NONE)
			return -1;
		ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, k));
		set_action(r, "pam_user_lock");
		return 0;
	}
	return -1;
}

/* "(SERVICE:TYPE): text" after "pam_module". */
int
pam_parse_msg(struct logrec *r, const char *msg, size_t len)
{
	struct lspan	 s = ls_make(msg, len), svc;
	size_t		 o, c, k;

	if (!ls_eat(&s, "pam_"))
		return -1;
	if ((o = ls_find(s, 0, "(")) == LS_NONE ||
	    (c = ls_find(s, o, "): ")) == LS_NONE)
		return -1;
	for (k = 0; k < o; k++)
		if (s.p[k] == ' ')
			return -1;
	svc = ls_sub(s, o + 1, c);
	if ((k = ls_find(svc, 0, ":")) != LS_NONE)
		svc.n = k;
	if (svc.n > 0 && r->service[0] == '\0')
		ls_copy(r->service, sizeof(r->service), svc);
	if (pam_text(r, ls_sub(s, c + 3, s.n)) == -1) {
		r->action[0] = r->user[0] = r->src_ip[0] = '\0';
		r->src_zone[0] = '\0';
		memset(&r->ruser, 0, sizeof(r->ruser));
		memset(&r->tty, 0, sizeof(r->tty));
		return -1;
	}
	return 0;
}

int
pam_parse(struct logrec *r)
{
	const char	*p = strstr(r->program, "(pam_");
	size_t		 k;

	if (r->msg == NULL)
		return -1;
	/* Old Linux-PAM: "(pam_unix) text" in the program's own message. */
	if (p == NULL && r->msglen > 6 && memcmp(r->msg, "(pam_", 5) == 0 &&
	    (k = ls_find(ls_make(r->msg, r->msglen), 0, ") ")) != LS_NONE) {
		if (pam_text(r, ls_make(r->msg + k + 2, r->msglen - k - 2))
		    == 0)
			return 0;
		r->action[0] = r->user[0] = r->src_ip[0] = '\0';
		return -1;
	}
	if (p != NULL) {
		/* Old tag "sshd(pam_unix)[pid]: text". */
		k = (size_t)(p - r->program);
		if (k > 0 && k < sizeof(r->service) && r->service[0] == '\0')
			ls_copy(r->service, sizeof(r->service),
			    ls_make(r->program, k));
		if (pam_text(r, ls_make(r->msg, r->msglen)) == 0)
			return 0;
		r->action[0] = r->user[0] = r->src_ip[0] = '\0';
		return -1;
	}
	return pam_parse_msg(r, r->msg, r->msglen);
}
