/*
 * tests/fuzz/fuzz_syslog_frame.c - libFuzzer target for the syslog
 * receiver's pure part: RFC 6587 framing (octet counting, LF), datagrams,
 * and each message into an event. Owns nothing. Calls syslog_frame.c.
 *
 * Input: byte 0 picks max (480 + a multiple of 97) and the mode; the
 * rest is a TCP stream (or datagrams separated by NUL). The stream is
 * framed twice, whole and in pieces through a bounded buffer as the
 * receiver reads it (piece sizes from the data itself): the messages
 * must be the same, each within max, and the buffer never overflows.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/syslog_frame.h"

#include "fuzz.h"

#define MAXMSGS	4096

struct msgs {
	uint64_t	 h[MAXMSGS];
	int		 flags[MAXMSGS];
	size_t		 n;
	int		 bad;
};

static uint64_t
hash(const char *p, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ n;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h;
}

static struct smsg	 sm;

/*
 * Every message through the header parser: each field's len bytes are
 * readable (ASan says so otherwise); a parser's values may point into
 * the line, without a NUL, as the emitter copies them by length.
 */
static void
judge(const char *m, size_t len, size_t max)
{
	struct event	 ev;
	volatile unsigned char	 sum = 0;
	size_t		 i, k;

	fuzz_assert(len <= max);
	syslog_msg_event(m, len, 1763899200, "192.0.2.1", &sm, &ev);
	for (i = 0; i < EV_NFIELDS; i++)
		for (k = 0; ev.f[i].v != NULL && k < ev.f[i].len; k++)
			sum ^= (unsigned char)ev.f[i].v[k];
	(void)sum;
	fuzz_assert(ev.f[EV_RELAY_IP].len == 9 &&
	    memcmp(ev.f[EV_RELAY_IP].v, "192.0.2.1", 9) == 0);
}

static void
add(struct msgs *ms, const char *m, size_t len, int fl, size_t max)
{
	judge(m, len, max);
	if (ms->n < MAXMSGS) {
		ms->h[ms->n] = hash(m, len);
		ms->flags[ms->n++] = fl & SF_CUT;
	}
}

static void
frame_whole(const char *buf, size_t len, size_t max, struct msgs *ms)
{
	struct sframer	 fr = { 0 };
	const char	*m;
	size_t		 off = 0, k, ml;
	int		 fl;

	while (off < len) {
		k = syslog_frame(&fr, buf + off, len - off, max, 1, &m, &ml, &fl);
		fuzz_assert(k <= len - off);
		if (fl & SF_BAD) {
			ms->bad = 1;
			return;
		}
		if (fl & SF_MSG) {
			fuzz_assert(m >= buf + off && m + ml <= buf + len);
			add(ms, m, ml, fl, max);
		}
		fuzz_assert(k > 0);	/* with eof, every call makes progress */
		off += k;
	}
}

/* As syslog_rx.c reads a connection: a buffer of max + 16 bytes. */
static void
frame_pieces(const uint8_t *data, size_t len, size_t max, struct msgs *ms)
{
	struct sframer	 fr = { 0 };
	size_t		 cap = max + 16, have = 0, in = 0, k, ml, off;
	char		*buf = malloc(cap);
	const char	*m;
	int		 fl, eof;

	fuzz_assert(buf != NULL);
	while (in < len || have > 0) {
		size_t	 piece = 1 + (in < len ? data[in] % 200 : 0);

		if (piece > cap - have)
			piece = cap - have;
		if (piece > len - in)
			piece = len - in;
		memcpy(buf + have, data + in, piece);
		have += piece;
		in += piece;
		eof = in == len;
		off = 0;
		while (off < have) {
			k = syslog_frame(&fr, buf + off, have - off, max, eof, &m,
			    &ml, &fl);
			fuzz_assert(k <= have - off);
			if (fl & SF_BAD) {
				ms->bad = 1;
				free(buf);
				return;
			}
			if (fl & SF_MSG)
				add(ms, m, ml, fl, max);
			if (k == 0)
				break;
			off += k;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		/* The bounded buffer always leaves room or frames a message. */
		fuzz_assert(have < cap || eof);
		if (eof && have > 0 && off == 0)
			break;
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msgs	 a, b;
	size_t			 max, i, start, len;
	int			 cut;
	const char		*s;

	if (size < 1)
		return 0;
	max = SYSLOG_MSG_MIN + (size_t)(data[0] % 16) * 97;
	if (sm.line == NULL && (sm.line = malloc(SYSLOG_MSG_MAX +
	    SMSG_EXTRA)) == NULL)
		abort();
	s = (const char *)data + 1;
	size--;
	if (data[0] & 0x80) {
		/* Datagrams, NUL-separated. */
		for (start = i = 0; i <= size; i++)
			if (i == size || s[i] == '\0') {
				len = syslog_dgram(s + start, i - start, max, &cut);
				fuzz_assert(len <= max && len <= i - start);
				judge(s + start, len, max);
				start = i + 1;
			}
		return 0;
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	frame_whole(s, size, max, &a);
	frame_pieces(data + 1, size, max, &b);
	/* However the stream is cut into reads, the same messages. */
	if (!a.bad && !b.bad) {
		fuzz_assert(a.n == b.n);
		for (i = 0; i < a.n; i++)
			fuzz_assert(a.h[i] == b.h[i] && a.flags[i] == b.flags[i]);
	}
	return 0;
}
