#!/bin/sh
# analysis/plot.sh DIR: every figure of a results directory, from its CSV
# files only (gnuplot; PNG and SVG next to the data).
#  - a run directory (the scenario's [output] dir, with rep*/): loss rate over
#    time with event markers (loss.*) and, with flows.csv, the outage CDF;
#  - a sweep directory (with sweep.csv): per summary figure, the mean and 95%
#    CI against the first swept key, one line per value of the second, and
#    the closed form's expectation (the expect_<figure> column, doc/model.md
#    "Expectations") as a dashed line or a bar's tick where the figure has one.
set -eu
dir=${1:?usage: plot.sh RESULTS_DIR}
here=$(dirname "$0")
made=""
for rep in "$dir"/rep*/; do
	[ -f "$rep/timeseries.csv" ] || continue
	rep=${rep%/}
	for term in png svg; do
		gnuplot -e "dir='$rep'; term='$term'" "$here/loss.gp"
		if [ -f "$rep/flows.csv" ]; then gnuplot -e "dir='$rep'; term='$term'" "$here/cdf.gp"; fi
	done
	# each node's share of the router's VIP packets per bin (nodes.csv pivoted)
	share=$(mktemp)
	nodes=$(awk -F, 'NR > 1 && $2 + 1 > n { n = $2 + 1 } END { print n + 0 }' "$rep/nodes.csv")
	awk -F, -v n="$nodes" 'NR > 1 { rx[$1, $2] = $3; sum[$1] += $3; if (!($1 in seen)) { seen[$1] = 1; t[++k] = $1 } }
		END { for (i = 1; i <= k; i++) { if (sum[t[i]] == 0) continue; printf "%s", t[i]
		      for (j = 0; j < n; j++) printf " %.6f", rx[t[i], j] / sum[t[i]]; printf "\n" } }' \
		"$rep/nodes.csv" > "$share"
	for term in png svg; do
		gnuplot -e "dir='$rep'; term='$term'; data='$share'; nodes=$nodes" "$here/share.gp"
	done
	made="$made $rep/loss.png $rep/share.png"
	# with several routers, each router's own view (router_load.csv)
	routers=$(awk -F, 'NR > 1 && $2 + 1 > n { n = $2 + 1 } END { print n + 0 }' "$rep/router_load.csv" 2>/dev/null || echo 0)
	if [ "$routers" -gt 1 ]; then
		r=0
		while [ "$r" -lt "$routers" ]; do
			awk -F, -v n="$nodes" -v r="$r" 'NR > 1 && $2 == r { p[$1, $3] = $4; sum[$1] += $4; if (!($1 in seen)) { seen[$1] = 1; t[++k] = $1 } }
				END { for (i = 1; i <= k; i++) { if (sum[t[i]] == 0) continue; printf "%s", t[i]
				      for (j = 0; j < n; j++) printf " %.6f", p[t[i], j] / sum[t[i]]; printf "\n" } }' \
				"$rep/router_load.csv" > "$share"
			for term in png svg; do
				gnuplot -e "dir='$rep'; term='$term'; data='$share'; nodes=$nodes; out='share-r$r'; what=\"router $r's\"" "$here/share.gp"
			done
			made="$made $rep/share-r$r.png"
			r=$((r + 1))
		done
	fi
	rm -f "$share"
	[ -f "$rep/flows.csv" ] && made="$made $rep/outage-cdf.png"
done
if [ -f "$dir/sweep.csv" ]; then
	# swept keys: the columns between "point" and "runs"
	keys=$(head -1 "$dir/sweep.csv" | awk -F, '{for (i = 2; $i != "runs"; i++) printf "%s ", $i}')
	nkeys=$(echo $keys | wc -w)
	xlab=$(echo $keys | awk '{print $1}')
	# categorical x (hold;bfd;readvertise): bars; numeric x (3;10) or
	# durations (500ms;2s, plotted in seconds): a curve with its CI band
	cat=$(awk -F, 'NR > 1 && $2 !~ /^[0-9.]+(ns|us|ms|s)?$/ { c = 1 } END { print c + 0 }' "$dir/sweep.csv")
	dur=$(awk -F, 'NR > 1 && $2 ~ /^[0-9.]+(ns|us|ms|s)$/ { d = 1 } END { print d + 0 }' "$dir/sweep.csv")
	[ "$cat" = 0 ] && [ "$dur" = 1 ] && xlab="$xlab (s)"
	tmp=$(mktemp)
	for fig in lost flows_broken loss_window_s broken_fraction window_blackhole_s broken_fraction_alive; do
		# blocks (gnuplot "index") per value of the second key: x, mean, ci,
		# expectation (NaN: none)
		awk -F, -v fig="$fig" -v nk="$nkeys" '
			NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			{
				if (fig == "broken_fraction") {
					t = $col["flows_total_mean"]; m = t > 0 ? $col["flows_broken_mean"] / t : 0
					c = t > 0 ? $col["flows_broken_ci95"] / t : 0
				} else { m = $col[fig "_mean"]; c = $col[fig "_ci95"] }
				xc = "expect_" fig "_mean"
				e = (xc in col) && $col[xc] != "" ? $col[xc] : "NaN"
				s = nk > 1 ? $3 : "all"
				if (!(s in seen)) { seen[s] = ++ns; order[ns] = s }
				x = $2
				if (x ~ /^[0-9.]+(ns|us|ms|s)$/) {
					u = x; sub(/^[0-9.]+/, "", u); v = substr(x, 1, length(x) - length(u))
					x = v * (u == "ns" ? 1e-9 : u == "us" ? 1e-6 : u == "ms" ? 1e-3 : 1)
				}
				out[s] = out[s] x " " m " " c " " e "\n"
			}
			END { for (i = 1; i <= ns; i++) printf "%s\n\n", out[order[i]] > "/dev/stdout"
			      for (i = 1; i <= ns; i++) printf "%s ", order[i] > "/dev/stderr" }' \
			"$dir/sweep.csv" > "$tmp" 2> "$tmp.series"
		series=$(cat "$tmp.series")
		n=$(echo $series | wc -w)
		for term in png svg; do
			gnuplot -e "dir='$dir'; term='$term'; fig='$fig'; data='$tmp'; nseries=$n; xlab='$xlab'; series='$series'; categorical=$cat" "$here/sweep.gp"
		done
		made="$made $dir/sweep-$fig.png"
	done
	rm -f "$tmp" "$tmp.series"
fi
[ -n "$made" ] || { echo "plot: nothing to plot in $dir (no rep*/timeseries.csv, no sweep.csv)" >&2; exit 1; }
echo "plot:$made (and .svg)"
