# analysis/loss.gp: what a failure costs, and why, for one run directory.
# One column per failure, zoomed on it (from just before the failure to past
# the end of its loss window; overlapping failures share a column), then a
# column with the whole run; each column has, on one time axis:
#   - the control-plane events: failure, each survivor's detection, its
#     advertisement of metric n - d, the router's hold-timer expiry, the
#     restores of metric n, repairs (markers; the number beside a marker is
#     the node), explained in the legend;
#   - packets lost per second by cause (only the causes with a loss in the
#     run; the others are listed as zero);
#   - the router's installed route set (events.csv route_installed): one
#     lane per node (per router and node with several routers), filled while
#     the node is in the set, light at metric n, dark at metric n - d,
#     hatched while the node (or its link, or the router) is down: a dead node
#     in the set is the blackhole;
#   - each node's share of the packets the router sent to the nodes
#     (router_load.csv): the first survivor alone in the set draws all of the
#     VIP's traffic (summary.csv peak_node_share).
# Colours are doubled by dash patterns and point shapes, so it reads in grey.
# usage: sh analysis/rundata.sh RUN/rep0 TMP
#        gnuplot -e "dir='RUN/rep0'; tmp='TMP'; term='png'" analysis/loss.gp
#        (plot.sh does both; writes loss.png or loss.svg into dir)
if (!exists("term")) term = 'png'
load tmp.'/vars.gp'
set datafile separator ','
ts = dir.'/timeseries.csv'
lanes_f = tmp.'/lanes.dat'
down_f = tmp.'/down.dat'
marks_f = tmp.'/marks.dat'
share_f = tmp.'/share.dat'

# ---- words and styles ---------------------------------------------------------
cause_words(c) = c eq 'drop_blackhole' ? 'blackhole: sent to a dead node' : \
  c eq 'drop_steer_dead' ? 'steered to a dead owner' : \
  c eq 'drop_no_state' ? 'no state at the owner (broken flow)' : \
  c eq 'drop_queue' ? 'queue full' : \
  c eq 'drop_no_route' ? 'no route at the router' : \
  c eq 'drop_link' ? 'link down, lossy or cut' : \
  c eq 'drop_router_down' ? 'sent to a router that is down' : c
cause_colour(c) = c eq 'drop_blackhole' ? '#000000' : c eq 'drop_steer_dead' ? '#d62728' : \
  c eq 'drop_no_state' ? '#1f77b4' : c eq 'drop_queue' ? '#ff7f0e' : c eq 'drop_no_route' ? '#9467bd' : \
  c eq 'drop_link' ? '#8c564b' : '#2ca02c'
cause_dash(c) = c eq 'drop_blackhole' ? 1 : c eq 'drop_steer_dead' ? 2 : c eq 'drop_no_state' ? 4 : \
  c eq 'drop_queue' ? 5 : c eq 'drop_no_route' ? 3 : c eq 'drop_link' ? 6 : 7
set dashtype 6 (14, 5)
set dashtype 7 (12, 4, 2, 4, 2, 4)
short(c) = substr(c, 6, strlen(c))
zero_list = ''
nz = 0
do for [c in zero_causes] { zero_list = zero_list.(nz == 0 ? '' : (nz % 3 == 0 ? ",\n" : ', ')).short(c); nz = nz + 1 }
rail_name(k) = k == 7 ? 'failure' : k == 6 ? (bfd_detect ? "a node (BFD: the router) detects the failure" : 'a node detects the failure') : \
  k == 5 ? sprintf('a node advertises metric %d (n - d)', reduced_metric) : \
  k == 4 ? "router: a node's route's hold timer expires" : k == 3 ? 'a node withdraws the VIP' : \
  k == 2 ? sprintf('a node advertises metric %d (n) again', base_metric) : 'repair'
rail_pt(k) = k == 7 ? 7 : k == 6 ? 9 : k == 5 ? 11 : k == 4 ? 5 : k == 3 ? 13 : k == 2 ? 8 : 6
rail_lc(k) = k == 7 ? '#d62728' : k == 1 ? '#2ca02c' : '#000000'
node_colour(i) = word('#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #bcbd22 #17becf', i % 10 + 1)
rail_n = words(rail_rows)
node_dash(i) = i % 5 + 1

