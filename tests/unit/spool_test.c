/*
 * tests/unit/spool_test.c - the spool: records survive a reopen, a torn
 * or garbled tail is cut, Redis's top decides what is sent again, and
 * confirmed segments go after spool-keep (sooner when over the limit).
 * Also the emitter: ids strictly increase, one input's checkpoint a frame.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "emit.h"
#include "spool.h"

static char	 base[256], dir[300];

static int
setup(void **state)
{
	char	 tmpl[] = "/tmp/vigie-spool-test.XXXXXX";

	(void)state;
	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(base, sizeof(base), "%s", tmpl);
	snprintf(dir, sizeof(dir), "%s/spool", tmpl);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static struct streamid
sid(uint64_t ms, uint64_t seq)
{
	struct streamid	 id = { ms, seq };

	return id;
}

static void
append(struct spool *sp, uint64_t ms, const char *path, uint64_t off,
    size_t len)
{
	struct spool_cp	 cp = { path, 1, 2, off, 0 };
	char		*frame = malloc(len);

	assert_non_null(frame);
	memset(frame, (int)(ms & 0xff), len);
	assert_int_equal(spool_append(sp, sid(ms, 0), &cp, frame, len, 3), 0);
	free(frame);
}

/* The path of the last segment. */
static void
last_segment(char *buf, size_t len)
{
	char	 cmd[400];
	FILE	*fp;

	snprintf(cmd, sizeof(cmd), "ls '%s'/*.spool | tail -1", dir);
	assert_non_null(fp = popen(cmd, "r"));
	assert_non_null(fgets(buf, (int)len, fp));
	buf[strcspn(buf, "\n")] = '\0';
	pclose(fp);
}

static void
test_reopen_keeps_frames_and_checkpoints(void **state)
{
	struct spool			 sp;
	const struct spool_cp		*cp;
	const struct spool_frame	*f;
	char				*buf = NULL;
	size_t				 cap = 0;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	append(&sp, 100, "/var/log/a", 10, 50);
	append(&sp, 101, "/var/log/b", 20, 60);
	append(&sp, 102, "/var/log/a", 30, 70);
	assert_int_equal(spool_sync(&sp), 0);
	spool_close(&sp);

	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	assert_int_equal(sp.nframes, 3);
	assert_int_equal(sp.last.ms, 102);
	assert_non_null(cp = spool_checkpoint(&sp, "/var/log/a"));
	assert_int_equal(cp->off, 30);
	assert_non_null(cp = spool_checkpoint(&sp, "/var/log/b"));
	assert_int_equal(cp->off, 20);
	assert_null(spool_checkpoint(&sp, "/var/log/c"));
	/* Nothing known in Redis: all three go, bytes intact. */
	assert_int_equal(spool_rewind(&sp, sid(0, 0)), 0);
	assert_non_null(f = spool_next(&sp, &buf, &cap));
	assert_int_equal(f->len, 50);
	assert_int_equal((unsigned char)buf[49], 100);
	spool_close(&sp);
	free(buf);
}

/*
 * A file's head hash and the journal's cursor survive a reopen; a
 * checkpoint without
 * them is written in the first format, and read as before.
 */
static void
test_checkpoint_head_and_cursor(void **state)
{
	struct spool		 sp;
	const struct spool_cp	*cp;
	struct spool_cp		 a = { "/var/log/a", 1, 2, 300, 1 };
	struct spool_cp		 j = { "journal:", 0, 0, 0, 0 };
	char			 frame[16] = "x";

	(void)state;
	a.head = 0x1122334455667788ULL;
	a.headlen = 1024;
	j.cursor = "s=abc;i=2a;b=0123;m=f;t=5;x=9";
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	append(&sp, 100, "/var/log/old", 10, 16);
	assert_int_equal(spool_append(&sp, sid(101, 0), &a, frame, 16, 1), 0);
	assert_int_equal(spool_append(&sp, sid(102, 0), &j, frame, 16, 1), 0);
	j.cursor = "s=abc;i=2b;b=0123;m=f;t=6;x=9";
	assert_int_equal(spool_append(&sp, sid(103, 0), &j, frame, 16, 1), 0);
	assert_int_equal(spool_sync(&sp), 0);
	spool_close(&sp);

	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	assert_non_null(cp = spool_checkpoint(&sp, "/var/log/a"));
	assert_int_equal(cp->off, 300);
	assert_int_equal(cp->skip, 1);
	assert_true(cp->head == 0x1122334455667788ULL);
	assert_int_equal(cp->headlen, 1024);
	assert_null(cp->cursor);
	assert_non_null(cp = spool_checkpoint(&sp, "journal:"));
	assert_string_equal(cp->cursor, "s=abc;i=2b;b=0123;m=f;t=6;x=9");
	assert_non_null(cp = spool_checkpoint(&sp, "/var/log/old"));
	assert_int_equal(cp->off, 10);
	assert_int_equal(cp->headlen, 0);
	spool_close(&sp);
}

