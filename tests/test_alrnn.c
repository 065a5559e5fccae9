/* test_alrnn.c: the AL-RNN forward/backward pair and the training loop.
 *
 * Families (STYLE.md 10): element-wise central-difference gradient checks of every parameter,
 * of the inputs and of the initial state, in the double-precision build; BLAS path vs plain
 * loops; same seed -> identical bytes. Shapes are small so every element is checked. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "alrnn.h"
#include "loss.h"
#include "optim.h"
#include "tasks.h"
#include "train.h"
#include "agree.h"
#include "gradcheck.h"
#include "kernels.h"


struct problem {
    struct alrnn m;
    struct alrnn_work w;
    int T, B;
    real *x;        /* (T, B, N) */
    real *y;        /* (T_out, B, K) */
    int32_t *label; /* (T_out, B) */
    real *mask;     /* (T_out, B) */
    loss_kind loss;
    double tau;
    int M_reg;
    uint64_t z0_seed;
};

static void problem_setup(struct problem *p, alrnn_form form, int M, int P, readout_kind ro,
                          loss_kind loss, int T, int B, uint64_t seed) {
    memset(p, 0, sizeof *p);
    const int N = 3, K = 3;
    struct alrnn_config c = {.M = M, .P = P, .N = N, .K = K, .form = form,
                             .init = ALRNN_INIT_SEQ, .z0 = Z0_UNIFORM, .readout = ro,
                             .readout_bias = 1};
    alrnn_create(&p->m, &c, NULL);
    rng_t r;
    rng_init(&r, seed, 99);
    /* large random parameters so the ReLU units visit both sides of their kink */
    for (size_t i = 0; i < p->m.n_params; i++) p->m.params[i] = 0.5 * rng_normal(&r);
    p->T = T, p->B = B, p->loss = loss, p->tau = 0.1, p->M_reg = M > 1 ? M / 2 + 1 : 1;
    p->z0_seed = seed + 7;
    alrnn_work_alloc(&p->w, &p->m, T, B);
    const int To = p->w.T_out;
    p->x = malloc(sizeof(real) * T * B * N);
    p->y = malloc(sizeof(real) * To * B * K);
    p->label = malloc(sizeof(int32_t) * To * B);
    p->mask = malloc(sizeof(real) * To * B);
    for (int i = 0; i < T * B * N; i++) p->x[i] = rng_normal(&r);
    for (int i = 0; i < To * B * K; i++) p->y[i] = rng_normal(&r);
    for (int i = 0; i < To * B; i++) {
        p->label[i] = (int32_t)rng_below(&r, K);
        p->mask[i] = rng_uniform(&r) < 0.3 ? 0 : 1; /* some steps carry no loss */
    }
    p->mask[0] = 1;
}

static void problem_free(struct problem *p);
static double objective(struct problem *p, real *grad, real *dx, real *dz0, const real *z0);

/* Smallest |pre-activation| of a ReLU unit over the problem's states. */
static double kink_margin(struct problem *p) {
    objective(p, NULL, NULL, NULL, NULL);
    const int M = p->m.cfg.M, P = p->m.cfg.P;
    double mn = INFINITY;
    for (int r = 0; r < (p->T + 1) * p->B; r++)
        for (int i = M - P; i < M; i++) mn = fmin(mn, fabs(p->w.Z[(size_t)r * M + i]));
    return mn;
}

/* Random problems whose ReLU states all keep this distance from the kink, so that the
 * finite-difference steps below never cross it (a crossing makes the estimate meaningless). */
#define KINK_MARGIN 0.02

static void problem_init(struct problem *p, alrnn_form form, int M, int P, readout_kind ro,
                         loss_kind loss, int T, int B, uint64_t seed) {
    for (int attempt = 0;; attempt++) {
        ASSERT(attempt < 1000);
        problem_setup(p, form, M, P, ro, loss, T, B, seed + 7919 * (uint64_t)attempt);
        if (kink_margin(p) > KINK_MARGIN) return;
        problem_free(p);
    }
}

