#!/bin/sh
# analysis/rundata.sh REP OUT: the derived data of one run directory REP
# (rep<r>/ of `lbsim run`) that loss.gp and share.gp draw, written into the
# directory OUT (plot.sh makes a temporary one):
#   vars.gp     gnuplot variables: duration, bin, nodes, routers, the drop
#               causes that are not zero in the run, the zoom windows (one per
#               failure, overlapping ones merged), the strip's lane labels,
#               the title, the peak node share;
#   lanes.dat   the router's installed route set over time (events.csv
#               route_installed): x_lo x_hi lane class, one row per interval a
#               node spent in a router's set (class 1: metric n, 2: below n);
#   down.dat    x_lo x_hi y_lo y_hi: where a node (or its link, or a router)
#               was down, on the strip's lanes;
#   marks.dat   time kind point_type label row: the control-plane events
#               (failure, detection, advertise n - d, hold expiry, withdraw,
#               restore n, repair) for the rail above the loss plot (kind
#               7..1 as listed, row: its row among the kinds present, 1..rail_n);
#   share.dat   time share_0 .. share_{N-1}: each node's share of the packets
#               the routers sent to the nodes (router_load.csv, so the dead
#               node's share stays visible until the router drops it; nodes.csv
#               rx_router when there is no router_load.csv);
#   outage.gp, outage.dat: the outage CDF's counts and steps (with
#               flows.csv, see below).
# Every CSV column is found by its header name.
set -eu
rep=${1:?usage: rundata.sh REP OUT}
out=${2:?usage: rundata.sh REP OUT}
mkdir -p "$out"

json_num() { # the first "key": number in run.json
	sed -n "s/.*\"$1\" *: *\([-0-9.e+]*\).*/\1/p" "$rep/run.json" 2>/dev/null | head -1
}
dur_ns=$(json_num duration_ns)
nodes=$(json_num nodes)
base=$(json_num base_metric)
reduction=$(json_num metric_reduction)
[ -n "$base" ] || base=10
[ -n "$reduction" ] || reduction=1
# without run.json: the timeseries' last bin end and nodes.csv's node count
bin=$(awk -F, 'NR == 2 { a = $1 } NR == 3 { print $1 - a; exit }' "$rep/timeseries.csv")
[ -n "$bin" ] || bin=0.01
if [ -n "$dur_ns" ]; then dur=$(awk -v d="$dur_ns" 'BEGIN { printf "%.9g", d / 1e9 }')
else dur=$(awk -F, -v b="$bin" 'NR > 1 { t = $1 } END { printf "%.9g", t + b }' "$rep/timeseries.csv"); fi
[ -n "$nodes" ] || nodes=$(awk -F, 'NR > 1 && $2 + 1 > n { n = $2 + 1 } END { print n + 0 }' "$rep/nodes.csv")
routers=1
if [ -f "$rep/router_load.csv" ]; then
	routers=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["router"] + 1 > n { n = $c["router"] + 1 } END { print (n > 0 ? n : 1) }' "$rep/router_load.csv")
fi

# drop causes with at least one packet in the run, largest first
causes=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^drop_/) { c[i] = $i; at[++k] = i } next }
	{ for (i in c) s[i] += $i }
	END { n = 0; for (j = 1; j <= k; j++) if (s[at[j]] > 0) { o[++n] = at[j] }
	      for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[o[b]] > s[o[a]]) { t = o[a]; o[a] = o[b]; o[b] = t }
	      for (a = 1; a <= n; a++) printf "%s%s", (a > 1 ? " " : ""), c[o[a]] }' "$rep/timeseries.csv")
zero=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^drop_/) { c[i] = $i; at[++k] = i } next }
	{ for (i in c) s[i] += $i }
	END { for (j = 1; j <= k; j++) if (s[at[j]] == 0) printf "%s ", c[at[j]] }' "$rep/timeseries.csv")