static void
test_torn_tail_is_cut(void **state)
{
	struct spool	 sp;
	char		 seg[512];
	struct stat	 st;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	append(&sp, 100, "/var/log/a", 10, 500);
	append(&sp, 101, "/var/log/a", 20, 500);
	assert_int_equal(spool_sync(&sp), 0);
	spool_close(&sp);
	last_segment(seg, sizeof(seg));
	assert_int_equal(stat(seg, &st), 0);
	assert_int_equal(truncate(seg, st.st_size - 100), 0);

	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	assert_int_equal(sp.nframes, 1);
	assert_int_equal(sp.last.ms, 100);
	assert_int_equal(spool_checkpoint(&sp, "/var/log/a")->off, 10);
	/* Appending after the cut gives a readable spool again. */
	append(&sp, 102, "/var/log/a", 30, 500);
	assert_int_equal(spool_sync(&sp), 0);
	spool_close(&sp);
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	assert_int_equal(sp.nframes, 2);
	assert_int_equal(sp.frames[1].id.ms, 102);
	spool_close(&sp);
}

static void
test_garbled_record_is_cut(void **state)
{
	struct spool	 sp;
	char		 seg[512];
	FILE		*fp;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	append(&sp, 100, "/var/log/a", 10, 500);
	append(&sp, 101, "/var/log/a", 20, 500);
	append(&sp, 102, "/var/log/a", 30, 500);
	assert_int_equal(spool_sync(&sp), 0);
	spool_close(&sp);
	last_segment(seg, sizeof(seg));
	/* One byte inside the second frame's bytes. */
	assert_non_null(fp = fopen(seg, "r+"));
	assert_int_equal(fseek(fp, -700, SEEK_END), 0);
	assert_int_equal(fputc('X', fp), 'X');
	fclose(fp);
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	assert_int_equal(sp.nframes, 1);
	spool_close(&sp);
}

static void
test_rewind_resends_what_redis_lost(void **state)
{
	struct spool			 sp;
	const struct spool_frame	*f;
	char				*buf = NULL;
	size_t				 cap = 0, i;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	for (i = 0; i < 5; i++)
		append(&sp, 100 + i, "/var/log/a", i, 40);
	assert_int_equal(spool_rewind(&sp, sid(0, 0)), 0);
	for (i = 0; i < 5; i++) {
		assert_non_null(spool_next(&sp, &buf, &cap));
		spool_confirm(&sp, 1000);
	}
	assert_null(spool_next(&sp, &buf, &cap));
	assert_int_equal(spool_pending(&sp, NULL), 0);
	/* Redis came back without its last two frames. */
	assert_int_equal(spool_rewind(&sp, sid(102, 0)), 2);
	assert_int_equal(spool_pending(&sp, NULL), 2);
	assert_non_null(f = spool_next(&sp, &buf, &cap));
	assert_int_equal(f->id.ms, 103);
	/* Redis holds more than we sent: nothing to send. */
	assert_int_equal(spool_rewind(&sp, sid(200, 0)), 0);
	assert_null(spool_next(&sp, &buf, &cap));
	spool_close(&sp);
	free(buf);
}

