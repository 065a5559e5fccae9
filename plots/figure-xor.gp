# figure-xor: XOR of two marked bits (tasks/xor.c), the worked example of docs/ADDING_A_TASK.md.
# Draws only; the numbers come from `bin/alrnn summarize figure-xor` (the generic
# summarize_metric_vs_P): test accuracy against P, mean ± sample std over seeds, every run as
# a point.
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure-xor'; profile='quick'" plots/figure-xor.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure-xor'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure-xor_notes.gp'
a = datadir.'/figure-xor_xor.tsv'
as = datadir.'/figure-xor_xor_seeds.tsv'
set datafile separator tab
set datafile commentschars '#'

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 640,480 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 6.4in,4.8in font ",10"; set output outbase.'.pdf' }
  set title sprintf("XOR of two marked bits, profile %s", profile).(diverged_note eq "" ? "" : "\n".diverged_note)
  set xlabel "P (ReLU units)"
  set ylabel "test accuracy"
  set yrange [0:1.05]
  set xrange [-0.5:*]
  set key bottom right
  plot a using 1:"mean_accuracy":"std_accuracy" with yerrorlines lw 2 pt 7 title "mean ± std over seeds", \
       as using 1:"accuracy" with points pt 6 lc rgb "gray40" title "each run", \
       0.5 with lines dt 2 lc rgb "black" title "chance"
  unset output
}
