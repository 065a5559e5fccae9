/* test_summaries.c: the figure summarizers' numbers against an independent reading.
 *
 * stats_of (experiments/summary.c, the mean / sample std / min / max every summarizer
 * reports) on known answers; then smoke sweeps trained by bin/alrnn, summarized by
 * bin/alrnn, and every number of the TSV compared field by field with values this file
 * computes itself from the run files, read with the HDF5 library directly (testutil.h), not
 * through the project's h5io. Needs bin/alrnn (make test builds it); the real-data figures
 * read the data mirror and are skipped without it. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "experiments.h"
#include "summary.h"
#include "testutil.h"

/* stats_of is a two-pass sum over at most a few values: exact to a few ulps of double. */
#define STATS_TOL 1e-12
/* The summarizers print "%.9g": nine significant digits, a relative error below 5e-9. */
#define TSV9_RTOL 1e-8
/* ... and "%.6g" for trajectories and readouts: below 5e-6 relative. */
#define TSV6_RTOL 1e-5
/* ... and "%.6f" (the audio accuracies): below 5e-7 absolute. */
#define TSVF6_ATOL 1e-6
/* Values printed with %.6g that are near 0 are compared absolutely (6 digits of an O(1)
 * state). */
#define TSV6_ATOL 1e-6

static void expect_rel(double got, double want, double rtol, double atol, const char *what) {
    cr_expect(fabs(got - want) <= rtol * fabs(want) + atol, "%s: TSV %.12g, run files %.12g",
              what, got, want);
}

/* ---- stats_of ------------------------------------------------------------------------------ */

/* The textbook example (e.g. Wikipedia, "Standard deviation"): {2, 4, 4, 4, 5, 5, 7, 9} has
 * mean 5 and squared deviations summing to 32, so the sample std is sqrt(32 / 7). */
Test(summary, stats_of_known_answers) {
    const double v[8] = {9, 4, 2, 4, 5, 7, 4, 5}; /* shuffled: order does not matter */
    struct stats s = stats_of(v, 8);
    cr_expect_eq(s.n, 8);
    cr_expect(fabs(s.mean - 5) < STATS_TOL, "mean %.17g", s.mean);
    cr_expect(fabs(s.std - sqrt(32.0 / 7)) < STATS_TOL, "std %.17g", s.std);
    cr_expect(s.min == 2 && s.max == 9, "min %g max %g", s.min, s.max);
    /* one value: std 0 (not NaN), min = max = mean */
    const double one[1] = {-3.25};
    s = stats_of(one, 1);
    cr_expect(s.n == 1 && s.mean == -3.25 && s.std == 0 && s.min == -3.25 && s.max == -3.25);
    /* {-1, 1}: mean 0, sample std sqrt(2) */
    const double pm[2] = {1, -1};
    s = stats_of(pm, 2);
    cr_expect(fabs(s.mean) < STATS_TOL && fabs(s.std - sqrt(2.0)) < STATS_TOL);
    cr_expect(s.min == -1 && s.max == 1);
    /* a large offset: the two-pass deviations keep the std exact (a one-pass Σx² − n·mean²
     * would lose it to cancellation) */
    const double big[3] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
    s = stats_of(big, 3);
    cr_expect(fabs(s.mean - (1e9 + 2)) < 1e-6 && fabs(s.std - 1) < 1e-6, "std %.17g", s.std);
    /* no values: everything NaN, n = 0 */
    s = stats_of(v, 0);
    cr_expect(s.n == 0 && isnan(s.mean) && isnan(s.std) && isnan(s.min) && isnan(s.max));
}

/* ---- sweeps -------------------------------------------------------------------------------- */

/* Trains every (P, seed) of exp's smoke sweep into <root>/smoke/<exp>/ with bin/alrnn. */
static void smoke_sweep(const char *root, const char *exp, const char *data_dir,
                        struct resolved *r) {
    const struct experiment *e = experiment_find(exp);
    cr_assert(e, "no experiment %s", exp);
    experiment_resolve(e, PROFILE_SMOKE, r);
    char env[4200], args[1024], err[8192];
    snprintf(env, sizeof env, "OPENBLAS_NUM_THREADS=1 %s%s%s", data_dir ? "ALRNN_DATA_DIR='" : "",
             data_dir ? data_dir : "", data_dir ? "'" : "");
    for (int k = 0; k < r->n_P; k++)
        for (int s = 0; s < r->s.seeds; s++) {
            snprintf(args, sizeof args,
                     "run %s --P %d --seed %d --profile smoke --out %s/smoke/%s/P%d_seed%d.h5",
                     exp, r->P[k], s, root, exp, r->P[k], s);
            cr_assert_eq(tu_alrnn(env, args, err, sizeof err), 0, "%s: %s", args, err);
        }
}

