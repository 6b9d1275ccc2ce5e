# Vigie: make builds bin/vigie-collector, bin/vigie-correlator, bin/vigie.
# make check runs every test (make hostile: inputs built to mislead); make
# asan the same under ASan and UBSan;
# make demo brings up the demo; make bench the benchmarks (make bench-peers
# against fail2ban, make bench-http the web API under wrk); make fuzz fuzzes;
# make soak kills every process for 10 minutes (not part of make check).

CC	?= cc
OPT	?= -O2 -g
B	?= build
BIN	?= bin
CFLAGS	+= $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wmissing-prototypes -Wno-missing-field-initializers \
	   -Icore -Icollector -Icorrelator -Icli -I/usr/include/hiredis -MMD -MP

CORE	= core/log.c core/conf.c core/netaddr.c core/redis.c core/daytime.c \
	  core/cksum.c \
	  core/text.c core/event.c core/lz.c core/streamid.c
READ	= core/report.c core/report_text.c
WRITE	= core/incident.c
PARSERS	= collector/parse.c collector/parse_syslog.c collector/parse_sshd.c \
	  collector/parse_pam.c collector/parse_sudo.c collector/parse_kernel.c \
	  collector/parse_web.c collector/parse_weberr.c
FLOWS	= collector/decode.c collector/flow.c collector/appmeta.c \
	  collector/flowev.c
CAPTURE	= collector/capture.c $(FLOWS)
COLLECTOR = collector/main.c collector/state.c collector/spool.c \
	  collector/emit.c collector/publish.c collector/tail.c $(PARSERS) \
	  $(CAPTURE) collector/journal.c collector/syslog_rx.c \
	  collector/journal_entry.c collector/syslog_frame.c collector/inputs.c $(CORE)
CORRELATOR = correlator/main.c correlator/consume.c correlator/commit.c \
	  correlator/bundle.c core/retention.c \
	  correlator/record.c correlator/detect.c correlator/tally.c \
	  correlator/fargs.c correlator/alerts.c correlator/alert_eve.c \
	  correlator/scan.c correlator/geo.c correlator/http.c \
	  correlator/route.c correlator/webinfo.c $(CORE) $(READ) $(WRITE)
VIGIE	= cli/main.c cli/report.c cli/incidents.c cli/events.c cli/backup.c \
	  cli/config.c \
	  cli/rules_test.c cli/rulesrc.c core/backup.c correlator/detect.c \
	  correlator/geo.c $(PARSERS) $(FLOWS) \
	  correlator/scan.c core/event_json.c core/retention.c $(CORE) $(READ) \
	  $(WRITE)

LIBS_COLLECTOR	= -lhiredis -levent -linih -lpcap -lsystemd
LIBS_CORRELATOR	= -lyara -lmaxminddb -lhiredis -levent -levent_pthreads \
		  -ljansson -linih -lpthread -lm
LIBS_VIGIE	= -lyara -lmaxminddb -lpcap -lhiredis -ljansson -linih -lpthread -lm

obj = $(patsubst %.c,$(B)/%.o,$(1))

PROGS	= $(BIN)/vigie-collector $(BIN)/vigie-correlator $(BIN)/vigie
TOOLS	= $(B)/tools/genlog $(B)/tools/mkpcap $(B)/tools/syslogsend

# Unit tests: one per module, with the objects each one needs.
UNIT	= conf netaddr redis text parse_syslog parse_sshd parse_host parse_web \
	  parse_hostile report spool event \
	  event_json scan detect tally record retention bundle incident \
	  alert_eve backup decode flow appmeta syslog_frame webinfo
