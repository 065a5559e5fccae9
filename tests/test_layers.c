/* test_layers.c: the layer toolkit (core/layers.h) and the real-data encoders
 * (tasks/realdata/enc_realdata.h).
 *
 * Families (STYLE.md 10):
 *   - element-wise central-difference gradient checks of every layer alone (parameters and
 *     inputs, both the GEMM and the plain path), then of every encoder inside a full AL-RNN
 *     with cross-entropy and the regulariser (every parameter tensor of model and encoder),
 *     in the double-precision build;
 *   - a known-answer convolution (PyTorch Conv1d's definition: cross-correlation with zero
 *     padding, y[t] = b + Σ_k w[k] x[t + k − pad]);
 *   - GEMM path vs plain loops for every layer and every encoder stack;
 *   - shapes (sMNIST 784 → 196 / 392 steps), tensor tables, same seed → same bytes, the
 *     frozen embedding, the pretrained-vector hand-over. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "alrnn.h"
#include "enc_realdata.h"
#include "layers.h"
#include "loss.h"
#include "agree.h"
#include "gradcheck.h"


static void fill_normal(real *a, size_t n, rng_t *r, double sd) {
    for (size_t i = 0; i < n; i++) a[i] = (real)(sd * rng_normal(r));
}

/* ------------------------------------------------------------------------------------------
 * Single layers, objective L = Σ r ⊙ y with a fixed random r. */

struct conv_case {
    int Cin, Cout, K, pad, T, B, use_blas;
    real *w, *b, *x, *y, *r;
};

static double conv_objective(void *ctx) {
    struct conv_case *c = ctx;
    conv1d_forward(c->Cin, c->Cout, c->K, c->pad, c->w, c->b, c->x, c->T, c->B, c->y, c->use_blas);
    const size_t n = (size_t)conv1d_T_out(c->T, c->K, c->pad) * c->B * c->Cout;
    double L = 0;
    for (size_t i = 0; i < n; i++) L += c->r[i] * c->y[i];
    return L;
}

static void conv_check(int Cin, int Cout, int K, int pad, int T, int B, int use_blas) {
    rng_t rg;
    rng_init(&rg, 1000 + Cin * 100 + K * 10 + pad, 7);
    struct conv_case c = {.Cin = Cin, .Cout = Cout, .K = K, .pad = pad, .T = T, .B = B,
                          .use_blas = use_blas};
    const int To = conv1d_T_out(T, K, pad);
    const size_t nw = (size_t)Cout * K * Cin, nx = (size_t)T * B * Cin, ny = (size_t)To * B * Cout;
    c.w = malloc(nw * sizeof(real)), c.b = malloc(Cout * sizeof(real));
    c.x = malloc(nx * sizeof(real)), c.y = malloc(ny * sizeof(real)), c.r = malloc(ny * sizeof(real));
    fill_normal(c.w, nw, &rg, 1), fill_normal(c.b, Cout, &rg, 1), fill_normal(c.x, nx, &rg, 1);
    fill_normal(c.r, ny, &rg, 1);
    real *dw = calloc(nw, sizeof(real)), *db = calloc(Cout, sizeof(real)),
         *dx = calloc(nx, sizeof(real));
    conv1d_backward(Cin, Cout, K, pad, c.w, c.x, T, B, c.r, dw, db, dx, use_blas);
    const struct grad_objective o = {conv_objective, &c, NULL};
    grad_check_expect(&o, c.w, nw, dw, "conv.w");
    grad_check_expect(&o, c.b, Cout, db, "conv.b");
    grad_check_expect(&o, c.x, nx, dx, "conv.x");
    free(c.w), free(c.b), free(c.x), free(c.y), free(c.r), free(dw), free(db), free(dx);
}

/* Odd and even kernels, no / partial / maximal padding, T = 1, B = 1, K = 1. */
static const int conv_cases[][6] = {
    /* Cin Cout K pad T B */
    {1, 3, 5, 2, 7, 2}, {3, 2, 3, 1, 5, 3}, {2, 4, 1, 0, 4, 2},
    {2, 3, 4, 0, 6, 1}, {2, 2, 3, 2, 1, 1}, {3, 2, 5, 4, 2, 2},
};

Test(layers, gradcheck_conv1d) {
    for (size_t i = 0; i < ARRAY_LEN(conv_cases); i++)
        for (int blas = 0; blas < 2; blas++) {
            const int *k = conv_cases[i];
            conv_check(k[0], k[1], k[2], k[3], k[4], k[5], blas);
        }
}

