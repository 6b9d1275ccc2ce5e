/*
 * tests/unit/decode_test.c - the packet decoder on captures written by
 * tools/mkpcap: each link type, IPv4 options and fragments, IPv6
 * extension headers, each transport, and every malformed reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"
#include "pcapgen.h"

static struct genrun	 run;

static const uint8_t a4[4] = { 10, 0, 0, 5 }, b4[4] = { 93, 184, 216, 34 };

static void
tcp4_check(const struct genpkt *g)
{
	assert_int_equal(g->r, DEC_OK);
	assert_int_equal(g->p.v6, 0);
	assert_int_equal(g->p.proto, 6);
	assert_memory_equal(g->p.src, a4, 4);
	assert_memory_equal(g->p.dst, b4, 4);
	assert_int_equal(g->p.sport, 40000);
	assert_int_equal(g->p.dport, 80);
	assert_int_equal(g->p.flags, TH_PSH | TH_ACK);
	assert_int_equal(g->p.seq, 1001);
	assert_int_equal(g->p.ack, 5001);
	assert_int_equal(g->p.paylen, 5);
	assert_int_equal(g->p.capcap, 5);
	assert_memory_equal(g->p.payload, "hello", 5);
}

#define TCP4 "1.0 tcp 10.0.0.5 40000 93.184.216.34 80 flags=PA seq=1001 " \
	"ack=5001"

static void
test_links(void **state)
{
	static const char *const links[] = { "ether", "raw", "sll", "sll2" };
	static const int dlts[] = { 1, DEC_DLT_RAW, 113, 276 };
	char	 desc[256];
	size_t	 i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(desc, sizeof(desc), "link %s\n" TCP4 " data=hello\n",
		    links[i]);
		gen_run(desc, NULL, 0, &run);
		assert_int_equal(run.dlt, dlts[i]);
		assert_int_equal(run.npkt, 1);
		tcp4_check(&run.pkt[0]);
		assert_int_equal(run.pkt[0].p.iplen, 45);
		assert_int_equal(run.pkt[0].p.nvlan, 0);
	}
}

static void
test_vlan_qinq(void **state)
{
	(void)state;
	gen_run("link ether\n" TCP4 " vlan=100 data=hello\n"
	    TCP4 " vlan=100,200 data=hello\n", NULL, 0, &run);
	assert_int_equal(run.npkt, 2);
	tcp4_check(&run.pkt[0]);
	assert_int_equal(run.pkt[0].p.vlan, 100);
	assert_int_equal(run.pkt[0].p.nvlan, 1);
	tcp4_check(&run.pkt[1]);
	assert_int_equal(run.pkt[1].p.vlan, 200);
	assert_int_equal(run.pkt[1].p.nvlan, 2);
	gen_run("link sll\n" TCP4 " vlan=7 data=hello\n", NULL, 0, &run);
	tcp4_check(&run.pkt[0]);
	assert_int_equal(run.pkt[0].p.vlan, 7);
}

static void
test_ip4_options_fragments(void **state)
{
	(void)state;
	gen_run("link ether\n" TCP4 " ipopt=8 data=hello\n"
	    TCP4 " frag=0+ data=hello\n"
	    TCP4 " frag=16 data=hello\n", NULL, 0, &run);
	assert_int_equal(run.npkt, 3);
	tcp4_check(&run.pkt[0]);
	assert_int_equal(run.pkt[0].p.iplen, 53);
	tcp4_check(&run.pkt[1]);
	assert_int_equal(run.pkt[1].p.frag, 1);
	assert_int_equal(run.pkt[2].r, DEC_FRAGMENT);
	/* A UDP datagram's first fragment: its length is the datagram's. */
	gen_run("link raw\n"
	    "1.0 udp 10.0.0.5 5353 93.184.216.34 53 frag=0+ udplen=3000 "
	    "data=abc\n"
	    "1.0 udp 10.0.0.5 5353 93.184.216.34 53 udplen=3000 data=abc\n",
	    NULL, 0, &run);
	assert_int_equal(run.pkt[0].r, DEC_OK);
	assert_int_equal(run.pkt[0].p.frag, 1);
	assert_int_equal(run.pkt[0].p.paylen, 3);
	assert_int_equal(run.pkt[1].r, DEC_BAD_L4);
}

