# analysis/validation.gp: real against simulated (lbsim validate), from one
# or more comparison.csv: one panel per figure (packets lost, loss window,
# detection, the router's route change and its kernel install, in seconds
# after the failure, and the forwarding-table changes it took to reach the
# survivors), and in each panel one group of bars per comparison file
# (real, simulated: mean and standard deviation over the repetitions),
# labelled with the ratio simulated / real.  With csvs2 (comparison files
# of the same real repetitions against a second simulation, e.g. another
# [router] profile, made with `lbsim validate --real`), each group gets a
# third bar; profiles names the two simulations.  (The constant 0 keeps a
# panel whose figure no repetition has, e.g. readvertise under hold,
# drawable.)
# usage: gnuplot -e "csvs='a/comparison.csv b/comparison.csv'; labels='hold bfd'; out='x/comparison'; label='title'" validation.gp
#        gnuplot -e "csvs='...'; csvs2='...'; profiles='frr ideal'; labels='...'; out='...'" validation.gp
#        (csv='...' for one file; writes out.png and out.svg)
if (!exists("csvs")) csvs = csv
if (!exists("csvs2")) csvs2 = ''
if (!exists("labels")) labels = ''
if (!exists("profiles")) profiles = ''
if (!exists("label")) label = 'real testbed against simulation'
set datafile separator ','
n = words(csvs)
two = words(csvs2) == n && n > 0
simname(j) = words(profiles) >= j ? 'simulated, '.word(profiles, j) : (j == 1 ? 'simulated' : 'simulated (2)')
figs = 'lost loss_window_s detect_s route_change_s install_s fib_changes'
name(k) = k == 1 ? 'packets lost' : k == 2 ? 'loss window (s)' : k == 3 ? 'detection (s after the failure)' : \
          k == 4 ? 'route change (s after)' : k == 5 ? 'kernel install (s after)' : 'FIB changes to the survivors'
sd(c) = strcol(c) eq '' ? 0 : column(c)
# several files (strategies): the hold timer's seconds next to BFD's and the
# agent's tenths, so losses (from 100) and times (from 0.1 s) on a log scale;
# one file: linear (logy_on=0 or 1 forces either)
if (!exists("logy_on")) logy_on = n > 1
logy(k) = logy_on && (k == 1 || k == 2 || k == 4 || k == 5)
ymin(k) = k == 1 ? 100 : 0.1
top(c) = column(c) + sd(c + 1)
w = two ? 0.26 : 0.34
dx = two ? 0.27 : 0.18
do for [term in 'png svg'] {
  if (term eq 'svg') { set terminal svg size 1500,800 dynamic background rgb 'white'; set output out.'.svg' } \
  else { set terminal pngcairo size 1500,800; set output out.'.png' }
  set multiplot layout 2,3 title label noenhanced
  set style fill solid 0.6 border -1
  set boxwidth w
  set grid ytics
  set xrange [0.4:n+0.6]
  set xtics () font ',9'
  do for [i=1:n] { set xtics add ((labels eq '' ? '' : word(labels, i)) i) }
  do for [k=1:words(figs)] {
    f = word(figs, k)
    set title name(k).(logy(k) ? ' (log scale)' : '') noenhanced
    if (logy(k)) { set logscale y; set yrange [ymin(k):*]; set offsets 0, 0, graph 0.45, 0 } \
    else { unset logscale y; set yrange [0:*]; set offsets 0, 0, graph 0.3, 0 }
    if (k == 1) { set key top left font ',9' } else { unset key }
    if (two) {
      plot for [i=1:n] word(csvs, i) using (strcol(1) eq f ? i - dx : NaN):(column(2)):(sd(3)) \
             with boxerrorbars lc rgb '#1f77b4' title (i == 1 ? 'real' : ''), \
           for [i=1:n] word(csvs, i) using (strcol(1) eq f ? i : NaN):(column(5)):(sd(6)) \
             with boxerrorbars lc rgb '#ff7f0e' title (i == 1 ? simname(1) : ''), \
           for [i=1:n] word(csvs2, i) using (strcol(1) eq f ? i + dx : NaN):(column(5)):(sd(6)) \
             with boxerrorbars lc rgb '#2ca02c' title (i == 1 ? simname(2) : ''), \
           for [i=1:n] word(csvs, i) using (strcol(1) eq f && strcol(8) ne '' ? i : NaN):(top(5)):\
             (sprintf('%.2f', column(8))) with labels offset 0,0.8 font ',8' notitle, \
           for [i=1:n] word(csvs2, i) using (strcol(1) eq f && strcol(8) ne '' ? i + dx : NaN):(top(5)):\
             (sprintf('%.2f', column(8))) with labels offset 0,0.8 font ',8' notitle, \
           0 with lines lt -1 notitle
    } else {
      plot for [i=1:n] word(csvs, i) using (strcol(1) eq f ? i - dx : NaN):(column(2)):(sd(3)) \
             with boxerrorbars lc rgb '#1f77b4' title (i == 1 ? 'real' : ''), \
           for [i=1:n] word(csvs, i) using (strcol(1) eq f ? i + dx : NaN):(column(5)):(sd(6)) \
             with boxerrorbars lc rgb '#ff7f0e' title (i == 1 ? simname(1) : ''), \
           for [i=1:n] word(csvs, i) using (strcol(1) eq f && strcol(8) ne '' ? i : NaN):\
             ((top(2) > top(5) ? top(2) : top(5))):\
             (sprintf('%.2f', column(8))) with labels offset 0,0.8 font ',9' notitle, \
           0 with lines lt -1 notitle
    }
  }
  unset multiplot
}
