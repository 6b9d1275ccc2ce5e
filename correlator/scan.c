/*
 * correlator/scan.c - compile the rule pack with libyara, read each rule's
 * meta, and scan events with their fields (the ev_fields table) and
 * context as external variables. Owns the YR_RULES and each YR_SCANNER.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "scan.h"

/*
 * The last value given to an external: YARA copies each string it is
 * given (a malloc and a free), so an unchanged value is not given again.
 * Most fields of most events are empty, or as the event before.
 */
#define XCACHE_LEN	128
struct xcache {
	int		 set;
	int64_t		 i;
	size_t		 len;
	char		 s[XCACHE_LEN];
};

struct scanner {
	const struct ruleset	*rs;
	YR_SCANNER		*ys;
	struct xcache		 xc[EV_NFIELDS + 2];	/* + both countries */
	uint32_t		*hits;
	int			 nhits, maxhits;
	scan_detail_fn		*detail;
	void			*detail_arg;
};

struct compile_ctx {
	int	 errors;
	char	**files;	/* compiled, to place a meta error */
	size_t	 nfiles;
};

/* The context externals that are not event fields. */
#define X_SRC_COUNTRY		"src_country"
#define X_SRC_INTERNAL		"src_internal"
#define X_EXTRATERRITORIAL	"extraterritorial"
#define X_HOUR			"hour"
#define X_DEST_COUNTRY		"dest_country"
#define X_DEST_INTERNAL		"dest_internal"
#define X_DEST_EXTRATERR	"dest_extraterritorial"
#define X_OUTBOUND_ABROAD	"outbound_abroad"

const char *
group_by_name(int g)
{
	return g == GROUP_RULE ? "rule" : ev_fields[g].name;
}

static void
compile_cb(int level, const char *file, int line, const YR_RULE *rule,
    const char *msg, void *arg)
{
	struct compile_ctx	*cc = arg;

	(void)rule;
	fprintf(stderr, "%s:%d: %s: %s\n", file ? file : "?", line,
	    level == YARA_ERROR_LEVEL_ERROR ? "error" : "warning", msg);
	if (level == YARA_ERROR_LEVEL_ERROR)
		cc->errors++;
}

static int
define_externals(YR_COMPILER *c)
{
	int	 f, rc;

	for (f = 0; f < EV_NFIELDS; f++) {
		if (ev_fields[f].yara == NULL)
			continue;
		if (ev_fields[f].ytype == YX_INT)
			rc = yr_compiler_define_integer_variable(c,
			    ev_fields[f].yara, 0);
		else
			rc = yr_compiler_define_string_variable(c,
			    ev_fields[f].yara, "");
		if (rc != ERROR_SUCCESS)
			return -1;
	}
	if (yr_compiler_define_string_variable(c, X_SRC_COUNTRY, "") !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_integer_variable(c, X_HOUR, 0) !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_boolean_variable(c, X_SRC_INTERNAL, 0) !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_boolean_variable(c, X_EXTRATERRITORIAL, 0) !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_string_variable(c, X_DEST_COUNTRY, "") !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_boolean_variable(c, X_DEST_INTERNAL, 0) !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_boolean_variable(c, X_DEST_EXTRATERR, 0) !=
	    ERROR_SUCCESS ||
	    yr_compiler_define_boolean_variable(c, X_OUTBOUND_ABROAD, 0) !=
	    ERROR_SUCCESS)
		return -1;
	return 0;
}

