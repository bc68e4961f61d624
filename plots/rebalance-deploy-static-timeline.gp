# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-deploy-static-timeline.gp
set terminal pngcairo size 1400,420 font "Sans,11"
set output 'rebalance-deploy-static-timeline.png'
set datafile separator ','
set multiplot layout 1,1 title "Rebalancing: group throughput while consumers join, leave and crash (embedded librdkafka mock cluster, 1 broker)\nembedded broker: fixed group timers, durations show shape not real-cluster timing" font "Sans,13"
set grid ytics
set style textbox opaque noborder
set ylabel 'events/s'
set yrange [0:3000]
set ytics nomirror
set y2tics
set y2label 'lag (events)'
set y2range [0:*]
unset arrow
unset label
unset object
set key outside top center horizontal maxrows 1
set title 'consumer-uniform'
set xrange [0:50.0]
set xlabel 'time since traffic started (s)'
set arrow from 5.00, graph 0 to 5.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 5.00, graph 0 to 5.21, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 1 'rolling-restart c01 c02 c03: 0 partition(s) stalled, longest 0 ms; converged 0.2 s' at 5.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-deploy-static.csv' every ::2 using (strcol(3) eq 'consumer-uniform' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'consumer-uniform' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset multiplot
