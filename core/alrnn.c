/* alrnn.c: AL-RNN parameters, initialisation, forward, BPTT, regulariser, bitcodes.
 * Equations: PAPER.md §1 (see alrnn.h). Shapes: T steps, B batch, M units, N inputs, K outputs;
 * all batch buffers are time-major, row-major. */
#include "alrnn.h"

#include "kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const alrnn_form_names[] = {[ALRNN_FORM_SEQ] = "seq", [ALRNN_FORM_DSR] = "dsr"};
_Static_assert(ARRAY_LEN(alrnn_form_names) == ALRNN_FORM__COUNT,
               "alrnn_form_names: one entry per enum value");
const char *const alrnn_init_names[] = {
    [ALRNN_INIT_SEQ] = "seq", [ALRNN_INIT_MULTITASK] = "multitask", [ALRNN_INIT_DSR] = "dsr"};
_Static_assert(ARRAY_LEN(alrnn_init_names) == ALRNN_INIT__COUNT,
               "alrnn_init_names: one entry per enum value");
const char *const z0_kind_names[] = {[Z0_ZERO] = "zero", [Z0_UNIFORM] = "uniform"};
_Static_assert(ARRAY_LEN(z0_kind_names) == Z0__COUNT, "z0_kind_names: one entry per enum value");

void alrnn_config_check(const struct alrnn_config *c) {
    if (c->M < 1) die("M = %d: the model needs at least one latent unit", c->M);
    if (c->P < 0 || c->P > c->M)
        die("P = %d is out of range: it must satisfy 0 <= P <= M = %d", c->P, c->M);
    if (c->N < 1 || c->K < 1) die("invalid input/output sizes N = %d, K = %d", c->N, c->K);
    ASSERT(c->form >= 0 && c->form < ALRNN_FORM__COUNT);
    ASSERT(c->init >= 0 && c->init < ALRNN_INIT__COUNT);
    ASSERT(c->z0 >= 0 && c->z0 < Z0__COUNT);
}

static void add_tensor(struct alrnn *m, const char *name, const char *desc, int rows, int cols) {
    ASSERT(m->n_tensors < ALRNN_MAX_TENSORS);
    struct alrnn_tensor *t = &m->tensors[m->n_tensors++];
    t->name = name, t->description = desc, t->rows = rows, t->cols = cols;
    t->offset = m->n_params;
    t->size = (size_t)rows * cols;
    m->n_params += t->size;
}

size_t encoder_n_params(const struct encoder *e) {
    size_t n = 0;
    for (int i = 0; i < e->type->n_tensors(e); i++) n += e->type->tensor(e, i).size;
    return n;
}

int encoder_features(const struct encoder *e) {
    int T_out, N;
    e->type->shape(e, 1 << 12, &T_out, &N);
    return N;
}

void alrnn_create(struct alrnn *m, const struct alrnn_config *c, const struct encoder *enc) {
    memset(m, 0, sizeof *m);
    m->cfg = *c;
    if (enc) {
        m->enc = *enc;
        m->cfg.N = encoder_features(enc);
    }
    c = &m->cfg;
    alrnn_config_check(c);
    m->use_blas = 1;
    const int M = c->M;
    m->a0 = c->form == ALRNN_FORM_SEQ ? M - c->P : 0;
    /* The order is the flat layout; alrnn_views() relies on it. */
    add_tensor(m, "A", "diagonal self-coupling of the units the A term acts on (pre-activation)",
               M - m->a0, 1);
    add_tensor(m, "W", "recurrent weights acting on Phi*(z), row = receiving unit", M, M);
    add_tensor(m, "C", "input weights, row = receiving unit", M, c->N);
    add_tensor(m, "h", "bias of the latent update", M, 1);
    add_tensor(m, "D", "readout weights from the whole state", c->K, M);
    if (c->readout_bias) add_tensor(m, "b", "readout bias", c->K, 1);
    m->enc_offset = m->n_params;
    if (enc)
        for (int i = 0; i < enc->type->n_tensors(enc); i++) {
            struct alrnn_tensor t = enc->type->tensor(enc, i);
            ASSERT(m->n_tensors < ALRNN_MAX_TENSORS);
            ASSERT(t.offset + m->enc_offset == m->n_params); /* encoder tensors are contiguous */
            t.offset += m->enc_offset;
            m->tensors[m->n_tensors++] = t;
            m->n_params += t.size;
        }
    m->params = xcalloc(m->n_params, sizeof(real));
}

