# kbench capacity plots for capacity-find-max-rate.csv (regenerate with: kbench report capacity-find-max-rate.csv)
set terminal pngcairo size 1000,600 font 'sans,10'
set datafile missing 'NaN'
set key top left opaque box
set grid

set output 'capacity-find-max-rate-lag.png'
set title "Lag in time (worst partition) over the run\nP = 12, range, work sleep:1ms, embedded broker, r1 = 924/s"
set xlabel 'seconds since the traffic started'
set ylabel 'age of the oldest unconsumed event (s)'
set yrange [0:5.75]
set arrow 1 from graph 0, first 5.0 to graph 1, first 5.0 nohead lw 2 dt 2 lc rgb '#c00000'
set label 1 sprintf('bound %g s', 5.0) at graph 0.99, first 5.0 right offset 0,0.7 tc rgb '#c00000'
set arrow 2 from first 4.0, graph 0 to first 4.0, graph 1 nohead dt 3 lc rgb '#808080'
set label 2 'end of warm-up' at first 4.0, graph 0.03 offset 0.5,0 tc rgb '#808080'
plot 'capacity-find-max-rate-lag.dat' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'C = 1, 901/s: sustains', \
     'capacity-find-max-rate-lag.dat' index 1 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 1 title 'C = 1, 924/s: falls-behind', \
     'capacity-find-max-rate-lag.dat' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'C = 2, 1,803/s: sustains', \
     'capacity-find-max-rate-lag.dat' index 3 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'C = 2, 1,849/s: falls-behind', \
     'capacity-find-max-rate-lag.dat' index 4 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 1 title 'C = 4, 3,697/s: sustains', \
     'capacity-find-max-rate-lag.dat' index 5 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 1 title 'C = 4, 3,813/s: falls-behind'

unset arrow 1
unset arrow 2
unset label 1
unset label 2
set output 'capacity-find-max-rate-capacity.png'
set title "Highest sustainable rate against consumers\nP = 12, range, work sleep:1ms, embedded broker, r1 = 924/s"
set xlabel 'consumers'
set ylabel 'events/s'
set xrange [0.5:4.5]
set xtics 1
set yrange [0:*]
plot 'capacity-find-max-rate-capacity.dat' using 1:3 with lines dt 2 lw 2 title 'r1 · C (rate ÷ r1 sizing)', \
     'capacity-find-max-rate-capacity.dat' using 1:4 with linespoints pt 1 lw 1 lc rgb '#808080' title 'model: r1 · P / ceil(P/C) (the busiest consumer keeps up)', \
     'capacity-find-max-rate-capacity.dat' using 1:2:2:7 with yerrorbars pt 7 ps 1.5 lw 2 title 'measured: highest rate that sustains (bar: up to the lowest that fell behind)'
