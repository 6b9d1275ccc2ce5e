/*
 * core/backup.h - the backup file format, version 1: records written and
 * read through a FILE, each bounded, the whole chained under a checksum.
 * Pure: no Redis (cli/backup.c dumps and restores the keys).
 *
 *   "VIGIE-BACKUP 1\n"
 *   record: u8 type | u32 body length | body                (little endian)
 *     'H' header, first: "name value\n" lines (prefix, created_ms,
 *         redis_version, host)
 *     'K' key: u64 absolute expiry in ms since the epoch (0: none) |
 *         u32 name length | name | u32 payload length | payload (DUMP)
 *     'E' end, last: u64 number of K records | u64 checksum of every
 *         record before it (type, length and body bytes, record by record)
 * Nothing may follow the end record.
 */
#ifndef VIGIE_BACKUP_H
#define VIGIE_BACKUP_H

#include <stdint.h>
#include <stdio.h>

#define BACKUP_MAGIC		"VIGIE-BACKUP 1\n"
#define BACKUP_KEY_MAX		(64u << 10)	/* a key name */
#define BACKUP_PAYLOAD_MAX	(1u << 30)	/* a DUMP payload */
#define BACKUP_HEADER_MAX	(64u << 10)

struct backup_w {
	FILE		*fp;
	uint64_t	 sum, keys, bytes;
	int		 err;		/* a write failed (errno kept) */
};

/* Writes the magic and the header record. Returns 0 or -1 (errno set). */
int	backup_w_open(struct backup_w *, FILE *, const char *header);
/* One key. Returns 0 or -1 (errno set). */
int	backup_w_key(struct backup_w *, const char *name, size_t namelen,
	    uint64_t expire_ms, const void *payload, size_t len);
/* The end record; the caller flushes, syncs and closes fp. 0 or -1. */
int	backup_w_close(struct backup_w *);

struct backup_r {
	FILE		*fp;
	const char	*path;		/* for messages */
	uint64_t	 off;		/* bytes read */
	uint64_t	 sum, keys;
	int		 done;		/* the end record was read and checked */
	char		*name;		/* the current key (NUL-terminated) */
	size_t		 namelen, namecap;
	uint64_t	 expire_ms;
	unsigned char	*payload;
	size_t		 len, paycap;
	char		*header;	/* NUL-terminated */
	char		 why[256];	/* what is wrong, and where */
};

/*
 * Reads the magic and the header. Returns 0, or -1 with r->why set
 * ("FILE: byte N: ...").
 */
int	backup_r_open(struct backup_r *, FILE *, const char *path);
/*
 * The next key into r->name, r->expire_ms, r->payload, r->len. Returns 1,
 * 0 once the end record was read and its count and checksum agree (and
 * nothing follows it), or -1 with r->why set.
 */
int	backup_r_next(struct backup_r *);
void	backup_r_free(struct backup_r *);
/* A header line's value ("prefix") into buf; NULL when absent. */
const char *backup_header_get(const char *header, const char *name, char *buf,
	    size_t len);

#endif
