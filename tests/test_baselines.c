/* test_baselines.c: the tanh RNN, LSTM and GRU baselines (core/model_rnn.c).
 *
 * Families (STYLE.md 10): element-wise five-point gradient checks of every parameter tensor
 * in the double build (each cell, both readouts, both losses, T = B = M = 1, and through an
 * encoder), a planted wrong gradient the checker must catch, BLAS path vs plain loops, a
 * known answer for the tanh and LSTM cells, the model interface gradient, training through
 * the one loop, and the CLI rows (addition-lstm & co.): run file, /config, refused P. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "enc_realdata.h"
#include "experiments.h"
#include "agree.h"
#include "gradcheck.h"
#include "h5io.h"
#include "loss.h"
#include "model_rnn.h"
#include "tasks.h"
#include "testutil.h"
#include "train.h"

static const model_kind kinds[] = {MODEL_TANH, MODEL_LSTM, MODEL_GRU};

struct bproblem {
    struct rnn m;
    struct rnn_work w;
    int T, B;
    real *x;        /* (T, B, N) */
    real *y;        /* (T_out, B, K) */
    int32_t *label; /* (T_out, B) */
    real *mask;     /* (T_out, B) */
    loss_kind loss;
};

/* A random problem; with enc_H > 0 an audio_cnn encoder (3 raw inputs, enc_H hidden
 * channels) sits before the cell. Parameters N(0, 0.5²): large enough that every gate is
 * away from its linear regime, small enough that none saturates. */
static void bproblem_setup(struct bproblem *p, model_kind kind, int M, readout_kind ro,
                           loss_kind loss, int T, int B, int enc_H, uint64_t seed) {
    memset(p, 0, sizeof *p);
    const int N = 3, K = 3;
    const struct rnn_config c = {.kind = kind, .M = M, .N = N, .K = K, .readout = ro,
                                 .readout_bias = loss == LOSS_CE};
    const struct encoder enc = {.type = &encoder_audio_cnn, .N_in = N, .M = M, .opt = {enc_H}};
    rnn_create(&p->m, &c, enc_H ? &enc : NULL);
    rng_t r;
    rng_init(&r, seed, 99);
    for (size_t i = 0; i < p->m.n_params; i++) p->m.params[i] = 0.5 * rng_normal(&r);
    p->T = T, p->B = B, p->loss = loss;
    rnn_work_alloc(&p->w, &p->m, T, B);
    const int To = p->w.T_out;
    p->x = malloc(sizeof(real) * T * B * N);
    p->y = malloc(sizeof(real) * To * B * K);
    p->label = malloc(sizeof(int32_t) * To * B);
    p->mask = malloc(sizeof(real) * To * B);
    for (int i = 0; i < T * B * N; i++) p->x[i] = rng_normal(&r);
    for (int i = 0; i < To * B * K; i++) p->y[i] = rng_normal(&r);
    for (int i = 0; i < To * B; i++) {
        p->label[i] = (int32_t)rng_below(&r, K);
        p->mask[i] = rng_uniform(&r) < 0.3 ? 0 : 1;
    }
    p->mask[0] = 1;
}

static void bproblem_free(struct bproblem *p) {
    rnn_work_free(&p->w);
    rnn_free(&p->m);
    free(p->x), free(p->y), free(p->label), free(p->mask);
}

static uint64_t last_pattern; /* the encoder's ReLU pattern (0 without an encoder) */

static double objective(struct bproblem *p, real *grad) {
    rnn_forward(&p->m, &p->w, p->x);
    last_pattern = 0;
    if (p->m.enc.type) {
        struct layer_stack s;
        enc_audio_spec(&p->m.enc, &s);
        last_pattern = stack_pattern_hash(&s, p->x, p->T, p->B, p->w.enc_work);
    }
    const double L = loss_eval(p->loss, p->w.T_out * p->B, p->m.cfg.K, p->w.Y, p->y, p->label,
                               p->mask, grad ? p->w.dY : NULL);
    if (grad) {
        memset(grad, 0, sizeof(real) * p->m.n_params);
        rnn_backward(&p->m, &p->w, p->x, grad);
    }
    return L;
}

