/*
 * core/event_json.c - events to JSON and back, and to escaped text.
 * Owns nothing past a call. Calls jansson, core/event.c, core/text.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "event_json.h"
#include "text.h"

#define B64_SUFFIX	"_b64"
#define KEY_MAX		64		/* a field's name and its suffix */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* EVE carries the payload as base64 whatever its bytes. */
static int
always_b64(int f)
{
	return f == EV_PAYLOAD;
}

/* Base64 of src into a new NUL-terminated buffer (caller frees), or NULL. */
static char *
b64_encode(const unsigned char *src, size_t len, size_t *outlen)
{
	char	*out, *o;
	size_t	 i;
	uint32_t v;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 2)
		return NULL;
	if ((out = malloc((len + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 |
		    src[i + 2];
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		*o++ = b64_alphabet[v & 63];
	}
	if (i < len) {
		v = (uint32_t)src[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)src[i + 1] << 8;
		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

static int
b64_value(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(b64_alphabet, c)) == NULL)
		return -1;
	return (int)(p - b64_alphabet);
}

/*
 * Decodes canonical base64 (padded, nothing else, unused bits zero) into
 * dst, which holds len / 4 * 3 bytes. Returns the length or -1.
 */
static long
b64_decode(const char *src, size_t len, unsigned char *dst)
{
	size_t	 i, o = 0, pad = 0;
	uint32_t v = 0;
	int	 k, d;

	if (len % 4 != 0)
		return -1;
	if (len > 0 && src[len - 1] == '=')
		pad = src[len - 2] == '=' ? 2 : 1;
	for (i = 0; i < len; i += 4) {
		v = 0;
		for (k = 0; k < 4; k++) {
			if (i + k >= len - pad)
				d = 0;
			else if ((d = b64_value(src[i + k])) == -1)
				return -1;
			v = v << 6 | (uint32_t)d;
		}
		dst[o++] = (unsigned char)(v >> 16);
		if (i + 4 < len || pad < 2)
			dst[o++] = (unsigned char)(v >> 8);
		if (i + 4 < len || pad < 1)
			dst[o++] = (unsigned char)v;
	}
	/* The bits the padding leaves over are zero: one spelling only. */
	if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0))
		return -1;
	return (long)o;
}

/* Sets key to a base64 string of v. Returns 0 or -1 (no memory). */
static int
set_b64(json_t *o, const char *key, const char *v, size_t len)
{
	char	*b;
	size_t	 blen;
	int	 rc;

	if ((b = b64_encode((const unsigned char *)v, len, &blen)) == NULL)
		return -1;
	rc = json_object_set_new(o, key, json_stringn(b, blen));
	free(b);
	return rc;
}

