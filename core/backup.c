/*
 * core/backup.c - write and read the backup file format (backup.h).
 * Owns the reader's buffers. Calls core/cksum.c; no Redis.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "cksum.h"

#define MAGIC_LEN	(sizeof(BACKUP_MAGIC) - 1)

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
le64(unsigned char *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int
w_put(struct backup_w *w, const void *p, size_t len)
{
	if (len == 0)
		return 0;
	if (fwrite(p, 1, len, w->fp) != len) {
		w->err = errno != 0 ? errno : EIO;
		errno = w->err;
		return -1;
	}
	w->sum = cksum_update(w->sum, p, len);
	w->bytes += len;
	return 0;
}

/* One record: type and length, then the body in up to three pieces. */
static int
w_record(struct backup_w *w, int type, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen)
{
	unsigned char	 head[5];
	uint64_t	 total = (uint64_t)alen + blen + clen;

	if (total > UINT32_MAX) {
		errno = EFBIG;
		return -1;
	}
	head[0] = (unsigned char)type;
	le32(head + 1, (uint32_t)total);
	return w_put(w, head, sizeof(head)) == -1 || w_put(w, a, alen) == -1 ||
	    w_put(w, b, blen) == -1 || w_put(w, c, clen) == -1 ? -1 : 0;
}

int
backup_w_open(struct backup_w *w, FILE *fp, const char *header)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
	if (strlen(header) > BACKUP_HEADER_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (fwrite(BACKUP_MAGIC, 1, MAGIC_LEN, fp) != MAGIC_LEN)
		return -1;
	w->bytes = MAGIC_LEN;
	return w_record(w, 'H', header, strlen(header), NULL, 0, NULL, 0);
}

int
backup_w_key(struct backup_w *w, const char *name, size_t namelen,
    uint64_t expire_ms, const void *payload, size_t len)
{
	unsigned char	 a[12], b[4];

	if (namelen > BACKUP_KEY_MAX || len > BACKUP_PAYLOAD_MAX) {
		errno = EFBIG;
		return -1;
	}
	le64(a, expire_ms);
	le32(a + 8, (uint32_t)namelen);
	le32(b, (uint32_t)len);
	if (w_record(w, 'K', a, sizeof(a), name, namelen, b, sizeof(b)) == -1)
		return -1;
	/* The payload is the record's tail: written apart, summed with it. */
	if (w_put(w, payload, len) == -1)
		return -1;
	w->keys++;
	return 0;
}

int
backup_w_close(struct backup_w *w)
{
	unsigned char	 body[16];

	le64(body, w->keys);
	le64(body + 8, w->sum);
	return w_record(w, 'E', body, sizeof(body), NULL, 0, NULL, 0);
}

/* ---- reading ---- */

static int
r_fail(struct backup_r *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
r_fail(struct backup_r *r, const char *fmt, ...)
{
	char	 msg[160];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->why, sizeof(r->why), "%s: byte %" PRIu64 ": %s", r->path,
	    r->off, msg);
	return -1;
}

/* Exactly len bytes, or -1 naming what was being read. */
static int
r_get(struct backup_r *r, void *p, size_t len, const char *what)
{
	size_t	 got;

	if (len == 0)
		return 0;
	got = fread(p, 1, len, r->fp);
	if (got != len) {
		if (ferror(r->fp))
			return r_fail(r, "read error in %s: %s", what,
			    strerror(errno));
		r->off += got;
		return r_fail(r, "truncated: the file ends inside %s", what);
	}
	r->off += len;
	return 0;
}

/* A record's type and length: summed, like its body. */
static int
r_head(struct backup_r *r, int *type, uint32_t *len)
{
	unsigned char	 head[5];

	if (r_get(r, head, sizeof(head), "a record header") == -1)
		return -1;
	*type = head[0];
	*len = get32(head + 1);
	return 0;
}

int
backup_r_open(struct backup_r *r, FILE *fp, const char *path)
{
	char		 magic[MAGIC_LEN];
	unsigned char	 head[5];
	uint32_t	 len;

	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->path = path;
	if (fread(magic, 1, MAGIC_LEN, fp) != MAGIC_LEN ||
	    memcmp(magic, BACKUP_MAGIC, MAGIC_LEN) != 0) {
		if (memcmp(magic, "VIGIE-BACKUP ", 13) == 0)
			return r_fail(r, "a backup of another format version "
			    "(this vigie reads version 1)");
		return r_fail(r, "not a Vigie backup (no \"VIGIE-BACKUP 1\" "
		    "at its start)");
	}
	r->off = MAGIC_LEN;
	if (r_get(r, head, sizeof(head), "the header record") == -1)
		return -1;
	len = get32(head + 1);
	if (head[0] != 'H')
		return r_fail(r, "the first record is not the header");
	if (len > BACKUP_HEADER_MAX)
		return r_fail(r, "a header of %" PRIu32 " bytes (at most %u)",
		    len, BACKUP_HEADER_MAX);
	if ((r->header = malloc((size_t)len + 1)) == NULL)
		return r_fail(r, "out of memory");
	if (r_get(r, r->header, len, "the header record") == -1)
		return -1;
	r->header[len] = '\0';
	if (memchr(r->header, '\0', len) != NULL)
		return r_fail(r, "a NUL byte in the header");
	r->sum = cksum_update(0, head, sizeof(head));
	r->sum = cksum_update(r->sum, r->header, len);
	return 0;
}

