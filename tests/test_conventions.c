/* test_conventions.c: the reference's conventions as options (PAPER.md §2 "Correction",
 * §2.8 audit notes, §2.9): per-output MSE weights, the multi-task padded read-out and
 * per-epoch resampling, the SCAN <end> target, model selection, and that a smoke run records
 * each option in its run file's /config. Expected values are computed by hand here, not by
 * the code under test. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "h5io.h"
#include "loss.h"
#include "model.h"
#include "scan_data.h"
#include "scan_model.h"
#include "analyses.h"
#include "synthetic.h"
#include "testutil.h"
#include "train.h"

/* Values pass through `real` (double in this build); 1e-12 is far above its rounding here. */
static const double TOL = 1e-12;

static void mt_make(const char *opts, uint64_t seed, struct dataset *tr, struct dataset *va,
                    struct dataset *te) {
    const struct task_params p = {.n_per_group = 3, .n_val = 1, .n_test = 2, .opts = opts};
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_DATA);
    task_multitask.make_data(&p, &r, tr, va, te);
}

static void free3(struct dataset *a, struct dataset *b, struct dataset *c) {
    dataset_free(a), dataset_free(b), dataset_free(c);
}

/* ---- per-output MSE weights (core/loss.c) -------------------------------------------------- */

Test(conventions, loss_weights_by_hand) {
    /* 2 rows, K = 3, mask (1, 0.5); errors e = Y - y */
    const real Y[6] = {1.0, 0.5, -0.25, 0.0, 2.0, 1.0};
    const real y[6] = {0.0, 0.0, 0.0, 1.0, 1.0, 1.0};
    const real mask[2] = {1.0, 0.5};
    const real c[3] = {1.0, 0.5, 0.5}; /* mse(fix) + mse(cos, sin) */
    /* by hand: row 0: 1·1 + .5·.25 + .5·.0625 = 1.15625; row 1: 1·1 + .5·1 + 0 = 1.5;
     * L = (1·1.15625 + 0.5·1.5) / 1.5 = 1.2708333... */
    const double L_w = (1.15625 + 0.75) / 1.5;
    /* unweighted: mean over K: row 0 (1 + .25 + .0625)/3, row 1 (1 + 1 + 0)/3 */
    const double L_u = (1.3125 / 3 + 0.5 * 2.0 / 3) / 1.5;
    real dY[6];
    const double Lw = loss_eval_weighted(LOSS_MSE, 2, 3, Y, y, NULL, mask, c, dY);
    cr_assert(fabs(Lw - L_w) < TOL, "weighted loss %.15g, by hand %.15g", Lw, L_w);
    /* dL/dY_rk = 2 w_r c_k e_rk / Σw */
    const double e[6] = {1.0, 0.5, -0.25, -1.0, 1.0, 0.0};
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 3; k++) {
            const double want = 2 * mask[r] * c[k] * e[r * 3 + k] / 1.5;
            cr_assert(fabs(dY[r * 3 + k] - want) < TOL, "dY[%d,%d] %g, by hand %g", r, k,
                      dY[r * 3 + k], want);
        }
    const double Lu = loss_eval_weighted(LOSS_MSE, 2, 3, Y, y, NULL, mask, NULL, NULL);
    cr_assert(fabs(Lu - L_u) < TOL, "unweighted loss %.15g, by hand %.15g", Lu, L_u);
    cr_assert(fabs(loss_eval(LOSS_MSE, 2, 3, Y, y, NULL, mask, NULL) - Lu) < TOL);
    /* c = 1/K each is the unweighted loss */
    const real third[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
    cr_assert(fabs(loss_eval_weighted(LOSS_MSE, 2, 3, Y, y, NULL, mask, third, NULL) - Lu) <
              1e-9);
}

Test(conventions, multitask_authors_weights_set) {
    struct dataset tr, va, te;
    mt_make("authors_weights=1", 3, &tr, &va, &te);
    cr_assert_not_null(tr.out_weight);
    cr_assert_not_null(te.out_weight);
    cr_assert(tr.out_weight[MT_OUT_FIX] == 1 && tr.out_weight[MT_OUT_COS] == 0.5 &&
              tr.out_weight[MT_OUT_SIN] == 0.5);
    free3(&tr, &va, &te);
    mt_make(NULL, 3, &tr, &va, &te);
    cr_assert_null(tr.out_weight);
    free3(&tr, &va, &te);
}

