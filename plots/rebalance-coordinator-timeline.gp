# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-coordinator-timeline.gp
set terminal pngcairo size 1400,720 font "Sans,11"
set output 'rebalance-coordinator-timeline.png'
set datafile separator ','
set multiplot layout 2,1 title "Broker faults: group throughput and lag (embedded librdkafka mock cluster, 3 brokers)\nembedded broker: fixed group timers, durations show shape not real-cluster timing" font "Sans,13"
set grid ytics
set key top right horizontal maxrows 1
set ylabel 'msgs/s'
set yrange [0:6000]
set ytics nomirror
set y2tics
set y2label 'lag (msgs)'
set y2range [0:*]
unset arrow
unset label
set title 'range'
set xrange [0:32.0]
unset xlabel
set arrow from 5.00, graph 0 to 5.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 1 'coordinator b3: 1 partition(s) stalled, longest 3 ms; lag peak 35, lag back in 0.0 s' at 5.00, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 12.01, graph 0 to 12.01, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 2 'failover b3: 1 partition(s) stalled, longest 947 ms; lag peak 359, lag back in 1.1 s' at 12.01, graph 0.75 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 15.00, graph 0 to 15.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 3 'coordinator b2: 0 partition(s) stalled, longest 0 ms; lag peak 46, lag back in 0.0 s' at 15.00, graph 0.65 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 24.00, graph 0 to 24.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 4 'broker-up b3: 0 partition(s) stalled, longest 0 ms; lag peak 58, lag back in 0.0 s' at 24.00, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-coordinator.csv' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)'
unset arrow
unset label
set title 'cooperative-sticky'
set xrange [0:32.0]
set xlabel 'time since traffic started (s)'
set arrow from 5.00, graph 0 to 5.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 1 'coordinator b3: 0 partition(s) stalled, longest 0 ms; lag peak 62, lag back in 0.0 s' at 5.00, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 12.01, graph 0 to 12.01, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 2 'failover b3: 0 partition(s) stalled, longest 0 ms; lag peak 45, lag back in 0.0 s' at 12.01, graph 0.75 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 15.00, graph 0 to 15.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 3 'coordinator b2: 0 partition(s) stalled, longest 0 ms; lag peak 100, lag back in 0.0 s' at 15.00, graph 0.65 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 24.00, graph 0 to 24.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 4 'broker-up b3: 0 partition(s) stalled, longest 0 ms; lag peak 70, lag back in 0.0 s' at 24.00, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-coordinator.csv' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)'
unset multiplot
