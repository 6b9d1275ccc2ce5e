/*
 * collector/spool.c - the spool's segment files, records and index.
 * Owns the segment file descriptors and the in-memory index of frames.
 * Calls core/log.c.
 *
 * A segment is "<16 hex digits>.spool", a run of records:
 *   u32 magic "VSP1" | u32 type | u32 body length | u32 checksum of body
 * type 1, a frame: u64 id ms, u64 id seq, u32 events, u16 checkpoints,
 *   the checkpoints, u32 frame length, the frame bytes.
 * type 2, a snapshot (first record of every segment): u64 last id ms,
 *   u64 seq, u16 checkpoints, the checkpoints.
 * A checkpoint: u64 dev, u64 ino, u64 offset, u8 flags, u16 path length,
 *   the path; flags bit 0: skipping the rest of a long line; bit 1: an
 *   extension follows the path: u64 head hash, u16 head length, u16
 *   cursor length, the cursor (written only when head length or cursor
 *   is set, so a spool of the first format reads the same).
 *   Integers are little endian.
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cksum.h"
#include "log.h"
#include "spool.h"

#define REC_MAGIC	0x31505356u	/* "VSP1" */
#define REC_FRAME	1
#define REC_SNAP	2
#define REC_HDR		16
#define SEG_MAX		(32u << 20)	/* a new segment past this size */
#define BODY_MAX	(80u << 20)	/* frame-bytes is at most 64 MiB */
#define CURSOR_MAX	4096

/*
 * The record checksum (core/cksum.c), folded to 32 bits. It catches torn
 * and garbled writes at memory speed (a table CRC-32 cost a third of the
 * collector's CPU).
 */
#define sum_update	cksum_update

