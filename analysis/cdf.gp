# analysis/cdf.gp: the distribution of per-flow outage (flows.csv): for each
# flow that lost packets and was not broken, the longest gap between two of
# its received packets, as an empirical CDF drawn in steps (a flow that lost
# only its last packets shows the packet interval). Not drawn, counted in
# the title: the flows that lost nothing (their longest gap is the packet
# interval, marked by a dotted line), the broken flows (their outage lasts
# to their end, which the longest gap does not measure) and the flows with
# fewer than two packets received. Log x, ticks at 1, 2, 5 x 10^k, when the
# gaps spread over more than a decade.
# usage: sh analysis/rundata.sh RUN/rep0 TMP
#        gnuplot -e "dir='RUN/rep0'; tmp='TMP'; term='png'" analysis/cdf.gp
if (!exists("term")) term = 'png'
load tmp.'/vars.gp'
load tmp.'/outage.gp'
if (term eq 'svg') { set terminal svg size 900,580 dynamic background rgb 'white' font 'Helvetica,11'; set output dir.'/outage-cdf.svg' } \
else { set terminal pngcairo size 900,580 background rgb 'white' font 'Helvetica,10'; set output dir.'/outage-cdf.png' }
set termoption noenhanced
# milliseconds below 2 s
ms = gap_hi < 2
u = ms ? 1000.0 : 1.0
unit = ms ? 'ms' : 's'
note = sprintf("%d flows, %d drawn: they lost packets and went on, not broken", flows_total, outage_n)
skip = sprintf('%d lost no packet', flows_clean)
if (flows_broken > 0) { skip = skip.sprintf(', %d broke (outage to their end)', flows_broken) }
if (flows_few > 0) { skip = skip.sprintf(', %d received fewer than 2 packets', flows_few) }
set title run_title."\n".note."\nnot drawn: ".skip
set xlabel sprintf('longest gap between two received packets of a flow (%s)', unit)
set ylabel 'fraction of the flows drawn'
set yrange [0:1.02]
set ytics 0, 0.1, 1
set grid xtics ytics mxtics lc rgb '#dddddd'
lo = gap_lo; hi = gap_hi
if (packet_interval > 0 && (packet_interval < lo || outage_n == 0)) { lo = packet_interval }
if (hi < lo) { hi = lo }
if (hi > 10 * lo && lo > 0) {
  set logscale x 10
  a = lo * u / 1.5; b = hi * u * 1.5
  set xrange [a:b]
  # ticks at 1, 2, 5 x 10^k
  set xtics ()
  do for [e=floor(log10(a)):ceil(log10(b))] {
    do for [m in '1 2 5'] { v = (m + 0) * 10.0**e; if (v >= a && v <= b) { set xtics add (sprintf('%g', v) v) } }
  }
  set mxtics 10
} else {
  span = hi > lo ? hi - lo : (hi > 0 ? hi : 1)
  set xrange [(lo - 0.08 * span) * u < 0 ? 0 : (lo - 0.08 * span) * u : (hi + 0.08 * span) * u]
  set format x '%g'
}
set key bottom right Left reverse box opaque samplen 3
if (outage_n == 0) { set label 1 'no flow lost packets and went on' at graph 0.5, graph 0.5 center }
set arrow 1 from packet_interval * u, graph 0 to packet_interval * u, graph 1 nohead dt 3 lc rgb '#555555' lw 1.5
plot tmp.'/outage.dat' using ($1 * u):2 with steps lw 2 lc rgb '#1f77b4' \
       title sprintf('lost packets, went on (%d flows)', outage_n), \
     NaN with lines dt 3 lc rgb '#555555' lw 1.5 title sprintf('packet interval (%g %s): no gap', packet_interval * u, unit)
