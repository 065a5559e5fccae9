/* summary.h: the summary library the figure summarizers (and the analyses, for bitcode
 * histograms) share: reading and checking the run files of a sweep, a metric against P over
 * seeds (with diverged runs counted and left out), the best P and seed, the P a figure shows,
 * bitcode histograms in run files, and TSV output written to a temporary name and renamed
 * when complete.
 *
 * Every run file is checked before anything of it is used: its root attributes experiment,
 * profile, P, seed and M must match the row and the file's path, and its row_hash the row as
 * it is now (experiments/rowhash.c); every dataset a summarizer indexes is read with its shape
 * checked. A bad file stops `summarize` with one line naming it, exit 1, and no TSV written
 * under its final name (tmp files are removed on every exit). */
#ifndef ALRNN_SUMMARY_H
#define ALRNN_SUMMARY_H

#include <stdio.h>

#include "analysis.h"
#include "experiments.h"
#include "h5io.h"

/* Path of a run file under results_root (e.g. "results"). */
void summary_run_path(const struct resolved *r, const char *results_root, int P, int seed,
                      char *buf, size_t n);
/* Open the run file of (P, seed) and check its root attributes against the row and its path;
 * dies naming the file (and the command that trains it) when missing, foreign or stale. */
void summary_open_run(const struct resolved *r, const char *results_root, int P, int seed,
                      struct h5file *f);
/* Every run file of every experiment of figure fig, before any is summarised: dies with one
 * line listing the missing, foreign and stale files and the command that retrains them. */
void summary_check_figure(const struct figure *fig, profile_kind p, const char *results_root);

/* 1 when the run diverged: root attribute `diverged` != 0 (written by training). */
int summary_run_diverged(const struct h5file *f);

/* Shape-checked reads: the dataset must have rank `rank` and dims[i] == want[i] wherever
 * want[i] >= 0; dims (may be NULL) receives the shape. Dies naming file, dataset and shapes.
 * SHAPE(a, b, ...) builds `want`. */
#define SHAPE(...) ((const long[]){__VA_ARGS__})
double *summary_read_f64(const struct h5file *f, const char *path, int rank, const long *want,
                         size_t *dims);
int32_t *summary_read_i32(const struct h5file *f, const char *path, int rank, const long *want,
                          size_t *dims);
uint8_t *summary_read_u8(const struct h5file *f, const char *path, int rank, const long *want,
                         size_t *dims);
/* A scalar dataset (one value); dies unless it holds exactly one value. */
double summary_read_scalar(const struct h5file *f, const char *path);
/* An integer root/group attribute that must lie in [lo, hi]. */
long summary_attr_int(const struct h5file *f, const char *obj, const char *name, long lo, long hi);

struct stats {
    int n;
    double mean, std, min, max; /* std: sample standard deviation (n-1), 0 when n = 1 */
};
/* Statistics of the finite values of v (NaN / inf are skipped; n counts the finite ones). */
struct stats stats_of(const double *v, int n);

/* A metric against P, over seeds: the shared "mean and std over seeds" of every figure.
 * A run counts as diverged when its file says so or its metric is not finite; diverged runs
 * are counted per P and left out of the statistics and of every choice of a best run. */
struct sweep {
    const struct resolved *r;
    int n_P, S;
    double *v;          /* (n_P, S) the metric of each run; NAN when diverged */
    int *diverged;      /* (n_P, S) 1 when the run diverged */
    int n_diverged[MAX_GRID];
    struct stats st[MAX_GRID]; /* over the runs that did not diverge */
};
/* Reads the scalar dataset `metric` (e.g. "/test/mse") of every run of r's sweep. */
void sweep_read(struct sweep *sw, const struct resolved *r, const char *root, const char *metric);
void sweep_free(struct sweep *sw);
/* Sweeps sw[0..n-1] of the same runs (several metrics): a run diverged in one is diverged in
 * all; statistics are recomputed. */
void sweep_union(struct sweep *sw, int n);
/* Index of P in the grid, -1 when not swept. */
int sweep_index(const struct sweep *sw, int P);
int sweep_total_diverged(const struct sweep *sw);
/* Index into r->P of the best mean over P >= min_P (higher_better: max, else min); -1 when
 * every such P diverged on every seed. */