static void summarize(const char *root, const char *figure, const char *data_dir) {
    char env[4200], args[1024], err[8192];
    snprintf(env, sizeof env, "%s%s%s", data_dir ? "ALRNN_DATA_DIR='" : "",
             data_dir ? data_dir : "", data_dir ? "'" : "");
    snprintf(args, sizeof args, "summarize %s --profile smoke --results %s --out %s/tsv", figure,
             root, root);
    cr_assert_eq(tu_alrnn(env, args, err, sizeof err), 0, "%s: %s", args, err);
}

static void run_path(const char *root, const char *exp, int P, int seed, char *buf, size_t n) {
    snprintf(buf, n, "%s/smoke/%s/P%d_seed%d.h5", root, exp, P, seed);
}

/* Mean, sample std, min and max of v (n), computed here. */
static void by_hand(const double *v, int n, double *mean, double *sd, double *mn, double *mx) {
    double s = 0;
    *mn = *mx = v[0];
    for (int i = 0; i < n; i++) s += v[i], *mn = fmin(*mn, v[i]), *mx = fmax(*mx, v[i]);
    *mean = s / n;
    double q = 0;
    for (int i = 0; i < n; i++) q += (v[i] - *mean) * (v[i] - *mean);
    *sd = n > 1 ? sqrt(q / (n - 1)) : 0;
}

/* Rows of a per-P summary table (first column P): one per P of the grid, in order. */
static void expect_P_rows(const struct tu_tsv *t, const struct resolved *r, const char *what) {
    cr_assert_eq(t->rows, r->n_P, "%s: %d rows for %d values of P", what, t->rows, r->n_P);
    for (int k = 0; k < r->n_P; k++)
        cr_expect_eq(tu_tsv_at(t, k, 0), r->P[k], "%s row %d: P", what, k);
}

/* Every field of t is a finite number. */
static void expect_finite(const struct tu_tsv *t, const char *what) {
    for (int i = 0; i < t->rows; i++)
        for (int c = 0; c < t->cols; c++)
            cr_expect(isfinite(tu_tsv_at(t, i, c)), "%s row %d column %s is not finite", what, i,
                      t->name[c]);
}

/* Compares a "vs P" table's mean/std/min/max columns (names mean_<m>, std_<m>, and when
 * present min_<m>, max_<m>) with metric /test/<dset> of the runs, over seeds by hand. */
static void expect_P_stats(const struct tu_tsv *t, const struct resolved *r, const char *root,
                           const char *m, const char *dset, double rtol, double atol,
                           const char *what) {
    char col[160], path[4200], label[4400];
    const int S = r->s.seeds;
    double *v = malloc(S * sizeof(double));
    snprintf(col, sizeof col, "mean_%s", m);
    const int cm = tu_tsv_col(t, col);
    snprintf(col, sizeof col, "std_%s", m);
    const int cs = tu_tsv_col(t, col);
    for (int k = 0; k < r->n_P; k++) {
        for (int s = 0; s < S; s++) {
            run_path(root, r->exp->name, r->P[k], s, path, sizeof path);
            v[s] = tu_h5_scalar(path, dset);
        }
        double mean, sd, mn, mx;
        by_hand(v, S, &mean, &sd, &mn, &mx);
        snprintf(label, sizeof label, "%s P=%d mean_%s", what, r->P[k], m);
        expect_rel(tu_tsv_at(t, k, cm), mean, rtol, atol, label);
        snprintf(label, sizeof label, "%s P=%d std_%s", what, r->P[k], m);
        expect_rel(tu_tsv_at(t, k, cs), sd, rtol, atol, label);
        for (int mm = 0; mm < 2; mm++) {
            snprintf(col, sizeof col, "%s_%s", mm ? "max" : "min", m);
            for (int c = 0; c < t->cols; c++)
                if (strcmp(t->name[c], col) == 0) {
                    snprintf(label, sizeof label, "%s P=%d %s", what, r->P[k], col);
                    expect_rel(tu_tsv_at(t, k, c), mm ? mx : mn, rtol, atol, label);
                }
        }
    }
    free(v);
}

