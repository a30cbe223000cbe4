#!/bin/sh
# analysis/plot.sh DIR: every figure of a results directory, from its CSV
# files only (gnuplot; PNG and SVG next to the data).
#  - a run directory (the scenario's [output] dir, with rep*/), per
#    replication: loss.* (events, loss by cause, the installed route set and
#    each node's share, zoomed on each failure and over the whole run;
#    loss.gp), share.* (each node's share, share.gp; share-r<K>.* per router
#    with several routers), outage-cdf.* with flows.csv (cdf.gp);
#  - a sweep directory (with sweep.csv): per summary figure, the mean and
#    95% CI against the first swept key, one bar or line per value of the
#    second, one panel per combination of the further keys, the closed form
#    dashed (sweepdata.awk pivots, sweep.gp draws): sweep-<figure>.*, or
#    sweep-<figure>-<page>.* when the panels need several files. A figure
#    that is zero or empty at every point is not drawn (and said so).
set -eu
dir=${1:?usage: plot.sh RESULTS_DIR}
here=$(dirname "$0")
made=""
notes=""
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
for rep in "$dir"/rep*/; do
	[ -f "$rep/timeseries.csv" ] || continue
	rep=${rep%/}
	tmp="$work/$(basename "$rep")"
	sh "$here/rundata.sh" "$rep" "$tmp"
	for term in png svg; do
		gnuplot -e "dir='$rep'; tmp='$tmp'; term='$term'" "$here/loss.gp"
		gnuplot -e "dir='$rep'; tmp='$tmp'; term='$term'" "$here/share.gp"
		if [ -f "$rep/flows.csv" ]; then gnuplot -e "dir='$rep'; tmp='$tmp'; term='$term'" "$here/cdf.gp"; fi
	done
	made="$made $rep/loss.png $rep/share.png"
	# with several routers, each router's own view (router_load.csv)
	routers=$(awk -F, 'NR > 1 && $2 + 1 > n { n = $2 + 1 } END { print n + 0 }' "$rep/router_load.csv" 2>/dev/null || echo 0)
	if [ "$routers" -gt 1 ]; then
		nodes=$(sed -n 's/^nodes = //p' "$tmp/vars.gp")
		r=0
		while [ "$r" -lt "$routers" ]; do
			awk -F, -v n="$nodes" -v r="$r" 'NR > 1 && $2 == r { p[$1, $3] = $4; sum[$1] += $4; if (!($1 in seen)) { seen[$1] = 1; t[++k] = $1 } }
				END { for (i = 1; i <= k; i++) { if (sum[t[i]] == 0) continue; printf "%s", t[i]
				      for (j = 0; j < n; j++) printf " %.6f", p[t[i], j] / sum[t[i]]; printf "\n" } }' \
				"$rep/router_load.csv" > "$tmp/share-r$r.dat"
			for term in png svg; do
				gnuplot -e "dir='$rep'; tmp='$tmp'; term='$term'; data='$tmp/share-r$r.dat'; out='share-r$r'; what=\"the packets router $r sent to the nodes\"" "$here/share.gp"
			done
			made="$made $rep/share-r$r.png"
			r=$((r + 1))
		done
	fi
	if [ -f "$rep/flows.csv" ]; then made="$made $rep/outage-cdf.png"; fi
done
if [ -f "$dir/sweep.csv" ]; then
	maxp=${LBSIM_PLOT_PANELS:-6} # panels per figure file
	for fig in lost flows_broken loss_window_s broken_fraction window_blackhole_s broken_fraction_alive peak_node_share; do
		tmp="$work/sweep-$fig"
		mkdir -p "$tmp"
		awk -F, -v fig="$fig" -v out="$tmp" -v maxp="$maxp" -f "$here/sweepdata.awk" "$dir/sweep.csv"
		if ! grep -q '^nonzero = 1' "$tmp/vars.gp"; then
			notes="$notes
plot: sweep-$fig not drawn: zero or empty at every point"
			continue
		fi
		pages=$(sed -n 's/^pages = //p' "$tmp/vars.gp")
		# no stale file of an earlier plot with other pages
		rm -f "$dir/sweep-$fig.png" "$dir/sweep-$fig.svg" "$dir/sweep-$fig-"[0-9]*.png "$dir/sweep-$fig-"[0-9]*.svg
		page=1
		while [ "$page" -le "$pages" ]; do
			for term in png svg; do
				gnuplot -e "dir='$dir'; tmp='$tmp'; fig='$fig'; page=$page; term='$term'" "$here/sweep.gp"
			done
			if [ "$pages" -gt 1 ]; then made="$made $dir/sweep-$fig-$page.png"; else made="$made $dir/sweep-$fig.png"; fi
			page=$((page + 1))
		done
		if [ "$pages" -gt 1 ]; then
			np=$(sed -n 's/^npanels = //p' "$tmp/vars.gp")
			notes="$notes
plot: sweep-$fig: $np panels, more than $maxp fit in one figure: $pages files, sweep-$fig-1 to sweep-$fig-$pages"
		fi
	done
fi
if [ -z "$made" ] && [ -n "$notes" ]; then echo "plot: no figure for $dir$notes"; exit 0; fi
[ -n "$made" ] || { echo "plot: nothing to plot in $dir (no rep*/timeseries.csv, no sweep.csv)" >&2; exit 1; }
echo "plot:$made (and .svg)$notes"
