#!/usr/bin/env bash
# testbed.sh - one repetition of a scenario on a real testbed built in
# network namespaces (lbsim validate runs it; doc/validation.md explains it).
#
#   testbed.sh check [linux-seed]    can a testbed run here (with linux-seed: can the router take
#                                    fib_multipath_hash_seed)?  0, or 77 + the reason
#   testbed.sh run PARAMS RAW_DIR    build, run one repetition, collect raw logs
#                                    into RAW_DIR, tear everything down
#   testbed.sh cleanup TAG           remove what an interrupted run TAG left
#
# PARAMS is the shell file lbsim validate writes (LBV_* variables, one
# repetition).  Everything this script makes is named after LBV_TAG
# (lbv<pid>-r<rep>): the namespaces TAG-c (client), TAG-r (router), TAG-bp
# (the backplane bridge), TAG-n<i> (node i); its working directory
# /tmp/TAG.  Nothing is made in the root namespace: veth pairs are created
# inside the namespaces, every address is private (10.x) and lives only
# there, the VIP only on the nodes' loopbacks.
#
#   client 10.30.0.2/16 (+ client addresses 10.30.1.1 ...)
#      | eth0 -- c0
#   router 10.30.0.1, 10.10.<i>.1/24 on n<i>   (FRR zebra + bgpd [+ bfdd], kernel ECMP, L4 hash)
#      | n<i> -- uplink
#   node i 10.10.<i>.2/24, VIP/32 on lo, bp 10.20.0.<i+1>/24  (FRR zebra + bgpd [+ bfdd],
#      | bp -- p<i>                                            lbv-agentd, lbv-recv)
#   backplane bridge br0 in TAG-bp
#
# Every process it starts is recorded (PID and start time) in /tmp/TAG/pids
# and ended by that PID on every exit (trap); every wait is bounded in count
# and time.
set -uo pipefail

FRR=/usr/lib/frr
DATA_PORT=80   # the simulator's destination port
HB_PORT=7000
ROUTER_AS=65000
NODE_AS=65001

die() {
	echo "testbed: $*" >&2
	exit 1
}

now_ns() { date +%s%N; }

check() { # [linux-seed]: also that the router's kernel takes fib_multipath_hash_seed (Linux 6.11+)
	local why="" need_seed=${1:-}
	[ "$(id -u)" -eq 0 ] || why="not root (network namespaces and FRR need root)"
	for b in ip nft vtysh "$FRR/zebra" "$FRR/bgpd" "$FRR/bfdd"; do
		[ -n "$why" ] || command -v "$b" >/dev/null 2>&1 || [ -x "$b" ] || why="$b is missing (scripts/setup installs frr nftables iproute2)"
	done
	[ -n "$why" ] || id frr >/dev/null 2>&1 || why="user frr is missing (Debian's frr package creates it)"
	if [ -z "$why" ]; then
		local probe="lbvprobe$$"
		if ip netns add "$probe" 2>/dev/null; then
			ip netns exec "$probe" nft add table netdev probe 2>/dev/null || why="nftables netdev tables are not available"
			if [ -z "$why" ] && [ "$need_seed" = linux-seed ] &&
				! ip netns exec "$probe" test -w /proc/sys/net/ipv4/fib_multipath_hash_seed; then
				why="this kernel ($(uname -r)) has no net.ipv4.fib_multipath_hash_seed (Linux 6.11+), which the scenario's ecmp_hash = linux sets on the router; on an older kernel use another ecmp_hash (e.g. --set router.ecmp_hash=toeplitz): the comparison of losses stands, the per-flow agreement is not measured"
			fi
			ip netns del "$probe"
		else
			why="cannot create a network namespace (ip netns add failed)"
		fi
	fi
	if [ -n "$why" ]; then
		echo "testbed: cannot run here: $why" >&2
		exit 77
	fi
}

# --- process bookkeeping ---------------------------------------------------

starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }

track() { # PID NAME
	echo "$1 $(starttime "$1") $2" >>"$LIVE/pids"
}