static double objective_f(void *ctx) { return objective(ctx, NULL); }

static struct grad_result check_tensor(struct bproblem *p, const struct alrnn_tensor *t,
                                       const real *analytic) {
    const struct grad_objective o = {objective_f, p, &last_pattern};
    return grad_check(&o, p->m.params + t->offset, t->size, analytic + t->offset);
}

static void gradcheck(model_kind kind, int M, readout_kind ro, loss_kind loss, int T, int B,
                      int enc_H, uint64_t seed) {
    struct bproblem p;
    for (int attempt = 0;; attempt++) { /* encoder ReLUs clear of their kinks */
        ASSERT(attempt < 1000);
        bproblem_setup(&p, kind, M, ro, loss, T, B, enc_H, seed + 7919 * (uint64_t)attempt);
        if (!enc_H) break;
        objective(&p, NULL);
        struct layer_stack s;
        enc_audio_spec(&p.m.enc, &s);
        if (stack_kink_margin(&s, p.x, T, B, p.w.enc_work) > 0.02) break;
        bproblem_free(&p);
    }
    real *grad = calloc(p.m.n_params, sizeof(real));
    objective(&p, grad);
    for (int t = 0; t < p.m.n_tensors; t++) {
        const struct grad_result r = check_tensor(&p, &p.m.tensors[t], grad);
        char what[96];
        snprintf(what, sizeof what, "%s M=%d T=%d B=%d %s %s enc=%d: %s",
                 model_kind_names[kind], M, T, B, readout_kind_names[ro], loss_kind_names[loss],
                 enc_H, p.m.tensors[t].name);
        grad_expect_ok(&r, what);
        if (!enc_H) cr_expect_eq(r.skipped, 0, "%s: skipped without kinks", what);
    }
    free(grad);
    bproblem_free(&p);
}

Test(baselines, gradcheck_every_cell_readout_and_loss) {
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        gradcheck(kinds[k], 5, READOUT_LAST, LOSS_MSE, 7, 3, 0, 10 + k);
        gradcheck(kinds[k], 5, READOUT_ALL, LOSS_CE, 6, 2, 0, 20 + k);
        gradcheck(kinds[k], 4, READOUT_ALL, LOSS_MSE, 5, 3, 0, 30 + k);
        gradcheck(kinds[k], 1, READOUT_LAST, LOSS_MSE, 1, 1, 0, 40 + k); /* T = B = M = 1 */
        /* M = 11: the gate passes' full vectors and their scalar remainder */
        gradcheck(kinds[k], 11, READOUT_ALL, LOSS_CE, 4, 2, 0, 80 + k);
    }
}

/* Through an encoder: its tensors follow the cell's and receive dL/dfeatures. */
Test(baselines, gradcheck_through_encoder) {
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++)
        gradcheck(kinds[k], 4, READOUT_LAST, LOSS_CE, 5, 2, 3, 50 + k);
}

/* The checker catches one analytic entry off by GRAD_PLANTED_ERROR in every tensor of every
 * cell, and only that entry. */
Test(baselines, gradcheck_detects_wrong_gradient) {
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        struct bproblem p;
        bproblem_setup(&p, kinds[k], 4, READOUT_ALL, LOSS_CE, 5, 2, 0, 60 + k);
        real *grad = calloc(p.m.n_params, sizeof(real));
        real *bad = malloc(p.m.n_params * sizeof(real));
        objective(&p, grad);
        for (int t = 0; t < p.m.n_tensors; t++) {
            const struct alrnn_tensor *ten = &p.m.tensors[t];
            const real *g = grad + ten->offset;
            size_t i = 0;
            for (size_t j = 1; j < ten->size; j++)
                if (fabs(g[j]) > fabs(g[i])) i = j;
            cr_assert(fabs(g[i]) > 100 * GRAD_FLOOR, "%s %s: no non-trivial entry",
                      model_kind_names[kinds[k]], ten->name);
            memcpy(bad, grad, p.m.n_params * sizeof(real));
            bad[ten->offset + i] *= 1 + GRAD_PLANTED_ERROR;
            const struct grad_result r = check_tensor(&p, ten, bad);
            cr_assert(r.failed == 1 && r.worst == i, "%s %s: %zu failures, worst %zu (planted %zu)",
                      model_kind_names[kinds[k]], ten->name, r.failed, r.worst, i);
        }
        free(grad), free(bad);
        bproblem_free(&p);
    }
}