static void problem_free(struct problem *p) {
    alrnn_work_free(&p->w);
    alrnn_free(&p->m);
    free(p->x);
    free(p->y);
    free(p->label);
    free(p->mask);
}

/* Total objective: task loss + regulariser; gradient into grad/dx/dz0 when non-NULL. */
static uint64_t pattern_hash(const struct problem *p) {
    const int M = p->m.cfg.M, P = p->m.cfg.P;
    uint64_t h = 1469598103934665603ULL;
    for (int r = 0; r < (p->T + 1) * p->B; r++)
        for (int i = M - P; i < M; i++) h = (h ^ (p->w.Z[(size_t)r * M + i] > 0)) * 1099511628211ULL;
    return h;
}

static uint64_t last_pattern;

static double objective(struct problem *p, real *grad, real *dx, real *dz0, const real *z0) {
    rng_t r;
    rng_init(&r, p->z0_seed, 1);
    alrnn_set_z0(&p->m, &p->w, &r);
    if (z0) memcpy(p->w.Z, z0, sizeof(real) * p->B * p->m.cfg.M);
    alrnn_forward(&p->m, &p->w, p->x);
    last_pattern = pattern_hash(p);
    double L = loss_eval(p->loss, p->w.T_out * p->B, p->m.cfg.K, p->w.Y, p->y, p->label,
                         p->mask, grad ? p->w.dY : NULL);
    if (grad) {
        memset(grad, 0, sizeof(real) * p->m.n_params);
        alrnn_backward(&p->m, &p->w, p->x, grad, dx, dz0);
    }
    return L + alrnn_mar(&p->m, p->tau, p->M_reg, grad);
}

/* The objective as the checker sees it: the problem with its z_0 overridden by z0 (NULL:
 * the seeded draw); the pattern is the ReLU signs of the last evaluation. */
struct alrnn_objective {
    struct problem *p;
    const real *z0;
};

static double alrnn_objective_f(void *ctx) {
    const struct alrnn_objective *o = ctx;
    return objective(o->p, NULL, NULL, NULL, o->z0);
}

/* Checks d objective / d v for every element of v (n) against the analytic gradient. */
static void check_vector(struct problem *p, real *v, size_t n, const real *analytic,
                         const real *z0, const char *what) {
    struct alrnn_objective ctx = {p, z0};
    const struct grad_objective o = {alrnn_objective_f, &ctx, &last_pattern};
    grad_check_expect(&o, v, n, analytic, what);
}

static void gradcheck(alrnn_form form, int M, int P, readout_kind ro, loss_kind loss) {
    struct problem p;
    problem_init(&p, form, M, P, ro, loss, 7, 3, 1000 + M * 10 + P);
    const int N = p.m.cfg.N;
    real *grad = calloc(p.m.n_params, sizeof(real));
    real *dx = calloc((size_t)p.T * p.B * N, sizeof(real));
    real *dz0 = calloc((size_t)p.B * M, sizeof(real));
    real *z0 = malloc(sizeof(real) * p.B * M);
    objective(&p, grad, dx, dz0, NULL);
    memcpy(z0, p.w.Z, sizeof(real) * p.B * M);
    for (int t = 0; t < p.m.n_tensors; t++) {
        const struct alrnn_tensor *ten = &p.m.tensors[t];
        check_vector(&p, p.m.params + ten->offset, ten->size, grad + ten->offset, NULL, ten->name);
    }
    check_vector(&p, p.x, (size_t)p.T * p.B * N, dx, NULL, "x");
    check_vector(&p, z0, (size_t)p.B * M, dz0, z0, "z0");
    free(grad);
    free(dx);
    free(dz0);
    free(z0);
    problem_free(&p);
}

/* Both parameterisations, P in {0, 1, M}, both readouts, both losses, regulariser on. */
Test(alrnn, gradcheck_seq_form) {
    const int M = 6, Ps[] = {0, 1, M};
    for (int i = 0; i < 3; i++) {
        gradcheck(ALRNN_FORM_SEQ, M, Ps[i], READOUT_LAST, LOSS_MSE);
        gradcheck(ALRNN_FORM_SEQ, M, Ps[i], READOUT_ALL, LOSS_CE);
    }
}

