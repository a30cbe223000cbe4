# analysis/share.gp: each node's share of the VIP's packets over time, per
# bin, with the failures and repairs marked: the first survivor drawing all
# of the traffic while it alone holds metric n - d, a resilient group's stuck
# buckets. A column zoomed on each failure (as loss.gp's), then the whole run.
# usage: sh analysis/rundata.sh RUN/rep0 TMP
#        gnuplot -e "dir='RUN/rep0'; tmp='TMP'; term='png'" analysis/share.gp
#   data: time, share of node 0 .. N-1 (default TMP/share.dat, the packets
#   the routers sent to each node; plot.sh writes one file per router from
#   router_load.csv for out = 'share-r<K>', what = "router K's packets")
if (!exists("term")) term = 'png'
load tmp.'/vars.gp'
if (!exists("data")) data = tmp.'/share.dat'
if (!exists("out")) out = 'share'
if (!exists("what")) what = share_what
marks_f = tmp.'/marks.dat'
node_colour(i) = word('#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf', i % 10 + 1)
node_dash(i) = i % 5 + 1
fails = system("awk '$2 == 7 { print $1 }' ".marks_f)
repairs = system("awk '$2 == 1 { print $1 }' ".marks_f)
LM = 80; ZW = 400; WW = (nzoom > 0 ? 580 : 820); G = 60; KW = 170; RM = 10
TH = 80 + (run_title_lines - 1) * 15; PH = 330; BH = 52
W = LM + nzoom * (ZW + G) + WW + KW + RM
H = TH + PH + BH
sx(px) = px * 1.0 / W
sy(px) = 1 - px * 1.0 / H
if (term eq 'svg') { set terminal svg size W,H dynamic background rgb 'white' font 'Helvetica,11'; set output dir.'/'.out.'.svg' } \
else { set terminal pngcairo size W,H background rgb 'white' font 'Helvetica,10'; set output dir.'/'.out.'.png' }
set termoption noenhanced
set multiplot title run_title."\neach node's share of ".what.(strlen(peak_share) > 0 ? ' (peak after the failure, all routers: '.peak_share.')' : '')
set grid xtics ytics lc rgb '#dddddd' dt 1
set yrange [0:1.05]
set ytics 0, 0.25, 1
set xlabel 'simulated time (s)'
set tmargin at screen sy(TH)
set bmargin at screen sy(TH + PH)
set datafile separator whitespace
ncol = nzoom + 1
do for [col=1:ncol] {
  whole = col == ncol
  x0 = LM + (col - 1) * (ZW + G)
  x1 = x0 + (whole ? WW : ZW)
  lo = whole ? 0 : word(zooms, 2 * col - 1) + 0
  hi = whole ? duration : word(zooms, 2 * col) + 0
  set lmargin at screen sx(x0)
  set rmargin at screen sx(x1)
  set xrange [lo:hi]
  set title (whole ? 'whole run' : sprintf('zoom: %.2f s to %.2f s', lo, hi))
  set ylabel (col == 1 ? 'share of the packets' : '')
  unset arrow
  do for [t in fails] { if (t + 0 >= lo && t + 0 <= hi) { set arrow from t + 0, graph 0 to t + 0, graph 1 nohead lc rgb '#d62728' lw 1.2 back } }
  do for [t in repairs] { if (t + 0 >= lo && t + 0 <= hi) { set arrow from t + 0, graph 0 to t + 0, graph 1 nohead lc rgb '#2ca02c' lw 1.2 dt 2 back } }
  if (whole) { set key at screen sx(W - KW - RM + 15), sy(TH) left top Left reverse samplen 2.5 font ',9' maxrows 16 } \
  else { unset key }
  plot for [i=0:nodes-1] data using 1:(column(i + 2)) with steps lw 1.7 dt node_dash(i) lc rgb node_colour(i) \
         title (whole ? sprintf('node %d', i) : ''), \
       NaN with lines lc rgb '#d62728' lw 1.2 title (whole && strlen(fails) > 0 ? 'failure' : ''), \
       NaN with lines lc rgb '#2ca02c' lw 1.2 dt 2 title (whole && strlen(repairs) > 0 ? 'repair' : '')
}
unset multiplot
