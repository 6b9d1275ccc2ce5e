/*
 * core/conf.c - load vigie.conf with inih, validate every key and value.
 * Owns the strings and lists of a struct conf. Errors go to stderr as
 * "file:line: message"; all are reported before conf_load fails.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "conf.h"
#include "redis.h"

#define INTERNAL_DEFAULT	"10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 " \
	"127.0.0.0/8 169.254.0.0/16 100.64.0.0/10 ::1/128 fc00::/7 fe80::/10"

/* Who set a list last: options replace the file, the file replaces defaults. */
enum { BY_DEFAULT, BY_FILE, BY_OPTION };

/* A section or key met while loading, to name a second one. */
struct conf_seen {
	char		*name;		/* "geo" or "geo\nhome-countries" */
	int		 line;
};

struct conf_load_ctx {
	struct conf	*conf;
	FILE		*fp;
	const char	*file;
	int		 line;
	int		 errors;
	char		*buf;		/* the current line, for long ones */
	size_t		 bufcap;
	struct conf_seen *seen;
	size_t		 nseen;
	char		 section[64];	/* the current one, as written */
};

static int	conf_parse_bool(const char *, int *);
static int	conf_parse_int(const char *, long, long, int *);

static char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL) {
		fprintf(stderr, "vigie: out of memory\n");
		exit(1);
	}
	return p;
}

static void
str_set(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

static void
list_clear(struct strlist *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
list_add(struct strlist *l, const char *v)
{
	char	**nv = realloc(l->v, (l->n + 1) * sizeof(*nv));

	if (nv == NULL) {
		fprintf(stderr, "vigie: out of memory\n");
		exit(1);
	}
	l->v = nv;
	l->v[l->n++] = xstrdup(v);
}

int
conf_init(struct conf *c)
{
	char	 err[128];

	memset(c, 0, sizeof(*c));
	c->redis_address = xstrdup("127.0.0.1:6379");
	c->redis_prefix = xstrdup("vigie:");
	if ((c->internal = cidrset_new()) == NULL)
		return -1;
	if (cidrset_add_list(c->internal, INTERNAL_DEFAULT, err,
	    sizeof(err)) == -1)
		return -1;
	list_add(&c->internal_text, INTERNAL_DEFAULT);
	c->state_dir = xstrdup("/var/lib/vigie");
	c->batch = 4096;
	c->frame_events = 256;
	c->frame_bytes = 256 * 1024;
	c->spool_max_bytes = 1LL << 30;
	c->spool_keep = 60;
	c->snaplen = 262144;
	c->promiscuous = 1;
	c->buffer_size = 16LL << 20;
	c->max_flows = 1000000;
	c->payload_bytes = 2048;
	c->timeout_syn = 30;
	c->timeout_tcp = 600;
	c->timeout_closed = 10;
	c->timeout_udp = 60;
	c->timeout_other = 30;
	c->max_line = 65536;
	c->syslog_max_msg = 8192;
	c->workers = 1;
	c->http = xstrdup("127.0.0.1:8080");
	c->timezone = xstrdup("UTC");
	c->retention_days = 90;
	c->confirm_shrink = -1;
	c->claim_idle_ms = 60000;
	c->read_count = 64;
	c->block_ms = 1000;
	c->stream_keep = 400;		/* frames: about 100,000 events */
	c->incident_quiet = 86400;
	c->evidence_keep = 20;
	return 0;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	free(c->path);
	free(c->redis_address);
	free(c->redis_prefix);
	free(c->geo_database);
	list_clear(&c->home_countries);
	cidrset_free(c->internal);
	list_clear(&c->internal_text);
	list_clear(&c->rules_path);
	free(c->sensor);
	free(c->state_dir);
	list_clear(&c->pcap);
	list_clear(&c->log);
	list_clear(&c->syslog);
	list_clear(&c->journal);
	free(c->journal_dir);
	cidrset_free(c->syslog_allow);
	free(c->interface);
	free(c->user);
	for (i = 0; i < c->nentries; i++) {
		free(c->entries[i].section);
		free(c->entries[i].key);
		free(c->entries[i].value);
		free(c->entries[i].where);
	}
	free(c->entries);
	free(c->capture_filter);
	free(c->http);
	free(c->timezone);
	free(c->web_root);
	free(c->http_token_file);
	free(c->alert_file);
	free(c->alert_syslog);
	free(c->nginx_log_format);
	memset(c, 0, sizeof(*c));
}

static int
conf_parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "on") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "off") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int
conf_parse_int(const char *v, long min, long max, int *out)
{
	char	*end;
	long	 n;

	if (!isdigit((unsigned char)*v) && *v != '-')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

/* A byte count: digits and an optional K, M, G or T (powers of 1024). */
static int
conf_parse_size(const char *v, long long *out)
{
	char		*end;
	unsigned long long n;
	int		 shift = 0;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	}
	if (*end != '\0' || n > (1ULL << 50) >> shift)
		return -1;
	*out = (long long)(n << shift);
	return 0;
}

