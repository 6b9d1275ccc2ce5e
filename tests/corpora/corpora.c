/*
 * tests/corpora/corpora.c - runs other projects' annotated log corpora
 * (../shared/corpora: LogHub, CrowdSec, Elastic, PatternDB, Wazuh, rsyslog)
 * through the parsers; prints agreement per corpus and per parser.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "parse.h"

#define REF	((time_t)1763899200)	/* 2025-11-23 12:00 UTC */
#define MAXF	(4 << 20)

/*
 * Where a peer's expectation is not what the line says. Matched on the
 * corpus, a piece of the line and the field; counted apart, never skipped.
 */
static const struct disagreement {
	const char	*corpus, *needle, *field, *why;
} disagreements[] = {
	{ "elastic/system-auth", "pam_unix(sudo:auth)", "user",
	  "Elastic stores ruser (alice) as user.name; PAM's user= (root) is the "
	  "account being authenticated and ruser is kept apart in ruser" },
	{ "patterndb", "for illegal user", "user",
	  "PatternDB keeps \"illegal user\" in the name; it is sshd's marker, "
	  "the user is the word after it" },
	{ "loghub/OpenSSH_2k", "more authentication failure", "user",
	  "LogHub's template puts user=root outside the variable part" },
	{ "loghub/OpenSSH_2k", "rhost=", "src",
	  "rhost is a host name here, so the line names no address; the "
	  "connection's address comes from its earlier line (same host and "
	  "pid: reverse mapping, Invalid user), and LogHub reads lines alone" },
	{ "patterndb/access_sudo", "COMMAND=", "user",
	  "PatternDB's usracct.username is the account the command runs as "
	  "(our target_user); user is who ran sudo" },
	{ "patterndb/access_su", "session opened for user root by", "user",
	  "the session is root's (user); PatternDB names the one who opened "
	  "it" },
	{ "patterndb", "Server listening on ", "src",
	  "the address sshd listens on is the server's own, not a source" },
	{ "crowdsec", "Disconnected from totobad user", "src",
	  "not an sshd preamble (sshd writes \"authenticating user\", "
	  "\"invalid user\" or \"user\"): the line is not sshd's" },
};

struct tally {
	const char	*name;
	unsigned	 src_n, src_ok, src_dis;
	unsigned	 user_n, user_ok, user_dis;
	unsigned	 act_n, act_ok;
	unsigned	 oth_n, oth_ok;	/* command, target_user, tty */
	unsigned	 lines, recognised;
};

#define NTALLY	64
static struct tally	 tallies[NTALLY];
static int		 ntallies;
static int		 verbose;

static struct tally *
tally(const char *name)
{
	int	 i;

	for (i = 0; i < ntallies; i++)
		if (!strcmp(tallies[i].name, name))
			return &tallies[i];
	if (ntallies == NTALLY) {
		fprintf(stderr, "corpora: too many tallies\n");
		exit(2);
	}
	tallies[ntallies].name = strdup(name);
	return &tallies[ntallies++];
}

/* The canonical form the parsers give an expected address ("" if none). */
static void
canon(const char *want, char *out, size_t outsz)
{
	char	 zone[32];

	if (addr_parse(want, strlen(want), out, outsz, zone, sizeof(zone))
	    == -1)
		out[0] = '\0';
}

static const struct disagreement *
disagreed(const char *corpus, const char *line, const char *field)
{
	size_t	 i;

	for (i = 0; i < sizeof(disagreements) / sizeof(disagreements[0]); i++)
		if (!strncmp(corpus, disagreements[i].corpus,
		    strlen(disagreements[i].corpus)) &&
		    !strcmp(field, disagreements[i].field) &&
		    strstr(line, disagreements[i].needle) != NULL)
			return &disagreements[i];
	return NULL;
}

/* One parse, its fields as strings. */
struct got {
	char	 src[64], user[256], action[32], program[64], host[256];
	char	 facility[16], severity[16];
	char	 command[512], target_user[64], tty[64];
	int	 res;
};

static void
fieldcpy(char *dst, size_t sz, const struct event *ev, enum ev_field f)
{
	size_t	 n = ev->f[f].len < sz ? ev->f[f].len : sz - 1;

	if (n > 0)
		memcpy(dst, ev->f[f].v, n);
	dst[n] = '\0';
}

static struct parse_buf	 pbs[16];
static const char	*pbnames[16];

static struct parse_buf *
pbuf(const char *parser)
{
	int	 i;

	for (i = 0; i < 16 && pbnames[i] != NULL; i++)
		if (!strcmp(pbnames[i], parser))
			return &pbs[i];
	if (i == 16)
		return &pbs[15];
	pbnames[i] = parser;
	return &pbs[i];
}