# An FRR daemon's crash-log directory (/var/tmp/frr/<daemon>.<pid of its
# parent before daemonizing>), which it removes when it exits but not when
# it is killed: the daemon keeps it open, so /proc tells which it is.
frr_tmpdirs() { # PID
	local fd
	for fd in /proc/"$1"/fd/*; do
		fd=$(readlink "$fd" 2>/dev/null) || continue
		case $fd in /var/tmp/frr/*) echo "$fd" ;; esac
	done | sort -u
}

alive() { # PID STARTTIME
	[ -e "/proc/$1" ] && [ "$(starttime "$1")" = "$2" ]
}

# Ends every recorded process: SIGTERM then SIGCONT (a frozen node's
# processes see the TERM first), up to 5 s, then SIGKILL.
end_processes() {
	local f=$1 pid st name
	[ -f "$f" ] || return 0
	while read -r pid st name; do
		alive "$pid" "$st" && kill -TERM "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null
	done <"$f"
	for _ in $(seq 50); do
		local left=0
		while read -r pid st name; do alive "$pid" "$st" && left=1; done <"$f"
		[ "$left" -eq 0 ] && break
		sleep 0.1
	done
	local dirs
	while read -r pid st name; do
		if alive "$pid" "$st"; then
			echo "testbed: $name (pid $pid) did not stop: killed" >&2
			dirs=$(frr_tmpdirs "$pid")
			kill -KILL "$pid" 2>/dev/null
			[ -z "$dirs" ] || rm -rf $dirs
		fi
	done <"$f"
}

cleanup_tag() { # TAG
	local tag=$1 live=/tmp/$1
	end_processes "$live/pids"
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$tag-"); do
		ip netns del "$ns" 2>/dev/null || echo "testbed: cannot delete namespace $ns" >&2
	done
}

on_exit() {
	local rc=$?
	# no signal may cut the cleanup short (lbsim sends TERM when it is itself interrupted)
	trap '' INT TERM HUP
	trap - EXIT
	cleanup_tag "$LBV_TAG"
	if [ -n "${RAW:-}" ] && [ -d "$LIVE" ]; then
		cp -r "$LIVE"/. "$RAW"/ 2>/dev/null
		rm -f "$RAW"/frr/*/*.vty "$RAW"/frr/*/zserv.api "$RAW"/frr/*/bfdd.sock
	fi
	rm -rf "$LIVE"
	if ip netns list 2>/dev/null | grep -q "^$LBV_TAG-"; then
		echo "testbed: namespaces of $LBV_TAG are left" >&2
		rc=1
	fi
	exit "$rc"
}

# --- topology ----------------------------------------------------------------

nsx() { local ns=$1; shift; ip netns exec "$LBV_TAG-$ns" "$@"; }

make_ns() {
	ip netns add "$LBV_TAG-$1" || die "ip netns add $LBV_TAG-$1 failed"
	nsx "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null
	ip -n "$LBV_TAG-$1" link set lo up
}