/*
 * An alert-syslog target: "udp:HOST:PORT" ("udp:[v6]:PORT") or
 * "unix:PATH" (a datagram socket, /dev/log). Returns 0, or -1 with the
 * reason in err.
 */
static int
conf_syslog_target(const char *v, char *err, size_t errlen)
{
	char	 host[256], why[128];
	int	 port;

	if (strncmp(v, "udp:", 4) == 0) {
		if (redis_addr_split(v + 4, host, sizeof(host), &port, why,
		    sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "alert-syslog \"%s\": %s", v, why);
		return -1;
	}
	if (strncmp(v, "unix:", 5) == 0 && v[5] != '\0' &&
	    strlen(v + 5) < 108)	/* sun_path */
		return 0;
	snprintf(err, errlen, "alert-syslog \"%s\": expected udp:HOST:PORT "
	    "or unix:PATH", v);
	return -1;
}

/* Sensor names go into key names and hash tags: keep them plain. */
static int
conf_valid_name(const char *v)
{
	size_t	 n = strlen(v);

	if (n == 0 || n > 64)
		return 0;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '-' && *v != '_' &&
		    *v != '.')
			return 0;
	return 1;
}

static int
conf_countries(struct conf *c, const char *v, const char *where)
{
	const char	*p = v;
	char		 cc[3];

	for (;;) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		if (!isalpha((unsigned char)p[0]) || !isalpha((unsigned char)p[1]) ||
		    (p[2] != '\0' && p[2] != ',' && !isspace((unsigned char)p[2]))) {
			fprintf(stderr, "%s: home-countries: \"%s\" is not a "
			    "list of ISO 3166 two-letter codes\n", where, v);
			return -1;
		}
		cc[0] = (char)toupper((unsigned char)p[0]);
		cc[1] = (char)toupper((unsigned char)p[1]);
		cc[2] = '\0';
		list_add(&c->home_countries, cc);
		p += 2;
	}
}

static int
conf_log_spec(const char *v)
{
	static const char *parsers[] = { "sshd", "sudo", "pam", "su",
	    "nginx", "nginx-error", "apache", "apache-error", "kernel",
	    "syslog", "generic", NULL };
	const char	*colon = strrchr(v, ':');
	int		 i;

	if (*v == '\0' || *v == ':')
		return -1;
	if (colon == NULL)
		return 0;
	for (i = 0; parsers[i] != NULL; i++)
		if (strcmp(colon + 1, parsers[i]) == 0)
			return 0;
	return -1;
}

/*
 * The packet capture's keys of [collector]. Returns 0 when key is one
 * of them (err set, "" when the value is good), -1 when it is not.
 */
