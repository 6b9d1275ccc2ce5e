/*
 * tests/unit/conf_test.c - vigie.conf loading: defaults, every error
 * named by file and line, lists replaced by file then by options.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"

static char	 path[64];
static char	 errpath[64];

/* Writes text to a temp config, loads it, captures stderr. */
static int
load(struct conf *c, const char *text, char *err, size_t errlen)
{
	FILE	*fp;
	int	 fd, saved, rc;
	size_t	 n;

	strcpy(path, "/tmp/vigie-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	strcpy(errpath, "/tmp/vigie-err-XXXXXX");
	fd = mkstemp(errpath);
	assert_true(fd != -1);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	assert_int_equal(conf_init(c), 0);
	rc = conf_load(c, path);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	fp = fopen(errpath, "r");
	assert_non_null(fp);
	n = fread(err, 1, errlen - 1, fp);
	err[n] = '\0';
	fclose(fp);
	unlink(errpath);
	unlink(path);
	return rc;
}

static void
test_defaults(void **state)
{
	struct conf	 c;
	struct netaddr	 a;

	(void)state;
	assert_int_equal(conf_init(&c), 0);
	assert_string_equal(c.redis_address, "127.0.0.1:6379");
	assert_string_equal(c.redis_prefix, "vigie:");
	assert_string_equal(c.http, "127.0.0.1:8080");
	assert_string_equal(c.timezone, "UTC");
	assert_int_equal(netaddr_parse("10.1.2.3", &a), 0);
	assert_true(cidrset_contains(c.internal, &a));
	assert_int_equal(netaddr_parse("8.8.8.8", &a), 0);
	assert_false(cidrset_contains(c.internal, &a));
	conf_free(&c);
}

static void
test_full_file(void **state)
{
	struct conf	 c;
	char		 err[1024];
	struct netaddr	 a;

	(void)state;
	assert_int_equal(load(&c,
	    "; a comment\n"
	    "[redis]\n"
	    "address = unix:/run/vigie/redis.sock\n"
	    "prefix = dc1:\n"
	    "[geo]\n"
	    "database = /var/lib/vigie/country.mmdb\n"
	    "home-countries = fr, BE\n"
	    "internal-networks = 198.51.100.0/24, 2001:db8::/32\n"
	    "  203.0.113.0/25\n"
	    "[rules]\n"
	    "path = /etc/vigie/rules\n"
	    "[collector]\n"
	    "sensor = rack-12\n"
	    "log = /var/log/auth.log:sshd\n"
	    "log = /var/log/syslog:syslog\n"
	    "[correlator]\n"
	    "workers = 4\n"
	    "timezone = Europe/Paris\n"
	    "retention-days = 30\n", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(c.redis_address, "unix:/run/vigie/redis.sock");
	assert_string_equal(c.redis_prefix, "dc1:");
	assert_int_equal(c.home_countries.n, 2);
	assert_string_equal(c.home_countries.v[0], "FR");
	assert_string_equal(c.home_countries.v[1], "BE");
	/* The file's networks replace the defaults, continuation appends. */
	assert_int_equal(cidrset_count(c.internal), 3);
	assert_int_equal(netaddr_parse("10.1.2.3", &a), 0);
	assert_false(cidrset_contains(c.internal, &a));
	assert_int_equal(netaddr_parse("203.0.113.100", &a), 0);
	assert_true(cidrset_contains(c.internal, &a));
	assert_int_equal(netaddr_parse("203.0.113.200", &a), 0);
	assert_false(cidrset_contains(c.internal, &a));
	assert_int_equal(c.log.n, 2);
	assert_string_equal(c.sensor, "rack-12");
	assert_int_equal(c.workers, 4);
	assert_string_equal(c.timezone, "Europe/Paris");
	assert_int_equal(c.retention_days, 30);
	conf_free(&c);
}

static void
test_every_error_named_with_line(void **state)
{
	struct conf	 c;
	char		 err[4096], want[256];

	(void)state;
	assert_int_equal(load(&c,
	    "[redis]\n"
	    "adress = 127.0.0.1:6379\n"		/* 2: typo */
	    "[correlator]\n"
	    "workers = many\n"			/* 4: bad value */
	    "timezone = Mars/Olympus\n"		/* 5: unknown zone */
	    "[geo]\n"
	    "internal-networks = 10.0.0.0/33\n"	/* 7: bad network */
	    "home-countries = FRA\n"		/* 8: not a code */
	    "[collector]\n"
	    "log = /var/log/x:perl\n"		/* 10: no such parser */
	    "sensor = a b\n"			/* 11: bad name */
	    "[nowhere]\n"
	    "key = 1\n", err, sizeof(err)), -1);	/* 13 */
	snprintf(want, sizeof(want), "%s:2: unknown key \"adress\" in [redis]",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:4: bad value \"many\" for workers",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:5: timezone \"Mars/Olympus\"", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:7: bad network \"10.0.0.0/33\"", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:8: home-countries", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:10: log \"/var/log/x:perl\"", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:11: sensor \"a b\"", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:13: unknown section [nowhere]", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);
}

static void
test_alert_keys(void **state)
{
	struct conf	 c;
	char		 err[4096], want[256];

	(void)state;
	assert_int_equal(load(&c,
	    "[correlator]\n"
	    "alert-file = /var/log/vigie/alerts.json\n"
	    "alert-syslog = udp:[2001:db8::1]:514\n", err, sizeof(err)), 0);
	assert_string_equal(c.alert_file, "/var/log/vigie/alerts.json");
	assert_string_equal(c.alert_syslog, "udp:[2001:db8::1]:514");
	conf_free(&c);
	assert_int_equal(load(&c,
	    "[correlator]\n"
	    "alert-syslog = unix:/dev/log\n", err, sizeof(err)), 0);
	assert_null(c.alert_file);
	assert_string_equal(c.alert_syslog, "unix:/dev/log");
	conf_free(&c);

	assert_int_equal(load(&c,
	    "[correlator]\n"
	    "alert-file =\n"				/* 2: empty */
	    "alert-syslog = tcp:siem:514\n"		/* 3: not udp or unix */
	    "alert-syslog = udp:siem\n"		/* 4: no port */
	    "alert-syslog = udp:siem:70000\n"		/* 5: bad port */
	    "alert-syslog = unix:\n", err, sizeof(err)), -1);	/* 6 */
	snprintf(want, sizeof(want), "%s:2: bad value \"\" for alert-file",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:3: alert-syslog \"tcp:siem:514\": "
	    "expected udp:HOST:PORT or unix:PATH", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:4: alert-syslog \"udp:siem\"", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:5: alert-syslog \"udp:siem:70000\": "
	    "\"siem:70000\": bad port", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:6: alert-syslog \"unix:\"", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);
}

/* The host-log inputs' keys: max-line, the journal, the receiver. */
static void
test_input_keys(void **state)
{
	struct conf	 c;
	struct netaddr	 a;
	char		 err[4096], want[256];

	(void)state;
	assert_int_equal(load(&c, "[collector]\n", err, sizeof(err)), 0);
	assert_int_equal(c.max_line, 65536);
	assert_int_equal(c.syslog_max_msg, 8192);
	assert_null(c.syslog_allow);
	conf_free(&c);
	assert_int_equal(load(&c,
	    "[collector]\n"
	    "max-line = 1024\n"
	    "syslog = udp:[::1]:5514\n"
	    "syslog = tcp:0.0.0.0:5514\n"
	    "syslog-allow = 10.0.0.0/8, 2001:db8::/32\n"
	    "syslog-allow = 192.0.2.7\n"
	    "syslog-max-message = 65536\n"
	    "journal = _SYSTEMD_UNIT=ssh.service\n"
	    "journal = SYSLOG_IDENTIFIER=sudo\n"
	    "journal-directory = /var/log/journal/remote\n", err,
	    sizeof(err)), 0);
	assert_int_equal(c.max_line, 1024);
	assert_int_equal(c.syslog.n, 2);
	assert_int_equal(c.syslog_max_msg, 65536);
	assert_int_equal(c.journal.n, 2);
	assert_string_equal(c.journal_dir, "/var/log/journal/remote");
	assert_int_equal(netaddr_parse("10.1.2.3", &a), 0);
	assert_true(cidrset_contains(c.syslog_allow, &a));
	assert_int_equal(netaddr_parse("192.0.2.7", &a), 0);
	assert_true(cidrset_contains(c.syslog_allow, &a));
	assert_int_equal(netaddr_parse("192.0.2.8", &a), 0);
	assert_false(cidrset_contains(c.syslog_allow, &a));
	conf_free(&c);

	assert_int_equal(load(&c,
	    "[collector]\n"
	    "max-line = 100\n"				/* 2: below 256 */
	    "syslog-allow = 10.0.0.0/33\n"		/* 3 */
	    "syslog-max-message = 100\n"		/* 4: below 480 */
	    "journal = _systemd_unit=x\n"		/* 5: lower case */
	    "journal = MESSAGE\n"			/* 6: no value */
	    "syslog = unix:/dev/log\n", err, sizeof(err)), -1);	/* 7 */
	snprintf(want, sizeof(want), "%s:2: bad value \"100\" for max-line",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:3: ", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:4: bad value", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:5: bad value", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:6: bad value", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:7: bad value", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);
}

static void
test_capture_keys(void **state)
{
	struct conf	 c;
	char		 err[4096], want[256];

	(void)state;
	assert_int_equal(load(&c, "[collector]\n", err, sizeof(err)), 0);
	assert_int_equal(c.snaplen, 262144);
	assert_int_equal(c.promiscuous, 1);
	assert_int_equal(c.max_flows, 1000000);
	assert_int_equal(c.payload_bytes, 2048);
	assert_int_equal(c.timeout_syn, 30);
	assert_null(c.capture_filter);
	conf_free(&c);
	assert_int_equal(load(&c,
	    "[collector]\n"
	    "interface = eth0\n"
	    "filter = tcp port 22 or udp\n"
	    "snaplen = 1500\n"
	    "promiscuous = no\n"
	    "buffer-size = 64M\n"
	    "max-flows = 50000\n"
	    "payload-bytes = 0\n"
	    "timeout-syn = 5\n"
	    "timeout-tcp = 3600\n"
	    "timeout-closed = 0\n"
	    "timeout-udp = 120\n"
	    "timeout-other = 10\n", err, sizeof(err)), 0);
	assert_string_equal(c.interface, "eth0");
	assert_string_equal(c.capture_filter, "tcp port 22 or udp");
	assert_int_equal(c.snaplen, 1500);
	assert_int_equal(c.promiscuous, 0);
	assert_int_equal(c.buffer_size, 64LL << 20);
	assert_int_equal(c.max_flows, 50000);
	assert_int_equal(c.payload_bytes, 0);
	assert_int_equal(c.timeout_syn, 5);
	assert_int_equal(c.timeout_tcp, 3600);
	assert_int_equal(c.timeout_closed, 0);
	assert_int_equal(c.timeout_udp, 120);
	assert_int_equal(c.timeout_other, 10);
	conf_free(&c);

	assert_int_equal(load(&c,
	    "[collector]\n"
	    "snaplen = 10\n"				/* 2 */
	    "max-flows = lots\n"			/* 3 */
	    "payload-bytes = -1\n"			/* 4 */
	    "timeout-udp = 0\n"			/* 5 */
	    "promiscuous = maybe\n"			/* 6 */
	    "buffer-size = 1K\n"			/* 7 */
	    "filter =\n", err, sizeof(err)), -1);	/* 8 */
	snprintf(want, sizeof(want), "%s:2: bad value \"10\" for snaplen "
	    "(64 to 262144)", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:3: bad value \"lots\" for max-flows",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:4: bad value \"-1\" for "
	    "payload-bytes", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:5: bad value \"0\" for timeout-udp",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:6: bad value \"maybe\" for "
	    "promiscuous (yes or no)", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:7: bad value \"1K\" for buffer-size",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:8: filter: empty", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);
}

static void
test_syntax_error_and_long_line(void **state)
{
	struct conf	 c;
	char		 err[2048], want[256], text[1024];

	(void)state;
	assert_int_equal(load(&c, "[redis]\nthis line has no equals sign\n",
	    err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: syntax error", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);

	snprintf(text, sizeof(text), "[geo]\n\n\ninternal-networks = %0600d\n",
	    1);
	assert_int_equal(load(&c, text, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:4: line longer than", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);
}

static void
test_unreadable_file(void **state)
{
	struct conf	 c;

	(void)state;
	assert_int_equal(conf_init(&c), 0);
	assert_int_equal(conf_load(&c, "/nonexistent/vigie.conf"), -1);
	conf_free(&c);
}

static void
test_parsers_keys(void **state)
{
	struct conf	 c;
	char		 err[256];

	(void)state;
	assert_int_equal(load(&c, "[collector]\nlog = /a:nginx-error\n"
	    "log = /b:apache\nnginx-log-format = $remote_addr [$time_local]\n",
	    err, sizeof(err)), 0);
	assert_string_equal(c.nginx_log_format, "$remote_addr [$time_local]");
	conf_free(&c);
	assert_int_equal(load(&c, "[collector]\nlog = /a:nosuch\n", err,
	    sizeof(err)), -1);
	conf_free(&c);
}

static void
test_options_replace_file_lists(void **state)
{
	struct conf	 c;
	char		 err[256];

	(void)state;
	assert_int_equal(load(&c, "[collector]\nlog = /a:sshd\nlog = /b\n"
	    "[geo]\nhome-countries = FR\n", err, sizeof(err)), 0);
	assert_int_equal(c.log.n, 2);
	assert_int_equal(conf_set(&c, "collector", "log", "/c:sshd", "--log"), 0);
	assert_int_equal(conf_set(&c, "collector", "log", "/d:sshd", "--log"), 0);
	assert_int_equal(c.log.n, 2);
	assert_string_equal(c.log.v[0], "/c:sshd");
	assert_string_equal(c.log.v[1], "/d:sshd");
	/* The correlator's option names reach the shared keys. */
	assert_int_equal(conf_set(&c, "correlator", "home-countries", "de,at",
	    "--home-countries"), 0);
	assert_int_equal(c.home_countries.n, 2);
	assert_string_equal(c.home_countries.v[0], "DE");
	assert_int_equal(conf_set(&c, "correlator", "redis", "unix:/x.sock",
	    "--redis"), 0);
	assert_string_equal(c.redis_address, "unix:/x.sock");
	assert_int_equal(conf_set(&c, "correlator", "redis", "host:99999",
	    "--redis"), -1);
	assert_string_equal(c.redis_address, "unix:/x.sock");
	conf_free(&c);
}

static void
test_correlator_scale_and_retention_keys(void **state)
{
	struct conf	 c;
	char		 err[2048], want[256];

	(void)state;
	assert_int_equal(conf_init(&c), 0);
	assert_int_equal(c.claim_idle_ms, 60000);
	assert_int_equal(c.read_count, 64);
	assert_int_equal(c.block_ms, 1000);
	assert_int_equal(c.confirm_shrink, -1);
	conf_free(&c);
	assert_int_equal(load(&c, "[correlator]\nclaim-idle = 5000\n"
	    "batch = 64\nblock-ms = 250\nconfirm-retention-shrink = 0\n"
	    "[collector]\nbatch = 10\n", err, sizeof(err)), 0);
	assert_int_equal(c.claim_idle_ms, 5000);
	assert_int_equal(c.read_count, 64);
	assert_int_equal(c.block_ms, 250);
	assert_int_equal(c.confirm_shrink, 0);
	assert_int_equal(c.batch, 10);		/* the collector's own */
	conf_free(&c);
	assert_int_equal(load(&c, "[correlator]\n"
	    "claim-idle = 999\n"			/* 2: under a second */
	    "batch = 0\n"				/* 3 */
	    "block-ms = 0\n"				/* 4: would block forever */
	    "confirm-retention-shrink = -1\n"		/* 5 */
	    "block-ms = 60001\n", err, sizeof(err)), -1);	/* 6 */
	snprintf(want, sizeof(want), "%s:2: bad value \"999\" for claim-idle",
	    path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:3: bad value \"0\" for batch", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:4: bad value \"0\" for block-ms", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:5: bad value \"-1\" for "
	    "confirm-retention-shrink", path);
	assert_non_null(strstr(err, want));
	snprintf(want, sizeof(want), "%s:6: bad value \"60001\"", path);
	assert_non_null(strstr(err, want));
	conf_free(&c);
}

/* The networks as given, for messages, follow the set itself. */
static void
test_internal_networks_text(void **state)
{
	struct conf	 c;
	char		 err[256];

	(void)state;
	assert_int_equal(load(&c, "[geo]\ninternal-networks = 10.0.0.0/8\n"
	    "internal-networks = 192.0.2.0/24\n", err, sizeof(err)), 0);
	assert_int_equal(c.internal_text.n, 2);
	assert_string_equal(c.internal_text.v[1], "192.0.2.0/24");
	assert_int_equal(conf_set(&c, "correlator", "internal", "::1/128",
	    "--internal"), 0);
	assert_int_equal(c.internal_text.n, 1);
	assert_string_equal(c.internal_text.v[0], "::1/128");
	assert_int_equal(cidrset_count(c.internal), 1);
	conf_free(&c);
}

/* conf_setup frees what it built when it fails (a reload goes on). */
static void
test_setup_failure_frees(void **state)
{
	struct conf	 c;
	struct conf_opt	 bad = { "workers", "0" };
	int		 saved, fd;

	(void)state;
	fflush(stderr);
	saved = dup(2);
	fd = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	close(fd);
	assert_int_equal(conf_setup(&c, NULL, "correlator", &bad, 1), -1);
	assert_int_equal(conf_setup(&c, "/nonexistent/vigie.conf",
	    "correlator", NULL, 0), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_null(c.redis_address);	/* freed; LeakSanitizer checks */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_every_error_named_with_line),
		cmocka_unit_test(test_alert_keys),
		cmocka_unit_test(test_input_keys),
		cmocka_unit_test(test_syntax_error_and_long_line),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_options_replace_file_lists),
		cmocka_unit_test(test_parsers_keys),
		cmocka_unit_test(test_correlator_scale_and_retention_keys),
		cmocka_unit_test(test_internal_networks_text),
		cmocka_unit_test(test_setup_failure_frees),
		cmocka_unit_test(test_capture_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
