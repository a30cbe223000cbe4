# analysis/sweep.gp: a sweep's figure from sweep.csv (lbsim sweep), one
# figure per summary figure of interest: the mean over replications with its
# 95% Student-t confidence interval, against the first swept key: bars with
# error bars when its values are names, a line with a shaded CI band when
# they are numbers or durations; with a second swept key, one bar or line
# per value of it.  The data's 4th column is the closed form's expectation
# (NaN where the figure has none): a black tick across each bar, or a
# dashed line in the series' colour.
# usage: gnuplot -e "dir='results/x'; term='png'; fig='lost'; data='tmp.dat'; nseries=2; xlab='router.failover'; series='on off'" sweep.gp
if (!exists("term")) term = 'png'
out = dir.'/sweep-'.fig
if (term eq 'svg') { set terminal svg size 900,520 dynamic background rgb 'white'; set output out.'.svg' } \
else { set terminal pngcairo size 900,520; set output out.'.png' }
name = system("awk -F, 'NR==2{print $1}' ".dir."/runs/p0/rep0/summary.csv 2>/dev/null")
set title sprintf("%s: %s, mean and 95%% CI over replications", name, fig) noenhanced
set xlabel xlab noenhanced
ylab = fig eq 'lost' ? 'packets lost (packets)' : \
       fig eq 'flows_broken' ? 'flows broken (flows)' : \
       fig eq 'loss_window_s' ? 'loss window (s)' : \
       fig eq 'drop_blackhole' ? 'blackhole drops (packets)' : \
       fig eq 'broken_fraction' ? 'fraction of flows broken (1)' : \
       fig eq 'broken_fraction_alive' ? 'flows alive at the crash that broke (1)' : \
       fig eq 'window_blackhole_s' ? 'blackhole window (s)' : fig
set ylabel ylab noenhanced
set grid
set key outside right top noenhanced
set offsets 0.3, 0.3, 0, 0
set yrange [0:*]
if (!exists("categorical")) categorical = 0
if (categorical) {
  # side-by-side bars per category, one bar per series, CI as error bars
  set style fill solid 0.6 border -1
  bw = 0.8 / nseries
  set boxwidth bw
  set offsets 0.5, 0.5, 0, 0
  plot for [i=0:nseries-1] data index i using ($0 + (i - (nseries - 1) / 2.0) * bw):2:xtic(1) with boxes title (nseries > 1 ? word(series, i+1) : fig), \
       for [i=0:nseries-1] data index i using ($0 + (i - (nseries - 1) / 2.0) * bw):2:3 with yerrorbars lc rgb 'black' pt 0 lw 1.5 notitle, \
       for [i=0:nseries-1] data index i using ($0 + (i - (nseries - 1) / 2.0) * bw):4:(bw / 2) with xerrorbars lc rgb 'black' pt 0 lw 3 dt 2 title (i == 0 ? 'closed form' : '')
} else {
  # numeric x: the mean as a line, its 95% CI as a shaded band
  set offsets graph 0.02, graph 0.02, 0, 0
  plot for [i=0:nseries-1] data index i using 1:($2-$3):($2+$3) with filledcurves fs transparent solid 0.2 noborder lc i+1 notitle, \
       for [i=0:nseries-1] data index i using 1:2 with linespoints lw 2 pt 7 lc i+1 title (nseries > 1 ? word(series, i+1) : fig), \
       for [i=0:nseries-1] data index i using 1:4 with lines lw 2 dt 2 lc i+1 title (nseries > 1 ? word(series, i+1).' closed form' : 'closed form')
}
