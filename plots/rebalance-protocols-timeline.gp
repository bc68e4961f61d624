# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-protocols-timeline.gp
set terminal pngcairo size 1400,1020 font "Sans,11"
set output 'rebalance-protocols-timeline.png'
set datafile separator ','
set multiplot layout 3,1 title "Rebalancing: group throughput while consumers join, leave and crash (embedded librdkafka mock cluster, 1 broker)\nembedded broker: fixed group timers, durations show shape not real-cluster timing" font "Sans,13"
set grid ytics
set key top right horizontal maxrows 1
set ylabel 'msgs/s'
set yrange [0:2940]
set ytics nomirror
set y2tics
set y2label 'lag (msgs)'
set y2range [0:*]
unset arrow
unset label
set title 'range'
set xrange [0:40.0]
unset xlabel
set arrow from 4.01, graph 0 to 4.01, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 1 'join c04: 6 partition(s) stalled, longest 4.6 s; converged 5.0 s' at 4.01, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 16.00, graph 0 to 16.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 2 'kill c01: 6 partition(s) stalled, longest 11.0 s; converged 11.0 s' at 16.00, graph 0.75 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-protocols.csv' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)'
unset arrow
unset label
set title 'cooperative-sticky'
set xrange [0:40.0]
unset xlabel
set arrow from 4.00, graph 0 to 4.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 1 'join c04: 1 partition(s) stalled, longest 5.0 s; converged 10.1 s' at 4.00, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 16.00, graph 0 to 16.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 2 'kill c01: 2 partition(s) stalled, longest 11.0 s; converged 11.0 s' at 16.00, graph 0.75 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-protocols.csv' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)'
unset arrow
unset label
set title 'consumer-uniform'
set xrange [0:40.0]
set xlabel 'time since traffic started (s)'
set arrow from 4.01, graph 0 to 4.01, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 1 'join c04: 0 partition(s) stalled, longest 0 ms; converged 0.6 s' at 4.01, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 16.00, graph 0 to 16.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 2 'kill c01: 2 partition(s) stalled, longest 6.4 s; converged 6.6 s' at 16.00, graph 0.75 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-protocols.csv' every ::2 using (strcol(3) eq 'consumer-uniform' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'consumer-uniform' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)'
unset multiplot
