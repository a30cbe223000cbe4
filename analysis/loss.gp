# analysis/loss.gp: loss rate over time around the failure, one line per drop
# cause, with vertical markers for the events of events.csv (fail, detect,
# advertise n-d, route installed, restore, hold expiry).
# usage: gnuplot -e "dir='results/x/rep0'; term='png'" analysis/loss.gp
if (!exists("term")) term = 'png'
set datafile separator ','
ts = dir.'/timeseries.csv'
ev = dir.'/events.csv'
# bin width from the first two rows of timeseries.csv
stats ts using 1 every ::0::1 nooutput
bin = STATS_max - STATS_min
if (bin <= 0) bin = 0.01
# scenario name and parameters from summary.csv
name = system("awk -F, 'NR==2{printf \"%s: %s nodes, failover %s, owner %s, cache %s, ecmp %s\", $1,$4,$5,$6,$7,$8}' ".dir."/summary.csv")
if (term eq 'svg') { set terminal svg size 1000,560 dynamic background rgb 'white'; set output dir.'/loss.svg' } \
else { set terminal pngcairo size 1000,560; set output dir.'/loss.png' }
set title name noenhanced
set xlabel 'simulated time (s)'
set ylabel 'packets lost per second (1/s)'
set key outside right top noenhanced
set grid
# one marker per event kind: its first occurrence after t = 0 (nodes may
# repeat it; the t = 0 advertisements and route are the starting state)
markers = system("awk -F, 'NR>1 && $1+0 > 0 && ($3==\"fail\"||$3==\"detect\"||$3==\"advertise\"||$3==\"route_installed\"||$3==\"restore\"||$3==\"hold_expiry\"||$3==\"recover\") && !seen[$3 FS $4]++ {print $1, $3 ($4==\"\"?\"\":\"(\" $4 \")\")}' ".ev)
n = words(markers) / 2
do for [i=1:n] {
  t = word(markers, 2*i-1) + 0
  set arrow i from t, graph 0 to t, graph 1 nohead dt 2 lc rgb 'gray40'
  set label i word(markers, 2*i) at t, graph (0.98 - 0.06*((i-1)%8)) rotate by 0 left font ',8' offset 0.3,0 noenhanced
}
plot for [c in "drop_blackhole drop_steer_dead drop_no_state drop_queue drop_no_route drop_link"] \
     ts using 1:(column(c)/bin) with steps lw 2 title c