# zoom windows: per failures.csv row, from at_s - max(0.2 s, 15%) to the end
# of its longest loss window (or its install, or 0.3 s) + max(0.3 s, 15%);
# overlapping windows merge; a window wider than 60% of the run is dropped
# (the whole-run panel shows it); at most 3
zooms=""
if [ -f "$rep/failures.csv" ]; then
	zooms=$(awk -F, -v dur="$dur" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{
			t = $c["at_s"] + 0; e = t
			for (k in c) if (k ~ /^window_.*_s$/ && $c[k] != "" && t + $c[k] > e) e = t + $c[k]
			if (e == t && $c["t_install_s"] != "" && $c["t_install_s"] + 0 > t) e = $c["t_install_s"] + 0
			if (e == t) e = t + 0.3
			w = e - t; pl = w * 0.15 > 0.2 ? w * 0.15 : 0.2; pr = w * 0.15 > 0.3 ? w * 0.15 : 0.3
			lo = t - pl; hi = e + pr; if (lo < 0) lo = 0; if (hi > dur) hi = dur
			if (n > 0 && lo <= zh[n]) { if (hi > zh[n]) zh[n] = hi } else { n++; zl[n] = lo; zh[n] = hi }
		}
		END { k = 0; for (i = 1; i <= n && k < 3; i++) if (zh[i] - zl[i] <= 0.6 * dur) { printf "%.6g %.6g ", zl[i], zh[i]; k++ } }' \
		"$rep/failures.csv")
fi
nzoom=$(echo $zooms | wc -w); nzoom=$((nzoom / 2))

# the route-set strip: lane = router * nodes + node, drawn top-down
awk -F, -v N="$nodes" -v R="$routers" -v dur="$dur" -v base="$base" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["event"] == "route_installed" {
		t = $c["time_s"] + 0; r = $c["router"] == "" ? 0 : $c["router"] + 0
		cls = $c["value"] + 0 >= base ? 1 : 2
		delete now; m = split($c["set"], s, ";"); for (i = 1; i <= m; i++) if (s[i] != "") now[s[i] + 0] = 1
		for (n = 0; n < N; n++) {
			if (((r, n) in since) && (!(n in now) || cl[r, n] != cls)) {
				if (t > since[r, n]) printf "%.9f %.9f %d %d\n", since[r, n], t, R * N - 1 - (r * N + n), cl[r, n]
				delete since[r, n]
			}
			if ((n in now) && !((r, n) in since)) { since[r, n] = t; cl[r, n] = cls }
		}
	}
	END { for (k in since) { split(k, p, SUBSEP); printf "%.9f %.9f %d %d\n", since[k], dur, R * N - 1 - (p[1] * N + p[2]), cl[k] } }
	# a row of each class far outside every range, so that neither class
	# plots from an empty selection (gnuplot warns)
	END { printf "-1e9 -1e9 -10 1\n-1e9 -1e9 -10 2\n" }
' "$rep/events.csv" | sort -g > "$out/lanes.dat"

# down intervals: a node crashed (all its lanes), its router link down (that
# lane, or every router's when the event names none), a router down (its lanes)
awk -F, -v N="$nodes" -v R="$routers" -v dur="$dur" '
	function box(a, b, lane) { if (b > a) printf "%.9f %.9f %.2f %.2f\n", a, b, lane - 0.45, lane + 0.45 }
	function close_node(key, t,   p, r) { split(key, p, SUBSEP)
		if (p[2] == "") { for (r = 0; r < R; r++) box(start[key], t, R * N - 1 - (r * N + p[1])) }
		else box(start[key], t, R * N - 1 - (p[2] * N + p[1])) }
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		t = $c["time_s"] + 0; e = $c["event"]; n = $c["node"]; r = $c["router"]
		if (e == "fail" || e == "link_down") { k = n SUBSEP (e == "fail" ? "" : r); if (!(k in start)) start[k] = t }
		else if (e == "recover" || e == "link_up") { k = n SUBSEP (e == "recover" ? "" : r); if (k in start) { close_node(k, t); delete start[k] } }
		else if (e == "router_link_down") { k = n SUBSEP r; if (!(k in start)) start[k] = t }
		else if (e == "router_link_up") { k = n SUBSEP r; if (k in start) { close_node(k, t); delete start[k] } }
		else if (e == "router_fail") { if (!(r in rstart)) rstart[r] = t }
		else if (e == "router_recover") { if (r in rstart) { for (m = 0; m < N; m++) box(rstart[r], t, R * N - 1 - (r * N + m)); delete rstart[r] } }
	}
	END { for (k in start) close_node(k, dur)
	      for (r in rstart) for (m = 0; m < N; m++) box(rstart[r], dur, R * N - 1 - (r * N + m)) }
	END { printf "-1e9 -1e9 -10 -10\n" } # never empty (as lanes.dat)
