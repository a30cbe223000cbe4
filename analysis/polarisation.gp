# analysis/polarisation.gp: hash polarisation from a sweep's sweep.csv
# (scenarios/polarisation.ini): per point, the fraction of packets the
# receiving node owns (served locally; 1/N with independent hashes) and
# the backplane load, with 95% confidence intervals.
# The first sweep key is the cluster's flow_hash_seed (0x1 = the router's),
# the second the router's ecmp.
# usage: gnuplot -e "dir='results/polarisation'; term='png'" analysis/polarisation.gp
if (!exists("term")) term = 'png'
set datafile separator ','
f = dir.'/sweep.csv'
if (term eq 'svg') { set terminal svg size 1100,520 dynamic background rgb 'white'; set output dir.'/polarisation.svg' } \
else { set terminal pngcairo size 1100,520; set output dir.'/polarisation.png' }
set multiplot layout 1,2 title 'Hash polarisation: router and cluster hashes equal vs independent' noenhanced
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set boxwidth 0.8
set grid y
set xtics noenhanced font ",9"
set bmargin 5
label(s, e) = sprintf("seeds %s\n%s", s eq '0x1' ? 'equal' : 'apart', e eq 'hash-threshold' ? 'hash-thresh.' : e)
set key top right
set ylabel 'fraction of packets served by their receiver'
set yrange [0:1.1]
plot f using (column('local_fraction_mean')):(column('local_fraction_ci95')):xtic(label(strcol(2), strcol(3))) lc rgb '#4477aa' notitle, \
     0.25 with lines dt 2 lc rgb 'gray30' title '1/N'
set ylabel 'backplane load (MB per run)'
set yrange [0:*]
plot f using (column('backplane_bytes_mean')/1e6):(column('backplane_bytes_ci95')/1e6):xtic(label(strcol(2), strcol(3))) lc rgb '#cc6677' notitle
unset multiplot
