/*
 * tests/unit/parse_sshd_test.c - unit tests of collector/parse_sshd.c.
 * Owns nothing: feeds sshd messages as OpenSSH and pam_unix print them.
 * Links collector/parse_sshd.c, collector/parse_syslog.c and cmocka.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../collector/parse_syslog.h"
#include "../../collector/parse_sshd.h"

#define REF		((time_t)1763899200)	/* 2025-11-23 12:00 UTC */
#define HEADER		"Nov 23 01:34:22 web1 sshd[1234]: "
#define FP		"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"

static char	 linebuf[8192];

/* Prefix a syslog header, parse both layers; msg points into linebuf. */
static int
parse_msg(struct logrec *r, const char *msg, size_t msglen)
{
	size_t	 hl = strlen(HEADER);

	assert_true(hl + msglen <= sizeof(linebuf));
	memcpy(linebuf, HEADER, hl);
	memcpy(linebuf + hl, msg, msglen);
	assert_int_equal(syslog_parse(linebuf, hl + msglen, REF, r), 0);
	return sshd_parse(r);
}

/* Expect action (or "" for unrecognised), user, src_ip and src_port. */
#define EXPECT(msg, act, usr, ip, port) do {				\
	struct logrec r_;						\
	int rc_ = parse_msg(&r_, (msg), strlen(msg));			\
	if (rc_ != ((act)[0] == '\0' ? -1 : 0))				\
		fail_msg("rc %d for \"%s\"", rc_, (msg));		\
	assert_string_equal(r_.action, (act));				\
	assert_string_equal(r_.user, (usr));				\
	assert_string_equal(r_.src_ip, (ip));				\
	assert_string_equal(r_.src_port, (port));			\
} while (0)

/* ---- auth_fail ---- */

static void
test_failed_password_root(void **state)
{
	(void)state;
	EXPECT("Failed password for root from 1.2.3.4 port 22 ssh2",
	    "auth_fail", "root", "1.2.3.4", "22");
}

static void
test_failed_password_invalid_user(void **state)
{
	(void)state;
	EXPECT("Failed password for invalid user admin from 1.2.3.4 port "
	    "50022 ssh2", "auth_fail", "admin", "1.2.3.4", "50022");
}

static void
test_failed_password_preauth_suffix(void **state)
{
	(void)state;
	EXPECT("Failed password for root from 1.2.3.4 port 22 ssh2 [preauth]",
	    "auth_fail", "root", "1.2.3.4", "22");
}

static void
test_failed_password_invalid_user_hostile_name(void **state)
{
	(void)state;
	EXPECT("Failed password for invalid user admin from 1.2.3.4 port 22 "
	    "from 5.6.7.8 port 4242 ssh2", "auth_fail",
	    "admin from 1.2.3.4 port 22", "5.6.7.8", "4242");
}

static void
test_failed_password_hostile_name_with_ssh2(void **state)
{
	(void)state;
	EXPECT("Failed password for invalid user x from 9.9.9.9 port 1 ssh2 "
	    "from 5.6.7.8 port 4242 ssh2", "auth_fail",
	    "x from 9.9.9.9 port 1 ssh2", "5.6.7.8", "4242");
	EXPECT("Failed password for invalid user x from 9.9.9.9 port 1 ssh2: "
	    "RSA SHA256:x from 5.6.7.8 port 4242 ssh2", "auth_fail",
	    "x from 9.9.9.9 port 1 ssh2: RSA SHA256:x", "5.6.7.8", "4242");
}

static void
test_failed_password_hostile_name_v6(void **state)
{
	(void)state;
	EXPECT("Failed password for invalid user a from 1.2.3.4 port 22 from "
	    "2001:db8::7 port 22 ssh2", "auth_fail",
	    "a from 1.2.3.4 port 22", "2001:db8::7", "22");
}

static void
test_failed_password_hostile_name_only_looks_like_address(void **state)
{
	(void)state;
	/* The real address comes last, even when it is not an IP. */
	EXPECT("Failed password for invalid user x from 1.2.3.4 port 22 from "
	    "UNKNOWN port 65535 ssh2", "auth_fail",
	    "x from 1.2.3.4 port 22", "", "65535");
}

static void
test_failed_password_empty_user(void **state)
{
	(void)state;
	EXPECT("Failed password for invalid user  from 1.2.3.4 port 22 ssh2",
	    "auth_fail", "", "1.2.3.4", "22");
}

