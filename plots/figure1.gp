# Figure 1 of Brenner & Koppe (PAPER.md §3, Fig 1), drawn from a trained model: an AL-RNN with
# M = 6 units, the last P = 2 ReLU (row context_m6, trained on contextual integration).
# Draws only; every number comes from `bin/alrnn summarize figure1` (TSV in datadir).
#   (a) the PWL plane (the two ReLU units): the four subregions shaded by bitcode, boundaries
#       dashed, a stored test trajectory coloured by its subregion, switches marked, and each
#       subregion's fixed point under zero input (filled: real, open: virtual)
#   (b) the bitcode of that trajectory over time, switches marked
#   (c) the eigenvalues of each subregion's W_Omega with the unit circle
# Usage: gnuplot -e "datadir='plots/data/quick'; outbase='plots/out/quick/figure1'; profile='quick'" plots/figure1.gp
if (!exists("datadir")) datadir = 'plots/data/quick'
if (!exists("outbase")) outbase = 'plots/out/quick/figure1'
if (!exists("profile")) profile = 'quick'
reg = datadir.'/figure1_regions.tsv'
tr = datadir.'/figure1_traj.tsv'
sp = datadir.'/figure1_spectra.tsv'
fx = datadir.'/figure1_fixed.tsv'
set datafile separator tab
set datafile commentschars '#'
# one colour per code index 0..3 = 00, 10, 01, 11
array col[4] = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728']
cc(i) = int(i) == 0 ? 0x1f77b4 : int(i) == 1 ? 0xff7f0e : int(i) == 2 ? 0x2ca02c : 0xd62728

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 1500,480 font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 15in,4.8in font ",10"; set output outbase.'.pdf' }
  set multiplot layout 1,3 title sprintf("AL-RNN with M = 6, P = 2 (Fig 1), trained on contextual integration, profile %s", profile)

  # (a)
  set title "(a) subregions of the PWL plane, a test trajectory, fixed points"
  set xlabel "ReLU unit 5 (z_5)"
  set ylabel "ReLU unit 6 (z_6)"
  set key bottom left font ",8" opaque
  set style fill transparent solid 0.18 noborder
  set xzeroaxis lt 0 lw 1.5 dt 2
  set yzeroaxis lt 0 lw 1.5 dt 2
  plot reg using 3:4:5:6:7:8:(cc($1)) skip 1 with boxxyerror lc rgb variable notitle, \
       reg using 3:4:(sprintf("%s (%.0f%%)", strcol(2), 100*$9)) skip 1 with labels font ",12" notitle, \
       tr using 2:3:(cc($4)) skip 1 with lines lw 1.5 lc rgb variable title "trajectory (colour: subregion)", \
       tr using 2:($6 > 0 ? $3 : NaN) skip 1 with points pt 6 ps 1.2 lc rgb 'black' title "switch", \
       fx using 3:($5 > 0 ? $4 : NaN):(cc($1)) skip 1 with points pt 7 ps 1.8 lc rgb variable title "real fixed point", \
       fx using 3:($5 > 0 ? NaN : $4):(cc($1)) skip 1 with points pt 6 ps 1.8 lw 2 lc rgb variable title "virtual fixed point"
  unset xzeroaxis; unset yzeroaxis

  # (b)
  set title "(b) bitcode over time (vertical lines: switches)"
  set xlabel "step t"
  set ylabel "subregion"
  set ytics ("00" 0, "10" 1, "01" 2, "11" 3)
  set yrange [-0.5:3.5]
  set key off
  plot tr using 1:($6 > 0 ? 3.5 : NaN) skip 1 with impulses lc rgb '#999999' dt 2, \
       tr using 1:4 skip 1 with steps lc rgb 'black' lw 1, \
       tr using 1:4:(cc($4)) skip 1 with points pt 7 ps 0.5 lc rgb variable
  set ytics autofreq
  set yrange [*:*]

  # (c)
  set title "(c) eigenvalues of W_{/Symbol W} per subregion"
  set xlabel "Re {/Symbol l}"
  set ylabel "Im {/Symbol l}"
  set size ratio -1
  set key top right font ",9"
  set parametric
  set trange [0:2*pi]
  plot cos(t), sin(t) lc rgb '#aaaaaa' notitle, \
       for [c=0:3] sp index c using 2:3 skip 1 with points pt 7 ps 1.2 lc rgb col[c+1] title sprintf("%s", c == 0 ? "00" : c == 1 ? "10" : c == 2 ? "01" : "11")
  unset parametric
  set size noratio
  unset multiplot
}
