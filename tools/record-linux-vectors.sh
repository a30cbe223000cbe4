#!/usr/bin/env bash
# tools/record-linux-vectors.sh [OUTDIR]
# tools/record-linux-vectors.sh --socket-check
#
# Records the running kernel's own ECMP choices for a fixed list of IPv4 and
# IPv6 5-tuples, as the table tests/core/test_linux_hash.c checks model/core
# against (doc/ecmp.md, "Linux's multipath hash").  Needs root, iproute2 and
# a kernel >= 6.11 (net.ipv4.fib_multipath_hash_seed).
#
# It builds ONE network namespace of its own (unique name), with veth pairs
# inside it only (no link leaves the namespace) and private addresses only
# (10.0.0.0/8, fd00::/8); it sends no packet: `ip route get VIP from SRC iif
# in0 ipproto P sport S dport D` asks the kernel for a forwarded packet's
# route (the kernel builds the packet internally and runs the input path:
# fib_multipath_hash() with the packet, then fib_select_multipath()).
# A trap deletes the namespace on every exit; every loop is bounded and the
# whole recording is bounded by `timeout`.
#
# Writes OUTDIR/linux-vectors.csv (default OUTDIR: tests/core/data):
#   family,route,policy,seed,n,weights,buckets,proto,src,sport,dst,dport,nexthop
#   route: mpath      plain multipath route (ip route add P nexthop via .. ),
#                     the kind FRR's zebra installs with
#                     `no zebra nexthop kernel enable`
#          nhgroup    hash-threshold nexthop-object group (ip nexthop)
#          resilient  resilient nexthop group, created afresh with n members
#   weights: empty (all 1) or w0:w1:..; buckets: resilient table size or 0;
#   nexthop: index (0-based) of the chosen next hop in the route's order.
# and OUTDIR/linux-vectors-buckets.csv: a resilient group's bucket table
# (step,bucket,nexthop) over create -> traffic -> remove -> re-add, see
# record_res_steps below.
#
# --socket-check (no file written) shows the L4 short cut of
# fib_multipath_hash() (doc/ecmp.md, fact 11): two namespaces of its own, a
# client and a router joined by a veth, the router with 4 next hops whose
# neighbours are static (the packets leave on veths whose peers stay in the
# router's namespace); 8 UDP flows of 20 packets each go from an
# unconnected socket (sendto) and then from a connected one, and for each
# flow it prints the next hop the packets took (TX counters) next to the
# one `ip route get ... iif` predicts.  IPv6 is disabled in both namespaces
# so that no other packet moves the counters.
set -euo pipefail