/* PyTorch Conv1d (cross-correlation): y[t] = b + w0 x[t−1] + w1 x[t] + w2 x[t+1] with pad 1,
 * x = (1, 2, 3), w = (1, 0, −1), b = 0.5: y = (0.5 − 2, 0.5 + 1 − 3, 0.5 + 2) by hand. */
Test(layers, conv1d_known_answer) {
    const real x[3] = {1, 2, 3}, w[3] = {1, 0, -1}, b[1] = {0.5}, want[3] = {-1.5, -1.5, 2.5};
    for (int blas = 0; blas < 2; blas++) {
        real y[3];
        conv1d_forward(1, 1, 3, 1, w, b, x, 3, 1, y, blas);
        for (int t = 0; t < 3; t++) cr_expect_float_eq(y[t], want[t], 1e-15, "t=%d blas=%d", t, blas);
    }
    /* tap order of the (Cout, K, Cin) layout: Cin = 2, one tap, w[0,0,c] pairs with channel c */
    const real x2[2] = {3, 5}, w2[2] = {2, -1}, b2[1] = {0};
    real y2[1];
    conv1d_forward(2, 1, 1, 0, w2, b2, x2, 1, 1, y2, 1);
    cr_expect_float_eq(y2[0], 1.0, 1e-15);
}

struct dense_case {
    int Cin, Cout, R, use_blas;
    real *w, *b, *x, *y, *r;
};

static double dense_objective(void *ctx) {
    struct dense_case *c = ctx;
    dense_forward(c->Cin, c->Cout, c->w, c->b, c->x, c->R, c->y, c->use_blas);
    double L = 0;
    for (size_t i = 0; i < (size_t)c->R * c->Cout; i++) L += c->r[i] * c->y[i];
    return L;
}

Test(layers, gradcheck_dense) {
    const int cases[][3] = {{4, 3, 5}, {1, 1, 1}, {6, 2, 3}};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        for (int blas = 0; blas < 2; blas++) {
            struct dense_case c = {.Cin = cases[i][0], .Cout = cases[i][1], .R = cases[i][2],
                                  .use_blas = blas};
            rng_t rg;
            rng_init(&rg, 50 + i, 3);
            const size_t nw = (size_t)c.Cout * c.Cin, nx = (size_t)c.R * c.Cin,
                         ny = (size_t)c.R * c.Cout;
            c.w = malloc(nw * sizeof(real)), c.b = malloc(c.Cout * sizeof(real));
            c.x = malloc(nx * sizeof(real)), c.y = malloc(ny * sizeof(real));
            c.r = malloc(ny * sizeof(real));
            fill_normal(c.w, nw, &rg, 1), fill_normal(c.b, c.Cout, &rg, 1);
            fill_normal(c.x, nx, &rg, 1), fill_normal(c.r, ny, &rg, 1);
            real *dw = calloc(nw, sizeof(real)), *db = calloc(c.Cout, sizeof(real)),
                 *dx = calloc(nx, sizeof(real));
            dense_backward(c.Cin, c.Cout, c.w, c.x, c.R, c.r, dw, db, dx, blas);
            const struct grad_objective o = {dense_objective, &c, NULL};
            grad_check_expect(&o, c.w, nw, dw, "dense.w");
            grad_check_expect(&o, c.b, c.Cout, db, "dense.b");
            grad_check_expect(&o, c.x, nx, dx, "dense.x");
            free(c.w), free(c.b), free(c.x), free(c.y), free(c.r), free(dw), free(db), free(dx);
        }
}

/* ReLU and max pooling: inputs kept at least 0.1 away from 0 and from each other, so no
 * finite-difference step (4e-4 at most) reaches a kink. */
struct pw_case {
    int kind; /* 0 relu, 1 maxpool */
    int C, k, T, B;
    real *x, *y, *r;
};

static double pw_objective(void *ctx) {
    struct pw_case *c = ctx;
    size_t ny;
    if (c->kind == 0) {
        ny = (size_t)c->T * c->B * c->C;
        relu_forward(c->x, ny, c->y);
    } else {
        ny = (size_t)maxpool_T_out(c->T, c->k) * c->B * c->C;
        maxpool_forward(c->C, c->k, c->x, c->T, c->B, c->y);
    }
    double L = 0;
    for (size_t i = 0; i < ny; i++) L += c->r[i] * c->y[i];
    return L;
}