static int
conf_capture_key(struct conf *c, const char *key, const char *value,
    char *err, size_t size)
{
	static const struct {
		const char	*key;
		size_t		 off;
		long		 min, max;
	} ints[] = {
		{ "snaplen", offsetof(struct conf, snaplen), 64, 262144 },
		{ "max-flows", offsetof(struct conf, max_flows), 16, 100000000 },
		{ "payload-bytes", offsetof(struct conf, payload_bytes), 0,
		    1 << 20 },
		{ "timeout-syn", offsetof(struct conf, timeout_syn), 1, 86400 },
		{ "timeout-tcp", offsetof(struct conf, timeout_tcp), 1, 86400 },
		{ "timeout-closed", offsetof(struct conf, timeout_closed), 0,
		    86400 },
		{ "timeout-udp", offsetof(struct conf, timeout_udp), 1, 86400 },
		{ "timeout-other", offsetof(struct conf, timeout_other), 1,
		    86400 },
	};
	size_t	 i;

	err[0] = '\0';
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(key, ints[i].key)) {
			if (conf_parse_int(value, ints[i].min, ints[i].max,
			    (int *)(void *)((char *)c + ints[i].off)) == -1)
				snprintf(err, size, "bad value \"%s\" for %s "
				    "(%ld to %ld)", value, key, ints[i].min,
				    ints[i].max);
			return 0;
		}
	if (!strcmp(key, "filter")) {
		if (*value == '\0')
			snprintf(err, size, "filter: empty (leave it out to "
			    "capture everything)");
		else
			str_set(&c->capture_filter, value);
	} else if (!strcmp(key, "promiscuous")) {
		if (conf_parse_bool(value, &c->promiscuous) == -1)
			snprintf(err, size, "bad value \"%s\" for %s (yes or "
			    "no)", value, key);
	} else if (!strcmp(key, "buffer-size")) {
		if (conf_parse_size(value, &c->buffer_size) == -1 ||
		    c->buffer_size < 65536 || c->buffer_size > 1LL << 31)
			snprintf(err, size, "bad value \"%s\" for %s (64K to "
			    "2G)", value, key);
	} else
		return -1;
	return 0;
}

/*
 * The list fields remember who set them last, so that the file replaces
 * the defaults and the options replace the file, while a key repeated at
 * the same level appends.
 */

#define LIST_SLOTS(X) \
	X(0, "geo", "home-countries") X(1, "geo", "internal-networks") \
	X(2, "rules", "path") X(3, "collector", "pcap") \
	X(4, "collector", "log") X(5, "collector", "syslog") \
	X(6, "collector", "journal")

static int
conf_list_slot(const char *section, const char *key)
{
#define X(i, s, k) if (!strcmp(section, s) && !strcmp(key, k)) return i;
	LIST_SLOTS(X)
#undef X
	return -1;
}

/* Per-program aliases of the shared keys, as the options name them. */
static void
conf_alias(const char **section, const char **key)
{
	if ((!strcmp(*section, "collector") || !strcmp(*section, "correlator") ||
	    !strcmp(*section, "vigie")) && !strcmp(*key, "redis"))
		*section = "redis", *key = "address";
	else if (!strcmp(*section, "correlator")) {
		if (!strcmp(*key, "rules"))
			*section = "rules", *key = "path";
		else if (!strcmp(*key, "geoip"))
			*section = "geo", *key = "database";
		else if (!strcmp(*key, "home-countries"))
			*section = "geo";
		else if (!strcmp(*key, "internal"))
			*section = "geo", *key = "internal-networks";
	}
}

static int	conf_set1(struct conf *, const char *, const char *,
		    const char *, const char *);

