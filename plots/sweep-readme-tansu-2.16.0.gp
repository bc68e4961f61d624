# kbench report: plots of sweep sweep-readme-tansu-2.16.0 (Kafka cluster tansu_cluster, 1 broker).
# Re-render from this directory: gnuplot sweep-readme-tansu-2.16.0.gp
# Reads the sweep CSV (individual repeats) and sweep-readme-tansu-2.16.0.dat (written by kbench report; columns:
# 1 consumers, 2 msgs_per_s_median, 3 msgs_per_s_min, 4 msgs_per_s_max, 5 consumer_rate_median, 6 consumer_rate_min, 7 consumer_rate_max, 8 min_partitions_per_consumer, 9 max_partitions_per_consumer, 10 model_msgs_per_s, 11 trials, 12 host_bound).

set encoding utf8
csv = '../Results/sweep-readme-tansu-2.16.0.csv'
dat = 'sweep-readme-tansu-2.16.0.dat'
# true for the CSV row being read when it is an ok trial of the given series
trial(w, m, t, p, a) = strcol('status') eq 'ok' && strcol('work') eq w && strcol('mode') eq m \
    && column('topics') == t && column('partitions') == p && strcol('assignor') eq a

# throughput
reset
set datafile separator ','
set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-readme-tansu-2.16.0-throughput.png'
set title "Group throughput vs consumers (window mode)\nbroker: Kafka cluster tansu_cluster, 1 broker · work sleep:1ms\nmedian of 1 repeat; bars: min–max" font 'Sans,19'
set xlabel 'consumers in the group'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set samples 2000
set bars 1.5
set tmargin 5
set xrange [0.5:15.5]
set label 99 'kbench sweep sweep-readme-tansu-2.16.0' at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'
set xtics 1
set arrow 1 from 10, graph 0 to 10, graph 1 nohead dt 4 lw 1.5 lc rgb '#555555' back
set label 1 'P = 10 partitions' at 10, graph 1 center offset 0,0.7 tc rgb '#333333' front
set object 1 rect from 10, graph 0 to graph 1, graph 1 behind fc rgb '#000000' fs transparent solid 0.07 noborder
set label 2 'idle consumers' at 12.75, graph 0.05 center tc rgb '#555555' back
set ylabel 'throughput (events/s)'
set yrange [0:12456.5]
scale = 1.0
set key top left box opaque samplen 3 spacing 1.25
model0(x) = (x < 1 ? NaN : 889.8 * (x < 10 ? x : 10)) / scale
plot \
    csv using (trial('sleep:1ms', 'window', 1, 10, 'range') ? column('consumers') + 0 : NaN):(column('msgs_per_s') / scale) with points pt 7 ps 0.55 lc rgb '#A00072B2' notitle, \
    dat index 0 using ($1 + 0):($2 / scale):($3 / scale):($4 / scale) with yerrorlines pt 7 ps 1.5 lw 1.5 lc rgb '#0072B2' title 'range', \
    dat index 0 using ($1 + 0):($12 == 1 ? $2 / scale : NaN) with points pt 6 ps 3 lw 2 lc rgb '#C00000' title 'host CPU saturated or stolen: measures this host, not the group', \
    model0(x) with lines dt 2 lw 2 lc rgb '#333333' title 'model: r1 × min(C, 10), r1 = 890 events/s'
set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-readme-tansu-2.16.0-throughput.svg'
replot
unset output

# balance
reset
set datafile separator ','
set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-readme-tansu-2.16.0-balance.png'
set title "Partitions per consumer vs consumers\nbroker: Kafka cluster tansu_cluster, 1 broker · work sleep:1ms\nsolid: most on one consumer, dashed: fewest" font 'Sans,19'
set xlabel 'consumers in the group'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set samples 2000
set bars 1.5
set tmargin 5
set xrange [0.5:15.5]
set label 99 'kbench sweep sweep-readme-tansu-2.16.0' at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'
set xtics 1
set arrow 1 from 10, graph 0 to 10, graph 1 nohead dt 4 lw 1.5 lc rgb '#555555' back
set label 1 'P = 10 partitions' at 10, graph 1 center offset 0,0.7 tc rgb '#333333' front
set object 1 rect from 10, graph 0 to graph 1, graph 1 behind fc rgb '#000000' fs transparent solid 0.07 noborder
set label 2 'idle consumers' at 12.75, graph 0.15 center tc rgb '#555555' back
set ylabel 'partitions per consumer'
set yrange [0:13]
set key right center box opaque samplen 3 spacing 1.25
set ytics 1
even0(x) = x < 1 ? NaN : 10.0 / x
plot \
    dat index 0 using ($1 + 0):($9) with linespoints pt 7 ps 1.5 lw 1.5 lc rgb '#0072B2' title 'range', \
    dat index 0 using ($1 + 0):($8) with linespoints pt 6 ps 1.5 lw 1.5 dt 2 lc rgb '#0072B2' notitle, \
    even0(x) with lines dt 3 lw 1.5 lc rgb '#777777' title 'even split: 10 / C'
set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-readme-tansu-2.16.0-balance.svg'
replot
unset output

# per-consumer
reset
set datafile separator ','
set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-readme-tansu-2.16.0-per-consumer.png'
set title "Per-consumer throughput vs consumers\nbroker: Kafka cluster tansu_cluster, 1 broker · work sleep:1ms\nmedian consumer; bars: slowest–fastest" font 'Sans,19'
set xlabel 'consumers in the group'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set samples 2000
set bars 1.5
set tmargin 5
set xrange [0.5:15.5]
set label 99 'kbench sweep sweep-readme-tansu-2.16.0' at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'
set xtics 1
set arrow 1 from 10, graph 0 to 10, graph 1 nohead dt 4 lw 1.5 lc rgb '#555555' back
set label 1 'P = 10 partitions' at 10, graph 1 center offset 0,0.7 tc rgb '#333333' front
set object 1 rect from 10, graph 0 to graph 1, graph 1 behind fc rgb '#000000' fs transparent solid 0.07 noborder
set label 2 'idle consumers' at 12.75, graph 0.05 center tc rgb '#555555' back
set ylabel 'events/s per active consumer (events/s)'
set yrange [0:1269.1]
scale = 1.0
set key top right box opaque samplen 3 spacing 1.25
plot \
    dat index 0 using ($1 + 0):($5 / scale):($6 / scale):($7 / scale) with yerrorlines pt 7 ps 1.5 lw 1.5 lc rgb '#0072B2' title 'range', \
    889.8 / scale with lines dt 2 lw 2 lc rgb '#333333' title 'one consumer alone (r1), r1 = 890 events/s'
set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-readme-tansu-2.16.0-per-consumer.svg'
replot
unset output