static void pw_check(int kind, int C, int k, int T, int B) {
    struct pw_case c = {.kind = kind, .C = C, .k = k, .T = T, .B = B};
    rng_t rg;
    rng_init(&rg, 77 + kind * 10 + k, 5);
    const size_t nx = (size_t)T * B * C;
    c.x = malloc(nx * sizeof(real)), c.y = malloc(nx * sizeof(real)), c.r = malloc(nx * sizeof(real));
    /* distinct values on a 0.2 grid, shuffled, none at 0: |x_i − x_j| >= 0.2, |x_i| >= 0.1 */
    int *perm = malloc(nx * sizeof(int));
    for (size_t i = 0; i < nx; i++) perm[i] = (int)i;
    rng_shuffle_int(&rg, perm, (int)nx);
    for (size_t i = 0; i < nx; i++) c.x[i] = (real)(0.2 * (perm[i] - (double)nx / 2) + 0.1);
    fill_normal(c.r, nx, &rg, 1);
    real *dx = calloc(nx, sizeof(real));
    if (kind == 0) relu_backward(c.x, nx, c.r, dx);
    else maxpool_backward(C, k, c.x, T, B, c.r, dx);
    const struct grad_objective o = {pw_objective, &c, NULL};
    grad_check_expect(&o, c.x, nx, dx, kind == 0 ? "relu.x" : "maxpool.x");
    free(c.x), free(c.y), free(c.r), free(dx), free(perm);
}

Test(layers, gradcheck_relu_and_maxpool) {
    pw_check(0, 3, 0, 4, 2);
    pw_check(1, 3, 2, 7, 2); /* odd T: the last step is dropped, its gradient is 0 */
    pw_check(1, 2, 3, 6, 3);
    pw_check(1, 1, 2, 2, 1);
}

Test(layers, maxpool_known_answer) {
    /* C = 1, B = 1, k = 2, T = 5: windows (1, 4), (2, 2), trailing 9 dropped; ties: first */
    const real x[5] = {1, 4, 2, 2, 9}, dy[2] = {10, 20};
    real y[2], dx[5] = {0};
    maxpool_forward(1, 2, x, 5, 1, y);
    cr_expect(y[0] == 4 && y[1] == 2);
    maxpool_backward(1, 2, x, 5, 1, dy, dx);
    cr_expect(dx[0] == 0 && dx[1] == 10 && dx[2] == 20 && dx[3] == 0 && dx[4] == 0);
}

struct embed_case {
    int V, D, R;
    real *E, *ids, *y, *r;
};

static double embed_objective(void *ctx) {
    struct embed_case *c = ctx;
    embed_forward(c->V, c->D, c->E, c->ids, c->R, c->y);
    double L = 0;
    for (size_t i = 0; i < (size_t)c->R * c->D; i++) L += c->r[i] * c->y[i];
    return L;
}

Test(layers, gradcheck_embed) {
    struct embed_case c = {.V = 5, .D = 3, .R = 7};
    rng_t rg;
    rng_init(&rg, 9, 9);
    c.E = malloc(c.V * c.D * sizeof(real)), c.y = malloc(c.R * c.D * sizeof(real));
    c.r = malloc(c.R * c.D * sizeof(real)), c.ids = malloc(c.R * sizeof(real));
    const int ids[7] = {0, 3, 3, 1, 4, 3, 0}; /* repeats accumulate; id 2 is never used */
    for (int i = 0; i < c.R; i++) c.ids[i] = ids[i];
    fill_normal(c.E, c.V * c.D, &rg, 1), fill_normal(c.r, c.R * c.D, &rg, 1);
    real *dE = calloc(c.V * c.D, sizeof(real));
    embed_backward(c.V, c.D, c.ids, c.R, c.r, dE);
    const struct grad_objective o = {embed_objective, &c, NULL};
    grad_check_expect(&o, c.E, c.V * c.D, dE, "embed.E");
    for (int d = 0; d < c.D; d++) cr_expect(dE[2 * c.D + d] == 0, "unused row 2 has a gradient");
    free(c.E), free(c.y), free(c.r), free(c.ids), free(dE);
}

/* ------------------------------------------------------------------------------------------
 * GEMM path vs plain loops, layer by layer (forward and every gradient). */

