#!/bin/sh
# tests/integration/samples.sh - the rule pack against its samples
# (rules/samples/<rule>/{match,nomatch}/) through vigie rules test --expect:
# every event of a match input is matched by its rule (a counting rule's
# inputs open an incident), no event of a nomatch input is; then the stock
# yara tool compiles and runs one rule per category with every external.
#   Inputs: NAME.PARSER.log (a log), NAME.json (event JSON lines),
#   NAME.pcap.txt (a tools/mkpcap description, written to a capture here).
set -eu

NAME=samples . "$(dirname "$0")/lib.sh"
export TZ=UTC
MKPCAP=$B/tools/mkpcap
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
T() {
	"$BIN/vigie" rules test --geoip "$tmp/geo.mmdb" --home-countries FR \
	    --internal 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 "$@"
}
printf 'rule every_event {\n  meta:\n    category = "scan" severity = "low"\n  condition:\n    true\n}\n' >"$tmp/every.yar"

# one_rule RULE OUT: the rule's text alone, from the file that has it.
one_rule() {
	awk -v r="$1" '$1 == "rule" && $2 == r { on = 1 } on { print } on && /^}/ { exit }' rules/*.yar >"$2"
	test -s "$2"
}
# input FILE: its input argument (a capture made from a description).
input() {
	case $1 in
	*.pcap.txt)
		p="$tmp/pcap/$(echo "$1" | tr / _).pcap"
		mkdir -p "$tmp/pcap"
		[ -f "$p" ] || "$MKPCAP" "$1" "$p" >/dev/null
		echo "$p" ;;
	*.log)
		f=${1%.log}; echo "$1:${f##*.}" ;;
	*)	echo "$1" ;;
	esac
}

# sample RULE FILE match|nomatch: one check.
sample() {
	r=$1 f=$2 kind=$3 in=$(input "$2")
	T --format matches "$tmp/every.yar" -- "$in" | sed "s/^every_event /$r /" >"$tmp/all"
	n=$(wc -l <"$tmp/all")
	if [ "$kind" = match ]; then cp "$tmp/all" "$tmp/exp"; else : >"$tmp/exp"; fi
	if [ "$n" = 0 ]; then
		echo "$f: no event read"; return 1
	fi
	if ! T --format matches --expect "$tmp/exp" "$tmp/rule.yar" -- "$in" >"$tmp/diff" 2>&1; then
		echo "$f: $kind: differences"
		grep '^[-+] ' "$tmp/diff" | head -10
		grep -v '^[-+] ' "$tmp/diff" | tail -3
		[ "$kind" = match ] && T --why-not "$r" "$tmp/rule.yar" -- "$in" 2>&1 |
		    grep -A3 'did not match' | head -20
		return 1
	fi
	if [ "$kind" = match ] && [ "$(sed -n 's/.*threshold=\([0-9]*\).*/\1/p' "$tmp/meta")" -gt 1 ] &&
	    ! T --format json "$tmp/rule.yar" -- "$in" | jq -e -s 'any(.window.incident == "opens")' >/dev/null; then
		echo "$f: matched, but no incident opens"; return 1
	fi
}

