/*
 * collector/decode.h - one captured packet into its layers: link
 * (Ethernet, 802.1Q/QinQ, Linux cooked SLL/SLL2, raw IP), IPv4/IPv6,
 * TCP/UDP/ICMP. Pure; never reads past the captured length.
 */
#ifndef VIGIE_DECODE_H
#define VIGIE_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Link types as libpcap's pcap_datalink() names them. */
#define DEC_DLT_EN10MB		1
#define DEC_DLT_RAW		12	/* LINKTYPE_RAW (101) in files */
#define DEC_DLT_RAW101		101
#define DEC_DLT_LINUX_SLL	113
#define DEC_DLT_IPV4		228
#define DEC_DLT_IPV6		229
#define DEC_DLT_LINUX_SLL2	276

#define DEC_IP6_EXT_MAX		8	/* extension headers walked at most */
#define DEC_VLAN_MAX		3	/* tags peeled at most */

/* What became of a packet. DEC_OK and the first three are not malformed. */
enum dec_result {
	DEC_OK,			/* a packet for the flow table */
	DEC_NOT_IP,		/* ARP, LLDP, ...: counted, not malformed */
	DEC_FRAGMENT,		/* a later IP fragment: counted, not reassembled */
	DEC_LINKTYPE,		/* a link type we do not decode */
	/* malformed, by reason: */
	DEC_TRUNC_LINK,		/* shorter than its link header */
	DEC_TRUNC_IP,		/* shorter than its IP header */
	DEC_BAD_IP,		/* version, header length, checksum */
	DEC_BAD_IPLEN,		/* total length against the wire length */
	DEC_BAD_IPOPT,		/* an IPv4 option runs past the header */
	DEC_BAD_IP6EXT,		/* an extension header runs past the packet */
	DEC_IP6EXT_LIMIT,	/* more than DEC_IP6_EXT_MAX extension headers */
	DEC_TRUNC_L4,		/* transport header not captured or not sent */
	DEC_BAD_L4,		/* TCP data offset, UDP length */
	DEC_NRESULTS
};
#define DEC_MALFORMED(r)	((r) >= DEC_TRUNC_LINK)

/* The result's name, for counters ("trunc_ip"). */
const char *decode_result_name(enum dec_result);

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

struct pkt {
	uint8_t		 v6;		/* 0: IPv4 (addresses in the first 4 bytes) */
	uint8_t		 proto;		/* IP protocol */
	uint8_t		 flags;		/* TCP flags */
	uint8_t		 icmp_type, icmp_code;
	uint8_t		 nvlan;
	uint16_t	 vlan;		/* innermost 802.1Q id */
	uint8_t		 src[16], dst[16];
	uint16_t	 sport, dport;	/* ICMP: 0 */
	uint32_t	 seq, ack;
	uint32_t	 iplen;		/* IP packet on the wire, headers included */
	uint32_t	 paylen;	/* transport payload on the wire */
	uint32_t	 capcap;	/* of it, captured */
	const uint8_t	*payload;	/* capcap bytes */
	uint8_t		 frag;		/* first fragment of a fragmented packet */
};

/*
 * Decodes `caplen` captured bytes of a packet of `wirelen` bytes on the
 * link `dlt`. Returns DEC_OK with p filled, or why not.
 */
enum dec_result	decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
		    uint32_t wirelen, struct pkt *p);

#endif