UNIT_syslog_frame	= collector/syslog_frame.c $(PARSERS) core/event.c core/lz.c
UNIT_conf		= core/conf.c core/netaddr.c core/redis.c core/log.c
UNIT_netaddr		= core/netaddr.c
UNIT_redis		= core/redis.c core/log.c tests/unit/redis_srv.c
UNIT_text		= core/text.c
UNIT_parse_syslog	= $(PARSERS) core/event.c core/lz.c
UNIT_parse_sshd		= $(PARSERS) core/event.c core/lz.c
UNIT_parse_host		= $(PARSERS) core/event.c core/lz.c
UNIT_parse_web		= $(PARSERS) core/event.c core/lz.c
UNIT_parse_hostile	= $(PARSERS) core/event.c core/lz.c
UNIT_report		= $(READ) $(CORE) tests/unit/redis_srv.c
UNIT_incident		= $(WRITE) $(READ) $(CORE) tests/unit/redis_srv.c
UNIT_alert_eve		= correlator/alert_eve.c core/text.c
UNIT_backup		= core/backup.c core/cksum.c
UNIT_spool		= collector/spool.c collector/emit.c $(CORE)
UNIT_event		= core/event.c core/lz.c
UNIT_decode		= collector/decode.c collector/flow.c tests/unit/pcapgen.c
UNIT_flow		= collector/decode.c collector/flow.c tests/unit/pcapgen.c
UNIT_appmeta		= collector/appmeta.c
LIBS_decode		= -lpcap
LIBS_flow		= -lpcap
UNIT_event_json		= core/event_json.c core/event.c core/lz.c core/text.c
UNIT_scan		= correlator/scan.c core/event.c core/lz.c core/log.c
UNIT_detect		= correlator/detect.c correlator/scan.c \
			  correlator/geo.c $(CORE)
UNIT_tally		= correlator/tally.c correlator/fargs.c core/log.c
UNIT_record		= correlator/record.c correlator/detect.c \
			  correlator/tally.c correlator/fargs.c correlator/scan.c \
			  correlator/geo.c $(CORE)
UNIT_retention		= core/retention.c core/daytime.c core/redis.c core/log.c
UNIT_bundle		= correlator/bundle.c correlator/scan.c correlator/geo.c \
			  core/conf.c core/netaddr.c core/redis.c core/log.c \
			  core/event.c core/lz.c
UNIT_webinfo		= correlator/webinfo.c core/text.c $(UNIT_bundle)
LIBS_scan		= -lyara
LIBS_detect		= -lyara -lmaxminddb
LIBS_record		= -lyara -lmaxminddb
LIBS_bundle		= -lyara -lmaxminddb -lpthread
LIBS_webinfo		= -lyara -lmaxminddb -lpthread -levent
UNIT_BINS = $(patsubst %,$(B)/tests/%_test,$(UNIT))

all: $(PROGS) $(TOOLS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/correlator/commit.o: correlator/commit.lua
$(B)/core/incident.o: core/incident.lua

$(BIN)/vigie-collector: $(call obj,$(COLLECTOR))
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LIBS_COLLECTOR)

$(BIN)/vigie-correlator: $(call obj,$(CORRELATOR))
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LIBS_CORRELATOR)

$(BIN)/vigie: $(call obj,$(VIGIE))
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LIBS_VIGIE)

$(B)/tools/genlog: $(call obj,tools/genlog.c)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

$(B)/tools/mkpcap: $(call obj,tools/mkpcap.c)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lpcap