void alrnn_free(struct alrnn *m) {
    free(m->params);
    m->params = NULL;
}

struct alrnn_views alrnn_views(const struct alrnn *m, real *flat) {
    struct alrnn_views v = {0};
    v.A = flat + m->tensors[0].offset;
    v.W = flat + m->tensors[1].offset;
    v.C = flat + m->tensors[2].offset;
    v.h = flat + m->tensors[3].offset;
    v.D = flat + m->tensors[4].offset;
    v.b = m->cfg.readout_bias ? flat + m->tensors[5].offset : NULL;
    return v;
}

static void fill_normal(real *p, size_t n, double mean, double sd, rng_t *r) {
    for (size_t i = 0; i < n; i++) p[i] = (real)(mean + sd * rng_normal(r));
}

/* λ_max of the SPD matrix K (M×M) by power iteration, in double. */
static double lambda_max_spd(const double *K, int M) {
    double *v = xmalloc(M * sizeof *v), *u = xmalloc(M * sizeof *u), lam = 0;
    for (int i = 0; i < M; i++) v[i] = 1.0 / sqrt(M);
    for (int it = 0; it < 1000; it++) {
        double norm = 0, prev = lam;
        for (int i = 0; i < M; i++) {
            u[i] = 0;
            for (int j = 0; j < M; j++) u[i] += K[(size_t)i * M + j] * v[j];
            norm += u[i] * u[i];
        }
        norm = sqrt(norm);
        lam = norm;
        for (int i = 0; i < M; i++) v[i] = u[i] / norm;
        if (fabs(lam - prev) <= 1e-12 * lam) break;
    }
    free(v);
    free(u);
    return lam;
}

void alrnn_init_params(struct alrnn *m, rng_t *r) {
    const struct alrnn_config *c = &m->cfg;
    const int M = c->M, nA = M - m->a0;
    struct alrnn_views v = alrnn_views(m, m->params);
    memset(m->params, 0, m->n_params * sizeof(real));
    switch (c->init) {
    case ALRNN_INIT_SEQ: /* PAPER.md §1.3 initialize_AWh_random */
        fill_normal(v.A, nA, 0, 0.01, r);
        fill_normal(v.W, (size_t)M * M, 0, 0.01, r);
        fill_normal(v.h, M, 0, 0.01, r);
        break;
    case ALRNN_INIT_MULTITASK: /* PAPER.md §1.3 multi_task_training/rnn_model.py */
        fill_normal(v.A, nA, 0.9, 0.1, r);
        fill_normal(v.W, (size_t)M * M, 0, 0.1 / sqrt(M), r);
        break;
    case ALRNN_INIT_DSR: { /* PAPER.md §1.2: A = diag(K/λmax(K)), K = RᵀR/M + I */
        double *R = xmalloc((size_t)M * M * sizeof *R), *Km = xcalloc((size_t)M * M, sizeof *Km);
        for (size_t i = 0; i < (size_t)M * M; i++) R[i] = rng_normal(r);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < M; j++) {
                double s = 0;
                for (int k = 0; k < M; k++) s += R[(size_t)k * M + i] * R[(size_t)k * M + j];
                Km[(size_t)i * M + j] = s / M + (i == j);
            }
        double lam = lambda_max_spd(Km, M);
        for (int i = m->a0; i < M; i++) v.A[i - m->a0] = (real)(Km[(size_t)i * M + i] / lam);
        free(R);
        free(Km);
        fill_normal(v.W, (size_t)M * M, 0, 0.01, r);
        break;
    }
    default: ASSERT(0);
    }
    fill_normal(v.C, (size_t)M * c->N, 0, 0.1, r);
    fill_normal(v.D, (size_t)c->K * M, 0, 0.1, r);
    if (m->enc.type) m->enc.type->init(&m->enc, m->params + m->enc_offset, r);
}

