# kbench report: plots of sweep sweep-two-topics (embedded librdkafka mock cluster, 1 broker).
# Re-render from this directory: gnuplot sweep-two-topics.gp
# Reads the sweep CSV (individual repeats) and sweep-two-topics.dat (written by kbench report; columns:
# 1 consumers, 2 msgs_per_s_median, 3 msgs_per_s_min, 4 msgs_per_s_max, 5 consumer_rate_median, 6 consumer_rate_min, 7 consumer_rate_max, 8 min_partitions_per_consumer, 9 max_partitions_per_consumer, 10 model_msgs_per_s, 11 trials, 12 host_bound).

set encoding utf8
csv = '../Results/sweep-two-topics.csv'
dat = 'sweep-two-topics.dat'
# true for the CSV row being read when it is an ok trial of the given series
trial(w, m, t, p, a) = strcol('status') eq 'ok' && strcol('work') eq w && strcol('mode') eq m \
    && column('topics') == t && column('partitions') == p && strcol('assignor') eq a

# throughput
reset
set datafile separator ','
set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-two-topics-throughput.png'
set title "Group throughput vs consumers (window mode)\nbroker: embedded librdkafka mock cluster, 1 broker · work sleep:1ms\nmedian of up to 3 repeats; bars: min–max" font 'Sans,19'
set xlabel 'consumers in the group'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set samples 2000
set bars 1.5
set tmargin 5
set xrange [0.5:12.5]
set label 99 'kbench sweep sweep-two-topics' at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'
set xtics 1
set ylabel 'throughput (msgs/s)'
set yrange [0:15556.1]
scale = 1.0
set key top left box opaque samplen 3 spacing 1.25
model0(x) = (x < 1 ? NaN : 925.4 * (x < 20 ? x : 20)) / scale
plot \
    csv using (trial('sleep:1ms', 'window', 2, 10, 'range') ? column('consumers') + -0.05 : NaN):(column('msgs_per_s') / scale) with points pt 7 ps 0.55 lc rgb '#A00072B2' notitle, \
    dat index 0 using ($1 + -0.05):($2 / scale):($3 / scale):($4 / scale) with yerrorlines pt 7 ps 1.5 lw 1.5 lc rgb '#0072B2' title 'range', \
    csv using (trial('sleep:1ms', 'window', 2, 10, 'roundrobin') ? column('consumers') + 0.05 : NaN):(column('msgs_per_s') / scale) with points pt 7 ps 0.55 lc rgb '#A0D55E00' notitle, \
    dat index 1 using ($1 + 0.05):($2 / scale):($3 / scale):($4 / scale) with yerrorlines pt 5 ps 1.5 lw 1.5 lc rgb '#D55E00' title 'roundrobin', \
    model0(x) with lines dt 2 lw 2 lc rgb '#333333' title 'model: r1 × min(C, 20), r1 = 925 msgs/s'
set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-two-topics-throughput.svg'
replot
unset output

# balance
reset
set datafile separator ','
set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-two-topics-balance.png'
set title "Partitions per consumer vs consumers\nbroker: embedded librdkafka mock cluster, 1 broker · work sleep:1ms\nsolid: most on one consumer, dashed: fewest" font 'Sans,19'
set xlabel 'consumers in the group'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set samples 2000
set bars 1.5
set tmargin 5
set xrange [0.5:12.5]
set label 99 'kbench sweep sweep-two-topics' at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'
set xtics 1
set ylabel 'partitions per consumer'
set yrange [0:25]
set key right center box opaque samplen 3 spacing 1.25
set ytics 1
even0(x) = x < 1 ? NaN : 20.0 / x
plot \
    dat index 0 using ($1 + -0.05):($9) with linespoints pt 7 ps 1.5 lw 1.5 lc rgb '#0072B2' title 'range', \
    dat index 0 using ($1 + -0.05):($8) with linespoints pt 6 ps 1.5 lw 1.5 dt 2 lc rgb '#0072B2' notitle, \
    dat index 1 using ($1 + 0.05):($9) with linespoints pt 5 ps 1.5 lw 1.5 lc rgb '#D55E00' title 'roundrobin', \
    dat index 1 using ($1 + 0.05):($8) with linespoints pt 4 ps 1.5 lw 1.5 dt 2 lc rgb '#D55E00' notitle, \
    even0(x) with lines dt 3 lw 1.5 lc rgb '#777777' title 'even split: 20 / C'
set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-two-topics-balance.svg'
replot
unset output

# per-consumer
reset
set datafile separator ','
set terminal pngcairo size 1200,800 font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-two-topics-per-consumer.png'
set title "Per-consumer throughput vs consumers\nbroker: embedded librdkafka mock cluster, 1 broker · work sleep:1ms\nmedian consumer; bars: slowest–fastest" font 'Sans,19'
set xlabel 'consumers in the group'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set samples 2000
set bars 1.5
set tmargin 5
set xrange [0.5:12.5]
set label 99 'kbench sweep sweep-two-topics' at screen 0.008, screen 0.015 left font 'Sans,11' tc rgb '#888888'
set xtics 1
set ylabel 'msgs/s per active consumer (msgs/s)'
set yrange [0:1304.8]
scale = 1.0
set key top right box opaque samplen 3 spacing 1.25
plot \
    dat index 0 using ($1 + -0.05):($5 / scale):($6 / scale):($7 / scale) with yerrorlines pt 7 ps 1.5 lw 1.5 lc rgb '#0072B2' title 'range', \
    dat index 1 using ($1 + 0.05):($5 / scale):($6 / scale):($7 / scale) with yerrorlines pt 5 ps 1.5 lw 1.5 lc rgb '#D55E00' title 'roundrobin', \
    925.4 / scale with lines dt 2 lw 2 lc rgb '#333333' title 'one consumer alone (r1), r1 = 925 msgs/s'
set terminal svg size 1200,800 dynamic font 'Sans,15' noenhanced linewidth 1.5 background '#ffffff'
set output 'sweep-two-topics-per-consumer.svg'
replot
unset output