Test(layers, blas_matches_plain_conv_dense) {
    for (size_t i = 0; i < ARRAY_LEN(conv_cases); i++) {
        const int Cin = conv_cases[i][0] + 3, Cout = conv_cases[i][1] + 5, K = conv_cases[i][2],
                  pad = conv_cases[i][3], T = conv_cases[i][4] + 9, B = conv_cases[i][5] + 2;
        const int To = conv1d_T_out(T, K, pad);
        const size_t nw = (size_t)Cout * K * Cin, nx = (size_t)T * B * Cin, ny = (size_t)To * B * Cout;
        rng_t rg;
        rng_init(&rg, 300 + i, 1);
        real *w = malloc(nw * sizeof(real)), *b = malloc(Cout * sizeof(real)),
             *x = malloc(nx * sizeof(real));
        /* dy serves the convolution (To·B·Cout) and then dense (T·B·Cout rows): the larger */
        const size_t ndy = ny > (size_t)T * B * Cout ? ny : (size_t)T * B * Cout;
        real *dy = malloc(ndy * sizeof(real));
        fill_normal(w, nw, &rg, 1), fill_normal(b, Cout, &rg, 1), fill_normal(x, nx, &rg, 1);
        fill_normal(dy, ndy, &rg, 1);
        real *y[2], *dw[2], *db[2], *dx[2];
        for (int p = 0; p < 2; p++) {
            y[p] = malloc((ny > (size_t)T * B * Cout ? ny : (size_t)T * B * Cout) * sizeof(real));
            dw[p] = calloc(nw, sizeof(real)), db[p] = calloc(Cout, sizeof(real));
            dx[p] = calloc(nx, sizeof(real));
            conv1d_forward(Cin, Cout, K, pad, w, b, x, T, B, y[p], p);
            conv1d_backward(Cin, Cout, K, pad, w, x, T, B, dy, dw[p], db[p], dx[p], p);
        }
        agree_expect_close(y[0], y[1], ny, "conv y");
        agree_expect_close(dw[0], dw[1], nw, "conv dw");
        agree_expect_close(db[0], db[1], Cout, "conv db");
        agree_expect_close(dx[0], dx[1], nx, "conv dx");
        /* dense on the same buffers: rows = T·B, Cin -> Cout */
        real *dwd[2], *dxd[2];
        for (int p = 0; p < 2; p++) {
            dense_forward(Cin, Cout, w, b, x, T * B, y[p], p);
            dwd[p] = calloc((size_t)Cout * Cin, sizeof(real)), dxd[p] = calloc(nx, sizeof(real));
            memset(db[p], 0, Cout * sizeof(real));
            dense_backward(Cin, Cout, w, x, T * B, dy, dwd[p], db[p], dxd[p], p);
        }
        agree_expect_close(y[0], y[1], (size_t)T * B * Cout, "dense y");
        agree_expect_close(dwd[0], dwd[1], (size_t)Cout * Cin, "dense dw");
        agree_expect_close(db[0], db[1], Cout, "dense db");
        agree_expect_close(dxd[0], dxd[1], nx, "dense dx");
        for (int p = 0; p < 2; p++) free(y[p]), free(dw[p]), free(db[p]), free(dx[p]), free(dwd[p]), free(dxd[p]);
        free(w), free(b), free(x), free(dy);
    }
}

/* ------------------------------------------------------------------------------------------
 * Encoders inside a full AL-RNN: CE on the last step, the regulariser on, every tensor of
 * model and encoder checked element-wise. */

struct enc_problem {
    struct alrnn m;
    struct alrnn_work w;
    struct layer_stack spec;
    int T_in, B, N_in;
    real *x;        /* (T_in, B, N_in) */
    int32_t *label; /* (B) */
    real *mask;     /* (B) */
    uint64_t pattern;
};