' "$rep/events.csv" | sort -g > "$out/down.dat"

# the event rail: row 7 (top) .. 1, point type, label (node numbers; words for
# failures and repairs); one mark per (time, row, label)
awk -F, -v base="$base" -v R="$routers" '
	function who(n, r) { return n != "" ? "node " n : (r != "" ? "router " r : "") }
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["time_s"] + 0 > 0 {
		t = $c["time_s"] + 0; e = $c["event"]; n = $c["node"]; r = $c["router"]; v = $c["value"]
		row = 0
		if (e == "fail") { row = 7; pt = 7; l = "node " n " crashes" }
		else if (e == "link_down") { row = 7; pt = 7; l = "node " n " link down" }
		else if (e == "backplane_down") { row = 7; pt = 7; l = "node " n " backplane down" }
		else if (e == "partition") { row = 7; pt = 7; l = "partition " $c["set"] }
		else if (e == "lossy") { row = 7; pt = 7; l = "node " n " link lossy" }
		else if (e == "router_fail") { row = 7; pt = 7; l = "router " r " crashes" }
		else if (e == "router_link_down") { row = 7; pt = 7; l = "router " r " - node " n " link down" }
		else if (e == "detect") { row = 6; pt = 9; l = n == "" ? "BFD" : n }
		else if (e == "advertise" && v + 0 < base) { row = 5; pt = 11; l = n }
		else if (e == "hold_expiry") { row = 4; pt = 5; l = n }
		else if (e == "withdraw") { row = 3; pt = 13; l = n }
		else if (e == "restore" || (e == "advertise" && v + 0 >= base)) { row = 2; pt = 8; l = n }
		else if (e == "recover") { row = 1; pt = 6; l = "node " n " recovers" }
		else if (e == "link_up") { row = 1; pt = 6; l = "node " n " link up" }
		else if (e == "backplane_up") { row = 1; pt = 6; l = "node " n " backplane up" }
		else if (e == "router_recover") { row = 1; pt = 6; l = "router " r " recovers" }
		else if (e == "router_link_up") { row = 1; pt = 6; l = "router " r " - node " n " link up" }
		if (row && !seen[t, row, l]++) printf "%.9f %d %d \"%s\"\n", t, row, pt, l
	}' "$rep/events.csv" > "$out/marks.dat"
