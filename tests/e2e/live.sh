#!/bin/sh
# tests/e2e/live.sh - the web view against real parts: a private
# redis-server filled by the collector (the fixture auth.log) and by
# put_frame (web requests whose user, URL and user agent are markup), a
# serving correlator with a token file; live.test.mjs drives every page
# in Chromium at desktop and phone width and writes their screenshots.
# env: BIN, B, SHOTS (default $B/screenshots), KEEP=1,
#      UPDATE_SCREENSHOT=1 (copies the incident and source pages to docs/)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BIN=${BIN:-bin}
B=${B:-build}
case $BIN in /*) ;; *) BIN="$root/$BIN" ;; esac
case $B in /*) ;; *) B="$root/$B" ;; esac
SHOTS=${SHOTS:-$B/screenshots}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-live.XXXXXX")
redis_pid=
server_pid=

cleanup() {
	rc=$?
	for pid in $server_pid $redis_pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "${KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
		echo "live: logs kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "live: $*" >&2; exit 1; }

[ -x /usr/bin/chromium ] || die "/usr/bin/chromium not found (apt-get install chromium)"
[ -x "$B/tests/put_frame" ] || die "$B/tests/put_frame missing (make $B/tests/put_frame)"
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit \
	    --no-fund --loglevel=error) || die "npm ci failed"
fi

sock="$tmp/redis.sock"
redis-server --port 0 --unixsocket "$sock" --dir "$tmp" --save '' \
    --appendonly no --daemonize no >"$tmp/redis.log" 2>&1 &
redis_pid=$!
i=0
until [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ]; do
	i=$((i + 1)); [ $i -gt 100 ] && die "redis did not start"
	sleep 0.05
done

export TZ=UTC
/usr/bin/perl "$root/tests/fixtures/mkmmdb.pl" --schema maxmind \
    "$root/tests/fixtures/geo.txt" "$tmp/geo.mmdb"
cp "$root/tests/fixtures/auth.log" "$tmp/auth.log"
touch -d "$(date -u +%Y)-11-22 06:00:00 UTC" "$tmp/auth.log"
printf 'live-test-token-0123456789abcdef\n' >"$tmp/token"
chmod 600 "$tmp/token"
port=$(/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
cat >"$tmp/vigie.conf" <<EOC
[redis]
address = unix:$sock
[geo]
database = $tmp/geo.mmdb
home-countries = FR
[rules]
path = $root/rules
path = $here/rules
[collector]
sensor = web1
state-dir = $tmp/state
log = $tmp/auth.log:sshd
[correlator]
timezone = UTC
workers = 1
http = 127.0.0.1:$port
web-root = $root/dashboards
http-token-file = $tmp/token
EOC

"$BIN/vigie-collector" -c "$tmp/vigie.conf" --once 2>"$tmp/collector.log" ||
    die "the collector failed: $(cat "$tmp/collector.log")"

# Web requests no parser reads yet, with markup where an attacker puts it.
now=$(date +%s)
ms=$((now * 1000))
X1='<img src=x onerror=alert(1)>'
X2='"><svg onload=alert(2)>'
X3='</script><script>alert(3)</script>'
for k in 0 1 2; do
	jq -cn --arg u "$X1" --arg url "/search?q=$X2" --arg ua "$X3" \
	    --argjson ts "$(( (now - 30 + k * 10) * 1000000 ))" \
	    '{kind: "log", ts: $ts, src_ip: "203.0.113.66", host: "web-3",
	      program: "nginx", action: "http_request", http_method: "GET",
	      url: $url, status: 404, user: $u, user_agent: $ua,
	      line: ("203.0.113.66 - " + $u + " \"GET " + $url +
	      " HTTP/1.1\" 404 \"" + $ua + "\"")}'
done >"$tmp/web.jsonl"
"$B/tests/put_frame" json "unix:$sock" vigie: web-3 "$ms-0" <"$tmp/web.jsonl" ||
    die "put_frame failed"

"$BIN/vigie-correlator" --allow-root -c "$tmp/vigie.conf" >"$tmp/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$port"
# Until both streams are read and acknowledged.
i=0
until [ "$(curl -fs "$url/api/v1/sensors" 2>/dev/null | jq '[.[] |
    select(.group."entries-read" == .stream."entries-added" and
    .group.pending == 0)] | length' 2>/dev/null)" = 2 ]; do
	i=$((i + 1))
	if [ $i -gt 150 ] || ! kill -0 "$server_pid" 2>/dev/null; then
		cat "$tmp/server.log" >&2
		die "the correlator did not drain the streams"
	fi
	sleep 0.1
done

V() { "$BIN/vigie" -c "$tmp/vigie.conf" "$@"; }
V incidents list --format json >"$tmp/incidents.json"
V report --days 30 --format json >"$tmp/days.json"
for d in $(jq -r '.[].first_seen[0:10]' "$tmp/incidents.json" | sort -u); do
	V report --day "$d" --format json >"$tmp/report-$d.json"
done
xss=$(jq -r --arg u "$X1" '.[] | select(.group == $u) | .id' "$tmp/incidents.json")
[ -n "$xss" ] || die "no incident for the hostile user: $(cat "$tmp/incidents.json")"

mkdir -p "$SHOTS"
echo "live: correlator on $url, redis at $sock, hostile incident $xss"
(cd "$here" && VIGIE_URL=$url VIGIE_TMP=$tmp VIGIE_BIN=$BIN \
    VIGIE_CONF="$tmp/vigie.conf" VIGIE_TOKEN="$(cat "$tmp/token")" \
    VIGIE_XSS_ID=$xss VIGIE_SHOTS=$SHOTS VIGIE_ROOT=$root \
    node --test --test-reporter=spec live.test.mjs) || die "live tests failed"
echo "live: screenshots of every page in $SHOTS"
if [ "${UPDATE_SCREENSHOT:-0}" = 1 ]; then
	cp "$SHOTS/incident-desktop.png" "$root/docs/screenshot-incident.png"
	cp "$SHOTS/source-desktop.png" "$root/docs/screenshot-source.png"
	echo "live: updated docs/screenshot-incident.png, docs/screenshot-source.png"
fi
