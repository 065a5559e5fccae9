/* test_example.c: the worked example of docs/ADDING_A_TASK.md, end to end: the task
 * (tasks/xor.c) against its definition, read back from the stored arrays; its smoke row trained
 * by bin/alrnn; its figure summarized by the generic summarize_metric_vs_P, whose TSVs must
 * hold exactly the run files' metric. (tests/test_table.c also draws figure-xor with gnuplot,
 * as it does every figure.) */
#include "experiments.h"
#include "figures.h"
#include "tasks.h"
#include "testutil.h"

/* The TSVs print %.9g: a relative 1e-8 covers the rounding of a double to 9 digits. */
static const double TSV9_RTOL = 1e-8;

static void make(const struct task_params *p, uint64_t seed, struct dataset *tr,
                 struct dataset *va, struct dataset *te) {
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_DATA);
    task_xor.make_data(p, &r, tr, va, te);
}

/* Every sequence: exactly two marks, ±1 at the marked steps and 0 elsewhere, label = XOR of
 * the two marked bits (b = (v + 1) / 2). */
Test(example, xor_labels_are_the_xor_of_the_marked_bits) {
    const struct task_params p = {.T = 12, .n_train = 2000, .n_test = 100};
    struct dataset tr, va, te;
    make(&p, 7, &tr, &va, &te);
    cr_assert_eq(tr.n, 2000);
    cr_assert_eq(va.n, 0);
    cr_assert_eq(te.n, 100);
    cr_assert(tr.T == 12 && tr.N == 2 && tr.K == 2 && tr.T_out == 1 && tr.loss == LOSS_CE);
    int ones = 0, first_marked[12] = {0};
    for (int i = 0; i < tr.n; i++) {
        const real *x = tr.x + (size_t)i * tr.T * 2;
        int marks = 0, parity = 0;
        for (int t = 0; t < tr.T; t++) {
            const real v = x[2 * t], m = x[2 * t + 1];
            cr_assert(m == 0 || m == 1, "sequence %d step %d: mark %g", i, t, (double)m);
            if (m == 1) {
                cr_assert(v == 1 || v == -1, "sequence %d step %d: marked value %g", i, t,
                          (double)v);
                if (!marks) first_marked[t]++;
                marks++;
                parity ^= v > 0;
            } else {
                cr_assert(v == 0, "sequence %d step %d: unmarked value %g", i, t, (double)v);
            }
        }
        cr_assert_eq(marks, 2, "sequence %d has %d marks", i, marks);
        cr_assert_eq(tr.label[i], parity, "sequence %d: label %d, XOR of the marked bits %d", i,
                     tr.label[i], parity);
        cr_assert_eq(tr.mask[i], 1);
        ones += tr.label[i];
    }
    /* both classes, near balance: 2000 fair draws lie within 0.5 ± 0.05 with probability
     * 1 - 8e-6 (normal approximation, 4.5 sigma) */
    cr_expect(ones > 900 && ones < 1100, "%d of 2000 labels are 1", ones);
    /* the first mark can fall on every step but the last */
    for (int t = 0; t < tr.T - 1; t++) cr_expect(first_marked[t] > 0, "no first mark at %d", t);
    cr_expect_eq(first_marked[tr.T - 1], 0);
    dataset_free(&tr);
    dataset_free(&va);
    dataset_free(&te);
}

/* Same seed, same bytes; the training set does not depend on n_test. */
Test(example, xor_is_deterministic) {
    struct task_params p = {.T = 10, .n_train = 64, .n_test = 16};
    struct dataset a[3], b[3];
    make(&p, 3, &a[0], &a[1], &a[2]);
    p.n_test = 32;
    make(&p, 3, &b[0], &b[1], &b[2]);
    cr_expect(memcmp(a[0].x, b[0].x, sizeof(real) * 64 * 10 * 2) == 0);
    cr_expect(memcmp(a[0].label, b[0].label, sizeof(int32_t) * 64) == 0);
    for (int s = 0; s < 3; s++) dataset_free(&a[s]), dataset_free(&b[s]);
}

/* The smoke row trains; summarize figure-xor writes one row per P whose statistics are those of
 * the run files' /test/accuracy, and one row per run. */
Test(example, figure_xor_summarizes_the_smoke_runs, .timeout = 120) {
    const struct figure *fig = figure_find("figure-xor");
    cr_assert_not_null(fig);
    cr_assert(fig->summarize == summarize_metric_vs_P && fig->metric);
    struct resolved r;
    experiment_resolve(experiment_find("xor"), PROFILE_SMOKE, &r);
    cr_assert(r.n_P >= 2, "the smoke grid compares P = 0 with a P >= 1");
    char root[256], args[1024], err[8192], path[4400];
    tu_tmpdir(root, sizeof root, "xor");
    for (int k = 0; k < r.n_P; k++)
        for (int s = 0; s < r.s.seeds; s++) {
            snprintf(args, sizeof args,
                     "run xor --P %d --seed %d --profile smoke --out %s/smoke/xor/P%d_seed%d.h5",
                     r.P[k], s, root, r.P[k], s);
            cr_assert_eq(tu_alrnn("OPENBLAS_NUM_THREADS=1", args, err, sizeof err), 0, "%s: %s",
                         args, err);
        }
    snprintf(args, sizeof args, "summarize figure-xor --profile smoke --results %s --out %s/tsv",
             root, root);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s: %s", args, err);

    struct tu_tsv a, as;
    snprintf(path, sizeof path, "%s/tsv/figure-xor_xor.tsv", root);
    tu_tsv_read(&a, path);
    snprintf(path, sizeof path, "%s/tsv/figure-xor_xor_seeds.tsv", root);
    tu_tsv_read(&as, path);
    cr_assert_eq(a.rows, r.n_P);
    cr_assert_eq(as.rows, r.n_P * r.s.seeds);
    const int cn = tu_tsv_col(&a, "n_seeds"), cm = tu_tsv_col(&a, "mean_accuracy"),
              cd = tu_tsv_col(&a, "n_diverged"), ca = tu_tsv_col(&as, "accuracy");
    for (int k = 0; k < r.n_P; k++) {
        cr_expect_eq(tu_tsv_at(&a, k, 0), r.P[k]);
        cr_expect_eq(tu_tsv_at(&a, k, cd), 0, "a smoke run diverged");
        double sum = 0;
        for (int s = 0; s < r.s.seeds; s++) {
            char run[4400];
            snprintf(run, sizeof run, "%s/smoke/xor/P%d_seed%d.h5", root, r.P[k], s);
            const double acc = tu_h5_scalar(run, "/test/accuracy");
            const int row = k * r.s.seeds + s;
            cr_expect(fabs(tu_tsv_at(&as, row, ca) - acc) <= TSV9_RTOL * fabs(acc),
                      "P=%d seed %d: TSV %g, run file %g", r.P[k], s, tu_tsv_at(&as, row, ca), acc);
            sum += acc;
        }
        cr_expect_eq(tu_tsv_at(&a, k, cn), r.s.seeds);
        const double mean = sum / r.s.seeds;
        cr_expect(fabs(tu_tsv_at(&a, k, cm) - mean) <= TSV9_RTOL * fabs(mean),
                  "P=%d: mean %g, run files %g", r.P[k], tu_tsv_at(&a, k, cm), mean);
    }
    snprintf(path, sizeof path, "%s/tsv/figure-xor_notes.gp", root);
    cr_expect(tu_exists(path), "%s missing", path);
    tu_tsv_free(&a);
    tu_tsv_free(&as);
    tu_rm_rf(root);
}