int alrnn_steps(const struct alrnn *m, int T_in) {
    int T = T_in, N;
    if (m->enc.type) m->enc.type->shape(&m->enc, T_in, &T, &N);
    return T;
}

void alrnn_work_alloc(struct alrnn_work *w, const struct alrnn *m, int T_in, int B) {
    const int M = m->cfg.M, K = m->cfg.K;
    memset(w, 0, sizeof *w);
    int T = T_in;
    if (m->enc.type) {
        int N;
        m->enc.type->shape(&m->enc, T_in, &T, &N);
        ASSERT(N == m->cfg.N && T >= 1);
        w->feat = xcalloc((size_t)T * B * N, sizeof(real));
        w->dfeat = xcalloc((size_t)T * B * N, sizeof(real));
        w->enc_work = xcalloc(1, m->enc.type->work_size(&m->enc, T_in, B));
    }
    w->T_in = T_in, w->T = T, w->B = B;
    w->T_out = m->cfg.readout == READOUT_ALL ? T : 1;
    w->Z = xcalloc((size_t)(T + 1) * B * M, sizeof(real));
    w->Phi = xcalloc((size_t)T * B * M, sizeof(real));
    w->Y = xcalloc((size_t)w->T_out * B * K, sizeof(real));
    w->G = xcalloc((size_t)(T + 1) * B * M, sizeof(real));
    w->dY = xcalloc((size_t)w->T_out * B * K, sizeof(real));
    w->dPhi = xcalloc((size_t)B * M, sizeof(real));
    w->Wt = xcalloc((size_t)M * M, sizeof(real));
    w->Af = xcalloc(M, sizeof(real));
    w->dAf = xcalloc(M, sizeof(real));
    w->lin = xcalloc(M, sizeof(int32_t));
    for (int i = 0; i < M - m->cfg.P; i++) w->lin[i] = 1;
}

void alrnn_work_free(struct alrnn_work *w) {
    free(w->feat);
    free(w->dfeat);
    free(w->enc_work);
    free(w->Z);
    free(w->Phi);
    free(w->Y);
    free(w->G);
    free(w->dY);
    free(w->dPhi);
    free(w->Wt);
    free(w->Af);
    free(w->dAf);
    free(w->lin);
    memset(w, 0, sizeof *w);
}

void alrnn_set_z0(const struct alrnn *m, struct alrnn_work *w, rng_t *r) {
    alrnn_set_z0_part(m, w, r, w->B, 0);
}

void alrnn_set_z0_part(const struct alrnn *m, struct alrnn_work *w, rng_t *r, int B, int b0) {
    const size_t n = (size_t)w->B * m->cfg.M;
    ASSERT(b0 >= 0 && b0 + w->B <= B);
    if (m->cfg.z0 == Z0_ZERO) {
        memset(w->Z, 0, n * sizeof(real));
        return;
    }
    const double a = 1.0 / sqrt((double)B); /* PAPER.md §1.3 init_uniform((batch, M)) */
    alrnn_skip_z0(m, b0, r); /* the rows before b0 */
    for (size_t i = 0; i < n; i++) w->Z[i] = (real)rng_uniform_range(r, -a, a);
}

/* One rng_u64 per value: what rng_uniform_range draws. */
void alrnn_skip_z0(const struct alrnn *m, int B, rng_t *r) {
    if (m->cfg.z0 == Z0_ZERO) return;
    for (size_t i = 0; i < (size_t)B * m->cfg.M; i++) rng_u64(r);
}

/* Products up to this depth go to the small-product kernels (kernels.h); deeper ones (dC over
 * all T·B rows, the encoders' weight gradients) to BLAS, which blocks k for the cache. */
enum { KERN_MAX_K = 512 };
/* A transposed right operand up to this many elements is copied once into a scratch buffer
 * (kernels read B row-major); larger ones go to BLAS. */