static void
test_trim_after_keep_or_over_limit(void **state)
{
	struct spool	 sp;
	char		*buf = NULL;
	size_t		 cap = 0, i, segs;

	(void)state;
	/* 1 MiB: segments of 128 KiB; 40 frames of 16 KiB make several. */
	assert_int_equal(spool_open(&sp, dir, 1 << 20, 60), 0);
	for (i = 0; i < 40; i++)
		append(&sp, 100 + i, "/var/log/a", i, 16384);
	segs = sp.nsegs;
	assert_true(segs >= 4);
	spool_rewind(&sp, sid(0, 0));
	for (i = 0; i < 20; i++) {
		assert_non_null(spool_next(&sp, &buf, &cap));
		spool_confirm(&sp, 1000);
	}
	/* Within spool-keep and under the limit: kept. */
	assert_false(spool_full(&sp));
	assert_int_equal(spool_trim(&sp, 1010), 0);
	assert_int_equal(sp.nsegs, segs);
	/* After spool-keep: confirmed segments go, the others stay. */
	assert_int_equal(spool_trim(&sp, 1061), 0);
	assert_true(sp.nsegs < segs);
	assert_int_equal(sp.frames[0].id.ms >= 100, 1);
	assert_int_equal(sp.nframes - sp.confirmed, 20);
	assert_int_equal(sp.frames[sp.confirmed].id.ms, 120);
	spool_close(&sp);
	free(buf);
}

static void
test_full_until_confirmed(void **state)
{
	struct spool	 sp;
	char		*buf = NULL;
	size_t		 cap = 0, i;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 20, 60), 0);
	for (i = 0; i < 80; i++)
		append(&sp, 100 + i, "/var/log/a", i, 16384);
	assert_true(spool_full(&sp));
	assert_int_equal(spool_trim(&sp, 1000), 0);
	assert_true(spool_full(&sp));	/* nothing confirmed: nothing goes */
	spool_rewind(&sp, sid(0, 0));
	while (spool_next(&sp, &buf, &cap) != NULL)
		spool_confirm(&sp, 1000);
	/* Over the limit, confirmed frames go before spool-keep. */
	assert_int_equal(spool_trim(&sp, 1000), 0);
	assert_false(spool_full(&sp));
	spool_close(&sp);
	free(buf);
}

static void
test_emitter_ids_and_checkpoints(void **state)
{
	struct spool	 sp;
	struct emitter	 e;
	struct event	 ev;
	struct spool_cp	 a = { "/var/log/a", 1, 1, 0, 0 };
	struct spool_cp	 b = { "/var/log/b", 1, 2, 0, 0 };
	size_t		 i;

	(void)state;
	assert_int_equal(spool_open(&sp, dir, 1 << 30, 60), 0);
	emit_init(&e, &sp, "web1", 4, 1 << 20);
	event_clear(&ev);
	event_set(&ev, EV_KIND, "log");
	event_set(&ev, EV_LINE, "hello");
	for (i = 0; i < 10; i++) {
		a.off = (i + 1) * 6;
		assert_int_equal(emit_event(&e, &ev, &a), 0);
	}
	/* Another input: the open frame of the first is sealed first. */
	b.off = 6;
	assert_int_equal(emit_event(&e, &ev, &b), 0);
	assert_int_equal(emit_flush(&e), 0);
	assert_int_equal(sp.nframes, 4);	/* 4 + 4 + 2 of a, 1 of b */
	assert_int_equal(sp.frames[2].nevents, 2);
	for (i = 1; i < sp.nframes; i++)
		assert_true(streamid_cmp(sp.frames[i - 1].id,
		    sp.frames[i].id) < 0);
	assert_int_equal(spool_checkpoint(&sp, "/var/log/a")->off, 60);
	assert_int_equal(spool_checkpoint(&sp, "/var/log/b")->off, 6);
	/* Ids stay above the last one even if the clock went back. */
	sp.last.ms = UINT64_C(1) << 60;
	sp.last.seq = 0;
	event_set(&ev, EV_LINE, "later");
	assert_int_equal(emit_event(&e, &ev, &a), 0);
	assert_int_equal(emit_flush(&e), 0);
	assert_int_equal(sp.frames[4].id.ms, UINT64_C(1) << 60);
	assert_int_equal(sp.frames[4].id.seq, 1);
	emit_free(&e);
	spool_close(&sp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_reopen_keeps_frames_and_checkpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_head_and_cursor,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail_is_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_garbled_record_is_cut,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_rewind_resends_what_redis_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_trim_after_keep_or_over_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_until_confirmed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_emitter_ids_and_checkpoints, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