static void
test_failed_publickey_with_key_info(void **state)
{
	(void)state;
	EXPECT("Failed publickey for root from 1.2.3.4 port 22 ssh2: RSA "
	    FP, "auth_fail", "root", "1.2.3.4", "22");
	EXPECT("Failed publickey for invalid user git from 1.2.3.4 port 22 "
	    "ssh2: ED25519 " FP, "auth_fail", "git", "1.2.3.4", "22");
}

static void
test_failed_keyboard_interactive_pam(void **state)
{
	(void)state;
	EXPECT("Failed keyboard-interactive/pam for invalid user oracle from "
	    "203.0.113.9 port 61000 ssh2", "auth_fail", "oracle",
	    "203.0.113.9", "61000");
}

static void
test_failed_without_ssh2_old_format(void **state)
{
	(void)state;
	EXPECT("Failed password for root from 1.2.3.4 port 22",
	    "auth_fail", "root", "1.2.3.4", "22");
	EXPECT("Failed password for illegal from 1.2.3.4 port 22 ssh1",
	    "auth_fail", "illegal", "1.2.3.4", "22");
}

static void
test_failed_none_is_a_probe_not_an_attempt(void **state)
{
	(void)state;
	EXPECT("Failed none for invalid user admin from 1.2.3.4 port 22 ssh2",
	    "auth_none", "admin", "1.2.3.4", "22");
}

static void
test_failed_bad_port_not_recognised(void **state)
{
	(void)state;
	EXPECT("Failed password for root from 1.2.3.4 port 65536 ssh2",
	    "", "", "", "");
	EXPECT("Failed password for root from 1.2.3.4 port ssh2",
	    "", "", "", "");
	EXPECT("Failed password for root from 1.2.3.4 port 22 sshX",
	    "", "", "", "");
	EXPECT("Failed password root from 1.2.3.4 port 22 ssh2",
	    "", "", "", "");
}

/* ---- auth_ok ---- */

static void
test_accepted_methods(void **state)
{
	(void)state;
	EXPECT("Accepted password for alice from 10.0.0.5 port 50000 ssh2",
	    "auth_ok", "alice", "10.0.0.5", "50000");
	EXPECT("Accepted publickey for alice from 10.0.0.5 port 50000 ssh2: "
	    "ED25519 " FP, "auth_ok", "alice", "10.0.0.5", "50000");
	EXPECT("Accepted keyboard-interactive/pam for bob from 192.168.1.20 "
	    "port 40000 ssh2", "auth_ok", "bob", "192.168.1.20", "40000");
	EXPECT("Accepted publickey for deploy from 10.1.2.3 port 4000 ssh2: "
	    "ED25519-CERT " FP " ID ci (serial 7) CA ED25519 " FP,
	    "auth_ok", "deploy", "10.1.2.3", "4000");
}

static void
test_partial_and_postponed_not_recognised(void **state)
{
	(void)state;
	/* Postponed: the method goes on (PAM); its own action, no attempt. */
	EXPECT("Postponed keyboard-interactive for alice from 10.0.0.5 port "
	    "50000 ssh2 [preauth]", "auth_postponed", "alice", "10.0.0.5",
	    "50000");
	EXPECT("Partial publickey for alice from 10.0.0.5 port 50000 ssh2: "
	    "ED25519 " FP, "", "", "", "");
}

/* ---- invalid_user ---- */

static void
test_invalid_user_with_port(void **state)
{
	(void)state;
	EXPECT("Invalid user admin from 1.2.3.4 port 22", "invalid_user",
	    "admin", "1.2.3.4", "22");
}

static void
test_invalid_user_legacy_without_port(void **state)
{
	(void)state;
	EXPECT("Invalid user admin from 1.2.3.4", "invalid_user", "admin",
	    "1.2.3.4", "");
	/* Legacy form: the address must then be an address. */
	EXPECT("Invalid user admin from somewhere", "", "", "", "");
	/* sshd's own word for a peer without an address. */
	EXPECT("Invalid user admin from UNKNOWN", "invalid_user", "admin", "",
	    "");
}

static void
test_invalid_user_hostile_name(void **state)
{
	(void)state;
	EXPECT("Invalid user x from 1.2.3.4 from 9.9.9.9 port 22",
	    "invalid_user", "x from 1.2.3.4", "9.9.9.9", "22");
	EXPECT("Invalid user x from 1.2.3.4 port 5 from 9.9.9.9 port 22",
	    "invalid_user", "x from 1.2.3.4 port 5", "9.9.9.9", "22");
	/* A forged sshd line inside the name stays a name. */
	EXPECT("Invalid user sshd[9]: Accepted password for q from 1.2.3.4 "
	    "port 5", "invalid_user", "sshd[9]: Accepted password for q",
	    "1.2.3.4", "5");
}