/* ---- multi-task padded read-out ------------------------------------------------------------ */

Test(conventions, multitask_padded_reads_at_T_minus_1) {
    struct dataset a[3], b[3];
    mt_make(NULL, 11, &a[0], &a[1], &a[2]);
    mt_make("padded=1", 11, &b[0], &b[1], &b[2]);
    for (int s = 0; s < 3; s++) {
        const struct dataset *own = &a[s], *pad = &b[s];
        const int T = own->T, K = own->K;
        cr_assert_eq(pad->T, T);
        cr_assert_eq(pad->n, own->n);
        /* the same trials: identical inputs */
        cr_assert_eq(memcmp(own->x, pad->x, sizeof(real) * own->n * T * own->N), 0);
        int shorter = 0;
        for (int i = 0; i < own->n; i++) {
            int t_own = -1, n_own = 0, n_pad = 0;
            for (int t = 0; t < T; t++) {
                if (own->mask[(size_t)i * T + t] != 0) t_own = t, n_own++;
                n_pad += pad->mask[(size_t)i * T + t] != 0;
            }
            cr_assert_eq(n_own, 1);
            cr_assert_eq(n_pad, 1, "padded: exactly one scored step per trial");
            cr_assert(pad->mask[(size_t)i * T + T - 1] != 0, "trial %d not read at T-1", i);
            shorter += t_own < T - 1;
            /* the answer demanded after the tail is the trial's response target */
            for (int k = 0; k < K; k++)
                cr_assert_eq(pad->y[((size_t)i * T + T - 1) * K + k],
                             own->y[((size_t)i * T + t_own) * K + k]);
            /* the tail after the trial's end has zero input */
            for (int t = t_own + 1; t < T; t++)
                for (int c = 0; c < own->N; c++)
                    cr_assert_eq(pad->x[((size_t)i * T + t) * own->N + c], 0);
        }
        cr_assert(shorter > 0, "split %d: no trial shorter than T; the test would not bite", s);
    }
    free3(&a[0], &a[1], &a[2]);
    free3(&b[0], &b[1], &b[2]);
}

/* ---- resampling: the task hook and the training loop's per-epoch hook ----------------------- */

Test(conventions, multitask_resample_hook) {
    const struct task_params p = {.n_per_group = 3, .n_val = 1, .n_test = 2,
                                  .opts = "resample=1"};
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 5, RNG_STREAM_DATA);
    task_multitask.make_data(&p, &r, &tr, &va, &te);
    cr_assert_not_null(task_multitask.resample);
    const size_t nx = (size_t)tr.n * tr.T * tr.N;
    real *x0 = malloc(nx * sizeof(real));
    memcpy(x0, tr.x, nx * sizeof(real));
    rng_t e1, e1b, e2;
    rng_init(&e1, 42, 1), rng_init(&e1b, 42, 1), rng_init(&e2, 42, 2);
    task_multitask.resample(&p, &e1, &tr);
    real *x1 = malloc(nx * sizeof(real));
    memcpy(x1, tr.x, nx * sizeof(real));
    cr_assert_neq(memcmp(x0, x1, nx * sizeof(real)), 0, "resample left the trials unchanged");
    for (int i = 0; i < tr.n; i++) cr_assert_eq(tr.group[i], i / 3, "task-major order kept");
    task_multitask.resample(&p, &e1b, &tr); /* same stream: same bytes */
    cr_assert_eq(memcmp(x1, tr.x, nx * sizeof(real)), 0);
    task_multitask.resample(&p, &e2, &tr);
    cr_assert_neq(memcmp(x1, tr.x, nx * sizeof(real)), 0);
    free(x0), free(x1);
    free3(&tr, &va, &te);
}

/* The loop calls the hook once per epoch, 0..E-1, before the epoch's batches; the hook here
 * resamples and records a checksum of the inputs each epoch trains on. */
struct hook_log {
    const struct task_params *p;
    struct dataset *train;
    int calls, epochs[8];
    double sum[8];
};