/* Parses line with parser (and `alt` when the first recognises nothing). */
static void
run(const char *parser, const char *alt, const char *line, struct got *g)
{
	const struct parser	*p = parser_find(parser);
	struct event		 ev;

	memset(g, 0, sizeof(*g));
	if (p == NULL) {
		fprintf(stderr, "corpora: no parser %s\n", parser);
		exit(2);
	}
	g->res = p->parse(line, strlen(line), REF, pbuf(parser), &ev);
	if (g->res != PARSE_RECOGNISED && alt != NULL) {
		p = parser_find(alt);
		g->res = p->parse(line, strlen(line), REF, pbuf(alt), &ev);
	}
	fieldcpy(g->src, sizeof(g->src), &ev, EV_SRC_IP);
	fieldcpy(g->user, sizeof(g->user), &ev, EV_USER);
	fieldcpy(g->action, sizeof(g->action), &ev, EV_ACTION);
	fieldcpy(g->program, sizeof(g->program), &ev, EV_PROGRAM);
	fieldcpy(g->host, sizeof(g->host), &ev, EV_HOST);
	fieldcpy(g->facility, sizeof(g->facility), &ev, EV_FACILITY);
	fieldcpy(g->severity, sizeof(g->severity), &ev, EV_SEVERITY);
	fieldcpy(g->command, sizeof(g->command), &ev, EV_COMMAND);
	fieldcpy(g->target_user, sizeof(g->target_user), &ev, EV_TARGET_USER);
	fieldcpy(g->tty, sizeof(g->tty), &ev, EV_TTY);
}

static void
count_line(const char *corpus, const char *parser, const struct got *g)
{
	struct tally	*tc = tally(corpus), *tp = tally(parser);

	tc->lines++;
	tp->lines++;
	if (g->res == PARSE_RECOGNISED) {
		tc->recognised++;
		tp->recognised++;
	}
}