static void
test_ip6(void **state)
{
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	int	 i;

	(void)state;
	gen_run("link ether\n"
	    "1.0 tcp 2001:db8::1 40000 2001:db8::2 22 flags=S seq=7\n"
	    "1.0 tcp 2001:db8::1 40000 2001:db8::2 22 flags=PA ext=hop,dst,rt "
	    "data=SSH-2.0-x\\r\\n\n"
	    "1.0 tcp 2001:db8::1 40000 2001:db8::2 22 flags=A ext=frag\n"
	    "1.0 udp 2001:db8::1 5353 2001:db8::2 53 data=q\n"
	    "1.0 icmp 2001:db8::1 128 2001:db8::2 0\n"
	    "1.0 tcp 2001:db8::1 40000 2001:db8::2 22 flags=A "
	    "ext=hop,dst,dst,dst,dst,dst,dst,dst,dst\n"
	    "1.0 tcp 2001:db8::1 1 2001:db8::2 2 raw=6000000000080040"
	    "20010db8000000000000000000000001"
	    "20010db8000000000000000000000002" "0605000000000000\n", NULL, 0,
	    &run);
	assert_int_equal(run.npkt, 7);
	for (i = 0; i < 5; i++) {
		assert_int_equal(run.pkt[i].r, DEC_OK);
		assert_int_equal(run.pkt[i].p.v6, 1);
		assert_memory_equal(run.pkt[i].p.src, s6, 16);
	}
	assert_int_equal(run.pkt[0].p.seq, 7);
	assert_int_equal(run.pkt[1].p.proto, 6);
	assert_int_equal(run.pkt[1].p.capcap, 11);
	assert_memory_equal(run.pkt[1].p.payload, "SSH-2.0-x\r\n", 11);
	assert_int_equal(run.pkt[1].p.iplen, 40 + 24 + 20 + 11);
	assert_int_equal(run.pkt[2].p.frag, 1);
	assert_int_equal(run.pkt[3].p.proto, 17);
	assert_int_equal(run.pkt[3].p.dport, 53);
	assert_int_equal(run.pkt[3].p.paylen, 1);
	assert_int_equal(run.pkt[4].p.proto, 58);
	assert_int_equal(run.pkt[4].p.icmp_type, 128);
	assert_int_equal(run.pkt[5].r, DEC_IP6EXT_LIMIT);
	assert_int_equal(run.pkt[6].r, DEC_BAD_IP6EXT);
}

static void
test_udp_icmp(void **state)
{
	(void)state;
	gen_run("link raw\n"
	    "1.0 udp 10.0.0.5 5353 93.184.216.34 53 data=abc\n"
	    "1.0 icmp 10.0.0.5 8 93.184.216.34 0 data=ping\n"
	    "1.0 icmp 10.0.0.5 3 93.184.216.34 3\n", NULL, 0, &run);
	assert_int_equal(run.pkt[0].r, DEC_OK);
	assert_int_equal(run.pkt[0].p.proto, 17);
	assert_int_equal(run.pkt[0].p.sport, 5353);
	assert_int_equal(run.pkt[0].p.paylen, 3);
	assert_memory_equal(run.pkt[0].p.payload, "abc", 3);
	assert_int_equal(run.pkt[1].p.proto, 1);
	assert_int_equal(run.pkt[1].p.icmp_type, 8);
	assert_int_equal(run.pkt[1].p.paylen, 4);
	assert_int_equal(run.pkt[2].p.icmp_type, 3);
	assert_int_equal(run.pkt[2].p.icmp_code, 3);
}

