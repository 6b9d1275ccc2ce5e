/*
 * tests/unit/parse_host_test.c - unit tests of the sudo, su, pam and kernel
 * parsers (collector/parse_sudo.c, parse_pam.c, parse_kernel.c) through
 * the registry, on lines as sudo 1.9, Linux-PAM, util-linux and Linux print.
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

#include "../../collector/parse.h"
#include "parse_helper.h"

#define H	"Nov 23 01:34:22 web1 "

static void
test_sudo_command(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("sudo", H "sudo:    alice : TTY=pts/0 ; "
	    "PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart "
	    "nginx", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "sudo_command");
	F(ev, SERVICE, "sudo");
	F(ev, USER, "alice");
	F(ev, TARGET_USER, "root");
	F(ev, TTY, "pts/0");
	F(ev, COMMAND, "/usr/bin/systemctl restart nginx");
	F(ev, SRC_IP, "");
	/* No tty (cron, ssh -T): PWD first. */
	assert_int_equal(ph_parse("sudo", H "sudo: alice : PWD=/home/alice ; "
	    "USER=root ; COMMAND=/usr/bin/id", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "sudo_command");
	F(ev, TTY, "");
	F(ev, COMMAND, "/usr/bin/id");
	/* The command is the rest, " ; USER=x" inside it moves nothing. */
	assert_int_equal(ph_parse("sudo", H "sudo: bob : TTY=pts/1 ; PWD=/ ; "
	    "USER=root ; COMMAND=/bin/echo a ; USER=mallory ; TTY=x", &ev),
	    PARSE_RECOGNISED);
	F(ev, TARGET_USER, "root");
	F(ev, COMMAND, "/bin/echo a ; USER=mallory ; TTY=x");
}