Test(alrnn, gradcheck_dsr_form) {
    const int M = 6, Ps[] = {0, 1, M};
    for (int i = 0; i < 3; i++) {
        gradcheck(ALRNN_FORM_DSR, M, Ps[i], READOUT_ALL, LOSS_MSE);
        gradcheck(ALRNN_FORM_DSR, M, Ps[i], READOUT_LAST, LOSS_CE);
    }
}

Test(alrnn, gradcheck_single_step_and_unit) {
    gradcheck(ALRNN_FORM_SEQ, 1, 1, READOUT_LAST, LOSS_MSE);
    gradcheck(ALRNN_FORM_DSR, 1, 0, READOUT_ALL, LOSS_CE);
}

/* The gradient check must be able to fail: the real checker, run on each tensor with one
 * analytic entry off by GRAD_PLANTED_ERROR (relative), reports exactly that entry, and
 * passes the same tensor unperturbed. */
Test(alrnn, gradcheck_detects_wrong_gradient) {
    struct problem p;
    problem_init(&p, ALRNN_FORM_SEQ, 4, 2, READOUT_LAST, LOSS_MSE, 5, 2, 5);
    real *grad = calloc(p.m.n_params, sizeof(real));
    objective(&p, grad, NULL, NULL, NULL);
    struct alrnn_objective ctx = {&p, NULL};
    const struct grad_objective o = {alrnn_objective_f, &ctx, &last_pattern};
    for (int t = 0; t < p.m.n_tensors; t++) {
        const struct alrnn_tensor *ten = &p.m.tensors[t];
        grad_expect_catches_planted_error(&o, p.m.params + ten->offset, ten->size,
                                          grad + ten->offset, ten->name);
    }
    free(grad);
    problem_free(&p);
}

/* The kink allowance never lets a whole tensor through unchecked: an objective whose every
 * step crosses a kink (|x| at x = 0) fails the check even for a single element, while one
 * kink among 10 elements is allowed. */
static uint64_t abs_pattern;
static double abs_sum(void *ctx) {
    const real *x = ctx;
    double s = 0;
    abs_pattern = 1469598103934665603ULL;
    for (int i = 0; i < 10; i++) {
        s += fabs(x[i]);
        abs_pattern = (abs_pattern ^ (uint64_t)(x[i] > 0)) * 1099511628211ULL;
    }
    return s;
}

Test(alrnn, gradcheck_never_skips_a_whole_tensor) {
    real x[10] = {0}, g[10] = {0};
    const struct grad_objective o = {abs_sum, x, &abs_pattern};
    struct grad_result r = grad_check(&o, x, 1, g); /* a one-element tensor at the kink */
    cr_assert_eq(r.skipped, 1);
    cr_assert(!grad_ok(&r), "a tensor whose only element was skipped passed");
    for (int i = 1; i < 10; i++) x[i] = 1, g[i] = 1; /* one kink among ten elements */
    r = grad_check(&o, x, 10, g);
    cr_assert(r.skipped == 1 && grad_ok(&r), "%zu skipped, %zu failed", r.skipped, r.failed);
    x[1] = 0; /* two among ten: more than GRAD_MAX_SKIPPED */
    r = grad_check(&o, x, 10, g);
    cr_assert(r.skipped == 2 && !grad_ok(&r), "%zu skipped", r.skipped);
}

/* Forward outputs, states and every gradient agree between each fast kernel set (cblas, and
 * the AVX2 / AVX-512 small-product kernels where the CPU has them) and the plain loops. The
 * last case has tails in every tile dimension (7 rows, 19 units). */
