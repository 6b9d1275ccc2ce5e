#!/bin/sh
# tests/e2e/run.sh - browser test of the web view against a private redis-server.
# Starts redis, seeds it (seed.sh), starts the correlator (or the httpd_main
# harness), runs web.test.mjs in Chromium, kills only what it started.
# env: BIN (default bin), E2E_SERVER=auto|correlator|harness,
#      UPDATE_SCREENSHOT=1 (copies the screenshot to docs/), KEEP=1 (keep $tmp)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=${BIN:-bin}
case $BIN in /*) ;; *) BIN="$root/$BIN" ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-e2e.XXXXXX")
redis_pid=
server_pid=

cleanup() {
	rc=$?
	for pid in $server_pid $redis_pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "${KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
		echo "e2e: logs and screenshots kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "e2e: $*" >&2; exit 1; }

for cmd in redis-server redis-cli node npm curl; do
	command -v "$cmd" >/dev/null || die "$cmd not found"
done
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found (apt-get install chromium)"

# playwright-core only: it drives the system Chromium and downloads nothing.
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit \
	    --no-fund --loglevel=error) || die "npm ci failed"
fi

redis-server --port 0 --unixsocket "$tmp/redis.sock" --dir "$tmp" \
    --save '' --appendonly no --daemonize no >"$tmp/redis.log" 2>&1 &
redis_pid=$!
i=0
until redis-cli -s "$tmp/redis.sock" PING >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$tmp/redis.log" >&2; die "redis did not start"; }
	sleep 0.05
done

day=$(TZ=UTC date +%F)
bash "$here/seed.sh" "$tmp/redis.sock" "$day" || die "seeding failed"

port=$(node -e 'const s = require("net").createServer().listen(0,
    "127.0.0.1", () => { console.log(s.address().port); s.close(); })')

server=${E2E_SERVER:-auto}
if [ "$server" = auto ]; then
	if [ -x "$BIN/vigie-correlator" ]; then server=correlator; else server=harness; fi
fi
case $server in
correlator)
	# No stream is seeded: the worker has nothing to consume.
	"$BIN/vigie-correlator" --allow-root --redis "unix:$tmp/redis.sock" \
	    --http "127.0.0.1:$port" --web-root "$root/dashboards" \
	    --rules "$root/rules" --timezone UTC --workers 1 \
	    >"$tmp/server.log" 2>&1 &
	server_pid=$!
	;;
harness)
	command -v gcc >/dev/null || die "gcc not found"
	# From the top: core/incident.c embeds core/incident.lua by that path.
	(cd "$root" && gcc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
	    -Wshadow -Wmissing-prototypes ${E2E_CFLAGS:-} -I"$root/core" \
	    -I"$root/correlator" -o "$tmp/httpd_main" "$here/httpd_main.c" \
	    "$root/correlator/http.c" "$root/core/report.c" \
	    "$root/core/incident.c" "$root/core/log.c" "$root/core/redis.c" \
	    "$root/core/daytime.c" "$root/core/text.c" "$root/core/netaddr.c" \
	    -lhiredis -levent \
	    -ljansson -lpthread) ||
	    die "cannot build the harness"
	"$tmp/httpd_main" --redis "unix:$tmp/redis.sock" \
	    --http "127.0.0.1:$port" --web-root "$root/dashboards" \
	    --timezone UTC >"$tmp/server.log" 2>&1 &
	server_pid=$!
	;;
*)
	die "E2E_SERVER must be auto, correlator or harness"
	;;
esac

url="http://127.0.0.1:$port"
i=0
until curl -fs "$url/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$server_pid" 2>/dev/null; then
		cat "$tmp/server.log" >&2
		die "$server did not answer on $url"
	fi
	sleep 0.1
done

echo "e2e: $server on $url, redis at $tmp/redis.sock, day $day"
shot="$tmp/screenshot-today.png"
(cd "$here" && VIGIE_URL=$url VIGIE_DAY=$day VIGIE_SCREENSHOT=$shot \
    node --test --test-reporter=spec web.test.mjs) || die "web tests failed"
echo "e2e: screenshot $shot"
if [ "${UPDATE_SCREENSHOT:-0}" = 1 ]; then
	mkdir -p "$root/docs"
	cp "$shot" "$root/docs/screenshot-today.png"
	echo "e2e: updated docs/screenshot-today.png"
fi