static void
test_invalid_user_empty_name(void **state)
{
	(void)state;
	EXPECT("Invalid user  from 1.2.3.4 port 22", "invalid_user", "",
	    "1.2.3.4", "22");
}

static void
test_hostile_user_truncated_at_255(void **state)
{
	char	 msg[1024], want[256];

	(void)state;
	memset(want, 'A', 255);
	want[255] = '\0';
	snprintf(msg, sizeof(msg), "Invalid user %0300d from 1.2.3.4 port 22",
	    0);
	memset(msg + 13, 'A', 300);
	EXPECT(msg, "invalid_user", want, "1.2.3.4", "22");
}

static void
test_hostile_user_binary_bytes_copied(void **state)
{
	static const char msg[] =
	    "Failed password for invalid user \x01\x7f\xff\xc3\xa9 ; rm "
	    "from 1.2.3.4 port 22 ssh2";

	(void)state;
	EXPECT(msg, "auth_fail", "\x01\x7f\xff\xc3\xa9 ; rm", "1.2.3.4", "22");
}

/* ---- user_not_allowed ---- */

static void
test_user_not_allowed_reasons(void **state)
{
	(void)state;
	EXPECT("User root from 1.2.3.4 not allowed because not listed in "
	    "AllowUsers", "user_not_allowed", "root", "1.2.3.4", "");
	EXPECT("User bob from 1.2.3.4 not allowed because listed in "
	    "DenyUsers", "user_not_allowed", "bob", "1.2.3.4", "");
	EXPECT("User bob from 2001:db8::1 not allowed because none of user's "
	    "groups are listed in AllowGroups", "user_not_allowed", "bob",
	    "2001:db8::1", "");
	EXPECT("User bob from 1.2.3.4 not allowed because a group is listed "
	    "in DenyGroups", "user_not_allowed", "bob", "1.2.3.4", "");
	EXPECT("User bob from 1.2.3.4 not allowed because not in any group",
	    "user_not_allowed", "bob", "1.2.3.4", "");
}

static void
test_user_not_allowed_host_name(void **state)
{
	(void)state;
	EXPECT("User root from scanner.example.net not allowed because not "
	    "listed in AllowUsers", "user_not_allowed", "root", "", "");
}

static void
test_user_not_allowed_without_address(void **state)
{
	(void)state;
	EXPECT("User git not allowed because account is locked",
	    "user_not_allowed", "git", "", "");
	EXPECT("User git not allowed because shell /usr/bin/git-shell does "
	    "not exist", "user_not_allowed", "git", "", "");
	EXPECT("User git not allowed because something new", "", "", "", "");
	EXPECT("User child is on pid 4242", "", "", "", "");
}

static void
test_user_not_allowed_hostile_name(void **state)
{
	(void)state;
	EXPECT("User x from 6.6.6.6 from 1.2.3.4 not allowed because listed "
	    "in DenyUsers", "user_not_allowed", "x from 6.6.6.6", "1.2.3.4",
	    "");
}

/* ---- root_refused ---- */

static void
test_root_login_refused(void **state)
{
	(void)state;
	EXPECT("ROOT LOGIN REFUSED FROM 1.2.3.4", "root_refused", "root",
	    "1.2.3.4", "");
	EXPECT("ROOT LOGIN REFUSED FROM 1.2.3.4 port 22", "root_refused",
	    "root", "1.2.3.4", "22");
	EXPECT("ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4 port 22",
	    "root_refused", "root", "1.2.3.4", "22");
	EXPECT("ROOT LOGIN REFUSED FROM 1.2.3.4 port 22 x", "", "", "", "");
}

/* ---- max_attempts ---- */

static void
test_max_attempts_exceeded(void **state)
{
	(void)state;
	EXPECT("error: maximum authentication attempts exceeded for root from "
	    "1.2.3.4 port 22 ssh2 [preauth]", "max_attempts", "root",
	    "1.2.3.4", "22");
	EXPECT("error: maximum authentication attempts exceeded for invalid "
	    "user x from 1.2.3.4 port 22 ssh2 [preauth]", "max_attempts", "x",
	    "1.2.3.4", "22");
	EXPECT("error: maximum authentication attempts exceeded for invalid "
	    "user x from 6.6.6.6 port 1 from 1.2.3.4 port 22 ssh2 [preauth]",
	    "max_attempts", "x from 6.6.6.6 port 1", "1.2.3.4", "22");
}