build_topology() {
	local i
	make_ns c
	make_ns r
	make_ns bp
	for ((i = 0; i < LBV_NODES; i++)); do make_ns "n$i"; done
	# The router's multipath hash: with the scenario's ecmp_hash = linux, its
	# policy and seed (fib_multipath_hash_seed, Linux 6.11+), so lbsim can say
	# where each flow goes; otherwise L4 with the kernel's random seed.
	if [ "$LBV_ECMP_HASH" = linux ]; then
		nsx r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy="$LBV_HASH_POLICY" \
			net.ipv4.fib_multipath_hash_seed="$LBV_HASH_SEED" >/dev/null ||
			die "cannot set the router's multipath hash policy $LBV_HASH_POLICY and seed $LBV_HASH_SEED (fib_multipath_hash_seed needs Linux 6.11+)"
	else
		nsx r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.fib_multipath_hash_policy=1 >/dev/null ||
			die "cannot set the router's forwarding and L4 multipath hash"
	fi
	# client <-> router
	ip -n "$LBV_TAG-c" link add eth0 type veth peer name c0 netns "$LBV_TAG-r" || die "veth client"
	ip -n "$LBV_TAG-r" addr add 10.30.0.1/16 dev c0
	ip -n "$LBV_TAG-r" link set c0 up
	{
		echo "addr add 10.30.0.2/16 dev eth0"
		for ((i = 0; i < LBV_CLIENTS; i++)); do
			echo "addr add 10.30.$((1 + i / 250)).$((1 + i % 250))/16 dev eth0"
		done
		echo "link set eth0 up"
		echo "route add default via 10.30.0.1"
	} | ip -n "$LBV_TAG-c" -batch - || die "client addresses"
	# backplane bridge
	ip -n "$LBV_TAG-bp" link add br0 type bridge || die "bridge"
	ip -n "$LBV_TAG-bp" link set br0 up
	for ((i = 0; i < LBV_NODES; i++)); do
		local n=$LBV_TAG-n$i
		ip -n "$LBV_TAG-r" link add "n$i" type veth peer name uplink netns "$n" || die "veth uplink $i"
		ip -n "$LBV_TAG-r" addr add "10.10.$i.1/24" dev "n$i"
		ip -n "$LBV_TAG-r" link set "n$i" up
		ip -n "$n" addr add "10.10.$i.2/24" dev uplink
		ip -n "$n" link set uplink up
		ip -n "$n" addr add "$LBV_VIP/32" dev lo
		ip -n "$n" route add default via "10.10.$i.1"
		ip -n "$LBV_TAG-bp" link add "p$i" type veth peer name bp netns "$n" || die "veth backplane $i"
		ip -n "$LBV_TAG-bp" link set "p$i" master br0
		ip -n "$LBV_TAG-bp" link set "p$i" up
		ip -n "$n" addr add "10.20.0.$((i + 1))/24" dev bp
		ip -n "$n" link set bp up
	done
}

# Data-packet counters (nftables netdev hooks, UDP to DATA_PORT): into the
# router from the client, out of the router to each node, into each node.
install_counters() {
	local i
	{
		echo "table netdev lbv {"
		echo " counter rin { }"
		for ((i = 0; i < LBV_NODES; i++)); do echo " counter out$i { }"; done
		echo " chain c_in { type filter hook ingress device \"c0\" priority 0; policy accept; udp dport $DATA_PORT counter name \"rin\"; }"
		for ((i = 0; i < LBV_NODES; i++)); do
			echo " chain n${i}_out { type filter hook egress device \"n$i\" priority 0; policy accept; udp dport $DATA_PORT counter name \"out$i\"; }"
		done
		echo "}"
	} >"$LIVE/router.nft"
	nsx r nft -f "$LIVE/router.nft" || die "router counters (nftables netdev ingress/egress)"
	for ((i = 0; i < LBV_NODES; i++)); do
		cat >"$LIVE/node.nft" <<-EOF
			table netdev lbv {
			 counter nin { }
			 chain up_in { type filter hook ingress device "uplink" priority 0; policy accept; udp dport $DATA_PORT counter name "nin"; }
			}
		EOF
		nsx "n$i" nft -f "$LIVE/node.nft" || die "node $i counters"
	done
}

# --- FRR ---------------------------------------------------------------------

frr_common() { # NAME DAEMON
	printf 'hostname lbv-%s\nlog timestamp precision 6\nlog file %s/frr/%s-%s.log debugging\n' \
		"$1" "$LIVE" "$1" "$2"
}

bfd_profile() {
	printf 'bfd\n profile lbv\n  transmit-interval %s\n  receive-interval %s\n  detect-multiplier %s\n exit\nexit\n' \
		"$LBV_BFD_INTERVAL_MS" "$LBV_BFD_INTERVAL_MS" "$LBV_BFD_MULT"
}

neighbor_lines() { # ADDRESS REMOTE_AS
	echo " neighbor $1 remote-as $2"
	echo " neighbor $1 timers $LBV_KEEPALIVE_S $LBV_HOLD_S"
	echo " neighbor $1 timers connect 1"
	echo " neighbor $1 advertisement-interval 0"
	if [ "$LBV_FAILOVER" = bfd ]; then
		echo " neighbor $1 bfd"
		echo " neighbor $1 bfd profile lbv"
	fi
}

