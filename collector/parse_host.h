/*
 * collector/parse_host.h - Linux-PAM module messages (pam_unix and others),
 * sudo's, su's and the kernel's lines: the host parsers other than sshd.
 * Each fills the parser fields of a struct logrec set by syslog_parse().
 */
#ifndef PARSE_HOST_H
#define PARSE_HOST_H

#include "parse_syslog.h"

/*
 * "pam_unix(SERVICE:TYPE): text" (msg from its "pam_" on) or the old
 * "PROG(pam_unix)[pid]: text" tag (program "PROG(pam_unix)"). Sets
 * service to the PAM service and, by the text:
 *  pam_auth_fail	"[N more ]authentication failure[s]; logname=L uid=N euid=N
 *		tty=T ruser=R rhost=H  user=U": PAM's echo of an attempt the
 *		service logs itself (sshd's "Failed password", sudo's "N
 *		incorrect password attempts"), so rules counting attempts test
 *		auth_fail and never count it twice.  src_ip is rhost when rhost
 *		is an address; ruser and tty are kept.  ruser is read as one
 *		token: when it holds a space, rhost is not taken (a ruser of
 *		"x rhost=1.2.3.4" never moves the source).
 *  pam_user_unknown	"check pass; user unknown".
 *  pam_user_lock	pam_faillock/pam_tally2 "Consecutive login failures for
 *		user U account temporarily locked", "user U (N) tally M, deny D".
 *  session_open, session_close	"session opened for user U[(uid=N)] by ..."
 *		and "session closed for user U".
 * Returns 0 when recognised, -1 otherwise.
 */
int	pam_parse(struct logrec *);
/* The same on a message that starts at "pam_..." with the service known. */
int	pam_parse_msg(struct logrec *, const char *msg, size_t len);

/*
 * sudo 1.8/1.9: "U : [N incorrect password attempts ; ]TTY=T ; PWD=P ;
 * USER=R ; [GROUP=G ; ]COMMAND=C" and "U : user NOT in sudoers ; ...".
 *  sudo_command	a command run: user U, target_user R, tty, command C.
 *  auth_fail	"N incorrect password attempt(s)": N attempts (repeat N).
 *  sudo_denied	"user NOT in sudoers", "user NOT authorized on host",
 *		"command not allowed": the command refused.
 * pam_unix(sudo:...) lines go to pam_parse().
 */
int	sudo_parse(struct logrec *);

/*
 * su (util-linux, shadow, busybox):
 *  su_fail	"FAILED SU (to R) U on T", "FAILED su for R by U",
 *		"- T U:R" (BSD/coreutils: '-' failed, '+' succeeded),
 *		"BAD SU U to R on T", "['su ]R['] failed for U on T",
 *		"failed: T changing from U to R".
 *  su_ok	"(to R) U on T", "Successful su for R by U", "+ T U:R",
 *		"U to R on T".
 */
int	su_parse(struct logrec *);

/*
 * Linux kernel (program "kernel", an optional "[  12.345678] " stamp):
 *  media_attached	"usb 1-1: New USB device found, idVendor=V,
 *		idProduct=P": device "1-1", vendor, product; then the lines
 *		"usb 1-1: Product: X", "Manufacturer: X", "SerialNumber: S"
 *		(action media_info, product/vendor/serial text);
 *		"usb-storage 1-1:1.0: USB Mass Storage device detected" and
 *		"sd 6:0:0:0: [sdb] Attached SCSI removable disk" (device sdb).
 *  media_removed	"usb 1-1: USB disconnect, device number N".
 * Returns 0 when recognised, -1 otherwise.
 */
int	kernel_parse(struct logrec *);

#endif
