# kbench rebalance timeline: group throughput and lag over time, one panel per assignor, events marked.
# Re-run with: gnuplot rebalance-seed-tansu-2.16.0-timeline.gp
set terminal pngcairo size 1400,1020 font "Sans,11"
set output 'rebalance-seed-tansu-2.16.0-timeline.png'
set datafile separator ','
set multiplot layout 3,1 title "Rebalancing: group throughput while consumers join, leave and crash (Kafka cluster tansu_cluster, 1 broker)" font "Sans,13"
set grid ytics
set style textbox opaque noborder
set ylabel 'events/s'
set yrange [0:5820]
set ytics nomirror
set y2tics
set y2label 'lag (events)'
set y2range [0:*]
unset arrow
unset label
unset object
set key outside top center horizontal maxrows 1
set title 'range'
set xrange [0:40.0]
unset xlabel
set arrow from 5.00, graph 0 to 5.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 5.00, graph 0 to 9.11, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 1 'join c04: 6 partition(s) stalled, longest 3.6 s; converged 4.1 s' at 5.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.00, graph 0 to 20.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 2 rect from 20.00, graph 0 to 29.84, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 2 'kill c01: 6 partition(s) stalled, longest 9.0 s; converged 9.8 s' at 20.00, graph 0.8200000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-seed-tansu-2.16.0.csv' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'range' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset arrow
unset label
unset object
unset key
set title 'roundrobin'
set xrange [0:40.0]
unset xlabel
set arrow from 5.00, graph 0 to 5.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 5.00, graph 0 to 9.62, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 1 'join c04: 6 partition(s) stalled, longest 4.1 s; converged 4.6 s' at 5.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.00, graph 0 to 20.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 2 rect from 20.00, graph 0 to 29.30, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 2 'kill c01: 6 partition(s) stalled, longest 9.3 s; converged 9.3 s' at 20.00, graph 0.8200000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-seed-tansu-2.16.0.csv' every ::2 using (strcol(3) eq 'roundrobin' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'roundrobin' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset arrow
unset label
unset object
unset key
set title 'cooperative-sticky'
set xrange [0:40.0]
set xlabel 'time since traffic started (s)'
set arrow from 5.00, graph 0 to 5.00, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 1 rect from 5.00, graph 0 to 12.69, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 1 'join c04: 1 partition(s) stalled, longest 3.2 s; converged 7.7 s' at 5.00, graph 0.93 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
set arrow from 20.01, graph 0 to 20.01, graph 1 nohead dashtype 2 linecolor rgb '#cc3333'
set object 2 rect from 20.01, graph 0 to 29.29, graph 1 fillcolor rgb '#f0a040' fillstyle transparent solid 0.18 noborder behind
set label 2 'kill c01: 5 partition(s) stalled, longest 9.3 s; converged 9.3 s' at 20.01, graph 0.8200000000000001 offset 0.5,0 front boxed font 'Sans,10' textcolor rgb '#cc3333'
plot '../Results/rebalance-seed-tansu-2.16.0.csv' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):6 with lines linewidth 2 linecolor rgb '#1f5fa8' title 'group throughput (100 ms bins; catch-up bursts clipped)', '' every ::2 using (strcol(3) eq 'cooperative-sticky' && strcol(5) eq 'group' ? $4 : 1/0):9 axes x1y2 with lines linewidth 1.5 linecolor rgb '#e08a00' title 'group lag, right axis (produced, not yet processed)', NaN with boxes fillstyle transparent solid 0.18 noborder linecolor rgb '#f0a040' title 'event until the group converged', NaN with boxes fillstyle transparent solid 0.22 noborder linecolor rgb '#cc3333' title 'event that did not converge'
unset multiplot