/* ---- Figure 4 ------------------------------------------------------------------------------ */

/* First and second mark of sample i; x is (S, T, 2), the mark in channel 1. */
static void marks_of(const double *x, int T, int i, int *first, int *second) {
    *first = *second = -1;
    for (int t = 0; t < T; t++)
        if (x[((size_t)i * T + t) * 2 + 1] > 0.5) {
            if (*first < 0) *first = t;
            else *second = t;
        }
}

Test(summary, figure4_tsv_matches_run_files, .timeout = 120) {
    char root[256], path[4200], p2[4200];
    tu_tmpdir(root, sizeof root, "fig4");
    struct resolved r;
    smoke_sweep(root, "addition", NULL, &r);
    static const char *const baselines[] = {"addition-tanh", "addition-lstm", "addition-gru"};
    struct resolved rb;
    for (int b = 0; b < 3; b++) smoke_sweep(root, baselines[b], NULL, &rb);
    summarize(root, "figure4-baselines", NULL);
    const int S = r.s.seeds;

    /* the baselines' bands: one row per baseline, in the figure's order, with the statistics
     * of its seeds' /test/mse (smoke: one seed, so std 0 and the band is the value) */
    struct tu_tsv bl;
    snprintf(path, sizeof path, "%s/tsv/figure4_baselines.tsv", root);
    tu_tsv_read(&bl, path);
    cr_assert_eq(bl.rows, 3);
    for (int b = 0; b < 3; b++) {
        cr_expect(bl.text[(size_t)b * TU_TSV_MAX_COLS], "model column is not a name");
        run_path(root, baselines[b], 0, 0, p2, sizeof p2);
        const double mse = tu_h5_scalar(p2, "/test/mse");
        expect_rel(tu_tsv_at(&bl, b, tu_tsv_col(&bl, "mean_mse")), mse, TSV9_RTOL, 0,
                   "figure4_baselines mean");
        expect_rel(tu_tsv_at(&bl, b, tu_tsv_col(&bl, "band_lo")), mse, TSV9_RTOL, 0,
                   "figure4_baselines band_lo");
        cr_expect_eq(tu_tsv_at(&bl, b, tu_tsv_col(&bl, "std_mse")), 0);
        cr_expect_eq(tu_tsv_at(&bl, b, tu_tsv_col(&bl, "n_seeds")), 1);
        cr_expect_eq(tu_tsv_at(&bl, b, tu_tsv_col(&bl, "x_to")), r.s.M);
    }
    tu_tsv_free(&bl);

    /* (a): one row per P with n_seeds and the statistics of /test/mse over seeds */
    struct tu_tsv a, as;
    snprintf(path, sizeof path, "%s/tsv/figure4a.tsv", root);
    tu_tsv_read(&a, path);
    expect_P_rows(&a, &r, "figure4a");
    expect_finite(&a, "figure4a");
    for (int k = 0; k < r.n_P; k++)
        cr_expect_eq(tu_tsv_at(&a, k, tu_tsv_col(&a, "n_seeds")), S);
    expect_P_stats(&a, &r, root, "mse", "/test/mse", TSV9_RTOL, 0, "figure4a");
    /* every run's MSE */
    snprintf(path, sizeof path, "%s/tsv/figure4a_seeds.tsv", root);
    tu_tsv_read(&as, path);
    cr_assert_eq(as.rows, r.n_P * S);
    for (int i = 0; i < as.rows; i++) {
        const int P = (int)tu_tsv_at(&as, i, 0), s = (int)tu_tsv_at(&as, i, 1);
        cr_expect(P == r.P[i / S] && s == i % S, "figure4a_seeds row %d: P %d seed %d", i, P, s);
        run_path(root, "addition", P, s, path, sizeof path);
        expect_rel(tu_tsv_at(&as, i, 2), tu_h5_scalar(path, "/test/mse"), TSV9_RTOL, 0,
                   "figure4a_seeds mse");
    }

    /* Proposition 1 summary: the P = 0 mean, the best P >= 1 by mean, their ratio */
    struct tu_tsv sum;
    snprintf(path, sizeof path, "%s/tsv/figure4_summary.tsv", root);
    tu_tsv_read(&sum, path);
    int k0 = -1, kb = -1;
    const int cm = tu_tsv_col(&a, "mean_mse");
    for (int k = 0; k < r.n_P; k++) {
        if (r.P[k] == 0) k0 = k;
        else if (kb < 0 || tu_tsv_at(&a, k, cm) < tu_tsv_at(&a, kb, cm)) kb = k;
    }
    cr_assert(k0 >= 0 && kb >= 0, "the smoke grid has P = 0 and a P >= 1");
    /* rows: n_diverged, mse_P0, best_P, mse_best_P, ratio_P0_over_best */
    cr_assert_eq(sum.rows, 5);
    cr_expect_eq(tu_tsv_at(&sum, 0, 1), 0, "no smoke run diverged");
    const double want[4] = {tu_tsv_at(&a, k0, cm), r.P[kb], tu_tsv_at(&a, kb, cm),
                            tu_tsv_at(&a, k0, cm) / tu_tsv_at(&a, kb, cm)};
    for (int i = 0; i < 4; i++)
        expect_rel(tu_tsv_at(&sum, i + 1, 1), want[i], TSV9_RTOL, 0, "summary");

    /* (b, c): P = 2 when swept, seed 0: the samples with the earliest second mark and the
     * latest first mark (first of ties), their inputs, readouts, targets and PWL units */
    int Pshow = r.P[kb];
    for (int k = 0; k < r.n_P; k++)
        if (r.P[k] == 2) Pshow = 2;
    run_path(root, "addition", Pshow, 0, path, sizeof path);
    size_t n, dx[4], dz[4];
    double *x = tu_h5_read(path, "/test/sample/x", &n, dx);
    double *ro = tu_h5_read(path, "/test/sample/readout", &n, NULL);
    double *tg = tu_h5_read(path, "/test/sample/target", &n, NULL);
    double *z = tu_h5_read(path, "/test/sample/z", &n, dz);
    const int M = (int)tu_h5_root_attr_int(path, "M"), NS = (int)dx[0], T = (int)dx[1];
    int early = 0, late = 0;
    for (int i = 1; i < NS; i++) {
        int a1, b1, ea, eb, la, lb;
        marks_of(x, T, i, &a1, &b1);
        marks_of(x, T, early, &ea, &eb);
        marks_of(x, T, late, &la, &lb);
        if (b1 < eb) early = i;
        if (a1 > la) late = i;
    }
    struct tu_tsv c, b;
    snprintf(path, sizeof path, "%s/tsv/figure4c.tsv", root);
    tu_tsv_read(&c, path);
    snprintf(p2, sizeof p2, "P=%d seed 0: early and late marked pair (test samples %d, %d)",
             Pshow, early, late);
    cr_expect(strstr(c.comment, p2) != NULL, "figure4c comment '%s' does not name '%s'",
              c.comment, p2);
    cr_assert_eq(c.rows, T);
    expect_finite(&c, "figure4c");
    const int pick[2] = {early, late};
    for (int t = 0; t < T; t++)
        for (int j = 0; j < 2; j++) {
            const double *xi = x + ((size_t)pick[j] * T + t) * 2;
            const double row[4] = {xi[0], xi[1], ro[(size_t)pick[j] * T + t], tg[pick[j]]};
            cr_expect_eq(tu_tsv_at(&c, t, 0), t + 1);
            for (int f = 0; f < 4; f++)
                expect_rel(tu_tsv_at(&c, t, 1 + 4 * j + f), row[f], TSV6_RTOL, TSV6_ATOL,
                           c.name[1 + 4 * j + f]);
        }
    snprintf(path, sizeof path, "%s/tsv/figure4b.tsv", root);
    tu_tsv_read(&b, path);
    cr_assert_eq(b.rows, T + 1);
    for (int t = 0; t <= T; t++)
        for (int j = 0; j < 2; j++)
            for (int u = 0; u < 2; u++) {
                const double got = tu_tsv_at(&b, t, 1 + 2 * j + u);
                if (u >= Pshow) {
                    cr_expect(isnan(got), "figure4b: unit %d of P = %d is not NaN", u + 1, Pshow);
                    continue;
                }
                const double w = z[((size_t)pick[j] * (T + 1) + t) * M + (M - Pshow + u)];
                expect_rel(got, w, TSV6_RTOL, TSV6_ATOL, b.name[1 + 2 * j + u]);
            }
    free(x), free(ro), free(tg), free(z);
    tu_tsv_free(&a), tu_tsv_free(&as), tu_tsv_free(&sum), tu_tsv_free(&c), tu_tsv_free(&b);
    tu_rm_rf(root);
}