int
conf_set(struct conf *c, const char *section, const char *key,
    const char *value, const char *where)
{
	struct conf_entry	*v, *e;

	conf_alias(&section, &key);
	if (conf_set1(c, section, key, value, where) == -1)
		return -1;
	if (where[0] == '-')
		return 0;	/* an option: it has no line */
	if ((v = realloc(c->entries, (c->nentries + 1) * sizeof(*v))) ==
	    NULL) {
		fprintf(stderr, "%s: out of memory\n", where);
		return -1;
	}
	c->entries = v;
	e = &v[c->nentries];
	if ((e->section = strdup(section)) == NULL ||
	    (e->key = strdup(key)) == NULL ||
	    (e->value = strdup(value)) == NULL ||
	    (e->where = strdup(where)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", where);
		return -1;
	}
	c->nentries++;
	return 0;
}

static int
conf_set1(struct conf *c, const char *section, const char *key,
    const char *value, const char *where)
{
	char	 err[256];
	int	 level = where[0] == '-' ? BY_OPTION : BY_FILE;
	int	 slot, *owner = NULL;

	if ((slot = conf_list_slot(section, key)) != -1) {
		owner = &c->list_owner[slot];
		if (*owner < level) {
			switch (slot) {
			case 0: list_clear(&c->home_countries); break;
			case 1:
				cidrset_free(c->internal);
				list_clear(&c->internal_text);
				if ((c->internal = cidrset_new()) == NULL) {
					fprintf(stderr, "%s: out of memory\n", where);
					return -1;
				}
				break;
			case 2: list_clear(&c->rules_path); break;
			case 3: list_clear(&c->pcap); break;
			case 4: list_clear(&c->log); break;
			case 5: list_clear(&c->syslog); break;
			case 6: list_clear(&c->journal); break;
			}
			*owner = level;
		}
	}

	if (!strcmp(section, "redis")) {
		if (!strcmp(key, "address")) {
			if (redis_addr_check(value, err, sizeof(err)) == -1)
				goto bad_msg;
			str_set(&c->redis_address, value);
		} else if (!strcmp(key, "prefix")) {
			if (strlen(value) > 64 || strpbrk(value, " \t{}") != NULL)
				goto bad;
			str_set(&c->redis_prefix, value);
		} else
			goto unknown;
	} else if (!strcmp(section, "geo")) {
		if (!strcmp(key, "database")) {
			if (*value == '\0')
				goto bad;
			str_set(&c->geo_database, value);
		} else if (!strcmp(key, "home-countries")) {
			return conf_countries(c, value, where);
		} else if (!strcmp(key, "internal-networks")) {
			if (cidrset_add_list(c->internal, value, err,
			    sizeof(err)) == -1)
				goto bad_msg;
			list_add(&c->internal_text, value);
		} else
			goto unknown;
	} else if (!strcmp(section, "rules")) {
		if (!strcmp(key, "path")) {
			if (*value == '\0')
				goto bad;
			list_add(&c->rules_path, value);
		} else
			goto unknown;
	} else if (!strcmp(section, "collector")) {
		if (!strcmp(key, "sensor")) {
			if (!conf_valid_name(value)) {
				snprintf(err, sizeof(err), "sensor \"%s\": use 1 to "
				    "64 letters, digits, '-', '_' or '.'", value);
				goto bad_msg;
			}
			str_set(&c->sensor, value);
		} else if (!strcmp(key, "state-dir")) {
			if (*value == '\0')
				goto bad;
			str_set(&c->state_dir, value);
		} else if (!strcmp(key, "pcap")) {
			list_add(&c->pcap, value);
		} else if (!strcmp(key, "log")) {
			if (conf_log_spec(value) == -1) {
				snprintf(err, sizeof(err), "log \"%s\": expected "
				    "FILE[:PARSER], PARSER one of sshd, sudo, "
				    "pam, su, nginx, nginx-error, apache, "
				    "apache-error, kernel, syslog, generic",
				    value);
				goto bad_msg;
			}
			list_add(&c->log, value);
		} else if (!strcmp(key, "syslog")) {
			if (strncmp(value, "udp:", 4) && strncmp(value, "tcp:", 4))
				goto bad;
			list_add(&c->syslog, value);
		} else if (!strcmp(key, "interface")) {
			str_set(&c->interface, value);
		} else if (!strcmp(key, "user")) {
			if (*value == '\0')
				goto bad;
			str_set(&c->user, value);
		} else if (!strcmp(key, "nginx-log-format")) {
			if (*value == '\0')
				goto bad;
			str_set(&c->nginx_log_format, value);
		} else if (!strcmp(key, "once")) {
			if (conf_parse_bool(value, &c->once) == -1)
				goto bad;
		} else if (!strcmp(key, "batch")) {
			if (conf_parse_int(value, 1, 100000, &c->batch) == -1)
				goto bad;
		} else if (!strcmp(key, "frame-events")) {
			if (conf_parse_int(value, 1, 65536, &c->frame_events) == -1)
				goto bad;
		} else if (!strcmp(key, "frame-bytes")) {
			long long n;

			if (conf_parse_size(value, &n) == -1 || n < 4096 ||
			    n > 64LL << 20)
				goto bad;
			c->frame_bytes = (int)n;
		} else if (!strcmp(key, "spool-max-bytes")) {
			if (conf_parse_size(value, &c->spool_max_bytes) == -1 ||
			    c->spool_max_bytes < 1LL << 20)
				goto bad;
		} else if (!strcmp(key, "spool-keep")) {
			if (conf_parse_int(value, 0, 86400, &c->spool_keep) == -1)
				goto bad;
		} else if (conf_capture_key(c, key, value, err,
		    sizeof(err)) == 0) {
			if (err[0] != '\0')
				goto bad_msg;
		} else if (!strcmp(key, "max-line")) {
			if (conf_parse_int(value, 256, 16 << 20, &c->max_line) ==
			    -1)
				goto bad;
		} else if (!strcmp(key, "syslog-max-message")) {
			if (conf_parse_int(value, 480, 1 << 20,
			    &c->syslog_max_msg) == -1)
				goto bad;
		} else if (!strcmp(key, "syslog-allow")) {
			if (c->syslog_allow == NULL &&
			    (c->syslog_allow = cidrset_new()) == NULL)
				goto bad;
			if (cidrset_add_list(c->syslog_allow, value, err,
			    sizeof(err)) == -1)
				goto bad_msg;
		} else if (!strcmp(key, "journal")) {
			/* "FIELD=VALUE", or "*": the whole journal. */
			const char *eq = strchr(value, '=');

			if (strcmp(value, "*") && (eq == NULL || eq == value ||
			    strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
			    != (size_t)(eq - value)))
				goto bad;
			list_add(&c->journal, value);
		} else if (!strcmp(key, "journal-directory")) {
			if (*value == '\0')
				goto bad;
			str_set(&c->journal_dir, value);
		} else
			goto unknown;
	} else if (!strcmp(section, "correlator")) {
		if (!strcmp(key, "workers")) {
			if (conf_parse_int(value, 1, 256, &c->workers) == -1)
				goto bad;
		} else if (!strcmp(key, "http")) {
			if (redis_addr_check(value, err, sizeof(err)) == -1 ||
			    !strncmp(value, "unix:", 5))
				goto bad;
			str_set(&c->http, value);
		} else if (!strcmp(key, "no-http")) {
			if (conf_parse_bool(value, &c->no_http) == -1)
				goto bad;
		} else if (!strcmp(key, "drain")) {
			if (conf_parse_bool(value, &c->drain) == -1)
				goto bad;
		} else if (!strcmp(key, "allow-root")) {
			if (conf_parse_bool(value, &c->allow_root) == -1)
				goto bad;
		} else if (!strcmp(key, "timezone")) {
			char	 path[512];

			snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s",
			    value);
			if (strcmp(value, "UTC") && (strstr(value, "..") ||
			    value[0] == '/' || value[0] == '\0' ||
			    access(path, R_OK) == -1)) {
				snprintf(err, sizeof(err), "timezone \"%s\": "
				    "unknown zone", value);
				goto bad_msg;
			}
			str_set(&c->timezone, value);
		} else if (!strcmp(key, "retention-days")) {
			if (conf_parse_int(value, 1, 3650, &c->retention_days) == -1)
				goto bad;
		} else if (!strcmp(key, "confirm-retention-shrink")) {
			if (conf_parse_int(value, 0, 3650,
			    &c->confirm_shrink) == -1)
				goto bad;
		} else if (!strcmp(key, "partitions")) {
			if (conf_parse_int(value, 1, PARTS_MAX,
			    &c->partitions) == -1)
				goto bad;
		} else if (!strcmp(key, "claim-idle")) {
			if (conf_parse_int(value, 1000, 86400000,
			    &c->claim_idle_ms) == -1)
				goto bad;
		} else if (!strcmp(key, "batch")) {
			if (conf_parse_int(value, 1, 10000, &c->read_count) == -1)
				goto bad;
		} else if (!strcmp(key, "block-ms")) {
			if (conf_parse_int(value, 1, 60000, &c->block_ms) == -1)
				goto bad;
		} else if (!strcmp(key, "stream-keep")) {
			if (conf_parse_int(value, 0, INT_MAX, &c->stream_keep) == -1)
				goto bad;
		} else if (!strcmp(key, "incident-quiet")) {
			if (conf_parse_int(value, 60, 365 * 86400,
			    &c->incident_quiet) == -1)
				goto bad;
		} else if (!strcmp(key, "evidence-keep")) {
			if (conf_parse_int(value, 1, 1000, &c->evidence_keep) == -1)
				goto bad;
		} else if (!strcmp(key, "web-root")) {
			str_set(&c->web_root, value);
		} else if (!strcmp(key, "http-token-file")) {
			str_set(&c->http_token_file, value);
		} else if (!strcmp(key, "alert-file")) {
			if (*value == '\0')
				goto bad;
			str_set(&c->alert_file, value);
		} else if (!strcmp(key, "alert-syslog")) {
			if (conf_syslog_target(value, err, sizeof(err)) == -1)
				goto bad_msg;
			str_set(&c->alert_syslog, value);
		} else
			goto unknown;
	} else if (!strcmp(section, "vigie")) {
		goto unknown;
	} else {
		fprintf(stderr, "%s: unknown section [%s]\n", where, section);
		return -1;
	}
	return 0;

 unknown:
	if (*section == '\0')
		fprintf(stderr, "%s: key \"%s\" outside of any section\n",
		    where, key);
	else
		fprintf(stderr, "%s: unknown key \"%s\" in [%s]\n", where, key,
		    section);
	return -1;
 bad:
	fprintf(stderr, "%s: bad value \"%s\" for %s\n", where, value, key);
	return -1;
 bad_msg:
	fprintf(stderr, "%s: %s\n", where, err);
	return -1;
}

