/*
 * collector/journal.c - read the systemd journal through libsystemd's
 * sd_journal API, from the cursor kept in the emitter's checkpoint.
 * Owns the sd_journal handle. Calls journal_entry.c and emit.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "journal.h"
#include "log.h"

static void
journal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct journal	*jr = arg;

	(void)fd;
	(void)what;
	if (sd_journal_process(jr->j) != SD_JOURNAL_NOP && jr->wake != NULL)
		event_active(jr->wake, EV_TIMEOUT, 0);
}

int
journal_open(struct journal *jr, const struct conf *conf,
    const struct spool *sp, struct event_base *base, struct event *wake)
{
	const struct spool_cp	*saved;
	size_t			 i;
	int			 r, fd;

	memset(jr, 0, sizeof(*jr));
	snprintf(jr->name, sizeof(jr->name), "journal:%s",
	    conf->journal_dir != NULL ? conf->journal_dir : "");
	jr->cp.path = jr->name;
	jr->wake = wake;
	if (conf->journal_dir != NULL)
		r = sd_journal_open_directory(&jr->j, conf->journal_dir, 0);
	else
		r = sd_journal_open(&jr->j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		log_warnx("journal %s: %s", conf->journal_dir ?
		    conf->journal_dir : "(system)", strerror(-r));
		return -1;
	}
	/* Matches of one field are alternatives; of different fields, all. */
	for (i = 0; i < conf->journal.n; i++)
		if (strcmp(conf->journal.v[i], "*") &&
		    (r = sd_journal_add_match(jr->j, conf->journal.v[i], 0)) <
		    0) {
			log_warnx("journal match %s: %s", conf->journal.v[i],
			    strerror(-r));
			return -1;
		}
	if ((saved = spool_checkpoint(sp, jr->name)) != NULL &&
	    saved->cursor != NULL) {
		if ((r = sd_journal_seek_cursor(jr->j, saved->cursor)) < 0) {
			log_warnx("journal: cursor %s: %s", saved->cursor,
			    strerror(-r));
			return -1;
		}
		/* The saved entry itself was emitted: step over it. */
		if ((r = sd_journal_next(jr->j)) > 0 &&
		    sd_journal_test_cursor(jr->j, saved->cursor) <= 0 &&
		    sd_journal_previous(jr->j) < 0)
			r = -1;
		if (r < 0) {
			log_warnx("journal: after the saved cursor: %s",
			    strerror(-r));
			return -1;
		}
		if ((jr->cur = strdup(saved->cursor)) == NULL)
			return -1;
		jr->cp.cursor = jr->cur;
	} else if ((r = sd_journal_seek_head(jr->j)) < 0) {
		log_warnx("journal: seek: %s", strerror(-r));
		return -1;
	}
	if (base != NULL && (fd = sd_journal_get_fd(jr->j)) >= 0 &&
	    ((jr->ev = event_new(base, fd, EV_READ | EV_PERSIST, journal_cb,
	    jr)) == NULL || event_add(jr->ev, NULL) == -1)) {
		log_warnx("journal: cannot watch it");
		return -1;
	}
	return 0;
}

/*
 * The fields of the current entry that journal_entry_event() reads,
 * copied as each is read: sd_journal_get_data() may give a compressed
 * field in a buffer that the next call reuses or moves. Returns how
 * many, or -1 when out of memory.
 */
static int
journal_fields(struct journal *jr, struct jfield *f)
{
	const void	*d;
	size_t		 l, off[JOURNAL_NAMES], len[JOURNAL_NAMES], used = 0;
	int		 i, n = 0;

	for (i = 0; journal_field_names[i] != NULL; i++) {
		if (sd_journal_get_data(jr->j, journal_field_names[i], &d, &l) <
		    0)
			continue;
		if (used + l > jr->fcap) {
			size_t	 cap = (used + l) * 2;
			char	*nb = realloc(jr->fbuf, cap);

			if (nb == NULL)
				return -1;
			jr->fbuf = nb;
			jr->fcap = cap;
		}
		memcpy(jr->fbuf + used, d, l);
		off[n] = used;
		len[n++] = l;
		used += l;
	}
	for (i = 0; i < n; i++) {
		f[i].data = jr->fbuf + off[i];
		f[i].len = len[i];
	}
	return n;
}

/* The current entry: one event. */
static int
journal_entry(struct journal *jr, struct emitter *e)
{
	struct jfield	 f[JOURNAL_NAMES];
	struct event	 ev;
	uint64_t	 us;
	char		*cur;
	int		 r, n;

	if ((r = sd_journal_get_cursor(jr->j, &cur)) < 0) {
		log_warnx("journal: cursor: %s", strerror(-r));
		return -1;
	}
	if (sd_journal_get_realtime_usec(jr->j, &us) < 0)
		us = (uint64_t)time(NULL) * 1000000;
	if ((n = journal_fields(jr, f)) == -1 ||
	    (r = journal_entry_event(f, (size_t)n, us, &jr->je, &jr->pb,
	    &ev)) == -1) {
		free(cur);
		log_warnx("%s: out of memory", __func__);
		return -1;
	}
	switch (r) {
	case PARSE_RECOGNISED: jr->recognised++; break;
	case PARSE_NO_HEADER: jr->no_header++; break;
	default: break;
	}
	jr->entries++;
	/* The emitter may still hold the previous cursor: freed after. */
	free(jr->prev);
	jr->prev = jr->cur;
	jr->cur = cur;
	jr->cp.cursor = cur;
	return emit_event(e, &ev, &jr->cp);
}

long
journal_read(struct journal *jr, struct emitter *e, size_t budget)
{
	size_t	 n = 0;
	int	 r;

	sd_journal_process(jr->j);
	while (n < budget) {
		if ((r = sd_journal_next(jr->j)) < 0) {
			log_warnx("journal: next: %s", strerror(-r));
			return -1;
		}
		if (r == 0) {
			jr->eof = 1;
			return (long)n;
		}
		if (journal_entry(jr, e) == -1)
			return -1;
		n++;
	}
	jr->eof = 0;
	return (long)n;
}

void
journal_close(struct journal *jr)
{
	if (jr->ev != NULL)
		event_free(jr->ev);
	if (jr->j != NULL)
		sd_journal_close(jr->j);
	free(jr->cur);
	free(jr->prev);
	free(jr->fbuf);
	jentry_free(&jr->je);
	parse_buf_free(&jr->pb);	/* the sshd carry table */
	memset(jr, 0, sizeof(*jr));
}
