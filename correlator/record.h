/*
 * correlator/record.h - a batch of frames as the commit function's
 * arguments (commit.lua's layout): each frame decoded, its events judged
 * (detect.c), its counters summed (tally.c) and its detections listed;
 * a frame that cannot be decoded as dead, with its reason. Pure: no Redis.
 */
#ifndef VIGIE_RECORD_H
#define VIGIE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "detect.h"
#include "fargs.h"
#include "tally.h"

#define COMMIT_FUNCTION		"vigie_commit_v4"
#define COMMIT_PART_FUNCTION	"vigie_part_v1"
#define COMMIT_DET_MAXLEN	"1000"	/* det:<d>: one entry per frame */
#define COMMIT_DEAD_MAXLEN	"10000"
/*
 * Detections in one call, about: a read takes fewer frames than `batch`
 * when the last one's frames held more detections (consume.c), so that
 * one call holds Redis for a bounded time however late its detections
 * come (late ones cost most). One call a read: a pipeline of several
 * would hold the worker's write until Redis had run all but the last.
 */
#define COMMIT_MAX_DETECTIONS	2048

struct frameday;
struct recpart;

struct recorder {
	struct detector		 det;		/* borrowed parts; see detect.h */
	struct fargs		 body;		/* the frames recorded */
	size_t			 nframes;
	size_t			 calldets;	/* detections in the call */
	int			*rslot;		/* rule -> its number in the call */
	uint32_t		*rused;		/* the rules the call names */
	size_t			 nrused;
	/*
	 * What may be written whether or not a frame's XACK returns 1
	 * (HSET of the same value, PFADD, the largest last hit): summed
	 * over the call, sent once, before the frames.
	 */
	struct tally		 once;
	size_t			 once_last;	/* rules:stats HMAX key */
	/* The frame being judged. */
	struct tally		 tally;
	struct fargs		 dets;		/* its blocks, in order */
	struct fargs		 fdet;		/* group, detection; ... */
	int			*dslot;		/* each detection's rule */
	size_t			*dord;		/* detections in block order */
	size_t			 ndets, dcap, nblocks;
	struct frameday		*days;
	size_t			 ndays, capdays;

	/*
	 * Partition mode (record_stream(), record_part_calls()): the stream
	 * of the frames being recorded, whose origins "<id>\t<stream>" then
	 * name them, and the per-partition pieces of the call being split.
	 */
	const char		*stream;
	struct recpart		*parts;
	int			 nparts;

	uint64_t		 detections;	/* over its lifetime */
	uint64_t		 judge_us;	/* time spent judging events */
};

/* d is copied (its parts stay borrowed). Out of memory is fatal. */
void	record_init(struct recorder *, const struct detector *d);
void	record_free(struct recorder *);
/* Forgets the frames recorded: starts the next call. */
void	record_begin(struct recorder *);
/*
 * Decodes the frame with stream id `id`, judges its events and records
 * its sums and detections. Returns 0, or -1 with a static reason in *why
 * when the frame cannot be decoded: then nothing of it was recorded.
 */
int	record_frame(struct recorder *, const char *id, const void *buf,
	    size_t len, const char **why);
/* Records a frame that could not be decoded, with its bytes as they are. */
void	record_dead(struct recorder *, const char *id, const char *why,
	    const void *buf, size_t len);
/*
 * Appends to fa the FCALL of the frames recorded since record_begin(),
 * for that stream and consumer group.
 */
void	record_call(struct recorder *, struct fargs *fa, const struct conf *,
	    const char *stream, const char *group);

/*
 * Partition mode: the frames recorded after this call are of `stream`
 * (borrowed until record_part_calls()), and their arguments name each by
 * its origin, "<id>\t<stream>".
 */
void	record_stream(struct recorder *, const char *stream);
/*
 * Partition mode: splits the frames recorded since record_begin(), of
 * any streams, over nparts partitions (DESIGN.md, "Partitions"): calls[k]
 * gets the FCALL vigie_part_v1 of partition k, or nothing when k has no
 * part of them, and origins[k] the origins it names. A frame's day
 * totals, rule hits, det:<d> entry or dead letter go to the partition of
 * its origin; a source's counters and HyperLogLog members to the
 * partition of the source; a rule and group's detections to the
 * partition of "<rule>\t<group>"; a rule's last hit to the partition of
 * its field.
 */
void	record_part_calls(struct recorder *, struct fargs *calls,
	    struct fargs *origins, int nparts, int cluster,
	    const struct conf *);

#endif
