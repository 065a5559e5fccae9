/* figures.h: the summarizers the figure table (figures.c) points to, one file per task
 * (summarize_<task>.c), and the generic ones any figure row may name without writing C.
 *
 * A summarizer reads the run files of the figure's experiments (summary.h: checked, with
 * diverged runs counted and left out) and writes TSV files into out_dir, all aggregation done
 * in C; the figure's gnuplot script only draws them. */
#ifndef ALRNN_FIGURES_H
#define ALRNN_FIGURES_H

#include "experiments.h"

/* PAPER.md §3 Fig 4, addition (summarize_addition.c) */
void summarize_figure4(const struct figure *f, profile_kind p, const char *root, const char *out);
/* Fig 1, the M = 6, P = 2 model (summarize_figure1.c) */
void summarize_figure1(const struct figure *f, profile_kind p, const char *root, const char *out);
/* Fig 3, copy (summarize_copy.c) */
void summarize_figure3(const struct figure *f, profile_kind p, const char *root, const char *out);
/* Fig 5, the 11-task suite (summarize_multitask.c) */
void summarize_figure5(const struct figure *f, profile_kind p, const char *root, const char *out);
/* §2.6 contextual integration (summarize_context.c) */
void summarize_figure_context(const struct figure *f, profile_kind p, const char *root,
                              const char *out);
/* Fig 2, the Hamming heatmaps of §4, §2.3 audio (summarize_realdata.c) */
void summarize_figure2(const struct figure *f, profile_kind p, const char *root, const char *out);
void summarize_figure_hamming(const struct figure *f, profile_kind p, const char *root,
                              const char *out);
void summarize_figure_audio(const struct figure *f, profile_kind p, const char *root,
                            const char *out);
/* §2.9 SCAN: sequence accuracy vs P_enc per split, decoder bitcode rasters with construct
 * boundaries, boundary-aligned bitcode changes (summarize_scan.c) */
void summarize_figure_scan(const struct figure *f, profile_kind p, const char *root,
                           const char *out);

/* Generic: the scalar dataset fig->metric against P, mean ± std over seeds, one TSV per
 * experiment of the figure (summarize_metric.c documents the files). A figure row that
 * names it and .metric needs no C. */
void summarize_metric_vs_P(const struct figure *f, profile_kind p, const char *root,
                           const char *out);

#endif
