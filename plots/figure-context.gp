# Contextual integration (PAPER.md §2.6; the paper's figure number is not known).
# Draws only; every number comes from `bin/alrnn summarize figure-context` (TSV in datadir).
#   (a) test accuracy against P (all trials, and per context), mean ± std over seeds
#   (b) P = 1 (best seed): fraction of test trials whose PWL unit is on, over time, in each context
#   (c) P = 1 (best seed): the PWL unit over time in the stored test trials, coloured by context
#   (d) P = 5 (best seed): fraction of trials with each PWL bit on over time, by context (heatmap)
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure-context'; profile='quick'" plots/figure-context.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure-context'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure-context_notes.gp'
a = datadir.'/figure_context_a.tsv'
b = datadir.'/figure_context_b.tsv'
c = datadir.'/figure_context_c.tsv'
d = datadir.'/figure_context_d.tsv'
set datafile separator tab
set datafile commentschars '#'

# which P and seed panels (b)-(d) show (read, not computed)
stats datadir.'/figure_context_meta.tsv' using 1 nooutput
Pbc = int(STATS_min)
stats datadir.'/figure_context_meta.tsv' using 2 nooutput
sbc = int(STATS_min)
stats datadir.'/figure_context_meta.tsv' using 3 nooutput
Pd = int(STATS_min)
stats datadir.'/figure_context_meta.tsv' using 4 nooutput
sd = int(STATS_min)

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1500,1000 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 15in,10in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 2,2 title sprintf("Contextual integration (PAPER.md 2.6), profile %s", profile).(diverged_note eq "" ? "" : "; ".diverged_note)

  # (a)
  set title "(a) test accuracy vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units)"
  set ylabel "test accuracy"
  set logscale x 2
  set xrange [0.5:*]
  set offsets graph 0.03, graph 0.06, 0, 0
  set yrange [0.3:1.05]
  set key bottom right
  plot a using ($1 == 0 ? 0.5 : $1):3:4:xtic(1) with yerrorlines pt 7 lw 2 lc rgb "#000000" title "all trials", \
       a using ($1 == 0 ? 0.5 : $1):7:8 with yerrorlines pt 5 lw 1.2 lc rgb "#1f77b4" title "context C1 (normal)", \
       a using ($1 == 0 ? 0.5 : $1):9:10 with yerrorlines pt 9 lw 1.2 lc rgb "#d62728" title "context C2 (inverted)", \
       0.5 with lines dt 2 lc rgb "#777777" title "chance"
  unset logscale x
  set offsets 0, 0, 0, 0
  set xrange [*:*]
  set yrange [*:*]
  set xtics autofreq

  # (b)
  set title sprintf("(b) P = %d (seed %d): share of test trials with PWL unit 1 on (bit = 1)", Pbc, sbc)
  set xlabel "t"
  set ylabel "fraction of trials"
  set yrange [-0.05:1.05]
  set key center right
  plot b using 1:2 with lines lw 2 lc rgb "#1f77b4" title columnheader(2), \
       b using 1:3 with lines lw 2 lc rgb "#d62728" title columnheader(3)
  set yrange [*:*]

  # (c)
  set title sprintf("(c) P = %d (seed %d): PWL unit 1 over time in single test trials", Pbc, sbc)
  set xlabel "t"
  set ylabel "z of the PWL unit"
  set key top left
  plot for [i=0:15] c index i using 1:4:($2 == 1 ? 0x1f77b4 : 0xd62728) with lines lw 1 lc rgb variable notitle, \
       NaN with lines lw 2 lc rgb "#1f77b4" title "context C1 (normal)", \
       NaN with lines lw 2 lc rgb "#d62728" title "context C2 (inverted)", \
       0 with lines dt 2 lc rgb "#777777" title "ReLU threshold"

  # (d)
  set title sprintf("(d) P = %d (seed %d): share of trials with each PWL bit on, by context", Pd, sd)
  set xlabel "t"
  set ylabel ""
  set cbrange [0:1]
  set cblabel "fraction of trials"
  set palette defined (0 "#ffffff", 0.5 "#6baed6", 1 "#08306b")
  set ytics font ",9"
  set xtics 10
  set autoscale xfix
  set yrange [*:*] reverse
  plot d matrix rowheaders using 1:2:3 with image notitle
  set yrange [*:*] noreverse
  unset multiplot
  unset output
}