/* States, outputs and gradients agree between cblas GEMM and the plain loops. */
Test(baselines, blas_matches_plain_loops) {
    const struct { int M, T, B, enc_H; readout_kind ro; } cases[] = {
        {7, 9, 4, 0, READOUT_LAST}, {5, 1, 1, 0, READOUT_ALL}, {16, 12, 8, 0, READOUT_ALL},
        {6, 5, 3, 4, READOUT_LAST}};
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++)
        for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
            struct bproblem p;
            bproblem_setup(&p, kinds[k], cases[c].M, cases[c].ro, LOSS_CE, cases[c].T,
                           cases[c].B, cases[c].enc_H, 70 + c);
            const size_t nh = (size_t)(p.T + 1) * p.B * p.m.cfg.M;
            real *g[2], *H[2];
            for (int b = 0; b < 2; b++) {
                p.m.use_blas = b == 0;
                g[b] = calloc(p.m.n_params, sizeof(real));
                objective(&p, g[b]);
                H[b] = malloc(nh * sizeof(real));
                memcpy(H[b], p.w.H, nh * sizeof(real));
            }
            for (size_t i = 0; i < nh; i++)
                cr_assert(fabs(H[0][i] - H[1][i]) <= AGREE_TOL * (1 + fabs(H[0][i])),
                          "%s case %zu h[%zu]", model_kind_names[kinds[k]], c, i);
            for (size_t i = 0; i < p.m.n_params; i++)
                cr_assert(fabs(g[0][i] - g[1][i]) <= AGREE_TOL * (1 + fabs(g[0][i])),
                          "%s case %zu grad[%zu]: %.17g vs %.17g", model_kind_names[kinds[k]], c,
                          i, g[0][i], g[1][i]);
            for (int b = 0; b < 2; b++) free(g[b]), free(H[b]);
            bproblem_free(&p);
        }
}

/* Known answers, by hand from the cell equations (model_rnn.h), M = N = K = 1:
 * tanh with Wx = 1, Wh = 0.5, bx = 0.1: h_1 = tanh(x_1 + 0.1), h_2 = tanh(x_2 + 0.5 h_1 + 0.1).
 * LSTM with Wx = (1, 2, 3, 4) (i, f, g, o rows), Wh = 0, bx = 0: one step from zero state
 * c_1 = σ(x)·tanh(3x), h_1 = σ(4x)·tanh(c_1). GRU with Wx = (1, 2, 3), Wh = (0.5, 0.5, 0.5),
 * bx = 0, bh = (0, 0, 0.2): r = σ(x), z = σ(2x), n = tanh(3x + 0.2 r), h_1 = (1 − z) n. */
