# Audio classification (PAPER.md §2.3; the paper's appendix figure of accuracy vs P on Speech
# Commands). Draws only; numbers from `bin/alrnn summarize figure-audio` (or figure-audio-sc).
#   (a) test accuracy against P, mean ± sample std over seeds
#   (b) final latent states of test clips on PC1-2, coloured by class (seed 0, the best
#       0 < P < M)
# The data files are named after the figure (outbase's file name): <name>-a.tsv, <name>-b.tsv.
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure-audio'; profile='quick'" plots/figure-audio.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure-audio'
if (!exists("profile")) profile = 'quick'
name = outbase[strstrt(outbase, "figure"):]
# diverged_note: how many runs diverged (left out of means), written by summarize
load datadir.'/'.name.'_notes.gp'
a = datadir.'/'.name.'-a.tsv'
as = datadir.'/'.name.'-a_seeds.tsv'
b = datadir.'/'.name.'-b.tsv'
sm = datadir.'/'.name.'_summary.tsv'
set datafile separator tab
set datafile commentschars '#'
Ps = system(sprintf("awk -F'\t' '$1==\"shown_P\"{print $2}' '%s'", sm))
what = (name eq "figure-audio-sc") ? "Speech Commands, 10 keywords" : "FSDD spoken digits"

array dc[10] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
do for [k=1:10] { set linetype 100+k lc rgb dc[k] pt 7 ps 0.5 }

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1200,480 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 12in,4.8in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 1,2 title sprintf("Audio (%s): AL-RNN on 40 MFCCs, profile %s", what, profile).(diverged_note eq "" ? "" : "; ".diverged_note)

  set title "(a) test accuracy vs P (mean ± std over seeds)"
  set xlabel "P (ReLU units of M = 100)"
  set ylabel "test accuracy"
  set logscale x 2
  set xrange [0.35:150]
  set xtics ("0" 0.5, 1, 3, 5, 10, 20, 50, 75, 100)
  set key top left
  plot a skip 2 using ($1 == 0 ? 0.5 : $1):3:4 with yerrorbars pt 7 lc rgb "#9467bd" title "mean ± std", \
       a skip 2 using ($1 == 0 ? 0.5 : $1):3 with lines lc rgb "#9467bd" notitle, \
       as skip 2 using ($1 == 0 ? 0.5 : $1)*(1 + 0.04*($2 - 1)):3 with points pt 6 ps 0.7 lc rgb "#555555" title "runs"
  unset logscale x
  unset xrange
  set xtics autofreq

  set title sprintf("(b) P = %s: final states on PC1-2", Ps)
  set xlabel "PC1"
  set ylabel "PC2"
  set key outside right top
  plot for [k=0:9] b skip 2 using ($3 == k ? $1 : 1/0):2 with points lt 101+k title sprintf("%d", k)
  unset multiplot
  unset output
}
