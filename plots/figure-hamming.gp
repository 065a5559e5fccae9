# sMNIST Hamming-distance heatmaps (PAPER.md §4; the paper's appendix figure of per-digit
# subregion switching). Draws only; numbers from `bin/alrnn summarize figure-hamming`.
# For each digit: the mean Hamming distance of the bitcode from the sequence's own first code,
# at the recurrence step that reads each pixel (4 pixels per step at T = 196), on the 28x28
# grid; the digit's mean image is overlaid as dots where its mean ink exceeds 0.3.
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure-hamming'; profile='quick'" plots/figure-hamming.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure-hamming'
if (!exists("profile")) profile = 'quick'
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/figure-hamming_notes.gp'
h = datadir.'/figure-hamming.tsv'
hc = datadir.'/figure-hamming-curves.tsv'
set datafile separator tab
set datafile commentschars '#'
sm = datadir.'/figure-hamming_summary.tsv'
Ps = system(sprintf("awk -F'\t' '$1==\"shown_P\"{print $2}' '%s'", sm))
hmax = real(system(sprintf("awk -F'\t' '$1==\"max_hamming_first\"{print $2}' '%s'", sm)))

array dc[10] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1700,900 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 17in,9in font ",10"; set output outbase.'.pdf' }
  set multiplot title sprintf("sMNIST, P = %s, seed 0: mean Hamming distance of the bitcode from the sequence's first code at the step reading each pixel; dots: the digit's mean ink > 0.3; profile %s", Ps, profile).(diverged_note eq "" ? "" : "; ".diverged_note)
  set palette defined (0 "#fff7ec", 0.3 "#fdbb84", 0.7 "#e34a33", 1 "#7f0000")
  set size square
  unset key
  set xrange [-0.5:27.5]
  set yrange [27.5:-0.5]
  unset xtics
  unset ytics
  set cbtics font ",8"
  set cbrange [0:(hmax > 0 ? hmax : 1)]   # one colour scale for all digits
  do for [k=0:9] {
    set origin (k % 5) * 0.2, 0.62 - (k / 5) * 0.31
    set size 0.2, 0.31
    set title sprintf("digit %d", k)
    plot h index k using 3:2:4 with image, \
         h index k using 3:($6 > 0.3 ? $2 : 1/0) with points pt 7 ps 0.25 lc rgb "#222222"
  }
  # the same distances over the steps
  set origin 0.1, 0.0
  set size 0.8, 0.31
  set size noratio
  set autoscale
  set xtics
  set ytics
  set yrange [*:*] noreverse
  unset cbrange
  set title "mean Hamming distance from the first code over the recurrence steps"
  set xlabel "step (4 pixels each)"
  set ylabel "bits"
  set key outside right
  plot for [k=0:9] hc skip 2 using 1:(column(2+k)) with lines lw 1.5 lc rgb dc[k+1] title sprintf("%d", k)
  unset multiplot
  unset output
}
