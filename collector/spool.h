/*
 * collector/spool.h - the journal of every input: frames appended to
 * segment files under the state directory and fsync'd per batch, each
 * with its id and the checkpoint of the input it came from. Redis is fed
 * from here, so a frame is on disk before it is sent, and stays for
 * spool-keep seconds after Redis took it (re-sent if Redis lost it).
 */
#ifndef VIGIE_SPOOL_H
#define VIGIE_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "streamid.h"

/*
 * Where an input stands: a file's bytes consumed, inside an overlong
 * line, and the hash of its first bytes (its identity with dev and
 * ino); the journal's cursor. `path` names the input ("journal:..." for
 * the journal).
 */
struct spool_cp {
	const char	*path;		/* borrowed in calls; owned in the table */
	uint64_t	 dev, ino, off;
	int		 skip;		/* discarding the rest of a long line */
	uint64_t	 head;		/* hash of the first headlen bytes */
	uint32_t	 headlen;	/* 0: not known (an older spool) */
	const char	*cursor;	/* the journal's cursor, or NULL */
};

struct spool_frame {
	struct streamid	 id;
	size_t		 seg;		/* index into segs */
	uint64_t	 off;		/* of the frame bytes in the segment */
	uint32_t	 len;
	uint32_t	 nevents;
};

struct spool_seg {
	uint64_t	 no;
	int		 fd;
	uint64_t	 size;
	time_t		 done_at;	/* when its last frame was confirmed */
};

struct spool {
	char			*dir;
	struct spool_seg	*segs;
	size_t			 nsegs;
	struct spool_frame	*frames;
	size_t			 nframes, capframes;
	size_t			 sent;		/* frames[0..sent) sent */
	size_t			 confirmed;	/* frames[0..confirmed) in Redis */
	struct streamid		 last;		/* last id given out */
	struct spool_cp		*cps;
	size_t			 ncps;
	uint64_t		 bytes;		/* on disk */
	uint64_t		 max_bytes;
	int			 keep;		/* seconds */
	int			 dirty;		/* appended since the last sync */
	uint64_t		 dropped_kept;	/* confirmed frames cut early */
};

/*
 * Opens (creating) the spool directory `dir` and reads every segment:
 * the frames not known to be in Redis, the last id, each input's
 * checkpoint. A torn record at the end of the last segment (a crash in
 * mid-write) is cut off. Returns 0, or -1 after logging.
 */
int	spool_open(struct spool *, const char *dir, uint64_t max_bytes,
	    int keep);
void	spool_close(struct spool *);
/* Seeds an empty spool (first run after an older state file). 0 or -1. */
int	spool_seed(struct spool *, struct streamid last,
	    const struct spool_cp *cps, size_t ncps);
/* The saved checkpoint of `path`, or NULL. */
const struct spool_cp *spool_checkpoint(const struct spool *, const char *path);
/*
 * Appends a frame of nevents events with its id and the checkpoint its
 * input reaches (cp may be NULL: an input with no position). Not durable
 * until spool_sync(). Returns 0 or -1 after logging.
 */
int	spool_append(struct spool *, struct streamid id,
	    const struct spool_cp *cp, const void *frame, size_t len,
	    uint32_t nevents);
/* fdatasync()s what was appended. Returns 0 or -1 after logging. */
int	spool_sync(struct spool *);
/*
 * After (re)connecting: Redis's stream ends at `top`. Frames above it
 * are to be sent (again), those at or below it are in Redis. Returns
 * how many confirmed frames Redis no longer has (to be re-sent).
 */
size_t	spool_rewind(struct spool *, struct streamid top);
/* The next frame to send into *buf (grown as needed), or NULL. */
const struct spool_frame *spool_next(struct spool *, char **buf, size_t *cap);
/* The oldest sent frame is in Redis. */
void	spool_confirm(struct spool *, time_t now);
/*
 * Deletes segments whose frames are all in Redis and older than keep
 * seconds (sooner when over max_bytes). Returns 0 or -1 after logging.
 */
int	spool_trim(struct spool *, time_t now);
/* Over spool-max-bytes even after trimming: inputs that can wait, wait. */
int	spool_full(const struct spool *);
/* Frames and events not yet in Redis. */
size_t	spool_pending(const struct spool *, uint64_t *events);

#endif
