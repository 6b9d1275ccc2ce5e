# Vigie: make builds bin/vigie-collector, bin/vigie-correlator, bin/vigie.
# make check runs every test; make asan the same under ASan and UBSan;
# make demo brings up the demo; make bench the benchmarks (make bench-peers
# against fail2ban, make bench-http the web API under wrk); make fuzz fuzzes.

CC	?= cc
OPT	?= -O2 -g
B	?= build
BIN	?= bin
CFLAGS	+= $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wmissing-prototypes -Wno-missing-field-initializers \
	   -Icore -Icollector -Icorrelator -Icli -I/usr/include/hiredis -MMD -MP

CORE	= core/log.c core/conf.c core/netaddr.c core/redis.c core/daytime.c \
	  core/text.c core/event.c core/streamid.c
READ	= core/report.c core/report_text.c
WRITE	= core/incident.c
PARSERS	= collector/parse.c collector/parse_syslog.c collector/parse_sshd.c
COLLECTOR = collector/main.c collector/state.c collector/spool.c \
	  collector/emit.c collector/publish.c collector/tail.c $(PARSERS) \
	  $(CORE)
CORRELATOR = correlator/main.c correlator/consume.c correlator/commit.c \
	  correlator/bundle.c core/retention.c \
	  correlator/record.c correlator/detect.c correlator/tally.c \
	  correlator/fargs.c correlator/alerts.c correlator/alert_eve.c \
	  correlator/scan.c correlator/geo.c correlator/http.c \
	  correlator/webinfo.c $(CORE) $(READ) $(WRITE)
VIGIE	= cli/main.c cli/report.c cli/incidents.c cli/events.c \
	  correlator/scan.c core/event_json.c core/retention.c $(CORE) $(READ) \
	  $(WRITE)

LIBS_COLLECTOR	= -lhiredis -levent -linih
LIBS_CORRELATOR	= -lyara -lmaxminddb -lhiredis -levent -levent_pthreads \
		  -ljansson -linih -lpthread -lm
LIBS_VIGIE	= -lyara -lhiredis -ljansson -linih -lpthread -lm

obj = $(patsubst %.c,$(B)/%.o,$(1))

PROGS	= $(BIN)/vigie-collector $(BIN)/vigie-correlator $(BIN)/vigie
TOOLS	= $(B)/tools/genlog

# Unit tests: one per module, with the objects each one needs.
UNIT	= conf netaddr text parse_syslog parse_sshd report spool event \
	  event_json scan detect tally record retention bundle incident \
	  alert_eve webinfo
UNIT_conf		= core/conf.c core/netaddr.c core/redis.c core/log.c
UNIT_netaddr		= core/netaddr.c
UNIT_text		= core/text.c
UNIT_parse_syslog	= $(PARSERS) core/event.c
UNIT_parse_sshd		= $(PARSERS) core/event.c
UNIT_report		= $(READ) $(CORE) tests/unit/redis_srv.c
UNIT_incident		= $(WRITE) $(READ) $(CORE) tests/unit/redis_srv.c
UNIT_alert_eve		= correlator/alert_eve.c core/text.c
UNIT_spool		= collector/spool.c collector/emit.c $(CORE)
UNIT_event		= core/event.c
UNIT_event_json		= core/event_json.c core/event.c core/text.c
UNIT_scan		= correlator/scan.c core/event.c core/log.c
UNIT_detect		= correlator/detect.c correlator/scan.c \
			  correlator/geo.c $(CORE)
UNIT_tally		= correlator/tally.c correlator/fargs.c core/log.c
UNIT_record		= correlator/record.c correlator/detect.c \
			  correlator/tally.c correlator/fargs.c correlator/scan.c \
			  correlator/geo.c $(CORE)
UNIT_retention		= core/retention.c core/daytime.c core/redis.c core/log.c
UNIT_bundle		= correlator/bundle.c correlator/scan.c correlator/geo.c \
			  core/conf.c core/netaddr.c core/redis.c core/log.c \
			  core/event.c
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

