/* summary.c: run-file reading, statistics and TSV files for the figure summarizers. */
#include "summary.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

void summary_run_path(const struct resolved *r, const char *results_root, int P, int seed,
                      char *buf, size_t n) {
    snprintf(buf, n, "%s/%s/%s/P%d_seed%d.h5", results_root, profile_names[r->profile],
             r->exp->name, P, seed);
}

void summary_open_run(const struct resolved *r, const char *results_root, int P, int seed,
                      struct h5file *f) {
    char path[4096];
    summary_run_path(r, results_root, P, seed, path, sizeof path);
    if (access(path, R_OK) != 0)
        die("missing run file %s (train it with: bin/alrnn run %s --P %d --seed %d --profile %s)",
            path, r->exp->name, P, seed, profile_names[r->profile]);
    h5_open_read(f, path);
}

struct stats stats_of(const double *v, int n) {
    struct stats s = {.n = n, .mean = NAN, .std = NAN, .min = NAN, .max = NAN};
    if (n == 0) return s;
    double sum = 0;
    s.min = s.max = v[0];
    for (int i = 0; i < n; i++) {
        sum += v[i];
        s.min = v[i] < s.min ? v[i] : s.min;
        s.max = v[i] > s.max ? v[i] : s.max;
    }
    s.mean = sum / n;
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (v[i] - s.mean) * (v[i] - s.mean);
    s.std = n > 1 ? sqrt(ss / (n - 1)) : 0;
    return s;
}

void tsv_open(struct tsv *t, const char *out_dir, const char *name, const char *header_comment) {
    snprintf(t->path, sizeof t->path, "%s/%s", out_dir, name);
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp.%ld", t->path, (long)getpid());
    make_parent_dirs(t->path);
    t->fp = fopen(t->tmp, "w");
    if (!t->fp) die("cannot write %s", t->tmp);
    die_register_tmpfile(t->tmp);
    if (header_comment) fprintf(t->fp, "# %s\n", header_comment);
}

void tsv_close(struct tsv *t) {
    if (fclose(t->fp) != 0) die("error writing %s", t->tmp);
    if (rename(t->tmp, t->path) != 0) die("cannot rename %s to %s", t->tmp, t->path);
    die_register_tmpfile(NULL);
    fprintf(stderr, "wrote %s\n", t->path);
}
