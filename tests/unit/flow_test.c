/*
 * tests/unit/flow_test.c - the flow table on captures written by
 * tools/mkpcap: every state (new, established, closed, rejected by RST
 * and by timeout, timeout), counters, flags, times, the client payload
 * (retransmission, out of order, gaps, limit), UDP, ICMP, eviction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "flow.h"
#include "pcapgen.h"

static struct genrun	 run;
static struct flowconf	 fc;

#define C	"10.0.0.5 40000"
#define S	"93.184.216.34 80"
#define SYN	"1.000000 tcp " C " " S " flags=S seq=1000\n"
#define SYNACK	"1.010000 tcp " S " " C " flags=SA seq=5000 ack=1001\n"
#define ACK	"1.020000 tcp " C " " S " flags=A seq=1001 ack=5001\n"

static const uint8_t c4[4] = { 10, 0, 0, 5 }, s4[4] = { 93, 184, 216, 34 };

static const struct genflow *
one(const char *desc, int64_t expire_at)
{
	gen_run(desc, &fc, expire_at, &run);
	assert_int_equal(run.nflow, 1);
	assert_memory_equal(run.flow[0].f.ca, c4, 4);
	assert_memory_equal(run.flow[0].f.sa, s4, 4);
	assert_int_equal(run.flow[0].f.cport, 40000);
	assert_int_equal(run.flow[0].f.sport, 80);
	return &run.flow[0];
}

static int
setup(void **state)
{
	(void)state;
	gen_conf(&fc);
	return 0;
}

static void
test_closed(void **state)
{
	const struct genflow	*g;
	static const char	 req[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

	(void)state;
	g = one("link ether\n" SYN SYNACK ACK
	    "1.03 tcp " C " " S " flags=PA seq=1001 ack=5001 "
	    "data=GET /a HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n\n"
	    "1.04 tcp " S " " C " flags=PA seq=5001 ack=1029 data=ok\n"
	    "1.05 tcp " C " " S " flags=FA seq=1029 ack=5003\n"
	    "1.06 tcp " S " " C " flags=FA seq=5003 ack=1030\n"
	    "1.07 tcp " C " " S " flags=A seq=1030 ack=5004\n", 0);
	assert_string_equal(flow_state_name(g->f.state), "closed");
	assert_int_equal(g->why, FE_FLUSH);
	assert_int_equal(g->f.proto, 6);
	assert_int_equal(g->f.pkts[0], 5);
	assert_int_equal(g->f.pkts[1], 3);
	assert_int_equal(g->f.bytes[0], 5 * 40 + 28);
	assert_int_equal(g->f.bytes[1], 3 * 40 + 2);
	assert_int_equal(g->f.flags[0] | g->f.flags[1], 0x1b);
	assert_int_equal(g->f.start, 1000000);
	assert_int_equal(g->f.end, 1070000);
	assert_int_equal(g->plen, sizeof(req) - 1);
	assert_memory_equal(g->payload, req, sizeof(req) - 1);
	assert_int_equal(g->gaps, 0);
}

static void
test_new_established(void **state)
{
	const struct genflow	*g;

	(void)state;
	g = one("link ether\n" SYN, 0);
	assert_string_equal(flow_state_name(g->f.state), "new");
	assert_int_equal(g->f.pkts[0], 1);
	assert_int_equal(g->f.pkts[1], 0);
	assert_int_equal(g->f.flags[0], 0x02);
	g = one("link ether\n" SYN SYNACK, 0);
	assert_string_equal(flow_state_name(g->f.state), "new");
	g = one("link ether\n" SYN SYNACK ACK, 0);
	assert_string_equal(flow_state_name(g->f.state), "established");
	assert_int_equal(g->f.flags[0] | g->f.flags[1], 0x12);
	assert_int_equal(g->plen, 0);
}

static void
test_rejected_rst(void **state)
{
	const struct genflow	*g;

	(void)state;
	g = one("link ether\n" SYN
	    "1.001 tcp " S " " C " flags=RA seq=0 ack=1001\n", 0);
	assert_string_equal(flow_state_name(g->f.state), "rejected");
	assert_int_equal(g->f.pkts[0], 1);
	assert_int_equal(g->f.pkts[1], 1);
	assert_int_equal(g->f.flags[0] | g->f.flags[1], 0x16);
	assert_int_equal(g->f.end, 1001000);
	/* The client's RST after a SYN+ACK (a half-open scan): closed. */
	g = one("link ether\n" SYN SYNACK
	    "1.03 tcp " C " " S " flags=R seq=1001\n", 0);
	assert_string_equal(flow_state_name(g->f.state), "closed");
}