# the loss panels' common y range
ymax = 0
do for [c in causes] {
  stats ts using (column(c) / bin) nooutput
  if (STATS_max > ymax) { ymax = STATS_max }
}
ymax = ymax > 0 ? ymax * 1.08 : 1
# failure times (vertical lines on every panel)
fails = system("awk '$2 == 7 { print $1 }' ".marks_f)
repairs = system("awk '$2 == 1 { print $1 }' ".marks_f)

# ---- layout, in pixels --------------------------------------------------------
LM = 110; ZW = 400; WW = (nzoom > 0 ? 580 : 820); G = 80; KW = 350; RM = 10
TH = 74 + (run_title_lines - 1) * 15; RH = (rail_n > 0 ? (rail_n > 2 ? rail_n : 2) * 15 + 29 : 0); LH = 250  # (the rail's key needs two rows)
lane_px = lanes <= 8 ? 17 : lanes <= 16 ? 12 : 300.0 / lanes
SH = lanes * lane_px + 10; HH = 150; GAP = 8; BH = 52
W = LM + nzoom * (ZW + G) + WW + KW + RM
H = TH + RH + (rail_n > 0 ? GAP : 0) + LH + GAP + SH + GAP + HH + BH
sx(px) = px * 1.0 / W
sy(px) = 1 - px * 1.0 / H
# each row's top and bottom, in pixels from the top
rail_t = TH; rail_b = TH + RH
loss_t = rail_b + (rail_n > 0 ? GAP : 0); loss_b = loss_t + LH
strip_t = loss_b + GAP; strip_b = strip_t + SH
share_t = strip_b + GAP; share_b = share_t + HH
keyx = sx(W - KW - RM + 18)