enum { KERN_MAX_TRANSPOSE = 1 << 16 };

#ifdef ALRNN_DOUBLE
#define KERN_GEMM kern_gemm_f64
#else
#define KERN_GEMM kern_gemm_f32
#endif

void mat_mul(int use_blas, int ta, int tb, int m, int n, int k, real alpha, const real *A,
             int lda, const real *B, int ldb, real beta, real *C, int ldc) {
    if (m == 0 || n == 0) return;
    const kern_kind kk = use_blas ? kern_default() : KERN_PLAIN;
    if (kk >= KERN_AVX2 && alpha == 1 && (beta == 0 || beta == 1) && k <= KERN_MAX_K &&
        (!tb || (size_t)k * n <= KERN_MAX_TRANSPOSE)) {
        if (tb) { /* B (n, k) -> Bᵀ (k, n) */
            static _Thread_local real *bt;
            static _Thread_local size_t bt_cap;
            if ((size_t)k * n > bt_cap) {
                free(bt);
                bt_cap = (size_t)k * n;
                bt = xmalloc(bt_cap * sizeof(real));
            }
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) bt[(size_t)p * n + j] = B[(size_t)j * ldb + p];
            B = bt, ldb = n;
        }
        KERN_GEMM(kk, m, n, k, A, ta ? 1 : lda, ta ? lda : 1, B, ldb, beta, C, ldc);
        return;
    }
    if (kk != KERN_PLAIN) {
        GEMM(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
             k, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            real s = 0;
            for (int p = 0; p < k; p++) {
                real a = ta ? A[(size_t)p * lda + i] : A[(size_t)i * lda + p];
                real b = tb ? B[(size_t)j * ldb + p] : B[(size_t)p * ldb + j];
                s += a * b;
            }
            real *c = &C[(size_t)i * ldc + j];
            *c = beta == 0 ? alpha * s : alpha * s + beta * *c;
        }
}

/* Φ*(z) for B rows: identity on units < M-P, relu on the last P. */
static void phi_rows(const real *z, real *phi, int B, int M, int P) {
    for (int b = 0; b < B; b++) {
        const real *zr = z + (size_t)b * M;
        real *pr = phi + (size_t)b * M;
        memcpy(pr, zr, (size_t)(M - P) * sizeof(real));
        for (int i = M - P; i < M; i++) pr[i] = zr[i] > 0 ? zr[i] : 0;
    }
}

/* z_t += W Φ*(z_{t-1}) + h + A ⊙ z_{t-1}; then Φ*(z_t). z_t holds C s_t on entry and
 * w->Wt holds Wᵀ. One fused pass over the batch after the GEMM. */
ELEMENTWISE_CLONES
static void recur(const struct alrnn *m, struct alrnn_work *w, const struct alrnn_views *v, int t) {
    const int B = w->B, M = m->cfg.M;
    const size_t BM = (size_t)B * M;
    real *zt = w->Z + t * BM;
    const real *zp = w->Z + (t - 1) * BM;
    /* (B, M) += Φ*(z_{t-1}) (B, M) · Wᵀ (M, M) */
    mat_mul(m->use_blas, 0, 0, B, M, M, 1, w->Phi + (t - 1) * BM, M, w->Wt, M, 1, zt, M);
    real *phi = t < w->T ? w->Phi + t * BM : NULL;
    const real *h = v->h, *Af = w->Af;
    const int32_t *lin = w->lin;
    for (int b = 0; b < B; b++) {
        real *zr = zt + (size_t)b * M;
        const real *zpr = zp + (size_t)b * M;
        for (int i = 0; i < M; i++) zr[i] += h[i] + Af[i] * zpr[i];
        if (!phi) continue;
        real *pr = phi + (size_t)b * M;
        for (int i = 0; i < M; i++) {
            const real z = zr[i];
            pr[i] = (z > 0) | lin[i] ? z : 0;
        }
    }
}

static void transpose(const real *W, real *Wt, int M);

