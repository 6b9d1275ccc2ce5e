/*
 * correlator/alerts.h - the SIEM exporter: reads <prefix>alerts with the
 * consumer group "exporters" and writes each alert as one EVE line to
 * alert-file and/or one RFC 5424 datagram to alert-syslog, then XACKs.
 * One thread in a serving correlator; in the calling thread with --drain.
 */
#ifndef VIGIE_ALERTS_H
#define VIGIE_ALERTS_H

#include <signal.h>

struct conf;
struct alerts;

#define ALERTS_GROUP	"exporters"

/*
 * Opens the outputs conf names (the file O_APPEND, created 0640; the
 * syslog target's address resolved). Sets *out NULL when neither
 * alert-file nor alert-syslog is set. The conf is copied from; `host`
 * names the consumer and the syslog HOSTNAME; `stop` is polled. Returns
 * 0, or -1 after logging (the file or the address named). With nparts
 * partitions it reads each one's stream (DESIGN.md, "Partitions").
 */
int	 alerts_open(const struct conf *, const char *host, int nparts,
	    int cluster, volatile sig_atomic_t *stop, struct alerts **out);

/*
 * Starts the exporter thread (every signal blocked in it): it exports
 * until alerts_stop(), reconnecting to Redis and retrying its outputs
 * with a pause. Returns 0, or -1 (logged).
 */
int	 alerts_start(struct alerts *);

/* Stops and joins the thread. */
void	 alerts_stop(struct alerts *);

/*
 * Exports, in the calling thread, every alert there is now: new ones,
 * this consumer's pending ones, and those other consumers left pending
 * (claimed at once). Returns 0, or -1 on the first failure (logged):
 * what was not written stays pending for the next exporter.
 */
int	 alerts_drain(struct alerts *);

/* Closes the outputs and frees a; NULL is a no-op. */
void	 alerts_free(struct alerts *);

#endif
