# analysis/sweep.gp: one summary figure of a sweep (lbsim sweep), from the
# pivot sweepdata.awk wrote: the mean over a point's replications with its
# 95% Student-t confidence interval, against the first swept key (bars with
# error bars when its values are names, points joined by lines with error
# bars when they are numbers or durations; log x when they span 20x or more),
# one bar or line per value of the second key, one panel per combination of
# the values of the third and further keys (several figure files when there
# are more than maxp panels), a legend shared by the panels, the same y range
# in every panel.  The closed form's expectation (doc/model.md
# "Expectations"), where the figure has one: a dashed black tick across each
# bar, or a dashed line in the series' colour.
# usage: awk -F, -v fig=lost -v out=TMP -v maxp=6 -f analysis/sweepdata.awk DIR/sweep.csv
#        gnuplot -e "dir='DIR'; tmp='TMP'; fig='lost'; page=1; term='png'" analysis/sweep.gp
#        (plot.sh does both; writes DIR/sweep-<fig>.png, or sweep-<fig>-<page>.png
#        when there are several pages)
if (!exists("term")) term = 'png'
if (!exists("page")) page = 1
load tmp.'/vars.gp'
data = tmp.'/page'.page.'.dat'
out = dir.'/sweep-'.fig.(pages > 1 ? '-'.page : '')
name = system("awk -F, 'NR==2{print $1}' ".dir."/runs/p0/rep0/summary.csv 2>/dev/null")
words_of(f) = f eq 'lost' ? 'packets lost' : \
       f eq 'flows_broken' ? 'flows broken' : \
       f eq 'loss_window_s' ? 'loss window (s)' : \
       f eq 'drop_blackhole' ? 'blackhole drops (packets)' : \
       f eq 'broken_fraction' ? 'fraction of the flows broken' : \
       f eq 'broken_fraction_alive' ? 'fraction of the flows alive at the crash that broke' : \
       f eq 'window_blackhole_s' ? 'blackhole window (s)' : \
       f eq 'peak_node_share' ? "one node's peak share after the failure" : f
colour(i) = word('#1f4e79 #f28e2b #59a14f #e15759 #76b7b2 #b07aa1 #9c755f #bab0ac', (i - 1) % 8 + 1)
# bars: dark and light fills alternate, so the series stay apart in grey
barcolour(i) = word('#1f4e79 #9ecae1 #b5520b #fdd0a2 #2d6a2d #b8e0a0 #555555 #cccccc', (i - 1) % 8 + 1)
ptype(i) = word('7 5 9 11 13 6 4 8', (i - 1) % 8 + 1) + 0
reps = rmin == rmax ? sprintf('%d replication%s per point', rmin, rmin == 1 ? '' : 's') : sprintf('%d to %d replications per point', rmin, rmax)