socket_check() {
	local i mode sp before after took want
	SC_C="lbsim-sockc-$$-$RANDOM" SC_R="lbsim-sockr-$$-$RANDOM"
	trap 'ip netns del "$SC_C" 2>/dev/null; ip netns del "$SC_R" 2>/dev/null || true' EXIT INT TERM HUP
	local C=$SC_C R=$SC_R
	ip netns add "$C"
	ip netns add "$R"
	for n in "$C" "$R"; do
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n "$n" link set lo up
	done
	ip link add c0 netns "$C" type veth peer name r0 netns "$R"
	ip -n "$C" link set c0 up
	ip -n "$R" link set r0 up
	ip -n "$C" addr add 10.100.0.2/24 dev c0
	ip -n "$R" addr add 10.100.0.1/24 dev r0
	ip -n "$C" route add default via 10.100.0.1
	for i in 0 1 2 3; do
		ip -n "$R" link add "nh$i" type veth peer name "nh${i}p"
		ip -n "$R" link set "nh$i" up
		ip -n "$R" link set "nh${i}p" up
		ip -n "$R" addr add "10.0.$i.1/24" dev "nh$i"
		ip -n "$R" neigh add "10.0.$i.2" lladdr "02:00:00:00:00:0$i" dev "nh$i" nud permanent
	done
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.r0.rp_filter=0 net.ipv4.fib_multipath_hash_policy=1 net.ipv4.fib_multipath_hash_seed=12345
	ip -n "$R" route add 10.200.0.0/16 nexthop via 10.0.0.2 dev nh0 nexthop via 10.0.1.2 dev nh1 \
		nexthop via 10.0.2.2 dev nh2 nexthop via 10.0.3.2 dev nh3
	tx() { for i in 0 1 2 3; do ip -n "$R" -s link show "nh$i" | awk 'f { print $2; exit } /TX:/ { f = 1 }'; done; }
	for mode in unconnected connected; do
		local agree=0
		for sp in 40001 40002 40003 40004 40005 40006 40007 40008; do
			before=$(tx)
			timeout 5 ip netns exec "$C" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.100.0.2', $sp))
if '$mode' == 'connected':
    s.connect(('10.200.0.10', 9))
    for _ in range(20): s.send(b'x')
else:
    for _ in range(20): s.sendto(b'x', ('10.200.0.10', 9))
"
			sleep 0.05
			after=$(tx)
			took=$(paste -d' ' <(echo "$before") <(echo "$after") | awk '$2 > $1 { printf "%s%d", s, NR - 1; s = " " }')
			want=$(ip -n "$R" -o route get 10.200.0.10 from 10.100.0.2 iif r0 ipproto udp sport "$sp" dport 9 |
				sed -n 's/.* dev nh\([0-9]*\) .*/\1/p')
			[ "$took" = "$want" ] && agree=$((agree + 1))
			echo "$mode udp 10.100.0.2:$sp > 10.200.0.10:9: packets took next hop $took, ip route get says $want"
		done
		echo "$mode: $agree of 8 flows took the next hop ip route get predicts"
	done
}

if [ "${1:-}" = --socket-check ]; then
	[ "$(id -u)" -eq 0 ] || { echo "record-linux-vectors: needs root" >&2; exit 2; }
	socket_check
	exit 0
fi

OUT=${1:-$(cd "$(dirname "$0")/.." && pwd)/tests/core/data}
NS="lbsim-linuxvec-$$-$RANDOM"
SEEDS=(1 24301 3735928559)
PER_CONFIG=20

if [ "${LBSIM_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "record-linux-vectors: needs root" >&2; exit 2; }
	sysctl -n net.ipv4.fib_multipath_hash_seed >/dev/null 2>&1 ||
		{ echo "record-linux-vectors: kernel has no fib_multipath_hash_seed (< 6.11)" >&2; exit 2; }
	mkdir -p "$OUT"
	cleanup() { ip netns del "$NS" 2>/dev/null || true; }
	trap cleanup EXIT INT TERM HUP
	ip netns add "$NS"
	LBSIM_INSIDE=1 timeout 600 ip netns exec "$NS" "$0" "$OUT"
	echo "record-linux-vectors: $(($(wc -l <"$OUT/linux-vectors.csv") - 1)) vectors, kernel $(uname -r)" >&2
	exit 0
fi

# ---- inside the namespace ----
NMAX=16
ip link set lo up
ip link add in0 type veth peer name in0p
for l in in0 in0p; do ip link set "$l" up; done
ip addr add 10.255.0.1/24 dev in0
ip -6 addr add fd00:ff::1/64 dev in0 nodad
for ((i = 0; i < NMAX; i++)); do
	ip link add "nh$i" type veth peer name "nh${i}p"
	ip link set "nh$i" up
	ip link set "nh${i}p" up
	ip addr add "10.0.$i.1/24" dev "nh$i"
	ip -6 addr add "fd00:$i::1/64" dev "nh$i" nodad
	ip nexthop add id $((i + 1)) via "10.0.$i.2" dev "nh$i"
	ip nexthop add id $((i + 101)) via "fd00:$i::2" dev "nh$i"
done
sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.in0.rp_filter=0

V4NET=10.200.0.0/16
V6NET=fd00:200::/64

# tuples FAMILY COUNT SALT: COUNT lines "proto src sport dst dport" from a
# fixed linear congruential generator (the same list on every run).
tuples() {
	awk -v fam="$1" -v cnt="$2" -v salt="$3" 'BEGIN {
		x = (salt * 7919 + 12345) % 2147483648
		for (i = 0; i < cnt; i++) {
			for (j = 0; j < 8; j++) { x = (x * 1103515245 + 12345) % 2147483648; r[j] = int(x / 65536) }
			proto = (r[0] % 2) ? "udp" : "tcp"
			sport = 1 + r[1] % 65535
			dport = (r[2] % 2) ? 80 : 1 + r[3] % 65535
			if (fam == 4) {
				src = sprintf("10.%d.%d.%d", (r[4] % 2) ? 100 : 250, r[5] % 256, 1 + r[6] % 254)
				dst = (r[7] % 2) ? "10.200.0.10" : sprintf("10.200.%d.%d", r[6] % 256, 1 + r[5] % 254)
			} else {
				src = sprintf("fd00:%d::%x:%x", (r[4] % 2) ? 100 : 300, r[5], r[6])
				dst = (r[7] % 2) ? "fd00:200::10" : sprintf("fd00:200::%x:%x", r[6], r[5])
			}
			print proto, src, sport, dst, dport
		}
	}'
}