$(B)/bench/capbench: $(call obj,bench/capbench.c collector/decode.c \
	  collector/flow.c collector/appmeta.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lpcap

$(B)/tools/syslogsend: $(call obj,tools/syslogsend.c)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

$(B)/tests/put_frame: $(call obj,tests/integration/put_frame.c core/event.c core/lz.c \
	  core/event_json.c core/text.c core/redis.c core/log.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lhiredis -ljansson

.SECONDEXPANSION:
$(B)/tests/%_test: $$(call obj,tests/unit/%_test.c $$(UNIT_$$*))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LIBS_$*) -lcmocka -lhiredis \
	    -linih -ljansson -lm

$(B)/tests/corpora_run: $(call obj,tests/corpora/corpora.c $(PARSERS) core/event.c core/lz.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -ljansson

# make corpora: other projects' annotated lines through the parsers.
CORPORA	?= ../shared/corpora
corpora: $(B)/tests/corpora_run
	@if [ -d "$(CORPORA)" ]; then $(B)/tests/corpora_run "$(CORPORA)"; \
	else echo "corpora: $(CORPORA) is absent: skipped"; fi

deps:
	@sh scripts/deps.sh

unit: $(UNIT_BINS) $(B)/tools/mkpcap
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; \
	    MKPCAP=$(B)/tools/mkpcap $$t; done

integration: $(PROGS) $(TOOLS) $(B)/tests/put_frame $(B)/tests/redis_test
	@BIN=$(BIN) B=$(B) sh tests/integration/pipeline.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/events.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/transport.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/order.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/reload.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/incidents.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/backup.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/rules.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/samples.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/capture.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/parsers.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/rotation.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/syslog.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/journal.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/install.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/privs.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/config.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/http.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/cluster.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/partitions.sh

$(B)/tests/hostile_pcap: $(call obj,tests/hostile/hostile_pcap.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lpcap

# make hostile: inputs built to mislead, end to end (tests/hostile/run.sh).
hostile: $(PROGS) $(B)/tests/hostile_pcap
	@BIN=$(BIN) B=$(B) sh tests/hostile/run.sh

e2e: $(PROGS) $(TOOLS) $(B)/tests/put_frame
	@BIN=$(BIN) B=$(B) sh tests/e2e/run.sh
	@BIN=$(BIN) B=$(B) sh tests/e2e/live.sh
	@BIN=$(BIN) sh tests/e2e/demo.sh

screenshot: all $(B)/tests/put_frame
	@UPDATE_SCREENSHOT=1 BIN=$(BIN) sh tests/e2e/demo.sh
	@UPDATE_SCREENSHOT=1 BIN=$(BIN) B=$(B) sh tests/e2e/live.sh

check: deps
	@$(MAKE) --no-print-directory all unit corpora integration hostile \
	    fuzz-check e2e

SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
asan: deps
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(MAKE) --no-print-directory B=build/asan BIN=build/asan/bin \
	    OPT="$(SANFLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	    all unit corpora integration hostile e2e

demo: deps all
	@sh scripts/demo.sh start

demo-stop:
	@sh scripts/demo.sh stop

bench: deps all
	@BIN=$(BIN) sh bench/run.sh

# make soak: about 1,000,000 events from files, captures and syslog, once
# untouched and once while collectors, correlator and Redis are SIGKILLed
# (SOAK_SECONDS, 600 by default); the two must store and count the same.
soak: all
	@BIN=$(BIN) B=$(B) sh tests/soak/soak.sh

bench-backup: deps all
	@BIN=$(BIN) sh bench/backup.sh
# make bench-capture: the capture on a generated 10,000,000-packet file
# (PACKETS=N to change) and the memory of 1,000,000 open flows.
bench-capture: all $(B)/bench/capbench
	@BIN=$(BIN) B=$(B) sh bench/capture.sh
$(B)/bench/parse_bench: $(call obj,bench/parse_bench.c $(PARSERS) core/event.c core/lz.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS)

# make bench-parse: parse-only lines per second, one core, per parser.
$(B)/bench/rules_bench: $(call obj,bench/rules_bench.c correlator/scan.c \
	  $(PARSERS) core/event.c core/lz.c core/log.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lyara
# make bench-rules: the pack's scan cost per event, and each rule alone
bench-rules: $(B)/bench/rules_bench
	@B=$(B) sh bench/rules.sh
bench-parse: $(B)/bench/parse_bench
	@uname -srm; grep -m1 'model name' /proc/cpuinfo || true
	@echo "command: $(B)/bench/parse_bench $${BENCH_SECONDS:-1}  (make bench-parse)"
	@$(B)/bench/parse_bench $${BENCH_SECONDS:-1}
# make bench-cluster: the collectors on one Redis, then on a Redis Cluster
# of 1, 2 and 3 masters, then the correlators end to end (LINES=, SENSORS=,
# CORRELATORS=).
bench-cluster: deps all
	@BIN=$(BIN) sh bench/cluster.sh
bench-syslog: deps all
	@BIN=$(BIN) sh bench/syslog.sh

bench-peers: deps all
	@VIGIE_PEERS=1 sh scripts/deps.sh
	@BIN=$(BIN) sh bench/peers.sh

bench-http: deps all
	@VIGIE_BENCH_HTTP=1 sh scripts/deps.sh
	@BIN=$(BIN) sh bench/http.sh

# The libFuzzer targets, one per input surface. New inputs go to
# $(B)/fuzz/corpus/<target>; the seeds are tests/fuzz/corpus/<target>.
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
	     -D_GNU_SOURCE -Icore -Icollector
# One target per parser (tests/fuzz/fuzz_parser.c, the name built in).
FUZZ_PARSERS = sudo pam su kernel syslog nginx nginx-format nginx-error \
	     apache apache-error generic
FUZZ	= sshd frame decode syslog_frame journal http conf backup spool rules \
	  ruletext $(patsubst %,p_%,$(FUZZ_PARSERS))
fuzz-build:
	@mkdir -p $(patsubst %,$(B)/fuzz/corpus/%,$(FUZZ))
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_sshd.c $(PARSERS) core/event.c core/lz.c \
	    -o $(B)/fuzz/fuzz_sshd
	@set -e; for p in $(FUZZ_PARSERS); do \
		echo "$(FUZZ_CC) ... -DFUZZ_PARSER=$$p -o $(B)/fuzz/fuzz_p_$$p"; \
		$(FUZZ_CC) $(FUZZ_FLAGS) -DFUZZ_PARSER="\"$$p\"" \
		    tests/fuzz/fuzz_parser.c $(PARSERS) core/event.c core/lz.c \
		    -o $(B)/fuzz/fuzz_p_$$p; \
	done
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_frame.c core/event.c core/lz.c \
	    core/event_json.c core/text.c -ljansson -o $(B)/fuzz/fuzz_frame
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_syslog_frame.c \
	    collector/syslog_frame.c $(PARSERS) core/event.c core/lz.c \
	    -o $(B)/fuzz/fuzz_syslog_frame
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_journal.c \
	    collector/journal_entry.c $(PARSERS) core/event.c core/lz.c \
	    -o $(B)/fuzz/fuzz_journal
	$(FUZZ_CC) $(FUZZ_FLAGS) -Icorrelator -I/usr/include/hiredis \
	    tests/fuzz/fuzz_http.c correlator/route.c core/incident.c \
	    core/report.c core/log.c core/daytime.c core/text.c core/redis.c \
	    core/netaddr.c -lhiredis -ljansson -lm -o $(B)/fuzz/fuzz_http
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_decode.c collector/decode.c \
	    collector/flow.c collector/appmeta.c -o $(B)/fuzz/fuzz_decode
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_conf.c core/conf.c \
	    core/netaddr.c core/redis.c core/log.c -linih -lhiredis \
	    -o $(B)/fuzz/fuzz_conf
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_backup.c core/backup.c \
	    core/cksum.c -o $(B)/fuzz/fuzz_backup
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_spool.c collector/spool.c \
	    core/cksum.c core/log.c core/streamid.c -o $(B)/fuzz/fuzz_spool
	$(FUZZ_CC) $(FUZZ_FLAGS) -Icorrelator tests/fuzz/fuzz_rules.c \
	    correlator/scan.c core/event.c core/lz.c core/log.c -lyara \
	    -o $(B)/fuzz/fuzz_rules
	$(FUZZ_CC) $(FUZZ_FLAGS) -Icorrelator -I/usr/include/hiredis \
	    tests/fuzz/fuzz_ruletext.c correlator/webinfo.c correlator/bundle.c \
	    correlator/scan.c correlator/geo.c core/conf.c core/netaddr.c \
	    core/redis.c core/log.c core/event.c core/lz.c core/text.c -lyara -lmaxminddb -levent \
	    -lhiredis -linih -ljansson -lpthread -o $(B)/fuzz/fuzz_ruletext
# make fuzz-check (part of make check): each target FUZZ_CHECK_SECONDS
# (20) from its seeds, then every input of tests/fuzz/regress/<target>
# (the crashes found once, kept) replayed.
FUZZ_CHECK_SECONDS ?= 20
fuzz-check: fuzz-build
	@set -e; for t in $(FUZZ); do \
		printf '== fuzz_%s: %s s' $$t $(FUZZ_CHECK_SECONDS); \
		mkdir -p $(B)/fuzz/corpus/$$t; \
		$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_CHECK_SECONDS) \
		    -rss_limit_mb=2048 -artifact_prefix=$(B)/fuzz/ \
		    $(B)/fuzz/corpus/$$t \
		    $$(ls -d tests/fuzz/corpus/$$t 2>/dev/null) \
		    >$(B)/fuzz/$$t.log 2>&1 || { echo; tail -40 $(B)/fuzz/$$t.log; exit 1; }; \
		grep -o 'exec/s: [0-9]*' $(B)/fuzz/$$t.log | tail -n 1 | sed 's/^/, /'; \
		if [ -d tests/fuzz/regress/$$t ]; then \
			$(B)/fuzz/fuzz_$$t tests/fuzz/regress/$$t/* \
			    >$(B)/fuzz/$$t.regress.log 2>&1 || \
			    { tail -40 $(B)/fuzz/$$t.regress.log; exit 1; }; \
			echo "   $$(ls tests/fuzz/regress/$$t | wc -l) regression inputs replayed"; \
		fi; \
	done

# make fuzz: each target of FUZZ_TARGETS (every one by default) for
# FUZZ_SECONDS (600) from its seeds and what earlier runs found, then one
# line per target: executions per second, edges (cov) and features (ft)
# covered, corpus size. A crash stops the run, its input in $(B)/fuzz/.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= $(FUZZ)
fuzz:
	@VIGIE_FUZZ=1 sh scripts/deps.sh
	@$(MAKE) --no-print-directory fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
		$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
		    -print_final_stats=1 -rss_limit_mb=2048 \
		    -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus/$$t \
		    $$(ls -d tests/fuzz/corpus/$$t 2>/dev/null) \
		    >$(B)/fuzz/$$t.run.log 2>&1 || { tail -40 $(B)/fuzz/$$t.run.log; exit 1; }; \
	done; \
	printf '%-22s %10s %6s %7s %7s\n' target exec/s cov ft corpus; \
	for t in $(FUZZ_TARGETS); do \
		awk -v t=fuzz_$$t '/DONE/ { for (i = 1; i <= NF; i++) { \
		    if ($$i == "cov:") c = $$(i + 1); if ($$i == "ft:") f = $$(i + 1); \
		    if ($$i == "corp:") { split($$(i + 1), a, "/"); n = a[1] } } } \
		    /average_exec_per_sec/ { e = $$2 } \
		    END { printf "%-22s %10s %6s %7s %7s\n", t, e, c, f, n }' \
		    $(B)/fuzz/$$t.run.log; \
	done

# make install: PREFIX (default /usr/local) and DESTDIR as usual. The
# example configuration goes to the documentation; @SYSCONFDIR@/vigie
# gets vigie.conf and redis.conf only where none exists, so an
# installation over a running appliance never replaces its settings.
PREFIX		?= /usr/local
BINDIR		 = $(PREFIX)/bin
DATADIR		 = $(PREFIX)/share
DOCDIR		 = $(DATADIR)/doc/vigie
MANDIR		 = $(DATADIR)/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR	?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
STATEDIR	?= /var/lib
LOGDIR		?= /var/log
RUNDIR		?= /run
REDIS_SERVER	?= /usr/bin/redis-server
UNITS		 = vigie-redis.service vigie-collector@.service \
		   vigie-correlator.service vigie-backup.service \
		   vigie-backup.timer
SUBST		 = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
		   -e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		   -e 's|@STATEDIR@|$(STATEDIR)|g' -e 's|@LOGDIR@|$(LOGDIR)|g' \
		   -e 's|@RUNDIR@|$(RUNDIR)|g' -e 's|@REDIS_SERVER@|$(REDIS_SERVER)|g'

install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/vigie/rules \
	    $(DESTDIR)$(DATADIR)/vigie/dashboards $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/vigie
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)
	install -m 644 rules/*.yar $(DESTDIR)$(DATADIR)/vigie/rules
	install -m 755 container/redis-aof-check $(DESTDIR)$(DATADIR)/vigie
	cp -R dashboards/. $(DESTDIR)$(DATADIR)/vigie/dashboards
	install -m 644 README.md docs/DESIGN.md $(DESTDIR)$(DOCDIR)
	$(SUBST) etc/vigie.conf >$(DESTDIR)$(DOCDIR)/vigie.conf.example
	$(SUBST) container/redis.conf >$(DESTDIR)$(DOCDIR)/redis.conf.example
	$(SUBST) man/vigie.1 >$(DESTDIR)$(MANDIR)/man1/vigie.1
	$(SUBST) man/vigie.conf.5 >$(DESTDIR)$(MANDIR)/man5/vigie.conf.5
	for m in vigie-collector vigie-correlator; do \
		$(SUBST) man/$$m.8 >$(DESTDIR)$(MANDIR)/man8/$$m.8 || exit 1; \
	done
	for u in $(UNITS); do \
		$(SUBST) container/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(SUBST) container/systemd/vigie.sysusers \
	    >$(DESTDIR)$(SYSUSERSDIR)/vigie.conf
	@for f in vigie.conf redis.conf; do \
		t=$(DESTDIR)$(SYSCONFDIR)/vigie/$$f; \
		if [ -e $$t ]; then echo "kept $$t (the new example is in $(DOCDIR))"; \
		else install -m 644 $(DESTDIR)$(DOCDIR)/$$f.example $$t || exit 1; fi; \
	done

# make container: the image (container/Dockerfile) with podman;
# make container-test: the compose stack up, /healthz and the counts, down.
container: all
	@VIGIE_CONTAINER=1 sh scripts/deps.sh
	@sh scripts/container.sh build

container-test: all
	@VIGIE_CONTAINER=1 sh scripts/deps.sh
	@sh scripts/container.sh test

# Removes what install put in place, but never a configuration: those
# are the operator's.
uninstall:
	rm -f $(patsubst %,$(DESTDIR)$(BINDIR)/%,vigie vigie-collector \
	    vigie-correlator)
	rm -rf $(DESTDIR)$(DATADIR)/vigie $(DESTDIR)$(DOCDIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/vigie.1 $(DESTDIR)$(MANDIR)/man5/vigie.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/vigie-collector.8 \
	    $(DESTDIR)$(MANDIR)/man8/vigie-correlator.8
	rm -f $(patsubst %,$(DESTDIR)$(UNITDIR)/%,$(UNITS)) \
	    $(DESTDIR)$(SYSUSERSDIR)/vigie.conf
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/vigie (configuration)"

clean:
	rm -rf build bin

.PHONY: all deps install uninstall unit corpora integration hostile e2e screenshot \
	check asan demo demo-stop bench bench-backup bench-capture bench-parse \
	bench-syslog bench-http bench-peers soak fuzz fuzz-build fuzz-check container container-test clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
