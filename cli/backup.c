/*
 * cli/backup.c - "vigie backup" and "vigie restore": every key under the
 * prefix, values (DUMP) and expiry, to and from a backup file (format in
 * core/backup.h). Owns its files and its Redis connection.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "cmd.h"
#include "conf.h"
#include "redis.h"

#define SCAN_COUNT	1000
#define PIPE_KEYS	256		/* DUMP/PTTL or RESTORE per round trip */
#define PAUSE_MAX_MS	60000		/* writes held at most this long */
#define PAUSE_MAX_S	"60000"
#define KEEP_MAX	10000
#define NAME_PREFIX	"vigie-"
#define NAME_SUFFIX	".vbk"

static void
backup_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie backup FILE\n"
	    "       vigie backup --dir DIR [--keep N]\n"
	    "       vigie restore [--dry-run] [--force] FILE\n");
}

#define usage_err(...)	cli_usage_error(backup_usage, __VA_ARGS__)

/* The command's one FILE operand; 0, or 2 after saying what is wrong. */
static int
file_arg(const char *arg, const char **file)
{
	if (arg[0] == '-' && arg[1] != '\0')
		return usage_err("unknown option %s", arg);
	if (*file != NULL)
		return usage_err("one FILE only (%s is a second)", arg);
	*file = arg;
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A reply that must not be an error (nor missing: an I/O error); prints
 * what failed. r, or NULL (freed) on error. */
static redisReply *
reply_ok(redisReply *r, const struct conf *conf, const char *what)
{
	if (r == NULL) {
		fprintf(stderr, "vigie: Redis at %s: %s: no reply\n",
		    conf->redis_address, what);
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "vigie: Redis at %s: %s: %s\n",
		    conf->redis_address, what, r->str);
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

/* Runs the commands queued on the router; their replies in out[]
 * (allocated, n of them). 0, or -1 when one failed (printed; out freed). */
static int
queue_run(struct rconn *rc, const struct conf *conf, const char *what,
    redisReply ***out, size_t *n)
{
	size_t	 i;
	int	 bad = 0;

	*n = rconn_queued(rc);
	if ((*out = calloc(*n + 1, sizeof(**out))) == NULL) {
		fprintf(stderr, "vigie: out of memory\n");
		exit(1);
	}
	(void)rconn_replies(rc, *out);
	for (i = 0; i < *n; i++)
		if (((*out)[i] = reply_ok((*out)[i], conf, what)) == NULL)
			bad = 1;
	if (bad) {
		for (i = 0; i < *n; i++)
			if ((*out)[i] != NULL)
				freeReplyObject((*out)[i]);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* One command on every master (CLIENT PAUSE...). 0 or -1 (printed). */
static int
each_master(struct rconn *rc, const struct conf *conf, int argc,
    const char **argv)
{
	redisReply	*r;
	int		 k, n = rconn_nodes(rc), ret = 0;

	for (k = 0; k < n; k++) {
		if ((r = reply_ok(rconn_node_argv(rc, k, argc, argv, NULL),
		    conf, argv[0])) == NULL)
			ret = -1;
		else
			freeReplyObject(r);
	}
	return ret;
}

/* Every key under the prefix, from SCAN, into *keys (caller frees). */
static int
scan_keys(struct rconn *rc, const struct conf *conf, char ***keys,
    size_t *nkeys, size_t limit)
{
	redisReply	*r;
	char		 cursor[32] = "0", pat[256];
	char		**v = NULL, **nv;
	size_t		 n = 0, cap = 0, i;
	int		 node = 0;

	/* Every master's keys: a cluster's SCAN sees one node. */
	snprintf(pat, sizeof(pat), "%s*", conf->redis_prefix);
	do {
		if ((r = reply_ok(rconn_node_scan(rc, node, cursor, pat,
		    SCAN_COUNT), conf, "SCAN")) == NULL)
			goto fail;
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			fprintf(stderr, "vigie: Redis at %s: SCAN: unexpected "
			    "reply\n", conf->redis_address);
			freeReplyObject(r);
			goto fail;
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		for (i = 0; i < r->element[1]->elements; i++) {
			redisReply *k = r->element[1]->element[i];

			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
					freeReplyObject(r);
					goto oom;
				}
				v = nv;
			}
			if ((v[n] = malloc(k->len + 1)) == NULL) {
				freeReplyObject(r);
				goto oom;
			}
			memcpy(v[n], k->str, k->len);
			v[n++][k->len] = '\0';
		}
		freeReplyObject(r);
		if (strcmp(cursor, "0") == 0)
			node++;
	} while (node < rconn_nodes(rc) && n < limit);
	*keys = v;
	*nkeys = n;
	return 0;
 oom:
	fprintf(stderr, "vigie: out of memory\n");
 fail:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -1;
}

static void
keys_free(char **keys, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

/* "day", "inc", "ev"...: the part of a key after the prefix, to ':'. */
static void
key_kind(const struct conf *conf, const char *key, char *buf, size_t len)
{
	size_t	 pl = strlen(conf->redis_prefix), n;

	key += strncmp(key, conf->redis_prefix, pl) == 0 ? pl : 0;
	n = strcspn(key, ":");
	if (n >= len)
		n = len - 1;
	memcpy(buf, key, n);
	buf[n] = '\0';
}

/* fsyncs the directory holding path. */
static int
sync_dir(const char *path)
{
	char	 dir[PATH_MAX], *slash;
	int	 fd, rc;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Writes every key under the prefix to path, through path.tmp, fsync'd,
 * renamed. Writes are held (CLIENT PAUSE WRITE) while the keys are read,
 * so the snapshot is consistent. Prints a summary. Returns 0, 1 or 2.
 */
static int
backup_write(struct rconn *rc, const struct conf *conf, const char *path,
    int quiet)
{
	static const char *pause_argv[] = { "CLIENT", "PAUSE", PAUSE_MAX_S,
	    "WRITE" };
	static const char *unpause_argv[] = { "CLIENT", "UNPAUSE" };
	struct backup_w	 w;
	redisReply	*r, *d, *t, **out;
	size_t		 nout;
	char		 tmp[PATH_MAX], header[1024], host[256], ver[64];
	char		**keys = NULL;
	size_t		 nkeys = 0, i, j, end, skipped = 0;
	int64_t		 t0, t1, base;
	FILE		*fp;
	int		 fd, status = 1, paused = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return usage_err("%s: path too long", path);
	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	snprintf(ver, sizeof(ver), "?");
	if ((r = rconn_cmd(rc, "", "INFO server")) != NULL &&
	    r->type == REDIS_REPLY_STRING) {
		const char *p = strstr(r->str, "redis_version:");

		if (p != NULL)
			snprintf(ver, sizeof(ver), "%.*s", (int)strcspn(p + 14,
			    "\r\n"), p + 14);
	}
	if (r != NULL)
		freeReplyObject(r);

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1 || (fp = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "vigie: %s: %s\n", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return 1;
	}
	t0 = now_ms();
	/* A consistent snapshot: writers wait, on every master, while the
	 * keys are read. */
	paused = 1;
	if (each_master(rc, conf, 4, pause_argv) == -1)
		goto out;
	if (scan_keys(rc, conf, &keys, &nkeys, SIZE_MAX) == -1)
		goto out;
	base = now_ms();
	snprintf(header, sizeof(header), "prefix %s\ncreated_ms %" PRId64
	    "\nredis_version %s\nhost %s\nvigie_keys %zu\n",
	    conf->redis_prefix, base, ver, host, nkeys);
	if (backup_w_open(&w, fp, header) == -1)
		goto werr;
	for (i = 0; i < nkeys; i = end) {
		end = i + PIPE_KEYS < nkeys ? i + PIPE_KEYS : nkeys;
		for (j = i; j < end; j++) {
			(void)rconn_appendf(rc, "DUMP %s", keys[j]);
			(void)rconn_appendf(rc, "PTTL %s", keys[j]);
		}
		if (queue_run(rc, conf, "DUMP", &out, &nout) == -1)
			goto out;
		for (j = i; j < end; j++) {
			d = out[2 * (j - i)];
			t = out[2 * (j - i) + 1];
			/* Gone since SCAN (expired): nothing to keep. */
			if (d->type != REDIS_REPLY_STRING ||
			    t->type != REDIS_REPLY_INTEGER || t->integer == -2) {
				skipped++;
			} else if (backup_w_key(&w, keys[j], strlen(keys[j]),
			    t->integer > 0 ? (uint64_t)(base + t->integer) : 0,
			    d->str, d->len) == -1) {
				rconn_replies_free(out, nout);
				goto werr;
			}
		}
		rconn_replies_free(out, nout);
	}
	t1 = now_ms();
	paused = 0;
	if (each_master(rc, conf, 2, unpause_argv) == -1)
		goto out;
	if (t1 - t0 >= PAUSE_MAX_MS) {
		fprintf(stderr, "vigie: reading the keys took %" PRId64 " ms, "
		    "longer than writes were held (%d ms): the snapshot may "
		    "not be consistent; nothing written\n", t1 - t0,
		    PAUSE_MAX_MS);
		goto out;
	}
	if (backup_w_close(&w) == -1 || fflush(fp) == EOF ||
	    fsync(fileno(fp)) == -1)
		goto werr;
	if (fclose(fp) == EOF) {
		fp = NULL;
		goto werr;
	}
	fp = NULL;
	if (rename(tmp, path) == -1 || sync_dir(path) == -1) {
		fprintf(stderr, "vigie: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!quiet)
		printf("%s: %" PRIu64 " keys, %" PRIu64 " bytes; writes held "
		    "%" PRId64 " ms%s\n", path, w.keys, w.bytes, t1 - t0,
		    skipped ? " (keys that expired meanwhile left out)" : "");
	status = 0;
	goto out;
 werr:
	fprintf(stderr, "vigie: %s: %s\n", tmp, strerror(errno));
 out:
	if (paused)
		(void)each_master(rc, conf, 2, unpause_argv);
	if (fp != NULL)
		fclose(fp);
	if (status != 0 && unlink(tmp) == -1 && errno != ENOENT)
		fprintf(stderr, "vigie: %s: %s\n", tmp, strerror(errno));
	keys_free(keys, nkeys);
	return status;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Deletes the oldest vigie-*.vbk of dir beyond the newest keep. */
static int
backup_prune(const char *dir, long keep)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv, path[PATH_MAX];
	size_t		 n = 0, cap = 0, i, nl, sl = strlen(NAME_SUFFIX);
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "vigie: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (strncmp(de->d_name, NAME_PREFIX, strlen(NAME_PREFIX)) ||
		    nl <= sl || strcmp(de->d_name + nl - sl, NAME_SUFFIX))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		if ((v[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	/* Names carry the UTC date and time: their order is their age. */
	if (n > 0)
		qsort(v, n, sizeof(*v), name_cmp);
	for (i = 0; i + (size_t)keep < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, v[i]);
		if (unlink(path) == -1) {
			fprintf(stderr, "vigie: %s: %s\n", path,
			    strerror(errno));
			rc = -1;
		} else
			printf("%s: removed (keeping the last %ld)\n", path,
			    keep);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

int
cmd_backup(const struct conf *conf, int argc, char **argv)
{
	struct rconn	*rc;
	const char	*file = NULL, *dir = NULL, *v;
	char		 path[PATH_MAX], stamp[32], *end;
	long		 keep = 0;
	struct tm	 tm;
	time_t		 now;
	int		 i, missing = 0, status;

	for (i = 1; i < argc; i++) {
		if ((v = cli_opt_value(argc, argv, &i, "--dir",
		    &missing)) != NULL)
			dir = v;
		else if ((v = cli_opt_value(argc, argv, &i, "--keep",
		    &missing)) != NULL) {
			errno = 0;
			keep = strtol(v, &end, 10);
			if (errno != 0 || *end != '\0' || keep < 1 ||
			    keep > KEEP_MAX)
				return usage_err("--keep %s: a number from 1 "
				    "to 10000", v);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			backup_usage(stdout);
			return 0;
		} else if (missing)
			break;
		else if ((status = file_arg(argv[i], &file)) != 0)
			return status;
	}
	if (missing)
		return usage_err("%s needs a value", argv[i]);
	if ((file == NULL) == (dir == NULL))
		return usage_err("give FILE or --dir DIR");
	if (keep > 0 && dir == NULL)
		return usage_err("--keep goes with --dir");
	if (dir != NULL) {
		now = time(NULL);
		if (gmtime_r(&now, &tm) == NULL)
			return 1;
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		if ((size_t)snprintf(path, sizeof(path), "%s/" NAME_PREFIX
		    "%s" NAME_SUFFIX, dir, stamp) >= sizeof(path))
			return usage_err("%s: path too long", dir);
		file = path;
	}
	if ((rc = cli_router(conf)) == NULL)
		return 1;
	status = backup_write(rc, conf, file, 0);
	rconn_close(rc);
	if (status == 0 && dir != NULL && keep > 0 &&
	    backup_prune(dir, keep) == -1)
		status = 1;
	return status;
}

/* Kinds of keys and their counts, for --dry-run. */
struct kinds {
	char		 name[16][32];
	uint64_t	 n[16];
	size_t		 len;
};

static void
kinds_add(struct kinds *k, const char *name)
{
	size_t	 i;

	for (i = 0; i < k->len; i++)
		if (!strcmp(k->name[i], name))
			break;
	if (i == k->len) {
		if (k->len == 16)
			i = 15, name = "other";
		else {
			snprintf(k->name[i], sizeof(k->name[i]), "%s", name);
			k->len++;
		}
	}
	k->n[i]++;
}

/*
 * Reads the whole file: format, lengths, count and checksum. Returns 0,
 * or 2 after printing what is wrong and where.
 */
static int
restore_verify(const struct conf *conf, const char *path, struct kinds *k,
    uint64_t *nkeys, uint64_t *expired, char *prefix, size_t plen)
{
	struct backup_r	 r;
	FILE		*fp;
	int64_t		 now = now_ms();
	char		 kind[32];
	int		 rc;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "vigie: %s: %s\n", path, strerror(errno));
		return 2;
	}
	*nkeys = *expired = 0;
	if ((rc = backup_r_open(&r, fp, path)) == 0) {
		if (backup_header_get(r.header, "prefix", prefix, plen) == NULL)
			prefix[0] = '\0';
		while ((rc = backup_r_next(&r)) == 1) {
			if (strncmp(r.name, prefix, strlen(prefix)) != 0) {
				fprintf(stderr, "vigie: %s: key %s is not under "
				    "the backup's prefix \"%s\"; nothing was "
				    "written\n", path, r.name, prefix);
				rc = -2;
				break;
			}
			key_kind(conf, r.name, kind, sizeof(kind));
			kinds_add(k, kind);
			(*nkeys)++;
			if (r.expire_ms != 0 && (int64_t)r.expire_ms <= now)
				(*expired)++;
		}
	}
	if (rc == -1)
		fprintf(stderr, "vigie: %s; nothing was written\n", r.why);
	backup_r_free(&r);
	fclose(fp);
	return rc < 0 ? 2 : 0;
}

/* RESTOREs every key of the (verified) file. Returns 0 or 1. */
static int
restore_write(struct rconn *c, const struct conf *conf, const char *path,
    int replace, uint64_t *written, uint64_t *expired)
{
	struct backup_r	 r;
	redisReply	**out;
	FILE		*fp;
	char		 ttl[24];
	size_t		 nout;
	size_t		 pending = 0, k;
	int64_t		 now = now_ms();
	int		 rc, status = 0;
	const char	*argv[6];
	size_t		 argl[6];

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "vigie: %s: %s\n", path, strerror(errno));
		return 1;
	}
	*written = *expired = 0;
	if (backup_r_open(&r, fp, path) == -1) {
		fprintf(stderr, "vigie: %s\n", r.why);
		status = 1;
		goto out;
	}
	while ((rc = backup_r_next(&r)) == 1) {
		if (r.expire_ms != 0 && (int64_t)r.expire_ms <= now) {
			(*expired)++;
			continue;
		}
		snprintf(ttl, sizeof(ttl), "%" PRIu64, r.expire_ms);
		argv[0] = "RESTORE"; argl[0] = 7;
		argv[1] = r.name; argl[1] = r.namelen;
		argv[2] = ttl; argl[2] = strlen(ttl);
		argv[3] = (const char *)r.payload; argl[3] = r.len;
		k = 4;
		if (r.expire_ms != 0) {
			argv[k] = "ABSTTL"; argl[k++] = 6;
		}
		if (replace) {
			argv[k] = "REPLACE"; argl[k++] = 7;
		}
		if (rconn_append(c, redis_slot(r.name, r.namelen), (int)k,
		    argv, argl) == -1) {
			fprintf(stderr, "vigie: out of memory\n");
			status = 1;
			goto out;
		}
		if (++pending == PIPE_KEYS) {
			pending = 0;
			if (queue_run(c, conf, "RESTORE", &out, &nout) == -1) {
				status = 1;
				goto out;
			}
			rconn_replies_free(out, nout);
		}
		(*written)++;
	}
	if (rc == -1) {
		/* Verified a moment ago: the file changed under us. */
		fprintf(stderr, "vigie: %s\n", r.why);
		status = 1;
	}
 out:
	if (rconn_queued(c) > 0) {
		if (queue_run(c, conf, "RESTORE", &out, &nout) == -1)
			status = 1;
		else
			rconn_replies_free(out, nout);
	}
	backup_r_free(&r);
	fclose(fp);
	return status;
}

/* Deletes keys[0..n): what a forced restore replaces. */
static int
delete_keys(struct rconn *rc, const struct conf *conf, char **keys, size_t n)
{
	redisReply	**out;
	size_t		 i, nout;
	int		 status = 0;

	for (i = 0; i < n; i++) {
		(void)rconn_appendf(rc, "UNLINK %s", keys[i]);
		if (rconn_queued(rc) == PIPE_KEYS || i + 1 == n) {
			if (queue_run(rc, conf, "UNLINK", &out, &nout) == -1)
				status = -1;
			else
				rconn_replies_free(out, nout);
		}
	}
	return status;
}

int
cmd_restore(const struct conf *conf, int argc, char **argv)
{
	struct rconn	*rc;
	struct kinds	 k;
	const char	*file = NULL;
	char		 prefix[256], saved[PATH_MAX], stamp[32], **keys = NULL;
	char		 dir[PATH_MAX], *slash;
	uint64_t	 nkeys, expired, written, gone;
	size_t		 nold = 0, i;
	struct tm	 tm;
	time_t		 now;
	int		 force = 0, dry = 0, status;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n"))
			dry = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			backup_usage(stdout);
			return 0;
		} else if ((status = file_arg(argv[i], &file)) != 0)
			return status;
	}
	if (file == NULL)
		return usage_err("restore needs the backup FILE");

	/* The whole file is checked before Redis is even asked. */
	memset(&k, 0, sizeof(k));
	if ((status = restore_verify(conf, file, &k, &nkeys, &expired, prefix,
	    sizeof(prefix))) != 0)
		return status;
	if (strcmp(prefix, conf->redis_prefix) != 0) {
		fprintf(stderr, "vigie: %s holds keys under \"%s\", this "
		    "configuration uses \"%s\"; nothing was written\n", file,
		    prefix, conf->redis_prefix);
		return 2;
	}
	if ((rc = cli_router(conf)) == NULL)
		return 1;
	if (scan_keys(rc, conf, &keys, &nold, dry || force ? SIZE_MAX : 1) ==
	    -1) {
		rconn_close(rc);
		return 1;
	}
	if (dry) {
		printf("%s: verified: %" PRIu64 " keys (", file, nkeys);
		for (i = 0; i < k.len; i++)
			printf("%s%s %" PRIu64, i ? ", " : "", k.name[i],
			    k.n[i]);
		printf(")\nwould write %" PRIu64 " keys to Redis at %s%s",
		    nkeys - expired, conf->redis_address, expired ?
		    "; keys past their expiry are left out: " : "");
		if (expired)
			printf("%" PRIu64, expired);
		printf("\n");
		if (nold > 0)
			printf("Redis holds %zu Vigie keys: restore refuses "
			    "them without --force; with --force they are "
			    "saved to a backup first, then deleted\n", nold);
		printf("dry run: nothing written\n");
		keys_free(keys, nold);
		rconn_close(rc);
		return 0;
	}
	if (nold > 0 && !force) {
		fprintf(stderr, "vigie: Redis at %s already holds Vigie data "
		    "(%s and maybe more); restoring over it needs --force, "
		    "which saves it to a backup first; nothing was written\n",
		    conf->redis_address, keys[0]);
		keys_free(keys, nold);
		rconn_close(rc);
		return 2;
	}
	if (nold > 0) {
		/* Nothing is destroyed without a copy. */
		snprintf(dir, sizeof(dir), "%s", file);
		if ((slash = strrchr(dir, '/')) != NULL)
			slash[1] = '\0';
		else
			dir[0] = '\0';
		now = time(NULL);
		if (gmtime_r(&now, &tm) == NULL)
			stamp[0] = '\0';
		else
			strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		if ((size_t)snprintf(saved, sizeof(saved), "%s" NAME_PREFIX
		    "before-restore-%s" NAME_SUFFIX, dir, stamp) >=
		    sizeof(saved) || backup_write(rc, conf, saved, 1) != 0) {
			fprintf(stderr, "vigie: the data in Redis could not be "
			    "saved first; nothing was restored\n");
			keys_free(keys, nold);
			rconn_close(rc);
			return 1;
		}
		printf("%s: the %zu keys Redis held, saved before the "
		    "restore\n", saved, nold);
		if (delete_keys(rc, conf, keys, nold) == -1) {
			keys_free(keys, nold);
			rconn_close(rc);
			return 1;
		}
	}
	keys_free(keys, nold);
	status = restore_write(rc, conf, file, force, &written, &gone);
	rconn_close(rc);
	if (status == 0)
		printf("%s: %" PRIu64 " keys restored%s", file, written,
		    gone ? "; keys past their expiry left out: " : "");
	if (status == 0 && gone)
		printf("%" PRIu64, gone);
	if (status == 0)
		printf("\n");
	return status;
}
