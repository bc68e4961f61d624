# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-rtt-timeline.gp
set terminal pngcairo size 1400,420 font "Sans,11"
set output 'rebalance-rtt-timeline.png'
set datafile separator ','
set multiplot layout 1,1 title "Broker faults: group throughput and lag (embedded librdkafka mock cluster, 3 brokers)\nembedded broker: fixed group timers, durations show shape not real-cluster timing" font "Sans,13"
set grid ytics
set key top right horizontal maxrows 1
set ylabel 'msgs/s'
set yrange [0:6030]
set ytics nomirror
set y2tics
set y2label 'lag (msgs)'
set y2range [0:*]
unset arrow
unset label
set title 'range'
set xrange [0:34.0]
set xlabel 'time since traffic started (s)'
set arrow from 8.01, graph 0 to 8.01, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 1 'rtt all brokers: 6 partition(s) stalled, longest 416 ms; lag peak 1867, lag not back' at 8.01, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 16.00, graph 0 to 16.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 2 'rtt all brokers: 3 partition(s) stalled, longest 2 ms; lag peak 267, lag back in 0.3 s' at 16.00, graph 0.75 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.00, graph 0 to 20.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 3 'rtt b2: 2 partition(s) stalled, longest 415 ms; lag peak 608, lag not back' at 20.00, graph 0.65 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 28.00, graph 0 to 28.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set label 4 'rtt all brokers: 1 partition(s) stalled, longest 1 ms; lag peak 57, lag back in 0.0 s' at 28.00, graph 0.85 offset 0.5,0 font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-rtt.csv' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)'
unset multiplot
