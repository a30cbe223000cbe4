# analysis/cdf.gp: CDF of per-flow outage (longest gap between a flow's
# received packets, flows.csv), for a run directory with flows.csv.
# usage: gnuplot -e "dir='results/x/rep0'; term='png'" cdf.gp
if (!exists("term")) term = 'png'
set datafile separator ','
f = dir.'/flows.csv'
stats f using (column("longest_gap_s")) nooutput
n = STATS_records
if (term eq 'svg') { set terminal svg size 900,520 dynamic background rgb 'white'; set output dir.'/outage-cdf.svg' } \
else { set terminal pngcairo size 900,520; set output dir.'/outage-cdf.png' }
name = system("awk -F, 'NR==2{printf \"%s: %s nodes, failover %s, owner %s, cache %s\", $1,$4,$5,$6,$7}' ".dir."/summary.csv")
set title name noenhanced
set xlabel 'longest gap between packets of a flow (s)'
set ylabel 'fraction of flows (1)'
set logscale x
set grid
set key bottom right
plot f using (column("longest_gap_s") > 0 ? column("longest_gap_s") : 1e-6):(1.0/n) smooth cumulative lw 2 title sprintf('%d flows', n)
