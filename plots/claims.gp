# Forest plot of the paper's claims (bin/alrnn verify; experiments/claims.c): each claim's
# effect as Cliff's delta (one-arm claims: share of seeds beyond the threshold minus share
# short of it) with its 95 % bootstrap interval, oriented so that > 0 is the paper's
# direction, coloured by verdict. Claims without statistics (pending analysis, runs missing,
# too few seeds) keep their row, empty. Draws only; every number comes from claims.tsv.
# Usage: gnuplot -e "datadir='plots/out/verify'; outbase='plots/out/verify/claims'; profile='verify'" plots/claims.gp
# (tsv='.../claims_final.tsv' or claims_best_val.tsv draws the report of bin/alrnn verify --select final or best_val)
if (!exists("datadir")) datadir = 'plots/out/verify'
if (!exists("outbase")) outbase = 'plots/out/verify/claims'
if (!exists("profile")) profile = 'verify'
if (!exists("tsv")) tsv = datadir.'/claims.tsv'
t = tsv
set datafile separator tab
set datafile commentschars '#'
stats t skip 1 using 1 nooutput
nrow = STATS_records

do for [fmt in "png pdf"] {
  if (fmt eq "png") { set terminal pngcairo size 900,(160 + 32 * nrow) font ",10"; set output outbase.'.png' }
  if (fmt eq "pdf") { set terminal pdfcairo size 9in,(1.6 + 0.32 * nrow)*1in font ",10"; set output outbase.'.pdf' }
  set title sprintf("Claims of Brenner and Koppe against the %s runs: effect with 95 %% bootstrap interval", profile) noenhanced
  set xlabel "Cliff's delta, > 0 = the paper's direction"
  set xrange [-1.35:1.1]
  set xtics -1, 0.5, 1
  set yrange [nrow:-1]
  unset ytics
  set grid xtics
  set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lc rgb "gray40"
  set key outside right top
  plot t skip 1 using (-1.3):($1):2 with labels left notitle, \
       '' skip 1 using ((strcol(3) eq "reproduced") ? $7 : NaN):($1):8:9 with xerrorbars pt 7 lc rgb "#1a9850" title "reproduced", \
       '' skip 1 using ((strcol(3) eq "not reproduced") ? $7 : NaN):($1):8:9 with xerrorbars pt 7 lc rgb "#d73027" title "not reproduced", \
       '' skip 1 using ((strcol(3) eq "inconclusive") ? $7 : NaN):($1):8:9 with xerrorbars pt 6 lc rgb "#4575b4" title "inconclusive"
  unset output
}