/* ---- pam_auth_fail ---- */

static void
test_pam_unix_authentication_failure(void **state)
{
	(void)state;
	EXPECT("pam_unix(sshd:auth): authentication failure; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root",
	    "pam_auth_fail", "root", "1.2.3.4", "");
	EXPECT("pam_unix(sshd:auth): authentication failure; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=1.2.3.4 ", "pam_auth_fail", "",
	    "1.2.3.4", "");
	EXPECT("pam_unix(sshd:auth): authentication failure; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=host.example.com  user=bob",
	    "pam_auth_fail", "bob", "", "");
	EXPECT("pam_unix(sshd:auth): authentication failure; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=2001:db8::5  user=a rhost=6.6.6.6",
	    "pam_auth_fail", "a rhost=6.6.6.6", "2001:db8::5", "");
}

static void
test_pam_more_authentication_failures(void **state)
{
	(void)state;
	EXPECT("PAM 2 more authentication failures; logname= uid=0 euid=0 "
	    "tty=ssh ruser= rhost=1.2.3.4  user=root", "pam_auth_fail",
	    "root", "1.2.3.4", "");
	EXPECT("PAM 1 more authentication failure; logname= uid=0 euid=0 "
	    "tty=ssh ruser= rhost=1.2.3.4", "pam_auth_fail", "", "1.2.3.4",
	    "");
	EXPECT("PAM service(sshd) ignoring max retries; 6 > 3", "", "", "",
	    "");
}

static void
test_pam_sshd_authentication_failure(void **state)
{
	(void)state;
	EXPECT("error: PAM: Authentication failure for root from 1.2.3.4",
	    "pam_auth_fail", "root", "1.2.3.4", "");
	EXPECT("error: PAM: Authentication failure for illegal user test "
	    "from 1.2.3.4", "pam_auth_fail", "test", "1.2.3.4", "");
}

static void
test_pam_other_lines(void **state)
{
	(void)state;
	EXPECT("pam_unix(sshd:session): session opened for user alice(uid="
	    "1000) by (uid=0)", "session_open", "alice", "", "");
	EXPECT("pam_unix(sshd:session): session opened for user alice by "
	    "(uid=0)", "session_open", "alice", "", "");
	EXPECT("pam_unix(sshd:session): session closed for user alice",
	    "session_close", "alice", "", "");
	EXPECT("pam_unix(sshd:auth): check pass; user unknown",
	    "pam_user_unknown", "", "", "");
}

/* ---- no_ident, bad_protocol ---- */

static void
test_no_identification_string(void **state)
{
	(void)state;
	EXPECT("Did not receive identification string from 1.2.3.4 port 22",
	    "no_ident", "", "1.2.3.4", "22");
	EXPECT("Did not receive identification string from 1.2.3.4",
	    "no_ident", "", "1.2.3.4", "");
}

static void
test_bad_protocol_version(void **state)
{
	(void)state;
	EXPECT("Bad protocol version identification 'GET / HTTP/1.1' from "
	    "1.2.3.4 port 22", "bad_protocol", "", "1.2.3.4", "22");
	EXPECT("Bad protocol version identification 'GET / HTTP/1.1' from "
	    "1.2.3.4", "bad_protocol", "", "1.2.3.4", "");
	/* The banner is the client's: the address is the last one. */
	EXPECT("Bad protocol version identification 'x' from 9.9.9.9 port 1' "
	    "from 1.2.3.4 port 22", "bad_protocol", "", "1.2.3.4", "22");
}

static void
test_bad_protocol_newer_forms(void **state)
{
	(void)state;
	EXPECT("banner exchange: Connection from 1.2.3.4 port 22: invalid "
	    "format", "bad_protocol", "", "1.2.3.4", "22");
	EXPECT("banner exchange: Connection from 2001:db8::9 port 5000: "
	    "Connection timed out", "bad_protocol", "", "2001:db8::9", "5000");
	EXPECT("Unable to negotiate with 1.2.3.4 port 22: no matching key "
	    "exchange method found. Their offer: diffie-hellman-group1-sha1 "
	    "[preauth]", "bad_protocol", "", "1.2.3.4", "22");
}