Test(baselines, known_answers) {
    const double x1 = 0.3, x2 = -0.7;
    struct rnn m;
    struct rnn_work w;
    real x[2] = {x1, x2};
    struct rnn_config c = {.kind = MODEL_TANH, .M = 1, .N = 1, .K = 1, .readout = READOUT_ALL};
    rnn_create(&m, &c, NULL);
    struct rnn_views v = rnn_views(&m, m.params);
    v.Wx[0] = 1, v.Wh[0] = 0.5, v.bx[0] = 0.1, v.D[0] = 2;
    rnn_work_alloc(&w, &m, 2, 1);
    rnn_forward(&m, &w, x);
    const double h1 = tanh(x1 + 0.1), h2 = tanh(x2 + 0.5 * h1 + 0.1);
    cr_assert(fabs(w.H[1] - h1) < 1e-15 && fabs(w.H[2] - h2) < 1e-15);
    cr_assert(fabs(w.Y[0] - 2 * h1) < 1e-15 && fabs(w.Y[1] - 2 * h2) < 1e-15);
    rnn_work_free(&w), rnn_free(&m);

    const double sg1 = 1 / (1 + exp(-x1)), sg4 = 1 / (1 + exp(-4 * x1));
    c.kind = MODEL_LSTM, c.readout = READOUT_LAST;
    rnn_create(&m, &c, NULL);
    v = rnn_views(&m, m.params);
    for (int g = 0; g < 4; g++) v.Wx[g] = g + 1;
    v.D[0] = 1;
    rnn_work_alloc(&w, &m, 1, 1);
    rnn_forward(&m, &w, x);
    const double c1 = sg1 * tanh(3 * x1);
    cr_assert(fabs(w.Cs[1] - c1) < 1e-15, "c_1 %.17g vs %.17g", w.Cs[1], c1);
    cr_assert(fabs(w.Y[0] - sg4 * tanh(c1)) < 1e-15);
    rnn_work_free(&w), rnn_free(&m);

    c.kind = MODEL_GRU;
    rnn_create(&m, &c, NULL);
    v = rnn_views(&m, m.params);
    for (int g = 0; g < 3; g++) v.Wx[g] = g + 1, v.Wh[g] = 0.5;
    v.bh[2] = 0.2, v.D[0] = 1;
    rnn_work_alloc(&w, &m, 1, 1);
    rnn_forward(&m, &w, x);
    const double z = 1 / (1 + exp(-2 * x1)), n = tanh(3 * x1 + 0.2 * sg1);
    cr_assert(fabs(w.Y[0] - (1 - z) * n) < 1e-15, "h_1 %.17g vs %.17g", w.Y[0], (1 - z) * n);
    rnn_work_free(&w), rnn_free(&m);
}

/* The gate functions (libmvec's vector expf/tanhf and exp/tanh where the build has them,
 * else the scalar libm) against references one precision up, over a dense grid: |x| ≤ 30 in
 * steps of 2^-10 (beyond, σ and tanh are 0, 1 or ±1 to within these bounds) and |x| ≤ 2^-6 in
 * steps of 2^-20 (tanh x ≈ x: relative accuracy near zero). Errors in units in the last place
 * of the result. Measured on AVX2 (Zen 3, glibc 2.36): float σ 3.1, tanh 1.0; double σ 3.6,
 * tanh 2.0. The bound leaves room for the other vector variants (SSE, AVX-512) and the scalar
 * remainders: a few ulp of exp or tanh, plus σ's two roundings (1 + e and the division). */
#define GATE_MAX_ULP 6.0

static double ulp_err_f32(float got, double ref) {
    const float r = (float)ref;
    const double ulp = (double)nextafterf(fabsf(r), INFINITY) - fabsf(r);
    return fabs((double)got - ref) / ulp;
}

static double ulp_err_f64(double got, long double ref) {
    const double r = (double)ref;
    const long double ulp = (long double)nextafter(fabs(r), INFINITY) - fabs(r);
    return (double)(fabsl((long double)got - ref) / ulp);
}

Test(baselines, gate_functions_within_ulps_of_libm) {
    const size_t n1 = 2 * 30 * 1024 + 1, n2 = 2 * 16384 + 1, n = n1 + n2;
    float *xf = malloc(n * sizeof(float)), *sf = malloc(n * sizeof(float)),
          *tf = malloc(n * sizeof(float));
    double *xd = malloc(n * sizeof(double)), *sd = malloc(n * sizeof(double)),
           *td = malloc(n * sizeof(double));
    for (size_t i = 0; i < n1; i++) xd[i] = -30 + (double)i / 1024;
    for (size_t i = 0; i < n2; i++) xd[n1 + i] = ((double)i - 16384) / (1 << 20);
    for (size_t i = 0; i < n; i++) xf[i] = (float)xd[i];
    rnn_gate_funcs_f32(n, xf, sf, tf);
    rnn_gate_funcs_f64(n, xd, sd, td);
    double worst[4] = {0};
    for (size_t i = 0; i < n; i++) {
        const double x = xf[i];
        const long double xl = xd[i];
        const double e[4] = {ulp_err_f32(sf[i], 1 / (1 + exp(-x))), ulp_err_f32(tf[i], tanh(x)),
                             ulp_err_f64(sd[i], 1 / (1 + expl(-xl))),
                             ulp_err_f64(td[i], tanhl(xl))};
        for (int k = 0; k < 4; k++) {
            cr_assert(e[k] <= GATE_MAX_ULP, "%s %s(%.9g): %.2f ulp", k < 2 ? "float" : "double",
                      k % 2 ? "tanh" : "sigmoid", xd[i], e[k]);
            worst[k] = fmax(worst[k], e[k]);
        }
    }
    cr_log_info("worst ulp: float sigmoid %.2f tanh %.2f, double sigmoid %.2f tanh %.2f",
                worst[0], worst[1], worst[2], worst[3]);
    free(xf), free(sf), free(tf), free(xd), free(sd), free(td);
}