/* Compares one field; want NULL: not annotated. */
static void
check(const char *corpus, const char *parser, const char *line,
    const char *field, const char *want, const char *got)
{
	struct tally			*t[2] = { tally(corpus), tally(parser) };
	const struct disagreement	*d;
	char				 cw[64];
	int				 ok, i, is_src = !strcmp(field, "src");
	int				 is_user = !strcmp(field, "user");

	if (want == NULL)
		return;
	if (is_src) {
		canon(want, cw, sizeof(cw));
		want = cw;
	}
	/* "-" is Apache's and nginx's "none"; Elastic keeps it as a name. */
	if (is_user && !strcmp(want, "-"))
		want = "";
	ok = strcmp(want, got) == 0;
	d = ok ? NULL : disagreed(corpus, line, field);
	for (i = 0; i < 2; i++) {
		if (is_src) {
			t[i]->src_n++;
			t[i]->src_ok += ok;
			t[i]->src_dis += d != NULL;
		} else if (is_user) {
			t[i]->user_n++;
			t[i]->user_ok += ok;
			t[i]->user_dis += d != NULL;
		} else if (!strcmp(field, "action")) {
			t[i]->act_n++;
			t[i]->act_ok += ok;
		} else {
			t[i]->oth_n++;
			t[i]->oth_ok += ok;
		}
	}
	if (!ok && d != NULL && verbose)
		printf("  %s: %s: disagreed (%s): want \"%s\", got \"%s\"\n",
		    corpus, field, d->why, want, got);
	else if (!ok && d == NULL)
		printf("  %s: %s: want \"%s\", got \"%s\": %.160s\n", corpus,
		    field, want, got, line);
}

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = malloc(MAXF + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MAXF, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Splits buf into lines in place; returns their count. */
static size_t
lines_of(char *buf, char ***out)
{
	size_t	 n = 0, cap = 64;
	char	**v = malloc(cap * sizeof(*v)), *p = buf, *nl;

	while (v != NULL && *p != '\0') {
		if (n == cap && (v = realloc(v, (cap *= 2) * sizeof(*v))) ==
		    NULL)
			break;
		v[n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		p = nl + 1;
	}
	if (v == NULL) {
		fprintf(stderr, "corpora: out of memory\n");
		exit(2);
	}
	*out = v;
	return n;
}

/* ---- LogHub OpenSSH: the address and user are template variables ---- */

static const struct {
	const char	*id, *action;
	int		 src, user;	/* variable index, -1 none */
	const char	*fixed_user;
} loghub_ssh[] = {
	{ "E1", "auth_ok", 1, 0, NULL },
	{ "E2", "disconnect", 0, -1, NULL },
	{ "E3", "no_ident", 0, -1, NULL },
	{ "E4", "disconnect", -1, -1, "admin" },
	{ "E5", "disconnect", -1, -1, "root" },
	{ "E6", "disconnect", 0, -1, NULL },
	{ "E7", "disconnect", 0, -1, NULL },
	{ "E8", "auth_none", 1, 0, NULL },
	{ "E9", "auth_fail", 1, 0, NULL },
	{ "E10", "auth_fail", 1, 0, NULL },
	{ "E13", "invalid_user", 1, 0, NULL },
	{ "E14", "auth_fail", 1, -1, "root" },
	{ "E15", "pam_auth_fail", 3, -1, NULL },
	{ "E16", "pam_auth_fail", 3, -1, NULL },
	{ "E17", "pam_auth_fail", 3, -1, "root" },
	{ "E19", "pam_auth_fail", 2, -1, NULL },
	{ "E20", "pam_auth_fail", 2, 3, NULL },
	{ "E21", "pam_user_unknown", -1, -1, NULL },
	{ "E22", "session_close", -1, 0, NULL },
	{ "E23", "session_open", -1, 0, NULL },
	{ "E24", "disconnect", 0, -1, NULL },
	{ "E25", "disconnect", 0, -1, NULL },
	{ "E26", "disconnect", 0, -1, NULL },
	{ "E27", "reverse_mapping", 1, -1, NULL },
};

/* Matches content against a "<*>" template; var k into vars[k]. */
static int
template_vars(const char *tpl, const char *content, char vars[8][256])
{
	const char	*t = tpl, *c = content, *star, *next, *hit;
	char		 lit[512];
	size_t		 n;
	int		 k = 0;

	star = strstr(t, "<*>");
	n = star ? (size_t)(star - t) : strlen(t);
	if (strncmp(c, t, n) != 0)
		return -1;
	c += n;
	while (star != NULL && k < 8) {
		t = star + 3;
		next = strstr(t, "<*>");
		n = next ? (size_t)(next - t) : strlen(t);
		if (n >= sizeof(lit))
			return -1;
		memcpy(lit, t, n);
		lit[n] = '\0';
		if (n == 0)
			hit = c + strlen(c);
		else if (next == NULL) {
			size_t cl = strlen(c);

			hit = cl >= n && !strcmp(c + cl - n, lit) ?
			    c + cl - n : strstr(c, lit);
		} else
			hit = strstr(c, lit);
		if (hit == NULL)
			return -1;
		snprintf(vars[k], 256, "%.*s", (int)(hit - c), c);
		while (vars[k][0] != '\0' &&
		    vars[k][strlen(vars[k]) - 1] == ' ')
			vars[k][strlen(vars[k]) - 1] = '\0';
		k++;
		c = hit + n;
		star = next;
	}
	return k;
}

/* The next CSV field (RFC 4180 quotes) from *p, in place. */
static char *
csv_field(char **p)
{
	char	*s = *p, *w, *r;

	if (*s != '"') {
		char *e = strchr(s, ',');

		if (e != NULL) {
			*e = '\0';
			*p = e + 1;
		} else
			*p = s + strlen(s);
		return s;
	}
	for (w = r = s + 1; *r != '\0'; r++) {
		if (*r == '"' && r[1] == '"')
			*w++ = *r++;
		else if (*r == '"')
			break;
		else
			*w++ = *r;
	}
	*w = '\0';
	if (*r == '"')
		r++;
	if (*r == ',')
		r++;
	*p = r;
	return s;
}

static void
corpus_loghub(const char *dir)
{
	const char	*cname = "loghub/OpenSSH_2k";
	char		 path[1024], **lines, **rows, vars[8][256];
	char		*logbuf, *csvbuf;
	size_t		 nl, nr, i, j;
	struct got	 g;

	snprintf(path, sizeof(path), "%s/loghub/OpenSSH_2k.log", dir);
	if ((logbuf = slurp(path)) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/loghub/OpenSSH_2k.log_structured.csv",
	    dir);
	if ((csvbuf = slurp(path)) == NULL) {
		free(logbuf);
		return;
	}
	nl = lines_of(logbuf, &lines);
	nr = lines_of(csvbuf, &rows);
	for (i = 0; i < nl && i + 1 < nr; i++) {
		char	*p = rows[i + 1], *f[9];
		int	 k, nv;

		for (k = 0; k < 9; k++)
			f[k] = csv_field(&p);
		run("sshd", NULL, lines[i], &g);
		count_line(cname, "sshd", &g);
		for (j = 0; j < sizeof(loghub_ssh) / sizeof(loghub_ssh[0]); j++)
			if (!strcmp(loghub_ssh[j].id, f[7]))
				break;
		if (j == sizeof(loghub_ssh) / sizeof(loghub_ssh[0]))
			continue;
		if ((nv = template_vars(f[8], f[6], vars)) < 0) {
			printf("  %s: line %zu does not fit %s\n", cname, i + 1,
			    f[7]);
			continue;
		}
		if (loghub_ssh[j].src >= 0 && loghub_ssh[j].src < nv)
			check(cname, "sshd", lines[i], "src",
			    vars[loghub_ssh[j].src], g.src);
		if (loghub_ssh[j].user >= 0 && loghub_ssh[j].user < nv)
			check(cname, "sshd", lines[i], "user",
			    vars[loghub_ssh[j].user], g.user);
		else if (loghub_ssh[j].fixed_user != NULL)
			check(cname, "sshd", lines[i], "user",
			    loghub_ssh[j].fixed_user, g.user);
		check(cname, "sshd", lines[i], "action", loghub_ssh[j].action,
		    g.action);
	}
	free(lines);
	free(rows);
	free(logbuf);
	free(csvbuf);
}

/* LogHub Linux: PAM lines ("sshd(pam_unix)[pid]:") with rhost=<*>. */
static void
corpus_loghub_linux(const char *dir)
{
	const char	*cname = "loghub/Linux_2k";
	char		 path[1024], **lines, **rows, vars[8][256];
	char		*logbuf, *csvbuf, *r, *u;
	size_t		 nl, nr, i;
	struct got	 g;

	snprintf(path, sizeof(path), "%s/loghub/Linux_2k.log", dir);
	if ((logbuf = slurp(path)) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/loghub/Linux_2k.log_structured.csv",
	    dir);
	if ((csvbuf = slurp(path)) == NULL) {
		free(logbuf);
		return;
	}
	nl = lines_of(logbuf, &lines);
	nr = lines_of(csvbuf, &rows);
	for (i = 0; i < nl && i + 1 < nr; i++) {
		char	*p = rows[i + 1], *f[10], *t;
		int	 k, nv, idx = 0;

		for (k = 0; k < 10; k++)
			f[k] = csv_field(&p);
		if (strstr(f[5], "(pam_unix)") == NULL)
			continue;
		run("pam", NULL, lines[i], &g);
		count_line(cname, "pam", &g);
		if ((r = strstr(f[9], "rhost=<*>")) == NULL)
			continue;
		for (t = f[9]; (t = strstr(t, "<*>")) != NULL && t < r; t += 3)
			idx++;
		if ((nv = template_vars(f[9], f[7], vars)) <= idx)
			continue;
		check(cname, "pam", lines[i], "src", vars[idx], g.src);
		if ((u = strstr(f[9], " user=")) != NULL && u[6] != '<')
			check(cname, "pam", lines[i], "user", u + 6, g.user);
		check(cname, "pam", lines[i], "action", "pam_auth_fail",
		    g.action);
	}
	free(lines);
	free(rows);
	free(logbuf);
	free(csvbuf);
}

/* ---- CrowdSec hub tests: parser.assert over the folder's .log ---- */

static const struct {
	const char	*dir, *parser, *alt;
} crowdsec_dirs[] = {
	{ "sshd-logs", "sshd", NULL },
	{ "sshd-logs-fp", "sshd", NULL },
	{ "sshd-success-logs", "sshd", NULL },
	{ "sshd-invalid-bf", "sshd", NULL },
	{ "opnsense-sshd", "sshd", NULL },
	{ "pam-logs", "pam", NULL },
	{ "syslog-logs", "syslog", NULL },
	{ "nginx_http-logs", "nginx", "nginx-error" },
	{ "nginx-http-malformed", "nginx", "nginx-error" },
	{ "apache2-logs", "apache", "apache-error" },
	{ "apache2-malformed", "apache", "apache-error" },
	{ "pfsense-rfc5424-nginx", "syslog", NULL },
};

#define CS_MAX	256

static void
corpus_crowdsec(const char *dir)
{
	char		 path[1024], cname[128], **lines, **asserts;
	char		*logbuf, *abuf;
	char		*src[CS_MAX], *user[CS_MAX];
	int		 fail[CS_MAX];
	size_t		 d, nl, na, i;
	struct got	 g;
	DIR		*dp;
	struct dirent	*de;

	for (d = 0; d < sizeof(crowdsec_dirs) / sizeof(crowdsec_dirs[0]);
	    d++) {
		snprintf(path, sizeof(path), "%s/crowdsec/%s", dir,
		    crowdsec_dirs[d].dir);
		if ((dp = opendir(path)) == NULL)
			continue;
		logbuf = NULL;
		while ((de = readdir(dp)) != NULL) {
			size_t n = strlen(de->d_name);

			if (n > 4 && !strcmp(de->d_name + n - 4, ".log")) {
				snprintf(path, sizeof(path), "%s/crowdsec/%s/%s",
				    dir, crowdsec_dirs[d].dir, de->d_name);
				logbuf = slurp(path);
				break;
			}
		}
		closedir(dp);
		snprintf(path, sizeof(path), "%s/crowdsec/%s/parser.assert",
		    dir, crowdsec_dirs[d].dir);
		if (logbuf == NULL || (abuf = slurp(path)) == NULL) {
			free(logbuf);
			continue;
		}
		snprintf(cname, sizeof(cname), "crowdsec/%s",
		    crowdsec_dirs[d].dir);
		memset(src, 0, sizeof(src));
		memset(user, 0, sizeof(user));
		memset(fail, 0, sizeof(fail));
		na = lines_of(abuf, &asserts);
		for (i = 0; i < na; i++) {
			char	*a = asserts[i], *b, *v;
			int	 idx;

			if (strncmp(a, "results[\"s01-parse\"]", 20) != 0)
				continue;
			/* results["s01-parse"]["PARSER"][IDX] */
			if ((b = strstr(a + 20, "\"][")) == NULL)
				continue;
			idx = atoi(b + 3);
			if (idx < 0 || idx >= CS_MAX)
				continue;
			if (strstr(a, "].Success == false") != NULL)
				fail[idx] = 1;
			if ((v = strstr(a, " == \"")) == NULL)
				continue;
			v += 5;
			if (v[0] != '\0' && v[strlen(v) - 1] == '"')
				v[strlen(v) - 1] = '\0';
			if (strstr(a, "Meta[\"source_ip\"]") != NULL)
				src[idx] = v;
			else if (strstr(a, "Meta[\"target_user\"]") != NULL ||
			    strstr(a, "Meta[\"user\"]") != NULL)
				user[idx] = v;
		}
		nl = lines_of(logbuf, &lines);
		for (i = 0; i < nl && i < CS_MAX; i++) {
			const char *pn = crowdsec_dirs[d].parser;

			run(pn, crowdsec_dirs[d].alt, lines[i], &g);
			count_line(cname, pn, &g);
			if (fail[i] && src[i] == NULL) {
				/* Must not parse: no attempt from an address. */
				check(cname, pn, lines[i], "src", "", 
				    strstr(g.action, "fail") != NULL ||
				    strstr(g.action, "invalid") != NULL ?
				    g.src : "");
				continue;
			}
			check(cname, pn, lines[i], "src", src[i], g.src);
			check(cname, pn, lines[i], "user", user[i], g.user);
		}
		free(lines);
		free(asserts);
		free(logbuf);
		free(abuf);
	}
}

/*
 * CrowdSec's scenario tests: the alert's events name their sources; every
 * line of the folder comes from one of them.
 */
static void
corpus_crowdsec_scenarios(const char *dir)
{
	static const char *dirs[] = { "ssh-timeout", "sshd-bad-keyexchange-bf",
	    "sshd-impossible-travel", "sshd-refused-conn" };
	static const char key[] = "GetMeta(\"source_ip\") == \"";
	char		 path[1024], cname[128], **lines, **asserts, *srcs[16];
	char		*logbuf, *abuf, *v, *e;
	size_t		 d, nl, na, i, k, ns;
	struct got	 g;
	DIR		*dp;
	struct dirent	*de;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		snprintf(path, sizeof(path), "%s/crowdsec/%s", dir, dirs[d]);
		if ((dp = opendir(path)) == NULL)
			continue;
		logbuf = NULL;
		while ((de = readdir(dp)) != NULL) {
			size_t n = strlen(de->d_name);

			if (n > 4 && !strcmp(de->d_name + n - 4, ".log")) {
				snprintf(path, sizeof(path), "%s/crowdsec/%s/%s",
				    dir, dirs[d], de->d_name);
				logbuf = slurp(path);
				break;
			}
		}
		closedir(dp);
		snprintf(path, sizeof(path), "%s/crowdsec/%s/scenario.assert",
		    dir, dirs[d]);
		if (logbuf == NULL || (abuf = slurp(path)) == NULL) {
			free(logbuf);
			continue;
		}
		snprintf(cname, sizeof(cname), "crowdsec/%s", dirs[d]);
		na = lines_of(abuf, &asserts);
		for (i = ns = 0; i < na && ns < 16; i++)
			if ((v = strstr(asserts[i], key)) != NULL &&
			    (e = strchr(v + strlen(key), '"')) != NULL) {
				*e = '\0';
				srcs[ns++] = v + strlen(key);
			}
		nl = lines_of(logbuf, &lines);
		for (i = 0; i < nl && ns > 0; i++) {
			run("sshd", NULL, lines[i], &g);
			count_line(cname, "sshd", &g);
			for (k = 0; k < ns && strcmp(srcs[k], g.src); k++)
				;
			check(cname, "sshd", lines[i], "src",
			    k < ns ? srcs[k] : srcs[0], g.src);
		}
		free(lines);
		free(asserts);
		free(logbuf);
		free(abuf);
	}
}

/* ---- Elastic pipeline tests (expected JSON) ---- */

static const char *
jpath(json_t *o, const char *a, const char *b)
{
	json_t	*x = json_object_get(o, a);

	if (x == NULL)
		return NULL;
	if (b != NULL)
		x = json_object_get(x, b);
	return json_is_string(x) ? json_string_value(x) : NULL;
}

static void
corpus_elastic_one(const char *dir, const char *sub, const char *log,
    const char *parser, int by_original)
{
	char		 path[1024], cname[128], **lines;
	char		*logbuf;
	json_t		*root, *exp, *e;
	json_error_t	 jerr;
	size_t		 nl, i, k;
	struct got	 g;

	snprintf(path, sizeof(path), "%s/elastic/%s/%s", dir, sub, log);
	if ((logbuf = slurp(path)) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/elastic/%s/%s-expected.json", dir,
	    sub, log);
	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		printf("  %s: %s:%d: %s\n", path, jerr.source, jerr.line,
		    jerr.text);
		free(logbuf);
		return;
	}
	snprintf(cname, sizeof(cname), "elastic/%s", sub);
	exp = json_object_get(root, "expected");
	nl = lines_of(logbuf, &lines);
	for (i = 0; i < nl; i++) {
		const char	*ip, *dom;

		e = NULL;
		if (by_original) {
			for (k = 0; k < json_array_size(exp); k++) {
				const char *o = jpath(json_array_get(exp, k),
				    "event", "original");

				if (o != NULL && !strcmp(o, lines[i])) {
					e = json_array_get(exp, k);
					break;
				}
			}
		} else
			e = json_array_get(exp, i);
		run(parser, NULL, lines[i], &g);
		count_line(cname, parser, &g);
		if (e == NULL)
			continue;
		ip = jpath(e, "source", "ip");
		dom = jpath(e, "source", "domain");
		if (ip != NULL)
			check(cname, parser, lines[i], "src", ip, g.src);
		else if (dom != NULL)
			check(cname, parser, lines[i], "src", "", g.src);
		check(cname, parser, lines[i], "user", jpath(e, "user",
		    "name"), g.user);
		{
			json_t *sudo = json_object_get(json_object_get(
			    json_object_get(e, "system"), "auth"), "sudo");

			check(cname, parser, lines[i], "command",
			    jpath(sudo, "command", NULL), g.command);
			check(cname, parser, lines[i], "target_user",
			    jpath(sudo, "user", NULL), g.target_user);
			check(cname, parser, lines[i], "tty",
			    jpath(sudo, "tty", NULL), g.tty);
		}
	}
	free(lines);
	free(logbuf);
	json_decref(root);
}