/* ---- the audio and SCAN accuracy tables ------------------------------------------------------ */

Test(summary, figure_audio_accuracy_matches_run_files, .timeout = 120) {
    const char *data = tu_data_dir_with("fsdd/recordings/0_george_0.wav");
    if (!data) cr_skip_test("no data: fsdd/recordings not found (run make datasets)");
    char root[256], path[4200];
    tu_tmpdir(root, sizeof root, "figaudio");
    struct resolved r;
    smoke_sweep(root, "audio", data, &r);
    summarize(root, "figure-audio", data);
    struct tu_tsv a;
    snprintf(path, sizeof path, "%s/tsv/figure-audio-a.tsv", root);
    tu_tsv_read(&a, path);
    expect_P_rows(&a, &r, "figure-audio-a");
    expect_finite(&a, "figure-audio-a");
    for (int k = 0; k < r.n_P; k++)
        cr_expect_eq(tu_tsv_at(&a, k, tu_tsv_col(&a, "n_seeds")), r.s.seeds);
    expect_P_stats(&a, &r, root, "accuracy", "/test/accuracy", 0, TSVF6_ATOL, "figure-audio-a");
    tu_tsv_free(&a);
    tu_rm_rf(root);
}

/* One table per split: every metric's mean and std over seeds, per P_enc. */
Test(summary, figure_scan_accuracy_matches_run_files, .timeout = 300) {
    const char *data = tu_data_dir_with("scan/length_split/tasks_test_length.txt");
    if (!data) cr_skip_test("no data: scan/ not found (run make datasets)");
    char root[256], path[4200];
    tu_tmpdir(root, sizeof root, "figscan");
    static const char *const rows[3] = {"scan_simple", "scan_length", "scan_addjump"};
    static const char *const tsv[3] = {"simple", "length", "addjump"};
    static const char *const metric[4] = {"seq_acc_lenient", "seq_acc_strict",
                                          "token_acc_lenient", "token_acc_strict"};
    struct resolved r[3];
    for (int i = 0; i < 3; i++) smoke_sweep(root, rows[i], data, &r[i]);
    summarize(root, "figure-scan", data);
    for (int i = 0; i < 3; i++) {
        struct tu_tsv a;
        snprintf(path, sizeof path, "%s/tsv/figure-scan_acc_%s.tsv", root, tsv[i]);
        tu_tsv_read(&a, path);
        expect_P_rows(&a, &r[i], path);
        expect_finite(&a, path);
        for (int m = 0; m < 4; m++) {
            char dset[64];
            snprintf(dset, sizeof dset, "/test/%s", metric[m]);
            expect_P_stats(&a, &r[i], root, metric[m], dset, TSV6_RTOL, TSV6_ATOL, path);
        }
        tu_tsv_free(&a);
    }
    tu_rm_rf(root);
}

