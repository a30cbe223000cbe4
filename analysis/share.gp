# analysis/share.gp: each node's share of the VIP's packets from the router
# over time (nodes.csv rx_router / all nodes' rx_router per bin), with the
# failure and route-install events marked: the first-survivor spike, a
# resilient group's stuck buckets.
# usage: gnuplot -e "dir='results/x/rep0'; term='png'; data='FILE'; nodes=N" analysis/share.gp
#   data: time, share of node 0 .. N-1 (plot.sh writes it from nodes.csv, or
#   from router_load.csv for one router: out = 'share-r<K>', what = 'router K')
if (!exists("term")) term = 'png'
if (!exists("out")) out = 'share'
if (!exists("what")) what = "the router's"
ev = dir.'/events.csv'
name = system("awk -F, 'NR==2{printf \"%s: %s nodes, failover %s, ecmp %s\", $1,$4,$5,$8}' ".dir."/summary.csv")
if (term eq 'svg') { set terminal svg size 1000,480 dynamic background rgb 'white'; set output dir.'/'.out.'.svg' } \
else { set terminal pngcairo size 1000,480; set output dir.'/'.out.'.png' }
set title name." - each node's share of ".what." VIP packets" noenhanced
set xlabel 'simulated time (s)'
set ylabel "share of the VIP packets"
set yrange [0:1.05]
set key outside right top
set grid
set datafile separator ','
markers = system("awk -F, 'NR>1 && $1+0 > 0 && ($3==\"fail\"||$3==\"route_installed\"||$3==\"restore\"||$3==\"recover\") {print $1, $3}' ".ev." | head -40")
n = words(markers) / 2
do for [i=1:n] {
  t = word(markers, 2*i-1) + 0
  set arrow i from t, graph 0 to t, graph 1 nohead dt 2 lc rgb (word(markers, 2*i) eq 'fail' ? 'red' : 'gray60')
}
set datafile separator whitespace
plot for [i=0:nodes-1] data using 1:(column(i+2)) with steps lw 2 title sprintf('node %d', i)
