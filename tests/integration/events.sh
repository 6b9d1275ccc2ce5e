#!/bin/sh
# tests/integration/events.sh - "vigie events" on a private redis-server:
# frames written with the codec (put_frame: every field, a binary payload,
# invalid UTF-8 and ESC) come back byte for byte through --format json;
# --since (frame and event ids), --count, --sensor and paging; the text
# form holds no raw control byte; a corrupt frame is named with its
# stream and id, the rest still shows, and the exit status is 1.
set -eu

NAME=ev . "$(dirname "$0")/lib.sh"

# same NAME GOT WANT: strings equal, or both shown.
same() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2"
	return 1
}

start_redis --appendonly no

PUT="$B/tests/put_frame"
ev() { "$BIN/vigie" --redis "$R" events "$@"; }
# ids ARGS...: the event ids `vigie events --format json ARGS` shows, on one line.
ids() { ev --format json "$@" | jq -r .id | tr '\n' ' ' | sed 's/ $//'; }
# The set put_frame writes: alpha, beta, then gamma's hundred frames.
alpha="1000-0/0 1000-0/1 1000-0/2 1000-1/0 1000-1/1 2000-0/0 2500-0/0 2500-0/1"
beta="1500-0/0 1500-0/1 3000-0/0 3000-0/1 3000-0/2 3000-0/3"
gamma=$(i=0; while [ $i -lt 100 ]; do printf '4000-%d/0 ' $((2 * i)); i=$((i + 1)); done | sed 's/ $//')
# range FIRST LAST: gamma's events FIRST to LAST, counted from 1.
range() { echo "$gamma" | tr ' ' '\n' | sed -n "$1,$2p" | tr '\n' ' ' | sed 's/ $//'; }

echo "# the set: every field, binary payload, invalid UTF-8 and ESC, three sensors"
check "put_frame writes the set" "$PUT" put "$R" vigie:
check "three sensors registered" test "$(rcli SCARD vigie:sensors)" = 3
check "gamma holds a hundred frames" test "$(rcli XLEN 'vigie:ev:{gamma}')" = 100

roundtrip() {
	ev --count 0 --format json >"$tmp/all.json" && "$PUT" check <"$tmp/all.json"
}
check "vigie events --format json round-trips every field, a binary payload and invalid UTF-8 included" \
    roundtrip
