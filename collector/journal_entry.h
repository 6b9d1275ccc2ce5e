/*
 * collector/journal_entry.h - one journal entry's fields into an event:
 * the pure half of the journal input (journal.c reads the fields with
 * sd_journal, this turns them into an event). No libsystemd here.
 */
#ifndef VIGIE_JOURNAL_ENTRY_H
#define VIGIE_JOURNAL_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "parse.h"

/*
 * One field as sd_journal_get_data() gives it: "NAME=value", len bytes,
 * binary (NUL bytes allowed), not NUL-terminated.
 */
struct jfield {
	const char	*data;
	size_t		 len;
};

/* The fields journal_entry_event() reads, NULL-terminated. */
#define JOURNAL_NAMES	9
extern const char *const journal_field_names[JOURNAL_NAMES + 1];

/* What an entry's event borrows: owned by the reader, reused. */
struct jentry {
	char		 host[256], prog[64], pid[16], unit[256];
	char		 sevname[16], facname[16];
	char		*line;		/* the entry as a syslog line */
	size_t		 linecap;
};

/*
 * The event of an entry from its fields f[0..n) (any order; of a name
 * given twice the first counts; one without '=' or not read is ignored)
 * and its realtime timestamp `us` (at most 9999-12-31): the entry is written as a syslog line
 * ("ts host prog[pid]: MESSAGE") that the syslog parser reads, then unit,
 * severity and facility are set from their fields. Host, program, pid and
 * unit keep printable ASCII only ('_' for the rest), host and program no
 * ':', '[' or ']' (an identifier "sshd[1]:" cannot write the header). ev borrows je and pb.
 * Returns the parse result, or -1 when out of memory.
 */
int	journal_entry_event(const struct jfield *f, size_t n, uint64_t us,
	    struct jentry *je, struct parse_buf *pb, struct event *ev);
void	jentry_free(struct jentry *);

#endif