static void
test_rejected_timeout(void **state)
{
	const struct genflow	*g;

	(void)state;
	/* Not yet: 29 s after the SYN, at the end of the capture: new. */
	g = one("link ether\n" SYN, 30 * 1000000LL);
	assert_int_equal(g->why, FE_FLUSH);
	assert_string_equal(flow_state_name(g->f.state), "new");
	g = one("link ether\n" SYN, 31 * 1000000LL);
	assert_int_equal(g->why, FE_TIMEOUT);
	assert_string_equal(flow_state_name(g->f.state), "rejected");
	/* The timeout also runs on packet time, inside the capture. */
	gen_run("link ether\n" SYN "40.0 udp 10.0.0.9 1 10.0.0.8 2 data=x\n",
	    &fc, 0, &run);
	assert_int_equal(run.nflow, 2);
	assert_int_equal(run.flow[0].why, FE_TIMEOUT);
	assert_string_equal(flow_state_name(run.flow[0].f.state), "rejected");
	assert_int_equal(run.flow[1].why, FE_FLUSH);
}

static void
test_timeout(void **state)
{
	const struct genflow	*g;

	(void)state;
	g = one("link ether\n" SYN SYNACK ACK, 700 * 1000000LL);
	assert_int_equal(g->why, FE_TIMEOUT);
	assert_string_equal(flow_state_name(g->f.state), "timeout");
	/* A closed flow keeps its state when its short timeout ends it. */
	g = one("link ether\n" SYN "1.001 tcp " S " " C " flags=RA ack=1001\n",
	    12 * 1000000LL);
	assert_int_equal(g->why, FE_TIMEOUT);
	assert_string_equal(flow_state_name(g->f.state), "rejected");
}

static void
test_synack_first(void **state)
{
	const struct genflow	*g;

	(void)state;
	g = one("link ether\n" SYNACK ACK, 0);
	assert_int_equal(g->f.pkts[0], 1);
	assert_int_equal(g->f.pkts[1], 1);
	assert_string_equal(flow_state_name(g->f.state), "established");
	/* No SYN: from a well-known port to an ephemeral one, the server. */
	g = one("link ether\n"
	    "1.0 tcp " S " " C " flags=PA seq=5001 ack=1001 data=hi\n"
	    "1.1 tcp " C " " S " flags=A seq=1001 ack=5003\n", 0);
	assert_int_equal(g->f.pkts[0], 1);
	assert_int_equal(g->f.pkts[1], 1);
	assert_int_equal(g->plen, 0);
	assert_string_equal(flow_state_name(g->f.state), "established");
	g = one("link ether\n"
	    "1.0 udp 93.184.216.34 80 10.0.0.5 40000 data=answer\n", 0);
	assert_int_equal(g->f.pkts[1], 1);
	assert_int_equal(g->f.pkts[0], 0);
}