if (term eq 'svg') { set terminal svg size W,H dynamic background rgb 'white' font 'Helvetica,11'; set output dir.'/loss.svg' } \
else { set terminal pngcairo size W,H background rgb 'white' font 'Helvetica,10'; set output dir.'/loss.png' }
set termoption noenhanced
kf = term eq 'svg' ? ',10' : ',9'   # key font
nf = term eq 'svg' ? ',9' : ',8'    # note font
ps_rail = term eq 'svg' ? 0.8 : 1.1
set multiplot title run_title."\n".run_summary
set grid xtics ytics lc rgb '#dddddd' dt 1

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
  unset arrow
  # (arrows are not clipped: only those inside the column's range)
  do for [t in fails] { if (t + 0 >= lo && t + 0 <= hi) { set arrow from t + 0, graph 0 to t + 0, graph 1 nohead lc rgb '#d62728' lw 1.2 back } }
  do for [t in repairs] { if (t + 0 >= lo && t + 0 <= hi) { set arrow from t + 0, graph 0 to t + 0, graph 1 nohead lc rgb '#2ca02c' lw 1.2 dt 2 back } }
  ctitle = whole ? 'whole run' : sprintf('zoom: %.2f s to %.2f s', lo, hi)

  # -- the event rail
  if (rail_n > 0) {
    set tmargin at screen sy(rail_t)
    set bmargin at screen sy(rail_b)
    set title ctitle offset 0, -0.3
    set ylabel ''
    set yrange [0.4:rail_n + 0.6]
    unset ytics
    set format x ''
    set xtics
    if (whole) { set key at screen keyx, sy(rail_t - 4) left top Left reverse samplen 1.5 spacing 0.95 font kf title 'events (numbers: the nodes)' left } \
    else { unset key }
    set datafile separator whitespace
    # labels: node numbers in zoom panels (or when there is none), words of
    # failures and repairs everywhere
    plot for [k in rail_rows] marks_f using 1:($2 == k + 0 ? $5 : NaN) with points pt rail_pt(k + 0) ps ps_rail \
           lc rgb rail_lc(k + 0) title (whole ? rail_name(k + 0) : ''), \
         marks_f using 1:5:(!whole || nzoom == 0 || $2 == 7 || $2 == 1 ? stringcolumn(4) : '') \
           with labels left offset 0.7, 0 font nf notitle
    set datafile separator ','
    unset title
  }

  # -- loss by cause
  set tmargin at screen sy(loss_t)
  set bmargin at screen sy(loss_b)
  if (rail_n == 0) { set title ctitle offset 0, -0.3 } else { unset title }
  set yrange [0:ymax]
  set ytics auto
  set format y '%g'
  set format x ''
  set ylabel (col == 1 ? 'packets lost per second' : '')
  if (whole) { set key at screen keyx, sy(loss_t) left top Left reverse samplen 3 spacing 1.1 font kf title 'packets lost, by cause' left } \
  else { unset key }
  if (whole && strlen(zero_list) > 0) {
    set label 98 "zero in this run (not drawn):\n".zero_list at screen keyx, sy(loss_b - 30) left font nf tc rgb '#555555'
  }
  if (strlen(causes) > 0) {
    plot for [c in causes] ts using 1:(column(c) / bin) with steps lw 1.6 dt cause_dash(c) lc rgb cause_colour(c) \
         title (whole ? cause_words(c) : '')
  } else {
    set label 99 'no packet lost' at graph 0.5, graph 0.5 center
    plot NaN notitle
    unset label 99
  }
  unset title

  # -- the installed route set
  set tmargin at screen sy(strip_t)
  set bmargin at screen sy(strip_b)
  unset label 98
  set yrange [-0.5:lanes - 0.5]
  eval 'set ytics '.lane_tics.' font ",9"'
  set grid noytics
  set ylabel ''
  set style fill solid 1.0 border lc rgb '#333333'
  if (whole) { set key at screen keyx, sy(strip_t) left top Left reverse samplen 1.5 spacing 1.0 font kf title (routers > 1 ? "each router's installed route set" : "the router's installed route set") left } \
  else { unset key }
  set datafile separator whitespace
  plot lanes_f using (($1 + $2) / 2):($4 == 1 ? $3 : NaN):1:2:($3 - 0.38):($3 + 0.38) with boxxyerror \
         fs solid 1.0 border lc rgb '#555555' lc rgb '#b8cfe6' title (whole ? sprintf('in the set at metric %d (n)', base_metric) : ''), \
       lanes_f using (($1 + $2) / 2):($4 == 2 ? $3 : NaN):1:2:($3 - 0.38):($3 + 0.38) with boxxyerror \
         fs solid 1.0 border lc rgb '#000000' lc rgb '#1a4f8a' title (whole && reduced_in_set ? sprintf('in the set at metric %d (n - d)', reduced_metric) : ''), \
       down_f using (($1 + $2) / 2):(($3 + $4) / 2):1:2:3:4 with boxxyerror fs transparent pattern 5 border lc rgb '#d62728' \
         lc rgb '#d62728' title (whole && down_any ? 'node, its link or the router down' : '')
  set datafile separator ','
  set grid ytics

  # -- each node's share
  set tmargin at screen sy(share_t)
  set bmargin at screen sy(share_b)
  set yrange [0:1.05]
  set ytics 0, 0.25, 1 font ''
  set format y '%g'
  set format x '%g'
  set xlabel 'simulated time (s)'
  set ylabel (col == 1 ? 'share' : '')
  if (whole) { set key at screen keyx, sy(share_t) left top Left reverse samplen 2.5 spacing 0.95 font kf maxrows 8 \
                 title "each node's share" left } \
  else { unset key }
  if (whole) {
    set label 96 'of '.share_what at screen keyx, sy(share_b - 16) left font nf tc rgb '#555555'
    if (strlen(peak_share) > 0) {
      set label 97 'peak after the failure: '.peak_share.' (peak_node_share)' at screen keyx, sy(share_b - 2) left font nf tc rgb '#555555'
    }
  }
  set datafile separator whitespace
  plot for [i=0:nodes-1] share_f using 1:(column(i + 2)) with steps lw 1.7 dt node_dash(i) lc rgb node_colour(i) \
       title (whole ? sprintf('node %d', i) : '')
  set datafile separator ','
  unset label 97
  unset label 96
  unset xlabel
}
unset multiplot