/* ---- PatternDB examples: message bodies under a made-up header ---- */

static void
xml_unescape(char *s)
{
	static const struct { const char *e; char c; } ents[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		{ "&apos;", '\'' }, { "&amp;", '&' },
	};
	char	*w = s;
	size_t	 i;

	while (*s != '\0') {
		for (i = 0; i < 5; i++)
			if (!strncmp(s, ents[i].e, strlen(ents[i].e)))
				break;
		if (i < 5) {
			*w++ = ents[i].c;
			s += strlen(ents[i].e);
		} else
			*w++ = *s++;
	}
	*w = '\0';
}

/* The text of <tag ...>TEXT</tag> after *p, NUL-cut; attr value too. */
static char *
xml_elem(char **p, const char *open, const char *close, char *attrval,
    size_t avsz, const char *attr)
{
	char	*s = strstr(*p, open), *gt, *end, *a;

	if (s == NULL)
		return NULL;
	if ((gt = strchr(s, '>')) == NULL || (end = strstr(gt, close)) ==
	    NULL)
		return NULL;
	if (attrval != NULL) {
		attrval[0] = '\0';
		*gt = '\0';
		if ((a = strstr(s, attr)) != NULL) {
			a += strlen(attr);
			snprintf(attrval, avsz, "%.*s", (int)strcspn(a, "\""),
			    a);
		}
	}
	*end = '\0';
	*p = end + strlen(close);
	xml_unescape(gt + 1);
	return gt + 1;
}

