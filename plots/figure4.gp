# Figure 4 of Brenner & Koppe (PAPER.md §3, Fig 4): the addition problem.
# Draws only; every number comes from `bin/alrnn summarize figure4` (TSV in datadir).
#   (a) test MSE against the number of ReLU units P, mean ± sample std over seeds, log y;
#       each baseline (tanh RNN, LSTM, GRU with M units, same data, seeds and budget) as a
#       band from max(mean − std, min) to mean + std with its mean as a line
#   (b) the first two ReLU units over time for an early and a late marked pair
#   (c) readout D z_t over the 100 steps with the marked inputs and the target
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure4'; profile='quick'" plots/figure4.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure4'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure4_notes.gp'
# n_baselines, baseline_names: the rows of figure4_baselines.tsv
load datadir.'/figure4_baselines.gp'
bl = datadir.'/figure4_baselines.tsv'
array bl_color[3] = ["#ff7f0e", "#2ca02c", "#9467bd"]
a = datadir.'/figure4a.tsv'
as = datadir.'/figure4a_seeds.tsv'
b = datadir.'/figure4b.tsv'
c = datadir.'/figure4c.tsv'
set datafile separator tab
set datafile commentschars '#'

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1500,460 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 15in,4.6in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 1,3 title sprintf("Addition problem (Fig 4), profile %s", profile).(diverged_note eq "" ? "" : "; ".diverged_note)

  # (a)
  set title "(a) test MSE vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units)"
  set ylabel "test MSE"
  set logscale y
  set logscale x 2
  set xrange [0.5:*]
  set key top right
  # P = 0 cannot sit on a log axis: it is drawn at x = 0.5 and labelled
  set xtics add ("0" 0.5)
  # the lower bar stops at the smallest seed when mean - std would be <= 0
  plot a skip 2 using ($1 == 0 ? 0.5 : $1):3:(($3-$4) > $5 ? ($3-$4) : $5):($3+$4) with yerrorbars pt 7 lc rgb "#1f77b4" title "mean ± std", \
       a skip 2 using ($1 == 0 ? 0.5 : $1):3 with lines lc rgb "#1f77b4" notitle, \
       as skip 2 using (($1 == 0 ? 0.5 : $1) * (1 + 0.06 * ($2 - 1))):3 with points pt 6 ps 0.8 lc rgb "#888888" title "single seeds", \
       for [i=1:n_baselines] bl skip 2 every ::(i-1)::(i-1) using 11:4:11:12:9:10 with boxxyerror fs transparent solid 0.15 noborder lc rgb bl_color[(i-1)%3+1] notitle, \
       for [i=1:n_baselines] bl skip 2 every ::(i-1)::(i-1) using 11:4:($12-$11):(0) with vectors nohead lw 2 dt 2 lc rgb bl_color[(i-1)%3+1] title word(baseline_names, i)." (mean ± std)"
  unset logscale x
  unset logscale y
  unset xrange
  set xtics autofreq

  # (b)
  set title "(b) ReLU units over time (trajectory in PWL space)"
  set xlabel "z of ReLU unit 1"
  set ylabel "z of ReLU unit 2"
  set key top left
  plot b skip 2 using 2:3 with linespoints pt 7 ps 0.4 lc rgb "#d62728" title "early pair", \
       b skip 2 using 4:5 with linespoints pt 7 ps 0.4 lc rgb "#2ca02c" title "late pair"

  # (c)
  set title "(c) readout over time: inputs (marked), output, target"
  set xlabel "t"
  set ylabel "value"
  set key outside bottom center horizontal maxrows 2 font ",8"
  set yrange [*:*]
  plot c skip 2 using 1:($3 > 0 ? $2 : 1/0) with impulses lw 3 lc rgb "#d62728" title "marked inputs (early)", \
       c skip 2 using 1:4 with lines lw 2 lc rgb "#555555" title "readout (early)", \
       c skip 2 using 1:5 with lines dt 2 lw 2 lc rgb "#1f77b4" title "target (early)", \
       c skip 2 using 1:($7 > 0 ? $6 : 1/0) with impulses lw 3 lc rgb "#ff9896" title "marked inputs (late)", \
       c skip 2 using 1:8 with lines lw 2 lc rgb "#000000" title "readout (late)", \
       c skip 2 using 1:9 with lines dt 3 lw 2 lc rgb "#17becf" title "target (late)"
  unset multiplot
  unset output
}
