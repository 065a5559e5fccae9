/* fig_scan.h: summarize functions of these figures. */
#ifndef ALRNN_FIG_SCAN_H
#define ALRNN_FIG_SCAN_H

#include "experiments.h"

/* figure-scan (PAPER.md §2.9): sequence accuracy vs P_enc per split, decoder bitcode rasters
 * with construct boundaries, boundary-aligned bitcode changes (experiments/fig_scan.c). */
void summarize_figure_scan(const struct figure *f, profile_kind p, const char *root,
                           const char *out);

#endif