static void
corpus_patterndb(const char *dir)
{
	static const char *files[] = { "access_sshd.pdb",
	    "applications_openssh_sshd.xml", "access_sudo.pdb",
	    "access_su.pdb" };
	static const char *fparser[] = { "sshd", "sshd", "sudo", "su" };
	char		 path[1024], cname[128], prog[64], line[4096];
	char		*buf, *p, *ex, *exend, *msg, *v, name[64];
	char		*src, *user;
	size_t		 f;
	unsigned	 pid = 1000;
	struct got	 g;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(path, sizeof(path), "%s/patterndb/%s", dir, files[f]);
		if ((buf = slurp(path)) == NULL)
			continue;
		snprintf(cname, sizeof(cname), "patterndb/%s", files[f]);
		for (p = buf; (ex = strstr(p, "<example>")) != NULL; ) {
			if ((exend = strstr(ex, "</example>")) == NULL)
				break;
			*exend = '\0';
			p = exend + 10;
			if ((msg = xml_elem(&ex, "<test_message", "</test_message>",
			    prog, sizeof(prog), "program=\"")) == NULL)
				continue;
			/* Each example its own pid: they are not one session. */
			snprintf(line, sizeof(line),
			    "Nov 23 01:34:22 host %s[%u]: %s",
			    prog[0] ? prog : "sshd", pid++, msg);
			src = user = NULL;
			while ((v = xml_elem(&ex, "<test_value ", "</test_value>",
			    name, sizeof(name), "name=\"")) != NULL) {
				if (!strcmp(name, "usracct.device") ||
				    !strcmp(name, "ssh.src.ip"))
					src = v;
				else if (!strcmp(name, "usracct.username") ||
				    !strcmp(name, "ssh.auth.user"))
					user = v;
			}
			run(fparser[f], NULL, line, &g);
			count_line(cname, fparser[f], &g);
			/* sudo/su's usracct.device is a tty, not an address. */
			if (src != NULL && strcmp(prog, "sudo") &&
			    strcmp(prog, "su"))
				check(cname, fparser[f], line, "src", src,
				    g.src);
			check(cname, fparser[f], line, "user", user, g.user);
		}
		free(buf);
	}
}