/* What every forward needs besides the parameters: Wᵀ and A spread over all M units. */
static void forward_tables(const struct alrnn *m, struct alrnn_work *w, const struct alrnn_views *v) {
    const int M = m->cfg.M, a0 = m->a0;
    transpose(v->W, w->Wt, M);
    for (int i = 0; i < M; i++) w->Af[i] = i >= a0 ? v->A[i - a0] : 0;
}

static void transpose(const real *W, real *Wt, int M) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) Wt[(size_t)j * M + i] = W[(size_t)i * M + j];
}

/* y = D z (+ b) for `rows` states z (rows, M) into Y (rows, K). */
static void readout(const struct alrnn *m, const struct alrnn_views *v, const real *z, int rows,
                    real *Y) {
    const int M = m->cfg.M, K = m->cfg.K;
    mat_mul(m->use_blas, 0, 1, rows, K, M, 1, z, M, v->D, M, 0, Y, K);
    if (v->b)
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < K; k++) Y[(size_t)r * K + k] += v->b[k];
}

/* Inputs this narrow make GEMM a rank-N update with K = N: OpenBLAS's packing then costs far
 * more than the arithmetic, so the input term and its gradient use direct loops instead
 * (a hand-written kernel for these shapes; tests/test_alrnn.c compares it with mat_mul's
 * plain path). */
enum { NARROW_INPUT = 8 };

/* Z (R, M) = x (R, N) · Cᵀ with C (M, N). */
ELEMENTWISE_CLONES
static void input_narrow(const real *x, const real *C, int R, int M, int N, real *Z) {
    for (int r = 0; r < R; r++) {
        real *zr = Z + (size_t)r * M;
        const real *xr = x + (size_t)r * N;
        for (int i = 0; i < M; i++) zr[i] = 0;
        for (int n = 0; n < N; n++) {
            const real xv = xr[n];
            for (int i = 0; i < M; i++) zr[i] += xv * C[(size_t)i * N + n];
        }
    }
}

/* dC (M, N) += Gᵀ (M, R) · x (R, N), accumulated as N dot-products per row of G. */
ELEMENTWISE_CLONES
static void input_narrow_grad(const real *G, const real *x, int R, int M, int N, real *dC) {
    real acc[NARROW_INPUT][512];
    for (int i0 = 0; i0 < M; i0 += 512) {
        const int mi = M - i0 < 512 ? M - i0 : 512;
        for (int n = 0; n < N; n++)
            for (int i = 0; i < mi; i++) acc[n][i] = 0;
        for (int r = 0; r < R; r++) {
            const real *gr = G + (size_t)r * M + i0, *xr = x + (size_t)r * N;
            for (int n = 0; n < N; n++) {
                const real xv = xr[n];
                for (int i = 0; i < mi; i++) acc[n][i] += gr[i] * xv;
            }
        }
        for (int n = 0; n < N; n++)
            for (int i = 0; i < mi; i++) dC[(size_t)(i0 + i) * N + n] += acc[n][i];
    }
}

/* Z (R, M) = x (R, N) · Cᵀ, the input term of R (step, sequence) rows. */
static void input_term(const struct alrnn *m, const struct alrnn_views *v, const real *x, int R,
                       real *Z) {
    const int M = m->cfg.M, N = m->cfg.N;
    if (m->use_blas && N <= NARROW_INPUT) input_narrow(x, v->C, R, M, N, Z);
    else mat_mul(m->use_blas, 0, 1, R, M, N, 1, x, N, v->C, N, 0, Z, M);
}

void alrnn_forward(const struct alrnn *m, struct alrnn_work *w, const real *x) {
    const struct alrnn_config *c = &m->cfg;
    const int T = w->T, B = w->B, M = c->M;
    const size_t BM = (size_t)B * M;
    struct alrnn_views v = alrnn_views(m, m->params);
    if (m->enc.type) {
        m->enc.type->forward(&m->enc, m->params + m->enc_offset, x, w->T_in, B, w->feat,
                             w->enc_work, m->use_blas);
        x = w->feat;
    }
    /* C s_t for every step at once: Z[1..T] (T·B, M) = x (T·B, N) · Cᵀ */
    input_term(m, &v, x, T * B, w->Z + BM);
    phi_rows(w->Z, w->Phi, B, M, c->P);
    forward_tables(m, w, &v);
    for (int t = 1; t <= T; t++) recur(m, w, &v, t);
    /* readout y = D z (+ b) from z_T, or from z_1..z_T */
    const real *zo = c->readout == READOUT_ALL ? w->Z + BM : w->Z + T * BM;
    readout(m, &v, zo, w->T_out * B, w->Y);
}