# rows present, renumbered 1..rail_n from the bottom (column 5 of marks.dat)
rows=$(awk '{ r[$2] = 1 } END { for (k = 7; k >= 1; k--) if (k in r) printf "%s ", k }' "$out/marks.dat")
# node numbers of one row closer than 1/15 of the narrowest panel go into
# one label ("1, 3, 0", in time order) on the cluster's last mark
thr=$(echo "$zooms" | awk -v d="$dur" '{ w = d; for (i = 1; i < NF; i += 2) if ($(i + 1) - $i < w) w = $(i + 1) - $i; printf "%.9g", w / 15 }')
sort -k2,2n -k1,1g "$out/marks.dat" | awk -v rows="$rows" -v thr="$thr" '
	BEGIN { n = split(rows, a, " "); for (i = 1; i <= n; i++) pos[a[i]] = n + 1 - i }
	function flush() { if (k > 0) { for (i = 1; i <= k; i++) print t[i], r, p[i], (i == k ? "\"" lab "\"" : "\"\""), pos[r] } k = 0; lab = ""; delete have }
	{
		l = $0; sub(/^[^"]*"/, "", l); sub(/"$/, "", l)
		if (k > 0 && ($2 != r || $2 == 7 || $2 == 1 || $1 - t[k] > thr)) flush()
		r = $2; t[++k] = $1; p[k] = $3
		if (!(l in have)) { have[l] = 1; lab = lab (lab == "" ? "" : ", ") l }
	}
	END { flush() }' | sort -g > "$out/marks.tmp" && mv "$out/marks.tmp" "$out/marks.dat"

# each node's share of the packets the routers sent to the nodes, per bin
if [ -f "$rep/router_load.csv" ]; then
	awk -F, -v n="$nodes" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ t = $c["time_s"]; p[t, $c["node"]] += $c["packets"]; sum[t] += $c["packets"]; if (!(t in seen)) { seen[t] = 1; o[++k] = t } }
		END { for (i = 1; i <= k; i++) { if (sum[o[i]] == 0) continue; printf "%s", o[i]
		      for (j = 0; j < n; j++) printf " %.6f", p[o[i], j] / sum[o[i]]; printf "\n" } }' "$rep/router_load.csv" > "$out/share.dat"
	share_what="the packets the router sent to the nodes"
	[ "$routers" -gt 1 ] && share_what="the packets the routers sent to the nodes"
else
	awk -F, -v n="$nodes" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ t = $c["time_s"]; p[t, $c["node"]] = $c["rx_router"]; sum[t] += $c["rx_router"]; if (!(t in seen)) { seen[t] = 1; o[++k] = t } }
		END { for (i = 1; i <= k; i++) { if (sum[o[i]] == 0) continue; printf "%s", o[i]
		      for (j = 0; j < n; j++) printf " %.6f", p[o[i], j] / sum[o[i]]; printf "\n" } }' "$rep/nodes.csv" > "$out/share.dat"
	share_what="the packets each live node received from the router"
fi

# the outage CDF (flows.csv, when the run wrote it): the longest gap between
# received packets of each flow that lost packets and was not broken
# (outage.dat, steps: x, fraction); outage.gp counts the flows not drawn.
# A broken flow's outage lasts to its end (its client stops, or nothing it
# sends is delivered again), which longest_gap_s does not measure: counted,
# not drawn.
if [ -f "$rep/flows.csv" ]; then
	rate=$(json_num packet_rate)
	awk -F, -v F="$out/outage.dat" -v rate="$rate" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{
			total++; g = $c["longest_gap_s"] + 0
			if ($c["disrupted"] != 1) { clean++; next }
			if ($c["broken"] == 1) { broken++; next }
			if ($c["received"] < 2) { few++; next }
			v[++n] = g
			if (lo == "" || g < lo) lo = g; if (g > hi) hi = g
		}
		END {
			for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
			if (n > 0) printf "%.9g 0\n", v[1] > F
			for (i = 1; i <= n; i++) if (i == n || v[i + 1] != v[i]) printf "%.9g %.9g\n", v[i], i / n > F
			# the last step runs on to the right edge
			printf (n > 0 ? "1e9 1\n" : "NaN NaN\n") > F
			printf "flows_total = %d\nflows_clean = %d\nflows_broken = %d\nflows_few = %d\n", total, clean, broken, few
			printf "outage_n = %d\ngap_lo = %.9g\ngap_hi = %.9g\n", n, lo + 0, hi + 0
			printf "packet_interval = %.9g\n", (rate > 0 ? 1 / rate : 0)
		}' "$rep/flows.csv" > "$out/outage.gp"