/* ---- Wazuh: classification of single-line rules ---- */

static const struct {
	const char	*file, *parser, *rule, *action;
} wazuh_map[] = {
	{ "kernel_usb.ini", "kernel", "81101", "usb_attached" },
	{ "kernel_usb.ini", "kernel", "81102", "media_removed" },
	{ "sudo.ini", "sudo", "5401", "auth_fail" },
	{ "sudo.ini", "sudo", "5403", "sudo_command" },
	{ "sudo.ini", "sudo", "5404", "auth_fail" },
	{ "sudo.ini", "sudo", "5405", "sudo_denied" },
	{ "su.ini", "su", "5301", "su_fail" },
	{ "su.ini", "su", "5302", "su_fail" },
	{ "su.ini", "su", "5305", "su_ok" },
	{ "pam.ini", "pam", "5501", "session_open" },
	{ "pam.ini", "pam", "5502", "session_close" },
	{ "pam.ini", "pam", "5503", "pam_auth_fail" },
	{ "pam.ini", "pam", "5504", "pam_user_unknown" },
	{ "pam.ini", "pam", "2502", "pam_auth_fail" },
};

/* "pass" lines of a section, checked when its rule = line comes. */
static void
corpus_wazuh(const char *dir)
{
	static const char *files[] = { "kernel_usb.ini", "sudo.ini", "su.ini",
	    "pam.ini" };
	char		 path[1024], cname[64], **lines, *buf, *pass[32];
	size_t		 n, i, f, k, np = 0;
	struct got	 g;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(path, sizeof(path), "%s/wazuh/%s", dir, files[f]);
		if ((buf = slurp(path)) == NULL)
			continue;
		snprintf(cname, sizeof(cname), "wazuh/%s", files[f]);
		n = lines_of(buf, &lines);
		np = 0;
		for (i = 0; i < n; i++) {
			char *eq;

			if (lines[i][0] == '[')
				np = 0;
			else if (!strncmp(lines[i], "log ", 4) &&
			    (eq = strstr(lines[i], " pass = ")) != NULL &&
			    np < 32)
				pass[np++] = eq + 8;
			else if (!strncmp(lines[i], "rule = ", 7)) {
				for (k = 0; k < sizeof(wazuh_map) /
				    sizeof(wazuh_map[0]); k++)
					if (!strcmp(wazuh_map[k].file,
					    files[f]) && !strcmp(
					    wazuh_map[k].rule, lines[i] + 7))
						break;
				for (; np > 0; np--) {
					const char *l = pass[np - 1];
					const char *pn = k < sizeof(wazuh_map) /
					    sizeof(wazuh_map[0]) ?
					    wazuh_map[k].parser : "syslog";

					run(pn, NULL, l, &g);
					count_line(cname, pn, &g);
					if (pn != NULL && k < sizeof(wazuh_map)
					    / sizeof(wazuh_map[0]))
						check(cname, pn, l, "action",
						    wazuh_map[k].action,
						    g.action);
				}
			}
		}
		free(lines);
		free(buf);
	}
}

