# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-failover-timeline.gp
set terminal pngcairo size 1400,720 font "Sans,11"
set output 'rebalance-failover-timeline.png'
set datafile separator ','
set multiplot layout 2,1 title "Broker faults: group throughput and lag (embedded librdkafka mock cluster, 3 brokers)\nembedded broker: fixed group timers, durations show shape not real-cluster timing" font "Sans,13"
set grid ytics
set style textbox opaque noborder
set ylabel 'events/s'
set yrange [0:5970]
set ytics nomirror
set y2tics
set y2label 'lag (events)'
set y2range [0:*]
unset arrow
unset label
unset object
set key outside top center horizontal maxrows 1
set title 'range'
set xrange [0:30.0]
unset xlabel
set arrow from 10.00, graph 0 to 10.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 10.00, graph 0 to 11.10, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 1 'failover b2: 1 partition(s) stalled, longest 1.0 s; lag peak 363, lag back in 1.1 s' at 10.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.00, graph 0 to 20.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 2 rect from 20.00, graph 0 to 20.00, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 2 'broker-up b2: 0 partition(s) stalled, longest 0 ms; lag peak 65, lag back in 0.0 s' at 20.00, graph 0.8200000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-failover.csv' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset arrow
unset label
unset object
unset key
set title 'cooperative-sticky'
set xrange [0:30.0]
set xlabel 'time since traffic started (s)'
set arrow from 10.00, graph 0 to 10.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 10.00, graph 0 to 18.60, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 1 'failover b2: 0 partition(s) stalled, longest 0 ms; lag peak 290, lag back in 8.6 s' at 10.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.00, graph 0 to 20.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 2 rect from 20.00, graph 0 to 20.00, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 2 'broker-up b2: 0 partition(s) stalled, longest 0 ms; lag peak 179, lag back in 0.0 s' at 20.00, graph 0.8200000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-failover.csv' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset multiplot