write_frr_configs() {
	local i d=$LIVE/frr
	{
		frr_common router zebra
		echo "no zebra nexthop kernel enable"
	} >"$d/router-zebra.conf"
	{
		frr_common router bgpd
		printf 'debug bgp updates in\ndebug bgp neighbor-events\ndebug bgp zebra\n'
		[ "$LBV_FAILOVER" = bfd ] && echo "debug bgp bfd"
		printf 'route-map LBV-DENY deny 10\nexit\n'
		echo "router bgp $ROUTER_AS"
		echo " bgp router-id 10.10.0.1"
		echo " no bgp ebgp-requires-policy"
		echo " bgp always-compare-med"
		for ((i = 0; i < LBV_NODES; i++)); do neighbor_lines "10.10.$i.2" "$NODE_AS"; done
		echo " address-family ipv4 unicast"
		echo "  maximum-paths 64"
		for ((i = 0; i < LBV_NODES; i++)); do echo "  neighbor 10.10.$i.2 route-map LBV-DENY out"; done
		echo " exit-address-family"
		echo "exit"
	} >"$d/router-bgpd.conf"
	{
		frr_common router bfdd
		echo "debug bfd peer"
		bfd_profile
	} >"$d/router-bfdd.conf"
	for ((i = 0; i < LBV_NODES; i++)); do
		frr_common "n$i" zebra >"$d/n$i-zebra.conf"
		{
			frr_common "n$i" bgpd
			# the UPDATEs the node sends: the end of its advertising path
			printf 'debug bgp updates out\n'
			printf 'route-map LBV-MED-%s permit 10\n set metric %s\nexit\n' "$LBV_BASE_METRIC" "$LBV_BASE_METRIC"
			echo "router bgp $NODE_AS"
			echo " bgp router-id 10.10.$i.2"
			echo " no bgp ebgp-requires-policy"
			echo " no bgp network import-check"
			neighbor_lines "10.10.$i.1" "$ROUTER_AS"
			echo " address-family ipv4 unicast"
			echo "  network $LBV_VIP/32 route-map LBV-MED-$LBV_BASE_METRIC"
			echo " exit-address-family"
			echo "exit"
		} >"$d/n$i-bgpd.conf"
		{
			frr_common "n$i" bfdd
			bfd_profile
		} >"$d/n$i-bfdd.conf"
	done
}

# Starts FRR daemon D in namespace NS (router | n<i>) with every path in
# $LIVE/frr/NS, and records its PID (from its pid file, bounded wait).
start_daemon() { # NS NAME D
	local ns=$1 name=$2 d=$3 dir=$LIVE/frr/$2
	mkdir -p "$dir" && chown frr:frr "$dir"
	local extra=()
	[ "$d" = bfdd ] && extra=(--bfdctl "$dir/bfdd.sock")
	TZ=UTC nsx "$ns" "$FRR/$d" -d -P 0 -f "$LIVE/frr/$name-$d.conf" -i "$dir/$d.pid" -z "$dir/zserv.api" \
		--vty_socket "$dir" "${extra[@]}" >>"$LIVE/frr/stderr.log" 2>&1 || die "$d in $ns did not start"
	for _ in $(seq 100); do
		[ -s "$dir/$d.pid" ] && break
		sleep 0.05
	done
	[ -s "$dir/$d.pid" ] || die "$d in $ns wrote no pid file"
	track "$(cat "$dir/$d.pid")" "frr-$name-$d"
}

start_frr_on() { # NS NAME
	start_daemon "$1" "$2" zebra
	[ "$LBV_FAILOVER" = bfd ] && start_daemon "$1" "$2" bfdd
	start_daemon "$1" "$2" bgpd
}

vip_paths() { # the next-hop count of the router's kernel route to the VIP
	nsx r ip route show "$LBV_VIP/32" | grep -c via
}

# Bounded wait (30 s) until the router's kernel forwards the VIP over every
# node, and (bfd) every BFD session is up.
wait_converged() {
	local i
	for i in $(seq 300); do
		if [ "$(vip_paths)" -eq "$LBV_NODES" ]; then
			[ "$LBV_FAILOVER" != bfd ] && return 0
			local up
			up=$(nsx r vtysh --vty_socket "$LIVE/frr/router" -d bfdd -c "show bfd peers brief" 2>/dev/null | grep -cw up)
			[ "$up" -ge "$LBV_NODES" ] && return 0
		fi
		sleep 0.1
	done
	die "the router did not converge in 30 s ($(vip_paths) of $LBV_NODES paths to $LBV_VIP)"
}

