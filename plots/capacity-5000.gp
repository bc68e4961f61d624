# kbench capacity plots for capacity-5000.csv (regenerate with: kbench report capacity-5000.csv)
set terminal pngcairo size 1000,600 font 'sans,10'
set datafile missing 'NaN'
set key top left opaque box
set grid

set output 'capacity-5000-lag.png'
set title "Lag in time (worst partition) over the run\nP = 10, range, work sleep:1ms, embedded broker, r1 = 922/s"
set xlabel 'seconds since the traffic started'
set ylabel 'age of the oldest unconsumed event (s)'
set yrange [0:25.68]
set arrow 1 from graph 0, first 5.0 to graph 1, first 5.0 nohead lw 2 dt 2 lc rgb '#c00000'
set label 1 sprintf('bound %g s', 5.0) at graph 0.99, first 5.0 right offset 0,0.7 tc rgb '#c00000'
set arrow 2 from first 5.0, graph 0 to first 5.0, graph 1 nohead dt 3 lc rgb '#808080'
set label 2 'end of warm-up' at first 5.0, graph 0.03 offset 0.5,0 tc rgb '#808080'
plot 'capacity-5000-lag.dat' index 0 using 1:2 with lines lw 2 lc rgb '#1f77b4' dt 1 title 'C = 1, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 1 using 1:2 with lines lw 2 lc rgb '#ff7f0e' dt 1 title 'C = 2, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 2 using 1:2 with lines lw 2 lc rgb '#2ca02c' dt 1 title 'C = 3, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 3 using 1:2 with lines lw 2 lc rgb '#d62728' dt 1 title 'C = 4, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 4 using 1:2 with lines lw 2 lc rgb '#9467bd' dt 1 title 'C = 5, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 5 using 1:2 with lines lw 2 lc rgb '#8c564b' dt 1 title 'C = 6, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 6 using 1:2 with lines lw 2 lc rgb '#e377c2' dt 1 title 'C = 7, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 7 using 1:2 with lines lw 2 lc rgb '#7f7f7f' dt 1 title 'C = 8, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 8 using 1:2 with lines lw 2 lc rgb '#bcbd22' dt 1 title 'C = 9, 5,000/s: falls-behind', \
     'capacity-5000-lag.dat' index 9 using 1:2 with lines lw 2 lc rgb '#17becf' dt 1 title 'C = 10, 5,000/s: sustains'

unset arrow 1
unset arrow 2
unset label 1
unset label 2
set output 'capacity-5000-capacity.png'
set title "Consumed rate against consumers\nP = 10, range, work sleep:1ms, embedded broker, r1 = 922/s"
set xlabel 'consumers'
set ylabel 'events/s'
set xrange [0.5:10.5]
set xtics 1
set yrange [0:*]
plot 'capacity-5000-capacity.dat' using 1:3 with lines dt 2 lw 2 title 'r1 · min(C, P): every consumer busy (rate ÷ r1 sizing)', \
     'capacity-5000-capacity.dat' using 1:4 with linespoints pt 1 lw 1 lc rgb '#808080' title 'model: highest sustainable rate r1 · P / ceil(P/C)', \
     'capacity-5000-capacity.dat' using 1:5 with lines lw 2 lc rgb '#c00000' title 'target rate', \
     'capacity-5000-capacity.dat' using 1:($6 == 1 ? $2 : 1/0) with points pt 7 ps 1.6 lc rgb '#008000' title 'consumed: sustains', \
     'capacity-5000-capacity.dat' using 1:($6 == 0 ? $2 : 1/0) with points pt 6 ps 1.6 lw 2 lc rgb '#c00000' title 'consumed: falls behind'
