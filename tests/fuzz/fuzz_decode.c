/*
 * tests/fuzz/fuzz_decode.c - libFuzzer target for the packet decoder,
 * the flow table and the application metadata. An input is a run of
 * packets: u8 link selector, u8 time step (ms), u16 length (LE), bytes.
 * Each packet is decoded from an exact-size copy (ASan sees any read
 * past it); decoded ones feed a small flow table whose flows, as they
 * leave, have their payload read back and parsed. Asserts the table's
 * invariants: payload within its limit, nothing left after a flush.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/appmeta.h"
#include "../../collector/decode.h"
#include "../../collector/flow.h"

#include "fuzz.h"

#define PAYLOAD	128

static const int dlts[] = { DEC_DLT_EN10MB, DEC_DLT_RAW, DEC_DLT_LINUX_SLL,
	DEC_DLT_LINUX_SLL2, DEC_DLT_IPV4, DEC_DLT_IPV6, 147 };

static int
flow_out(void *arg, const struct flow *f, enum flow_end why)
{
	uint8_t		 out[PAYLOAD];
	struct appmeta	 m;
	size_t		 n;
	int		 gaps;

	(void)arg;
	(void)why;
	n = flow_payload(f, out, sizeof(out), &gaps);
	fuzz_assert(n <= PAYLOAD && gaps >= 0 && gaps <= PAYLOAD);
	fuzz_assert(f->start <= f->end);
	fuzz_assert(f->state <= FS_TIMEOUT);
	appmeta_parse(out, n, &m);
	fuzz_assert(strlen(m.url) < sizeof(m.url));
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flowconf	 fc;
	struct flowtab	*ft;
	struct pkt	 p;
	int64_t		 ts = 1000000;
	size_t		 off = 0, len;
	uint8_t		*copy;
	enum dec_result	 r;

	memset(&fc, 0, sizeof(fc));
	fc.max_flows = 16;
	fc.payload_bytes = PAYLOAD;
	fc.timeout[FC_SYN] = 2000000;
	fc.timeout[FC_TCP] = 5000000;
	fc.timeout[FC_CLOSED] = 1000000;
	fc.timeout[FC_UDP] = 3000000;
	fc.timeout[FC_OTHER] = 1000000;
	if ((ft = flowtab_new(&fc, flow_out, NULL)) == NULL)
		return 0;
	while (off + 4 <= size) {
		int	 dlt = dlts[data[off] % (sizeof(dlts) / sizeof(dlts[0]))];

		ts += (int64_t)data[off + 1] * 1000;
		len = (size_t)(data[off + 2] | data[off + 3] << 8);
		off += 4;
		if (len > size - off)
			len = size - off;
		if ((copy = malloc(len ? len : 1)) == NULL)
			break;
		memcpy(copy, data + off, len);
		r = decode_packet(dlt, copy, (uint32_t)len,
		    (uint32_t)len + (data[off - 4] & 0x80 ? 100 : 0), &p);
		if (r == DEC_OK) {
			fuzz_assert(p.capcap <= p.paylen);
			fuzz_assert(p.capcap == 0 || (p.payload >= copy &&
			    p.payload + p.capcap <= copy + len));
			fuzz_assert(flowtab_packet(ft, &p, ts) == 0);
		}
		free(copy);
		off += len;
		fuzz_assert(flowtab_count(ft) <= fc.max_flows);
	}
	fuzz_assert(flowtab_expire(ft, ts + 2000000) == 0);
	fuzz_assert(flowtab_flush(ft) == 0);
	fuzz_assert(flowtab_count(ft) == 0);
	flowtab_free(ft);
	return 0;
}
