# Subregion transition graph of one model (bin/alrnn analyze; PAPER.md §4 "connectome").
# Draws only: node positions, counts and arrow widths come from analyze's TSV files.
#   nodes: the most visited subregions on a circle, labelled by bitcode and trajectory share
#   arrows: solid blue = steps of the stored test trajectories, dashed red = steps of the map
#           iterated under the constant input, each labelled with its count; self-loops left out
# Usage: gnuplot -e "nodes='X_graph_nodes.tsv'; edges='X_graph_edges.tsv'; n_edges=N; out='X_graph.png'; title='...'" plots/transitions.gp
if (!exists("title")) title = 'subregion transitions'
set datafile separator tab
set datafile commentschars '#'
set terminal pngcairo size 800,800 font ",10"
set output out
set title title noenhanced
set size ratio -1
unset border; unset tics; unset key
set xrange [-1.45:1.45]; set yrange [-1.45:1.45]
set style arrow 1 head filled size screen 0.02,15 lc rgb "#1f5fbf" lw 2
set style arrow 2 head filled size screen 0.02,15 lc rgb "#d62728" lw 2 dt 2
# n_edges (set by analyze): gnuplot 5.4 crashes plotting labels from an empty file
if (!exists("n_edges")) n_edges = 1
if (n_edges > 0) {
plot edges using 1:2:($7 > 0 ? $3 : NaN):4 skip 1 with vectors arrowstyle 1, \
     edges using ($1+0.03):($2+0.03):($8 > 0 ? $3 : NaN):4 skip 1 with vectors arrowstyle 2, \
     edges using ($1+0.35*$3):($2+0.35*$4):(sprintf("%d / %d", int($5), int($6))) skip 1 with labels font ",8" tc rgb '#333333', \
     nodes using 2:3 skip 1 with points pt 7 ps 3 lc rgb '#555555', \
     nodes using (1.22*$2):(1.22*$3):(sprintf("%s\n%.1f%%", strcol(4), 100*$5)) skip 1 with labels noenhanced
} else {
plot nodes using 2:3 skip 1 with points pt 7 ps 3 lc rgb '#555555', \
     nodes using (1.22*$2):(1.22*$3):(sprintf("%s\n%.1f%%", strcol(4), 100*$5)) skip 1 with labels noenhanced
}