/*
 * The line `line` of `name` ("geo", or "geo\nkey") was seen before: its
 * first line, else 0 after recording it (-1 out of memory).
 */
static int
conf_seen(struct conf_load_ctx *ctx, const char *name)
{
	struct conf_seen	*v;
	size_t			 i;

	for (i = 0; i < ctx->nseen; i++)
		if (strcmp(ctx->seen[i].name, name) == 0)
			return ctx->seen[i].line;
	if ((v = realloc(ctx->seen, (ctx->nseen + 1) * sizeof(*v))) == NULL)
		return -1;
	ctx->seen = v;
	if ((v[ctx->nseen].name = strdup(name)) == NULL)
		return -1;
	v[ctx->nseen++].line = ctx->line;
	return 0;
}

/* Keys that may be given more than once: each adds to a list. */
static int
conf_list_key(const char *section, const char *key)
{
	return conf_list_slot(section, key) != -1 ||
	    (!strcmp(section, "collector") && !strcmp(key, "syslog-allow"));
}

/*
 * One raw line: blank, a comment, "[section]", "key = value" or an
 * indented continuation. Anything else is said with its line: -1, and
 * the caller blanks the line. A section given twice, or a single-valued
 * key given twice in a section, is said too: 1, the line still read (so
 * that its value is checked). Returns 0, 1 or -1.
 */