static void
test_kex_exchange_identification_is_a_detail(void **state)
{
	(void)state;
	EXPECT("error: kex_exchange_identification: client sent invalid "
	    "protocol identifier \"GET / HTTP/1.1\"", "ident_error", "", "",
	    "");
	EXPECT("error: kex_exchange_identification: Connection closed by "
	    "remote host", "ident_error", "", "", "");
	EXPECT("error: kex_exchange_identification: client sent invalid "
	    "protocol identifier \"sshd[9]: Accepted password for q from "
	    "1.2.3.4 port 5 ssh2\"", "ident_error", "", "", "");
}

/* ---- disconnect ---- */

static void
test_connection_closed(void **state)
{
	(void)state;
	EXPECT("Connection closed by 1.2.3.4 port 22 [preauth]", "disconnect",
	    "", "1.2.3.4", "22");
	EXPECT("Connection closed by 1.2.3.4 [preauth]", "disconnect", "",
	    "1.2.3.4", "");
	EXPECT("Connection closed by authenticating user root 1.2.3.4 port 22 "
	    "[preauth]", "disconnect", "root", "1.2.3.4", "22");
	EXPECT("Connection closed by invalid user x 1.2.3.4 port 22 [preauth]",
	    "disconnect", "x", "1.2.3.4", "22");
	EXPECT("Connection reset by 1.2.3.4 port 22 [preauth]", "disconnect",
	    "", "1.2.3.4", "22");
	EXPECT("Connection reset by authenticating user root 1.2.3.4 port 22 "
	    "[preauth]", "disconnect", "root", "1.2.3.4", "22");
}

static void
test_connection_closed_invalid_user_hostile_name(void **state)
{
	(void)state;
	EXPECT("Connection closed by invalid user x 6.6.6.6 port 1 1.2.3.4 "
	    "port 22 [preauth]", "disconnect", "x 6.6.6.6 port 1", "1.2.3.4",
	    "22");
	/* Unknown preamble: not sshd's. */
	EXPECT("Connection closed by someone 1.2.3.4 port 22", "", "", "",
	    "");
	/* Legacy bare address never takes a preamble. */
	EXPECT("Connection closed by invalid user x 1.2.3.4", "", "", "", "");
}

static void
test_disconnected_from(void **state)
{
	(void)state;
	EXPECT("Disconnected from 1.2.3.4 port 22 [preauth]", "disconnect", "",
	    "1.2.3.4", "22");
	EXPECT("Disconnected from user alice 1.2.3.4 port 22", "disconnect",
	    "alice", "1.2.3.4", "22");
	EXPECT("Disconnected from invalid user x 1.2.3.4 port 22 [preauth]",
	    "disconnect", "x", "1.2.3.4", "22");
	EXPECT("Disconnected from authenticating user root 1.2.3.4 port 22 "
	    "[preauth]", "disconnect", "root", "1.2.3.4", "22");
}

static void
test_received_disconnect(void **state)
{
	(void)state;
	EXPECT("Received disconnect from 1.2.3.4 port 22:11: Bye Bye "
	    "[preauth]", "disconnect", "", "1.2.3.4", "22");
	EXPECT("Received disconnect from 1.2.3.4: 11: Bye Bye [preauth]",
	    "disconnect", "", "1.2.3.4", "");
	EXPECT("Received disconnect from 2001:db8::1: 11: Bye Bye",
	    "disconnect", "", "2001:db8::1", "");
	EXPECT("Received disconnect from 2001:db8::1 port 22:11: "
	    "disconnected by user", "disconnect", "", "2001:db8::1", "22");
	/* The reason text is the client's: the address comes first. */
	EXPECT("error: Received disconnect from 1.2.3.4 port 22:3: from "
	    "9.9.9.9 port 1 [preauth]", "disconnect", "", "1.2.3.4", "22");
}