first = (page - 1) * maxp + 1
last = page * maxp < npanels ? page * maxp : npanels
np = last - first + 1
cols = np <= 3 ? np : (np == 4 ? 2 : 3)
rows = (np + cols - 1) / cols
one = npanels == 1
LM = 80; TH = (nkeys > 2 ? 88 : 72); KW = 290; BM = 10
# panel titles: one line per extra key
PTH = 10 + 15 * (nkeys > 2 ? nkeys - 2 : 0)
PW = one ? 640 : 430
# category names longer than their slot (about 7 px a character) stand upright
ROT = categorical && xlablen * 7 > (PW - 100) / nx ? int(xlablen * 6.5) : 0
PH = (one ? 440 : 330) + PTH + ROT
KW = one ? 0 : KW
entries = nseries + (categorical ? 1 : 0) + hasexp
TH = one ? TH + 24 * ((entries + 2) / 3) - (nkeys == 1 ? 14 : 0) : TH
W = cols * PW + KW + 10
H = TH + rows * PH + BM
sx(px) = px * 1.0 / W
sy(px) = 1 - px * 1.0 / H
if (term eq 'svg') { set terminal svg size W,H dynamic background rgb 'white' font 'Helvetica,11'; set output out.'.svg' } \
else { set terminal pngcairo size W,H background rgb 'white' font 'Helvetica,10'; set output out.'.png' }
set termoption noenhanced
axes = nkeys > 1 ? "\nx: ".xkey.'; one '.(categorical ? 'bar' : 'line').' per '.skey : ''
panels = nkeys > 2 ? "\none panel per ".pkeys : ''
pg = pages > 1 ? sprintf(' (file %d of %d: panels %d-%d of %d)', page, pages, first, last, npanels) : ''
set multiplot title sprintf("%s: %s, mean and 95%% CI over %s%s%s%s", name, words_of(fig), reps, axes, panels, pg)
set grid ytics lc rgb '#dddddd'
set yrange [0:(ymax > 0 ? ymax * 1.08 : 1)]
set style fill solid 0.85 border lc rgb '#222222'
bw = 0.8 / nseries
pos(x, i) = x + (i - 1 - (nseries - 1) / 2.0) * bw
logx = !categorical && xmin > 0 && xmax >= 20 * xmin
span = xmax > xmin ? xmax - xmin : (xmax != 0 ? abs(xmax) : 1)
dodge(x, i) = logx ? x * 10**((i - 1 - (nseries - 1) / 2.0) * 0.006 * log10(xmax / xmin)) : x + (i - 1 - (nseries - 1) / 2.0) * 0.008 * span
if (categorical) {
  set xrange [-0.6:nx - 0.4]
  set xtics () scale 0
  do for [i=1:nx] { set xtics add (XL[i] XV[i]) }
  if (ROT > 0) { set xtics rotate by 90 right } else { set xtics norotate }
  set grid noxtics
} else {
  if (logx) { set logscale x; set xrange [xmin / 1.25:xmax * 1.25] } \
  else { set xrange [xmin - 0.06 * span:xmax + 0.06 * span] }
  # a tick at each swept value, labelled as the scenario wrote it, when the
  # labels fit (about 7 px a character); else plain numbers (seconds)
  plotw = PW - LM - 20
  room = logx ? xlgap / (log10(xmax / xmin) + 2 * log10(1.25)) * plotw : xgap / (span * 1.12) * plotw
  if (nx <= 12 && room >= xlablen * 7 + 6) { set xtics () ; do for [i=1:nx] { set xtics add (XL[i] XV[i]) } } \
  else { set xtics auto; set format x '%g'; if (durations) { xkey = xkey.' (s)' } }
  set grid xtics
}
stitle(i) = nseries > 1 ? skey.' = '.SL[i] : (categorical ? 'mean' : 'mean, 95% CI')
do for [p=first:last] {
  k = p - first
  c = k % cols; r = k / cols
  set lmargin at screen sx(c * PW + LM)
  set rmargin at screen sx((c + 1) * PW - 20)
  set tmargin at screen sy(TH + r * PH + PTH)
  set bmargin at screen sy(TH + (r + 1) * PH - 50 - ROT)
  if (nkeys > 2) { set title PT[p] font ',10' } else { unset title }
  # axis labels once: y on the left column, x on the bottom row
  set ylabel (c == 0 ? words_of(fig) : '')
  set xlabel (k + cols > np - 1 ? xkey : '')
  if (k == 0 && !one) { set key at screen sx(cols * PW + 5), sy(TH + PTH) left top Left reverse samplen 2.5 spacing 1.2 box } \
  else { if (one) { set key at screen sx(LM + (PW - LM) / 2), sy(TH - 8) center bottom horizontal maxcols 3 Left reverse samplen 2.5 box } \
         else { unset key } }
  b0 = (p - 1 - (page - 1) * maxp) * nseries
  if (categorical) {
    plot for [i=1:nseries] data index b0 + i - 1 using (pos($1, i)):2:(bw) with boxes lc rgb barcolour(i) \
           title (k == 0 ? stitle(i) : ''), \
         for [i=1:nseries] data index b0 + i - 1 using (pos($1, i)):($2 - $3):(0):(2 * $3) with vectors \
           heads size screen 0.006, 90 lc rgb 'black' lw 1.2 title (k == 0 && i == 1 ? '95% CI' : ''), \
         for [i=1:nseries] data index b0 + i - 1 using (pos($1, i) - bw / 2.4):4:(bw / 1.2):(0) with vectors nohead \
           lc rgb 'white' lw 5 notitle, \
         for [i=1:nseries] data index b0 + i - 1 using (pos($1, i) - bw / 2.4):4:(bw / 1.2):(0) with vectors nohead \
           lc rgb 'black' lw 2.5 dt 2 title (k == 0 && i == 1 && hasexp ? 'closed form' : '')
  } else {
    plot for [i=1:nseries] data index b0 + i - 1 using (dodge($1, i)):2:3 with yerrorlines lw 2 pt ptype(i) ps 1.1 lc rgb colour(i) \
           title (k == 0 ? stitle(i) : ''), \
         for [i=1:nseries] data index b0 + i - 1 using 1:4 with lines lw 1.5 dt 2 lc rgb colour(i) notitle, \
         NaN with lines lw 1.5 dt 2 lc rgb 'black' title (k == 0 && hasexp ? 'closed form (dashed)' : '')
  }
}
unset multiplot
