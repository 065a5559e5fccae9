# Figure 5 of Brenner & Koppe (PAPER.md §3, Fig 5): the 11-task cognitive suite.
# Draws only; every number comes from `bin/alrnn summarize figure5` (TSV in datadir).
#   (a) mean test accuracy over the 11 tasks against P, one curve per training-set size n
#       (trials per task), mean ± std over seeds; with figure5-baselines each baseline (tanh
#       RNN, LSTM or GRU with M units on the trials, seeds and budget of its n) as a band, mean
#       ± sample std over its seeds, across the P axis, with its mean as a dashed line
#   (b) 11×11 Jensen-Shannon divergence (nats) between the tasks' bitcode distributions,
#       mean over seeds, at P = 2, 4 and the largest P (largest n); tasks ordered pro
#       variants, anti variants, the rest; the title gives the mean JSD within the two groups
#       and between them (figure5b_meta.tsv)
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure5'; profile='quick'" plots/figure5.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure5'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure5_notes.gp'
# bands_a_n, bands_a_label: the rows of figure5a_baselines.tsv (none for figure5)
load datadir.'/figure5a_baselines.gp'
ba = datadir.'/figure5a_baselines.tsv'
array band_color[9] = ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#d62728", "#000000", "#aec7e8"]
a = datadir.'/figure5a.tsv'
meta = datadir.'/figure5b_meta.tsv'
set datafile separator tab
set datafile commentschars '#'

# panel labels: which P, n and seed count each heatmap shows (read, not computed)
array Pb[3]
array nb[3]
array sb[3]
array wb[3]
array bb[3]
do for [i=1:3] {
  stats meta every ::(i-1)::(i-1) using 7 nooutput
  wb[i] = STATS_min
  stats meta every ::(i-1)::(i-1) using 8 nooutput
  bb[i] = STATS_min
  stats meta every ::(i-1)::(i-1) using 2 nooutput
  Pb[i] = int(STATS_min)
  stats meta every ::(i-1)::(i-1) using 3 nooutput
  nb[i] = int(STATS_min)
  stats meta every ::(i-1)::(i-1) using 4 nooutput
  sb[i] = int(STATS_min)
}

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 2000,680 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 20in,6.8in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 1,4 title sprintf("11-task cognitive suite (Fig 5), profile %s", profile).(diverged_note eq "" ? "" : "; ".diverged_note)

  # (a)
  set title "(a) mean test accuracy over 11 tasks vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units)"
  set ylabel "mean test accuracy"
  set logscale x 2
  set xrange [0.5:*]
  set offsets graph 0.03, graph 0.06, 0, 0
  set yrange [0:1.05]
  # with bands (up to 9) the key goes below the panel, so that it covers no curve
  if (bands_a_n > 0) { set key below left Left reverse font ",8" maxcols 2 samplen 2 } else { set key top left }
  plot a using ($1 == 0 ? 0.5 : $1):2:3:xtic(1) with yerrorlines pt 7 lw 1.5 lc rgb "#1f77b4" title columnheader(2), \
       a using ($1 == 0 ? 0.5 : $1):4:5 with yerrorlines pt 5 lw 1.5 lc rgb "#ff7f0e" title columnheader(4), \
       a using ($1 == 0 ? 0.5 : $1):6:7 with yerrorlines pt 9 lw 1.5 lc rgb "#2ca02c" title columnheader(6), \
       for [i=1:bands_a_n] ba skip 2 every ::(i-1)::(i-1) using 13:6:13:14:11:12 with boxxyerror fs transparent solid 0.15 noborder lc rgb band_color[(i-1)%9+1] notitle, \
       for [i=1:bands_a_n] ba skip 2 every ::(i-1)::(i-1) using 13:6:($14-$13):(0) with vectors nohead lw 2 dt 2 lc rgb band_color[(i-1)%9+1] title bands_a_label[i].": mean ± std"
  unset logscale x
  set key default
  set offsets 0, 0, 0, 0
  set xrange [*:*]
  set yrange [*:*]
  set xtics autofreq

  # (b)
  set xlabel ""
  set ylabel ""
  set size ratio -1
  set cbrange [0:log(2)]
  set cblabel "JSD (nats; max ln 2)"
  set palette defined (0 "#ffffff", 0.25 "#fdd49e", 0.5 "#fc8d59", 0.75 "#d7301f", 1 "#7f0000")
  set xtics rotate by 60 right font ",8"
  set ytics font ",8"
  set yrange [*:*] reverse
  do for [i=1:3] {
    set title sprintf("(b) JSD of bitcode distributions, P = %d\n(n = %d per task, mean over %d seeds)\nmean JSD within groups (pro, anti): %.3f, between pro and anti: %.3f", Pb[i], nb[i], sb[i], wb[i], bb[i])
    plot datadir.sprintf('/figure5b_%d.tsv', i) matrix rowheaders columnheaders using 1:2:3 with image notitle
  }
  set yrange [*:*] noreverse
  set size noratio
  unset multiplot
  unset output
}