static int
add_file(YR_COMPILER *c, const char *path, struct compile_ctx *cc)
{
	FILE	*fp;
	char	**files;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		cc->errors++;
		return -1;
	}
	yr_compiler_add_file(c, fp, NULL, path);	/* errors via compile_cb */
	fclose(fp);
	if ((files = realloc(cc->files, (cc->nfiles + 1) * sizeof(*files))) ==
	    NULL || (files[cc->nfiles] = strdup(path)) == NULL)
		fatalx("%s: out of memory", __func__);
	cc->files = files;
	cc->nfiles++;
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_path(YR_COMPILER *c, const char *path, struct compile_ctx *cc)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL, full[4096];
	size_t		 n = 0, i, len;
	int		 found = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		cc->errors++;
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(c, path, cc);
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		cc->errors++;
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char	**nn;

		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".yar") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof(*nn))) == NULL ||
		    (nn[n] = strdup(de->d_name)) == NULL) {
			closedir(d);
			fatalx("%s: out of memory", __func__);
		}
		names = nn;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		add_file(c, full, cc);
		found++;
		free(names[i]);
	}
	free(names);
	if (!found) {
		fprintf(stderr, "%s: no *.yar rule files\n", path);
		cc->errors++;
		return -1;
	}
	return 0;
}

/* Where `word` stands alone in line (not inside a longer name), or NULL. */
static const char *
find_word(const char *line, const char *word)
{
	const char	*p = line;
	size_t		 n = strlen(word);

	while ((p = strstr(p, word)) != NULL) {
		if ((p == line || (!isalnum((unsigned char)p[-1]) &&
		    p[-1] != '_')) && !isalnum((unsigned char)p[n]) &&
		    p[n] != '_')
			return p;
		p += n;
	}
	return NULL;
}

/* "rule NAME" declared in line. */
static int
declares(const char *line, const char *name)
{
	const char	*p = find_word(line, "rule");

	if (p == NULL)
		return 0;
	for (p += 4; *p == ' ' || *p == '\t'; p++)
		;
	return find_word(p, name) == p;
}

/* "key =" in line, outside a quoted string. */
static int
assigns(const char *line, const char *key)
{
	const char	*p = line, *q;
	int		 quoted;

	while ((p = find_word(p, key)) != NULL) {
		for (quoted = 0, q = line; q < p; q++)
			if (*q == '"' && (q == line || q[-1] != '\\'))
				quoted = !quoted;
		for (q = p + strlen(key); *q == ' ' || *q == '\t'; q++)
			;
		if (!quoted && *q == '=')
			return 1;
		p += strlen(key);
	}
	return 0;
}

/*
 * "file:line: " of meta `key` of rule `name` (of the rule itself when the
 * key cannot be told), from the files compiled; "" when not found. YARA
 * keeps no line for a rule, so the source is read again: errors only.
 */
static const char *
meta_where(const struct compile_ctx *cc, const char *name, const char *key,
    char *buf, size_t len)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0, i;
	int		 n, at = 0;

	buf[0] = '\0';
	for (i = 0; i < cc->nfiles && buf[0] == '\0'; i++) {
		if ((fp = fopen(cc->files[i], "r")) == NULL)
			continue;
		for (n = 1; getline(&line, &cap, fp) != -1; n++) {
			if (!at) {
				if (declares(line, name)) {
					at = n;
					snprintf(buf, len, "%s:%d: ",
					    cc->files[i], n);
				} else
					continue;
			}
			if (assigns(line, key)) {
				snprintf(buf, len, "%s:%d: ", cc->files[i], n);
				break;
			}
			if (find_word(line, "condition") != NULL ||
			    find_word(line, "strings") != NULL)
				break;
		}
		fclose(fp);
	}
	free(line);
	return buf;
}

static int
meta_string(const struct compile_ctx *cc, const YR_RULE *r, const YR_META *m,
    char *dst, size_t len, const char *const *allowed)
{
	char	 where[4200];
	int	 i;

	if (m->type != META_TYPE_STRING) {
		fprintf(stderr, "%srule %s: meta %s must be a string\n",
		    meta_where(cc, r->identifier, m->identifier, where,
		    sizeof(where)), r->identifier, m->identifier);
		return -1;
	}
	if (allowed != NULL) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(m->string, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			fprintf(stderr, "%srule %s: meta %s = \"%s\" is not "
			    "one of", meta_where(cc, r->identifier,
			    m->identifier, where, sizeof(where)),
			    r->identifier, m->identifier, m->string);
			for (i = 0; allowed[i] != NULL; i++)
				fprintf(stderr, " %s", allowed[i]);
			fprintf(stderr, "\n");
			return -1;
		}
	}
	if (strlen(m->string) >= len) {
		fprintf(stderr, "%srule %s: meta %s is too long\n",
		    meta_where(cc, r->identifier, m->identifier, where,
		    sizeof(where)), r->identifier, m->identifier);
		return -1;
	}
	strcpy(dst, m->string);
	return 0;
}