Test(alrnn, blas_matches_plain_loops) {
    const struct { int M, P, T, B; readout_kind ro; alrnn_form f; } cases[] = {
        {7, 3, 9, 4, READOUT_LAST, ALRNN_FORM_SEQ}, {5, 0, 1, 1, READOUT_ALL, ALRNN_FORM_SEQ},
        {5, 5, 4, 3, READOUT_ALL, ALRNN_FORM_DSR},  {16, 4, 12, 8, READOUT_LAST, ALRNN_FORM_DSR},
        {19, 4, 3, 7, READOUT_ALL, ALRNN_FORM_SEQ}};
    const kern_kind keep = kern_default();
    for (int kind = KERN_BLAS; kind < KERN__COUNT; kind++) {
        if (!kern_available((kern_kind)kind)) continue;
        kern_set_default((kern_kind)kind);
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            struct problem p;
            problem_init(&p, cases[c].f, cases[c].M, cases[c].P, cases[c].ro, LOSS_CE, cases[c].T,
                         cases[c].B, 77 + c);
            const size_t nz = (size_t)(p.T + 1) * p.B * p.m.cfg.M, nx = (size_t)p.T * p.B * 3;
            real *g[2], *dx[2], *Z[2];
            for (int k = 0; k < 2; k++) {
                p.m.use_blas = k == 0;
                g[k] = calloc(p.m.n_params, sizeof(real));
                dx[k] = calloc(nx, sizeof(real));
                objective(&p, g[k], dx[k], NULL, NULL);
                Z[k] = malloc(nz * sizeof(real));
                memcpy(Z[k], p.w.Z, nz * sizeof(real));
            }
            const char *kn = kern_kind_names[kind];
            for (size_t i = 0; i < nz; i++)
                cr_assert(fabs(Z[0][i] - Z[1][i]) <= AGREE_TOL * (1 + fabs(Z[0][i])), "%s case %zu z[%zu]", kn, c, i);
            for (size_t i = 0; i < p.m.n_params; i++)
                cr_assert(fabs(g[0][i] - g[1][i]) <= AGREE_TOL * (1 + fabs(g[0][i])), "%s case %zu grad[%zu]", kn, c, i);
            for (size_t i = 0; i < nx; i++)
                cr_assert(fabs(dx[0][i] - dx[1][i]) <= AGREE_TOL * (1 + fabs(dx[0][i])), "%s case %zu dx[%zu]", kn, c, i);
            for (int k = 0; k < 2; k++) free(g[k]), free(dx[k]), free(Z[k]);
            problem_free(&p);
        }
    }
    kern_set_default(keep);
}

/* Known answer: with P = 0, A absent, W = I, C = I, h = 0 and z_0 = 0 the model sums its
 * inputs, so z_T = Σ_t s_t. */
Test(alrnn, linear_model_integrates_inputs) {
    struct alrnn m;
    struct alrnn_config c = {.M = 2, .P = 0, .N = 2, .K = 2, .z0 = Z0_ZERO, .readout = READOUT_LAST};
    alrnn_create(&m, &c, NULL);
    struct alrnn_views v = alrnn_views(&m, m.params);
    v.W[0] = v.W[3] = 1, v.C[0] = v.C[3] = 1, v.D[0] = v.D[3] = 1;
    struct alrnn_work w;
    alrnn_work_alloc(&w, &m, 4, 1);
    real x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    alrnn_set_z0(&m, &w, NULL);
    alrnn_forward(&m, &w, x);
    cr_assert_float_eq(w.Y[0], 16, 1e-12);
    cr_assert_float_eq(w.Y[1], 20, 1e-12);
    alrnn_work_free(&w);
    alrnn_free(&m);
}

/* Known answer for the ReLU: a PWL unit with W = 0 and A = 0.5 halves its state whatever
 * its sign; with A = 0, W_ii = 1 it keeps positive values and zeroes negative ones. */
Test(alrnn, relu_unit_known_answer) {
    struct alrnn m;
    struct alrnn_config c = {.M = 1, .P = 1, .N = 1, .K = 1, .z0 = Z0_ZERO, .readout = READOUT_ALL};
    alrnn_create(&m, &c, NULL);
    struct alrnn_views v = alrnn_views(&m, m.params);
    v.W[0] = 1, v.C[0] = 1, v.D[0] = 1;
    struct alrnn_work w;
    alrnn_work_alloc(&w, &m, 3, 2);
    real x[6] = {2, -2, 0, 0, 0, 0}; /* (T=3, B=2, N=1) */
    alrnn_set_z0(&m, &w, NULL);
    alrnn_forward(&m, &w, x);
    cr_assert_float_eq(w.Y[4], 2, 1e-12);  /* positive: kept */
    cr_assert_float_eq(w.Y[5], 0, 1e-12);  /* negative: relu(−2) = 0 after one step */
    uint8_t code;
    alrnn_bitcode(&m, w.Z + 4, &code);
    cr_assert_eq(code, 1);
    alrnn_bitcode(&m, w.Z + 3, &code);
    cr_assert_eq(code, 0);
    alrnn_work_free(&w);
    alrnn_free(&m);
}