void alrnn_step(const struct alrnn *m, struct alrnn_work *w, int t, const real *x_t) {
    const struct alrnn_config *c = &m->cfg;
    const int B = w->B, M = c->M;
    const size_t BM = (size_t)B * M;
    ASSERT(!m->enc.type && t >= 1 && t <= w->T);
    struct alrnn_views v = alrnn_views(m, m->params);
    if (t == 1) {
        phi_rows(w->Z, w->Phi, B, M, c->P);
        forward_tables(m, w, &v);
    }
    input_term(m, &v, x_t, B, w->Z + t * BM);
    recur(m, w, &v, t);
    if (c->readout == READOUT_ALL)
        readout(m, &v, w->Z + t * BM, B, w->Y + (size_t)(t - 1) * B * c->K);
    else if (t == w->T)
        readout(m, &v, w->Z + t * BM, B, w->Y);
}

/* The elementwise part of one BPTT step, for B rows: dh += G_t, dA += G_t ⊙ z_{t-1} and,
 * when more, dL/dz_{t-1} = [G_{t-1} if acc] + dΦ ⊙ Φ*'(z_{t-1}) + A ⊙ G_t, with A and dA
 * spread over all M units (Af, dAf: zero where A does not act) and Φ*' = 1 on the linear
 * units (lin) and 1[z > 0] on the ReLU units. gt, zp, dphi, gp: (B, M). One loop over all M
 * units each, branch-free: the ReLU mask is a select on values loaded unconditionally,
 * which becomes a vector blend (a conditional load compiles to a branch per element that
 * mispredicts on the data, and per-range loops have P-dependent remainders; either makes the
 * step's cost depend on P). */
ELEMENTWISE_CLONES
static void bptt_rows(const real *gt, const real *zp, const real *dphi, real *gp, real *dh,
                      real *dAf, const real *Af, const int32_t *lin, int B, int M, int more,
                      int acc) {
    for (int b = 0; b < B; b++) {
        const real *gr = gt + (size_t)b * M, *zr = zp + (size_t)b * M;
        const real *dp = dphi + (size_t)b * M;
        real *gpr = gp + (size_t)b * M;
        for (int i = 0; i < M; i++) dh[i] += gr[i];
        for (int i = 0; i < M; i++) dAf[i] += gr[i] * zr[i];
        if (!more) continue;
        for (int i = 0; i < M; i++) {
            const real d = dp[i], z = zr[i];
            const real back = ((z > 0) | lin[i] ? d : 0) + Af[i] * gr[i];
            gpr[i] = acc ? gpr[i] + back : back;
        }
    }
}

