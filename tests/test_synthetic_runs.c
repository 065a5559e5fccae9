/* test_synthetic_runs.c: the synthetic experiments end to end through bin/alrnn at the smoke
 * profile (PAPER.md §2.4 copy, §2.6 contextual integration, §2.8 multi-task): a run writes
 * the analysis datasets its figure reads, with the invariants they must satisfy, and the
 * three figures' summarizers turn a smoke sweep into their TSV files. The generators have
 * their own invariant tests (test_tasks_synth.c). Needs bin/alrnn (make test builds it). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5io.h"
#include "synthetic.h"
#include "testutil.h"

/* JSD is at most ln 2 nats; sums of float32-derived frequencies are exact to ~1e-9. */
static const double jsd_max = 0.69314718055994531;
static const double tol_sum = 1e-6;

/* Trains experiment exp at smoke for (P, seed 0) into <root>/smoke/<exp>/P<P>_seed0.h5. */
static void smoke_run(const char *root, const char *exp, int P, char *out, size_t n) {
    char args[1024], err[8192];
    snprintf(out, n, "%s/smoke/%s/P%d_seed0.h5", root, exp, P);
    snprintf(args, sizeof args, "run %s --P %d --seed 0 --profile smoke --out %s", exp, P, out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s failed: %s", args, err);
}

static void expect_sets(const struct h5file *f, const char *const *sets, size_t n) {
    for (size_t i = 0; i < n; i++) cr_expect(h5_exists(f, sets[i]), "%s lacks %s", f->path, sets[i]);
}

/* A stored histogram: freq in [0, 1], descending, summing to top_mass <= 1; codes (k, P). */
static void check_hist(const struct h5file *f, const char *g, int P) {
    char path[128];
    size_t n, dims[4], nc;
    snprintf(path, sizeof path, "%s/freq", g);
    double *freq = h5_read_f64(f, path, &n, NULL, NULL);
    snprintf(path, sizeof path, "%s/codes", g);
    free(h5_read_u8(f, path, &nc, NULL, dims));
    cr_expect_eq(dims[0], n, "%s: %zu codes for %zu frequencies", g, (size_t)dims[0], n);
    cr_expect_eq(dims[1], (size_t)P, "%s: codes have %zu bits, P = %d", g, (size_t)dims[1], P);
    double s = 0;
    for (size_t j = 0; j < n; j++) {
        cr_expect(freq[j] > 0 && freq[j] <= 1, "%s: freq[%zu] = %g", g, j, freq[j]);
        if (j) cr_expect(freq[j] <= freq[j - 1], "%s: not sorted at %zu", g, j);
        s += freq[j];
    }
    snprintf(path, sizeof path, "%s/top_mass", g);
    cr_expect(fabs(h5_read_scalar(f, path) - s) < tol_sum, "%s: top_mass is not the sum", g);
    cr_expect(s <= 1 + tol_sum, "%s: frequencies sum to %g", g, s);
    free(freq);
}

Test(synthetic_runs, copy_run_has_analysis) {
    char dir[] = "/tmp/alrnn_synth_copy_XXXXXX", out[512];
    cr_assert(mkdtemp(dir));
    const int P = 1;
    smoke_run(dir, "copy", P, out, sizeof out);
    struct h5file f;
    h5_open_read(&f, out);
    const char *sets[] = {
        "/test/symbol_accuracy", "/test/sequence_accuracy", "/analysis/bitcode/all/codes",
        "/analysis/bitcode/recall/freq", "/analysis/bitcode/delay/n_codes",
        "/analysis/bitcode/encode/counts", "/analysis/pca/ratio", "/analysis/pca/sample_proj",
        "/analysis/autonomous/z", "/analysis/autonomous/period", "/analysis/autonomous/settle",
        "/analysis/autonomous/cycle_codes_0", "/analysis/autonomous/cycle_pc_1",
        "/analysis/autonomous/final_norm", "/analysis/spectrum/codes",
        "/analysis/spectrum/modulus", "/analysis/spectrum/angle"};
    expect_sets(&f, sets, ARRAY_LEN(sets));
    for (int i = 0; i < 4; i++) {
        const char *g[] = {"/analysis/bitcode/all", "/analysis/bitcode/encode",
                           "/analysis/bitcode/delay", "/analysis/bitcode/recall"};
        check_hist(&f, g[i], P);
    }
    /* the recall phase is 8 steps of each of the 32 smoke test sequences */
    cr_expect_eq(h5_read_scalar(&f, "/analysis/bitcode/recall/total"), 8 * 32);
    size_t n;
    double *ratio = h5_read_f64(&f, "/analysis/pca/ratio", &n, NULL, NULL);
    double s = 0;
    for (size_t j = 0; j < n; j++) s += ratio[j];
    cr_expect(fabs(s - 1) < 1e-4, "PCA ratios sum to %g", s);
    free(ratio);
    int32_t *per = h5_read_i32(&f, "/analysis/autonomous/period", &n, NULL, NULL);
    cr_expect_eq(n, 2);
    for (size_t j = 0; j < n; j++) {
        size_t nc, dims[4];
        char path[64];
        snprintf(path, sizeof path, "/analysis/autonomous/cycle_codes_%zu", j);
        free(h5_read_u8(&f, path, &nc, NULL, dims));
        cr_expect(per[j] >= 0 && dims[0] == (size_t)per[j], "cycle %zu: period %d, %zu codes", j,
                  per[j], (size_t)dims[0]);
    }
    free(per);
    /* spectra: moduli descending, angles in [0, π] */
    size_t dims[4];
    double *mod = h5_read_f64(&f, "/analysis/spectrum/modulus", &n, NULL, dims);
    double *ang = h5_read_f64(&f, "/analysis/spectrum/angle", &n, NULL, NULL);
    const size_t n_eig = dims[1];
    cr_expect(dims[0] >= 1 && n_eig == (size_t)h5_read_attr_int(&f, "/", "M"),
              "spectrum is (%zu, %zu)", (size_t)dims[0], n_eig);
    for (size_t j = 0; j < n; j++) {
        cr_expect(ang[j] >= 0 && ang[j] <= 3.14159266, "angle %g", ang[j]);
        if (j % n_eig) cr_expect(mod[j] <= mod[j - 1], "moduli not descending");
    }
    /* Σ Re λ = trace W_Ω = Σ_i W_ii d_i + Σ A (PAPER.md §1.4, sequence form: A on the P
     * PWL units), for the most frequent delay subregion */
    uint8_t *code = h5_read_u8(&f, "/analysis/spectrum/codes", &n, NULL, NULL);
    double *W = h5_read_f64(&f, "/model/W", &n, NULL, dims);
    double *A = h5_read_f64(&f, "/model/A", &n, NULL, NULL);
    const int M = (int)dims[0];
    double trace = 0, re = 0;
    for (int i = 0; i < M; i++) trace += W[i * M + i] * (i < M - P ? 1 : code[i - (M - P)]);
    for (int i = 0; i < P; i++) trace += A[i];
    for (int j = 0; j < M; j++) re += mod[j] * cos(ang[j]);
    cr_expect(fabs(trace - re) < 1e-4 * (1 + fabs(trace)), "Σ Re λ = %g, trace = %g", re, trace);
    free(code);
    free(W);
    free(A);
    free(mod);
    free(ang);
    h5_close(&f);
    tu_rm_rf(dir);
}

Test(synthetic_runs, context_run_has_analysis) {
    char dir[] = "/tmp/alrnn_synth_ctx_XXXXXX", out[512];
    cr_assert(mkdtemp(dir));
    const int P = 2;
    smoke_run(dir, "context", P, out, sizeof out);
    struct h5file f;
    h5_open_read(&f, out);
    const char *sets[] = {"/test/accuracy", "/test/accuracy_ctx1", "/test/accuracy_ctx2",
                          "/analysis/bit_frac", "/analysis/pwl_mean", "/analysis/final_bit_frac",
                          "/analysis/bitcode/ctx1/codes", "/analysis/bitcode/ctx2/freq",
                          "/analysis/jsd_contexts"};
    expect_sets(&f, sets, ARRAY_LEN(sets));
    check_hist(&f, "/analysis/bitcode/ctx1", P);
    check_hist(&f, "/analysis/bitcode/ctx2", P);
    size_t n, dims[4];
    double *frac = h5_read_f64(&f, "/analysis/bit_frac", &n, NULL, dims);
    cr_expect(dims[0] == 2 && dims[2] == (size_t)P, "bit_frac is (%zu, %zu, %zu)",
              (size_t)dims[0], (size_t)dims[1], (size_t)dims[2]);
    for (size_t j = 0; j < n; j++) cr_expect(frac[j] >= 0 && frac[j] <= 1, "bit_frac %g", frac[j]);
    free(frac);
    const double jsd = h5_read_scalar(&f, "/analysis/jsd_contexts");
    cr_expect(jsd >= 0 && jsd <= jsd_max + 1e-12, "JSD between contexts %g", jsd);
    h5_close(&f);
    tu_rm_rf(dir);
}

Test(synthetic_runs, multitask_run_has_analysis) {
    char dir[] = "/tmp/alrnn_synth_mt_XXXXXX", out[512];
    cr_assert(mkdtemp(dir));
    const int P = 4;
    smoke_run(dir, "multitask_n20", P, out, sizeof out);
    struct h5file f;
    h5_open_read(&f, out);
    cr_expect_eq(h5_read_attr_int(&f, "/config", "n_per_group"), 2, "smoke n is 20/10");
    cr_expect_eq(h5_read_scalar(&f, "/analysis/n_per_task"), 2);
    for (int k = 0; k < MT__COUNT; k++) {
        char path[64];
        snprintf(path, sizeof path, "/test/acc_%s", multitask_task_names[k]);
        cr_expect(h5_exists(&f, path), "%s missing", path);
    }
    const char *phases[] = {"trial", "response"};
    for (int ph = 0; ph < 2; ph++) {
        char path[128];
        size_t n, dims[4];
        snprintf(path, sizeof path, "/analysis/jsd/%s", phases[ph]);
        double *J = h5_read_f64(&f, path, &n, NULL, dims);
        cr_assert(dims[0] == MT__COUNT && dims[1] == MT__COUNT, "%s shape", path);
        for (int a = 0; a < MT__COUNT; a++)
            for (int b = 0; b < MT__COUNT; b++) {
                const double v = J[a * MT__COUNT + b];
                cr_expect(v >= 0 && v <= jsd_max + 1e-12, "%s[%d][%d] = %g", path, a, b, v);
                cr_expect(v == J[b * MT__COUNT + a], "%s not symmetric", path);
                if (a == b) cr_expect(v == 0, "%s diagonal %g", path, v);
            }
        free(J);
        snprintf(path, sizeof path, "/analysis/bitcode/%s/prob", phases[ph]);
        double *prob = h5_read_f64(&f, path, &n, NULL, dims);
        cr_expect_eq(dims[0], MT__COUNT);
        for (int k = 0; k < MT__COUNT; k++) {
            double s = 0;
            for (size_t j = 0; j < dims[1]; j++) s += prob[k * dims[1] + j];
            cr_expect(s <= 1 + tol_sum, "%s row %d sums to %g", path, k, s);
        }
        free(prob);
    }
    h5_close(&f);
    tu_rm_rf(dir);
}

/* Linear model: one (empty) code everywhere, so every JSD is 0 and histograms have 0 bits. */
Test(synthetic_runs, P0_analyses_are_degenerate_not_broken) {
    char dir[] = "/tmp/alrnn_synth_p0_XXXXXX", out[512];
    cr_assert(mkdtemp(dir));
    smoke_run(dir, "multitask_n20", 0, out, sizeof out);
    struct h5file f;
    h5_open_read(&f, out);
    size_t n;
    double *J = h5_read_f64(&f, "/analysis/jsd/trial", &n, NULL, NULL);
    for (size_t j = 0; j < n; j++) cr_expect(J[j] == 0, "JSD %g at P = 0", J[j]);
    free(J);
    h5_close(&f);
    smoke_run(dir, "copy", 0, out, sizeof out);
    h5_open_read(&f, out);
    check_hist(&f, "/analysis/bitcode/recall", 0);
    cr_expect_eq(h5_read_scalar(&f, "/analysis/bitcode/recall/n_codes"), 1);
    h5_close(&f);
    tu_rm_rf(dir);
}

/* The smoke P grid of exp, from `bin/alrnn show` (so the test follows the table). */
static void smoke_grid(const char *exp, char *grid, size_t n) {
    char cmd[512], line[512];
    snprintf(cmd, sizeof cmd, "%s show %s --profile smoke", tu_bin(), exp);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    grid[0] = 0;
    while (fgets(line, sizeof line, p)) {
        const char *g = strstr(line, "P grid ");
        if (g) sscanf(g + 7, "%63[0-9,]", grid);
    }
    cr_assert_eq(pclose(p), 0);
    cr_assert(grid[0] && n > 64, "no P grid in `%s`", cmd);
}

/* The summaries print accuracies with "%.6g": below 5e-6 relative. */
#define TSV6_RTOL 1e-5

/* The whole smoke sweep of each figure (one seed), then its summarizer: every TSV the script
 * reads exists; the accuracy-vs-P table has one row per P of the grid, in order, every field
 * finite, and its mean columns equal the runs' /test values (read with the HDF5 library). */
Test(synthetic_runs, smoke_sweeps_summarize) {
    char dir[] = "/tmp/alrnn_synth_fig_XXXXXX", out[512], args[1024], err[8192];
    cr_assert(mkdtemp(dir));
    static const struct {
        const char *figure, *exps[3], *tsv[4], *by_P; /* by_P: the accuracy-vs-P table */
        struct { int col, exp; const char *dset; } mean[3];
    } figs[] = {
        {"figure3", {"copy"},
         {"figure3c.tsv", "figure3d.tsv", "figure3e.tsv", "figure3b_auto.tsv"}, "figure3c.tsv",
         {{2, 0, "/test/symbol_accuracy"}, {6, 0, "/test/sequence_accuracy"}}},
        {"figure-context", {"context"},
         {"figure_context_a.tsv", "figure_context_b.tsv", "figure_context_c.tsv",
          "figure_context_d.tsv"}, "figure_context_a.tsv",
         {{2, 0, "/test/accuracy"}, {6, 0, "/test/accuracy_ctx1"}, {8, 0, "/test/accuracy_ctx2"}}},
        {"figure5", {"multitask_n20", "multitask_n50", "multitask_n500"},
         {"figure5a.tsv", "figure5b_1.tsv", "figure5b_3.tsv", "figure5b_meta.tsv"}, "figure5a.tsv",
         {{1, 0, "/test/accuracy"}, {3, 1, "/test/accuracy"}, {5, 2, "/test/accuracy"}}},
    };
    for (size_t i = 0; i < ARRAY_LEN(figs); i++) {
        int grid_P[3][64], n_P[3] = {0};
        for (int e = 0; e < 3 && figs[i].exps[e]; e++) {
            char grid[128];
            smoke_grid(figs[i].exps[e], grid, sizeof grid);
            for (const char *g = grid; *g;) {
                char *end;
                const int P = (int)strtol(g, &end, 10);
                smoke_run(dir, figs[i].exps[e], P, out, sizeof out);
                grid_P[e][n_P[e]++] = P;
                g = *end ? end + 1 : end;
            }
        }
        snprintf(args, sizeof args, "summarize %s --profile smoke --results %s --out %s/tsv",
                 figs[i].figure, dir, dir);
        cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s: %s", args, err);
        char path[600];
        for (int k = 0; k < 4; k++) {
            struct stat st;
            snprintf(path, sizeof path, "%s/tsv/%s", dir, figs[i].tsv[k]);
            cr_expect(stat(path, &st) == 0 && st.st_size > 0, "%s missing or empty", path);
        }
        struct tu_tsv t;
        snprintf(path, sizeof path, "%s/tsv/%s", dir, figs[i].by_P);
        tu_tsv_read(&t, path);
        cr_assert_eq(t.rows, n_P[0], "%s: %d rows for %d values of P", path, t.rows, n_P[0]);
        for (int k = 0; k < t.rows; k++) {
            cr_expect_eq(tu_tsv_at(&t, k, 0), grid_P[0][k], "%s row %d: P", path, k);
            for (int c = 0; c < t.cols; c++)
                cr_expect(isfinite(tu_tsv_at(&t, k, c)), "%s row %d, %s: not finite", path, k,
                          t.name[c]);
            for (int m = 0; m < 3 && figs[i].mean[m].dset; m++) {
                const int e = figs[i].mean[m].exp;
                cr_assert(n_P[e] == n_P[0] && grid_P[e][k] == grid_P[0][k], "grids differ");
                snprintf(out, sizeof out, "%s/smoke/%s/P%d_seed0.h5", dir, figs[i].exps[e],
                         grid_P[e][k]);
                const double want = tu_h5_scalar(out, figs[i].mean[m].dset);
                const double got = tu_tsv_at(&t, k, figs[i].mean[m].col);
                cr_expect(fabs(got - want) <= TSV6_RTOL * fabs(want),
                          "%s row P=%d, %s: %.9g, %s of the run %.9g", path, grid_P[0][k],
                          t.name[figs[i].mean[m].col], got, figs[i].mean[m].dset, want);
            }
        }
        tu_tsv_free(&t);
    }
    tu_rm_rf(dir);
}
