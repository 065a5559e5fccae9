/* analyses.h: the training-time analyses, the `analyze` hooks of experiment rows
 * (struct experiment.analyze). Each runs on the kept parameters at the end of a run and writes
 * an /analysis group into the run file before it is closed; its file (analysis_<task>.c)
 * documents that group's datasets at the top. The figure summarizers (figures.h,
 * summarize_<task>.c) read them back. SCAN's analysis is part of its runner
 * (experiments/scan_run.c). */
#ifndef ALRNN_ANALYSES_H
#define ALRNN_ANALYSES_H

#include "experiments.h"
#include "h5io.h"

/* PAPER.md §2.4 copy: bitcode histograms by phase, PCA, autonomous runs, subregion spectra */
void analysis_copy(const struct resolved *r, const struct alrnn *m, const struct dataset *test,
                   uint64_t seed, const struct h5file *f);
/* The copy analysis's loose periodicity tests (analysis_copy.c, /analysis/autonomous_loose) on
 * states traj (n, M), window [t0, t0 + win): the smallest k <= win/2 at which the bitcode of
 * the last P units repeats at every step of the window, or at which every unit lo..hi-1
 * repeats to 5 % of its range over the window; 0 = none. */
int analysis_copy_period_code(const real *traj, int M, int P, int t0, int win);
int analysis_copy_period_trace(const real *traj, int M, int lo, int hi, int t0, int win);
/* §2.6 contextual integration: bit fractions and PWL units over time per context, JSD */
void analysis_context(const struct resolved *r, const struct alrnn *m, const struct dataset *test,
                      uint64_t seed, const struct h5file *f);
/* §2.8 the 11-task suite: JSD between the tasks' bitcode distributions */
void analysis_multitask(const struct resolved *r, const struct alrnn *m,
                        const struct dataset *test, uint64_t seed, const struct h5file *f);
/* §2.1-2.3 IMDb, sMNIST, audio: final states, bitcode counts by class, Hamming distances */
void analysis_realdata(const struct resolved *r, const struct alrnn *m,
                       const struct dataset *test, uint64_t seed, const struct h5file *f);

#endif
