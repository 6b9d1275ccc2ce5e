/*
 * core/streamid.h - Redis stream ids "<ms>-<seq>": the frame ids the
 * collector gives out and every reader parses.
 */
#ifndef VIGIE_STREAMID_H
#define VIGIE_STREAMID_H

#include <stddef.h>
#include <stdint.h>

struct streamid {
	uint64_t	 ms;
	uint64_t	 seq;
};

/* The id after `id`: same millisecond, next sequence. */
struct streamid	streamid_next(struct streamid id);
int		streamid_cmp(struct streamid, struct streamid);
/* Parses "<ms>-<seq>". Returns 0 or -1. */
int		streamid_parse(const char *, struct streamid *);
/* Formats "<ms>-<seq>" into buf (at least 42 bytes); returns buf. */
char		*streamid_fmt(struct streamid, char *buf, size_t len);

#endif