static int
conf_line_check(struct conf_load_ctx *ctx, const char *raw)
{
	char		 name[160], key[64];
	const char	*p = raw, *e;
	size_t		 n;
	int		 first;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p == '\0' || *p == '\n' || *p == ';' || *p == '#')
		return 0;
	if (p != raw)
		return 0;	/* a continuation of the value above */
	if (*p == '[') {
		if ((e = strchr(p, ']')) == NULL || e == p + 1 ||
		    (size_t)(e - p - 1) >= sizeof(ctx->section) ||
		    strspn(e + 1, " \t\r\n") != strlen(e + 1)) {
			fprintf(stderr, "%s:%d: syntax error: a section is "
			    "[name] alone on its line\n", ctx->file, ctx->line);
			return -1;
		}
		n = (size_t)(e - p - 1);
		memcpy(ctx->section, p + 1, n);
		ctx->section[n] = '\0';
		if ((first = conf_seen(ctx, ctx->section)) > 0) {
			fprintf(stderr, "%s:%d: [%s] again (first at line %d): "
			    "give each section once\n", ctx->file, ctx->line,
			    ctx->section, first);
			return 1;
		}
		return first == -1 ? -1 : 0;
	}
	if ((e = strpbrk(p, "=:")) == NULL || e == p) {
		fprintf(stderr, "%s:%d: syntax error: expected [section], key = "
		    "value, or a comment\n", ctx->file, ctx->line);
		return -1;
	}
	n = (size_t)(e - p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(key))
		return 0;	/* conf_set() names the key */
	memcpy(key, p, n);
	key[n] = '\0';
	if (ctx->section[0] == '\0' || conf_list_key(ctx->section, key))
		return 0;
	snprintf(name, sizeof(name), "%s\n%s", ctx->section, key);
	if ((first = conf_seen(ctx, name)) > 0) {
		fprintf(stderr, "%s:%d: %s given again in [%s] (first at line "
		    "%d): only one value counts\n", ctx->file, ctx->line, key,
		    ctx->section, first);
		return 1;
	}
	return first == -1 ? -1 : 0;
}