static void
test_malformed_reasons(void **state)
{
	(void)state;
	gen_run("link ether\n"
	    TCP4 " snap=10 data=hello\n"		/* link header cut */
	    TCP4 " snap=20 data=hello\n"		/* IP header cut */
	    TCP4 " snap=40 data=hello\n"		/* TCP header cut */
	    TCP4 " snap=56 data=hello\n"		/* payload cut: fine */
	    TCP4 " badsum data=hello\n"
	    TCP4 " iplen=9999 data=hello\n"
	    TCP4 " iplen=44 data=hello-hello-hello-hello\n" /* < the wire */
	    TCP4 " tcphl=3 data=hello\n"
	    "1.0 udp 10.0.0.5 1 93.184.216.34 2 raw=45000014000100004011"
	    "0000aaaaaaaabbbbbbbb\n"			/* bad checksum, raw */
	    "1.0 tcp 10.0.0.5 1 93.184.216.34 2 raw=5500001400000000401100000a0000055db8d822\n"	/* version */
	    , NULL, 0, &run);
	assert_int_equal(run.npkt, 10);
	assert_int_equal(run.pkt[0].r, DEC_TRUNC_LINK);
	assert_int_equal(run.pkt[1].r, DEC_TRUNC_IP);
	assert_int_equal(run.pkt[2].r, DEC_TRUNC_L4);
	assert_int_equal(run.pkt[3].r, DEC_OK);
	assert_int_equal(run.pkt[3].p.paylen, 5);
	assert_int_equal(run.pkt[3].p.capcap, 2);
	assert_int_equal(run.pkt[4].r, DEC_BAD_IP);
	assert_int_equal(run.pkt[5].r, DEC_BAD_IPLEN);
	assert_int_equal(run.pkt[6].r, DEC_BAD_IPLEN);
	assert_int_equal(run.pkt[7].r, DEC_BAD_L4);
	assert_int_equal(run.pkt[8].r, DEC_BAD_IP);
	assert_int_equal(run.pkt[9].r, DEC_BAD_IP);
	assert_true(DEC_MALFORMED(DEC_TRUNC_LINK));
	assert_false(DEC_MALFORMED(DEC_FRAGMENT));
	assert_string_equal(decode_result_name(DEC_TRUNC_L4), "trunc_l4");
}

/* Every prefix of a valid packet is refused by a reason, never read past. */
static void
test_every_prefix(void **state)
{
	uint8_t		*buf;
	struct pkt	 p;
	uint32_t	 n, full;

	(void)state;
	gen_run("link ether\n" TCP4 " vlan=5 ipopt=4 data=hello\n", NULL, 0,
	    &run);
	tcp4_check(&run.pkt[0]);
	/* Rebuild the frame: 14 + 4 + 24 + 20 + 5. */
	full = 67;
	gen_run("link ether\n" TCP4 " vlan=5 ipopt=4 data=hello\n", NULL, 0,
	    &run);
	for (n = 0; n < full; n++) {
		/* Exactly n bytes allocated: ASan catches any overread. */
		buf = malloc(n ? n : 1);
		assert_non_null(buf);
		memset(buf, 0, n);
		decode_packet(DEC_DLT_EN10MB, buf, n, full, &p);
		decode_packet(DEC_DLT_EN10MB, buf, n, n, &p);
		decode_packet(DEC_DLT_LINUX_SLL2, buf, n, n, &p);
		decode_packet(DEC_DLT_RAW, buf, n, n, &p);
		free(buf);
	}
}

static void
test_not_ip(void **state)
{
	static const uint8_t arp[42] = { [12] = 0x08, [13] = 0x06 };
	static const uint8_t tags[26] = { [12] = 0x81, [16] = 0x81,
	    [20] = 0x81, [24] = 0x81 };
	struct pkt	 p;

	(void)state;
	assert_int_equal(decode_packet(DEC_DLT_EN10MB, arp, 42, 42, &p),
	    DEC_NOT_IP);
	assert_int_equal(decode_packet(DEC_DLT_EN10MB, tags, 26, 26, &p),
	    DEC_NOT_IP);
	assert_int_equal(decode_packet(147, arp, 42, 42, &p), DEC_LINKTYPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_vlan_qinq),
		cmocka_unit_test(test_ip4_options_fragments),
		cmocka_unit_test(test_ip6),
		cmocka_unit_test(test_udp_icmp),
		cmocka_unit_test(test_malformed_reasons),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_not_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