static double enc_objective_grad(struct enc_problem *p, real *grad) {
    rng_t r;
    rng_init(&r, 4242, 1);
    alrnn_set_z0(&p->m, &p->w, &r);
    alrnn_forward(&p->m, &p->w, p->x);
    /* the pattern: encoder ReLU signs and pooling argmaxes, AL-RNN ReLU-unit signs */
    uint64_t h = stack_pattern_hash(&p->spec, p->x, p->T_in, p->B, p->w.enc_work);
    const int M = p->m.cfg.M, P = p->m.cfg.P;
    for (size_t rr = 0; rr < (size_t)(p->w.T + 1) * p->B; rr++)
        for (int i = M - P; i < M; i++) h = (h ^ (p->w.Z[rr * M + i] > 0)) * 1099511628211ULL;
    p->pattern = h;
    double L = loss_eval(LOSS_CE, p->B, p->m.cfg.K, p->w.Y, NULL, p->label, p->mask,
                         grad ? p->w.dY : NULL);
    if (grad) {
        memset(grad, 0, p->m.n_params * sizeof(real));
        alrnn_backward(&p->m, &p->w, p->x, grad, NULL, NULL);
    }
    return L + alrnn_mar(&p->m, 0.1, 2, grad);
}

static double enc_objective(void *ctx) { return enc_objective_grad(ctx, NULL); }

static void enc_problem_setup(struct enc_problem *p, const struct encoder_type *type,
                             void (*spec)(const struct encoder *, struct layer_stack *),
                             const int opt[ENCODER_MAX_OPTS], int N_in, int M, int P, int T_in, int B,
                             int token_vocab, uint64_t seed) {
    memset(p, 0, sizeof *p);
    struct encoder e = {.type = type, .N_in = N_in, .M = M};
    if (opt) memcpy(e.opt, opt, sizeof e.opt);
    struct alrnn_config c = {.M = M, .P = P, .K = 3, .form = ALRNN_FORM_SEQ,
                             .init = ALRNN_INIT_SEQ, .z0 = Z0_UNIFORM,
                             .readout = READOUT_LAST, .readout_bias = 1};
    alrnn_create(&p->m, &c, &e);
    spec(&p->m.enc, &p->spec);
    rng_t r;
    rng_init(&r, seed, 11);
    alrnn_init_params(&p->m, &r);
    /* AL-RNN parameters large enough that the ReLU units visit both sides of the kink */
    for (size_t i = 0; i < p->m.enc_offset; i++) p->m.params[i] = (real)(0.5 * rng_normal(&r));
    p->T_in = T_in, p->B = B, p->N_in = N_in;
    alrnn_work_alloc(&p->w, &p->m, T_in, B);
    const size_t nx = (size_t)T_in * B * N_in;
    p->x = malloc(nx * sizeof(real));
    for (size_t i = 0; i < nx; i++)
        p->x[i] = token_vocab ? (real)rng_below(&r, token_vocab) : (real)rng_uniform(&r);
    p->label = malloc(B * sizeof(int32_t));
    p->mask = malloc(B * sizeof(real));
    for (int b = 0; b < B; b++) p->label[b] = (int32_t)rng_below(&r, 3), p->mask[b] = 1;
}

static void enc_problem_free(struct enc_problem *p) {
    alrnn_work_free(&p->w);
    alrnn_free(&p->m);
    free(p->x), free(p->label), free(p->mask);
}

/* Problems whose encoder activations keep ENC_KINK_MARGIN from every ReLU kink and pooling
 * tie, and whose AL-RNN ReLU units keep RNN_KINK_MARGIN from 0: a step of 2·GRAD_STEP on one
 * parameter moves an activation by far less for these O(1) weights and inputs. */
#define ENC_KINK_MARGIN 2e-3
#define RNN_KINK_MARGIN 1e-2

static void enc_problem_init(struct enc_problem *p, const struct encoder_type *type,
                             void (*spec)(const struct encoder *, struct layer_stack *),
                             const int opt[ENCODER_MAX_OPTS], int N_in, int M, int P, int T_in,
                             int B, int token_vocab, uint64_t seed) {
    for (int attempt = 0;; attempt++) {
        cr_assert(attempt < 2000, "no problem with kink margins found");
        enc_problem_setup(p, type, spec, opt, N_in, M, P, T_in, B, token_vocab,
                          seed + 7919 * (uint64_t)attempt);
        enc_objective(p);
        double rnn = INFINITY; /* z_0 is fixed (seeded), so only z_1..z_T can move */
        for (size_t r = B; r < (size_t)(p->w.T + 1) * B; r++)
            for (int i = M - P; i < M; i++) rnn = fmin(rnn, fabs(p->w.Z[r * M + i]));
        if (rnn > RNN_KINK_MARGIN &&
            stack_kink_margin(&p->spec, p->x, T_in, B, p->w.enc_work) > ENC_KINK_MARGIN)
            return;
        enc_problem_free(p);
    }
}