# route_get FAMILY TUPLEFILE: the next-hop index for every tuple, one a line.
route_get() {
	local vip
	awk -v iif=in0 '{ printf "route get %s from %s iif %s ipproto %s sport %s dport %s\n", $4, $2, iif, $1, $3, $5 }' "$2" |
		ip "-$1" -o -batch - | sed -n 's/.* dev nh\([0-9]*\) .*/\1/p'
}

set_policy_seed() {
	sysctl -qw "net.ipv4.fib_multipath_hash_policy=$1" "net.ipv6.fib_multipath_hash_policy=$1" \
		"net.ipv4.fib_multipath_hash_seed=$2"
}

# mpath_route FAMILY N WEIGHTS: replace the VIP route by a plain multipath route
mpath_route() {
	local fam=$1 n=$2 w=$3 args=() i wt
	IFS=: read -r -a wv <<<"$w"
	for ((i = 0; i < n; i++)); do
		wt=${wv[$i]:-1}
		if [ "$fam" = 4 ]; then args+=(nexthop via "10.0.$i.2" dev "nh$i" weight "$wt")
		else args+=(nexthop via "fd00:$i::2" dev "nh$i" weight "$wt"); fi
	done
	ip "-$fam" route del "$([ "$fam" = 4 ] && echo $V4NET || echo $V6NET)" 2>/dev/null || true
	ip "-$fam" route add "$([ "$fam" = 4 ] && echo $V4NET || echo $V6NET)" "${args[@]}"
}

# group_route FAMILY N TYPE [BUCKETS]: the VIP route via a fresh nexthop group
group_route() {
	local fam=$1 n=$2 type=$3 base gid members="" i
	base=$([ "$fam" = 4 ] && echo 1 || echo 101)
	gid=$([ "$fam" = 4 ] && echo 1000 || echo 1001)
	for ((i = 0; i < n; i++)); do members+="${members:+/}$((base + i))"; done
	ip "-$fam" route del "$([ "$fam" = 4 ] && echo $V4NET || echo $V6NET)" 2>/dev/null || true
	ip nexthop del id "$gid" 2>/dev/null || true
	if [ "$type" = resilient ]; then
		ip nexthop add id "$gid" group "$members" type resilient buckets "$4"
	else
		ip nexthop add id "$gid" group "$members"
	fi
	ip "-$fam" route add "$([ "$fam" = 4 ] && echo $V4NET || echo $V6NET)" nhid "$gid"
}

TMP=$(mktemp -d)
CSV="$OUT/linux-vectors.csv"
echo "family,route,policy,seed,n,weights,buckets,proto,src,sport,dst,dport,nexthop" >"$CSV"

