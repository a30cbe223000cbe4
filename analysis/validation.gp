# analysis/validation.gp: real against simulated (lbsim validate), from one
# or more comparison.csv: one panel per figure (packets lost, loss window,
# detection, the router's route change and its kernel install, in seconds
# after the failure), and in each panel one pair of bars per comparison file
# (real, simulated: mean and standard deviation over the repetitions),
# labelled with the ratio simulated / real.  (The constant 0 keeps a panel
# whose figure no repetition has, e.g. readvertise under hold, drawable.)
# usage: gnuplot -e "csvs='a/comparison.csv b/comparison.csv'; labels='hold bfd'; out='x/comparison'; label='title'" validation.gp
#        (csv='...' for one file; writes out.png and out.svg)
if (!exists("csvs")) csvs = csv
if (!exists("labels")) labels = ''
if (!exists("label")) label = 'real testbed against simulation'
set datafile separator ','
n = words(csvs)
figs = 'lost loss_window_s detect_s route_change_s install_s'
name(k) = k == 1 ? 'packets lost' : k == 2 ? 'loss window (s)' : k == 3 ? 'detection (s after the failure)' : \
          k == 4 ? 'route change (s after)' : 'kernel install (s after)'
sd(c) = strcol(c) eq '' ? 0 : column(c)
do for [term in 'png svg'] {
  if (term eq 'svg') { set terminal svg size 1500,440 dynamic background rgb 'white'; set output out.'.svg' } \
  else { set terminal pngcairo size 1500,440; set output out.'.png' }
  set multiplot layout 1,5 title label noenhanced
  set style fill solid 0.6 border -1
  set boxwidth 0.34
  set grid ytics
  set yrange [0:*]
  set offsets 0, 0, graph 0.3, 0
  set xrange [0.4:n+0.6]
  set xtics () font ',9'
  do for [i=1:n] { set xtics add ((labels eq '' ? '' : word(labels, i)) i) }
  do for [k=1:words(figs)] {
    f = word(figs, k)
    set title name(k) noenhanced
    if (k == 1) { set key top left } else { unset key }
    plot for [i=1:n] word(csvs, i) using (strcol(1) eq f ? i - 0.18 : NaN):(column(2)):(sd(3)) \
           with boxerrorbars lc rgb '#1f77b4' title (i == 1 ? 'real' : ''), \
         for [i=1:n] word(csvs, i) using (strcol(1) eq f ? i + 0.18 : NaN):(column(5)):(sd(6)) \
           with boxerrorbars lc rgb '#ff7f0e' title (i == 1 ? 'simulated' : ''), \
         for [i=1:n] word(csvs, i) using (strcol(1) eq f && strcol(8) ne '' ? i : NaN):\
           ((column(2) + sd(3) > column(5) + sd(6) ? column(2) + sd(3) : column(5) + sd(6))):\
           (sprintf('%.2f', column(8))) with labels offset 0,0.8 font ',9' notitle, \
         0 with lines lt -1 notitle
  }
  unset multiplot
}