check "one JSON object per line" test "$(wc -l <"$tmp/all.json")" = 114
check "invalid UTF-8 goes _b64, the payload base64, valid text as is" sh -c "
	head -1 '$tmp/all.json' | jq -e 'has(\"user_b64\") and has(\"line_b64\") and
	    (has(\"user\") | not) and (.payload | test(\"^[A-Za-z0-9+/]+=*\$\")) and
	    .program == \"program 0 caf\\u00e9\" and .src_port == 400 and .pid == \"00\"'"
# The checker itself sees a single changed byte.
tampered() {
	sed 's/"relay-2"/"relay-3"/' "$tmp/all.json" >"$tmp/tampered.json"
	! cmp -s "$tmp/all.json" "$tmp/tampered.json" &&
	    ! "$PUT" check <"$tmp/tampered.json"
}
check "put_frame check catches one changed field" tampered

echo "# selection"
check "every sensor, sorted by name, each stream in order" \
    same "$(ids --count 0)" "$alpha $beta $gamma"
check "--sensor" same "$(ids --sensor beta)" "$beta"
check "--since a frame id: strictly after the whole frame" \
    same "$(ids --sensor alpha --since 1000-0)" "1000-1/0 1000-1/1 2000-0/0 2500-0/0 2500-0/1"
check "--since an event id: from the next event of its frame" \
    same "$(ids --sensor alpha --since 1000-0/1)" "1000-0/2 1000-1/0 1000-1/1 2000-0/0 2500-0/0 2500-0/1"
check "--since the last event of a frame" \
    same "$(ids --sensor alpha --since 1000-0/2)" "1000-1/0 1000-1/1 2000-0/0 2500-0/0 2500-0/1"
check "--since an id no frame has" \
    same "$(ids --sensor alpha --since 1999-7)" "2000-0/0 2500-0/0 2500-0/1"
check "--since applies to every sensor" \
    same "$(ids --since 2000-0 --count 0)" "2500-0/0 2500-0/1 3000-0/0 3000-0/1 3000-0/2 3000-0/3 $gamma"
check "--since past the end: nothing" same "$(ids --since 9999-0)" ""
check "--count stops inside a frame" \
    same "$(ids --sensor alpha --count 4)" "1000-0/0 1000-0/1 1000-0/2 1000-1/0"
check "--count across sensors" same "$(ids --count 10)" "$alpha 1500-0/0 1500-0/1"
check "--count 0 pages through the whole stream" \
    same "$(ids --sensor gamma --count 0)" "$gamma"
check "--count across pages" same "$(ids --sensor gamma --count 40)" "$(range 1 40)"
check "--since beyond the first page" \
    same "$(ids --sensor gamma --since 4000-100 --count 0)" "$(range 52 100)"
check "--since an event id with --count" \
    same "$(ids --sensor gamma --since 4000-64/0 --count 3)" "$(range 34 36)"
check "--count defaults to 100" test "$(ev --format json | wc -l)" = 100
check "--since=ID and --count=N forms" \
    same "$(ids --sensor=alpha --since=2000-0 --count=1)" "2500-0/0"

echo "# text"
ev --count 0 >"$tmp/all.txt"
check "text: one line per event" test "$(wc -l <"$tmp/all.txt")" = 114
check "text: no raw ESC byte" sh -c "! grep -q \"\$(printf '\\033')\" '$tmp/all.txt'"
# raw_bytes FILE: the bytes other than LF, printable ASCII and the é of the set.
raw_bytes() {
	tr -d '\n -~' <"$1" | od -An -v -tx1 | tr -s ' \n' '\n\n' |
	    grep -v -x -e '' -e c3 -e a9 || true
}
check "text: no other raw byte (control, DEL, invalid UTF-8)" \
    same "$(raw_bytes "$tmp/all.txt")" ""
check "text: a value with spaces is quoted" \
    grep -qF '1000-0/0 kind="kind 0 caf' "$tmp/all.txt"
check "text: ESC, invalid bytes, quote and backslash escaped" \
    grep -qF 'user="r\xffo\eot0\"\\"' "$tmp/all.txt"
check "text: CR LF escaped" grep -qF 'in 0\r\n"' "$tmp/all.txt"
check "text: same ids as JSON" same "$(cut -d' ' -f1 "$tmp/all.txt" | tr '\n' ' ' | sed 's/ $//')" \
    "$alpha $beta $gamma"

echo "# bad usage: exit 2 before any connection; Redis away: 1"
away() { "$BIN/vigie" --redis "unix:$tmp/nowhere.sock" events "$@"; }
for args in "--count -1" "--count x" "--count" "--since 12" "--since 1-2/x" \
    "--since -1-0" "--format xml" "--sensor" "--colour" "stray"; do
	# shellcheck disable=SC2086
	rc=$(status "$tmp/usage.err" away $args)
	check "vigie events $args: exit 2" test "$rc" = 2
done
rc=$(status "$tmp/usage.err" away --since 1-2/x)
check "an invalid --since is named" grep -q 'invalid --since "1-2/x"' "$tmp/usage.err"
rc=$(status "$tmp/away.err" away)
check "Redis away: exit 1" test "$rc" = 1
rc=$(status "$tmp/unknown.err" ev --sensor delta)
check "an unknown sensor: exit 2" test "$rc" = 2
check "an unknown sensor is named" grep -q 'unknown sensor delta' "$tmp/unknown.err"

echo "# corrupt frames: named with stream and id, the rest shown, exit 1"
printf '[redis]\naddress = %s\nprefix = bad:\n' "$R" >"$tmp/bad.conf"
check "put_frame writes the set with a frame cut short in alpha and one in gamma" \
    "$PUT" put "$R" bad: alpha:1800-0 gamma:4000-65
# An entry without the frame field, and a frame of an unknown version.
check "an entry without a frame field" rcli XADD 'bad:ev:{alpha}' 2600-0 note 'not a frame'
check "a frame of version 2" rcli XADD 'bad:ev:{beta}' 3100-0 frame 'VGF2 from the future'
bad_events() { "$BIN/vigie" -c "$tmp/bad.conf" events "$@" >"$tmp/bad.json"; }
rc=$(status "$tmp/bad.err" bad_events --count 0 --format json)
check "exit 1 when a frame could not be shown" test "$rc" = 1
check "the truncated frame is named" \
    grep -qF 'vigie events: bad:ev:{alpha}: frame 1800-0: truncated field; not shown' "$tmp/bad.err"
check "the one among gamma's pages too" \
    grep -qF 'bad:ev:{gamma}: frame 4000-65: truncated field' "$tmp/bad.err"
check "the entry without a frame" \
    grep -qF 'bad:ev:{alpha}: frame 2600-0: entry has no frame field' "$tmp/bad.err"
check "the unknown version" \
    grep -qF 'bad:ev:{beta}: frame 3100-0: unknown frame version' "$tmp/bad.err"
check "and their number" grep -qF '4 entries could not be shown' "$tmp/bad.err"
check "every other event still shown, byte for byte" sh -c "'$PUT' check <'$tmp/bad.json'"
rc=$(status "$tmp/bad2.err" bad_events --sensor alpha --count 2 --format text)
check "a corrupt frame past --count is not read" test "$rc" = 0

done_tests
