# Figure 2 of Brenner & Koppe (PAPER.md §3, Fig 2): IMDb (top) and sequential MNIST (bottom).
# Draws only; every number comes from `bin/alrnn summarize figure2` (TSV in datadir).
#   (a) IMDb test accuracy against P, mean ± sample std over seeds
#   (c) PC1 of the final latent states of test reviews, negative vs positive
#   (d) frequencies of the most frequent bitcodes (all steps of the test reviews)
#   (e) sMNIST test accuracy against P, mean ± sample std over seeds
#   (f) final latent states of test digits on PC1-3 (3-D) and on PC1-2, coloured by digit
# With figure2-baselines, (a) and (e) also draw each baseline of their task (tanh RNN, LSTM,
# GRU with M units: the same encoder, data, seeds and budget) as a band, mean ± sample std of
# its test accuracy over its seeds, across the P axis, with its mean as a dashed line.
# (b), a keyword-annotated trajectory, is not drawn. The shown model for (c), (d), (f) is named
# in each panel title (seed 0 at the best 0 < P < M).
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure2'; profile='quick'" plots/figure2.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure2'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure2_notes.gp'
# bands_a_n, bands_a_label, bands_e_n, bands_e_label: the rows of figure2a_baselines.tsv and
# figure2e_baselines.tsv (none for figure2)
load datadir.'/figure2a_baselines.gp'
load datadir.'/figure2e_baselines.gp'
ba = datadir.'/figure2a_baselines.tsv'
be = datadir.'/figure2e_baselines.tsv'
array band_color[3] = ["#ff7f0e", "#9467bd", "#8c564b"]
a = datadir.'/figure2a.tsv'
as = datadir.'/figure2a_seeds.tsv'
c = datadir.'/figure2c.tsv'
d = datadir.'/figure2d.tsv'
e = datadir.'/figure2e.tsv'
es = datadir.'/figure2e_seeds.tsv'
f = datadir.'/figure2f.tsv'
s = datadir.'/figure2_summary.tsv'
set datafile separator tab
set datafile commentschars '#'

# the shown P of each model, from the summary file (read, not computed)
Pi = system(sprintf("awk -F'\t' '$1==\"imdb_shown_P\"{print $2}' '%s'", s))
Ps = system(sprintf("awk -F'\t' '$1==\"smnist_shown_P\"{print $2}' '%s'", s))

# ten digit colours (tab10)
array dc[10] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
do for [k=1:10] { set linetype 100+k lc rgb dc[k] pt 7 ps 0.35 }

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1650,950 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 16.5in,9.5in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 2,3 title sprintf("IMDb (top) and sequential MNIST (bottom), Fig 2, profile %s", profile).(diverged_note eq "" ? "" : "; ".diverged_note)

  # (a)
  set title "(a) IMDb: test accuracy vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units of M = 100)"
  set ylabel "test accuracy"
  set logscale x 2
  set xrange [0.35:150]
  set xtics ("0" 0.5, 1, 3, 5, 10, 20, 50, 75, 100)
  set key bottom right
  plot a skip 2 using ($1 == 0 ? 0.5 : $1):3:4 with yerrorbars pt 7 lc rgb "#1f77b4" title "mean ± std", \
       a skip 2 using ($1 == 0 ? 0.5 : $1):3 with lines lc rgb "#1f77b4" notitle, \
       as skip 2 using ($1 == 0 ? 0.5 : $1)*(1 + 0.04*($2 - 0.5)):3 with points pt 6 ps 0.7 lc rgb "#555555" title "runs", \
       for [i=1:bands_a_n] ba skip 2 every ::(i-1)::(i-1) using 13:6:13:14:11:12 with boxxyerror fs transparent solid 0.15 noborder lc rgb band_color[(i-1)%3+1] notitle, \
       for [i=1:bands_a_n] ba skip 2 every ::(i-1)::(i-1) using 13:6:($14-$13):(0) with vectors nohead lw 2 dt 2 lc rgb band_color[(i-1)%3+1] title bands_a_label[i].": mean ± std"
  unset logscale x
  unset xrange
  set xtics autofreq

  # (c)
  set title sprintf("(c) IMDb P = %s: PC1 of the final states", Pi)
  set xlabel "PC1"
  set ylabel "fraction of the class"
  set key top right
  set style fill transparent solid 0.35 noborder
  plot c skip 2 using 1:2 with boxes lc rgb "#d62728" title "negative", \
       c skip 2 using 1:3 with boxes lc rgb "#1f77b4" title "positive"

  # (d)
  set title sprintf("(d) IMDb P = %s: most frequent bitcodes", Pi)
  set xlabel "code rank"
  set ylabel "fraction of steps"
  set style fill solid 0.8 noborder
  set boxwidth 0.28
  set xrange [0.3:20.7]
  set yrange [0:*]   # bars from zero
  set key top right
  plot d skip 2 using ($1-0.3):2 with boxes lc rgb "#555555" title "all", \
       d skip 2 using 1:3 with boxes lc rgb "#d62728" title "negative reviews", \
       d skip 2 using ($1+0.3):4 with boxes lc rgb "#1f77b4" title "positive reviews"
  unset xrange
  set yrange [*:*]
  set boxwidth

  # (e)
  set title "(e) sMNIST: test accuracy vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units of M = 100)"
  set ylabel "test accuracy"
  set logscale x 2
  set xrange [0.35:150]
  set xtics ("0" 0.5, 1, 3, 5, 10, 20, 50, 75, 100)
  set key bottom right
  plot e skip 2 using ($1 == 0 ? 0.5 : $1):3:4 with yerrorbars pt 7 lc rgb "#2ca02c" title "mean ± std", \
       e skip 2 using ($1 == 0 ? 0.5 : $1):3 with lines lc rgb "#2ca02c" notitle, \
       es skip 2 using ($1 == 0 ? 0.5 : $1)*(1 + 0.04*($2 - 0.5)):3 with points pt 6 ps 0.7 lc rgb "#555555" title "runs", \
       for [i=1:bands_e_n] be skip 2 every ::(i-1)::(i-1) using 13:6:13:14:11:12 with boxxyerror fs transparent solid 0.15 noborder lc rgb band_color[(i-1)%3+1] notitle, \
       for [i=1:bands_e_n] be skip 2 every ::(i-1)::(i-1) using 13:6:($14-$13):(0) with vectors nohead lw 2 dt 2 lc rgb band_color[(i-1)%3+1] title bands_e_label[i].": mean ± std"
  unset logscale x
  unset xrange
  set xtics autofreq

  # (f) 3-D
  set title sprintf("(f) sMNIST P = %s: final states on PC1-3", Ps)
  set xlabel "PC1"
  set ylabel "PC2"
  set zlabel "PC3" rotate parallel
  set view 60, 35
  set key outside right top
  splot for [k=0:9] f skip 2 using ($4 == k ? $1 : 1/0):2:3 with points lt 101+k title sprintf("%d", k)
  unset zlabel

  # (f) PC1-2
  set title sprintf("(f) sMNIST P = %s: final states on PC1-2", Ps)
  set xlabel "PC1"
  set ylabel "PC2"
  plot for [k=0:9] f skip 2 using ($4 == k ? $1 : 1/0):2 with points lt 101+k title sprintf("%d", k)
  unset multiplot
  unset output
}