static int
meta_int(const struct compile_ctx *cc, const YR_RULE *r, const YR_META *m,
    int min, int max, int *out)
{
	char	 where[4200];

	if (m->type != META_TYPE_INTEGER || m->integer < min ||
	    m->integer > max) {
		fprintf(stderr, "%srule %s: meta %s must be an integer from %d "
		    "to %d\n", meta_where(cc, r->identifier, m->identifier,
		    where, sizeof(where)), r->identifier, m->identifier, min,
		    max);
		return -1;
	}
	*out = (int)m->integer;
	return 0;
}

/*
 * The meta keys a rule may have: the correlator's own, then the pack's
 * documentation. Any other is a typo ("treshold") that would silently
 * leave the default in force: an error.
 */
#define META_KNOWN	"severity, category, description, threshold, " \
			"window, group_by, mitre, false_positives, " \
			"reference, author, date, tuning"

static int
meta_known(const char *id)
{
	static const char *const known[] = { "mitre", "false_positives",
	    "reference", "author", "date", "tuning", NULL };
	size_t	 i;

	for (i = 0; known[i] != NULL; i++)
		if (strcmp(id, known[i]) == 0)
			return 1;
	return 0;
}

static int
read_meta(const struct compile_ctx *cc, const YR_RULE *r, struct rulemeta *rm)
{
	static const char *sev[] = { "low", "medium", "high", "critical",
	    NULL };
	const YR_META	*m;
	char		 g[64], where[4200];
	int		 errors = 0, f;

	memset(rm, 0, sizeof(*rm));
	rm->name = r->identifier;
	strcpy(rm->category, "uncategorised");
	strcpy(rm->severity, "medium");
	rm->threshold = 1;
	rm->window = 600;
	rm->group_by = EV_SRC_IP;
	yr_rule_metas_foreach(r, m) {
		if (!strcmp(m->identifier, "severity"))
			errors += meta_string(cc, r, m, rm->severity,
			    sizeof(rm->severity), sev) == -1;
		else if (!strcmp(m->identifier, "category"))
			errors += meta_string(cc, r, m, rm->category,
			    sizeof(rm->category), NULL) == -1;
		else if (!strcmp(m->identifier, "description"))
			errors += meta_string(cc, r, m, rm->description,
			    sizeof(rm->description), NULL) == -1;
		else if (!strcmp(m->identifier, "threshold"))
			errors += meta_int(cc, r, m, 1, 1000000,
			    &rm->threshold) == -1;
		else if (!strcmp(m->identifier, "window"))
			errors += meta_int(cc, r, m, 1, 30 * 86400,
			    &rm->window) == -1;
		else if (!strcmp(m->identifier, "group_by")) {
			if (meta_string(cc, r, m, g, sizeof(g), NULL) == -1)
				errors++;
			else if (!strcmp(g, "rule"))
				rm->group_by = GROUP_RULE;
			else if ((f = ev_field_lookup(g)) >= 0)
				rm->group_by = f;
			else {
				fprintf(stderr, "%srule %s: meta group_by = "
				    "\"%s\" is neither \"rule\" nor an event "
				    "field\n", meta_where(cc, r->identifier,
				    "group_by", where, sizeof(where)),
				    r->identifier, g);
				errors++;
			}
		}
		else if (!meta_known(m->identifier)) {
			fprintf(stderr, "%srule %s: unknown meta %s (known: "
			    "%s)\n", meta_where(cc, r->identifier,
			    m->identifier, where, sizeof(where)),
			    r->identifier, m->identifier, META_KNOWN);
			errors++;
		}
	}
	return errors ? -1 : 0;
}