# --- the repetition ------------------------------------------------------------

sender_args() {
	echo --vip "$LBV_VIP" --port "$DATA_PORT" --flows "$LBV_FLOWS" --rate "$LBV_PKT_RATE" --size "$LBV_PKT_SIZE" \
		--clients "$LBV_CLIENTS" --start "$T0" --duration "$LBV_DURATION_NS" --seed "$LBV_SEED" --log "$LIVE/send.bin"
}

# Where the router's kernel sends each flow before the run: the sender's
# flow table (lbv-send --print-flows: "FLOW SRC SPORT DST DPORT") and, per flow,
# `ip route get VIP from SRC iif c0 ipproto udp sport S dport P` in the
# router, i.e. the input path of a forwarded packet (doc/ecmp.md, fact 12),
# as "FLOW NEXTHOP" lines (NEXTHOP "-" when the answer names none).
route_get_flows() {
	local flows=$LIVE/flows.txt
	# shellcheck disable=SC2046
	nsx c "$LBV_HELPERS/lbv-send" $(sender_args) --print-flows >"$flows" || die "lbv-send --print-flows failed"
	awk '{print "route get " $4 " from " $2 " iif c0 ipproto udp sport " $3 " dport " $5}' "$flows" \
		>"$LIVE/route-get.batch"
	nsx r ip -o -batch "$LIVE/route-get.batch" >"$LIVE/route-get.out" 2>"$LIVE/route-get.err"
	awk 'NR == FNR {flow[FNR] = $1; next}
	     {via = "-"; for (i = 1; i < NF; i++) if ($i == "via") via = $(i + 1); print flow[FNR], via}' \
		"$flows" "$LIVE/route-get.out" >"$LIVE/route-get.txt"
	[ "$(wc -l <"$LIVE/route-get.txt")" -eq "$LBV_FLOWS" ] ||
		echo "testbed: ip route get answered $(wc -l <"$LIVE/route-get.txt") of $LBV_FLOWS flows" >&2
}

start_agent() { # I
	local i=$1
	# ip netns exec execs the program: $! is the program's own PID
	ip netns exec "$LBV_TAG-n$i" "$LBV_HELPERS/lbv-agentd" --id "$i" --nodes "$LBV_NODES" --bp-base 10.20.0.1 --port "$HB_PORT" \
		--interval "$LBV_HB_INTERVAL_NS" --misses "$LBV_HB_MISSES" --base-metric "$LBV_BASE_METRIC" \
		--reduction "$LBV_REDUCTION" --restore-wait "$LBV_RESTORE_WAIT_NS" --refresh "$LBV_REFRESH_NS" \
		--failover "$LBV_FAILOVER" --isolation "$LBV_ISOLATION" --vty "$LIVE/frr/n$i/bgpd.vty" --asn "$NODE_AS" --vip "$LBV_VIP" \
		--seed "$LBV_SEED" --log "$LIVE/agent-$i.log" --until "$UNTIL" 2>>"$LIVE/agent-$i.err" &
	track $! "agent-n$i"
}

node_pids() { # I: the PIDs of node i's daemons and agent
	awk -v n="n$1" '$3 == "agent-" n || index($3, "frr-" n "-") == 1 {print $1}' "$LIVE/pids"
}

crash_nft() { # I: a silent crash: every packet in and out of the node's ports dropped
	cat <<-EOF
		table netdev lbvcrash {
		 counter data { }
		 chain up_in { type filter hook ingress device "uplink" priority -10; policy accept; udp dport $DATA_PORT counter name "data" drop; counter drop; }
		 chain up_out { type filter hook egress device "uplink" priority -10; policy accept; counter drop; }
		 chain bp_in { type filter hook ingress device "bp" priority -10; policy accept; counter drop; }
		 chain bp_out { type filter hook egress device "bp" priority -10; policy accept; counter drop; }
		}
	EOF
}

