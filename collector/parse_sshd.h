/*
 * collector/parse_sshd.h - recognise OpenSSH sshd messages.
 * Fills the action, user, src_ip and src_port of a struct logrec.
 * Used after syslog_parse() (parse_syslog.h) on lines from sshd.
 */

#ifndef PARSE_SSHD_H
#define PARSE_SSHD_H

#include "parse_syslog.h"

/*
 * Recognise an OpenSSH sshd message (out->msg/msglen set by syslog_parse).
 * Sets action, user, src_ip, src_port.
 * Returns 0 when recognised, -1 otherwise (action left "").
 *
 * Actions count attempts, not lines (DESIGN.md, "The event"):
 *  auth_fail	"Failed <method> for [invalid user ]U from A port N ssh2"
 *		(then maybe ": <key info>"): one rejected attempt
 *		(password, publickey, keyboard-interactive, hostbased...).
 *  auth_none	"Failed none for ...": the client's "none" method query that
 *		opens every session.  sshd does not count it against
 *		MaxAuthTries and logs it at INFO for every invalid user, so
 *		counting it as auth_fail would double the attempts of each
 *		invalid-user connection.  (Under PermitEmptyPasswords it does
 *		try an empty password: rules may add it back if they care.)
 *  auth_ok	"Accepted <method> for U from A port N ssh2[: key]".
 *  auth_postponed	"Postponed <method> for U from A port N ssh2": the
 *		method goes on (PAM); not an attempt.
 *  invalid_user	"Invalid user U from A[ port N]" (older: "Illegal
 *		user"): a notice, not an attempt.
 *  user_not_allowed	"User U from A not allowed because ..." (AllowUsers,
 *		DenyUsers, AllowGroups, DenyGroups) and "User U not allowed
 *		because account is locked / shell ...": sshd's refusal
 *		notice; the attempt itself is still logged as "Failed ...".
 *  root_refused	"ROOT LOGIN REFUSED FROM A[ port N]" (user "root").
 *  max_attempts	"error: maximum authentication attempts exceeded
 *		for [invalid user ]U from A port N ssh2".
 *  pam_auth_fail	pam_*(sshd:auth) "authentication failure; ...
 *		rhost=A  user=U" (and the old "(pam_unix) ..." form, both read
 *		by parse_pam.c), "PAM N more authentication failure(s); ..."
 *		and sshd's "error: PAM: <pam_strerror text> for [illegal user ]U
 *		from HOST" ("Authentication failure", "User not known to the
 *		underlying authentication module", macOS's "... from HOST via
 *		A"): PAM's echo of attempts that sshd logs itself.  rhost may be
 *		a host name: src_ip is then "".
 *  no_ident	"Did not receive identification string from A[ port N]".
 *  bad_protocol	"Bad protocol version identification '...' from
 *		A[ port N]",
 *		"banner exchange: Connection from A port N: <error>",
 *		"Unable to negotiate with A[ port N]: ...",
 *		"ssh_dispatch_run_fatal: Connection from A port N: ...",
 *		"Magic value check failed (...) ... from A port N".
 *  refused	tcpwrappers "refused connect from NAME (A)".
 *  reverse_mapping	"reverse mapping checking getaddrinfo for NAME [A]
 *		failed ...", "Address A maps to NAME, but this does not map
 *		back ...".
 *  ident_error	"kex_exchange_identification: ..." (OpenSSH >= 8): carries no
 *		address; the line that follows it ("banner exchange: ...",
 *		"Connection closed by A port N") carries the event, so this
 *		detail line is kept apart to avoid counting it twice.
 *  disconnect	"Connection closed by", "Connection reset by", "Disconnected
 *		from", "Received disconnect from", "Disconnecting ...",
 *		"Timeout before authentication for ...", "Read from socket
 *		failed", "Read error from remote host A: ...", with the
 *		"authenticating user U" / "invalid user U" / "user U" preamble
 *		when sshd printed one (user is then set).
 *  connect	"Connection from A port N on B port M" (LogLevel VERBOSE).
 *  session_open, session_close	pam_unix(sshd:session) session opened/closed
 *		for user U.
 *
 * The user name is attacker-controlled and may hold spaces, "from" and
 * addresses: every form is parsed anchored on sshd's own text, from the
 * right where the user comes first ("... from A port N ssh2" is the last such
 * group before the end, " ssh2" or the key info).  Text that sshd logs after
 * the address and that a client controls (an SSH certificate's key ID, a
 * hostbased client user name) could still shadow the address: sshd prints
 * both sides verbatim, so no parser can tell them apart.
 * Every address goes through addr_parse() (parse_syslog.h): IPv4-mapped
 * IPv6 is written as IPv4, a zone id goes to src_zone, and a token that is
 * not an address (a host name with UseDNS, "UNKNOWN") leaves src_ip "".
 * "Disconnecting ...: Change of username or service not allowed: (U,S) ->
 * (U2,S2)" is anchored on that reason's first occurrence: S2 is the
 * client's and may hold "A port N: ".  Lines without an address take the
 * connection's from the registry's carry table (parse.c).
 * Legacy forms are read too: no " port N" (Invalid user, ROOT LOGIN REFUSED,
 * Did not receive..., Bad protocol..., Connection closed by, Received
 * disconnect), no " ssh2" (SSH-1 era "Failed ..."), "illegal user".  So a
 * line cut inside an address or a port number can read as a complete legacy
 * line with that (shorter or user-supplied) address: nothing in the text
 * tells them apart.  A cut anywhere else never yields a wrong address.
 */
int	sshd_parse(struct logrec *out);

#endif /* PARSE_SSHD_H */
