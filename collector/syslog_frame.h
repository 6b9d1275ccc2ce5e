/*
 * collector/syslog_frame.h - syslog over the network, pure: TCP framing
 * (RFC 6587: octet counting or LF), datagrams, and one message (RFC 3164
 * or RFC 5424) into an event through the parser registry. No socket.
 */
#ifndef VIGIE_SYSLOG_FRAME_H
#define VIGIE_SYSLOG_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"
#include "parse.h"

#define SYSLOG_MSG_MIN	480		/* syslog-max-message's range */
#define SYSLOG_MSG_MAX	(1 << 20)

/* A TCP connection's framing state, zeroed at accept. */
struct sframer {
	uint64_t	 skip;		/* octets of a cut message still to drop */
	int		 to_lf;		/* dropping the rest of a cut LF message */
};

#define SF_MSG	1	/* *msg, *mlen hold a message */
#define SF_CUT	2	/* ... cut at max */
#define SF_BAD	4	/* framing error: close the connection */

/*
 * The next message of a TCP stream in buf[0..len): octet counting when
 * it starts with a digit, else up to LF (a CR before it dropped). A
 * message longer than max is cut at max and the rest dropped as it
 * comes. With eof, a last message without LF is taken. Returns the
 * bytes consumed (0 and no SF_MSG: more bytes are needed; the caller's
 * buffer holds at least max + 16); *flags says what came out.
 */
size_t	syslog_frame(struct sframer *, const char *buf, size_t len,
	    size_t max, int eof, const char **msg, size_t *mlen, int *flags);
/*
 * One datagram: its message length without trailing LF, CR or NUL, at
 * most max (*cut set when longer).
 */
size_t	syslog_dgram(const char *buf, size_t len, size_t max, int *cut);

/* A message's scratch: the event's values point into it. */
struct smsg {
	struct parse_buf pb;
	char		*line;		/* max + SMSG_EXTRA bytes */
	char		 facility[16], severity[16], msgid[33], ts[40];
};
#define SMSG_EXTRA	1024

/*
 * Fills ev from one message as received from `relay` (the peer's
 * address, kept in relay_ip apart from what the message claims): its
 * PRI (facility, severity), then an RFC 5424 header (timestamp, host,
 * app, procid, msgid; structured data skipped) or an RFC 3164 one,
 * through the registry's syslog parser (sshd and the others by
 * program). A message without a header is a plain log event dated
 * `now`. msg is at most max bytes, sm->line max + SMSG_EXTRA.
 */
enum parse_result syslog_msg_event(const char *msg, size_t len, time_t now,
	    const char *relay, struct smsg *sm, struct event *ev);

#endif
