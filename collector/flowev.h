/*
 * collector/flowev.h - a flow leaving the table as a `flow` event: its
 * counters, state and times, the client's payload and what appmeta.c
 * reads in it. Pure; shared by capture.c and vigie rules test.
 */
#ifndef VIGIE_FLOWEV_H
#define VIGIE_FLOWEV_H

#include <netinet/in.h>

#include "appmeta.h"
#include "conf.h"
#include "event.h"
#include "flow.h"

/* The event's text values; it lives as long as the event is used. */
struct flowev {
	char		 src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char		 sp[8], dp[8], pr[8], n[4][24], fl[4], ts[24], te[24];
	char		 gaps[12], it[8], ic[8], vl[8];
	struct appmeta	 am;
};

/* The flow table's settings from the config. */
void	flowev_conf(const struct conf *, struct flowconf *);

/*
 * Fills ev from f; the payload goes into pay (paymax bytes) and ev
 * points into pay and b.
 */
void	flowev_make(const struct flow *f, uint8_t *pay, uint32_t paymax,
	    struct flowev *b, struct event *ev);

#endif
