# bench/scale.gp - plots bench/scale.csv (written by `bench/run --scale`).
#   gnuplot -e "datafile='bench/scale.csv'; outfile='bench/scale.png'" bench/scale.gp
# Columns: nodes,flows,offered_pps,packet_rate,duration_s,sent,delivered,
#          events,wall_s,pkts_per_wall_s,events_per_wall_s,max_rss_kb
# Left: simulated packets per wall second against the offered load, one line
# per (nodes, flows).  Right: max RSS against flows, one line per (nodes,
# offered load).
if (!exists("datafile")) datafile = 'bench/scale.csv'
if (!exists("outfile")) outfile = 'bench/scale.png'

set terminal pngcairo size 1400,600 font ",10"
set output outfile
set datafile separator ','
set datafile missing ''
set key outside bottom center horizontal maxrows 3 font ",8"
set logscale x 10
set grid
NODES = "4 16 64"
FLOWS = "10000 100000 1000000"
LOADS = "10000 100000 1000000"
flabel(f) = (f >= 1000000 ? sprintf("%.0fM", f / 1e6) : sprintf("%.0fk", f / 1e3))
pt(n) = (n == 4 ? 7 : n == 16 ? 5 : 9)
dt(n) = (n == 4 ? 1 : n == 16 ? 2 : 3)

set multiplot layout 1,2 title "lbsim scale (".datafile.")"

set title "simulated packets per wall second"
set xlabel "offered load, packets/s"
set ylabel "packets / wall s"
set logscale y 10
# series i = 1..9: nodes word(NODES, (i-1)/3+1), flows or load word(..., (i-1)%3+1)
N(i) = int(word(NODES, (i - 1) / 3 + 1))
V(w, i) = int(word(w, (i - 1) % 3 + 1))
plot for [i = 1:9] datafile every ::1 \
	using ((int($1) == N(i) && int($2) == V(FLOWS, i)) ? $3 : NaN):10 \
	with linespoints lc i dt dt(N(i)) pt pt(N(i)) title sprintf("%d nodes, %s flows", N(i), flabel(V(FLOWS, i)))

set title "max resident set size"
set xlabel "flows"
set ylabel "max RSS, MiB"
# rows sorted by (nodes, load, flows), so each series is contiguous
plot for [i = 1:9] '< sort -t, -k1,1n -k3,3n -k2,2n '.datafile every ::1 \
	using ((int($1) == N(i) && int($3) == V(LOADS, i)) ? $2 : NaN):($12 / 1024) \
	with linespoints lc i dt dt(N(i)) pt pt(N(i)) title sprintf("%d nodes, %s pps", N(i), flabel(V(LOADS, i)))

unset multiplot