static void
test_sudo_failures(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("sudo", H "sudo:    alice : 3 incorrect "
	    "password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; "
	    "COMMAND=/usr/bin/id", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "auth_fail");
	F(ev, USER, "alice");
	assert_int_equal(ph_pb.rec.repeat, 3);
	assert_int_equal(ph_parse("sudo", H "sudo: alice : 1 incorrect "
	    "password attempt ; TTY=pts/0 ; PWD=/ ; USER=root ; COMMAND=/x",
	    &ev), PARSE_RECOGNISED);
	assert_int_equal(ph_pb.rec.repeat, 1);
	assert_int_equal(ph_parse("sudo", H "sudo:      tsg : user NOT in "
	    "sudoers ; TTY=pts/2 ; PWD=/home/tsg ; USER=root ; COMMAND=/bin/sh",
	    &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "sudo_denied");
	F(ev, USER, "tsg");
	F(ev, COMMAND, "/bin/sh");
	assert_int_equal(ph_parse("sudo", H "sudo: eve : command not allowed "
	    "; TTY=pts/2 ; PWD=/ ; USER=root ; COMMAND=/bin/sh", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "sudo_denied");
	/* PAM's echo: pam_auth_fail, the account and ruser apart. */
	assert_int_equal(ph_parse("sudo", H "sudo: pam_unix(sudo:auth): "
	    "authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/0 "
	    "ruser=alice rhost=  user=root", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "pam_auth_fail");
	F(ev, SERVICE, "sudo");
	F(ev, USER, "root");
	F(ev, RUSER, "alice");
	F(ev, TTY, "/dev/pts/0");
	F(ev, SRC_IP, "");
	assert_int_equal(ph_pb.rec.repeat, 0);
	/* Not sudo's: kept as a plain line. */
	assert_int_equal(ph_parse("sudo", H "sudo: a b : TTY=x ; COMMAND=y",
	    &ev), PARSE_PLAIN);
	F(ev, ACTION, "");
}

static void
test_su(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("su", H "su[4242]: FAILED SU (to root) alice "
	    "on pts/1", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "su_fail");
	F(ev, USER, "alice");
	F(ev, TARGET_USER, "root");
	F(ev, TTY, "pts/1");
	assert_int_equal(ph_parse("su", H "su[4243]: (to root) alice on pts/1",
	    &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "su_ok");
	assert_int_equal(ph_parse("su", H "su[1]: FAILED su for root by bob",
	    &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "su_fail");
	F(ev, USER, "bob");
	F(ev, TARGET_USER, "root");
	assert_int_equal(ph_parse("su", H "su[1]: + pts/3 bob:root", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "su_ok");
	F(ev, TTY, "pts/3");
	assert_int_equal(ph_parse("su", "<34>Oct 11 22:14:15 mymachine su: su "
	    "root failed for lonvick on /dev/pts/8", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "su_fail");
	F(ev, USER, "lonvick");
	F(ev, FACILITY, "auth");
	F(ev, SEVERITY, "crit");
	assert_int_equal(ph_parse("su", H "su[2]: failed: ttyq4 changing from "
	    "ldap to root", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "su_fail");
	F(ev, USER, "ldap");
	F(ev, TARGET_USER, "root");
	F(ev, TTY, "ttyq4");
	assert_int_equal(ph_parse("su", H "su: dcid to root on /dev/ttyp1", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "su_ok");
	F(ev, USER, "dcid");
	assert_int_equal(ph_parse("su", H "su[3]: BAD SU ger to fwmaster on "
	    "/dev/ttyp0", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "su_fail");
	F(ev, TARGET_USER, "fwmaster");
	assert_int_equal(ph_parse("su", H "su[1]: pam_unix(su-l:session): "
	    "session opened for user root(uid=0) by alice(uid=1000)", &ev),
	    PARSE_RECOGNISED);
	F(ev, ACTION, "session_open");
	F(ev, USER, "root");
}

static void
test_pam(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("pam", H "sshd[7]: pam_unix(sshd:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=203.0.113.9  user=root", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "pam_auth_fail");
	F(ev, SERVICE, "sshd");
	F(ev, SRC_IP, "203.0.113.9");
	F(ev, USER, "root");
	/* The old tag form. */
	assert_int_equal(ph_parse("pam", "Jun 14 15:16:01 combo sshd(pam_unix)"
	    "[19939]: authentication failure; logname= uid=0 euid=0 "
	    "tty=NODEVssh ruser= rhost=218.188.2.4 ", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "218.188.2.4");
	F(ev, SERVICE, "sshd");
	F(ev, PROGRAM, "sshd(pam_unix)");
	/* rhost a host name: no address (never resolved). */
	assert_int_equal(ph_parse("pam", H "sshd[8]: pam_unix(sshd:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om  user=root", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
	/* ruser holding "rhost=1.2.3.4": the source does not move. */
	assert_int_equal(ph_parse("pam", H "login[9]: pam_unix(login:auth): "
	    "authentication failure; logname=x uid=0 euid=0 tty=tty1 "
	    "ruser=x rhost=1.2.3.4 rhost=  user=bob", &ev), PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
	F(ev, RUSER, "x");
	/* A user called "from 1.2.3.4 port 22": the source is rhost. */
	assert_int_equal(ph_parse("pam", H "sshd[10]: pam_unix(sshd:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=198.51.100.7  user=from 1.2.3.4 port 22", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "198.51.100.7");
	F(ev, USER, "from 1.2.3.4 port 22");
	/*
	 * A user holding "rhost=" after a ruser: which rhost PAM wrote cannot
	 * be told (ruser "r rhost=A  user=" would read the same): none.
	 */
	assert_int_equal(ph_parse("pam", H "login[13]: pam_unix(login:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=tty1 ruser=r "
	    "rhost=198.51.100.7  user=x rhost=6.6.6.6", &ev),
	    PARSE_RECOGNISED);
	F(ev, SRC_IP, "");
	assert_int_equal(ph_parse("pam", H "sshd(pam_unix)[15794]: 2 more "
	    "authentication failures; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=10.0.3.1  user=root", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "pam_auth_fail");
	F(ev, SRC_IP, "10.0.3.1");
	assert_int_equal(ph_parse("pam", H "sshd[11]: pam_faillock(sshd:auth): "
	    "Consecutive login failures for user root account temporarily "
	    "locked", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "pam_user_lock");
	F(ev, USER, "root");
	assert_int_equal(ph_parse("pam", H "sshd[12]: pam_unix(sshd:auth): "
	    "check pass; user unknown", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "pam_user_unknown");
	assert_int_equal(ph_parse("pam", H "sshd[12]: pam_unix(sshd:auth): "
	    "something new", &ev), PARSE_PLAIN);
	F(ev, ACTION, "");
}

static void
test_kernel_usb(void **state)
{
	struct event	 ev;

	(void)state;
	assert_int_equal(ph_parse("kernel", H "kernel: [  259.373865] usb 1-1: "
	    "New USB device found, idVendor=0781, idProduct=5567, bcdDevice= "
	    "1.00", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "usb_attached");
	F(ev, DEVICE, "1-1");
	F(ev, VENDOR, "0781");
	F(ev, PRODUCT, "5567");
	assert_int_equal(ph_parse("kernel", H "kernel: usb 1-1: Product: "
	    "Cruzer Blade", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "usb_info");
	F(ev, PRODUCT, "Cruzer Blade");
	assert_int_equal(ph_parse("kernel", H "kernel: usb 1-1: SerialNumber: "
	    "4C530001230108117403", &ev), PARSE_RECOGNISED);
	F(ev, SERIAL, "4C530001230108117403");
	assert_int_equal(ph_parse("kernel", H "kernel: usb 1-1: Manufacturer: "
	    "SanDisk", &ev), PARSE_RECOGNISED);
	F(ev, VENDOR, "SanDisk");
	assert_int_equal(ph_parse("kernel", H "kernel: usb-storage 1-1:1.0: USB "
	    "Mass Storage device detected", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "media_attached");
	F(ev, DEVICE, "1-1:1.0");
	assert_int_equal(ph_parse("kernel", H "kernel: sd 6:0:0:0: [sdb] "
	    "Attached SCSI removable disk", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "disk_attached");
	F(ev, DEVICE, "sdb");
	assert_int_equal(ph_parse("kernel", H "kernel: [ 1005.1] usb 1-1: USB "
	    "disconnect, device number 2", &ev), PARSE_RECOGNISED);
	F(ev, ACTION, "media_removed");
	F(ev, DEVICE, "1-1");
	/* dmesg's output, no syslog header. */
	assert_int_equal(ph_parse("kernel", "[  259.373865] usb 2-1: USB "
	    "disconnect, device number 3", &ev), PARSE_RECOGNISED);
	F(ev, DEVICE, "2-1");
	assert_int_equal(ph_parse("kernel", H "kernel: usb 1-1: new high-speed "
	    "USB device number 2 using xhci_hcd", &ev), PARSE_PLAIN);
	/* Another program's line naming a USB device is not the kernel's. */
	assert_int_equal(ph_parse("kernel", H "evil[1]: usb 1-1: USB "
	    "disconnect, device number 2", &ev), PARSE_PLAIN);
	F(ev, ACTION, "");
}

static int
teardown(void **state)
{
	(void)state;
	ph_teardown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sudo_command),
		cmocka_unit_test(test_sudo_failures),
		cmocka_unit_test(test_su),
		cmocka_unit_test(test_pam),
		cmocka_unit_test(test_kernel_usb),
	};

	if (setenv("TZ", "UTC", 1) == -1)
		return 1;
	tzset();
	return cmocka_run_group_tests(tests, NULL, teardown);
}