static void
test_disconnecting(void **state)
{
	(void)state;
	EXPECT("Disconnecting authenticating user root 1.2.3.4 port 22: Too "
	    "many authentication failures [preauth]", "disconnect", "root",
	    "1.2.3.4", "22");
	EXPECT("Disconnecting invalid user x 1.2.3.4 port 22: Too many "
	    "authentication failures [preauth]", "disconnect", "x", "1.2.3.4",
	    "22");
	EXPECT("Disconnecting invalid user x 6.6.6.6 port 1: Too many "
	    "authentication failures 1.2.3.4 port 22: Too many authentication "
	    "failures [preauth]", "disconnect",
	    "x 6.6.6.6 port 1: Too many authentication failures", "1.2.3.4",
	    "22");
	EXPECT("Disconnecting 1.2.3.4 port 22: Bad packet length [preauth]",
	    "disconnect", "", "1.2.3.4", "22");
	EXPECT("Disconnecting: Too many authentication failures for root "
	    "[preauth]", "disconnect", "root", "", "");
	EXPECT("Disconnecting user alice 10.0.0.5 port 22: oops",
	    "disconnect", "alice", "10.0.0.5", "22");
}

static void
test_timeout_before_authentication(void **state)
{
	(void)state;
	EXPECT("fatal: Timeout before authentication for 1.2.3.4 port 22",
	    "disconnect", "", "1.2.3.4", "22");
}

/* ---- connect ---- */

static void
test_connection_from(void **state)
{
	(void)state;
	EXPECT("Connection from 1.2.3.4 port 5000 on 10.0.0.1 port 22",
	    "connect", "", "1.2.3.4", "5000");
	EXPECT("Connection from 2001:db8::2 port 5000 on 2001:db8::1 port 22 "
	    "rdomain \"0\"", "connect", "", "2001:db8::2", "5000");
	EXPECT("Connection from 1.2.3.4 port 5000", "", "", "", "");
}

/* ---- addresses ---- */

static void
test_ipv6_address(void **state)
{
	(void)state;
	EXPECT("Failed password for root from 2001:db8::1 port 22 ssh2",
	    "auth_fail", "root", "2001:db8::1", "22");
	EXPECT("Invalid user a from 2001:da8:1:2::3", "invalid_user", "a",
	    "2001:da8:1:2::3", "");
}

static void
test_ipv6_written_canonical(void **state)
{
	(void)state;
	EXPECT("Failed password for root from 2001:0DB8:0:0:0:0:0:1 port 22 "
	    "ssh2", "auth_fail", "root", "2001:db8::1", "22");
}

static void
test_ipv4_mapped_normalised(void **state)
{
	(void)state;
	EXPECT("Failed password for root from ::ffff:1.2.3.4 port 22 ssh2",
	    "auth_fail", "root", "1.2.3.4", "22");
	EXPECT("Connection closed by ::ffff:10.0.0.9 port 22 [preauth]",
	    "disconnect", "", "10.0.0.9", "22");
}

static void
test_address_not_an_ip(void **state)
{
	(void)state;
	EXPECT("Connection closed by UNKNOWN port 65535", "disconnect", "", "",
	    "65535");
	EXPECT("Failed password for root from 1.2.3.400 port 22 ssh2",
	    "auth_fail", "root", "", "22");
	EXPECT("Failed password for root from 1.2.3.4%eth0 port 22 ssh2",
	    "auth_fail", "root", "", "22");
}

/* ---- unrecognised ---- */

static void
test_unrecognised_lines(void **state)
{
	(void)state;
	EXPECT("Server listening on 0.0.0.0 port 22.", "", "", "", "");
	EXPECT("Received signal 15; terminating.", "", "", "", "");
	EXPECT("", "", "", "", "");
	EXPECT("Failed", "", "", "", "");
	EXPECT("Failed ", "", "", "", "");
	EXPECT("Accepted publickey for", "", "", "", "");
	EXPECT("Invalid user", "", "", "", "");
	EXPECT("error: ", "", "", "", "");
	EXPECT("x Failed password for root from 1.2.3.4 port 22 ssh2", "", "",
	    "", "");
}

/*
 * Every prefix of a valid line: never crash, never an address other than
 * the line's own, with one exception no parser can avoid: a line cut inside
 * an address or port number, before the real address ends, can be a
 * well-formed legacy line (no " port N", or no " ssh2") in its own right.
 */
