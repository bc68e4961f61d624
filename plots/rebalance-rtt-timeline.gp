# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-rtt-timeline.gp
set terminal pngcairo size 1400,420 font "Sans,11"
set output 'rebalance-rtt-timeline.png'
set datafile separator ','
set multiplot layout 1,1 title "Broker faults: group throughput and lag (embedded librdkafka mock cluster, 3 brokers)\nembedded broker: fixed group timers, durations show shape not real-cluster timing" font "Sans,13"
set grid ytics
set style textbox opaque noborder
set ylabel 'events/s'
set yrange [0:6000]
set ytics nomirror
set y2tics
set y2label 'lag (events)'
set y2range [0:*]
unset arrow
unset label
unset object
set key outside top center horizontal maxrows 1
set title 'range'
set xrange [0:34.0]
set xlabel 'time since traffic started (s)'
set arrow from 8.00, graph 0 to 8.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 8.00, graph 0 to 16.00, graph 1 fillcolor rgb '#cc3333' fillstyle transparent solid 0.22 noborder behind
set label 1 'rtt all brokers: 6 partition(s) stalled, longest 625 ms; lag peak 1716, lag not back' at 8.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 16.00, graph 0 to 16.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 2 rect from 16.00, graph 0 to 18.40, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 2 'rtt all brokers: 3 partition(s) stalled, longest 265 ms; lag peak 344, lag back in 2.4 s' at 16.00, graph 0.8200000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.00, graph 0 to 20.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 3 rect from 20.00, graph 0 to 27.94, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 3 'rtt b2: 6 partition(s) stalled, longest 1.9 s; lag peak 3395, lag not back' at 20.00, graph 0.7100000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 28.00, graph 0 to 28.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 4 rect from 28.00, graph 0 to 28.30, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 4 'rtt all brokers: 1 partition(s) stalled, longest 210 ms; lag peak 625, lag back in 0.3 s' at 28.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-rtt.csv' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset multiplot