static void hook(void *ctx, int epoch) {
    struct hook_log *h = ctx;
    rng_t r;
    rng_init(&r, 9, (uint64_t)epoch + 100);
    task_multitask.resample(h->p, &r, h->train);
    double s = 0;
    for (size_t i = 0; i < (size_t)h->train->n * h->train->T * h->train->N; i++)
        s += h->train->x[i] * (double)(i % 97 + 1);
    cr_assert_lt(h->calls, 8);
    h->epochs[h->calls] = epoch, h->sum[h->calls] = s, h->calls++;
}

Test(conventions, training_loop_resamples_every_epoch) {
    const struct task_params p = {.n_per_group = 2, .n_val = 1, .n_test = 1,
                                  .opts = "simple=1,resample=1"};
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 1, RNG_STREAM_DATA);
    task_multitask.make_data(&p, &r, &tr, &va, &te);
    struct alrnn_config mc = {.M = 6, .P = 2, .N = tr.N, .K = tr.K, .form = ALRNN_FORM_SEQ,
                              .init = ALRNN_INIT_MULTITASK, .z0 = Z0_ZERO,
                              .readout = READOUT_ALL};
    struct alrnn m;
    alrnn_create(&m, &mc, NULL);
    rng_t ir;
    rng_init(&ir, 1, RNG_STREAM_INIT);
    alrnn_init_params(&m, &ir);
    struct model mo;
    model_alrnn(&mo, &m, &task_multitask);
    struct hook_log log = {.p = &p, .train = &tr};
    const struct train_data td = {.train = &tr, .val = &va, .test = &te, .n_train = tr.n,
                                  .n_val = va.n, .n_test = te.n, .resample = hook,
                                  .resample_ctx = &log};
    const struct train_config cfg = {.epochs = 4, .batch = 8, .lr = 1e-3, .select = SELECT_FINAL};
    struct train_history h;
    train_run(&mo, &cfg, &td, 1, "test", NULL, &h);
    cr_assert_eq(log.calls, 4);
    for (int e = 0; e < 4; e++) cr_assert_eq(log.epochs[e], e);
    for (int a = 0; a < 4; a++)
        for (int b = a + 1; b < 4; b++)
            cr_assert_neq(log.sum[a], log.sum[b], "epochs %d and %d saw the same trials", a, b);
    train_history_free(&h);
    alrnn_free(&m);
    free3(&tr, &va, &te);
}

/* ---- SCAN: end_weight = 0 takes <end> out of the loss mask ---------------------------------- */

Test(conventions, scan_end_weight_changes_mask) {
    const struct scan_model_config c = {.M = 6, .P_enc = 2, .P_dec = 2, .E = 3, .V_in = 6,
                                        .V_out = 7};
    struct scan_model m;
    scan_model_create(&m, &c);
    rng_t r;
    rng_init(&r, 3, 99);
    scan_model_init(&m, &r);
    enum { T_in = 2, T = 4, B = 2 };
    struct scan_work w;
    scan_work_alloc(&w, &m, T_in, T, B);
    /* time-major (T, B): row 0 = a a <end> pad, row 1 = a <end> pad pad */
    const int A = SCAN_N_SPECIAL;
    const int32_t src[T_in * B] = {A, A, A, SCAN_PAD};
    const int32_t tgt[T * B] = {A, A, A, SCAN_END, SCAN_END, SCAN_PAD, SCAN_PAD, SCAN_PAD};
    scan_forward(&m, &w, src, tgt, T, T, 0, &r);
    double ws5, ws0;
    const double L5 = scan_loss(&m, &w, tgt, T, 5, 0, &ws5);
    real mask5[T * B];
    memcpy(mask5, w.mask, sizeof mask5);
    const double L0 = scan_loss(&m, &w, tgt, T, 0, 0, &ws0);
    for (int i = 0; i < T * B; i++) {
        const double want5 = tgt[i] == SCAN_PAD ? 0 : tgt[i] == SCAN_END ? 5 : 1;
        const double want0 = tgt[i] == SCAN_PAD || tgt[i] == SCAN_END ? 0 : 1;
        cr_assert_eq(mask5[i], want5, "end_weight 5, target %d: mask %g", i, mask5[i]);
        cr_assert_eq(w.mask[i], want0, "end_weight 0, target %d: mask %g", i, w.mask[i]);
    }
    cr_assert_eq(ws5, 3 + 2 * 5);
    cr_assert_eq(ws0, 3);
    cr_assert(L5 != L0);
    scan_work_free(&w);
    scan_model_free(&m);
}