static uint32_t
sum_fold(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

/* ---- little-endian buffers ---- */

struct wbuf {
	unsigned char	*p;
	size_t		 len, cap;
	int		 oom;
};

static void
w_bytes(struct wbuf *w, const void *s, size_t n)
{
	if (w->len + n > w->cap) {
		size_t		 nc = w->cap ? w->cap : 256;
		unsigned char	*np;

		while (nc < w->len + n)
			nc *= 2;
		if ((np = realloc(w->p, nc)) == NULL) {
			w->oom = 1;
			return;
		}
		w->p = np;
		w->cap = nc;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void
w_uint(struct wbuf *w, uint64_t v, int n)
{
	unsigned char	 b[8];
	int		 i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	w_bytes(w, b, (size_t)n);
}

static int
r_uint(const unsigned char **p, const unsigned char *end, int n, uint64_t *v)
{
	int	 i;

	if (end - *p < n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++)
		*v |= (uint64_t)(*p)[i] << (8 * i);
	*p += n;
	return 0;
}

static void
w_cp(struct wbuf *w, const struct spool_cp *cp)
{
	size_t	 n = strlen(cp->path);
	size_t	 cn = cp->cursor != NULL ? strlen(cp->cursor) : 0;
	int	 ext = cp->headlen != 0 || cp->cursor != NULL;

	w_uint(w, cp->dev, 8);
	w_uint(w, cp->ino, 8);
	w_uint(w, cp->off, 8);
	w_uint(w, (uint64_t)(cp->skip != 0) | (uint64_t)ext << 1, 1);
	w_uint(w, n, 2);
	w_bytes(w, cp->path, n);
	if (ext) {
		if (cn > CURSOR_MAX)
			cn = 0;		/* never written: refused by the journal */
		w_uint(w, cp->head, 8);
		w_uint(w, cp->headlen, 2);
		w_uint(w, cn, 2);
		w_bytes(w, cp->cursor != NULL ? cp->cursor : "", cn);
	}
}

/* ---- checkpoints ---- */

const struct spool_cp *
spool_checkpoint(const struct spool *sp, const char *path)
{
	size_t	 i;

	for (i = 0; i < sp->ncps; i++)
		if (strcmp(sp->cps[i].path, path) == 0)
			return &sp->cps[i];
	return NULL;
}

static int
cp_store(struct spool *sp, const struct spool_cp *cp)
{
	struct spool_cp	*t;
	char		*path, *cur = NULL;
	size_t		 i;

	if (cp->cursor != NULL && (cur = strdup(cp->cursor)) == NULL)
		goto oom;
	for (i = 0; i < sp->ncps; i++)
		if (strcmp(sp->cps[i].path, cp->path) == 0) {
			path = (char *)sp->cps[i].path;
			free((char *)sp->cps[i].cursor);
			sp->cps[i] = *cp;
			sp->cps[i].path = path;
			sp->cps[i].cursor = cur;
			return 0;
		}
	if ((path = strdup(cp->path)) == NULL ||
	    (t = realloc(sp->cps, (sp->ncps + 1) * sizeof(*t))) == NULL) {
		free(path);
		goto oom;
	}
	sp->cps = t;
	sp->cps[sp->ncps] = *cp;
	sp->cps[sp->ncps].cursor = cur;
	sp->cps[sp->ncps++].path = path;
	return 0;
 oom:
	free(cur);
	log_warnx("%s: out of memory", __func__);
	return -1;
}

/*
 * Reads n checkpoints of a record into the table (only checks them
 * unless `store`). 0 or -1 (malformed).
 */
static int
cps_read(struct spool *sp, const unsigned char **p, const unsigned char *end,
    uint64_t n, int store)
{
	struct spool_cp	 cp;
	uint64_t	 flags, plen, hl, cl;
	char		 path[PATH_MAX], cur[CURSOR_MAX + 1];

	while (n--) {
		memset(&cp, 0, sizeof(cp));
		if (r_uint(p, end, 8, &cp.dev) == -1 ||
		    r_uint(p, end, 8, &cp.ino) == -1 ||
		    r_uint(p, end, 8, &cp.off) == -1 ||
		    r_uint(p, end, 1, &flags) == -1 ||
		    r_uint(p, end, 2, &plen) == -1 || plen == 0 ||
		    plen >= sizeof(path) || (uint64_t)(end - *p) < plen)
			return -1;
		memcpy(path, *p, plen);
		path[plen] = '\0';
		*p += plen;
		cp.skip = (flags & 1) != 0;
		cp.path = path;
		if (flags & 2) {
			if (r_uint(p, end, 8, &cp.head) == -1 ||
			    r_uint(p, end, 2, &hl) == -1 ||
			    r_uint(p, end, 2, &cl) == -1 || cl > CURSOR_MAX ||
			    (uint64_t)(end - *p) < cl)
				return -1;
			cp.headlen = (uint32_t)hl;
			if (cl > 0) {
				memcpy(cur, *p, cl);
				cur[cl] = '\0';
				cp.cursor = cur;
			}
			*p += cl;
		}
		if (store && cp_store(sp, &cp) == -1)
			return -1;
	}
	return 0;
}

/* ---- segments ---- */

static int
seg_path(const struct spool *sp, uint64_t no, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%016" PRIx64 ".spool", sp->dir, no) >=
	    len) {
		log_warnx("%s: path too long", sp->dir);
		return -1;
	}
	return 0;
}

static int
frame_index(struct spool *sp, struct streamid id, size_t seg, uint64_t off,
    uint32_t len, uint32_t nevents)
{
	struct spool_frame	*f;

	if (sp->nframes == sp->capframes) {
		size_t	 nc = sp->capframes ? sp->capframes * 2 : 1024;

		if ((f = realloc(sp->frames, nc * sizeof(*f))) == NULL) {
			log_warnx("%s: out of memory", __func__);
			return -1;
		}
		sp->frames = f;
		sp->capframes = nc;
	}
	f = &sp->frames[sp->nframes++];
	f->id = id;
	f->seg = seg;
	f->off = off;
	f->len = len;
	f->nevents = nevents;
	return 0;
}

/* Segments are small beside the limit, so that trimming frees space. */
static uint64_t
seg_max(const struct spool *sp)
{
	uint64_t	 m = sp->max_bytes / 8;

	return m < SEG_MAX ? m : SEG_MAX;
}

/* Writes one record (header, body, optional tail bytes) at the end. */
static int
rec_write(struct spool *sp, uint32_t type, const struct wbuf *body,
    const void *tail, size_t tail_len)
{
	struct spool_seg	*s = &sp->segs[sp->nsegs - 1];
	struct wbuf		 hb = { 0 };
	struct iovec		 iov[3];
	uint64_t		 h;
	size_t			 total;
	ssize_t			 n;
	int			 niov = 2;

	h = sum_update(0, body->p, body->len);
	if (tail_len)
		h = sum_update(h, tail, tail_len);
	w_uint(&hb, REC_MAGIC, 4);
	w_uint(&hb, type, 4);
	w_uint(&hb, body->len + tail_len, 4);
	w_uint(&hb, sum_fold(h), 4);
	if (hb.oom) {
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	iov[0].iov_base = hb.p;
	iov[0].iov_len = hb.len;
	iov[1].iov_base = body->p;
	iov[1].iov_len = body->len;
	if (tail_len) {
		iov[2].iov_base = (void *)tail;
		iov[2].iov_len = tail_len;
		niov = 3;
	}
	total = hb.len + body->len + tail_len;
	do
		n = pwritev(s->fd, iov, niov, (off_t)s->size);
	while (n == -1 && errno == EINTR);
	free(hb.p);
	if (n != (ssize_t)total) {
		if (n >= 0)
			errno = ENOSPC;
		log_warn("spool %s: segment %016" PRIx64, sp->dir, s->no);
		/* A short write is cut off: the next record starts clean. */
		if (ftruncate(s->fd, (off_t)s->size) == -1)
			log_warn("spool %s: ftruncate", sp->dir);
		return -1;
	}
	s->size += total;
	sp->bytes += total;
	sp->dirty = 1;
	return 0;
}

/* Starts segment `no`, its first record a snapshot. 0 or -1. */
static int
seg_new(struct spool *sp, uint64_t no)
{
	struct spool_seg	*t;
	struct wbuf		 b = { 0 };
	char			 path[PATH_MAX];
	size_t			 i;
	int			 fd, rc;

	if (seg_path(sp, no, path, sizeof(path)) == -1)
		return -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) ==
	    -1) {
		log_warn("spool %s", path);
		return -1;
	}
	if ((t = realloc(sp->segs, (sp->nsegs + 1) * sizeof(*t))) == NULL) {
		close(fd);
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	sp->segs = t;
	t = &sp->segs[sp->nsegs++];
	t->no = no;
	t->fd = fd;
	t->size = 0;
	t->done_at = 0;
	w_uint(&b, sp->last.ms, 8);
	w_uint(&b, sp->last.seq, 8);
	w_uint(&b, sp->ncps, 2);
	for (i = 0; i < sp->ncps; i++)
		w_cp(&b, &sp->cps[i]);
	rc = b.oom ? -1 : rec_write(sp, REC_SNAP, &b, NULL, 0);
	free(b.p);
	/* The new name must survive a crash before its first sync. */
	if (rc == 0) {
		int	 dfd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd == -1 || fsync(dfd) == -1)
			log_warn("spool %s: fsync", sp->dir);
		if (dfd != -1)
			close(dfd);
	}
	return rc;
}

/*
 * Reads segment `s` (already in segs) record by record. A bad record in
 * the last segment is a torn write: cut. Elsewhere the rest is skipped.
 */
static int
seg_load(struct spool *sp, size_t si, int last)
{
	struct spool_seg	*s = &sp->segs[si];
	unsigned char		 hdr[REC_HDR], *body = NULL;
	const unsigned char	*p, *end;
	uint64_t		 off = 0, magic, type, len, crc, a, b, n, ne;
	struct streamid		 id;
	struct stat		 st;
	const char		*why = NULL;
	int			 rc = 0;

	if (fstat(s->fd, &st) == -1) {
		log_warn("spool %s: segment %016" PRIx64, sp->dir, s->no);
		return -1;
	}
	while (off < (uint64_t)st.st_size) {
		ssize_t	 got;

		p = hdr;
		if ((got = pread(s->fd, hdr, REC_HDR, (off_t)off)) != REC_HDR) {
			why = "truncated record header";
			break;
		}
		r_uint(&p, hdr + REC_HDR, 4, &magic);
		r_uint(&p, hdr + REC_HDR, 4, &type);
		r_uint(&p, hdr + REC_HDR, 4, &len);
		r_uint(&p, hdr + REC_HDR, 4, &crc);
		if (magic != REC_MAGIC || len > BODY_MAX ||
		    (type != REC_FRAME && type != REC_SNAP)) {
			why = "bad record header";
			break;
		}
		if (off + REC_HDR + len > (uint64_t)st.st_size) {
			why = "truncated record";
			break;
		}
		free(body);
		if ((body = malloc(len ? len : 1)) == NULL) {
			log_warnx("%s: out of memory", __func__);
			return -1;
		}
		if (pread(s->fd, body, len, (off_t)(off + REC_HDR)) !=
		    (ssize_t)len) {
			why = "unreadable record";
			break;
		}
		p = body;
		end = body + len;
		if (r_uint(&p, end, 8, &a) == -1 || r_uint(&p, end, 8, &b) == -1) {
			why = "malformed record";
			break;
		}
		id.ms = a;
		id.seq = b;
		if (type == REC_SNAP) {
			if (sum_fold(sum_update(0, body, len)) != (uint32_t)crc) {
				why = "checksum mismatch";
				break;
			}
			if (r_uint(&p, end, 2, &n) == -1 ||
			    cps_read(sp, &p, end, n, 1) == -1) {
				why = "malformed snapshot";
				break;
			}
		} else {
			const unsigned char *cps;

			if (r_uint(&p, end, 4, &ne) == -1 ||
			    r_uint(&p, end, 2, &n) == -1 ||
			    (cps = p, cps_read(sp, &p, end, n, 0)) == -1 ||
			    r_uint(&p, end, 4, &len) == -1 ||
			    (uint64_t)(end - p) != len) {
				why = "malformed frame record";
				break;
			}
			/* Summed as written: the record's head, then the frame. */
			if (sum_fold(sum_update(sum_update(0, body,
			    (size_t)(p - body)), p, len)) != (uint32_t)crc) {
				why = "checksum mismatch";
				break;
			}
			if (cps_read(sp, &cps, end, n, 1) == -1) {
				rc = -1;
				break;
			}
			if (frame_index(sp, id, si, off + REC_HDR +
			    (uint64_t)(p - body), (uint32_t)len, (uint32_t)ne) ==
			    -1) {
				rc = -1;
				break;
			}
		}
		if (streamid_cmp(id, sp->last) > 0)
			sp->last = id;
		off += REC_HDR + (uint64_t)(end - body);
	}
	free(body);
	if (why != NULL) {
		if (last) {
			log_warnx("spool %s: segment %016" PRIx64 ": %s at byte "
			    "%" PRIu64 " (a write cut short): cut there", sp->dir,
			    s->no, why, off);
			if (ftruncate(s->fd, (off_t)off) == -1) {
				log_warn("spool %s: ftruncate", sp->dir);
				return -1;
			}
		} else
			log_warnx("spool %s: segment %016" PRIx64 ": %s at byte "
			    "%" PRIu64 "; the rest of this segment is skipped",
			    sp->dir, s->no, why, off);
	}
	s->size = off;
	sp->bytes += off;
	return rc;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
spool_open(struct spool *sp, const char *dir, uint64_t max_bytes, int keep)
{
	struct dirent	*de;
	DIR		*d;
	uint64_t	*nos = NULL, no;
	size_t		 n = 0, i;
	char		 path[PATH_MAX], *end;
	int		 fd;

	memset(sp, 0, sizeof(*sp));
	sp->max_bytes = max_bytes;
	sp->keep = keep;
	if ((sp->dir = strdup(dir)) == NULL)
		return -1;
	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		log_warn("spool %s", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		log_warn("spool %s", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		uint64_t	*t;

		if (strlen(de->d_name) != 22 ||
		    strcmp(de->d_name + 16, ".spool") != 0)
			continue;
		errno = 0;
		no = strtoull(de->d_name, &end, 16);
		if (errno != 0 || end != de->d_name + 16)
			continue;
		if ((t = realloc(nos, (n + 1) * sizeof(*t))) == NULL) {
			closedir(d);
			free(nos);
			return -1;
		}
		nos = t;
		nos[n++] = no;
	}
	closedir(d);
	if (n > 0)
		qsort(nos, n, sizeof(*nos), u64_cmp);
	for (i = 0; i < n; i++) {
		if (seg_path(sp, nos[i], path, sizeof(path)) == -1 ||
		    (fd = open(path, O_RDWR | O_CLOEXEC)) == -1) {
			log_warn("spool %s", path);
			free(nos);
			return -1;
		}
		if ((sp->segs = realloc(sp->segs, (sp->nsegs + 1) *
		    sizeof(*sp->segs))) == NULL) {
			close(fd);
			free(nos);
			return -1;
		}
		sp->segs[sp->nsegs].no = nos[i];
		sp->segs[sp->nsegs].fd = fd;
		sp->segs[sp->nsegs].size = 0;
		sp->segs[sp->nsegs++].done_at = 0;
		if (seg_load(sp, sp->nsegs - 1, i + 1 == n) == -1) {
			free(nos);
			return -1;
		}
	}
	free(nos);
	if (sp->nsegs == 0)
		return seg_new(sp, 1);
	return 0;
}

int
spool_seed(struct spool *sp, struct streamid last, const struct spool_cp *cps,
    size_t ncps)
{
	size_t	 i;

	if (sp->nframes != 0 || sp->nsegs != 1)
		return 0;
	sp->last = last;
	for (i = 0; i < ncps; i++)
		if (cp_store(sp, &cps[i]) == -1)
			return -1;
	/* Rewrite the first segment's snapshot with the seeded state. */
	close(sp->segs[0].fd);
	sp->bytes -= sp->segs[0].size;
	sp->nsegs = 0;
	if (seg_new(sp, 1) == -1 || spool_sync(sp) == -1)
		return -1;
	return 0;
}

void
spool_close(struct spool *sp)
{
	size_t	 i;

	for (i = 0; i < sp->nsegs; i++)
		if (sp->segs[i].fd != -1)
			close(sp->segs[i].fd);
	for (i = 0; i < sp->ncps; i++) {
		free((char *)sp->cps[i].path);
		free((char *)sp->cps[i].cursor);
	}
	free(sp->cps);
	free(sp->segs);
	free(sp->frames);
	free(sp->dir);
	memset(sp, 0, sizeof(*sp));
}

int
spool_append(struct spool *sp, struct streamid id, const struct spool_cp *cp,
    const void *frame, size_t len, uint32_t nevents)
{
	struct wbuf	 b = { 0 };
	uint64_t	 off;
	int		 rc;

	if (sp->segs[sp->nsegs - 1].size >= seg_max(sp) &&
	    seg_new(sp, sp->segs[sp->nsegs - 1].no + 1) == -1)
		return -1;
	if (cp != NULL && cp_store(sp, cp) == -1)
		return -1;
	w_uint(&b, id.ms, 8);
	w_uint(&b, id.seq, 8);
	w_uint(&b, nevents, 4);
	w_uint(&b, cp != NULL, 2);
	if (cp != NULL)
		w_cp(&b, cp);
	w_uint(&b, len, 4);
	if (b.oom) {
		free(b.p);
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	off = sp->segs[sp->nsegs - 1].size + REC_HDR + b.len;
	rc = rec_write(sp, REC_FRAME, &b, frame, len);
	free(b.p);
	if (rc == -1)
		return -1;
	if (streamid_cmp(id, sp->last) > 0)
		sp->last = id;
	sp->segs[sp->nsegs - 1].done_at = 0;	/* holds a frame to send */
	return frame_index(sp, id, sp->nsegs - 1, off, (uint32_t)len, nevents);
}

int
spool_sync(struct spool *sp)
{
	if (!sp->dirty)
		return 0;
	if (fdatasync(sp->segs[sp->nsegs - 1].fd) == -1) {
		log_warn("spool %s: fdatasync", sp->dir);
		return -1;
	}
	sp->dirty = 0;
	return 0;
}

/* Marks which segments hold only confirmed frames (or none). */
static void
seg_mark_done(struct spool *sp, time_t now)
{
	size_t	 si, fi = 0;

	for (si = 0; si < sp->nsegs; si++) {
		int	 done = 1;

		while (fi < sp->nframes && sp->frames[fi].seg == si) {
			if (fi >= sp->confirmed)
				done = 0;
			fi++;
		}
		if (!done)
			sp->segs[si].done_at = 0;
		else if (sp->segs[si].done_at == 0)
			sp->segs[si].done_at = now;
	}
}

size_t
spool_rewind(struct spool *sp, struct streamid top)
{
	size_t	 i, lost = 0;

	for (i = 0; i < sp->nframes; i++)
		if (streamid_cmp(sp->frames[i].id, top) > 0)
			break;
	if (i < sp->confirmed)
		lost = sp->confirmed - i;
	sp->confirmed = sp->sent = i;
	seg_mark_done(sp, time(NULL));
	return lost;
}

const struct spool_frame *
spool_next(struct spool *sp, char **buf, size_t *cap)
{
	const struct spool_frame	*f;
	ssize_t				 n;

	if (sp->sent == sp->nframes)
		return NULL;
	f = &sp->frames[sp->sent];
	if (*cap < f->len) {
		char	*nb;

		if ((nb = realloc(*buf, f->len)) == NULL) {
			log_warnx("%s: out of memory", __func__);
			return NULL;
		}
		*buf = nb;
		*cap = f->len;
	}
	do
		n = pread(sp->segs[f->seg].fd, *buf, f->len, (off_t)f->off);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)f->len) {
		log_warn("spool %s: segment %016" PRIx64 ": reading back a frame",
		    sp->dir, sp->segs[f->seg].no);
		return NULL;
	}
	sp->sent++;
	return f;
}

void
spool_confirm(struct spool *sp, time_t now)
{
	const struct spool_frame	*f;

	if (sp->confirmed >= sp->sent)
		return;
	f = &sp->frames[sp->confirmed++];
	/* The segment is done once its last frame is confirmed. */
	if (sp->confirmed == sp->nframes ||
	    sp->frames[sp->confirmed].seg != f->seg)
		sp->segs[f->seg].done_at = now;
}

/* Drops segment 0 and the frames it held. */
static int
seg_drop_first(struct spool *sp)
{
	char	 path[PATH_MAX];
	size_t	 nf = 0, i;

	while (nf < sp->nframes && sp->frames[nf].seg == 0)
		nf++;
	if (nf > sp->confirmed) {
		log_warnx("%s: segment %016" PRIx64 " holds frames not in Redis",
		    __func__, sp->segs[0].no);
		return -1;
	}
	if (seg_path(sp, sp->segs[0].no, path, sizeof(path)) == -1)
		return -1;
	if (unlink(path) == -1) {
		log_warn("spool %s", path);
		return -1;
	}
	close(sp->segs[0].fd);
	sp->bytes -= sp->segs[0].size;
	memmove(sp->segs, sp->segs + 1, (sp->nsegs - 1) * sizeof(*sp->segs));
	sp->nsegs--;
	if (sp->nframes > nf)
		memmove(sp->frames, sp->frames + nf,
		    (sp->nframes - nf) * sizeof(*sp->frames));
	sp->nframes -= nf;
	sp->sent -= nf;
	sp->confirmed -= nf;
	for (i = 0; i < sp->nframes; i++)
		sp->frames[i].seg--;
	return 0;
}

int
spool_trim(struct spool *sp, time_t now)
{
	/* Never the segment being written; only fully confirmed ones. */
	while (sp->nsegs > 1 && sp->segs[0].done_at != 0) {
		if (now - sp->segs[0].done_at < sp->keep) {
			if (sp->bytes <= sp->max_bytes)
				break;
			sp->dropped_kept++;
		}
		if (seg_drop_first(sp) == -1)
			return -1;
	}
	/*
	 * The current segment full (or the spool over its limit) and all
	 * of it in Redis: start a new one, so that this one can go.
	 */
	if (sp->nsegs == 1 && sp->confirmed == sp->nframes &&
	    sp->segs[0].done_at != 0 && (sp->bytes > sp->max_bytes ||
	    (sp->segs[0].size >= seg_max(sp) &&
	    now - sp->segs[0].done_at >= sp->keep))) {
		if (seg_new(sp, sp->segs[0].no + 1) == -1 ||
		    spool_sync(sp) == -1)
			return -1;
		sp->segs[0].done_at = now;
		if (seg_drop_first(sp) == -1)
			return -1;
	}
	return 0;
}

int
spool_full(const struct spool *sp)
{
	return sp->bytes >= sp->max_bytes;
}

size_t
spool_pending(const struct spool *sp, uint64_t *events)
{
	size_t	 i;

	if (events != NULL) {
		*events = 0;
		for (i = sp->confirmed; i < sp->nframes; i++)
			*events += sp->frames[i].nevents;
	}
	return sp->nframes - sp->confirmed;
}