json_t *
event_json_encode(const struct event *ev, const char *id)
{
	json_t		*o, *s;
	int64_t		 n;
	char		 key[KEY_MAX];
	const char	*v;
	size_t		 len;
	int		 f;

	if ((o = json_object()) == NULL)
		return NULL;
	if (json_object_set_new(o, "id", json_string(id)) == -1)
		goto fail;
	for (f = 0; f < EV_NFIELDS; f++) {
		v = ev->f[f].v;
		if ((len = ev->f[f].len) == 0)
			continue;
		if (always_b64(f)) {
			if (set_b64(o, ev_fields[f].name, v, len) == -1)
				goto fail;
			continue;
		}
		if (ev_fields[f].type == FT_INT &&
		    event_parse_int(v, len, 1, &n) == 0) {
			if (json_object_set_new(o, ev_fields[f].name,
			    json_integer(n)) == -1)
				goto fail;
			continue;
		}
		if (text_utf8_valid(v, len) &&
		    (s = json_stringn(v, len)) != NULL) {
			if (json_object_set_new(o, ev_fields[f].name, s) == -1)
				goto fail;
			continue;
		}
		(void)snprintf(key, sizeof(key), "%s" B64_SUFFIX,
		    ev_fields[f].name);
		if (set_b64(o, key, v, len) == -1)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* The field a key names, and whether its value is base64; -1: none. */
static int
key_field(const char *key, int *b64)
{
	char	 name[KEY_MAX];
	size_t	 n = strlen(key), sl = strlen(B64_SUFFIX);
	int	 f;

	*b64 = 0;
	if ((f = ev_field_lookup(key)) != -1) {
		*b64 = always_b64(f);
		return f;
	}
	if (n <= sl || n - sl >= sizeof(name) ||
	    strcmp(key + n - sl, B64_SUFFIX) != 0)
		return -1;
	memcpy(name, key, n - sl);
	name[n - sl] = '\0';
	if ((f = ev_field_lookup(name)) == -1)
		return -1;
	*b64 = 1;
	return f;
}

int
event_json_decode(const json_t *o, struct event *ev, char **store,
    char *err, size_t errlen)
{
	const char	*key;
	json_t		*val;
	char		*buf = NULL, *p;
	size_t		 need = 0, len;
	long		 dl;
	int		 f, b64;

	*store = NULL;
	event_clear(ev);
	if (!json_is_object(o)) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	/* First the keys checked, and the room their values need. */
	json_object_foreach((json_t *)o, key, val) {
		if (strcmp(key, "id") == 0)
			continue;
		if ((f = key_field(key, &b64)) == -1) {
			snprintf(err, errlen, "%s: unknown field", key);
			goto fail;
		}
		if (json_is_string(val))
			need += json_string_length(val) + 1;
		else if (json_is_integer(val) && !b64 &&
		    ev_fields[f].type == FT_INT)
			need += 24;
		else {
			snprintf(err, errlen, "%s: not a %s", key, b64 ?
			    "base64 string" : ev_fields[f].type == FT_INT ?
			    "string or integer" : "string");
			goto fail;
		}
		if (ev->f[f].v != NULL) {
			snprintf(err, errlen, "%s: field given twice", key);
			goto fail;
		}
		ev->f[f].v = "";	/* seen; set below */
	}
	if ((buf = malloc(need + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	event_clear(ev);
	p = buf;
	json_object_foreach((json_t *)o, key, val) {
		if (strcmp(key, "id") == 0)
			continue;
		f = key_field(key, &b64);
		if (json_is_integer(val))
			len = (size_t)snprintf(p, 24, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(val));
		else if (b64) {
			if ((dl = b64_decode(json_string_value(val),
			    json_string_length(val), (unsigned char *)p)) < 0) {
				snprintf(err, errlen, "%s: bad base64", key);
				goto fail;
			}
			len = (size_t)dl;
		} else {
			len = json_string_length(val);
			memcpy(p, json_string_value(val), len);
		}
		p[len] = '\0';
		ev->f[f].v = p;
		ev->f[f].len = len;
		p += len + 1;
	}
	*store = buf;
	return 0;
fail:
	free(buf);
	event_clear(ev);
	return -1;
}

/* ---- text ---- */

/* Whether the valid n-byte character at s could fool a terminal or reader. */
static int
char_unsafe(const unsigned char *s, size_t n)
{
	uint32_t	 cp;

	if (n == 2) {
		cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return cp <= 0x9f;			/* C1 controls */
	}
	if (n != 3)
		return 0;
	cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
	    (s[2] & 0x3f);
	return (cp >= 0x2028 && cp <= 0x202e) ||	/* separators, bidi */
	    (cp >= 0x2066 && cp <= 0x2069);		/* bidi isolates */
}

static int
value_bare(const char *v, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (v[i] <= ' ' || v[i] >= 0x7f || v[i] == '"' || v[i] == '\\')
			return 0;
	return len > 0;
}

/* Stdio keeps the first write error: checked once, by ferror(). */
int
event_text_value(FILE *fp, const char *v, size_t len)
{
	const unsigned char	*s = (const unsigned char *)v;
	size_t			 i, n, k;

	if (value_bare(v, len))
		return fwrite(v, 1, len, fp) == len ? 0 : -1;
	putc('"', fp);
	for (i = 0; i < len; i += n) {
		n = 1;
		switch (s[i]) {
		case '"':	fputs("\\\"", fp); continue;
		case '\\':	fputs("\\\\", fp); continue;
		case '\t':	fputs("\\t", fp); continue;
		case '\n':	fputs("\\n", fp); continue;
		case '\r':	fputs("\\r", fp); continue;
		case 0x1b:	fputs("\\e", fp); continue;
		}
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			putc(s[i], fp);
			continue;
		}
		if (s[i] >= 0x80 && (n = text_utf8_char(v + i, len - i)) > 0 &&
		    !char_unsafe(s + i, n)) {
			fwrite(s + i, 1, n, fp);
			continue;
		}
		if (n == 0)
			n = 1;
		for (k = 0; k < n; k++)
			fprintf(fp, "\\x%02x", s[i + k]);
	}
	putc('"', fp);
	return ferror(fp) ? -1 : 0;
}

int
event_text_print(FILE *fp, const struct event *ev, const char *id)
{
	int	 f;

	fputs(id, fp);
	for (f = 0; f < EV_NFIELDS; f++) {
		if (ev->f[f].len == 0)
			continue;
		fprintf(fp, " %s=", ev_fields[f].name);
		if (event_text_value(fp, ev->f[f].v, ev->f[f].len) == -1)
			return -1;
	}
	putc('\n', fp);
	return ferror(fp) ? -1 : 0;
}