/* ---- the options reach /config of a smoke run ----------------------------------------------- */

static char *config_attr(const char *path, const char *name) {
    struct h5file f;
    h5_open_read(&f, path);
    char *v = h5_read_attr_str(&f, "/config", name);
    h5_close(&f);
    return v;
}

Test(conventions, smoke_runs_record_options, .timeout = 120) {
    char dir[256], out[512], args[1024], err[4096];
    tu_tmpdir(dir, sizeof dir, "conv");
    static const char *const rows[][2] = {
        {"multitask_n20_padded", "simple=1,padded=1"},
        {"multitask_n20_weights", "simple=1,authors_weights=1"},
        {"multitask_n20_resample", "simple=1,resample=1"},
        {"multitask_n20_authors", "simple=1,padded=1,authors_weights=1,resample=1"},
        {"multitask_n500_authors", "simple=1,padded=1,authors_weights=1,resample=1"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(out, sizeof out, "%s/%s.h5", dir, rows[i][0]);
        snprintf(args, sizeof args, "run %s --P 2 --profile smoke --out %s", rows[i][0], out);
        cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s: %s", rows[i][0], err);
        char *v = config_attr(out, "task_opts");
        cr_assert_str_eq(v, rows[i][1]);
        free(v);
        struct h5file f; /* the conventions' rows run without the divergence stop */
        h5_open_read(&f, out);
        cr_assert_eq(h5_read_attr_double(&f, "/config", "blowup_loss"), -1);
        h5_close(&f);
    }
    /* tail states: with padded=1 the trial-phase bitcode statistics count every step of every
     * test trial (8 per task in smoke, T = 74 with the simple timings); ours counts only the
     * trial's own steps; the response phase is the same set of steps under both */
    snprintf(out, sizeof out, "%s/own.h5", dir);
    snprintf(args, sizeof args, "run multitask_n20_nostop --P 2 --profile smoke --out %s", out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    char padded[600];
    snprintf(padded, sizeof padded, "%s/multitask_n20_padded.h5", dir);
    size_t n1, n2, n3, n4, dims[4];
    double *tot_pad = tu_h5_read(padded, "/analysis/bitcode/trial/total", &n1, dims);
    double *tot_own = tu_h5_read(out, "/analysis/bitcode/trial/total", &n2, dims);
    double *resp_pad = tu_h5_read(padded, "/analysis/bitcode/response/total", &n3, dims);
    double *resp_own = tu_h5_read(out, "/analysis/bitcode/response/total", &n4, dims);
    cr_assert(n1 == MT__COUNT && n2 == MT__COUNT && n3 == MT__COUNT && n4 == MT__COUNT);
    for (int k = 0; k < MT__COUNT; k++) {
        cr_assert_eq(tot_pad[k], 8 * 74, "task %d: %g states counted", k, tot_pad[k]);
        cr_assert_lt(tot_own[k], 8 * 74);
        cr_assert_eq(resp_pad[k], resp_own[k], "task %d: response phase differs", k);
    }
    free(tot_pad), free(tot_own), free(resp_pad), free(resp_own);
    /* a resampling run is the same bytes for the same seed: compare its trained parameters */
    snprintf(out, sizeof out, "%s/again.h5", dir);
    snprintf(args, sizeof args, "run multitask_n20_resample --P 2 --profile smoke --out %s", out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "h5diff %s/multitask_n20_resample.h5 %s /model", dir, out);
    cr_assert_eq(system(cmd), 0, "a rerun of the resampling row changed the parameters");
    /* the model-selection override, both ways */
    static const char *const sel[] = {"final", "best_val"};
    for (int k = 0; k < 2; k++) {
        snprintf(out, sizeof out, "%s/copy_%s.h5", dir, sel[k]);
        snprintf(args, sizeof args, "run copy --P 1 --profile smoke --select %s --out %s", sel[k],
                 out);
        cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
        char *v = config_attr(out, "select");
        cr_assert_str_eq(v, sel[k]);
        free(v);
    }
    cr_assert_neq(tu_alrnn(NULL, "run copy --P 1 --profile smoke --select best", err, sizeof err),
                  0);
    cr_assert(strstr(err, "--select best"), "%s", err);
    tu_rm_rf(dir);
}

/* ---- the rows: the paper profile follows the reference, quick keeps ours -------------------- */

static void show(const char *row, const char *profile, char *buf, size_t n) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s show %s --profile %s", tu_bin(), row, profile);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    const size_t k = fread(buf, 1, n - 1, p);
    buf[k] = 0;
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
}

Test(conventions, rows_paper_follows_reference) {
    char buf[8192];
    static const char *const final_rows[] = {"copy", "imdb", "smnist", "audio"};
    for (int i = 0; i < 4; i++) {
        show(final_rows[i], "paper", buf, sizeof buf);
        cr_assert(strstr(buf, "select final"), "%s paper: %s", final_rows[i], buf);
        show(final_rows[i], "quick", buf, sizeof buf);
        cr_assert(strstr(buf, "select best_val"), "%s quick: %s", final_rows[i], buf);
    }
    /* copy_final keeps the final model at every profile (claim C4 on the reference's model) */
    static const char *const profiles[] = {"smoke", "quick", "verify", "paper"};
    for (int i = 0; i < 4; i++) {
        show("copy_final", profiles[i], buf, sizeof buf);
        cr_assert(strstr(buf, "select final"), "copy_final %s: %s", profiles[i], buf);
    }
    show("copy_final", "verify", buf, sizeof buf);
    cr_assert(strstr(buf, "P grid 1,") && strstr(buf, "epochs 8000"), "%s", buf);
    show("multitask_n20", "paper", buf, sizeof buf);
    cr_assert(strstr(buf, "opts 'padded=1,authors_weights=1,resample=1'"), "%s", buf);
    /* the default divergence stop, relative to the first loss (train.h), at every profile:
     * the init's first losses of 1e6-1e12 do not end a run, so no profile turns it off */
    cr_assert(!strstr(buf, "blowup_loss"), "%s", buf);
    show("multitask_n20", "quick", buf, sizeof buf);
    cr_assert(strstr(buf, "opts ''") && !strstr(buf, "blowup_loss"), "%s", buf);
    show("scan_simple", "paper", buf, sizeof buf);
    cr_assert(strstr(buf, "end_weight=0"), "%s", buf);
    show("scan_simple", "quick", buf, sizeof buf);
    cr_assert(strstr(buf, "end_weight=5"), "%s", buf);
    show("scan_simple_authors", "quick", buf, sizeof buf);
    cr_assert(strstr(buf, "end_weight=0") && strstr(buf, "epochs 100") &&
                  strstr(buf, "cosine 0"), "%s", buf);
    show("smnist-pool1", "paper", buf, sizeof buf);
    cr_assert(strstr(buf, "opts 1"), "%s", buf);
}

/* ---- copy: the loose periodicity tests on hand-made trajectories ---------------------------- */

Test(conventions, copy_loose_periodicity_known_answers) {
    enum { M = 3, N = 600, K = 37 }; /* unit 0: slow drift (a MAR unit); units 1, 2: a rotation */
    real *z = malloc(sizeof(real) * N * M);
    const double pi = 3.14159265358979323846;
    for (int t = 0; t < N; t++) {
        z[t * M + 0] = 0.01 * t;
        z[t * M + 1] = cos(2 * pi * t / K);
        z[t * M + 2] = sin(2 * pi * t / K) + 0.2;
    }
    cr_assert_eq(analysis_copy_period_code(z, M, 2, 100, 400), K);
    cr_assert_eq(analysis_copy_period_trace(z, M, 1, 3, 100, 400), K);
    cr_assert_eq(analysis_copy_period_trace(z, M, 0, 3, 100, 400), 0, "the drifting unit never repeats");
    /* 1 % noise passes the 5 % trace tolerance; a non-integer period (37.5) repeats its
     * bitcode only every 75 steps */
    rng_t r;
    rng_init(&r, 7, 1);
    for (int t = 0; t < N; t++) z[t * M + 1] = cos(2 * pi * t / K) + 0.01 * (rng_uniform(&r) - 0.5);
    cr_assert_eq(analysis_copy_period_trace(z, M, 1, 3, 100, 400), K);
    for (int t = 0; t < N; t++) {
        z[t * M + 1] = cos(2 * pi * t / 37.5);
        z[t * M + 2] = sin(2 * pi * t / 37.5) + 0.2;
    }
    cr_assert_eq(analysis_copy_period_code(z, M, 2, 100, 400), 75);
    free(z);
}