# record FAMILY ROUTE POLICY SEED N WEIGHTS BUCKETS COUNT SALT
record() {
	tuples "$1" "$8" "$9" >"$TMP/t"
	route_get "$1" "$TMP/t" >"$TMP/r"
	[ "$(wc -l <"$TMP/r")" -eq "$8" ] || { echo "record: $* gave $(wc -l <"$TMP/r") answers" >&2; exit 1; }
	paste -d' ' "$TMP/t" "$TMP/r" | awk -v pre="$1,$2,$3,$4,$5,$6,$7" \
		'{ printf "%s,%s,%s,%s,%s,%s,%s\n", pre, $1, $2, $3, $4, $5, $6 }' >>"$CSV"
}

salt=0
for fam in 4 6; do
	for pol in 0 1; do
		for seed in "${SEEDS[@]}"; do
			set_policy_seed "$pol" "$seed"
			for ((n = 2; n <= NMAX; n++)); do
				mpath_route "$fam" "$n" ""
				record "$fam" mpath "$pol" "$seed" "$n" "" 0 "$PER_CONFIG" $((salt++))
			done
		done
		# weights that do not divide 2^31
		set_policy_seed "$pol" "${SEEDS[0]}"
		for w in 1:2:4 3:1:255:7:100 256:1; do
			n=$(awk -F: '{ print NF }' <<<"$w")
			mpath_route "$fam" "$n" "$w"
			record "$fam" mpath "$pol" "${SEEDS[0]}" "$n" "$w" 0 "$PER_CONFIG" $((salt++))
		done
	done
	ip "-$fam" route del "$([ "$fam" = 4 ] && echo $V4NET || echo $V6NET)"
	# nexthop objects (FRR with `zebra nexthop kernel enable`, the default)
	set_policy_seed 1 "${SEEDS[1]}"
	for ((n = 2; n <= NMAX; n++)); do
		group_route "$fam" "$n" mpath
		record "$fam" nhgroup 1 "${SEEDS[1]}" "$n" "" 0 10 $((salt++))
		group_route "$fam" "$n" resilient 64
		record "$fam" resilient 1 "${SEEDS[1]}" "$n" "" 64 10 $((salt++))
	done
	ip "-$fam" route del "$([ "$fam" = 4 ] && echo $V4NET || echo $V6NET)"
	ip nexthop del id "$([ "$fam" = 4 ] && echo 1000 || echo 1001)"
done

# A resilient group's bucket table through a membership change (IPv4,
# policy 1, seed SEEDS[2], 4 next hops, 32 buckets, idle timer 120 s,
# unbalanced timer 0 - the kernel's defaults but the bucket count):
#   step 0: created; step 1: after 12 route lookups (they mark buckets busy);
#   step 2: next hop 2 removed; step 3: next hop 2 added back.
# Lookups in step 1 are rows with route = resilient-steps in linux-vectors.csv.
BCSV="$OUT/linux-vectors-buckets.csv"
echo "step,bucket,nexthop" >"$BCSV"
dump_buckets() {
	ip nexthop bucket show id 1000 |
		sed -n 's/.*index \([0-9]*\) .*nhid \([0-9]*\).*/\1 \2/p' |
		awk -v step="$1" '{ printf "%d,%d,%d\n", step, $1, $2 - 1 }' | sort -t, -k2,2n >>"$BCSV"
}
set_policy_seed 1 "${SEEDS[2]}"
ip nexthop add id 1000 group 1/2/3/4 type resilient buckets 32
ip route add $V4NET nhid 1000
dump_buckets 0
sleep 0.1
record 4 resilient-steps 1 "${SEEDS[2]}" 4 "" 32 12 $((salt++))
dump_buckets 1
sleep 0.1
ip nexthop replace id 1000 group 1/2/4 type resilient
dump_buckets 2
sleep 0.1
ip nexthop replace id 1000 group 1/2/3/4 type resilient
dump_buckets 3
ip route del $V4NET
ip nexthop del id 1000
rm -rf "$TMP"