Test(baselines, parameter_counts) {
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++)
        for (int bias = 0; bias < 2; bias++) {
            const struct rnn_config c = {.kind = kinds[k], .M = 50, .N = 2, .K = 1,
                                         .readout_bias = bias};
            struct rnn m;
            rnn_create(&m, &c, NULL);
            cr_assert_eq(m.n_params, rnn_n_params(&c));
            rnn_free(&m);
        }
    /* M = 50, N = 2, K = 1: PyTorch's counts of nn.RNN / nn.LSTM / nn.GRU (two bias vectors
     * each) minus the G·M of the bias we merge for tanh and LSTM, plus D (50) */
    const int expect[] = {50 * 53 + 50, 4 * 50 * 53 + 50, 3 * 50 * 54 + 50};
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        const struct rnn_config c = {.kind = kinds[k], .M = 50, .N = 2, .K = 1};
        cr_assert_eq(rnn_n_params(&c), (size_t)expect[k], "%s", model_kind_names[kinds[k]]);
    }
}

/* Through the model interface on the smoke addition problem: the gradient train_step
 * applies matches differences of forward_loss, and a short training run lowers the loss. */
Test(baselines, model_interface_gradient_and_training) {
    enum { B = 8 };
    struct task_params tp = {.T = 6, .n_train = 64, .n_test = 16};
    rng_t dr, ir;
    rng_init(&dr, 3, RNG_STREAM_DATA);
    struct dataset tr, va, te;
    task_addition.make_data(&tp, &dr, &tr, &va, &te);
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        rng_init(&ir, 3, RNG_STREAM_INIT);
        struct rnn net;
        const struct rnn_config c = {.kind = kinds[k], .M = 4, .N = 2, .K = 1,
                                     .readout = READOUT_LAST};
        rnn_create(&net, &c, NULL);
        rnn_init_params(&net, &ir);
        struct model mo;
        model_rnn(&mo, &net, &task_addition);
        cr_assert_str_eq(mo.type->name, model_kind_names[kinds[k]]);
        int idx[B];
        for (int i = 0; i < B; i++) idx[i] = i;
        void *w = mo.type->work_alloc(&mo, &tr, B);
        real *g = calloc(mo.n_params, sizeof(real));
        rng_t r;
        rng_init(&r, 2, RNG_STREAM_BATCH);
        mo.type->forward_loss(&mo, w, &tr, idx, B, &r, 1);
        mo.type->backward(&mo, w, g);
        cr_assert_eq(mo.type->regularizer(&mo, 0.5, 2, g), 0);
        for (size_t i = 0; i < mo.n_params; i++) {
            const real p0 = mo.params[i];
            const double off[4] = {-2, -1, 1, 2};
            double f[4];
            for (int j = 0; j < 4; j++) {
                mo.params[i] = p0 + off[j] * GRAD_STEP;
                f[j] = mo.type->forward_loss(&mo, w, &tr, idx, B, &r, 0);
            }
            mo.params[i] = p0;
            cr_assert(rel_err(g[i], five_point(f)) < GRAD_RTOL, "%s parameter %zu: %.10g vs %.10g",
                      mo.type->name, i, g[i], five_point(f));
        }
        free(g);
        mo.type->work_free(w);

        const struct train_data td = {.train = &tr, .val = &va, .test = &te, .n_train = tr.n,
                                      .n_val = va.n, .n_test = te.n};
        const struct train_config cfg = {.epochs = 40, .batch = 16, .lr = 1e-2, .eval_every = 40};
        double m0[TASK_MAX_METRICS];
        const double L0 = mo.type->evaluate(&mo, &te, 16, 0, m0);
        struct train_history h;
        train_run(&mo, &cfg, &td, 3, "baseline", NULL, &h);
        cr_assert_eq(h.diverged, 0);
        cr_assert(h.test_loss < 0.5 * L0, "%s: test loss %g after training, %g before",
                  mo.type->name, h.test_loss, L0);
        train_history_free(&h);
        rnn_free(&net);
    }
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
}

