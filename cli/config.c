/*
 * cli/config.c - "vigie config check FILE" and "vigie config diff OLD NEW":
 * every problem of a configuration named file:line in one run, without
 * touching anything; and what a change would do, above all what data it
 * would delete or strand, with the confirmation it needs.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <glob.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <yara.h>

#include "cmd.h"
#include "conf.h"
#include "daytime.h"
#include "geo.h"
#include "parse.h"
#include "retention.h"
#include "scan.h"

#define RETENTION_CHECK_MS	2000	/* Redis may be away */
#define TOKEN_MIN		16	/* as the web view wants it */

struct check {
	const struct conf	*c;
	int			 errors, warnings;
};

static void
config_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie config check FILE\n"
	    "       vigie config diff OLD NEW\n");
}

static void
problem(struct check *k, const struct conf_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct check *k, const struct conf_entry *e, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "%s: %s: ", e->where, e->key);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	k->errors++;
}

static void
warning(struct check *k, const struct conf_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warning(struct check *k, const struct conf_entry *e, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "%s: warning: %s: ", e->where, e->key);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	k->warnings++;
}

static void
check_readable_file(struct check *k, const struct conf_entry *e,
    const char *path, const char *what)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		problem(k, e, "%s %s: %s", what, path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		problem(k, e, "%s %s: not a regular file", what, path);
	else if (access(path, R_OK) == -1)
		problem(k, e, "%s %s: %s", what, path, strerror(errno));
}

