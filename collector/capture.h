/*
 * collector/capture.h - a packet input through libpcap: a capture file
 * read a budget of packets per turn, or a live interface on the event
 * loop; packets through decode.c into the flow table (flow.c), each
 * flow out as one `flow` event through the emitter.
 */
#ifndef VIGIE_CAPTURE_H
#define VIGIE_CAPTURE_H

#include <stdint.h>

#include <event2/event.h>
#include <pcap/pcap.h>

#include "conf.h"
#include "decode.h"
#include "emit.h"
#include "flow.h"

struct capture {
	char			*name;		/* file path or interface */
	int			 live;
	pcap_t			*pc;
	int			 dlt;
	struct flowtab		*ft;
	struct emitter		*e;		/* borrowed */
	struct spool_cp		 cp;		/* files: off = flows emitted,
						   skip = 1 once complete */
	uint64_t		 nflows;	/* flows ended, in order */
	uint64_t		 skip_until;	/* of them, already in the spool */
	int			 eof;		/* file read and flushed */
	int			 flushing;
	struct event		*ev;		/* live: the selectable fd */
	uint8_t			*pay;		/* payload-bytes of scratch */
	uint32_t		 paymax;

	uint64_t		 packets, bytes, malformed;
	uint64_t		 res[DEC_NRESULTS];
	uint64_t		 flows_out;	/* flow events emitted */
	uint64_t		 evicted;	/* ended early: the table was full */
	uint64_t		 pcap_drop, pcap_ifdrop;
	int			 failed;	/* an emit failed: stop */
	int			 erring;	/* live: the last read failed */
};

/*
 * Opens a capture file; resumes from the spool's checkpoint of that file
 * (its flows already in the spool are not emitted again; a file read to
 * its end before is not read again). Returns 0, or -1 after logging.
 */
int	capture_open_file(struct capture *, const char *path,
	    const struct conf *, struct emitter *, const struct spool *);
/*
 * Opens and activates a live capture on conf->interface (filter,
 * snaplen, promiscuous, buffer-size). Returns 0, or -1 after logging.
 */
int	capture_open_live(struct capture *, const struct conf *,
	    struct emitter *);
/* Live: reads on the loop from now on (the fd's event). 0 or -1. */
int	capture_start(struct capture *, struct event_base *);
/*
 * Reads at most `budget` packets. A file at its end has its flows
 * flushed and eof set. Returns packets read, or -1 after logging.
 */
long	capture_read(struct capture *, int budget);
/* Ends the flows idle past their timeout at `now_us`. 0 or -1. */
int	capture_expire(struct capture *, int64_t now_us);
/* Ends every flow (SIGTERM, end of file). 0 or -1. */
int	capture_flush(struct capture *);
/* Live: libpcap's drop counters into pcap_drop, pcap_ifdrop. */
void	capture_stats(struct capture *);
void	capture_free(struct capture *);

#endif
