/*
 * collector/syslog_rx.h - the syslog receiver: UDP and TCP listeners
 * (IPv4, IPv6) on the collector's event loop; peers checked against
 * syslog-allow; each message an event through emit_event().
 */
#ifndef VIGIE_SYSLOG_RX_H
#define VIGIE_SYSLOG_RX_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "conf.h"
#include "emit.h"
#include "netaddr.h"
#include "syslog_frame.h"

#define SRX_SOURCES	64	/* per-source counters; the rest as "other" */
#define SRX_CONNS	256	/* TCP connections at most */

struct srx_src {
	struct netaddr	 a;
	uint64_t	 msgs, refused, cut;
};

struct syslog_rx;

struct srx_listener {
	struct syslog_rx	*rx;
	int			 fd, tcp;
	struct event		*ev;
	char			*spec;
};

struct srx_conn {
	struct syslog_rx	*rx;
	struct srx_conn		*next;
	int			 fd, paused;
	struct event		*ev;
	char			*buf;		/* max + 16 bytes */
	size_t			 have;
	struct sframer		 fr;
	struct netaddr		 peer;
	char			 relay[64];
};

struct syslog_rx {
	struct event_base	*base;
	struct emitter		*emit;
	const struct cidrset	*allow;		/* NULL: any peer */
	size_t			 max;		/* syslog-max-message */
	struct srx_listener	*ls;
	size_t			 nls;
	struct srx_conn		*conns;
	size_t			 nconns;
	char			*dbuf;		/* a datagram */
	struct smsg		 sm;
	struct srx_src		 src[SRX_SOURCES], other;
	size_t			 nsrc;
	int			 started;	/* listeners armed */
	int			 paused;	/* TCP reading stopped: spool full */
	int			 failed;	/* the spool failed: stop */
	uint64_t		 messages, refused, cut, bad_frames, dropped;
	uint64_t		 recognised, no_header;
};

/*
 * Opens every "udp:HOST:PORT" / "tcp:HOST:PORT" ("[V6]" for IPv6) of
 * conf->syslog on base. Returns 0, or -1 after printing why.
 */
int	syslog_rx_init(struct syslog_rx *, struct event_base *,
	    struct emitter *, const struct conf *);
/* Starts listening (once the sensor's lease is held). */
void	syslog_rx_start(struct syslog_rx *);
/* The spool has room again: TCP connections are read again. */
void	syslog_rx_resume(struct syslog_rx *);
/*
 * The per-source counters as health fields "syslog:<addr>" -> "messages
 * refused cut", at most cap of them, into k and v. Returns how many.
 */
size_t	syslog_rx_sources(const struct syslog_rx *, char (*k)[64],
	    char (*v)[64], size_t cap);
void	syslog_rx_free(struct syslog_rx *);

#endif