static void
check_dir(struct check *k, const struct conf_entry *e, const char *path,
    const char *what, int writable)
{
	struct stat	 st;

	if (stat(path, &st) == -1)
		problem(k, e, "%s %s: %s", what, path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		problem(k, e, "%s %s: not a directory", what, path);
	else if (access(path, writable ? W_OK | X_OK : R_OK | X_OK) == -1)
		problem(k, e, "%s %s: %s", what, path, strerror(errno));
}

/* The directory part of path (".", "/" or the leading part). */
static void
dir_of(const char *path, char *buf, size_t len)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

static void
check_geo(struct check *k, const struct conf_entry *e)
{
	struct geo	 g;
	char		 why[256];

	check_readable_file(k, e, e->value, "database");
	if (access(e->value, R_OK) == -1)
		return;
	if (geo_open(&g, e->value) == -1) {
		problem(k, e, "database %s: not a MaxMind DB file", e->value);
		return;
	}
	if (geo_check(&g, why, sizeof(why)) == -1)
		problem(k, e, "database %s: %s", e->value, why);
	geo_close(&g);
}

/* Each rules path compiles and holds rules; then all of them together. */
static void
check_rules(struct check *k, const struct conf *c)
{
	const struct conf_entry	*e;
	struct ruleset		 rs;
	struct stat		 st;
	size_t			 i;

	/* libyara's limits (strings per rule...) are set here. */
	if (yr_initialize() != ERROR_SUCCESS) {
		fprintf(stderr, "vigie: yr_initialize failed\n");
		k->errors++;
		return;
	}
	for (i = 0; i < c->nentries; i++) {
		char *one[1];

		e = &c->entries[i];
		if (strcmp(e->section, "rules") || strcmp(e->key, "path"))
			continue;
		if (stat(e->value, &st) == -1) {
			problem(k, e, "%s: %s", e->value, strerror(errno));
			continue;
		}
		one[0] = e->value;
		if (ruleset_load(&rs, one, 1) == -1) {
			problem(k, e, "%s: the rules above do not compile",
			    e->value);
			continue;
		}
		if (rs.n == 0)
			problem(k, e, "%s: no rules in it: the correlator "
			    "would detect nothing", e->value);
		ruleset_free(&rs);
	}
	if (k->errors == 0 && c->rules_path.n > 1 &&
	    ruleset_load(&rs, c->rules_path.v, c->rules_path.n) == 0)
		ruleset_free(&rs);
	else if (k->errors == 0 && c->rules_path.n > 1) {
		fprintf(stderr, "%s: the rule paths compile one by one, not "
		    "together (a rule name given twice?)\n", c->path ?
		    c->path : "?");
		k->errors++;
	}
	yr_finalize();
}

/* Is HOST of "HOST:PORT" / "[V6]:PORT" a loopback address? */
static int
loopback(const char *addr)
{
	char		 host[256];
	const char	*colon;
	size_t		 n;
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (addr[0] == '[') {
		if ((colon = strchr(addr, ']')) == NULL)
			return 0;
		n = (size_t)(colon - addr - 1);
		addr++;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return 0;
		n = (size_t)(colon - addr);
	}
	if (n >= sizeof(host))
		return 0;
	memcpy(host, addr, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return !strcmp(host, "localhost");
}

static void
check_token(struct check *k, const struct conf_entry *e)
{
	struct stat	 st;
	FILE		*fp;
	char		 buf[1100];
	size_t		 n;

	check_readable_file(k, e, e->value, "token file");
	if (stat(e->value, &st) == -1 || !S_ISREG(st.st_mode))
		return;
	if (st.st_mode & 077)
		problem(k, e, "token file %s is readable by others (mode "
		    "%04o): chmod 600 %s", e->value,
		    (unsigned)(st.st_mode & 07777), e->value);
	if ((fp = fopen(e->value, "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	n = strcspn(buf, "\r\n");
	if (n < TOKEN_MIN)
		problem(k, e, "token file %s: the token has %zu characters, at "
		    "least %d are needed", e->value, n, TOKEN_MIN);
}

static void
check_syslog(struct check *k, const struct conf_entry *e)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *port;
	const char	*a = e->value + 4;
	int		 rc;

	if (a[0] == '[') {
		snprintf(host, sizeof(host), "%s", a + 1);
		if ((port = strchr(host, ']')) == NULL || port[1] != ':') {
			problem(k, e, "%s: expected udp|tcp:[V6]:PORT", e->value);
			return;
		}
		*port = '\0';
		port += 2;
	} else {
		snprintf(host, sizeof(host), "%s", a);
		if ((port = strrchr(host, ':')) == NULL) {
			problem(k, e, "%s: expected udp|tcp:HOST:PORT", e->value);
			return;
		}
		*port++ = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
	hints.ai_socktype = e->value[0] == 'u' ? SOCK_DGRAM : SOCK_STREAM;
	if (strspn(port, "0123456789") != strlen(port) || atol(port) < 1 ||
	    atol(port) > 65535)
		problem(k, e, "%s: port %s is not 1 to 65535", e->value, port);
	else if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		problem(k, e, "%s: %s (give an address, not a name)", e->value,
		    gai_strerror(rc));
	else
		freeaddrinfo(res);
}

static void
check_log(struct check *k, const struct conf_entry *e)
{
	char		 path[PATH_MAX], dir[PATH_MAX], *colon;
	glob_t		 g;
	struct stat	 st;

	snprintf(path, sizeof(path), "%s", e->value);
	if ((colon = strrchr(path, ':')) != NULL && parser_find(colon + 1))
		*colon = '\0';
	if (strpbrk(path, "*?[") != NULL) {
		dir_of(path, dir, sizeof(dir));
		check_dir(k, e, dir, "the glob's directory", 0);
		if (glob(path, 0, NULL, &g) == 0)
			globfree(&g);
		else
			warning(k, e, "%s matches no file yet", path);
		return;
	}
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		problem(k, e, "%s is a symbolic link: the collector never "
		    "follows one; name the file itself", path);
		return;
	}
	if (stat(path, &st) == -1 && errno == ENOENT) {
		dir_of(path, dir, sizeof(dir));
		check_dir(k, e, dir, "the log's directory", 0);
		warning(k, e, "%s does not exist yet: read from its start "
		    "once it does", path);
		return;
	}
	check_readable_file(k, e, path, "log");
}

static void
check_pcap(struct check *k, const struct conf_entry *e)
{
	char	 err[PCAP_ERRBUF_SIZE];
	pcap_t	*pc;

	check_readable_file(k, e, e->value, "capture file");
	if (access(e->value, R_OK) == -1)
		return;
	if ((pc = pcap_open_offline(e->value, err)) == NULL)
		problem(k, e, "capture file %s: %s", e->value, err);
	else
		pcap_close(pc);
}

/* One entry's references: files, directories, addresses, names. */
static void
check_entry(struct check *k, const struct conf_entry *e)
{
	const struct conf	*c = k->c;
	struct passwd		*pw;
	char			 err[256], dir[PATH_MAX];
	struct stat		 st;

	if (!strcmp(e->section, "geo") && !strcmp(e->key, "database"))
		check_geo(k, e);
	else if (!strcmp(e->section, "correlator")) {
		if (!strcmp(e->key, "http") && !c->no_http &&
		    !loopback(e->value) && c->http_token_file == NULL)
			problem(k, e, "%s is not a loopback address: the web "
			    "view then needs http-token-file (reads too)",
			    e->value);
		else if (!strcmp(e->key, "http-token-file"))
			check_token(k, e);
		else if (!strcmp(e->key, "web-root")) {
			check_dir(k, e, e->value, "web root", 0);
			snprintf(dir, sizeof(dir), "%s/index.html", e->value);
			if (stat(e->value, &st) == 0 && S_ISDIR(st.st_mode))
				check_readable_file(k, e, dir, "page");
		} else if (!strcmp(e->key, "alert-file")) {
			dir_of(e->value, dir, sizeof(dir));
			check_dir(k, e, dir, "the alert file's directory", 1);
		}
	} else if (!strcmp(e->section, "collector")) {
		if (!strcmp(e->key, "log"))
			check_log(k, e);
		else if (!strcmp(e->key, "pcap"))
			check_pcap(k, e);
		else if (!strcmp(e->key, "syslog"))
			check_syslog(k, e);
		else if (!strcmp(e->key, "journal-directory"))
			check_dir(k, e, e->value, "journal directory", 0);
		else if (!strcmp(e->key, "state-dir")) {
			if (stat(e->value, &st) == 0)
				check_dir(k, e, e->value, "state directory", 1);
			else {
				dir_of(e->value, dir, sizeof(dir));
				check_dir(k, e, dir, "the state directory's "
				    "parent", 1);
			}
		} else if (!strcmp(e->key, "nginx-log-format") &&
		    parse_nginx_format(e->value, err, sizeof(err)) == -1)
			problem(k, e, "%s", err);
		else if (!strcmp(e->key, "user")) {
			if ((pw = getpwnam(e->value)) == NULL)
				problem(k, e, "no user %s", e->value);
			else if (pw->pw_uid == 0)
				problem(k, e, "%s is root: name an unprivileged "
				    "user", e->value);
		} else if (!strcmp(e->key, "interface") &&
		    if_nametoindex(e->value) == 0)
			warning(k, e, "no interface %s on this machine",
			    e->value);
	}
}

/* vigie config check FILE */
static int
config_check(const char *file, const char *redis)
{
	struct conf	 c;
	struct check	 k;
	size_t		 i;
	int		 loaded;

	if (conf_init(&c) == -1)
		return 1;
	memset(&k, 0, sizeof(k));
	k.c = &c;
	/* Every line's own problems first (conf.c), then the references. */
	loaded = conf_load(&c, file) == 0;
	k.errors += loaded ? 0 : c.load_errors > 0 ? c.load_errors : 1;
	if (!loaded && c.load_errors == 0) {
		conf_free(&c);
		return 2;
	}
	if (redis != NULL && conf_set(&c, "redis", "address", redis,
	    "--redis") == -1)
		k.errors++;
	if (conf_validate(&c) == -1)
		k.errors++;
	for (i = 0; i < c.nentries; i++)
		check_entry(&k, &c.entries[i]);
	if (c.rules_path.n == 0) {
		fprintf(stderr, "%s: no [rules] path: the correlator would "
		    "have no rules\n", file);
		k.errors++;
	} else
		check_rules(&k, &c);
	if (daytime_set_zone(c.timezone) == 0 && k.errors == 0 &&
	    retention_check(&c, RETENTION_CHECK_MS) == -1)
		k.errors++;
	if (k.errors == 0)
		printf("%s: OK%s\n", file, k.warnings ? " (with warnings)" :
		    "");
	else
		fprintf(stderr, "%s: %d problem%s\n", file, k.errors,
		    k.errors == 1 ? "" : "s");
	conf_free(&c);
	return k.errors ? 2 : 0;
}

/* ---- diff ---- */

/* The values of section/key in c, joined by ", ", or NULL when unset. */
static char *
values(const struct conf *c, const char *section, const char *key,
    const char **where)
{
	char	*out = NULL, *n;
	size_t	 i;

	*where = NULL;
	for (i = 0; i < c->nentries; i++) {
		const struct conf_entry *e = &c->entries[i];

		if (strcmp(e->section, section) || strcmp(e->key, key))
			continue;
		if (asprintf(&n, "%s%s%s", out ? out : "", out ? ", " : "",
		    e->value) == -1) {
			free(out);
			return NULL;
		}
		free(out);
		out = n;
		*where = e->where;
	}
	return out;
}

/* Keys a running correlator keeps until it is restarted. */
static int
needs_restart(const char *section, const char *key)
{
	static const char *const keys[] = { "redis address", "redis prefix",
	    "correlator workers", "correlator http", "correlator no-http",
	    "correlator web-root", "correlator http-token-file",
	    "correlator timezone", NULL };
	char	 sk[96];
	size_t	 i;

	snprintf(sk, sizeof(sk), "%s %s", section, key);
	for (i = 0; keys[i] != NULL; i++)
		if (!strcmp(keys[i], sk))
			return 1;
	return !strcmp(section, "collector");
}

/* What the change of one key means for the data. */
static void
consequence(const struct conf *o, const struct conf *n, const char *section,
    const char *key, int *destructive)
{
	char	 spool[PATH_MAX];

	if (!strcmp(section, "redis") && !strcmp(key, "prefix"))
		printf("    data: Vigie starts from empty under \"%s\"; what is "
		    "under \"%s\" stays in Redis but is no longer read\n",
		    n->redis_prefix, o->redis_prefix);
	else if (!strcmp(section, "redis") && !strcmp(key, "address"))
		printf("    data: another Redis: the figures, incidents and "
		    "streams of %s are not there (vigie backup, then vigie "
		    "restore into the new one)\n", o->redis_address);
	else if (!strcmp(section, "collector") && (!strcmp(key, "sensor") ||
	    !strcmp(key, "state-dir"))) {
		snprintf(spool, sizeof(spool), "%s/spool-%s", o->state_dir,
		    o->sensor ? o->sensor : "<host>");
		printf("    data: frames still in %s when the old collector "
		    "stops are not sent by the new one: stop the old one only "
		    "once its health says spool_events 0\n", spool);
		*destructive = 1;
	} else if (!strcmp(section, "geo") && (!strcmp(key, "home-countries") ||
	    !strcmp(key, "internal-networks") || !strcmp(key, "database")))
		printf("    figures: sources are judged the new way from the "
		    "reload on; days already counted are not counted again\n");
	else if (!strcmp(section, "correlator") && !strcmp(key, "timezone"))
		printf("    figures: days are cut at midnight in %s from the "
		    "restart on; past days keep their old boundaries\n",
		    n->timezone);
	else if (!strcmp(section, "rules"))
		printf("    rules: incidents of a rule no longer loaded stay, "
		    "and no longer grow\n");
}

/* vigie config diff OLD NEW */
static int
config_diff(const char *oldf, const char *newf)
{
	struct conf	 o, n;
	const char	*wo, *wn;
	char		*vo, *vn, **seen = NULL, sk[160];
	size_t		 i, j, nseen = 0, changes = 0;
	int		 side, destructive = 0, status = 0;

	if (conf_init(&o) == -1 || conf_init(&n) == -1)
		return 1;
	if (conf_load(&o, oldf) == -1 || conf_load(&n, newf) == -1) {
		fprintf(stderr, "vigie: config diff: fix the file first "
		    "(vigie config check)\n");
		conf_free(&o);
		conf_free(&n);
		return 2;
	}
	printf("%s -> %s\n", oldf, newf);
	for (side = 0; side < 2; side++) {
		const struct conf *c = side ? &n : &o;

		for (i = 0; i < c->nentries; i++) {
			const struct conf_entry *e = &c->entries[i];

			snprintf(sk, sizeof(sk), "%s\n%s", e->section, e->key);
			for (j = 0; j < nseen; j++)
				if (!strcmp(seen[j], sk))
					break;
			if (j < nseen)
				continue;
			if ((seen = realloc(seen, (nseen + 1) *
			    sizeof(*seen))) == NULL ||
			    (seen[nseen++] = strdup(sk)) == NULL)
				return 1;
			vo = values(&o, e->section, e->key, &wo);
			vn = values(&n, e->section, e->key, &wn);
			if (vo != NULL && vn != NULL && !strcmp(vo, vn)) {
				free(vo);
				free(vn);
				continue;
			}
			changes++;
			printf("  [%s] %s: %s%s%s -> %s%s%s%s\n", e->section,
			    e->key, vo ? vo : "(default)", wo ? " at " : "",
			    wo ? wo : "", vn ? vn : "(default)", wn ? " at " :
			    "", wn ? wn : "", needs_restart(e->section,
			    e->key) ? "  (restart)" : "  (reload)");
			consequence(&o, &n, e->section, e->key, &destructive);
			free(vo);
			free(vn);
		}
	}
	if (changes == 0)
		printf("  no change\n");
	/* A retention shrink deletes days: it needs its confirmation. */
	if (n.retention_days < o.retention_days) {
		printf("    data: retention-days %d -> %d deletes every day older "
		    "than %d days at the reload\n", o.retention_days,
		    n.retention_days, n.retention_days);
		destructive = 1;
		if (daytime_set_zone(n.timezone) == 0 &&
		    retention_check(&n, RETENTION_CHECK_MS) == -1)
			status = 2;
		else if (n.confirm_shrink < 0) {
			printf("    confirm: add confirm-retention-shrink = N to "
			    "[correlator] (N: the days it deletes, as "
			    "vigie config check counts them)\n");
			status = 2;
		}
	}
	if (destructive && status == 0)
		printf("this change can lose data: read the lines above "
		    "before applying it\n");
	else if (status == 2)
		printf("this change deletes data and is not confirmed: "
		    "refused\n");
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	conf_free(&o);
	conf_free(&n);
	return status;
}

int
cmd_config(int argc, char **argv, const char *redis)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))) {
		config_usage(stdout);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "check"))
		return config_check(argv[2], redis);
	if (argc == 4 && !strcmp(argv[1], "diff"))
		return config_diff(argv[2], argv[3]);
	return cli_usage_error(config_usage, "config: check FILE or diff OLD "
	    "NEW");
}