/* ---- the sMNIST Hamming heatmaps ------------------------------------------------------------- */

/* The Hamming tables print "%.5g" (distances) and "%.4g" (the mean image). */
#define TSV5_RTOL 1e-4
#define TSV4_RTOL 1e-3

/* The shown model is the best mean accuracy among 0 < P < M (else the largest P > 0), seed
 * 0; its per-digit curves are /analysis/hamming_first and _mode, step by step; the heatmap
 * puts each step's distance on the L/T pixels that step reads (row-major 28x28), next to the
 * digit's mean image; the distance of the first code from itself is 0 at step 1 and no
 * distance exceeds P. */
Test(summary, figure_hamming_matches_run_files, .timeout = 120) {
    const char *data = tu_data_dir_with("mnist/t10k-labels-idx1-ubyte.gz");
    if (!data) cr_skip_test("no data: mnist/ not found (run make datasets)");
    char root[256], path[4200];
    tu_tmpdir(root, sizeof root, "fighamming");
    struct resolved r;
    smoke_sweep(root, "smnist", data, &r);
    summarize(root, "figure-hamming", data);
    int Ps = -1;
    double best = -1;
    for (int k = 0; k < r.n_P; k++) {
        double *v = malloc(r.s.seeds * sizeof(double)), mean, sd, mn, mx;
        for (int s = 0; s < r.s.seeds; s++) {
            run_path(root, "smnist", r.P[k], s, path, sizeof path);
            v[s] = tu_h5_scalar(path, "/test/accuracy");
        }
        by_hand(v, r.s.seeds, &mean, &sd, &mn, &mx);
        free(v);
        if (r.P[k] > 0 && r.P[k] < r.s.M && mean > best) best = mean, Ps = r.P[k];
    }
    for (int k = 0; Ps < 0 && k < r.n_P; k++)
        if (r.P[k] > 0) Ps = r.P[k];
    cr_assert(Ps > 0, "the smoke grid has a P >= 1");
    run_path(root, "smnist", Ps, 0, path, sizeof path);
    size_t n, dh[4], di[4];
    double *hf = tu_h5_read(path, "/analysis/hamming_first", &n, dh);
    double *hm = tu_h5_read(path, "/analysis/hamming_mode", &n, NULL);
    double *img = tu_h5_read(path, "/analysis/class_mean_x", &n, di);
    const int K = (int)dh[0], T = (int)dh[1], L = (int)di[1];
    cr_assert(K == 10 && L == 784 && L % T == 0, "K %d T %d L %d", K, T, L);
    for (int k = 0; k < K; k++) {
        cr_expect(hf[(size_t)k * T] == 0, "digit %d: first code differs from itself", k);
        for (int t = 0; t < T; t++)
            cr_expect(hf[(size_t)k * T + t] >= 0 && hf[(size_t)k * T + t] <= Ps &&
                      hm[(size_t)k * T + t] >= 0 && hm[(size_t)k * T + t] <= Ps,
                      "digit %d step %d: distance outside [0, P]", k, t);
    }

    struct tu_tsv sum, cur;
    snprintf(path, sizeof path, "%s/tsv/figure-hamming_summary.tsv", root);
    tu_tsv_read(&sum, path);
    cr_assert_eq(sum.rows, 4);
    double mx = 0;
    for (int q = 0; q < K * T; q++) mx = fmax(mx, hf[q]);
    const double want[4] = {Ps, T, L / T, mx};
    for (int i = 0; i < 4; i++)
        expect_rel(tu_tsv_at(&sum, i, 1), want[i], TSV5_RTOL, 0, "figure-hamming_summary");

    snprintf(path, sizeof path, "%s/tsv/figure-hamming-curves.tsv", root);
    tu_tsv_read(&cur, path);
    cr_assert(cur.rows == T && cur.cols == 1 + 2 * K, "curves: %d x %d", cur.rows, cur.cols);
    for (int t = 0; t < T; t++) {
        cr_expect_eq(tu_tsv_at(&cur, t, 0), t + 1);
        for (int k = 0; k < K; k++) {
            expect_rel(tu_tsv_at(&cur, t, 1 + k), hf[(size_t)k * T + t], TSV5_RTOL, 0,
                       cur.name[1 + k]);
            expect_rel(tu_tsv_at(&cur, t, 1 + K + k), hm[(size_t)k * T + t], TSV5_RTOL, 0,
                       cur.name[1 + K + k]);
        }
    }

    /* the heatmap: one block per digit, a '#' header and blank lines between blocks */
    snprintf(path, sizeof path, "%s/tsv/figure-hamming.tsv", root);
    FILE *fp = fopen(path, "r");
    cr_assert(fp, "cannot read %s", path);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        int k, row, col;
        double a, b, ink;
        cr_assert_eq(sscanf(line, "%d %d %d %lf %lf %lf", &k, &row, &col, &a, &b, &ink), 6,
                     "figure-hamming.tsv: '%s'", line);
        const int q = rows % L, step = q / (L / T);
        cr_expect(k == rows / L && row == q / 28 && col == q % 28, "pixel %d of digit %d at "
                  "(%d, %d, %d)", q, rows / L, k, row, col);
        expect_rel(a, hf[(size_t)k * T + step], TSV5_RTOL, 0, "heatmap hamming_first");
        expect_rel(b, hm[(size_t)k * T + step], TSV5_RTOL, 0, "heatmap hamming_mode");
        expect_rel(ink, img[(size_t)k * L + q], TSV4_RTOL, 0, "heatmap ink");
        rows++;
    }
    fclose(fp);
    cr_expect_eq(rows, K * L, "%d heatmap rows for %d digits of %d pixels", rows, K, L);
    free(hf), free(hm), free(img);
    tu_tsv_free(&sum), tu_tsv_free(&cur);
    tu_rm_rf(root);
}
