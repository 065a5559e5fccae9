/* summary.h: helpers the figure summarizers share: reading run files of a sweep, statistics
 * over seeds, and TSV output written to a temporary name and renamed when complete. */
#ifndef ALRNN_SUMMARY_H
#define ALRNN_SUMMARY_H

#include <stdio.h>

#include "experiments.h"
#include "h5io.h"

/* Path of a run file under results_root (e.g. "results"). */
void summary_run_path(const struct resolved *r, const char *results_root, int P, int seed,
                      char *buf, size_t n);
/* Open the run file of (P, seed); dies naming the file (and the make target) when missing. */
void summary_open_run(const struct resolved *r, const char *results_root, int P, int seed,
                      struct h5file *f);

struct stats {
    int n;
    double mean, std, min, max; /* std: sample standard deviation (n-1), 0 when n = 1 */
};
struct stats stats_of(const double *v, int n);

/* A TSV being written: fopen of <path>.tmp, renamed onto <path> by tsv_close(). */
struct tsv {
    FILE *fp;
    char path[4096], tmp[4200];
};
void tsv_open(struct tsv *t, const char *out_dir, const char *name, const char *header_comment);
void tsv_close(struct tsv *t);

#endif