void alrnn_backward(const struct alrnn *m, struct alrnn_work *w, const real *x, real *grad,
                    real *dx, real *dz0) {
    const struct alrnn_config *c = &m->cfg;
    const int T = w->T, B = w->B, M = c->M, N = c->N, K = c->K, a0 = m->a0;
    const size_t BM = (size_t)B * M;
    const struct alrnn_views v = alrnn_views(m, m->params);
    struct alrnn_views g = alrnn_views(m, grad);
    const int rows = w->T_out * B;
    const int all = c->readout == READOUT_ALL;
    const real *zo = all ? w->Z + BM : w->Z + T * BM;
    real *go = all ? w->G + BM : w->G + T * BM;

    /* readout: dD += dYᵀ z, db += Σ dY, dz = dY D (G_1..G_T with READOUT_ALL, else G_T) */
    mat_mul(m->use_blas, 1, 0, K, M, rows, 1, w->dY, K, zo, M, 1, g.D, M);
    if (g.b)
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < K; k++) g.b[k] += w->dY[(size_t)r * K + k];
    mat_mul(m->use_blas, 0, 0, rows, M, K, 1, w->dY, K, v.D, M, 0, go, M);

    memset(w->dAf, 0, M * sizeof(real));
    for (int t = T; t >= 1; t--) {
        const real *gt = w->G + t * BM;
        const real *zp = w->Z + (t - 1) * BM;
        /* dW += G_tᵀ Φ*(z_{t-1}) per step: for these small shapes faster than one GEMM over
         * all steps (measured with bench/), and the operands are in cache. */
        mat_mul(m->use_blas, 1, 0, M, M, B, 1, gt, M, w->Phi + (t - 1) * BM, M, 1, g.W, M);
        const int more = t > 1 || dz0;
        /* dL/dz_{t-1} = [G_{t-1} from the readout] + (G_t W) ⊙ Φ*'(z_{t-1}) + A ⊙ G_t */
        if (more) mat_mul(m->use_blas, 0, 0, B, M, M, 1, gt, M, v.W, M, 0, w->dPhi, M);
        const int acc = all && t > 1; /* G_{t-1} already holds a readout gradient */
        bptt_rows(gt, zp, w->dPhi, w->G + (t - 1) * BM, g.h, w->dAf, w->Af, w->lin, B, M, more,
                  acc);
    }
    for (int i = a0; i < M; i++) g.A[i - a0] += w->dAf[i];
    /* dC += Σ_t G_tᵀ s_t over all steps at once; dL/ds = G C */
    const real *s = m->enc.type ? w->feat : x;
    if (m->use_blas && N <= NARROW_INPUT)
        input_narrow_grad(w->G + BM, s, T * B, M, N, g.C);
    else
        mat_mul(m->use_blas, 1, 0, M, N, T * B, 1, w->G + BM, M, s, N, 1, g.C, N);
    if (m->enc.type) {
        ASSERT(!dx);
        mat_mul(m->use_blas, 0, 0, T * B, N, M, 1, w->G + BM, M, v.C, N, 0, w->dfeat, N);
        m->enc.type->backward(&m->enc, m->params + m->enc_offset, x, w->T_in, B, w->dfeat,
                              grad + m->enc_offset, w->enc_work, m->use_blas);
    } else if (dx) {
        mat_mul(m->use_blas, 0, 0, T * B, N, M, 1, w->G + BM, M, v.C, N, 0, dx, N);
    }
    if (dz0) memcpy(dz0, w->G, BM * sizeof(real));
}

/* PAPER.md §1.3: L = τ Σ_{i<M_reg} [(ã_ii − 1)² + Σ_{j≠i} W_ij² + h_i²],
 * ã_ii = W_ii (+ A_i where the A term acts on unit i). */
double alrnn_mar(const struct alrnn *m, double tau, int M_reg, real *grad) {
    if (tau == 0 || M_reg == 0) return 0;
    const int M = m->cfg.M, a0 = m->a0;
    ASSERT(M_reg > 0 && M_reg <= M);
    const struct alrnn_views v = alrnn_views(m, m->params);
    struct alrnn_views g = {0};
    if (grad) g = alrnn_views(m, grad);
    double L = 0;
    for (int i = 0; i < M_reg; i++) {
        const real *wr = v.W + (size_t)i * M;
        double a = wr[i] + (i >= a0 ? v.A[i - a0] : 0);
        double off = 0;
        for (int j = 0; j < M; j++)
            if (j != i) off += (double)wr[j] * wr[j];
        L += (a - 1) * (a - 1) + off + (double)v.h[i] * v.h[i];
        if (!grad) continue;
        real *gw = g.W + (size_t)i * M;
        for (int j = 0; j < M; j++)
            if (j != i) gw[j] += (real)(2 * tau * wr[j]);
        gw[i] += (real)(2 * tau * (a - 1));
        if (i >= a0) g.A[i - a0] += (real)(2 * tau * (a - 1));
        g.h[i] += (real)(2 * tau * v.h[i]);
    }
    return tau * L;
}