/* Checks every tensor; a frozen tensor must have an exactly zero gradient instead. */
static void enc_gradcheck(struct enc_problem *p) {
    real *grad = calloc(p->m.n_params, sizeof(real));
    enc_objective_grad(p, grad);
    const struct grad_objective o = {enc_objective, p, &p->pattern};
    for (int t = 0; t < p->m.n_tensors; t++) {
        const struct alrnn_tensor *ten = &p->m.tensors[t];
        if (strstr(ten->description, "frozen")) {
            cr_expect(agree_max_abs(grad + ten->offset, ten->size) == 0, "%s is frozen",
                      ten->name);
            continue;
        }
        grad_check_expect(&o, p->m.params + ten->offset, ten->size, grad + ten->offset, ten->name);
    }
    free(grad);
}

Test(layers, gradcheck_smnist_cnn_in_alrnn) {
    for (int pools = 1; pools <= 2; pools++) {
        const int opt[ENCODER_MAX_OPTS] = {pools};
        struct enc_problem p;
        enc_problem_init(&p, &encoder_smnist_cnn, enc_smnist_spec, opt, 1, 4, 2, 8, 1, 0, 31 + pools);
        cr_assert_eq(p.w.T, pools == 2 ? 2 : 4);
        enc_gradcheck(&p);
        enc_problem_free(&p);
    }
}

Test(layers, gradcheck_audio_cnn_in_alrnn) {
    const int opt[ENCODER_MAX_OPTS] = {4};
    struct enc_problem p;
    enc_problem_init(&p, &encoder_audio_cnn, enc_audio_spec, opt, 3, 4, 4, 5, 2, 0, 41);
    cr_assert_eq(p.w.T, 5);
    enc_gradcheck(&p);
    enc_problem_free(&p);
    /* P = 0 and T = 1: the padding covers both neighbours */
    enc_problem_init(&p, &encoder_audio_cnn, enc_audio_spec, opt, 2, 3, 0, 1, 3, 0, 42);
    enc_gradcheck(&p);
    enc_problem_free(&p);
}

Test(layers, gradcheck_token_mlp_in_alrnn) {
    for (int frozen = 0; frozen < 2; frozen++) {
        const int opt[ENCODER_MAX_OPTS] = {7, 3, 5, frozen}; /* V, D, H, frozen */
        struct enc_problem p;
        enc_problem_init(&p, &encoder_token_mlp, enc_token_spec, opt, 1, 4, 2, 4, 3, 7, 51 + frozen);
        enc_gradcheck(&p);
        enc_problem_free(&p);
    }
}

/* The check must be able to fail: the real checker, run on every encoder tensor with one
 * analytic entry off by GRAD_PLANTED_ERROR (relative), reports exactly that entry, and passes
 * the tensor unperturbed. */
Test(layers, gradcheck_detects_wrong_encoder_gradient) {
    const int opt[ENCODER_MAX_OPTS] = {4};
    struct enc_problem p;
    enc_problem_init(&p, &encoder_audio_cnn, enc_audio_spec, opt, 3, 4, 2, 5, 2, 0, 43);
    real *grad = calloc(p.m.n_params, sizeof(real));
    enc_objective_grad(&p, grad);
    const struct grad_objective o = {enc_objective, &p, &p.pattern};
    int n_enc = 0;
    for (int t = 0; t < p.m.n_tensors; t++) {
        const struct alrnn_tensor *ten = &p.m.tensors[t];
        if (ten->offset < p.m.enc_offset) continue;
        n_enc++;
        grad_expect_catches_planted_error(&o, p.m.params + ten->offset, ten->size,
                                          grad + ten->offset, ten->name);
    }
    cr_assert_eq(n_enc, 4, "the audio encoder has two convolutions (w, b each)");
    free(grad);
    enc_problem_free(&p);
}

/* ------------------------------------------------------------------------------------------
 * Whole encoders: GEMM vs plain, shapes, tensor tables, determinism. */

Test(layers, blas_matches_plain_encoders) {
    const int none[4] = {0}, audio[4] = {0}, token[4] = {30, 8, 16, 0};
    agree_encoder_stack(&encoder_smnist_cnn, none, 1, 10, 64, 3, 0);
    agree_encoder_stack(&encoder_audio_cnn, audio, 40, 12, 9, 4, 0);
    agree_encoder_stack(&encoder_token_mlp, token, 1, 6, 11, 5, 30);
}

