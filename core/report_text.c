/*
 * core/report_text.c - render report and incident JSON as text and CSV.
 * Owns nothing; escapes every string so data cannot drive a terminal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report.h"

#define CELL_MAX	256	/* bytes of one escaped table cell */
#define BAR_WIDTH	40

static const char *const total_names[] = { "events", "detections",
    "external", "extraterritorial", "unknown_country", "incidents_opened" };
#define NTOTALS	(sizeof(total_names) / sizeof(total_names[0]))

/* 1 when the code point at s (UTF-8) must be shown escaped. */
static int
must_escape(const unsigned char *s, unsigned int *cp, size_t *len)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		*len = 1;
		return s[0] < 0x20 || s[0] == 0x7f;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((s[0] & 0x1fu) << 6) | (s[1] & 0x3f);
		*len = 2;
		return *cp >= 0x80 && *cp <= 0x9f;	/* C1 controls */
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((s[0] & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) |
		    (s[2] & 0x3f);
		*len = 3;
		/* Bidirectional embeddings, overrides and isolates. */
		return (*cp >= 0x202a && *cp <= 0x202e) ||
		    (*cp >= 0x2066 && *cp <= 0x2069) ||
		    *cp == 0x200e || *cp == 0x200f;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = 0;
		*len = 4;
		return 0;
	}
	*cp = s[0];
	*len = 1;
	return 1;	/* not UTF-8: shown as \xNN */
}

/*
 * The text of the code point at *s, escaped if need be, into out[12];
 * returns its length and advances *s.
 */
static size_t
escape_one(const unsigned char **s, char *out)
{
	unsigned int	 cp;
	size_t		 n;

	if (!must_escape(*s, &cp, &n)) {
		memcpy(out, *s, n);
		*s += n;
		return n;
	}
	*s += n;
	if (n == 1 && cp == '\n')
		return (size_t)snprintf(out, 12, "\\n");
	if (n == 1 && cp == '\t')
		return (size_t)snprintf(out, 12, "\\t");
	if (n == 1 && cp == '\r')
		return (size_t)snprintf(out, 12, "\\r");
	if (n == 1 && cp == 0x1b)
		return (size_t)snprintf(out, 12, "\\e");
	if (n == 1)
		return (size_t)snprintf(out, 12, "\\x%02x", cp);
	return (size_t)snprintf(out, 12, "\\u%04x", cp);
}

void
report_text_escape(const char *s, char *buf, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 one[12];
	size_t			 k = 0, n;

	if (len == 0)
		return;
	while (*u != '\0') {
		n = escape_one(&u, one);
		if (k + n >= len)
			break;
		memcpy(buf + k, one, n);
		k += n;
	}
	buf[k] = '\0';
}

/* Prints s escaped, however long. */
static void
put_escaped(FILE *fp, const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 one[12];
	size_t			 n;

	while (*u != '\0') {
		n = escape_one(&u, one);
		fwrite(one, 1, n, fp);
	}
}

/* Prints s escaped, each of its lines after `indent`. */
static void
put_escaped_lines(FILE *fp, const char *s, const char *indent)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 one[12];
	size_t			 n;

	fputs(indent, fp);
	while (*u != '\0') {
		if (*u == '\n') {
			fputc('\n', fp);
			fputs(indent, fp);
			u++;
			continue;
		}
		n = escape_one(&u, one);
		fwrite(one, 1, n, fp);
	}
	fputc('\n', fp);
}

/* Display width of UTF-8 text, counting one column per code point. */
static size_t
text_width(const char *s)
{
	size_t	 w = 0;

	for (; *s != '\0'; s++)
		if ((*s & 0xc0) != 0x80)
			w++;
	return w;
}

/*
 * The escaped text of a JSON value for a table cell: strings escaped,
 * integers in decimal, null and missing as "-". At most `max` columns,
 * cut with "~" when longer.
 */
