# kbench compare: sweep-readme-2.16.0 vs sweep-readme-tansu-2.16.0
# Re-render from this directory: gnuplot compare-sweep-readme-2.16.0-vs-sweep-readme-tansu-2.16.0.gp
set encoding utf8
set datafile separator ','
dat = 'compare-sweep-readme-2.16.0-vs-sweep-readme-tansu-2.16.0.dat'
set terminal pngcairo size 1200,800 font 'Sans,13'
set output 'compare-sweep-readme-2.16.0-vs-sweep-readme-tansu-2.16.0-throughput.png'
set title 'Throughput vs consumers: sweep-readme-2.16.0 vs sweep-readme-tansu-2.16.0' font 'Sans,17'
set xlabel 'consumers in the group'
set ylabel 'throughput (events/s, median and min–max of the repeats)'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set bars 1.5
set xrange [0:16]
set yrange [0:10617.9]
set key top left box opaque samplen 3 spacing 1.25
set xtics 1
plot \
    dat index 0 using 1:2:3:4 with yerrorlines pt 7 ps 1.4 lw 1.5 lc rgb '#0072B2' title 'sweep-readme-2.16.0 (broker embedded librdkafka mock cluster, 1 broker): P=10 range window sleep:1ms', \
    dat index 1 using 1:2:3:4 with yerrorlines pt 7 ps 1.4 lw 1.5 lc rgb '#D55E00' title 'sweep-readme-tansu-2.16.0 (broker Kafka cluster tansu_cluster, 1 broker): P=10 range window sleep:1ms'
set terminal svg size 1200,800 font 'Sans,13' dynamic
set output 'compare-sweep-readme-2.16.0-vs-sweep-readme-tansu-2.16.0-throughput.svg'
replot
unset output