Test(layers, encoder_shapes_and_tensors) {
    struct encoder e = {.type = &encoder_smnist_cnn, .N_in = 1, .M = 100};
    int T, N;
    e.type->shape(&e, 784, &T, &N);
    cr_expect(T == 196 && N == 100, "sMNIST with two pools: 784 -> 196 steps (PAPER.md 2.2)");
    e.opt[0] = 1;
    e.type->shape(&e, 784, &T, &N);
    cr_expect(T == 392, "sMNIST with one pool: 784 -> 392 steps");
    const struct encoder_type *types[3] = {&encoder_smnist_cnn, &encoder_audio_cnn,
                                           &encoder_token_mlp};
    const int n_in[3] = {1, 40, 1};
    const size_t want[3] = {
        16 * 15 + 16 + 32 * 7 * 16 + 32 + 100 * 3 * 32 + 100, /* three convolutions */
        64 * 3 * 40 + 64 + 100 * 3 * 64 + 100,                /* two convolutions */
        20002 * 100 + 128 * 100 + 128 + 128 * 128 + 128 + 100 * 128 + 100};
    for (int k = 0; k < 3; k++) {
        struct encoder f = {.type = types[k], .N_in = n_in[k], .M = 100};
        size_t off = 0;
        for (int i = 0; i < f.type->n_tensors(&f); i++) {
            struct alrnn_tensor t = f.type->tensor(&f, i);
            cr_expect_eq(t.offset, off, "%s: tensor %s is not contiguous", f.type->name, t.name);
            cr_expect_eq(t.size, (size_t)t.rows * t.cols);
            cr_expect(strncmp(t.name, "enc.", 4) == 0);
            off += t.size;
        }
        cr_expect_eq(off, want[k], "%s: %zu parameters", f.type->name, off);
        f.type->shape(&f, 50, &T, &N);
        cr_expect(N == 100 && (k == 0 || T == 50));
    }
}

Test(layers, same_seed_same_bytes) {
    struct encoder e = {.type = &encoder_smnist_cnn, .N_in = 1, .M = 7};
    const size_t np = encoder_n_params(&e);
    real *a = malloc(np * sizeof(real)), *b = malloc(np * sizeof(real));
    rng_t r1, r2;
    rng_init(&r1, 3, 2), rng_init(&r2, 3, 2);
    e.type->init(&e, a, &r1);
    e.type->init(&e, b, &r2);
    cr_expect(memcmp(a, b, np * sizeof(real)) == 0);
    const int T_in = 40, B = 2;
    real x[80], y1[10 * 2 * 7], y2[10 * 2 * 7];
    for (int i = 0; i < T_in * B; i++) x[i] = (real)(i % 7) / 7;
    void *w = calloc(1, e.type->work_size(&e, T_in, B));
    e.type->forward(&e, a, x, T_in, B, y1, w, 1);
    e.type->forward(&e, a, x, T_in, B, y2, w, 1);
    cr_expect(memcmp(y1, y2, sizeof y1) == 0);
    free(a), free(b), free(w);
}

/* The pretrained table reaches the embedding rows it covers; the rest keep the random init. */
Test(layers, pretrained_embedding_is_copied) {
    const real table[2 * 3] = {1, 2, 3, 4, 5, 6};
    enc_token_set_pretrained(table, 2, 3);
    struct encoder e = {.type = &encoder_token_mlp, .N_in = 1, .M = 4, .opt = {5, 3, 4, 1}};
    real *p = calloc(encoder_n_params(&e), sizeof(real));
    rng_t r;
    rng_init(&r, 1, 1);
    e.type->init(&e, p, &r);
    cr_expect(memcmp(p, table, sizeof table) == 0);
    cr_expect(p[6] != 0, "row 2 keeps its random vector");
    enc_token_set_pretrained(NULL, 0, 0);
    free(p);
}

Test(layers, pretrained_embedding_mismatch_dies, .exit_code = 1) {
    const real table[2 * 4] = {0};
    enc_token_set_pretrained(table, 2, 4); /* D = 4, the encoder has D = 3 */
    struct encoder e = {.type = &encoder_token_mlp, .N_in = 1, .M = 4, .opt = {5, 3, 4, 1}};
    real *p = calloc(encoder_n_params(&e), sizeof(real));
    rng_t r;
    rng_init(&r, 1, 1);
    e.type->init(&e, p, &r);
}

