/* fig_realdata.h: the analyses and summarizers of the real-data experiments (PAPER.md §2.1
 * IMDb and §2.2 sMNIST / Fig 2, the sMNIST Hamming heatmaps of §4, §2.3 audio).
 *
 * The analyze hook runs on the kept parameters at the end of each run and writes the group
 * /analysis into the run file (layout: experiments/fig_realdata.c); the summarizers read a
 * sweep's run files and write the TSV files the gnuplot scripts draw. */
#ifndef ALRNN_FIG_REALDATA_H
#define ALRNN_FIG_REALDATA_H

#include "experiments.h"

/* Analyze hook (struct experiment.analyze) of the imdb, smnist and audio rows. */
void fig_realdata_analyze(const struct resolved *r, const struct alrnn *m,
                          const struct dataset *test, uint64_t seed, const struct h5file *f);

/* Summarizers (struct figure.summarize). */
void summarize_figure2(const struct figure *f, profile_kind p, const char *root, const char *out);
void summarize_figure_hamming(const struct figure *f, profile_kind p, const char *root,
                              const char *out);
void summarize_figure_audio(const struct figure *f, profile_kind p, const char *root,
                            const char *out);

#endif