$(B)/tests/put_frame: $(call obj,tests/integration/put_frame.c core/event.c \
	  core/event_json.c core/text.c core/redis.c core/log.c)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lhiredis -ljansson

.SECONDEXPANSION:
$(B)/tests/%_test: $$(call obj,tests/unit/%_test.c $$(UNIT_$$*))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LIBS_$*) -lcmocka -lhiredis \
	    -linih -ljansson -lm

deps:
	@sh scripts/deps.sh

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration: $(PROGS) $(TOOLS) $(B)/tests/put_frame
	@BIN=$(BIN) B=$(B) sh tests/integration/pipeline.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/events.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/transport.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/order.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/reload.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/incidents.sh
	@BIN=$(BIN) B=$(B) sh tests/integration/http.sh

e2e: $(PROGS) $(TOOLS) $(B)/tests/put_frame
	@BIN=$(BIN) B=$(B) sh tests/e2e/run.sh
	@BIN=$(BIN) B=$(B) sh tests/e2e/live.sh
	@BIN=$(BIN) sh tests/e2e/demo.sh

screenshot: all $(B)/tests/put_frame
	@UPDATE_SCREENSHOT=1 BIN=$(BIN) sh tests/e2e/demo.sh
	@UPDATE_SCREENSHOT=1 BIN=$(BIN) B=$(B) sh tests/e2e/live.sh

check: deps
	@$(MAKE) --no-print-directory all unit integration e2e

SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
asan: deps
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(MAKE) --no-print-directory B=build/asan BIN=build/asan/bin \
	    OPT="$(SANFLAGS)" LDFLAGS="-fsanitize=address,undefined" \
	    all unit integration e2e

demo: deps all
	@sh scripts/demo.sh start

demo-stop:
	@sh scripts/demo.sh stop

bench: deps all
	@BIN=$(BIN) sh bench/run.sh

bench-peers: deps all
	@VIGIE_PEERS=1 sh scripts/deps.sh
	@BIN=$(BIN) sh bench/peers.sh

bench-http: deps all
	@VIGIE_BENCH_HTTP=1 sh scripts/deps.sh
	@BIN=$(BIN) sh bench/http.sh

# make fuzz: each target (FUZZ) in turn, FUZZ_SECONDS shared equally
# between them (default 600: 300 s each). New inputs go to
# $(B)/fuzz/corpus/<target>; the seeds are tests/fuzz/corpus/<target>.
FUZZ_CC = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
	     -D_GNU_SOURCE -Icore -Icollector
FUZZ	= sshd frame ruletext
fuzz:
	@VIGIE_FUZZ=1 sh scripts/deps.sh
	@mkdir -p $(patsubst %,$(B)/fuzz/corpus/%,$(FUZZ))
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_sshd.c $(PARSERS) core/event.c \
	    -o $(B)/fuzz/fuzz_sshd
	$(FUZZ_CC) $(FUZZ_FLAGS) tests/fuzz/fuzz_frame.c core/event.c \
	    core/event_json.c core/text.c -ljansson -o $(B)/fuzz/fuzz_frame
	$(FUZZ_CC) $(FUZZ_FLAGS) -Icorrelator -I/usr/include/hiredis \
	    tests/fuzz/fuzz_ruletext.c correlator/webinfo.c correlator/bundle.c \
	    correlator/scan.c correlator/geo.c core/conf.c core/netaddr.c \
	    core/redis.c core/log.c core/event.c core/text.c -lyara -lmaxminddb -levent \
	    -lhiredis -linih -ljansson -lpthread -o $(B)/fuzz/fuzz_ruletext
	@set -e; s=$$(( $${FUZZ_SECONDS:-600} / $(words $(FUZZ)) )); \
	for t in $(FUZZ); do \
		echo "== fuzz_$$t: $$s s"; \
		$(B)/fuzz/fuzz_$$t -max_total_time=$$s $(B)/fuzz/corpus/$$t \
		    tests/fuzz/corpus/$$t; \
	done

clean:
	rm -rf build bin

.PHONY: all deps unit integration e2e screenshot check asan demo demo-stop \
	bench bench-peers bench-http fuzz clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
