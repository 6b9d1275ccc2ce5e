#!/bin/sh
# scripts/demo.sh - the demo: a private Redis under ./var, the collector
# on a generated week of auth.log, the correlator draining then serving
# the web view. "start" reuses whatever is already there; "stop" stops
# only the processes it started, by the pids it saved.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
var="${VIGIE_DEMO_VAR:-$top/var}"
BIN=${BIN:-bin}
REDIS_PORT=${VIGIE_DEMO_REDIS_PORT:-16379}
HTTP_PORT=${VIGIE_DEMO_HTTP_PORT:-8080}
GEO_PKG=@ip-location-db/geo-whois-asn-country-mmdb
GEO_FILE=geo-whois-asn-country.mmdb
export TZ=${VIGIE_DEMO_TZ:-UTC}

say() { printf 'demo: %s\n' "$*"; }

# alive PIDFILE NAME: the pid in PIDFILE runs a program called NAME.
alive() {
	[ -f "$1" ] || return 1
	pid=$(cat "$1")
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
	    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$2"
}

start_redis() {
	if alive "$var/redis.pid" redis-server; then
		say "Redis already running (pid $(cat "$var/redis.pid"))"
		return
	fi
	mkdir -p "$var/redis"
	redis-server --bind 127.0.0.1 --port "$REDIS_PORT" \
	    --unixsocket "$var/redis.sock" --unixsocketperm 700 \
	    --dir "$var/redis" --appendonly yes --save '' \
	    --daemonize yes --pidfile "$var/redis.pid" \
	    --logfile "$var/redis/redis.log"
	# PONG, not LOADING: a large AOF takes a while to load.
	i=0
	until [ "$(redis-cli -s "$var/redis.sock" ping 2>/dev/null)" = PONG ]; do
		i=$((i + 1))
		# The daemon writes its pid file a moment after it forks.
		if [ $i -gt 1200 ] || { [ $i -gt 20 ] &&
		    ! alive "$var/redis.pid" redis-server; }; then
			say "Redis did not start; see $var/redis/redis.log"
			exit 1
		fi
		[ $i = 10 ] && say "waiting for Redis to load its data"
		sleep 0.1
	done
	say "Redis on $var/redis.sock and 127.0.0.1:$REDIS_PORT (pid $(cat "$var/redis.pid"), AOF on)"
}

fetch_geo() {
	[ -s "$var/geo/$GEO_FILE" ] && return
	mkdir -p "$var/geo"
	say "fetching the CC0 country database ($GEO_PKG) with npm pack"
	if (cd "$var/geo" && npm pack --silent "$GEO_PKG" >pack.out 2>pack.err &&
	    tar -xzf "$(tail -n 1 pack.out)" package/$GEO_FILE &&
	    mv package/$GEO_FILE . && rm -rf package ./*.tgz pack.out pack.err); then
		say "geo database: $var/geo/$GEO_FILE"
	else
		say "npm pack failed (no registry?): $(cat "$var/geo/pack.err" 2>/dev/null | head -3)"
		say "falling back to the small test database: countries of the demo's sample ranges only"
		/usr/bin/perl tests/fixtures/mkmmdb.pl --schema ipdb tests/fixtures/geo.txt \
		    "$var/geo/$GEO_FILE"
	fi
}

make_sample() {
	[ -s "$var/sample/auth.log" ] && return
	mkdir -p "$var/sample"
	build/tools/genlog --seed 42 --days 7 --host web1 -o "$var/sample/auth.log"
	say "sample: $(wc -l <"$var/sample/auth.log") lines of auth.log over the last 7 days"
}

write_conf() {
	cat >"$var/vigie.conf" <<EOF
; The demo's configuration, written by scripts/demo.sh.
[redis]
address = unix:$var/redis.sock
[geo]
database = $var/geo/$GEO_FILE
home-countries = FR
[rules]
path = $top/rules
[collector]
sensor = demo-web1
state-dir = $var/state
log = $var/sample/auth.log:sshd
[correlator]
http = 127.0.0.1:$HTTP_PORT
web-root = $top/dashboards
timezone = $TZ
EOF
}

start() {
	mkdir -p "$var/log"
	start_redis
	fetch_geo
	make_sample
	write_conf
	"$BIN/vigie-collector" -c "$var/vigie.conf" --once
	"$BIN/vigie-correlator" --allow-root -c "$var/vigie.conf" --drain
	if alive "$var/correlator.pid" vigie-correlator; then
		say "correlator already serving (pid $(cat "$var/correlator.pid"))"
	else
		nohup "$BIN/vigie-correlator" --allow-root -c "$var/vigie.conf" \
		    >>"$var/log/correlator.log" 2>&1 </dev/null &
		echo $! >"$var/correlator.pid"
		i=0
		until curl -fs "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1; do
			i=$((i + 1))
			if [ $i -gt 50 ] || ! alive "$var/correlator.pid" vigie-correlator; then
				say "the web view did not come up; see $var/log/correlator.log"
				tail -n 5 "$var/log/correlator.log" >&2
				exit 1
			fi
			sleep 0.1
		done
	fi
	"$BIN/vigie" -c "$var/vigie.conf" report --format text
	say "stop it with: make demo-stop"
	echo
	echo "Vigie is up: http://127.0.0.1:$HTTP_PORT/"
}

stop() {
	for p in correlator:vigie-correlator redis:redis-server; do
		f="$var/${p%%:*}.pid"
		if alive "$f" "${p#*:}"; then
			pid=$(cat "$f")
			kill "$pid"
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
				i=$((i + 1))
				sleep 0.1
			done
			if kill -0 "$pid" 2>/dev/null; then
				say "${p%%:*} (pid $pid) still running after 10 s"
			else
				say "stopped ${p%%:*} (pid $pid)"
			fi
		fi
		rm -f "$f"
	done
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