/* Grows *buf to hold len + 1 bytes; *cap is its size. */
static int
r_room(struct backup_r *r, unsigned char **buf, size_t *cap, size_t len)
{
	unsigned char	*nb;

	if (len + 1 <= *cap)
		return 0;
	if ((nb = realloc(*buf, len + 1)) == NULL)
		return r_fail(r, "out of memory for %zu bytes", len);
	*buf = nb;
	*cap = len + 1;
	return 0;
}

int
backup_r_next(struct backup_r *r)
{
	unsigned char	 head[5], a[12], b[4], end[16];
	uint64_t	 sum;
	uint32_t	 len, namelen, plen;
	int		 type;

	if (r->done)
		return 0;
	if (r_head(r, &type, &len) == -1)
		return -1;
	head[0] = (unsigned char)type;
	le32(head + 1, len);
	if (type == 'E') {
		if (len != sizeof(end))
			return r_fail(r, "an end record of %" PRIu32
			    " bytes (16 expected)", len);
		if (r_get(r, end, sizeof(end), "the end record") == -1)
			return -1;
		if (get64(end) != r->keys)
			return r_fail(r, "the end record counts %" PRIu64
			    " keys, the file holds %" PRIu64, get64(end),
			    r->keys);
		if (get64(end + 8) != r->sum)
			return r_fail(r, "checksum mismatch: the file was "
			    "changed or damaged after it was written");
		if (fgetc(r->fp) != EOF)
			return r_fail(r, "bytes after the end record");
		r->done = 1;
		return 0;
	}
	if (type != 'K')
		return r_fail(r, "unknown record type 0x%02x", type);
	if (r_get(r, a, sizeof(a), "a key record") == -1)
		return -1;
	namelen = get32(a + 8);
	if (namelen == 0 || namelen > BACKUP_KEY_MAX ||
	    (uint64_t)namelen + sizeof(a) + sizeof(b) != len)
		return r_fail(r, "a key record whose lengths disagree (name "
		    "%" PRIu32 " bytes, record %" PRIu32 ")", namelen, len);
	if (r_room(r, (unsigned char **)&r->name, &r->namecap, namelen) == -1 ||
	    r_get(r, r->name, namelen, "a key name") == -1 ||
	    r_get(r, b, sizeof(b), "a key record") == -1)
		return -1;
	r->name[namelen] = '\0';
	r->namelen = namelen;
	plen = get32(b);
	if (plen > BACKUP_PAYLOAD_MAX)
		return r_fail(r, "key %s: a value of %" PRIu32 " bytes (at "
		    "most %u)", r->name, plen, BACKUP_PAYLOAD_MAX);
	if (r_room(r, &r->payload, &r->paycap, plen) == -1 ||
	    r_get(r, r->payload, plen, "a key's value") == -1)
		return -1;
	r->len = plen;
	r->expire_ms = get64(a);
	sum = cksum_update(r->sum, head, sizeof(head));
	sum = cksum_update(sum, a, sizeof(a));
	sum = cksum_update(sum, r->name, namelen);
	sum = cksum_update(sum, b, sizeof(b));
	if (plen > 0)
		sum = cksum_update(sum, r->payload, plen);
	r->sum = sum;
	r->keys++;
	return 1;
}

void
backup_r_free(struct backup_r *r)
{
	free(r->name);
	free(r->payload);
	free(r->header);
	r->name = NULL;
	r->payload = NULL;
	r->header = NULL;
}

const char *
backup_header_get(const char *header, const char *name, char *buf, size_t len)
{
	const char	*p = header, *e;
	size_t		 n = strlen(name), vl;

	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == ' ') {
			vl = (size_t)(e - p) - n - 1;
			if (vl >= len)
				return NULL;
			memcpy(buf, p + n + 1, vl);
			buf[vl] = '\0';
			return buf;
		}
		p = *e == '\n' ? e + 1 : e;
	}
	return NULL;
}