do_failure() { # KIND NODE
	local kind=$1 i=$2 n=$LBV_TAG-n$2
	case $kind in
	crash)
		crash_nft "$i" | ip netns exec "$n" nft -f - || echo "testbed: crash of node $i: nft failed" >&2
		kill -STOP $(node_pids "$i") 2>/dev/null
		;;
	recover)
		ip netns exec "$n" nft delete table netdev lbvcrash 2>/dev/null
		restart_node "$i"
		;;
	link-down) ip -n "$n" link set uplink down ;;
	link-up) ip -n "$n" link set uplink up ;;
	backplane-down) ip -n "$n" link set bp down ;;
	backplane-up) ip -n "$n" link set bp up ;;
	*) echo "testbed: failure kind $kind cannot be made real" >&2 ;;
	esac
}

# A recovered node starts afresh, as the simulated one does: the crashed
# (frozen) node's daemons and agent are killed, as a crash would have, and
# started again with their configuration and nothing else.
restart_node() { # I
	local i=$1 pid dirs
	for pid in $(node_pids "$i"); do
		dirs=$(frr_tmpdirs "$pid")
		kill -KILL "$pid" 2>/dev/null
		[ -z "$dirs" ] || rm -rf $dirs
	done
	for _ in $(seq 50); do
		local left=0
		for pid in $(node_pids "$i"); do [ -e "/proc/$pid" ] && left=1; done
		[ "$left" -eq 0 ] && break
		sleep 0.02
	done
	sed -i "/ agent-n$i\$/d; / frr-n$i-/d" "$LIVE/pids"
	start_frr_on "n$i" "n$i"
	mv "$LIVE/agent-$i.log" "$LIVE/agent-$i.log.$(now_ns)"
	start_agent "$i"
}

# Makes one failure real at T0 + AT and logs "T_BEFORE T_AFTER KIND NODE".
# Each failure runs in its own background process (run_failures), so a
# slow one (recover restarts a node's daemons) does not delay the next.
run_failure() { # AT KIND NODE
	local t=$((T0 + $1)) wait
	wait=$((t - $(now_ns)))
	if [ "$wait" -gt 0 ]; then
		# a background sleep and `wait`, so that a TERM ends both at once
		sleep "$(printf '%d.%09d' $((wait / 1000000000)) $((wait % 1000000000)))" &
		local sleeper=$!
		trap 'kill $sleeper 2>/dev/null; exit 0' TERM
		wait "$sleeper"
		trap - TERM
	fi
	local before after
	before=$(now_ns)
	do_failure "$2" "$3"
	after=$(now_ns)
	echo "$before $after $2 $3" >>"$LIVE/failures.log"
}

run_failures() {
	local f at kind node
	for f in $LBV_FAILURES; do
		IFS=: read -r at kind node <<<"$f"
		run_failure "$at" "$kind" "$node" &
		track $! "failure-$kind-$node"
	done
}

udp_rcvbuf_errors() { # NS
	nsx "$1" awk '/^Udp:/ {n++; if (n == 1) for (i = 1; i <= NF; i++) col[$i] = i; else print $col["RcvbufErrors"]}' /proc/net/snmp
}

nft_counters() { # NS TABLE -> "name packets" lines
	nsx "$1" nft list counters table netdev "$2" 2>/dev/null |
		awk '$1 == "counter" {name = $2} $1 == "packets" {print name, $2}'
}

read_counters() {
	local i
	{
		nft_counters r lbv | sed 's/^/router_/'
		for ((i = 0; i < LBV_NODES; i++)); do
			nft_counters "n$i" lbv | sed "s/^/node${i}_/"
			nft_counters "n$i" lbvcrash | sed "s/^/node${i}_crash_/"
			echo "node${i}_rcvbuf_errors $(($(udp_rcvbuf_errors "n$i") - ${RCVBUF0[$i]}))"
		done
	} >"$LIVE/counters.txt"
}

