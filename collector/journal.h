/*
 * collector/journal.h - the systemd journal as an input (sd_journal):
 * entries from the checkpoint's cursor, each an event through the
 * parser its SYSLOG_IDENTIFIER names.
 */
#ifndef VIGIE_JOURNAL_H
#define VIGIE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "conf.h"
#include "emit.h"
#include "journal_entry.h"
#include "parse.h"

struct sd_journal;

struct journal {
	struct sd_journal	*j;
	char			 name[300];	/* "journal:<dir>" or "journal:" */
	struct spool_cp		 cp;		/* cp.path is name */
	char			*cur, *prev;	/* cursors: the last two emitted */
	struct event		*ev;		/* the journal's fd: wakeups */
	struct event		*wake;		/* borrowed: the tick */
	struct jentry		 je;		/* what an event borrows */
	char			*fbuf;		/* the entry's fields, copied */
	size_t			 fcap;
	struct parse_buf	 pb;
	int			 eof;
	uint64_t		 entries, recognised, no_header;
};

/*
 * Opens the journal (conf->journal_dir, else the system's), adds
 * conf->journal's matches and seeks past the saved cursor. `wake` is
 * made active when the journal changes (may be NULL). 0, or -1 after
 * logging.
 */
int	journal_open(struct journal *, const struct conf *,
	    const struct spool *, struct event_base *, struct event *wake);
/*
 * Reads at most `budget` entries into the emitter. Returns how many
 * (0: nothing new, j->eof set), or -1 after logging.
 */
long	journal_read(struct journal *, struct emitter *, size_t budget);
void	journal_close(struct journal *);

#endif