void alrnn_bitcode(const struct alrnn *m, const real *z, uint8_t *code) {
    const int M = m->cfg.M, P = m->cfg.P;
    for (int i = 0; i < P; i++) code[i] = z[M - P + i] > 0;
}

/* ---- subregion spectra (PAPER.md §1.4) ---------------------------------------------------- */

/* LAPACK dgeev (LP64; the trailing size_t are gfortran's hidden character lengths, as for
 * ?syevd in core/analysis.c). */
extern void dgeev_(const char *jobvl, const char *jobvr, const int *n, double *a, const int *lda,
                   double *wr, double *wi, double *vl, const int *ldvl, double *vr,
                   const int *ldvr, double *work, const int *lwork, int *info, size_t jobvl_len,
                   size_t jobvr_len);

int subregion_spectrum(int M, int P, int a0, const double *A, const double *W,
                       const uint64_t *code, double *modulus, double *angle, double *lead) {
    ASSERT(M > 0 && P >= 0 && P <= M && a0 >= 0 && a0 <= M);
    const int lin = M - P;
    double *J = xmalloc((size_t)M * M * sizeof(double)); /* column-major W_Ω */
    for (int j = 0; j < M; j++) {
        const int d = j < lin ? 1 : (int)((code[(j - lin) >> 6] >> ((j - lin) & 63)) & 1);
        for (int i = 0; i < M; i++) J[(size_t)j * M + i] = W[(size_t)i * M + j] * d;
    }
    for (int i = a0; i < M; i++) J[(size_t)i * M + i] += A[i - a0];
    double *wr = xmalloc((size_t)M * sizeof(double)), *wi = xmalloc((size_t)M * sizeof(double));
    double *vr = lead ? xmalloc((size_t)M * M * sizeof(double)) : NULL;
    const char *jobvr = lead ? "V" : "N";
    double wq, dummy = 0;
    int lwork = -1, info = 0, one = 1;
    dgeev_("N", jobvr, &M, J, &M, wr, wi, &dummy, &one, vr ? vr : &dummy, vr ? &M : &one, &wq,
           &lwork, &info, 1, 1);
    lwork = (int)wq;
    double *work = xmalloc((size_t)lwork * sizeof(double));
    dgeev_("N", jobvr, &M, J, &M, wr, wi, &dummy, &one, vr ? vr : &dummy, vr ? &M : &one, work,
           &lwork, &info, 1, 1);
    if (info != 0) die("dgeev failed (info %d) on a %d x %d subregion matrix", info, M, M);
    int top = 0;
    for (int i = 0; i < M; i++) { /* insertion sort by modulus, descending */
        const double mo = hypot(wr[i], wi[i]), an = fabs(atan2(wi[i], wr[i]));
        if (mo > hypot(wr[top], wi[top])) top = i;
        int j = i;
        for (; j > 0 && modulus[j - 1] < mo; j--) modulus[j] = modulus[j - 1], angle[j] = angle[j - 1];
        modulus[j] = mo, angle[j] = an;
    }
    int real_lead = 0;
    if (lead) {
        real_lead = wi[top] == 0;
        for (int i = 0; i < M; i++) lead[i] = real_lead ? vr[(size_t)top * M + i] : 0;
    }
    free(J);
    free(wr);
    free(wi);
    free(vr);
    free(work);
    return real_lead;
}

int alrnn_subregion_spectrum(const struct alrnn *m, const uint64_t *code, double *modulus,
                             double *angle, double *lead) {
    const int M = m->cfg.M, na = M - m->a0;
    const struct alrnn_views v = alrnn_views(m, m->params);
    double *A = xmalloc((size_t)(na ? na : 1) * sizeof(double));
    double *W = xmalloc((size_t)M * M * sizeof(double));
    for (int i = 0; i < na; i++) A[i] = v.A[i];
    for (size_t i = 0; i < (size_t)M * M; i++) W[i] = v.W[i];
    const int r = subregion_spectrum(M, m->cfg.P, m->a0, A, W, code, modulus, angle, lead);
    free(A);
    free(W);
    return r;
}