run() {
	local params=$1
	RAW=$2
	# shellcheck source=/dev/null
	. "$params" || die "$params: cannot read"
	LIVE=/tmp/$LBV_TAG
	[ -e "$LIVE" ] && die "$LIVE exists: another run with tag $LBV_TAG?"
	mkdir -p "$RAW" || die "$RAW: cannot create"
	mkdir -m 755 "$LIVE" "$LIVE/frr" && chown frr:frr "$LIVE/frr" || die "$LIVE: cannot create"
	: >"$LIVE/pids"
	trap on_exit EXIT
	trap 'exit 130' INT TERM HUP
	cp "$params" "$LIVE/params.env"
	FRR_VERSION=$("$FRR/bgpd" --version 2>/dev/null | head -1)

	build_topology
	install_counters
	write_frr_configs
	start_frr_on r router
	local i
	for ((i = 0; i < LBV_NODES; i++)); do start_frr_on "n$i" "n$i"; done
	TZ=UTC ip netns exec "$LBV_TAG-r" ip -ts -o monitor route >"$LIVE/route.log" 2>/dev/null &
	track $! ip-monitor
	wait_converged
	nsx r ip -o route show "$LBV_VIP/32" >"$LIVE/route-at-start.txt"
	T0=1 # lbv-send --print-flows: the flow table does not depend on the start
	route_get_flows

	# T0: after the agents settle, plus the repetition's random phase delay
	local settle=1500000000
	T0=$(($(now_ns) + settle + LBV_PHASE_DELAY_NS))
	UNTIL=$((T0 + LBV_DURATION_NS + 3000000000))
	RCVBUF0=()
	for ((i = 0; i < LBV_NODES; i++)); do
		RCVBUF0[$i]=$(udp_rcvbuf_errors "n$i")
		ip netns exec "$LBV_TAG-n$i" "$LBV_HELPERS/lbv-recv" --node "$i" --port "$DATA_PORT" --until "$UNTIL" \
			--log "$LIVE/recv-$i.bin" 2>>"$LIVE/recv-$i.err" &
		track $! "recv-n$i"
		start_agent "$i"
	done
	printf 'T0_NS=%s\nPHASE_DELAY_NS=%s\nTAG=%s\nFRR=%s\n' "$T0" "$LBV_PHASE_DELAY_NS" "$LBV_TAG" "$FRR_VERSION" \
		>"$LIVE/meta.env"
	# shellcheck disable=SC2046
	ip netns exec "$LBV_TAG-c" "$LBV_HELPERS/lbv-send" $(sender_args) 2>>"$LIVE/send.err" &
	local sender=$!
	track "$sender" sender
	: >"$LIVE/failures.log"
	run_failures
	# the sender stops by itself at T0 + duration (or when it falls behind)
	wait "$sender"
	local src=$?
	[ "$src" -eq 0 ] || die "the sender failed ($(cat "$LIVE/send.err"))"
	sleep 0.5 # drain
	for ((i = 0; i < LBV_NODES; i++)); do
		local pid st name
		while read -r pid st name; do
			[ "$name" = "recv-n$i" ] && alive "$pid" "$st" && kill -TERM "$pid"
		done <"$LIVE/pids"
	done
	for _ in $(seq 50); do
		local n
		n=$(ls "$LIVE"/recv-*.bin 2>/dev/null | wc -l)
		[ "$n" -eq "$LBV_NODES" ] && break
		sleep 0.1
	done
	read_counters
	echo "END_NS=$(now_ns)" >>"$LIVE/meta.env"
}

case ${1:-} in
check)
	[ $# -le 2 ] && { [ $# -lt 2 ] || [ "$2" = linux-seed ]; } || die "usage: testbed.sh check [linux-seed]"
	check "${2:-}"
	;;
run)
	[ $# -eq 3 ] || die "usage: testbed.sh run PARAMS RAW_DIR"
	run "$2" "$3"
	;;
cleanup)
	[ $# -eq 2 ] || die "usage: testbed.sh cleanup TAG"
	LBV_TAG=$2
	cleanup_tag "$2"
	rm -rf "/tmp/$2"
	;;
*) die "usage: testbed.sh check [linux-seed] | run PARAMS RAW_DIR | cleanup TAG" ;;
esac
