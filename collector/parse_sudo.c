/*
 * collector/parse_sudo.c - sudo's and su's own messages (the PAM lines
 * they also log go to parse_pam.c). Owns no state: fills a struct logrec.
 * Called by the registry (parse.c) on program "sudo" and "su".
 */
#include <string.h>

#include "parse_host.h"
#include "parse_util.h"

static void
set_action(struct logrec *r, const char *a)
{
	ls_copy_str(r->action, sizeof(r->action), a);
}

/* The fields after "U : ": "[reason ; ]KEY=V ; ... ; COMMAND=rest". */
static void
sudo_fields(struct logrec *r, struct lspan s)
{
	struct lspan	 f;
	size_t		 k;

	while (s.n > 0) {
		if (ls_eat(&s, "COMMAND=")) {
			r->command = s;		/* the rest: may hold " ; " */
			return;
		}
		k = ls_find(s, 0, " ; ");
		f = ls_sub(s, 0, k == LS_NONE ? s.n : k);
		/* sudoers log_host: "HOST=h : TTY=..." */
		if (ls_starts(f, "HOST=") && (k = ls_find(s, 0, " : ")) !=
		    LS_NONE && ls_tok(s, '\0') == k) {
			s = ls_sub(s, k + 3, s.n);
			continue;
		}
		if (ls_eat(&f, "TTY="))
			r->tty = f;
		else if (ls_eat(&f, "USER="))
			ls_copy(r->target_user, sizeof(r->target_user), f);
		if (k == LS_NONE)
			return;
		s = ls_sub(s, k + 3, s.n);
	}
}

int
sudo_parse(struct logrec *r)
{
	struct lspan	 s, u;
	size_t		 k, used;
	long		 n;

	if (r->msg == NULL)
		return -1;
	s = ls_make(r->msg, r->msglen);
	if (ls_starts(s, "pam_"))
		return pam_parse_msg(r, s.p, s.n);
	while (ls_eat(&s, " "))
		;
	if ((k = ls_find(s, 0, " : ")) == LS_NONE || k == 0)
		return -1;
	u = ls_sub(s, 0, k);
	if (ls_tok(u, '\0') != u.n)
		return -1;		/* a user name has no space */
	s = ls_sub(s, k + 3, s.n);
	if ((n = ls_num(s, &used)) > 0) {
		s = ls_sub(s, used, s.n);
		if (!ls_eat(&s, " incorrect password attempts ; ") &&
		    !ls_eat(&s, " incorrect password attempt ; "))
			return -1;
		set_action(r, "auth_fail");
		r->repeat = n > LOGREC_REPEAT_MAX ? LOGREC_REPEAT_MAX :
		    (unsigned int)n;
	} else if (ls_eat(&s, "user NOT in sudoers ; ") ||
	    ls_eat(&s, "user NOT authorized on host ; ") ||
	    ls_eat(&s, "command not allowed ; ") ||
	    ls_eat(&s, "a password is required ; "))
		set_action(r, "sudo_denied");
	else if (ls_starts(s, "TTY=") || ls_starts(s, "PWD=") ||
	    ls_starts(s, "HOST="))
		set_action(r, "sudo_command");
	else
		return -1;
	ls_copy(r->user, sizeof(r->user), u);
	sudo_fields(r, s);
	return 0;
}

/* "(to R) U on T" after "FAILED SU " or alone. */
static int
su_util_linux(struct logrec *r, struct lspan s)
{
	size_t	 c, o;

	if (!ls_eat(&s, "(to ") || (c = ls_find(s, 0, ") ")) == LS_NONE)
		return -1;
	ls_copy(r->target_user, sizeof(r->target_user), ls_sub(s, 0, c));
	s = ls_sub(s, c + 2, s.n);
	if ((o = ls_find(s, 0, " on ")) == LS_NONE || o == 0)
		return -1;
	ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, o));
	r->tty = ls_sub(s, o + 4, s.n);
	return 0;
}

