# figure-scan: SCAN with an AL-RNN encoder-decoder (PAPER.md §2.9; the paper's SCAN results
# are described in the first author's blog post [B], no figure number is known).
# Draws only; every number comes from `bin/alrnn summarize figure-scan` (TSV in datadir).
#   (a-c) test sequence accuracy vs P_enc on the simple, length and add-jump splits: lenient
#         (prediction truncated to the target length, the paper's test) and strict (exact
#         match including <end>), mean ± sample std over seeds
#   (d-f) decoder bitcodes (P_dec units) at each output position of three test commands,
#         teacher-forced, with the construct boundaries of the command marked
#   (g)   mean Hamming distance between consecutive decoder bitcodes at offsets from the
#         boundaries of each construct, against positions without a boundary
#   (h)   per decoder ReLU unit: probability of a sign change at construct boundaries against
#         at positions without one (points above the diagonal: units that mark boundaries)
#   (i)   length split: sequence accuracy by target length
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure-scan'; profile='quick'" plots/figure-scan.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure-scan'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure-scan_notes.gp'
load datadir.'/figure-scan_labels.gp'
set datafile separator tab
set datafile commentschars '#'
acc(s) = datadir.'/figure-scan_acc_'.s.'.tsv'
raster(k) = datadir.sprintf('/figure-scan_raster%d.tsv', k)
tokens(k) = datadir.sprintf('/figure-scan_tokens%d.tsv', k)
bounds(k) = datadir.sprintf('/figure-scan_bounds%d.tsv', k)
align = datadir.'/figure-scan_align.tsv'
bylen = datadir.'/figure-scan_bylength.tsv'
units = datadir.'/figure-scan_units.tsv'
# P_enc = 0 cannot sit on a log axis: it is drawn at x = 1 and labelled 0
xp(p) = p == 0 ? 1 : p
array split_name[3] = ["simple", "length", "addjump"]
array split_title[3] = ["(a) simple split (random 80/20)", "(b) length split (test 24-48 actions)", "(c) add-jump split"]
array raster_title[3]
if (n_raster >= 1) { raster_title[1] = raster_title1 }
if (n_raster >= 2) { raster_title[2] = raster_title2 }
if (n_raster >= 3) { raster_title[3] = raster_title3 }
# construct colours, in the order of scan_construct_names (and, after, twice, thrice, around, opposite)
array ccol[6] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
array cname[6] = ["and", "after", "twice", "thrice", "around", "opposite"]
do for [c=1:6] { set linetype c lc rgb ccol[c] }

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1800,1500 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 18in,15in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 3,3 title sprintf("SCAN, AL-RNN encoder-decoder (M = %d, P_{dec} = %d), profile %s, %d seeds per point", M, P_dec, profile, seeds).(diverged_note eq "" ? "" : "; ".diverged_note)

  # (a-c) sequence accuracy vs P_enc
  set logscale x 2
  set xrange [0.7:200]
  set xtics ("0" 1, "4" 4, "8" 8, "16" 16, "64" 64, "128" 128)
  set yrange [-0.02:1.02]
  set xlabel "P_{enc} (ReLU units of the encoder)"
  set ylabel "test sequence accuracy"
  set key bottom right
  set key top left
  do for [s=1:3] {
    set title split_title[s]
    f = acc(split_name[s])
    plot f skip 2 using (xp($1)):3:4 with yerrorlines pt 7 lw 2 lc rgb "#1f77b4" title "lenient (paper)", \
         f skip 2 using (xp($1)):5:6 with yerrorlines pt 5 lw 2 dt 2 lc rgb "#d62728" title "strict (with <end>)"
  }
  unset logscale x
  unset xrange
  set xtics autofreq
  unset yrange

  # (d-f) rasters
  set palette defined (0 "white", 1 "black")
  unset colorbox
  set xlabel "output position (target token below; red: greedy output differs)"
  set ylabel "decoder ReLU unit"
  unset key
  do for [k=1:3] {
    if (k <= n_raster) {
      set title sprintf("(%s) simple split, P_{enc} = %d, seed 0:\n%s", k == 1 ? "d" : k == 2 ? "e" : "f", raster_P, raster_title[k])
      set yrange [-3.0:P_dec + 2.5]
      set ytics 0, (P_dec > 8 ? 8 : 1), P_dec - 1
      set xrange [-0.5:*]
      set xtics rotate by 90 right font ",7"
      plot raster(k) skip 2 using 1:2:3 with image, \
           tokens(k) skip 2 using 1:(1/0):xticlabels(2) notitle, \
           tokens(k) skip 2 using 1:($4 > 0.5 ? 1/0 : -1.8):3 with labels rotate by 90 font ",7" tc rgb "#d62728", \
           bounds(k) skip 2 using 1:(-0.5):(0):(P_dec):($2 + 1) with vectors nohead lw 2 lc variable, \
           bounds(k) skip 2 using 1:(P_dec + 0.2):3:($2 + 1) with labels rotate by 90 left font ",8" tc variable
      set xtics norotate font ",10" autofreq
      unset xrange
      unset yrange
      set ytics autofreq
    } else {
      set title "(raster) no decoder ReLU units in this profile"
      plot 1/0 notitle
    }
  }

  # (g) boundary-aligned bitcode change
  set title sprintf("(g) decoder bitcode change around construct boundaries\n(simple split, P_{enc} = %d, teacher-forced test targets)", raster_P)
  set xlabel "offset from the boundary (0 = first token of the new unit)"
  set ylabel "mean Hamming distance to the previous step's code (bits)"
  set key top right font ",8"
  set xrange [-3.5:3.5]
  set xtics 1
  set label 1 clause_label at graph 0.02, graph 0.06 left font ",8"
  plot for [c=1:6] align skip 2 using 1:(column(1+c)) with linespoints pt 7 lw 2 lc rgb ccol[c] title cname[c], \
       align skip 2 using 1:8 with linespoints pt 6 lw 3 lc rgb "black" title "any boundary", \
       align skip 2 using 1:16 with lines dt 2 lw 2 lc rgb "gray40" title "no boundary (baseline)"
  unset label 1
  unset xrange
  set xtics autofreq

  # (h) per-unit sign changes at boundaries vs elsewhere
  set title sprintf("(h) decoder ReLU units: sign-change probability at construct boundaries\n(offset 0) vs at positions without a boundary (simple split, P_{enc} = %d)", raster_P)
  set xlabel "P(unit changes sign) at positions without a boundary"
  set ylabel "P(unit changes sign) at the boundary"
  set xrange [0:1]
  set yrange [0:1]
  set size ratio -1
  set key bottom right font ",8"
  plot for [c=1:6] units skip 2 using 2:(column(2+c)) with points pt 7 ps 0.8 lc rgb ccol[c] title cname[c], \
       x with lines dt 2 lc rgb "gray40" title "equal"
  set size noratio
  unset xrange
  unset yrange

  # (i) length split by target length
  set title sprintf("(i) length split: sequence accuracy by target length (P_{enc} = %d)", bylength_P)
  set xlabel "target length (actions)"
  set ylabel "test sequence accuracy"
  set key top right
  set yrange [0:*]
  plot bylen skip 2 using 1:3 with linespoints pt 7 lw 2 lc rgb "#1f77b4" title "lenient", \
       bylen skip 2 using 1:4 with linespoints pt 5 lw 2 dt 2 lc rgb "#d62728" title "strict"
  unset yrange
  unset multiplot
  unset output
}