static void
test_truncated_lines_never_misparse(void **state)
{
	static const struct {
		const char	*line;
		const char	*addr;	/* as written in the line */
		const char	*ip;	/* normalised */
	} cases[] = {
		{ "Failed password for invalid user admin from 10.0.0.12 port "
		    "22 from 185.220.101.47 port 4242 ssh2: RSA " FP,
		    "185.220.101.47", "185.220.101.47" },
		{ "Accepted publickey for alice from 2001:db8::12 port 22 "
		    "ssh2: "
		    "ED25519 " FP, "2001:db8::12", "2001:db8::12" },
		{ "Invalid user x from 1.2.3.4 from 10.0.0.12 port 22",
		    "10.0.0.12", "10.0.0.12" },
		{ "User root from 10.0.0.12 not allowed because not listed in "
		    "AllowUsers", "10.0.0.12", "10.0.0.12" },
		{ "ROOT LOGIN REFUSED FROM ::ffff:10.0.0.12 port 22",
		    "::ffff:10.0.0.12", "10.0.0.12" },
		{ "error: maximum authentication attempts exceeded for root "
		    "from 10.0.0.12 port 22 ssh2 [preauth]", "10.0.0.12",
		    "10.0.0.12" },
		{ "pam_unix(sshd:auth): authentication failure; logname= uid=0 "
		    "euid=0 tty=ssh ruser= rhost=10.0.0.12  user=root",
		    "10.0.0.12", "10.0.0.12" },
		{ "PAM 5 more authentication failures; logname= uid=0 euid=0 "
		    "tty=ssh ruser= rhost=10.0.0.12  user=root", "10.0.0.12",
		    "10.0.0.12" },
		{ "Did not receive identification string from 10.0.0.12 port "
		    "22", "10.0.0.12", "10.0.0.12" },
		{ "Bad protocol version identification 'GET / HTTP/1.1' from "
		    "10.0.0.12 port 22", "10.0.0.12", "10.0.0.12" },
		{ "banner exchange: Connection from 10.0.0.12 port 22: invalid "
		    "format", "10.0.0.12", "10.0.0.12" },
		{ "Connection closed by invalid user x 10.0.0.12 port 22 "
		    "[preauth]", "10.0.0.12", "10.0.0.12" },
		{ "Disconnected from user alice 10.0.0.12 port 22",
		    "10.0.0.12", "10.0.0.12" },
		{ "Received disconnect from 10.0.0.12 port 22:11: Bye Bye "
		    "[preauth]", "10.0.0.12", "10.0.0.12" },
		{ "Disconnecting invalid user x 10.0.0.12 port 22: Too many "
		    "authentication failures [preauth]", "10.0.0.12",
		    "10.0.0.12" },
		{ "Connection from 10.0.0.12 port 5000 on 10.0.0.1 port 22",
		    "10.0.0.12", "10.0.0.12" },
	};
	struct logrec	 r;
	const char	*line, *p, *end;
	char		*buf;
	size_t		 i, n, len, hl = strlen(HEADER), addr_end;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		line = cases[i].line;
		len = strlen(line);
		/* The real address is the last occurrence. */
		for (end = NULL, p = line; (p = strstr(p, cases[i].addr)) !=
		    NULL; p++)
			end = p + strlen(cases[i].addr);
		assert_non_null(end);
		addr_end = (size_t)(end - line);

		assert_int_equal(parse_msg(&r, line, len), 0);
		assert_string_equal(r.src_ip, cases[i].ip);
		for (n = 0; n <= len; n++) {
			buf = malloc(hl + n);
			assert_non_null(buf);
			memcpy(buf, HEADER, hl);
			memcpy(buf + hl, line, n);
			assert_int_equal(syslog_parse(buf, hl + n, REF, &r), 0);
			(void)sshd_parse(&r);
			assert_true(strlen(r.user) < sizeof(r.user));
			if (r.src_ip[0] != '\0' &&
			    strcmp(r.src_ip, cases[i].ip) != 0 &&
			    (n > addr_end || n == 0 ||
			    strchr("0123456789abcdefABCDEF:.", line[n - 1]) ==
			    NULL))
				fail_msg("prefix %zu of \"%s\": %s port %s", n,
				    line, r.src_ip, r.src_port);
			free(buf);
		}
	}
}

