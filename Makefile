# Vigie: make builds bin/vigie-collector, bin/vigie-correlator, bin/vigie.
# make check runs every test; make asan the same under ASan and UBSan;
# make demo brings up the demo; make bench the benchmarks (make bench-peers
# against fail2ban); make fuzz fuzzes.

CC	?= cc
OPT	?= -O2 -g
B	?= build
BIN	?= bin
CFLAGS	+= $(OPT) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wmissing-prototypes -Wno-missing-field-initializers \
	   -Icore -Icollector -Icorrelator -Icli -I/usr/include/hiredis -MMD -MP

CORE	= core/log.c core/conf.c core/netaddr.c core/redis.c core/daytime.c \
	  core/text.c core/event.c
READ	= core/report.c core/report_text.c
PARSERS	= collector/parse_syslog.c collector/parse_sshd.c
COLLECTOR = collector/main.c collector/batch.c collector/state.c \
	  collector/publish.c collector/logfile.c $(PARSERS) $(CORE)
CORRELATOR = correlator/main.c correlator/consume.c correlator/commit.c \
	  correlator/scan.c correlator/geo.c correlator/http.c $(CORE) $(READ)
VIGIE	= cli/main.c cli/report.c cli/incidents.c correlator/scan.c \
	  $(CORE) $(READ)

LIBS_COLLECTOR	= -lhiredis -linih
LIBS_CORRELATOR	= -lyara -lmaxminddb -lhiredis -levent -levent_pthreads \
		  -ljansson -linih -lpthread -lm
LIBS_VIGIE	= -lyara -lhiredis -ljansson -linih -lpthread -lm

obj = $(patsubst %.c,$(B)/%.o,$(1))

PROGS	= $(BIN)/vigie-collector $(BIN)/vigie-correlator $(BIN)/vigie
TOOLS	= $(B)/tools/genlog

# Unit tests: one per module, with the objects each one needs.
UNIT	= conf netaddr text parse_syslog parse_sshd report
UNIT_conf		= core/conf.c core/netaddr.c core/redis.c core/log.c
UNIT_netaddr		= core/netaddr.c
UNIT_text		= core/text.c
UNIT_parse_syslog	= $(PARSERS)
UNIT_parse_sshd		= $(PARSERS)
UNIT_report		= $(READ) $(CORE)
UNIT_BINS = $(patsubst %,$(B)/tests/%_test,$(UNIT))

all: $(PROGS) $(TOOLS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(B)/correlator/commit.o: correlator/commit.lua

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

.SECONDEXPANSION:
$(B)/tests/%_test: $$(call obj,tests/unit/%_test.c $$(UNIT_$$*))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) -lcmocka -lhiredis -linih \
	    -ljansson -lm

deps:
	@sh scripts/deps.sh

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

integration: $(PROGS) $(TOOLS)
	@BIN=$(BIN) B=$(B) sh tests/integration/pipeline.sh

e2e: $(PROGS) $(TOOLS)
	@BIN=$(BIN) B=$(B) sh tests/e2e/run.sh
	@BIN=$(BIN) sh tests/e2e/demo.sh

screenshot: all
	@UPDATE_SCREENSHOT=1 BIN=$(BIN) sh tests/e2e/demo.sh

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

FUZZ_CC = clang
fuzz:
	@VIGIE_FUZZ=1 sh scripts/deps.sh
	@mkdir -p $(B)/fuzz
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
	    -D_GNU_SOURCE -Icore -Icollector tests/fuzz/fuzz_sshd.c $(PARSERS) \
	    -o $(B)/fuzz/fuzz_sshd
	$(B)/fuzz/fuzz_sshd -max_total_time=$${FUZZ_SECONDS:-300} \
	    tests/fuzz/corpus/sshd

clean:
	rm -rf build bin

.PHONY: all deps unit integration e2e screenshot check asan demo demo-stop \
	bench bench-peers fuzz clean

-include $(shell find $(B) -name '*.d' 2>/dev/null)