echo "# every rule has samples, every sample passes"
nrules=0
for r in $("$BIN/vigie" rules check rules | awk -F'\t' 'NF > 1 { print $1 }'); do
	nrules=$((nrules + 1))
	d=rules/samples/$r
	check "$r: one rule text" one_rule "$r" "$tmp/rule.yar"
	"$BIN/vigie" rules check "$tmp/rule.yar" | grep "^$r	" >"$tmp/meta"
	for kind in match nomatch; do
		check "$r: at least 3 $kind samples" test "$(ls "$d/$kind" 2>/dev/null | wc -l)" -ge 3
		for f in "$d/$kind"/*; do
			[ -f "$f" ] || continue
			check "$r: $f" sample "$r" "$f" "$kind"
		done
	done
	check "$r: in rules/README.md" grep -q "^### \`$r\`" rules/README.md
done
check "at least 30 rules ($nrules)" test "$nrules" -ge 30

echo "# the stock yara tool, every external defined"
# defs SETTINGS: -d for every external the rule file $f reads (yara takes
# at most 32 -d), SETTINGS (name=value ...) overriding.
defs() {
	sed -n 's/^FIELD([A-Z_]*,[^,]*,[^,]*,[[:space:]]*"\([a-z_]*\)",[[:space:]]*\(YX_[A-Z]*\)).*/\1 \2/p' \
	    core/event_fields.h >"$tmp/ext"
	printf 'src_country YX_STR\ndest_country YX_STR\nsrc_internal YX_BOOL\nextraterritorial YX_BOOL\nhour YX_INT\ndest_internal YX_BOOL\ndest_extraterritorial YX_BOOL\noutbound_abroad YX_BOOL\n' >>"$tmp/ext"
	while read -r x t; do
		grep -qw "$x" "$f" || continue
		v=
		for s in "$@"; do [ "${s%%=*}" = "$x" ] && v=${s#*=}; done
		case $t in
		YX_STR)	echo "-d $x=${v}" ;;
		YX_INT)	echo "-d $x=${v:-0}" ;;
		*)	echo "-d $x=${v:-false}" ;;
		esac
	done <"$tmp/ext"
}
# yara_cli FILE RULE DATA SETTINGS...: yara FILE reports RULE on DATA.
yara_cli() {
	f=$1 r=$2 data=$3; shift 3
	# shellcheck disable=SC2046
	yara $(defs "$@") "$f" "$data" >"$tmp/yara.out" 2>&1 || { cat "$tmp/yara.out"; return 1; }
	grep -q "^$r " "$tmp/yara.out" || { echo "yara did not report $r:"; cat "$tmp/yara.out"; return 1; }
}
: >"$tmp/empty"
if command -v yara >/dev/null; then
	for f in rules/*.yar; do
		check "yara compiles $f" sh -c "yara $(defs | tr '\n' ' ') -n '$f' '$tmp/empty'"
	done
	printf 'Failed password for root from 61.177.172.5 port 40001 ssh2' >"$tmp/ssh.line"
	check "yara: bruteforce (ssh_password_guessing)" yara_cli rules/ssh.yar ssh_password_guessing "$tmp/ssh.line" \
	    event_kind=log service=sshd action=auth_fail src_ip=61.177.172.5
	check "yara: bruteforce (sudo_password_guessing)" yara_cli rules/bruteforce.yar sudo_password_guessing "$tmp/ssh.line" \
	    event_kind=log service=sudo action=auth_fail
	sed -n 1p rules/samples/web_sql_injection/match/union.nginx.log >"$tmp/web.line"
	check "yara: webattack (web_sql_injection)" yara_cli rules/webattack.yar web_sql_injection "$tmp/web.line" \
	    event_kind=log action=http_request http_method=GET status=200
	check "yara: scan (port_scan)" yara_cli rules/scan.yar port_scan "$tmp/empty" \
	    event_kind=flow proto=tcp state=rejected dest_port=1000 src_ip=61.177.172.5
	check "yara: policy (admin_port_from_abroad)" yara_cli rules/policy.yar admin_port_from_abroad "$tmp/empty" \
	    event_kind=flow proto=tcp state=established dest_port=22 extraterritorial=true src_country=CN
	sed -n 1p rules/samples/usb_storage_after_hours/match/night.syslog.log >"$tmp/kernel.line"
	check "yara: physical (usb_storage_after_hours)" yara_cli rules/physical.yar usb_storage_after_hours "$tmp/kernel.line" \
	    event_kind=log service=kernel action=media_attached hour=23
else
	not_ok "the yara command is missing (scripts/deps.sh installs it)"
fi
done_tests