/*
 * Compiles what add() gives the compiler, then reads every rule's meta.
 * Returns 0, or -1 after printing every error.
 */
static int
ruleset_build(struct ruleset *rs, void (*add)(YR_COMPILER *, void *,
    struct compile_ctx *), void *arg)
{
	struct compile_ctx	 cc = { 0 };
	YR_COMPILER		*c;
	const YR_RULE		*r;
	size_t			 i;
	int			 errors = 0;

	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		fatalx("%s: yr_compiler_create", __func__);
	yr_compiler_set_callback(c, compile_cb, &cc);
	if (define_externals(c) == -1)
		fatalx("%s: cannot define external variables", __func__);
	add(c, arg, &cc);
	if (cc.errors || yr_compiler_get_rules(c, &rs->rules) !=
	    ERROR_SUCCESS) {
		yr_compiler_destroy(c);
		errors = 1;
		goto done;
	}
	yr_compiler_destroy(c);
	yr_rules_foreach(rs->rules, r)
		rs->n++;
	if ((rs->meta = calloc(rs->n ? rs->n : 1, sizeof(*rs->meta))) == NULL)
		fatalx("%s: out of memory", __func__);
	i = 0;
	yr_rules_foreach(rs->rules, r)
		errors += read_meta(&cc, r, &rs->meta[i++]) == -1;
	if (errors)
		ruleset_free(rs);
 done:
	if (errors == 0) {
		/* The files compiled stay named, for vigie rules test. */
		rs->files = cc.files;
		rs->nfiles = cc.nfiles;
		return 0;
	}
	for (i = 0; i < cc.nfiles; i++)
		free(cc.files[i]);
	free(cc.files);
	return -1;
}

struct paths {
	char *const	*v;
	size_t		 n;
};

static void
add_paths(YR_COMPILER *c, void *arg, struct compile_ctx *cc)
{
	const struct paths	*p = arg;
	size_t			 i;

	for (i = 0; i < p->n; i++)
		add_path(c, p->v[i], cc);
}

int
ruleset_load(struct ruleset *rs, char *const *paths, size_t npaths)
{
	struct paths	 p = { paths, npaths };

	memset(rs, 0, sizeof(*rs));
	if (npaths == 0) {
		fprintf(stderr, "no rules: give --rules PATH or [rules] path\n");
		return -1;
	}
	return ruleset_build(rs, add_paths, &p);
}

static void
add_text(YR_COMPILER *c, void *arg, struct compile_ctx *cc)
{
	(void)cc;
	yr_compiler_add_string(c, arg, NULL);	/* errors via compile_cb */
}

int
ruleset_load_text(struct ruleset *rs, const char *text)
{
	memset(rs, 0, sizeof(*rs));
	return ruleset_build(rs, add_text, (void *)(uintptr_t)text);
}

void
ruleset_free(struct ruleset *rs)
{
	size_t	 i;

	if (rs->rules != NULL)
		yr_rules_destroy(rs->rules);
	free(rs->meta);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	memset(rs, 0, sizeof(*rs));
}

static int
scan_cb(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *arg)
{
	struct scanner	*s = arg;
	YR_RULE		*r = data;

	if (msg == CALLBACK_MSG_RULE_MATCHING && s->nhits < s->maxhits) {
		s->hits[s->nhits] = (uint32_t)(r - s->rs->rules->rules_table);
		if (s->detail != NULL)
			s->detail(s->detail_arg, s->hits[s->nhits], ctx, r);
		s->nhits++;
	}
	return CALLBACK_CONTINUE;
}

struct scanner *
scanner_new(const struct ruleset *rs)
{
	struct scanner	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->rs = rs;
	if (yr_scanner_create(rs->rules, &s->ys) != ERROR_SUCCESS) {
		free(s);
		return NULL;
	}
	yr_scanner_set_callback(s->ys, scan_cb, s);
	/*
	 * We scan heap buffers, never mapped files: YARA's SIGSEGV/SIGBUS
	 * guard would only cost two sigaction calls per event.
	 */
	yr_scanner_set_flags(s->ys, SCAN_FLAGS_REPORT_RULES_MATCHING |
	    SCAN_FLAGS_NO_TRYCATCH);
	return s;
}