Test(alrnn, mar_known_answer) {
    struct alrnn m;
    struct alrnn_config c = {.M = 3, .P = 1, .N = 1, .K = 1};
    alrnn_create(&m, &c, NULL);
    struct alrnn_views v = alrnn_views(&m, m.params);
    /* unit 0 linear: ã = W00 = 0.5; unit 2 PWL: ã = W22 + A0 = 0.25 + 0.5 */
    v.W[0] = 0.5, v.W[1] = 2, v.h[0] = 3, v.W[8] = 0.25, v.A[0] = 0.5, v.W[6] = 1;
    /* M_reg = 1: τ[(0.5−1)² + 2² + 3²] */
    cr_assert_float_eq(alrnn_mar(&m, 0.1, 1, NULL), 0.1 * (0.25 + 4 + 9), 1e-12);
    /* M_reg = 3 adds unit 1 (ã = 0: 1) and unit 2 ((0.75−1)² + 1²) */
    cr_assert_float_eq(alrnn_mar(&m, 0.1, 3, NULL), 0.1 * (13.25 + 1 + 0.0625 + 1), 1e-12);
    alrnn_free(&m);
}

Test(alrnn, p_greater_than_m_is_rejected, .exit_code = 1) {
    struct alrnn_config c = {.M = 4, .P = 5, .N = 1, .K = 1};
    alrnn_config_check(&c);
}

/* Trains the smoke addition problem; returns the parameter vector. */
static real *train_small(uint64_t seed, size_t *n, double *first_loss, double *last_loss) {
    struct task_params tp = {.T = 12, .n_train = 96, .n_test = 32};
    rng_t dr, ir;
    rng_init(&dr, seed, RNG_STREAM_DATA);
    rng_init(&ir, seed, RNG_STREAM_INIT);
    struct dataset tr, va, te;
    task_addition.make_data(&tp, &dr, &tr, &va, &te);
    struct alrnn m;
    struct alrnn_config c = {.M = 8, .P = 2, .N = 2, .K = 1, .z0 = Z0_UNIFORM, .readout = READOUT_LAST};
    alrnn_create(&m, &c, NULL);
    alrnn_init_params(&m, &ir);
    struct train_config tc = {.epochs = 20, .batch = 32, .lr = 1e-2, .tau = 0.1, .M_reg = 4,
                              .eval_every = 5, .clip = 5};
    struct model mo;
    model_alrnn(&mo, &m, &task_addition);
    const struct train_data td = {.train = &tr, .val = &va, .test = &te,
                                  .n_train = tr.n, .n_val = va.n, .n_test = te.n};
    struct train_history h;
    train_run(&mo, &tc, &td, seed, "test", NULL, &h);
    *first_loss = h.loss[0], *last_loss = h.loss[h.epochs - 1];
    real *p = malloc(m.n_params * sizeof(real));
    memcpy(p, m.params, m.n_params * sizeof(real));
    *n = m.n_params;
    train_history_free(&h);
    alrnn_free(&m);
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
    return p;
}

Test(alrnn, same_seed_identical_bytes_different_seed_differs) {
    size_t n1, n2, n3;
    double f1, l1, f2, l2, f3, l3;
    real *a = train_small(3, &n1, &f1, &l1), *b = train_small(3, &n2, &f2, &l2),
         *c = train_small(4, &n3, &f3, &l3);
    cr_assert_eq(n1, n2);
    cr_assert(memcmp(a, b, n1 * sizeof(real)) == 0, "same seed gave different parameters");
    cr_assert(memcmp(a, c, n1 * sizeof(real)) != 0, "different seeds gave identical parameters");
    cr_assert(l1 < f1, "training did not lower the loss (%g -> %g)", f1, l1);
    free(a), free(b), free(c);
}

