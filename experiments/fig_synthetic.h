/* fig_synthetic.h: the analyses and summarizers of the synthetic experiments (PAPER.md §2.4
 * copy / Fig 3, §2.6 contextual integration, §2.8 multi-task / Fig 5).
 *
 * The analyze hooks run on the kept parameters at the end of each run and write an
 * /analysis group into the run file (layout in each fig_*.c file comment); the summarizers
 * read a sweep's run files and write the TSV files the gnuplot scripts draw. */
#ifndef ALRNN_FIG_SYNTHETIC_H
#define ALRNN_FIG_SYNTHETIC_H

#include "analysis.h"
#include "experiments.h"
#include "h5io.h"

/* Analyze hooks (struct experiment.analyze). */
void fig_copy_analyze(const struct resolved *r, const struct alrnn *m, const struct dataset *test,
                      uint64_t seed, const struct h5file *f);
void fig_context_analyze(const struct resolved *r, const struct alrnn *m,
                         const struct dataset *test, uint64_t seed, const struct h5file *f);
void fig_multitask_analyze(const struct resolved *r, const struct alrnn *m,
                           const struct dataset *test, uint64_t seed, const struct h5file *f);

/* The copy analysis's loose periodicity tests (fig_copy.c, /analysis/autonomous_loose) on
 * states traj (n, M), window [t0, t0 + win): the smallest k <= win/2 at which the bitcode of
 * the last P units repeats at every step of the window, or at which every unit lo..hi-1
 * repeats to 5 % of its range over the window; 0 = none. */
int fig_copy_period_code(const real *traj, int M, int P, int t0, int win);
int fig_copy_period_trace(const real *traj, int M, int lo, int hi, int t0, int win);

/* Summarizers (struct figure.summarize). */
void summarize_figure3(const struct figure *f, profile_kind p, const char *root, const char *out);
void summarize_figure5(const struct figure *f, profile_kind p, const char *root, const char *out);
void summarize_figure_context(const struct figure *f, profile_kind p, const char *root,
                              const char *out);

/* ---- shared by the three analyses (fig_copy.c) --------------------------------------- */

/* Write the n_top most frequent codes of h under group g: codes (n_top, P) u8, counts,
 * freq, and scalars n_codes (distinct codes), total (steps), top_mass (freq of the stored
 * codes). */
void fig_write_hist(const struct h5file *f, const char *g, const struct bitcode_hist *h,
                    int n_top, const char *what);

/* Unpack code c (bitcode_words(P) words) into P bytes 0/1. */
void fig_unpack_code(const uint64_t *c, int P, uint8_t *bits);

/* The value of the resolved P grid closest to want among those >= min_P (ties: the
 * smaller), or -1 if there is none: the figures fall back to it when a profile's grid lacks
 * the paper's P (the smoke profile's small M). */
int fig_pick_P(const struct resolved *r, int want, int min_P);

#endif
