# kbench compare: sweep-drain-uniform vs sweep-drain-zipf
# Re-render from this directory: gnuplot compare-drain-uniform-vs-zipf.gp
set encoding utf8
set datafile separator ','
dat = 'compare-drain-uniform-vs-zipf.dat'
set terminal pngcairo size 1200,800 font 'Sans,13'
set output 'compare-drain-uniform-vs-zipf-throughput.png'
set title 'Throughput vs consumers: sweep-drain-uniform vs sweep-drain-zipf' font 'Sans,17'
set xlabel 'consumers in the group'
set ylabel 'throughput (msgs/s, median and min–max of the repeats)'
set border 3
set tics nomirror
set grid lc rgb '#e0e0e0'
set bars 1.5
set xrange [0:11]
set yrange [0:9412.86]
set key top left box opaque samplen 3 spacing 1.25
set xtics 1
plot \
    dat index 0 using 1:2:3:4 with yerrorlines pt 7 ps 1.4 lw 1.5 lc rgb '#0072B2' title 'sweep-drain-uniform: P=10 range drain sleep:1ms', \
    dat index 1 using 1:2:3:4 with yerrorlines pt 7 ps 1.4 lw 1.5 lc rgb '#D55E00' title 'sweep-drain-zipf: P=10 range drain sleep:1ms'
set terminal svg size 1200,800 font 'Sans,13' dynamic
set output 'compare-drain-uniform-vs-zipf-throughput.svg'
replot
unset output