/* The GEMM path of a convolution works on blocks of output rows (core/layers.c CONV_ROWS):
 * 630 rows (two full blocks and a tail), taps reaching past both ends, against the plain
 * loops, forward and every gradient. */
static void conv_row_blocks_agree(int Cin) {
    const int Cout = 7, K = 5, pad = 2, T = 70, B = 9;
    const int To = conv1d_T_out(T, K, pad);
    const size_t nw = (size_t)Cout * K * Cin, nx = (size_t)T * B * Cin, ny = (size_t)To * B * Cout;
    rng_t rg;
    rng_init(&rg, 911 + Cin, 1);
    real *w = malloc(nw * sizeof(real)), *b = malloc(Cout * sizeof(real));
    real *x = malloc(nx * sizeof(real)), *dy = malloc(ny * sizeof(real));
    fill_normal(w, nw, &rg, 1), fill_normal(b, Cout, &rg, 1), fill_normal(x, nx, &rg, 1);
    fill_normal(dy, ny, &rg, 1);
    real *y[2], *dw[2], *db[2], *dx[2];
    for (int p = 0; p < 2; p++) {
        y[p] = malloc(ny * sizeof(real));
        dw[p] = calloc(nw, sizeof(real)), db[p] = calloc(Cout, sizeof(real));
        dx[p] = calloc(nx, sizeof(real));
        conv1d_forward(Cin, Cout, K, pad, w, b, x, T, B, y[p], p);
        conv1d_backward(Cin, Cout, K, pad, w, x, T, B, dy, dw[p], db[p], dx[p], p);
    }
    for (size_t i = 0; i < ny; i++)
        cr_assert(fabs(y[0][i] - y[1][i]) <= AGREE_TOL * (1 + fabs(y[0][i])), "y[%zu]", i);
    for (size_t i = 0; i < nw; i++)
        cr_assert(fabs(dw[0][i] - dw[1][i]) <= AGREE_TOL * (1 + fabs(dw[0][i])), "dw[%zu]", i);
    for (int i = 0; i < Cout; i++)
        cr_assert(fabs(db[0][i] - db[1][i]) <= AGREE_TOL * (1 + fabs(db[0][i])), "db[%d]", i);
    for (size_t i = 0; i < nx; i++)
        cr_assert(fabs(dx[0][i] - dx[1][i]) <= AGREE_TOL * (1 + fabs(dx[0][i])), "dx[%zu]", i);
    for (int p = 0; p < 2; p++) free(y[p]), free(dw[p]), free(db[p]), free(dx[p]);
    free(w), free(b), free(x), free(dy);
}

/* Cin = 1 has its own im2col gather (the first sMNIST layer); Cin = 3 the general one */
Test(layers, blas_matches_plain_conv_across_row_blocks) {
    conv_row_blocks_agree(1);
    conv_row_blocks_agree(3);
}

/* maxpool_backward's k = 2 path (two selects per row) against the argmax it replaces, on
 * values with many ties and a NaN in either step of a window */
Test(layers, maxpool_backward_k2_matches_argmax) {
    const int C = 5, B = 3, T = 9, k = 2, To = maxpool_T_out(T, k);
    const size_t row = (size_t)B * C, nx = (size_t)T * row;
    real x[9 * 15], dy[4 * 15], dx[9 * 15] = {0}, ref[9 * 15] = {0};
    rng_t rg;
    rng_init(&rg, 77, 1);
    for (size_t i = 0; i < nx; i++) x[i] = (real)(int)(3 * rng_uniform(&rg)); /* 0, 1, 2 */
    for (size_t i = 0; i < (size_t)To * row; i++) dy[i] = 1 + (real)i;
    x[0] = NAN, x[row + 1] = NAN; /* window 0: NaN first, NaN second */
    maxpool_backward(C, k, x, T, B, dy, dx);
    for (int t = 0; t < To; t++)
        for (size_t i = 0; i < row; i++) {
            const real a = x[(size_t)2 * t * row + i], b = x[(size_t)(2 * t + 1) * row + i];
            ref[(size_t)(2 * t + (b > a)) * row + i] += dy[t * row + i];
        }
    for (size_t i = 0; i < nx; i++) cr_expect(dx[i] == ref[i], "dx[%zu] %g vs %g", i, dx[i], ref[i]);
}