/* ---- rsyslog parse1: host and program from the header ---- */

static void
corpus_rsyslog(const char *dir)
{
	const char	*cname = "rsyslog/parsertest-parse1";
	char		 path[1024], **m, **x, *mb, *xb;
	size_t		 nm, nx, i;
	struct got	 g;
	struct tally	*t = tally(cname);
	unsigned	 hn = 0, hok = 0;

	snprintf(path, sizeof(path), "%s/rsyslog/parsertest-parse1.messages",
	    dir);
	if ((mb = slurp(path)) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/rsyslog/parsertest-parse1.expected",
	    dir);
	if ((xb = slurp(path)) == NULL) {
		free(mb);
		return;
	}
	nm = lines_of(mb, &m);
	nx = lines_of(xb, &x);
	for (i = 0; i < nm && i < nx; i++) {
		char	*p = x[i], *f[6];
		int	 k;

		for (k = 0; k < 6; k++) {
			f[k] = p;
			p = strchr(p, ',');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		run("syslog", NULL, m[i], &g);
		t->lines++;
		if (k < 6 || g.res == PARSE_NO_HEADER)
			continue;
		/* facility and severity from <PRI> */
		hn++;
		if (!strcmp(f[1], g.facility[0] ? g.facility : "user") &&
		    !strcmp(f[2], g.severity[0] ? g.severity : "notice"))
			hok++;
	}
	printf("%-36s %u lines; <PRI> facility.severity %u/%u (not gated)\n",
	    cname, t->lines, hok, hn);
	free(m);
	free(x);
	free(mb);
	free(xb);
}

static int
pct_ok(unsigned ok, unsigned n)
{
	return n == 0 || (double)ok / n >= 0.95;
}

static void
print_tally(const struct tally *t)
{
	printf("%-36s %5u lines %5u recognised", t->name, t->lines,
	    t->recognised);
	if (t->src_n)
		printf("; src %u/%u (%.1f%%)", t->src_ok, t->src_n,
		    100.0 * t->src_ok / t->src_n);
	if (t->src_dis)
		printf(" +%u disagreed", t->src_dis);
	if (t->user_n)
		printf("; user %u/%u", t->user_ok, t->user_n);
	if (t->user_dis)
		printf(" +%u disagreed", t->user_dis);
	if (t->act_n)
		printf("; action %u/%u", t->act_ok, t->act_n);
	if (t->oth_n)
		printf("; sudo fields %u/%u", t->oth_ok, t->oth_n);
	printf("\n");
}

/* "-p PARSER": parse stdin's lines and print the fields (a debugging aid). */
static int
parse_stdin(const char *parser)
{
	char		 line[1 << 16];
	struct got	 g;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		run(parser, NULL, line, &g);
		printf("res=%d action=%s src=%s user=%s program=%s host=%s\n",
		    g.res, g.action, g.src, g.user, g.program, g.host);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *gated[] = { "sshd", "syslog", "nginx", "apache",
	    "pam", "sudo", "su", "kernel", NULL };
	int	 i, bad = 0;

	if (setenv("TZ", "UTC", 1) == -1)
		return 2;
	tzset();
	if (argc == 3 && !strcmp(argv[1], "-p"))
		return parse_stdin(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		argc--;
		argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: corpora [-v] DIR | corpora -p PARSER\n");
		return 2;
	}
	corpus_loghub(argv[1]);
	corpus_loghub_linux(argv[1]);
	corpus_crowdsec(argv[1]);
	corpus_crowdsec_scenarios(argv[1]);
	corpus_elastic_one(argv[1], "system-auth", "test-auth.log", "syslog",
	    0);
	corpus_elastic_one(argv[1], "system-auth", "test-sudo-no-tty.log",
	    "syslog", 0);
	corpus_elastic_one(argv[1], "nginx-access", "test-access.log", "nginx",
	    1);
	corpus_elastic_one(argv[1], "apache-access", "test-access-basic.log",
	    "apache", 1);
	corpus_patterndb(argv[1]);
	corpus_wazuh(argv[1]);
	printf("\nper corpus:\n");
	for (i = 0; i < ntallies; i++)
		if (strchr(tallies[i].name, '/') != NULL)
			print_tally(&tallies[i]);
	corpus_rsyslog(argv[1]);
	printf("\nper parser (gate: source address agreement >= 95%%):\n");
	for (i = 0; i < ntallies; i++)
		if (strchr(tallies[i].name, '/') == NULL) {
			print_tally(&tallies[i]);
			if (!pct_ok(tallies[i].src_ok, tallies[i].src_n)) {
				printf("FAIL: %s below 95%%\n", tallies[i].name);
				bad = 1;
			}
		}
	for (i = 0; gated[i] != NULL; i++)
		if (tally(gated[i])->src_n == 0)
			printf("note: no annotated source address for %s\n",
			    gated[i]);
	return bad;
}
