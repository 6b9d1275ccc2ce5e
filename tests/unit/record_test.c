/*
 * tests/unit/record_test.c - frames into the commit function's arguments
 * (commit.lua's layout): sums per frame and day, detections with their
 * rule numbers, a frame that cannot be decoded recorded dead, whole.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "daytime.h"
#include "record.h"
#include "redis.h"

#define NOV20_2359	"1795219140000000"	/* 2026-11-20 23:59:00 UTC */
#define NOV21_0001	"1795219260000000"	/* 2026-11-21 00:01:00 UTC */

struct fix {
	struct conf	 conf;
	struct ruleset	 rs;
	struct detector	 d;
	struct recorder	 rec;
	struct frame_enc fe;
	struct fargs	 call;
};

static int
setup(void **state)
{
	struct fix	*f;
	char		 path[] = "/tmp/vigie-record-test.XXXXXX.yar";
	char		*paths[1] = { path };
	FILE		*fp;
	int		 fd;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    yr_initialize() != ERROR_SUCCESS || conf_init(&f->conf) == -1 ||
	    daytime_set_zone("UTC") == -1)
		return -1;
	if ((fd = mkstemps(path, 4)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs("rule other { condition: action == \"never\" }\n"
	    "rule fail { meta: category = \"bruteforce\" group_by = \"user\" "
	    "condition: action == \"auth_fail\" }\n"
	    "rule root { condition: user == \"root\" }\n", fp);
	if (fclose(fp) != 0 || ruleset_load(&f->rs, paths, 1) == -1)
		return -1;
	unlink(path);
	f->d.conf = &f->conf;
	f->d.rs = &f->rs;
	if ((f->d.sc = scanner_new(&f->rs)) == NULL)
		return -1;
	record_init(&f->rec, &f->d);
	frame_enc_init(&f->fe, 0, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	fargs_free(&f->call);
	frame_enc_free(&f->fe);
	record_free(&f->rec);
	scanner_free(f->d.sc);
	ruleset_free(&f->rs);
	conf_free(&f->conf);
	free(f);
	yr_finalize();
	return 0;
}

static void
add(struct fix *f, const char *ts, const char *src, const char *action,
    const char *user)
{
	struct event	 ev;

	event_clear(&ev);
	event_set(&ev, EV_KIND, "log");
	event_set(&ev, EV_TS, ts);
	event_set(&ev, EV_SRC_IP, src);
	event_set(&ev, EV_PROGRAM, "sshd");
	event_set(&ev, EV_ACTION, action);
	event_set(&ev, EV_USER, user);
	event_set(&ev, EV_LINE, "a line");
	assert_int_equal(frame_add(&f->fe, &ev), 0);
}

/* The call's arguments from index `from`, joined by spaces. */
static const char *
args(const struct fargs *a, size_t from, size_t n)
{
	static char	 out[4096];
	const char	*s;
	size_t		 i, len, o = 0;

	out[0] = '\0';
	for (i = from; i < from + n && i < a->n; i++) {
		s = fargs_get(a, i, &len);
		assert_true(o + len + 2 < sizeof(out));
		if (i > from)
			out[o++] = ' ';
		memcpy(out + o, s, len);
		o += len;
		out[o] = '\0';
	}
	return out;
}

/* The index of the first argument equal to s from `from` on. */
static size_t
find(const struct fargs *a, size_t from, const char *s)
{
	size_t	 i;

	for (i = from; i < a->n; i++)
		if (strcmp(fargs_get(a, i, NULL), s) == 0)
			return i;
	fail_msg("no argument \"%s\"", s);
	return 0;
}

static void
test_frame_sums_and_detections(void **state)
{
	struct fix	*f = *state;
	const void	*buf;
	const char	*why, *s;
	char		 want[128];
	size_t		 len, i;

	assert_int_equal(frame_begin(&f->fe, "web1"), 0);
	add(f, NOV20_2359, "198.51.100.7", "auth_fail", "root");
	add(f, NOV20_2359, "10.0.0.1", "auth_ok", "deploy");
	add(f, NOV21_0001, "::ffff:198.51.100.7", "auth_fail", "admin");
	buf = frame_data(&f->fe, &len);
	record_begin(&f->rec);
	assert_int_equal(record_frame(&f->rec, "1000-5", buf, len, &why), 0);
	fargs_reset(&f->call);
	record_call(&f->rec, &f->call, &f->conf, "vigie:ev:{web1}",
	    "correlators");

	assert_string_equal(args(&f->call, 0, 5),
	    "FCALL vigie_commit_v4 1 vigie:ev:{web1} correlators");
	assert_string_equal(args(&f->call, 9, 2), "1000 10000");
	/* Two rules hit, numbered in order of first use. */
	assert_string_equal(args(&f->call, 11, 15),
	    "2 fail bruteforce medium 1 600 user 0 "
	    "root uncategorised medium 1 600 src_ip 1");
	/*
	 * Once a call, before the frames, what is the same whoever writes
	 * it: the largest last hit, each source's country, the sketches.
	 */
	assert_true(find(&f->call, 26, "rules:stats") <
	    find(&f->call, 26, "1000-5"));
	i = find(&f->call, 26, "rules:stats");
	assert_string_equal(args(&f->call, i - 1, 3), "M rules:stats 2");
	assert_true(find(&f->call, 26, "day:2026-11-20:uniq") <
	    find(&f->call, 26, "1000-5"));
	assert_true(find(&f->call, 26, "day:2026-11-20:source_country") <
	    find(&f->call, 26, "1000-5"));
	/* The frame: 3 events, and 3 detections (fail, root, fail). */
	i = find(&f->call, 26, "1000-5");
	assert_string_equal(args(&f->call, i, 2), "1000-5 F");
	assert_string_equal(args(&f->call, i + 2, 1), "3");
	assert_string_equal(args(&f->call, i + 4, 1), "3");
	i = find(&f->call, i, "day:2026-11-20:totals");
	assert_string_equal(args(&f->call, i, 10),
	    "day:2026-11-20:totals 4 detections 2 events 2 external 2 "
	    "unknown_country 2");
	i = find(&f->call, i, "day:2026-11-21:totals");
	assert_string_equal(args(&f->call, i, 10),
	    "day:2026-11-21:totals 4 detections 1 events 1 external 1 "
	    "unknown_country 1");
	i = find(&f->call, 26, "day:2026-11-20:sources");
	assert_string_equal(args(&f->call, i, 4),
	    "day:2026-11-20:sources 1 198.51.100.7 2");
	i = find(&f->call, find(&f->call, 26, "1000-5"), "rules:stats");
	assert_string_equal(args(&f->call, i - 1, 7),
	    "H rules:stats 2 fail:hits 2 root:hits 1");
	i = find(&f->call, 26, "det:2026-11-20");
	assert_string_equal(args(&f->call, i - 1, 3), "X det:2026-11-20 2");
	/*
	 * Detections in blocks, one per rule and group: "<rule#>\t<n>\t
	 * <group>", then each detection in one argument: its time (16 hex
	 * digits), day, source, country, sensor, event id; the event's other
	 * fields in JSON.
	 */
	i = find(&f->call, 26, "1\t1\tadmin");
	snprintf(want, sizeof(want), "%016" PRIx64 "\t"
	    "2026-11-21\t198.51.100.7\t\tweb1\t1000-5/2\n{",
	    (uint64_t)strtoull(NOV21_0001, NULL, 10));
	s = fargs_get(&f->call, i + 1, NULL);
	assert_int_equal(strncmp(s, want, strlen(want)), 0);
	assert_null(strstr(s, "\"id\""));
	assert_null(strstr(s, "\"src_ip\""));
	assert_non_null(strstr(s, "\"user\":\"admin\""));
	assert_int_equal(f->rec.nframes, 1);
}

static void
test_undecodable_frame_records_nothing(void **state)
{
	struct fix	*f = *state;
	const void	*buf;
	const char	*why;
	size_t		 len;

	assert_int_equal(frame_begin(&f->fe, "web1"), 0);
	add(f, NOV20_2359, "198.51.100.7", "auth_fail", "root");
	add(f, NOV20_2359, "198.51.100.8", "auth_fail", "root");
	buf = frame_data(&f->fe, &len);
	record_begin(&f->rec);
	/* The first event is sound, the second cut: none of it counts. */
	assert_int_equal(record_frame(&f->rec, "1000-6", buf, len - 3, &why),
	    -1);
	assert_string_equal(why, "truncated field");
	assert_int_equal(f->rec.nframes, 0);
	assert_int_equal(f->rec.body.n, 0);
	record_dead(&f->rec, "1000-6", why, buf, 4);
	fargs_reset(&f->call);
	record_call(&f->rec, &f->call, &f->conf, "s", "g");
	assert_string_equal(args(&f->call, 11, 6),
	    "0 0 1000-6 D truncated field VGF\001");
	assert_int_equal(f->call.n, 17);
	assert_int_equal(record_frame(&f->rec, "1000-7", "VGF\002", 4, &why),
	    -1);
	assert_string_equal(why, "not a frame");
}

static void
test_rule_numbers_start_again_per_call(void **state)
{
	struct fix	*f = *state;
	const void	*buf;
	const char	*why;
	size_t		 len;

	assert_int_equal(frame_begin(&f->fe, "web1"), 0);
	add(f, NOV20_2359, "198.51.100.7", "auth_fail", "admin");
	buf = frame_data(&f->fe, &len);
	record_begin(&f->rec);
	assert_int_equal(record_frame(&f->rec, "1-0", buf, len, &why), 0);
	record_begin(&f->rec);
	assert_int_equal(f->rec.nframes, 0);
	assert_int_equal(frame_begin(&f->fe, "web1"), 0);
	add(f, NOV20_2359, "198.51.100.7", "auth_ok", "root");
	buf = frame_data(&f->fe, &len);
	assert_int_equal(record_frame(&f->rec, "2-0", buf, len, &why), 0);
	fargs_reset(&f->call);
	record_call(&f->rec, &f->call, &f->conf, "s", "g");
	assert_string_equal(args(&f->call, 11, 8),
	    "1 root uncategorised medium 1 600 src_ip 1");
	/*
	 * The once-a-call sums are the second frame's only: its rule's last
	 * hit, its source's country and sketch (3 groups, 14 arguments).
	 */
	assert_string_equal(args(&f->call, 19, 6),
	    "3 M rules:stats 1 root:last_hit " NOV20_2359);
	assert_int_equal(find(&f->call, 19, "2-0"), 20 + 14);
}

/* A number argument of a call. */
static size_t
num(const struct fargs *a, size_t i)
{
	return (size_t)strtoull(fargs_get(a, i, NULL), NULL, 10);
}

/*
 * Two streams' frames and a dead one, split over 4 partitions
 * (record_part_calls()): each frame's events count in the partition of
 * its origin only; a source's counters and sketches, a rule and group's
 * detections, go to their own partition; each call names what it holds.
 */
static void
test_split_over_partitions(void **state)
{
	struct fix	*f = *state;
	struct fargs	 calls[4], origins[4];
	const void	*buf;
	const char	*why, *a, *origin, *kind, *op;
	char		 head[128], name[300];
	size_t		 len, i, j, n, nev, ng, nb, e, per, events = 0;
	size_t		 frames = 0, dead = 0, blocks = 0, used = 0;
	int		 k;

	memset(calls, 0, sizeof(calls));
	memset(origins, 0, sizeof(origins));
	record_begin(&f->rec);
	record_stream(&f->rec, "vigie:ev:{web1}");
	assert_int_equal(frame_begin(&f->fe, "web1"), 0);
	add(f, NOV20_2359, "198.51.100.7", "auth_fail", "root");
	add(f, NOV20_2359, "203.0.113.9", "auth_fail", "admin");
	add(f, NOV21_0001, "192.0.2.44", "auth_fail", "oracle");
	buf = frame_data(&f->fe, &len);
	assert_int_equal(record_frame(&f->rec, "1000-5", buf, len, &why), 0);
	record_stream(&f->rec, "vigie:ev:{web2}");
	assert_int_equal(frame_begin(&f->fe, "web2"), 0);
	add(f, NOV20_2359, "198.51.100.7", "auth_fail", "root");
	add(f, NOV20_2359, "198.51.100.8", "auth_fail", "test");
	buf = frame_data(&f->fe, &len);
	assert_int_equal(record_frame(&f->rec, "1000-6", buf, len, &why), 0);
	record_dead(&f->rec, "1000-7", "bad magic", "xyz", 3);
	record_part_calls(&f->rec, calls, origins, 4, 0, &f->conf);

	for (k = 0; k < 4; k++) {
		if (calls[k].n == 0) {
			assert_int_equal(origins[k].n, 0);
			continue;
		}
		used++;
		snprintf(head, sizeof(head), "FCALL vigie_part_v1 1 "
		    "vigie:{p%d.%u}:pdone 4/%d vigie:{p%d.%u}:", k,
		    parts_tag(4, k), k, k, parts_tag(4, k));
		assert_string_equal(args(&calls[k], 0, 6), head);
		i = 11 + 1 + 7 * num(&calls[k], 11);	/* past the rules */
		/* Once a call: field by field, each in its partition. */
		for (ng = num(&calls[k], i++); ng > 0; ng--) {
			op = fargs_get(&calls[k], i, NULL);
			n = num(&calls[k], i + 2);
			per = op[0] == 'P' ? 1 : 2;
			for (e = i + 3; e < i + 3 + n * per; e += per) {
				a = fargs_get(&calls[k], e, &len);
				assert_int_equal(parts_of(a, len, 4), k);
			}
			i += 3 + n * per;
		}
		for (j = 0; i < calls[k].n; j++) {
			origin = fargs_get(&calls[k], i, &len);
			assert_string_equal(fargs_get(&origins[k], j, NULL),
			    origin);
			kind = fargs_get(&calls[k], i + 1, NULL);
			if (kind[0] == 'D') {
				assert_int_equal(parts_of(origin, len, 4), k);
				assert_string_equal(origin,
				    "1000-7\tvigie:ev:{web2}");
				dead++;
				i += 4;
				continue;
			}
			nev = num(&calls[k], i + 2);
			assert_int_equal(nev > 0, parts_of(origin, len, 4) ==
			    k);
			events += nev;
			frames += nev > 0;
			ng = num(&calls[k], i + 3);
			nb = num(&calls[k], i + 4);
			for (i += 6; ng > 0; ng--) {
				op = fargs_get(&calls[k], i, NULL);
				a = fargs_get(&calls[k], i + 1, NULL);
				n = num(&calls[k], i + 2);
				per = op[0] == 'P' ? 1 : 2;
				/* A source's counters: its partition. */
				for (e = i + 3; strstr(a, ":sources") != NULL &&
				    e < i + 3 + n * per; e += per) {
					a = fargs_get(&calls[k], e, &len);
					assert_int_equal(parts_of(a, len, 4),
					    k);
				}
				i += 3 + n * per;
			}
			for (; nb > 0; nb--, blocks++) {
				/* "<rule#>\t<n>\t<group>": the rule's name
				 * and the group pick the partition. */
				a = fargs_get(&calls[k], i, &len);
				n = strtoull(strchr(a, '\t') + 1, NULL, 16);
				snprintf(name, sizeof(name), "%s\t%s",
				    fargs_get(&calls[k], 11 + 1 + 7 *
				    (strtoull(a, NULL, 16) - 1), NULL),
				    strchr(strchr(a, '\t') + 1, '\t') + 1);
				assert_int_equal(parts_of(name, strlen(name),
				    4), k);
				i += 1 + n;
			}
		}
		assert_int_equal(j, origins[k].n);
	}
	assert_true(used >= 2);		/* spread, not all in one */
	assert_int_equal(events, 5);
	assert_int_equal(frames, 2);
	assert_int_equal(dead, 1);
	/* fail (by user: 5 users) and root (by source: 1, twice). */
	assert_true(blocks >= 6);
	for (k = 0; k < 4; k++) {
		fargs_free(&calls[k]);
		fargs_free(&origins[k]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_sums_and_detections),
		cmocka_unit_test(test_undecodable_frame_records_nothing),
		cmocka_unit_test(test_rule_numbers_start_again_per_call),
		cmocka_unit_test(test_split_over_partitions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