static const char *
cell(const json_t *v, size_t max, char *buf)
{
	size_t	 i, w;

	if (json_is_string(v)) {
		if (json_string_length(v) == 0)
			return "-";
		report_text_escape(json_string_value(v), buf, CELL_MAX);
	} else if (json_is_integer(v))
		snprintf(buf, CELL_MAX, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else
		return "-";
	if (max > 0 && text_width(buf) > max) {
		for (i = 0, w = 0; buf[i] != '\0'; i++) {
			if ((buf[i] & 0xc0) != 0x80 && ++w == max)
				break;
		}
		buf[i] = '~';
		buf[i + 1] = '\0';
	}
	return buf;
}

/* Prints s left-aligned in `width` columns, then a separator space. */
static void
put_left(FILE *fp, const char *s, size_t width)
{
	size_t	 w = text_width(s);

	fputs(s, fp);
	for (; w < width; w++)
		fputc(' ', fp);
	fputc(' ', fp);
}

static json_int_t
get_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int
finish(FILE *fp)
{
	if (fflush(fp) == EOF || ferror(fp))
		return -1;
	return 0;
}

static void
print_bar(FILE *fp, json_int_t v, json_int_t max)
{
	json_int_t	 n, i;

	if (max <= 0 || v <= 0)
		return;
	n = v * BAR_WIDTH / max;
	if (n == 0)
		n = 1;
	fputs("  ", fp);
	for (i = 0; i < n; i++)
		fputc('#', fp);
}

/* A name -> count object, in its order (largest first), with bars. */
static void
print_counts(FILE *fp, const char *title, const json_t *obj)
{
	char		 buf[CELL_MAX];
	const char	*k;
	json_t		*v;
	json_int_t	 max = 0;
	size_t		 w = 8, kw;

	fprintf(fp, "\n%s\n", title);
	if (json_object_size(obj) == 0) {
		fputs("  (none)\n", fp);
		return;
	}
	json_object_foreach((json_t *)obj, k, v) {
		report_text_escape(k, buf, 48);
		if ((kw = text_width(buf)) > w)
			w = kw;
		if (json_integer_value(v) > max)
			max = json_integer_value(v);
	}
	json_object_foreach((json_t *)obj, k, v) {
		report_text_escape(k, buf, 48);
		fputs("  ", fp);
		put_left(fp, buf, w);
		fprintf(fp, "%10" JSON_INTEGER_FORMAT, json_integer_value(v));
		print_bar(fp, json_integer_value(v), max);
		fputc('\n', fp);
	}
}

int
report_print_text(FILE *fp, const json_t *day)
{
	static const char *const labels[] = { "events", "detections",
	    "external", "extraterritorial", "unknown country",
	    "incidents opened" };
	const json_t	*totals, *hours, *src, *s;
	char		 b1[CELL_MAX], b2[CELL_MAX];
	json_int_t	 ext, v, max = 0;
	size_t		 i;

	totals = json_object_get(day, "totals");
	cell(json_object_get(day, "day"), 10, b1);
	fprintf(fp, "Vigie report for %s\n\n", b1);
	for (i = 0; i < NTOTALS; i++) {
		v = get_int(totals, total_names[i]);
		fprintf(fp, "  %-24s %12" JSON_INTEGER_FORMAT, labels[i], v);
		ext = get_int(totals, "external");
		if (strcmp(total_names[i], "extraterritorial") == 0 && ext > 0)
			fprintf(fp, "  (%.1f%% of external)",
			    100.0 * (double)v / (double)ext);
		fputc('\n', fp);
	}
	fprintf(fp, "  %-24s %12" JSON_INTEGER_FORMAT "\n", "unique sources",
	    get_int(day, "unique_sources"));
	fprintf(fp, "  %-24s %12" JSON_INTEGER_FORMAT "\n",
	    "unique foreign sources", get_int(day, "unique_foreign_sources"));

	print_counts(fp, "Countries (external detections)",
	    json_object_get(day, "countries"));
	print_counts(fp, "Categories", json_object_get(day, "categories"));
	print_counts(fp, "Rules", json_object_get(day, "rules"));

	fputs("\nHours (external detections)\n", fp);
	hours = json_object_get(day, "hours");
	for (i = 0; i < json_array_size(hours); i++)
		if (json_integer_value(json_array_get(hours, i)) > max)
			max = json_integer_value(json_array_get(hours, i));
	for (i = 0; i < json_array_size(hours); i++) {
		v = json_integer_value(json_array_get(hours, i));
		fprintf(fp, "  %02zu %10" JSON_INTEGER_FORMAT, i, v);
		print_bar(fp, v, max);
		fputc('\n', fp);
	}

	fputs("\nTop sources\n", fp);
	src = json_object_get(day, "top_sources");
	if (json_array_size(src) == 0)
		fputs("  (none)\n", fp);
	else {
		fputs("  ", fp);
		put_left(fp, "IP", 39);
		put_left(fp, "COUNTRY", 7);
		fputs("DETECTIONS\n", fp);
	}
	for (i = 0; i < json_array_size(src); i++) {
		s = json_array_get(src, i);
		fputs("  ", fp);
		put_left(fp, cell(json_object_get(s, "ip"), 39, b1), 39);
		put_left(fp, cell(json_object_get(s, "country"), 7, b2), 7);
		fprintf(fp, "%10" JSON_INTEGER_FORMAT "\n",
		    get_int(s, "detections"));
	}
	return finish(fp);
}

int
report_print_days_text(FILE *fp, const json_t *days)
{
	static const char *const heads[] = { "EVENTS", "DETECTIONS",
	    "EXTERNAL", "EXTRATERR", "UNKNOWN", "INCIDENTS" };
	const json_t	*d, *t;
	char		 b[CELL_MAX];
	size_t		 i, k;

	fprintf(fp, "%-10s", "DAY");
	for (k = 0; k < NTOTALS; k++)
		fprintf(fp, " %11s", heads[k]);
	fprintf(fp, " %9s %9s\n", "SOURCES", "FOREIGN");
	for (i = 0; i < json_array_size(days); i++) {
		d = json_array_get(days, i);
		t = json_object_get(d, "totals");
		fprintf(fp, "%-10s", cell(json_object_get(d, "day"), 10, b));
		for (k = 0; k < NTOTALS; k++)
			fprintf(fp, " %11" JSON_INTEGER_FORMAT,
			    get_int(t, total_names[k]));
		fprintf(fp, " %9" JSON_INTEGER_FORMAT " %9" JSON_INTEGER_FORMAT
		    "\n", get_int(d, "unique_sources"),
		    get_int(d, "unique_foreign_sources"));
	}
	return finish(fp);
}

int
report_print_csv(FILE *fp, const json_t *days)
{
	const json_t	*d, *t, *day;
	size_t		 i, k;

	fputs("day", fp);
	for (k = 0; k < NTOTALS; k++)
		fprintf(fp, ",%s", total_names[k]);
	fputs(",unique_sources,unique_foreign_sources\r\n", fp);
	for (i = 0; i < json_array_size(days); i++) {
		d = json_array_get(days, i);
		t = json_object_get(d, "totals");
		day = json_object_get(d, "day");
		/* The day was checked as YYYY-MM-DD: it needs no quoting. */
		fputs(json_is_string(day) ? json_string_value(day) : "", fp);
		for (k = 0; k < NTOTALS; k++)
			fprintf(fp, ",%" JSON_INTEGER_FORMAT,
			    get_int(t, total_names[k]));
		fprintf(fp, ",%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT
		    "\r\n", get_int(d, "unique_sources"),
		    get_int(d, "unique_foreign_sources"));
	}
	return finish(fp);
}

int
incidents_print_text(FILE *fp, const json_t *list)
{
	static const struct {
		const char	*head;
		const char	*key;
		size_t		 width;
	} cols[] = {
		{ "ID", "id", 6 },
		{ "STATUS", "status", 12 },
		{ "SEVERITY", "severity", 8 },
		{ "RULE", "rule", 28 },
		{ "GROUP", "group", 28 },
		{ "CC", "country", 3 },
		{ "COUNT", "count", 7 },
		{ "FIRST SEEN", "first_seen", 20 },
		{ "LAST SEEN", "last_seen", 20 },
	};
	const json_t	*inc;
	char		 b[CELL_MAX];
	size_t		 i, k, ncols = sizeof(cols) / sizeof(cols[0]);

	if (json_array_size(list) == 0) {
		fputs("no incidents\n", fp);
		return finish(fp);
	}
	for (k = 0; k < ncols; k++)
		put_left(fp, cols[k].head, cols[k].width);
	fputc('\n', fp);
	for (i = 0; i < json_array_size(list); i++) {
		inc = json_array_get(list, i);
		for (k = 0; k < ncols; k++)
			put_left(fp, cell(json_object_get(inc, cols[k].key),
			    cols[k].width, b), cols[k].width);
		fputc('\n', fp);
	}
	return finish(fp);
}

int
incident_print_text(FILE *fp, const json_t *inc)
{
	static const char *const fields[] = { "status", "rule", "category",
	    "severity", "group_by", "group", "src_ip", "country", "sensor",
	    "count", "first_seen", "last_seen" };
	/* Shown when set: who changed it, and when. */
	static const char *const changes[] = { "acknowledged_by",
	    "acknowledged_at", "closed_by", "closed_at" };
	static const char *const evf[] = { "sensor", "src_ip", "action",
	    "user" };
	const json_t	*ev, *e, *notes, *t;
	char		 b[CELL_MAX];
	size_t		 i, k;

	fprintf(fp, "Incident %s\n", cell(json_object_get(inc, "id"), 0, b));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		fprintf(fp, "  %-15s %s\n", fields[i],
		    cell(json_object_get(inc, fields[i]), 0, b));
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if ((e = json_object_get(inc, changes[i])) != NULL &&
		    !json_is_null(e))
			fprintf(fp, "  %-15s %s\n", changes[i], cell(e, 0, b));

	notes = json_object_get(inc, "notes");
	fprintf(fp, "\nNotes (%zu, oldest first)\n", json_array_size(notes));
	for (i = 0; i < json_array_size(notes); i++) {
		e = json_array_get(notes, i);
		if (json_is_string(json_object_get(e, "raw"))) {
			fputs("  (unparsed) ", fp);
			put_escaped(fp, json_string_value(
			    json_object_get(e, "raw")));
			fputc('\n', fp);
			continue;
		}
		fprintf(fp, "  %s", cell(json_object_get(e, "time"), 0, b));
		fprintf(fp, "  %s", cell(json_object_get(e, "change"), 0, b));
		fprintf(fp, " by %s\n", cell(json_object_get(e, "by"), 0, b));
		t = json_object_get(e, "text");
		if (json_is_string(t) && json_string_length(t) > 0)
			put_escaped_lines(fp, json_string_value(t), "      ");
	}

	ev = json_object_get(inc, "evidence");
	fprintf(fp, "\nEvidence (%zu, newest first)\n", json_array_size(ev));
	for (i = 0; i < json_array_size(ev); i++) {
		e = json_array_get(ev, i);
		fprintf(fp, "  %s", cell(json_object_get(e, "time"), 0, b));
		for (k = 0; k < sizeof(evf) / sizeof(evf[0]); k++)
			if (json_object_get(e, evf[k]) != NULL)
				fprintf(fp, "  %s=%s", evf[k],
				    cell(json_object_get(e, evf[k]), 0, b));
		fputc('\n', fp);
		if (json_is_string(json_object_get(e, "line"))) {
			fputs("      ", fp);
			put_escaped(fp, json_string_value(
			    json_object_get(e, "line")));
			fputc('\n', fp);
		}
		if (json_is_string(json_object_get(e, "raw"))) {
			fputs("      (unparsed) ", fp);
			put_escaped(fp, json_string_value(
			    json_object_get(e, "raw")));
			fputc('\n', fp);
		}
	}
	return finish(fp);
}