/* inih reader: one line per call, counted, long lines refused by name. */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_load_ctx	*ctx = stream;
	ssize_t			 n;

	if ((n = getline(&ctx->buf, &ctx->bufcap, ctx->fp)) == -1)
		return NULL;
	ctx->line++;
	if (memchr(ctx->buf, '\0', (size_t)n) != NULL) {
		fprintf(stderr, "%s:%d: NUL byte in line\n", ctx->file,
		    ctx->line);
		ctx->errors++;
		str[0] = '\0';
		return str;
	}
	if (n >= num) {
		fprintf(stderr, "%s:%d: line longer than %d bytes (split a "
		    "list over several indented lines)\n", ctx->file,
		    ctx->line, num - 1);
		ctx->errors++;
		str[0] = '\0';
		return str;
	}
	switch (conf_line_check(ctx, ctx->buf)) {
	case -1:
		/* Said here, with its line: inih would name the first only. */
		ctx->errors++;
		str[0] = '\0';
		return str;
	case 1:
		ctx->errors++;	/* said; the value is checked too */
		break;
	}
	memcpy(str, ctx->buf, (size_t)n + 1);
	return str;
}

static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_load_ctx	*ctx = user;
	char			 where[PATH_MAX + 32];

	snprintf(where, sizeof(where), "%s:%d", ctx->file, ctx->line);
	if (conf_set(ctx->conf, section, name, value, where) == -1)
		ctx->errors++;
	return 1;	/* keep going: report every error */
}

int
conf_load(struct conf *c, const char *file)
{
	struct conf_load_ctx	 ctx;
	struct stat		 st;
	size_t			 i;
	int			 rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = c;
	ctx.file = file;
	if ((ctx.fp = fopen(file, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return -1;
	}
	if (fstat(fileno(ctx.fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s\n", file, S_ISDIR(st.st_mode) ?
		    "a directory, not a configuration file" :
		    "not a regular file");
		fclose(ctx.fp);
		return -1;
	}
	rc = ini_parse_stream(conf_reader, &ctx, conf_handler, &ctx);
	if (ferror(ctx.fp)) {
		fprintf(stderr, "%s: read error\n", file);
		ctx.errors++;
	}
	fclose(ctx.fp);
	free(ctx.buf);
	for (i = 0; i < ctx.nseen; i++)
		free(ctx.seen[i].name);
	free(ctx.seen);
	if (rc > 0) {
		/* inih reports the first line it could not parse. */
		fprintf(stderr, "%s:%d: syntax error (expected [section], "
		    "key = value, or a comment)\n", file, rc);
		ctx.errors++;
	} else if (rc < 0) {
		fprintf(stderr, "%s: cannot parse (out of memory)\n", file);
		ctx.errors++;
	}
	c->load_errors += ctx.errors;
	if (ctx.errors)
		return -1;
	str_set(&c->path, file);
	return 0;
}

int
conf_setup(struct conf *c, const char *file, const char *section,
    const struct conf_opt *opts, size_t nopts)
{
	char	 where[80];
	size_t	 i;

	if (conf_init(c) == -1) {
		fprintf(stderr, "vigie: out of memory\n");
		conf_free(c);
		return -1;
	}
	if (file != NULL && conf_load(c, file) == -1) {
		conf_free(c);
		return -1;
	}
	for (i = 0; i < nopts; i++) {
		snprintf(where, sizeof(where), "--%s", opts[i].key);
		if (conf_set(c, section, opts[i].key, opts[i].value,
		    where) == -1) {
			conf_free(c);
			return -1;
		}
	}
	return 0;
}

int
conf_validate(const struct conf *c)
{
	if (c->interface != NULL && c->once) {
		fprintf(stderr, "--once reads files to their end; a live "
		    "capture (interface %s) runs until SIGTERM\n", c->interface);
		return -1;
	}
	return 0;
}