int
su_parse(struct logrec *r)
{
	struct lspan	 s;
	size_t		 k, c;
	int		 ok;

	if (r->msg == NULL)
		return -1;
	s = ls_make(r->msg, r->msglen);
	if (ls_starts(s, "pam_"))
		return pam_parse_msg(r, s.p, s.n);
	if (ls_eat(&s, "FAILED SU ")) {
		if (su_util_linux(r, s) == -1)
			return -1;
		set_action(r, "su_fail");
		return 0;
	}
	if (ls_starts(s, "(to ")) {
		if (su_util_linux(r, s) == -1)
			return -1;
		set_action(r, "su_ok");
		return 0;
	}
	/* shadow: "FAILED su for R by U", "Successful su for R by U" */
	if ((ok = ls_eat(&s, "Successful su for ")) || ls_eat(&s,
	    "FAILED su for ")) {
		if ((k = ls_find(s, 0, " by ")) == LS_NONE || k == 0)
			return -1;
		ls_copy(r->target_user, sizeof(r->target_user),
		    ls_sub(s, 0, k));
		ls_copy(r->user, sizeof(r->user), ls_sub(s, k + 4, s.n));
		set_action(r, ok ? "su_ok" : "su_fail");
		return 0;
	}
	/* shadow/BSD: "+ TTY U:R" or "- TTY U:R" */
	if ((ok = ls_eat(&s, "+ ")) || ls_eat(&s, "- ")) {
		k = ls_tok(s, '\0');
		if (k == 0 || k == s.n || (c = ls_find(s, k + 1, ":")) ==
		    LS_NONE)
			return -1;
		r->tty = ls_sub(s, 0, k);
		ls_copy(r->user, sizeof(r->user), ls_sub(s, k + 1, c));
		ls_copy(r->target_user, sizeof(r->target_user),
		    ls_sub(s, c + 1, s.n));
		set_action(r, ok ? "su_ok" : "su_fail");
		return 0;
	}
	/* BSD: "R failed for U on T", "BAD SU U to R on T" */
	if (ls_eat(&s, "BAD SU ")) {
		if ((k = ls_find(s, 0, " to ")) == LS_NONE ||
		    (c = ls_find(s, k + 4, " on ")) == LS_NONE)
			return -1;
		ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, k));
		ls_copy(r->target_user, sizeof(r->target_user),
		    ls_sub(s, k + 4, c));
		r->tty = ls_sub(s, c + 4, s.n);
		set_action(r, "su_fail");
		return 0;
	}
	/* Old su: "failed: TTY changing from U to R" */
	if (ls_eat(&s, "failed: ")) {
		k = ls_tok(s, '\0');
		r->tty = ls_sub(s, 0, k);
		s = ls_sub(s, k, s.n);
		if (!ls_eat(&s, " changing from ") ||
		    (c = ls_find(s, 0, " to ")) == LS_NONE || c == 0)
			return -1;
		ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, c));
		ls_copy(r->target_user, sizeof(r->target_user),
		    ls_sub(s, c + 4, s.n));
		set_action(r, "su_fail");
		return 0;
	}
	/* Old su's success: "U to R on T" */
	if ((k = ls_find(s, 0, " to ")) != LS_NONE && k > 0 &&
	    ls_tok(s, '\0') == k && (c = ls_find(s, k + 4, " on ")) !=
	    LS_NONE && ls_tok(ls_sub(s, k + 4, s.n), '\0') == c - k - 4) {
		ls_copy(r->user, sizeof(r->user), ls_sub(s, 0, k));
		ls_copy(r->target_user, sizeof(r->target_user),
		    ls_sub(s, k + 4, c));
		r->tty = ls_sub(s, c + 4, s.n);
		set_action(r, "su_ok");
		return 0;
	}
	/* RFC 3164's example: "'su root' failed for U on T" */
	(void)ls_eat(&s, "'");
	(void)ls_eat(&s, "su ");
	if ((k = ls_find(s, 0, " failed for ")) != LS_NONE &&
	    (c = ls_find(s, k + 12, " on ")) != LS_NONE) {
		struct lspan t = ls_sub(s, 0, k);

		(void)ls_chop(&t, "'");
		if (t.n == 0 || ls_tok(t, '\0') != t.n)
			return -1;
		ls_copy(r->target_user, sizeof(r->target_user), t);
		ls_copy(r->user, sizeof(r->user), ls_sub(s, k + 12, c));
		r->tty = ls_sub(s, c + 4, s.n);
		set_action(r, "su_fail");
		return 0;
	}
	return -1;
}