int sweep_best_P(const struct sweep *sw, int min_P, int higher_better);
/* The best seed at grid index k (first among ties); -1 when all its seeds diverged. */
int sweep_best_seed(const struct sweep *sw, int k, int higher_better);

/* The sweep as two TSVs (tsv_open below) into out_dir: `name` with one row per P (P, n_seeds,
 * mean_<m>, std_<m>, min_<m>, max_<m>, n_diverged; statistics over the runs that did not
 * diverge) and `seeds_name` with one row per run (P, seed, <m>, diverged; nan when it
 * diverged), each opened with its comment line; values printed with the conversion num
 * (e.g. "%.9g"). The figures' shared "metric against P over seeds". */
void sweep_write_tsv(const struct sweep *sw, const char *out_dir, const char *name,
                     const char *hdr, const char *seeds_name, const char *seeds_hdr,
                     const char *m, const char *num);

/* A TSV being written: fopen of <path>.tmp.<pid>; tsv_close() closes it, summary_commit()
 * renames every closed TSV onto its name once the whole summary has succeeded. Every tmp
 * file not yet renamed is removed when the process exits (die() included). */
struct tsv {
    FILE *fp;
    char path[4096], tmp[4200];
};
void tsv_open(struct tsv *t, const char *out_dir, const char *name, const char *header_comment);
void tsv_close(struct tsv *t);
void summary_commit(void);

/* <out_dir>/<figure>_notes.gp: gnuplot variables the figure's script prints, e.g.
 * diverged_note = "2 of 18 runs diverged (left out of the means)" or "" when none did. */
void summary_write_notes(const char *out_dir, const char *figure, int n_diverged, int n_runs);

/* ---- bitcodes and the P a figure shows ------------------------------------------------- */

/* Write the n_top most frequent codes of h under group g of a run file (analyses): codes
 * (n_top, P) u8, counts, freq, and scalars n_codes (distinct codes), total (steps), top_mass
 * (freq of the stored codes). */
void summary_write_hist(const struct h5file *f, const char *g, const struct bitcode_hist *h,
                        int n_top, const char *what);

/* Unpack code c (bitcode_words(P) words) into P bytes 0/1. */
void summary_unpack_code(const uint64_t *c, int P, uint8_t *bits);

/* The value of the resolved P grid closest to want among those >= min_P (ties: the
 * smaller), or -1 if there is none: the figures fall back to it when a profile's grid lacks
 * the paper's P (the smoke profile's small M). */
int summary_pick_P(const struct resolved *r, int want, int min_P);

/* ---- baselines as reference bands ------------------------------------------------------ */

/* The baseline rows of figure fig (its experiments whose model is not the AL-RNN) as
 * reference bands beside the AL-RNN rows named in beside[0..n_beside-1]. A baseline belongs
 * to the AL-RNN row of the figure with the same task, M (sized by units), encoder, readout,
 * data and budget (the seeds are the same but at the verify profile, where the AL-RNN row
 * runs its claims' seeds); one that matches no AL-RNN row of the figure is a mistake in the
 * table and stops the summary with one line. Writes into out_dir
 *   <stem>.tsv  (only when some baseline sits beside those rows) one row per baseline, in the
 *               figure's order: experiment, model, beside (its AL-RNN row), n_params,
 *               n_seeds, mean_<m>, std_<m>, min_<m>, max_<m>, n_diverged (m: the metric's
 *               last path component; statistics over the seeds that did not diverge, std the
 *               sample std), band_lo = mean - std, band_hi = mean + std, and x_from = 0.5
 *               (where the figures draw P = 0) to x_to = M: the band across the P axis
 *   <stem>.gp   gnuplot variables <var>_n (the number of bands) and the array
 *               <var>_label[] (the model's name and its M, then suffix[i] of its AL-RNN
 *               row when suffix is not NULL: "lstm, M = 64, n = 20")
 * metric: the scalar dataset (e.g. "/test/accuracy"); what: the TSV's comment. Returns the
 * number of bands. */
int summary_write_bands(const struct figure *fig, profile_kind p, const char *root,
                        const char *out_dir, const char *stem, const char *var,
                        const char *metric, const char *what, const char *const *beside,
                        const char *const *suffix, int n_beside);

#endif
