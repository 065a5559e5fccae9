# Figure 3 of Brenner & Koppe (PAPER.md §3, Fig 3): the copy task.
# Draws only; every number comes from `bin/alrnn summarize figure3` (TSV in datadir).
#   (b) top: the PWL unit over time for two test inputs (P = 1; recall window shaded)
#   (b) bottom: the zero-input run from the delay start and the orbit it settles on
#   (c) symbol-wise and whole-sequence recall accuracy against P, mean ± std over seeds; with
#       figure3-baselines each baseline (tanh RNN, LSTM, GRU with M units, copy's data, seeds
#       and budget) as a band of its symbol-wise accuracy, mean ± std over its seeds, across
#       the P axis, with its mean as a dashed line
#   (d) histogram of the recall-phase bitcodes at P = 10
#   (e) PCA explained-variance ratio of the test states at P = 1
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure3'; profile='quick'" plots/figure3.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure3'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure3_notes.gp'
# bands_c_n, bands_c_label: the rows of figure3c_baselines.tsv (none for figure3)
load datadir.'/figure3c_baselines.gp'
bc = datadir.'/figure3c_baselines.tsv'
array band_color[3] = ["#2ca02c", "#9467bd", "#8c564b"]
btop = datadir.'/figure3b_top.tsv'
bauto = datadir.'/figure3b_auto.tsv'
bcyc = datadir.'/figure3b_cycle.tsv'
c = datadir.'/figure3c.tsv'
d = datadir.'/figure3d.tsv'
e = datadir.'/figure3e.tsv'
set datafile separator tab
set datafile commentschars '#'
# every TSV starts (after its comment) with a header line: never read it as data
set key autotitle columnheader

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1650,1000 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 16.5in,10in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 2,3 title sprintf("Copy task (Fig 3), profile %s", profile).(diverged_note eq "" ? "" : "; ".diverged_note)

  # (b) top
  set title "(b) PWL unit over time, two test inputs (P = 1, best seed)"
  set xlabel "t"
  set ylabel "z of the PWL unit"
  set y2range [0:1]
  unset y2tics
  set key top left
  set boxwidth 1.0
  plot btop using 1:($4 == 2 ? 1 : 0) axes x1y2 with boxes fs transparent solid 0.15 noborder lc rgb "#2ca02c" title "recall window", \
       btop using 1:2 with lines lw 1.5 lc rgb "#d62728" title "sequence 0", \
       btop using 1:3 with lines lw 1.5 lc rgb "#1f77b4" title "sequence 1", \
       0 with lines dt 2 lc rgb "#777777" title "ReLU threshold"

  # (b) bottom: autonomous run
  # the first 300 steps: the trained 100-step delay (shaded) and twice as long beyond it
  set title "(b) zero-input run from the delay start (P = 1, first 300 steps)"
  set xlabel "autonomous step"
  set ylabel "z of the PWL unit"
  set xrange [0:300]
  set key below font ",9" noopaque
  plot bauto every ::0::100 using 1:(1) axes x1y2 with boxes fs transparent solid 0.10 noborder lc rgb "#777777" title "the trained delay (100 steps)", \
       bauto every ::0::300 using 1:2 with lines lw 1.2 lc rgb "#9467bd" title columnheader(2), \
       0 with lines dt 2 lc rgb "#777777" notitle
  set xrange [*:*]

  set title "(b) the same run on PC1/PC2 of the test states (first 300 steps); settled orbit"
  set xlabel "PC1"
  set ylabel "PC2"
  set key inside vertical top right font ",10"
  plot bauto every ::0::300 using 3:4 with lines lw 0.8 lc rgb "#999999" title "autonomous run", \
       bauto every ::0::0 using 3:4 with points pt 7 ps 1.2 lc rgb "#000000" title "start (delay onset)", \
       bcyc using 2:3:($4 == 1 ? 0xd62728 : 0x1f77b4) with points pt 7 ps 0.5 lc rgb variable title "settled orbit, if any (red: PWL unit on)"

  # (c)
  set title "(c) recall accuracy vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units)"
  set ylabel "test accuracy"
  set logscale x 2
  set xrange [0.5:*]
  set offsets graph 0.03, graph 0.06, 0, 0
  set yrange [0:1.05]
  set key top right noopaque
  plot c using ($1 == 0 ? 0.5 : $1):3:4:xtic(1) with yerrorlines pt 7 lw 1.5 lc rgb "#1f77b4" title "symbol-wise", \
       c using ($1 == 0 ? 0.5 : $1):7:8 with yerrorlines pt 5 lw 1.5 lc rgb "#ff7f0e" title "whole sequence", \
       0.25 with lines dt 2 lc rgb "#777777" title "chance (symbol-wise, 1/4)", \
       for [i=1:bands_c_n] bc every ::(i-1)::(i-1) using 13:6:13:14:11:12 with boxxyerror fs transparent solid 0.15 noborder lc rgb band_color[(i-1)%3+1] notitle, \
       for [i=1:bands_c_n] bc every ::(i-1)::(i-1) using 13:6:($14-$13):(0) with vectors nohead lw 2 dt 2 lc rgb band_color[(i-1)%3+1] title bands_c_label[i].": symbol-wise, mean ± std"
  unset logscale x
  set offsets 0, 0, 0, 0
  set xrange [*:*]
  set yrange [*:*]
  set xtics autofreq

  # (d)
  set title "(d) recall-phase bitcodes at P = 10 (most frequent 30)"
  set xlabel ""
  set ylabel "frequency"
  set yrange [0:*]
  set style fill solid 0.7 border -1
  set boxwidth 0.8
  set xtics rotate by 90 right font ",8"
  set key top right noopaque
  plot d every ::0::29 using 1:4:xtic(2) with boxes lc rgb "#2ca02c" title columnheader(4)
  set xtics norotate font ",10"
  set xtics autofreq
  set yrange [*:*]

  # (e)
  set title "(e) PCA explained-variance ratio (P = 1, mean ± std over seeds)"
  set xlabel "principal component"
  set ylabel "explained-variance ratio"
  set y2label "cumulative"
  set y2range [0:1.05]
  set y2tics
  set xrange [0.5:20.5]
  set key center right
  plot e using 1:2:3 with boxerrorbars lc rgb "#8c564b" title "ratio", \
       e using 1:4 axes x1y2 with linespoints pt 7 ps 0.5 lc rgb "#000000" title "cumulative (right axis)"
  unset y2tics
  unset y2label
  set xrange [*:*]
  unset multiplot
  unset output
}