/* Lines assembled from sshd's own tokens: no crash, fields bounded. */
static void
test_random_token_soup_is_safe(void **state)
{
	static const char *const parts[] = {
		"Failed password for ", "invalid user ", "Invalid user ",
		" from ", " port ", "1.2.3.4", "2001:db8::1", "::ffff:",
		"22", "65536", " ssh2", ": ", " [preauth]", "error: ",
		"Connection closed by ", "authenticating user ", "user ",
		"Disconnecting ", "Received disconnect from ", "rhost=",
		" user=", "pam_unix(sshd:auth): authentication failure; ",
		"PAM 3 more authentication failures; ", "User ",
		" not allowed because ", "listed in DenyUsers", "'", " ",
		"\xff", "\0", "Accepted ", "ROOT LOGIN REFUSED FROM ",
		"Connection from ", " on ", "Disconnecting: ", ":",
	};
	const size_t	 np = sizeof(parts) / sizeof(parts[0]);
	struct logrec	 r;
	uint64_t	 x = 0x243f6a8885a308d3ULL;
	char		 msg[600];
	size_t		 n, k, pl, j;
	int		 iter;

	(void)state;
	for (iter = 0; iter < 100000; iter++) {
		for (n = 0, k = 0; k < 14; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			j = (size_t)(x % np);
			pl = parts[j][0] == '\0' ? 1 : strlen(parts[j]);
			if (n + pl > sizeof(msg))
				break;
			memcpy(msg + n, parts[j], pl);
			n += pl;
		}
		(void)parse_msg(&r, msg, n);
		assert_true(strlen(r.action) < sizeof(r.action));
		assert_true(strlen(r.user) < sizeof(r.user));
		assert_true(strlen(r.src_ip) < sizeof(r.src_ip));
		assert_true(strlen(r.src_port) < sizeof(r.src_port));
		if (r.action[0] == '\0')
			assert_true(r.user[0] == '\0' && r.src_ip[0] == '\0');
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_password_root),
		cmocka_unit_test(test_failed_password_invalid_user),
		cmocka_unit_test(test_failed_password_preauth_suffix),
		cmocka_unit_test(
		    test_failed_password_invalid_user_hostile_name),
		cmocka_unit_test(test_failed_password_hostile_name_with_ssh2),
		cmocka_unit_test(test_failed_password_hostile_name_v6),
		cmocka_unit_test(
		    test_failed_password_hostile_name_only_looks_like_address),
		cmocka_unit_test(test_failed_password_empty_user),
		cmocka_unit_test(test_failed_publickey_with_key_info),
		cmocka_unit_test(test_failed_keyboard_interactive_pam),
		cmocka_unit_test(test_failed_without_ssh2_old_format),
		cmocka_unit_test(test_failed_none_is_a_probe_not_an_attempt),
		cmocka_unit_test(test_failed_bad_port_not_recognised),
		cmocka_unit_test(test_accepted_methods),
		cmocka_unit_test(test_partial_and_postponed_not_recognised),
		cmocka_unit_test(test_invalid_user_with_port),
		cmocka_unit_test(test_invalid_user_legacy_without_port),
		cmocka_unit_test(test_invalid_user_hostile_name),
		cmocka_unit_test(test_invalid_user_empty_name),
		cmocka_unit_test(test_hostile_user_truncated_at_255),
		cmocka_unit_test(test_hostile_user_binary_bytes_copied),
		cmocka_unit_test(test_user_not_allowed_reasons),
		cmocka_unit_test(test_user_not_allowed_host_name),
		cmocka_unit_test(test_user_not_allowed_without_address),
		cmocka_unit_test(test_user_not_allowed_hostile_name),
		cmocka_unit_test(test_root_login_refused),
		cmocka_unit_test(test_max_attempts_exceeded),
		cmocka_unit_test(test_pam_unix_authentication_failure),
		cmocka_unit_test(test_pam_more_authentication_failures),
		cmocka_unit_test(test_pam_sshd_authentication_failure),
		cmocka_unit_test(test_pam_other_lines),
		cmocka_unit_test(test_no_identification_string),
		cmocka_unit_test(test_bad_protocol_version),
		cmocka_unit_test(test_bad_protocol_newer_forms),
		cmocka_unit_test(test_kex_exchange_identification_is_a_detail),
		cmocka_unit_test(test_connection_closed),
		cmocka_unit_test(
		    test_connection_closed_invalid_user_hostile_name),
		cmocka_unit_test(test_disconnected_from),
		cmocka_unit_test(test_received_disconnect),
		cmocka_unit_test(test_disconnecting),
		cmocka_unit_test(test_timeout_before_authentication),
		cmocka_unit_test(test_connection_from),
		cmocka_unit_test(test_ipv6_address),
		cmocka_unit_test(test_ipv6_written_canonical),
		cmocka_unit_test(test_ipv4_mapped_normalised),
		cmocka_unit_test(test_address_not_an_ip),
		cmocka_unit_test(test_unrecognised_lines),
		cmocka_unit_test(test_truncated_lines_never_misparse),
		cmocka_unit_test(test_random_token_soup_is_safe),
	};

	if (setenv("TZ", "UTC", 1) == -1)
		return 1;
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