static void
test_payload_order(void **state)
{
	const struct genflow	*g;

	(void)state;
	g = one("link ether\n" SYN SYNACK ACK
	    "1.1 tcp " C " " S " flags=PA seq=1001 data=abc\n"
	    "1.2 tcp " C " " S " flags=PA seq=1001 data=abc\n"	/* again */
	    "1.3 tcp " C " " S " flags=PA seq=1007 data=ghi\n"	/* early */
	    "1.4 tcp " C " " S " flags=PA seq=1004 data=def\n", 0);
	assert_int_equal(g->plen, 9);
	assert_memory_equal(g->payload, "abcdefghi", 9);
	assert_int_equal(g->gaps, 0);
	assert_int_equal(g->f.pkts[0], 6);
	/* A hole: left out, counted. */
	g = one("link ether\n" SYN SYNACK ACK
	    "1.1 tcp " C " " S " flags=PA seq=1001 data=abc\n"
	    "1.3 tcp " C " " S " flags=PA seq=1010 data=xyz\n"
	    "1.4 tcp " C " " S " flags=PA seq=1020 data=end\n", 0);
	assert_int_equal(g->plen, 9);
	assert_memory_equal(g->payload, "abcxyzend", 9);
	assert_int_equal(g->gaps, 2);
	/* The first segment lost: a gap at the start. */
	g = one("link ether\n" SYN SYNACK ACK
	    "1.1 tcp " C " " S " flags=PA seq=1004 data=def\n", 0);
	assert_memory_equal(g->payload, "def", 3);
	assert_int_equal(g->gaps, 1);
	/* A segment cut by the snap length: its captured part, then a gap. */
	g = one("link ether\n" SYN SYNACK ACK
	    "1.1 tcp " C " " S " flags=PA seq=1001 snap=56 data=abcdef\n"
	    "1.2 tcp " C " " S " flags=PA seq=1007 data=ghi\n", 0);
	assert_int_equal(g->plen, 5);
	assert_memory_equal(g->payload, "abghi", 5);
	assert_int_equal(g->gaps, 1);
	/* The server's bytes are not the client's payload. */
	g = one("link ether\n" SYN SYNACK ACK
	    "1.1 tcp " S " " C " flags=PA seq=5001 data=banner\n", 0);
	assert_int_equal(g->plen, 0);
}

static void
test_payload_limit(void **state)
{
	const struct genflow	*g;
	char			 desc[1024], data[101];

	(void)state;
	memset(data, 'x', 100);
	data[100] = '\0';
	snprintf(desc, sizeof(desc), "link ether\n" SYN SYNACK ACK
	    "1.1 tcp " C " " S " flags=PA seq=1001 data=%s\n"
	    "1.2 tcp " C " " S " flags=PA seq=1101 data=more\n", data);
	g = one(desc, 0);
	assert_int_equal(g->plen, 64);
	assert_int_equal(g->gaps, 0);
	assert_int_equal(g->f.bytes[0], 2 * 40 + 140 + 44);
	fc.payload_bytes = 0;
	g = one(desc, 0);
	assert_int_equal(g->plen, 0);
	gen_conf(&fc);
}

static void
test_udp_icmp(void **state)
{
	const struct genflow	*g;

	(void)state;
	g = one("link ether\n"
	    "1.0 udp 10.0.0.5 40000 93.184.216.34 80 data=ab\n"
	    "1.1 udp 10.0.0.5 40000 93.184.216.34 80 data=cd\n"
	    "1.2 udp 93.184.216.34 80 10.0.0.5 40000 data=reply\n", 0);
	assert_int_equal(g->f.proto, 17);
	assert_string_equal(flow_state_name(g->f.state), "established");
	assert_memory_equal(g->payload, "abcd", 4);
	assert_int_equal(g->plen, 4);
	assert_int_equal(g->f.bytes[0], 2 * 30);
	g = one("link ether\n"
	    "1.0 udp 10.0.0.5 40000 93.184.216.34 80 data=ab\n", 61 * 1000000LL);
	assert_string_equal(flow_state_name(g->f.state), "timeout");
	gen_run("link ether\n"
	    "1.0 icmp 10.0.0.5 8 93.184.216.34 0 data=ping\n"
	    "1.1 icmp 93.184.216.34 0 10.0.0.5 0 data=ping\n", &fc, 0, &run);
	assert_int_equal(run.nflow, 1);
	assert_int_equal(run.flow[0].f.proto, 1);
	assert_int_equal(run.flow[0].f.icmp_type, 8);
	assert_int_equal(run.flow[0].f.pkts[0], 1);
	assert_int_equal(run.flow[0].f.pkts[1], 1);
	assert_memory_equal(run.flow[0].f.ca, c4, 4);
}