Test(optim, adam_first_step_and_clipping) {
    /* Adam's first bias-corrected step moves each parameter by lr·sign(g) (up to ε). */
    struct adam a;
    adam_init(&a, 3);
    real p[3] = {1, 1, 1}, g[3] = {0.5, -2, 1e-3};
    adam_step(&a, p, g, 0.1);
    cr_assert_float_eq(p[0], 0.9, 1e-6);
    cr_assert_float_eq(p[1], 1.1, 1e-6);
    cr_assert_float_eq(p[2], 0.9, 1e-4);
    adam_free(&a);
    real v[2] = {3, 4};
    cr_assert_float_eq(clip_global_norm(v, 2, 1), 5, 1e-12);
    cr_assert_float_eq(sqrt(v[0] * v[0] + v[1] * v[1]), 1, 1e-6);
    cr_assert_float_eq(cosine_lr(1, 0, 0, 10), 1, 1e-12);
    cr_assert_float_eq(cosine_lr(1, 0, 5, 10), 0.5, 1e-12);
}

/* alrnn_step, run for t = 1..T, reproduces alrnn_forward exactly (free-running decoders use it). */
Test(alrnn, step_by_step_equals_forward) {
    for (int ro = 0; ro < 2; ro++) {
        struct problem p;
        problem_init(&p, ALRNN_FORM_SEQ, 6, 3, (readout_kind)ro, LOSS_MSE, 5, 2, 31);
        objective(&p, NULL, NULL, NULL, NULL);
        const int M = 6, N = 3, B = 2, K = 3;
        const size_t nz = (size_t)(p.T + 1) * B * M, ny = (size_t)p.w.T_out * B * K;
        real *Z = malloc(nz * sizeof(real)), *Y = malloc(ny * sizeof(real));
        memcpy(Z, p.w.Z, nz * sizeof(real));
        memcpy(Y, p.w.Y, ny * sizeof(real));
        memset(p.w.Z + (size_t)B * M, 0, (nz - (size_t)B * M) * sizeof(real));
        memset(p.w.Y, 0, ny * sizeof(real));
        for (int t = 1; t <= p.T; t++) alrnn_step(&p.m, &p.w, t, p.x + (size_t)(t - 1) * B * N);
        cr_assert(memcmp(Z, p.w.Z, nz * sizeof(real)) == 0, "states differ (readout %d)", ro);
        cr_assert(memcmp(Y, p.w.Y, ny * sizeof(real)) == 0, "readouts differ (readout %d)", ro);
        free(Z), free(Y);
        problem_free(&p);
    }
}

/* Training runs with subnormals flushed (common.h): the mode is off in a fresh test process,
 * on once train_run() has run, and it does what it says (a subnormal operand reads as 0, a
 * product that would be subnormal is 0). */
Test(alrnn, training_flushes_subnormals) {
#if defined(__x86_64__) || defined(__aarch64__)
    volatile float tiny = 1e-39f; /* subnormal: below FLT_MIN = 1.18e-38 */
    volatile float one = 1.0f, small = 1e-30f;
    cr_assert(!fp_subnormals_flushed(), "the mode was on before training");
    cr_assert(tiny * one != 0.0f, "subnormals already flushed before training");
    size_t n;
    double f, l;
    free(train_small(3, &n, &f, &l));
    cr_assert(fp_subnormals_flushed(), "train_run() left subnormals on");
    cr_assert(tiny * one == 0.0f, "a subnormal operand was not read as zero");
    cr_assert(small * small == 0.0f, "a subnormal result was not flushed to zero");
    volatile double dtiny = 1e-310; /* the double build's values are flushed the same way */
    cr_assert(dtiny * 1.0 == 0.0);
#else
    cr_skip_test("no flush-to-zero mode on this CPU");
#endif
}