void
scanner_set_detail(struct scanner *s, scan_detail_fn *fn, void *arg)
{
	s->detail = fn;
	s->detail_arg = arg;
}

void
scanner_free(struct scanner *s)
{
	if (s == NULL)
		return;
	yr_scanner_destroy(s->ys);
	free(s);
}

static int
set_str(struct scanner *s, struct xcache *c, const char *name, const char *v)
{
	size_t	 len = strlen(v);
	int	 rc;

	if (c->set && c->len == len && memcmp(c->s, v, len) == 0)
		return ERROR_SUCCESS;
	c->set = 0;
	if ((rc = yr_scanner_define_string_variable(s->ys, name, v)) !=
	    ERROR_SUCCESS || len >= XCACHE_LEN)
		return rc;
	memcpy(c->s, v, len);
	c->len = len;
	c->set = 1;
	return rc;
}

static int
set_int(struct scanner *s, struct xcache *c, const char *name, int64_t v)
{
	int	 rc;

	if (c->set && c->i == v)
		return ERROR_SUCCESS;
	c->set = 0;
	if ((rc = yr_scanner_define_integer_variable(s->ys, name, v)) ==
	    ERROR_SUCCESS) {
		c->i = v;
		c->set = 1;
	}
	return rc;
}

int
scanner_scan(struct scanner *s, const struct event *ev,
    const struct scanctx *x, const void *data, size_t len, uint32_t *hits,
    int maxhits)
{
	YR_SCANNER	*y = s->ys;
	const char	*v;
	int		 f, rc;

	for (f = 0; f < EV_NFIELDS; f++) {
		if (ev_fields[f].yara == NULL)
			continue;
		if (ev_fields[f].ytype == YX_INT)
			rc = set_int(s, &s->xc[f], ev_fields[f].yara,
			    event_int(ev, f));
		else {
			v = f == EV_SRC_IP ? x->src_ip : event_str(ev, f);
			rc = set_str(s, &s->xc[f], ev_fields[f].yara,
			    v != NULL ? v : "");
		}
		if (rc != ERROR_SUCCESS)
			goto bad;
	}
	if (set_str(s, &s->xc[EV_NFIELDS], X_SRC_COUNTRY,
	    x->src_country != NULL ? x->src_country : "") != ERROR_SUCCESS ||
	    yr_scanner_define_integer_variable(y, X_HOUR, x->hour) !=
	    ERROR_SUCCESS ||
	    yr_scanner_define_boolean_variable(y, X_SRC_INTERNAL,
	    x->src_internal) != ERROR_SUCCESS ||
	    yr_scanner_define_boolean_variable(y, X_EXTRATERRITORIAL,
	    x->extraterritorial) != ERROR_SUCCESS ||
	    set_str(s, &s->xc[EV_NFIELDS + 1], X_DEST_COUNTRY,
	    x->dest_country != NULL ? x->dest_country : "") != ERROR_SUCCESS ||
	    yr_scanner_define_boolean_variable(y, X_DEST_INTERNAL,
	    x->dest_internal) != ERROR_SUCCESS ||
	    yr_scanner_define_boolean_variable(y, X_DEST_EXTRATERR,
	    x->dest_extraterritorial) != ERROR_SUCCESS ||
	    yr_scanner_define_boolean_variable(y, X_OUTBOUND_ABROAD,
	    x->outbound_abroad) != ERROR_SUCCESS)
		goto bad;
	s->hits = hits;
	s->nhits = 0;
	s->maxhits = maxhits;
	rc = yr_scanner_scan_mem(y, data, len);
	if (rc != ERROR_SUCCESS) {
		log_warnx("%s: yara scan error %d", __func__, rc);
		return -1;
	}
	return s->nhits;
 bad:
	log_warnx("%s: cannot set external variables", __func__);
	return -1;
}