/* The baseline rows: a complete run file naming the model and its parameter count, the
 * same bytes of parameters for the same seed; P other than 0 refused; the row hash differs
 * from the AL-RNN row of the same settings. */
Test(baselines, cli_rows) {
    char dir[256], out[512], out2[512], args[1024], err[16384];
    tu_tmpdir(dir, sizeof dir, "baseline");
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        snprintf(out, sizeof out, "%s/%s.h5", dir, model_kind_names[kinds[k]]);
        snprintf(args, sizeof args, "run addition-%s --P 0 --seed 1 --profile smoke --out %s",
                 model_kind_names[kinds[k]], out);
        cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
        struct h5file f;
        h5_open_read(&f, out);
        char *model = h5_read_attr_str(&f, "/config", "model");
        cr_assert_str_eq(model, model_kind_names[kinds[k]]);
        free(model);
        const struct rnn_config c = {.kind = kinds[k], .M = 8, .N = 2, .K = 1};
        cr_assert_eq(h5_read_attr_int(&f, "/config", "n_params"), (int)rnn_n_params(&c));
        cr_assert_eq(h5_read_attr_int(&f, "/", "P"), 0);
        const char *sets[] = {"/model/Wx", "/model/Wh", "/model/D", "/test/mse", "/train/loss",
                              "/test/sample/z", "/test/sample/readout", "/test/sample/target"};
        for (size_t i = 0; i < ARRAY_LEN(sets); i++)
            cr_assert(h5_exists(&f, sets[i]), "%s missing", sets[i]);
        h5_close(&f);
    }
    /* same seed, same parameters */
    snprintf(out2, sizeof out2, "%s/lstm2.h5", dir);
    snprintf(args, sizeof args, "run addition-lstm --P 0 --seed 1 --profile smoke --out %s", out2);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(out, sizeof out, "%s/lstm.h5", dir);
    struct h5file a, b;
    h5_open_read(&a, out), h5_open_read(&b, out2);
    size_t na, nb;
    double *wa = h5_read_f64(&a, "/model/Wh", &na, NULL, NULL);
    double *wb = h5_read_f64(&b, "/model/Wh", &nb, NULL, NULL);
    cr_assert(na == nb && memcmp(wa, wb, na * sizeof *wa) == 0, "same seed, different weights");
    free(wa), free(wb);
    h5_close(&a), h5_close(&b);

    snprintf(out, sizeof out, "%s/x.h5", dir);
    snprintf(args, sizeof args, "run addition-gru --P 1 --seed 0 --profile smoke --out %s", out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 1);
    cr_assert(strstr(err, "gru") && strstr(err, "P"), "%s", err);
    cr_assert(!tu_exists(out), "a refused run wrote %s", out);
    tu_rm_rf(dir);

    struct resolved ra, rb;
    experiment_resolve(experiment_find("addition-lstm"), PROFILE_QUICK, &ra);
    struct experiment e = *ra.exp;
    e.model = MODEL_ALRNN;
    experiment_resolve(&e, PROFILE_QUICK, &rb);
    cr_assert_neq(resolved_hash(&ra), resolved_hash(&rb));
}