fi

# the title and the summary's figures
title=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 {
	printf "%s: %s nodes, failover %s, owner %s, cache %s, ecmp %s", $c["scenario"], $c["nodes"], $c["failover"], $c["owner_hash"], $c["session_cache"], $c["ecmp"]
	if ($c["sweep"] != "") printf " (%s)", $c["sweep"]
	if ($c["replication"] != "") printf ", replication %s", $c["replication"] }' "$rep/summary.csv")
# the command line's --set values (run.json "sets"), so that variants of one
# scenario are told apart
sets=$(awk '/"sets" *: *\[/ { on = 1; sub(/.*\[/, "") } on { s = s $0 } on && /\]/ { on = 0 }
	END { sub(/\].*/, "", s); n = split(s, a, ","); for (i = 1; i <= n; i++) { v = a[i]; gsub(/^[ \t"]+|[ \t"]+$/, "", v); if (v != "") printf " --set %s", v } }' \
	"$rep/run.json" 2>/dev/null || true)
[ -n "$sets" ] && title="$title,$sets"
summary=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 {
	printf "%s packets lost of %s sent", $c["lost"], $c["sent"]
	if ($c["flows_broken"] != "") printf ", %s of %s flows broken", $c["flows_broken"], $c["flows_total"]
	if ($c["loss_window_s"] != "") printf ", loss window %.3f s", $c["loss_window_s"] }' "$rep/summary.csv")
peak=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 && ("peak_node_share" in c) && $c["peak_node_share"] != "" {
	printf "%.2f", $c["peak_node_share"] }' "$rep/summary.csv")

q() { printf "%s" "$1" | sed "s/'/''/g"; } # a gnuplot single-quoted string's body
{
	echo "duration = $dur"
	echo "bin = $bin"
	echo "nodes = $nodes"
	echo "routers = $routers"
	echo "lanes = $((nodes * routers))"
	echo "base_metric = $base"
	echo "reduced_metric = $((base - reduction))"
	echo "causes = '$causes'"
	echo "zero_causes = '$zero'"
	echo "zooms = '$zooms'"
	echo "nzoom = $nzoom"
	echo "rail_rows = '$rows'"
	echo "reduced_in_set = $(awk '$1 > -1e9 && $4 == 2 { n++ } END { print (n > 0) }' "$out/lanes.dat")"
	echo "bfd_detect = $(awk '$2 == 6 && /BFD/ { n++ } END { print (n > 0) }' "$out/marks.dat")"
	echo "down_any = $(awk '$1 > -1e9 { n++ } END { print (n > 0) }' "$out/down.dat")"
	# long titles (many --set values) wrapped at blanks into lines of at most
	# 110 characters (a --set stays with its value); the figures make room
	# for run_title_lines
	folded=$(printf '%s\n' "$title" | sed 's/--set /--set\x01/g' | fold -s -w 110 | sed 's/\x01/ /g; s/ *$//')
	echo "run_title_lines = $(printf '%s\n' "$folded" | wc -l)"
	printf "run_title = %s\n" "$(printf '%s\n' "$folded" | sed "s/'/''/g; s/.*/'&'/" | paste -sd '#' - |
		sed 's/#/."\\n"./g')"
	echo "run_summary = '$(q "$summary")'"
	echo "peak_share = '$peak'"
	echo "share_what = '$share_what'"
	# the strip's lane labels, top (router 0, node 0) to bottom
	awk -v N="$nodes" -v R="$routers" 'BEGIN { printf "lane_tics = \"("
		for (r = 0; r < R; r++) for (n = 0; n < N; n++) printf "%s'\''%snode %d'\'' %d", (r + n > 0 ? ", " : ""), (R > 1 ? "R" r " " : ""), n, R * N - 1 - (r * N + n)
		printf ")\"\n" }'
} > "$out/vars.gp"