static void
test_eviction(void **state)
{
	(void)state;
	fc.max_flows = 2;
	gen_run("link ether\n"
	    "1.0 tcp 10.0.0.5 1 93.184.216.34 80 flags=S seq=1\n"
	    "1.1 tcp 10.0.0.5 2 93.184.216.34 80 flags=S seq=1\n"
	    "1.2 tcp 10.0.0.5 1 93.184.216.34 80 flags=S seq=1\n"
	    "1.3 tcp 10.0.0.5 3 93.184.216.34 80 flags=S seq=1\n", &fc, 0,
	    &run);
	gen_conf(&fc);
	assert_int_equal(run.evicted, 1);
	assert_int_equal(run.nflow, 3);
	/* The idle one went first: port 2, not port 1 (seen again at 1.2). */
	assert_int_equal(run.flow[0].why, FE_EVICTED);
	assert_int_equal(run.flow[0].f.cport, 2);
	assert_int_equal(run.flow[1].f.cport, 1);
	assert_int_equal(run.flow[1].f.pkts[0], 2);
	assert_int_equal(run.flow[2].f.cport, 3);
}

static void
test_v6_vlan_reuse(void **state)
{
	(void)state;
	gen_run("link ether\n"
	    "1.0 tcp 2001:db8::1 40000 2001:db8::2 22 flags=S seq=1 vlan=10,20\n"
	    "1.1 tcp 2001:db8::2 22 2001:db8::1 40000 flags=SA seq=9 ack=2 "
	    "ext=hop vlan=10,20\n"
	    "1.2 tcp 2001:db8::1 40000 2001:db8::2 22 flags=PA seq=2 ack=10 "
	    "vlan=10,20 data=SSH-2.0-OpenSSH_9.2\\r\\n\n", &fc, 0, &run);
	assert_int_equal(run.nflow, 1);
	assert_int_equal(run.flow[0].f.v6, 1);
	assert_int_equal(run.flow[0].f.vlan, 20);
	assert_int_equal(run.flow[0].f.nvlan, 2);
	assert_string_equal(flow_state_name(run.flow[0].f.state),
	    "established");
	assert_int_equal(run.flow[0].plen, 21);
	/* A new SYN on the ports of a rejected flow: a second flow. */
	gen_run("link ether\n" SYN "1.001 tcp " S " " C " flags=RA ack=1001\n"
	    "2.0 tcp " C " " S " flags=S seq=7000\n"
	    "2.001 tcp " S " " C " flags=RA ack=7001\n", &fc, 0, &run);
	assert_int_equal(run.nflow, 2);
	assert_int_equal(run.flow[0].why, FE_REUSED);
	assert_string_equal(flow_state_name(run.flow[0].f.state), "rejected");
	assert_string_equal(flow_state_name(run.flow[1].f.state), "rejected");
	assert_int_equal(run.flow[1].f.start, 2000000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_closed, setup),
		cmocka_unit_test_setup(test_new_established, setup),
		cmocka_unit_test_setup(test_rejected_rst, setup),
		cmocka_unit_test_setup(test_rejected_timeout, setup),
		cmocka_unit_test_setup(test_timeout, setup),
		cmocka_unit_test_setup(test_synack_first, setup),
		cmocka_unit_test_setup(test_payload_order, setup),
		cmocka_unit_test_setup(test_payload_limit, setup),
		cmocka_unit_test_setup(test_udp_icmp, setup),
		cmocka_unit_test_setup(test_eviction, setup),
		cmocka_unit_test_setup(test_v6_vlan_reuse, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
