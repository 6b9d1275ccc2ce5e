#!/bin/sh
# tests/e2e/demo.sh - `make demo` as an operator runs it, in a temp dir on
# free ports: it must end by printing a URL whose page shows non-zero
# external and extraterritorial figures (checked in headless Chromium); a
# second run must reuse what is running; stop must stop it, by pid.
# UPDATE_SCREENSHOT=1 also writes docs/screenshot-today.png.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-demo.XXXXXX")
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }

free_port() {
	node -e 'const s = require("net").createServer().listen(0,
	    "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
export VIGIE_DEMO_VAR="$tmp/var"
VIGIE_DEMO_REDIS_PORT=$(free_port)
VIGIE_DEMO_HTTP_PORT=$(free_port)
export VIGIE_DEMO_REDIS_PORT VIGIE_DEMO_HTTP_PORT
cleanup() {
	sh scripts/demo.sh stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

(cd tests/e2e && [ -d node_modules/playwright-core ] ||
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
    --loglevel=error)

if sh scripts/demo.sh start >"$tmp/out1" 2>&1; then ok "demo starts"; else
	not_ok "demo starts"; sed 's/^/#   /' "$tmp/out1"; fi
url=$(tail -n 1 "$tmp/out1" | sed -n 's|^Vigie is up: \(http://[^ ]*\)$|\1|p')
if [ "$url" = "http://127.0.0.1:$VIGIE_DEMO_HTTP_PORT/" ]; then
	ok "demo ends by printing the URL"; else not_ok "demo ends by printing the URL (got: $(tail -n 1 "$tmp/out1"))"; fi
shot="$tmp/demo.png"
[ "${UPDATE_SCREENSHOT:-}" = 1 ] && shot="$top/docs/screenshot-today.png"
if node tests/e2e/screenshot.mjs "$url" "$shot"; then
	ok "the page shows non-zero external and extraterritorial figures"; else
	not_ok "the page shows non-zero external and extraterritorial figures"; fi
pid1=$(cat "$VIGIE_DEMO_VAR/correlator.pid")
if sh scripts/demo.sh start >"$tmp/out2" 2>&1 &&
    grep -q "Redis already running" "$tmp/out2" &&
    grep -q "correlator already serving" "$tmp/out2" &&
    [ "$(cat "$VIGIE_DEMO_VAR/correlator.pid")" = "$pid1" ] &&
    tail -n 1 "$tmp/out2" | grep -q "^Vigie is up: $url\$"; then
	ok "a second run reuses what is there"; else
	not_ok "a second run reuses what is there"; sed 's/^/#   /' "$tmp/out2"; fi
events1=$(grep -c . "$VIGIE_DEMO_VAR/sample/auth.log")
stored=$(BIN=${BIN:-bin}; "$BIN/vigie" -c "$VIGIE_DEMO_VAR/vigie.conf" events --count 0 | wc -l)
if [ "$stored" = "$events1" ]; then ok "every sample line stored once ($stored)"; else
	not_ok "every sample line stored once ($stored of $events1)"; fi
redis_pid=$(cat "$VIGIE_DEMO_VAR/redis.pid")
# Data enough that the AOF takes seconds to load when Redis restarts.
awk 'BEGIN { for (i = 0; i < 2500000; i++)
	printf "*3\r\n$3\r\nSET\r\n$%d\r\nfiller:%d\r\n$48\r\n%048d\r\n", length("filler:" i), i, i }' |
    redis-cli -s "$VIGIE_DEMO_VAR/redis.sock" --pipe >/dev/null
sh scripts/demo.sh stop >/dev/null

if ! kill -0 "$pid1" 2>/dev/null && ! kill -0 "$redis_pid" 2>/dev/null; then
	ok "demo-stop stops what the demo started"; else
	not_ok "demo-stop stops what the demo started"; fi

t0=$(date +%s.%N)
if sh scripts/demo.sh start >"$tmp/out3" 2>&1 &&
    tail -n 1 "$tmp/out3" | grep -q "^Vigie is up: $url\$"; then
	ok "make demo again over a Redis loading its AOF gets its URL ($(echo "$(date +%s.%N) - $t0" | bc | cut -c1-4) s)"; else
	not_ok "make demo again over a Redis loading its AOF gets its URL"; sed 's/^/#   /' "$tmp/out3"; fi
load=$(sed -n 's/.*DB loaded from append only file: \([0-9.]*\) seconds.*/\1/p' "$VIGIE_DEMO_VAR/redis/redis.log" | tail -1)
if [ -n "$load" ] && [ "$(echo "$load >= 1.0" | bc)" = 1 ]; then
	ok "Redis took $load s to load its AOF then"; else not_ok "Redis took seconds to load its AOF (${load:-?} s)"; fi
sh scripts/demo.sh stop >/dev/null

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
