/* model_rnn.c: the tanh RNN, LSTM and GRU baselines (equations and layout: model_rnn.h),
 * forward and BPTT over flat parameter vectors, and their model types (model.h).
 *
 * Shapes: T steps, B batch, M hidden units, G gates, N inputs, K outputs; every batch buffer
 * is time-major and row-major, as the AL-RNN's. The input side of every step is one GEMM over
 * all T·B rows before the recurrence (and its gradient one GEMM after BPTT), or for narrow
 * inputs (N ≤ 8) a rank-N update inside each step; the recurrence is one (B, M)·(M, G·M)
 * GEMM per step forward, against Whᵀ transposed once per forward, and two per step backward
 * (neither transposes: dWh reads dpre through strides).
 * The gate nonlinearities of a step are one fused pass over each row's G·M pre-activations,
 * vectorized through glibc's vector math (libmvec, below); the backward pass evaluates no
 * transcendental function (the forward keeps the gates and the LSTM's tanh(c_t)).
 *
 * Deliberately not here: random initial states, the manifold-attractor regulariser,
 * bitcodes and subregion analyses (AL-RNN concepts), fused or multi-layer cells.
 */
#include "model_rnn.h"

#include <math.h>
#include <string.h>

#include "h5io.h"
#include "loss.h"

const char *const model_kind_names[] = {
    [MODEL_ALRNN] = "alrnn", [MODEL_TANH] = "tanh", [MODEL_LSTM] = "lstm", [MODEL_GRU] = "gru"};
_Static_assert(ARRAY_LEN(model_kind_names) == MODEL__COUNT,
               "model_kind_names: one entry per enum value");

static int rnn_gates(model_kind k) {
    switch (k) {
    case MODEL_TANH: return 1;
    case MODEL_LSTM: return 4;
    case MODEL_GRU: return 3;
    default: ASSERT(0);
    }
    return 0;
}

static void add_tensor(struct rnn *m, const char *name, const char *desc, int rows, int cols) {
    ASSERT(m->n_tensors < RNN_MAX_TENSORS);
    struct alrnn_tensor *t = &m->tensors[m->n_tensors++];
    t->name = name, t->description = desc, t->rows = rows, t->cols = cols;
    t->offset = m->n_params;
    t->size = (size_t)rows * cols;
    m->n_params += t->size;
}

static void rnn_config_check(const struct rnn_config *c) {
    if (c->kind <= MODEL_ALRNN || c->kind >= MODEL__COUNT)
        die("model kind %d is not a baseline (tanh, lstm or gru)", (int)c->kind);
    if (c->M < 1) die("M = %d: the %s model needs at least one unit", c->M,
                      model_kind_names[c->kind]);
    if (c->N < 1 || c->K < 1) die("invalid input/output sizes N = %d, K = %d", c->N, c->K);
    ASSERT(c->readout >= 0 && c->readout < READOUT__COUNT);
}

void rnn_create(struct rnn *m, const struct rnn_config *c, const struct encoder *enc) {
    memset(m, 0, sizeof *m);
    m->cfg = *c;
    if (enc) {
        m->enc = *enc;
        m->cfg.N = encoder_features(enc);
    }
    c = &m->cfg;
    rnn_config_check(c);
    m->use_blas = 1;
    const int M = c->M, G = m->G = rnn_gates(c->kind);
    /* The order is the flat layout; rnn_views() relies on it. */
    add_tensor(m, "Wx", "input weights, gate-major rows (PyTorch weight_ih_l0)", G * M, c->N);
    add_tensor(m, "Wh", "recurrent weights, gate-major rows (PyTorch weight_hh_l0)", G * M, M);
    add_tensor(m, "bx", c->kind == MODEL_GRU ? "input-side gate biases (PyTorch bias_ih_l0)"
                                             : "gate biases (PyTorch bias_ih_l0 + bias_hh_l0)",
               G * M, 1);
    if (c->kind == MODEL_GRU)
        add_tensor(m, "bh", "hidden-side gate biases (PyTorch bias_hh_l0)", G * M, 1);
    add_tensor(m, "D", "readout weights from the hidden state", c->K, M);
    if (c->readout_bias) add_tensor(m, "b", "readout bias", c->K, 1);
    m->enc_offset = m->n_params;
    if (enc)
        for (int i = 0; i < enc->type->n_tensors(enc); i++) {
            struct alrnn_tensor t = enc->type->tensor(enc, i);
            ASSERT(m->n_tensors < RNN_MAX_TENSORS);
            ASSERT(t.offset + m->enc_offset == m->n_params);
            t.offset += m->enc_offset;
            m->tensors[m->n_tensors++] = t;
            m->n_params += t.size;
        }
    m->params = xcalloc(m->n_params, sizeof(real));
}

size_t rnn_n_params(const struct rnn_config *c) {
    const size_t M = (size_t)c->M, G = (size_t)rnn_gates(c->kind);
    return G * M * ((size_t)c->N + M + 1 + (c->kind == MODEL_GRU)) + (size_t)c->K * M +
           (c->readout_bias ? (size_t)c->K : 0);
}

void rnn_free(struct rnn *m) {
    free(m->params);
    m->params = NULL;
}

struct rnn_views rnn_views(const struct rnn *m, real *flat) {
    struct rnn_views v = {0};
    int i = 0;
    v.Wx = flat + m->tensors[i++].offset;
    v.Wh = flat + m->tensors[i++].offset;
    v.bx = flat + m->tensors[i++].offset;
    if (m->cfg.kind == MODEL_GRU) v.bh = flat + m->tensors[i++].offset;
    v.D = flat + m->tensors[i++].offset;
    if (m->cfg.readout_bias) v.b = flat + m->tensors[i++].offset;
    return v;
}

void rnn_init_params(struct rnn *m, rng_t *r) {
    const int M = m->cfg.M, GM = m->G * M, K = m->cfg.K;
    struct rnn_views v = rnn_views(m, m->params);
    memset(m->params, 0, m->n_params * sizeof(real));
    const double a = 1 / sqrt((double)M); /* PyTorch RNN/LSTM/GRU reset_parameters */
    real *cell[] = {v.Wx, v.Wh, v.bx, v.bh};
    const size_t n[] = {(size_t)GM * m->cfg.N, (size_t)GM * M, (size_t)GM, (size_t)GM};
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; cell[k] && i < n[k]; i++) cell[k][i] = (real)rng_uniform_range(r, -a, a);
    for (size_t i = 0; i < (size_t)K * M; i++) v.D[i] = (real)(0.1 * rng_normal(r));
    if (m->enc.type) m->enc.type->init(&m->enc, m->params + m->enc_offset, r);
}

void rnn_work_alloc(struct rnn_work *w, const struct rnn *m, int T_in, int B) {
    const int M = m->cfg.M, K = m->cfg.K, GM = m->G * M;
    memset(w, 0, sizeof *w);
    int T = T_in;
    if (m->enc.type) {
        int N;
        m->enc.type->shape(&m->enc, T_in, &T, &N);
        ASSERT(N == m->cfg.N && T >= 1);
        w->feat = xcalloc((size_t)T * B * N, sizeof(real));
        w->dfeat = xcalloc((size_t)T * B * N, sizeof(real));
        w->enc_work = xcalloc(1, m->enc.type->work_size(&m->enc, T_in, B) + 1);
    }
    w->T_in = T_in, w->T = T, w->B = B;
    w->T_out = m->cfg.readout == READOUT_ALL ? T : 1;
    const size_t BM = (size_t)B * M;
    w->H = xcalloc((size_t)(T + 1) * BM, sizeof(real));
    if (m->cfg.kind == MODEL_LSTM) {
        w->Cs = xcalloc((size_t)(T + 1) * BM, sizeof(real));
        w->TC = xcalloc((size_t)T * BM, sizeof(real));
    }
    if (m->cfg.kind == MODEL_GRU) w->HN = xcalloc((size_t)T * BM, sizeof(real));
    w->S = xcalloc((size_t)T * B * GM, sizeof(real));
    w->Y = xcalloc((size_t)w->T_out * B * K, sizeof(real));
    w->dY = xcalloc((size_t)w->T_out * B * K, sizeof(real));
    w->GH = xcalloc((size_t)w->T_out * BM, sizeof(real));
    w->DP = xcalloc((size_t)T * B * GM, sizeof(real));
    w->dh = xcalloc(BM, sizeof(real));
    w->dc = xcalloc(BM, sizeof(real));
    w->dh2 = xcalloc(BM, sizeof(real));
    w->dph = xcalloc((size_t)B * GM, sizeof(real));
    w->tmp = xcalloc((size_t)B * GM, sizeof(real));
    w->WhT = xcalloc((size_t)M * GM, sizeof(real));
    w->WxT = xcalloc((size_t)m->cfg.N * GM, sizeof(real));
    w->dWxT = xcalloc((size_t)(m->cfg.N + 1) * GM, sizeof(real));
}

void rnn_work_free(struct rnn_work *w) {
    real *bufs[] = {w->feat, w->dfeat, w->H, w->Cs, w->TC, w->S, w->HN, w->Y, w->dY,
                    w->GH, w->DP, w->dh, w->dc, w->dh2, w->dph, w->tmp, w->WhT,
                    w->WxT, w->dWxT};
    for (size_t i = 0; i < ARRAY_LEN(bufs); i++) free(bufs[i]);
    free(w->enc_work);
    memset(w, 0, sizeof *w);
}

/* The element-wise functions in the build's precision. With GCC and glibc ≥ 2.35 on x86-64
 * they are declared as glibc's math.h declares them under -ffast-math: with SIMD variants
 * (libmvec, _ZGVdN8v_expf and the like), which the `omp simd` gate loops below call
 * (-fopenmp-simd for this file, Makefile; -fno-math-errno, CFLAGS). σ and tanh computed so
 * are within a few ulp of libm's (tests/test_baselines.c bounds them over a dense grid, in
 * both precisions, at 6 ulp; measured at most 3.6). The vector loops are compiled three
 * times and the widest the CPU runs is picked at load time, as the AL-RNN's element-wise
 * passes (core/alrnn.c): the bits are the same on every run of one build on one kind of CPU. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 35)
#define RNN_VECMATH __attribute__((__simd__("notinbranch")))
#define RNN_ELEMENTWISE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
RNN_VECMATH float expf(float);
RNN_VECMATH float tanhf(float);
RNN_VECMATH double exp(double);
RNN_VECMATH double tanh(double);
#else
#define RNN_ELEMENTWISE_CLONES
#endif
#ifdef ALRNN_DOUBLE
#define RTANH tanh
#define REXP exp
#else
#define RTANH tanhf
#define REXP expf
#endif
#define SIGM(x) (1 / (1 + REXP(-(x))))

/* σ and tanh as the gate passes evaluate them, in both precisions (the test build is double;
 * its tests bound the float ones too). */
RNN_ELEMENTWISE_CLONES
void rnn_gate_funcs_f32(size_t n, const float *restrict x, float *restrict sig,
                        float *restrict th) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) sig[i] = 1 / (1 + expf(-x[i])), th[i] = tanhf(x[i]);
}

RNN_ELEMENTWISE_CLONES
void rnn_gate_funcs_f64(size_t n, const double *restrict x, double *restrict sig,
                        double *restrict th) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) sig[i] = 1 / (1 + exp(-x[i])), th[i] = tanh(x[i]);
}

/* Inputs this narrow (N ≤ RNN_NARROW_INPUT: addition, copy) make the input side a rank-N
 * update: as one GEMM over all T·B rows it streams the whole (T, B, G·M) pre-activation and
 * gradient buffers through memory once more, and OpenBLAS packs them for its gradient. So
 * with use_blas the input side is done per step instead, while the step's rows are in cache:
 * the loops below, over Wxᵀ (N, G·M) kept once per forward. use_blas = 0 keeps the plain
 * GEMM loops, which the agreement tests compare with them. */
enum { RNN_NARROW_INPUT = 8 };

/* s (B, G·M) = bx + x (B, N) · Wxᵀ, the input side of one step. */
RNN_ELEMENTWISE_CLONES
static void input_narrow(int B, int GM, int N, const real *restrict x, const real *restrict WxT,
                         const real *restrict bx, real *restrict s) {
    for (int b = 0; b < B; b++) {
        real *sb = s + (size_t)b * GM;
        const real *xb = x + (size_t)b * N;
#pragma omp simd
        for (int j = 0; j < GM; j++) sb[j] = bx[j];
        for (int n = 0; n < N; n++) {
            const real xv = xb[n], *wn = WxT + (size_t)n * GM;
#pragma omp simd
            for (int j = 0; j < GM; j++) sb[j] += xv * wn[j];
        }
    }
}

/* acc (N+1, G·M) += [dpᵀ x; Σ_b dp] for one step's dp (B, G·M) and x (B, N): dWxᵀ, dbx. */
RNN_ELEMENTWISE_CLONES
static void input_narrow_grad(int B, int GM, int N, const real *restrict dp,
                              const real *restrict x, real *restrict acc) {
    real *ab = acc + (size_t)N * GM;
    for (int b = 0; b < B; b++) {
        const real *db = dp + (size_t)b * GM, *xb = x + (size_t)b * N;
        for (int n = 0; n < N; n++) {
            const real xv = xb[n];
            real *an = acc + (size_t)n * GM;
#pragma omp simd
            for (int j = 0; j < GM; j++) an[j] += db[j] * xv;
        }
#pragma omp simd
        for (int j = 0; j < GM; j++) ab[j] += db[j];
    }
}

/* tanh: h_t = a_t = tanh(a_t) for the n = B·M entries of one step, in place in a. */
RNN_ELEMENTWISE_CLONES
static void tanh_cell_forward(size_t n, real *restrict a, real *restrict h) {
#pragma omp simd
    for (size_t i = 0; i < n; i++) h[i] = a[i] = RTANH(a[i]);
}

/* LSTM, one step (model_rnn.h): s (B, 4M) holds the pre-activations of [i f g o] on entry
 * and the gates on return; c_t = f ⊙ c_{t-1} + i ⊙ g, tc = tanh(c_t), h_t = o ⊙ tc. */
RNN_ELEMENTWISE_CLONES
static void lstm_cell_forward(int B, int M, real *restrict s, const real *restrict cp,
                              real *restrict ct, real *restrict tc, real *restrict ht) {
    for (int b = 0; b < B; b++) {
        real *si = s + (size_t)b * 4 * M, *sf = si + M, *sg = sf + M, *so = sg + M;
        const size_t r = (size_t)b * M;
#pragma omp simd
        for (int j = 0; j < M; j++) {
            const real i_ = SIGM(si[j]), f = SIGM(sf[j]), g = RTANH(sg[j]), o = SIGM(so[j]);
            si[j] = i_, sf[j] = f, sg[j] = g, so[j] = o;
            const real c = f * cp[r + j] + i_ * g, t = RTANH(c);
            ct[r + j] = c, tc[r + j] = t;
            ht[r + j] = o * t;
        }
    }
}

/* GRU, one step (model_rnn.h): s (B, 3M) holds the input-side pre-activations of [r z n] on
 * entry and the gates on return; q (B, 3M) = Wh h_{t-1} without bh; hn = Wh_n h_{t-1} + bh_n. */
RNN_ELEMENTWISE_CLONES
static void gru_cell_forward(int B, int M, real *restrict s, const real *restrict q,
                             const real *restrict bh, const real *restrict hp,
                             real *restrict hn, real *restrict ht) {
    for (int b = 0; b < B; b++) {
        real *sr = s + (size_t)b * 3 * M, *sz = sr + M, *sn = sz + M;
        const real *qr = q + (size_t)b * 3 * M, *qz = qr + M, *qn = qz + M;
        const size_t k = (size_t)b * M;
#pragma omp simd
        for (int j = 0; j < M; j++) {
            const real r = SIGM(sr[j] + qr[j] + bh[j]);
            const real z = SIGM(sz[j] + qz[j] + bh[M + j]);
            const real a = qn[j] + bh[2 * M + j];
            const real n = RTANH(sn[j] + r * a);
            hn[k + j] = a;
            sr[j] = r, sz[j] = z, sn[j] = n;
            ht[k + j] = (1 - z) * n + z * hp[k + j];
        }
    }
}

/* LSTM, one step back: from dh = dL/dh_t and dc = dL/dc_t (carried from t+1) the gates'
 * pre-activation gradients d (B, 4M), and dc ← dL/dc_{t-1}. s: the gates of step t. */
RNN_ELEMENTWISE_CLONES
static void lstm_cell_backward(int B, int M, const real *restrict s, const real *restrict cp,
                               const real *restrict tc, const real *restrict dh,
                               real *restrict dc, real *restrict d) {
    for (int b = 0; b < B; b++) {
        const real *si = s + (size_t)b * 4 * M, *sf = si + M, *sg = sf + M, *so = sg + M;
        real *di = d + (size_t)b * 4 * M, *df = di + M, *dg = df + M, *dout = dg + M;
        const size_t r = (size_t)b * M;
#pragma omp simd
        for (int j = 0; j < M; j++) {
            const real i_ = si[j], f = sf[j], g = sg[j], o = so[j], t = tc[r + j];
            const real dct = dc[r + j] + dh[r + j] * o * (1 - t * t);
            di[j] = dct * g * i_ * (1 - i_);
            df[j] = dct * cp[r + j] * f * (1 - f);
            dg[j] = dct * i_ * (1 - g * g);
            dout[j] = dh[r + j] * t * o * (1 - o);
            dc[r + j] = dct * f;
        }
    }
}

/* GRU, one step back: d (B, 3M) = dL/d(input-side pre-activations), e (B, 3M) = dL/d(Wh h_{t-1}
 * + bh), dh2 = the direct path z ⊙ dh. s: the gates of step t, hn as the forward's. */
RNN_ELEMENTWISE_CLONES
static void gru_cell_backward(int B, int M, const real *restrict s, const real *restrict hn,
                              const real *restrict hp, const real *restrict dh,
                              real *restrict d, real *restrict e, real *restrict dh2) {
    for (int b = 0; b < B; b++) {
        const real *sr = s + (size_t)b * 3 * M, *sz = sr + M, *sn = sz + M;
        real *dr = d + (size_t)b * 3 * M, *dz = dr + M, *dn = dz + M;
        real *er = e + (size_t)b * 3 * M, *ez = er + M, *en = ez + M;
        const size_t k = (size_t)b * M;
#pragma omp simd
        for (int j = 0; j < M; j++) {
            const real r = sr[j], z = sz[j], n = sn[j], g = dh[k + j];
            const real dan = g * (1 - z) * (1 - n * n);
            const real dar = dan * hn[k + j] * r * (1 - r);
            const real daz = g * (hp[k + j] - n) * z * (1 - z);
            dr[j] = er[j] = dar;
            dz[j] = ez[j] = daz;
            dn[j] = dan;
            en[j] = dan * r;
            dh2[k + j] = g * z;
        }
    }
}

void rnn_forward(const struct rnn *m, struct rnn_work *w, const real *x) {
    const struct rnn_config *c = &m->cfg;
    const int T = w->T, B = w->B, M = c->M, N = c->N, K = c->K, GM = m->G * M;
    const size_t BM = (size_t)B * M, BG = (size_t)B * GM;
    const struct rnn_views v = rnn_views(m, m->params);
    if (m->enc.type) {
        m->enc.type->forward(&m->enc, m->params + m->enc_offset, x, w->T_in, B, w->feat,
                             w->enc_work, m->use_blas);
        x = w->feat;
    }
    /* input side: with narrow inputs per step (input_narrow), else of every step at once,
     * S (T·B, G·M) = x (T·B, N) · Wxᵀ + bx */
    const int narrow = m->use_blas && N <= RNN_NARROW_INPUT;
    if (narrow)
        for (int i = 0; i < GM; i++)
            for (int n = 0; n < N; n++) w->WxT[(size_t)n * GM + i] = v.Wx[(size_t)i * N + n];
    else {
        mat_mul(m->use_blas, 0, 1, T * B, GM, N, 1, x, N, v.Wx, N, 0, w->S, GM);
        for (size_t r = 0; r < (size_t)T * B; r++)
            for (int j = 0; j < GM; j++) w->S[r * GM + j] += v.bx[j];
    }
    /* Whᵀ (M, G·M), once for the T steps */
    for (int i = 0; i < GM; i++)
        for (int j = 0; j < M; j++) w->WhT[(size_t)j * GM + i] = v.Wh[(size_t)i * M + j];
    memset(w->H, 0, BM * sizeof(real));
    if (w->Cs) memset(w->Cs, 0, BM * sizeof(real));
    for (int t = 1; t <= T; t++) {
        const real *hp = w->H + (t - 1) * BM;
        real *ht = w->H + t * BM, *st = w->S + (t - 1) * BG;
        if (narrow) input_narrow(B, GM, N, x + (size_t)(t - 1) * B * N, w->WxT, v.bx, st);
        switch (c->kind) {
        case MODEL_TANH: /* h_t = tanh(a_t) */
            mat_mul(m->use_blas, 0, 0, B, GM, M, 1, hp, M, w->WhT, GM, 1, st, GM);
            tanh_cell_forward(BM, st, ht);
            break;
        case MODEL_LSTM:
            mat_mul(m->use_blas, 0, 0, B, GM, M, 1, hp, M, w->WhT, GM, 1, st, GM);
            lstm_cell_forward(B, M, st, w->Cs + (t - 1) * BM, w->Cs + t * BM,
                              w->TC + (t - 1) * BM, ht);
            break;
        case MODEL_GRU:
            /* tmp (B, G·M) = h_{t-1} Whᵀ (bh: in the cell) */
            mat_mul(m->use_blas, 0, 0, B, GM, M, 1, hp, M, w->WhT, GM, 0, w->tmp, GM);
            gru_cell_forward(B, M, st, w->tmp, v.bh, hp, w->HN + (t - 1) * BM, ht);
            break;
        default: ASSERT(0);
        }
    }
    /* readout y = D h (+ b) from h_T, or from h_1..h_T */
    const int rows = w->T_out * B;
    const real *ho = c->readout == READOUT_ALL ? w->H + BM : w->H + T * BM;
    mat_mul(m->use_blas, 0, 1, rows, K, M, 1, ho, M, v.D, M, 0, w->Y, K);
    if (v.b)
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < K; k++) w->Y[(size_t)r * K + k] += v.b[k];
}

void rnn_backward(const struct rnn *m, struct rnn_work *w, const real *x, real *grad) {
    const struct rnn_config *c = &m->cfg;
    const int T = w->T, B = w->B, M = c->M, N = c->N, K = c->K, GM = m->G * M;
    const size_t BM = (size_t)B * M, BG = (size_t)B * GM;
    const struct rnn_views v = rnn_views(m, m->params);
    struct rnn_views g = rnn_views(m, grad);
    const int rows = w->T_out * B, all = c->readout == READOUT_ALL;
    const real *ho = all ? w->H + BM : w->H + T * BM;

    /* readout: dD += dYᵀ h, db += Σ dY, GH = dY D */
    mat_mul(m->use_blas, 1, 0, K, M, rows, 1, w->dY, K, ho, M, 1, g.D, M);
    if (g.b)
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < K; k++) g.b[k] += w->dY[(size_t)r * K + k];
    mat_mul(m->use_blas, 0, 0, rows, M, K, 1, w->dY, K, v.D, M, 0, w->GH, M);

    real *dh = w->dh, *dc = w->dc;
    memset(dh, 0, BM * sizeof(real));
    memset(dc, 0, BM * sizeof(real));
    /* narrow inputs: dWxᵀ and dbx accumulate per step in dWxT (input_narrow_grad), and
     * without an encoder to take dL/dx the steps' DP need not be kept: one slice */
    const real *s = m->enc.type ? w->feat : x;
    const int narrow = m->use_blas && N <= RNN_NARROW_INPUT, keep_dp = !narrow || m->enc.type;
    if (narrow) memset(w->dWxT, 0, (size_t)(N + 1) * GM * sizeof(real));
    for (int t = T; t >= 1; t--) {
        /* dh = dL/dh_t: the carry from t+1 plus the readout's gradient at t */
        const real *gh = all ? w->GH + (t - 1) * BM : t == T ? w->GH : NULL;
        if (gh)
            for (size_t i = 0; i < BM; i++) dh[i] += gh[i];
        const real *hp = w->H + (t - 1) * BM, *ht = w->H + t * BM, *st = w->S + (t - 1) * BG;
        real *dp = w->DP + (keep_dp ? (t - 1) * BG : 0); /* dL/d(Wx x_t + bx + ...) */
        const real *dpre_h = dp;         /* dL/d(Wh h_{t-1}): the same but for the GRU */
        switch (c->kind) {
        case MODEL_TANH:
            for (size_t i = 0; i < BM; i++) dp[i] = dh[i] * (1 - ht[i] * ht[i]);
            break;
        case MODEL_LSTM:
            lstm_cell_backward(B, M, st, w->Cs + (t - 1) * BM, w->TC + (t - 1) * BM, dh, dc, dp);
            break;
        case MODEL_GRU: {
            real *dq = w->dph;
            gru_cell_backward(B, M, st, w->HN + (t - 1) * BM, hp, dh, dp, dq, w->dh2);
            for (int b = 0; b < B; b++)
                for (int j = 0; j < GM; j++) g.bh[j] += dq[(size_t)b * GM + j];
            dpre_h = dq;
            break;
        }
        default: ASSERT(0);
        }
        if (narrow) input_narrow_grad(B, GM, N, dp, s + (size_t)(t - 1) * B * N, w->dWxT);
        /* dWh += dpreᵀ h_{t-1}; dL/dh_{t-1} = dpre Wh (+ z ⊙ dh for the GRU) */
        mat_mul(m->use_blas, 1, 0, GM, M, B, 1, dpre_h, GM, hp, M, 1, g.Wh, M);
        if (t > 1) {
            mat_mul(m->use_blas, 0, 0, B, M, GM, 1, dpre_h, GM, v.Wh, M, 0, dh, M);
            if (c->kind == MODEL_GRU)
                for (size_t i = 0; i < BM; i++) dh[i] += w->dh2[i];
        }
    }
    /* input side over all steps: dWx += DPᵀ x, dbx += Σ DP (or what the steps accumulated),
     * dL/dx = DP Wx */
    if (narrow)
        for (int i = 0; i < GM; i++) {
            for (int n = 0; n < N; n++) g.Wx[(size_t)i * N + n] += w->dWxT[(size_t)n * GM + i];
            g.bx[i] += w->dWxT[(size_t)N * GM + i];
        }
    else {
        mat_mul(m->use_blas, 1, 0, GM, N, T * B, 1, w->DP, GM, s, N, 1, g.Wx, N);
        for (size_t r = 0; r < (size_t)T * B; r++)
            for (int j = 0; j < GM; j++) g.bx[j] += w->DP[r * GM + j];
    }
    if (m->enc.type) {
        mat_mul(m->use_blas, 0, 0, T * B, N, GM, 1, w->DP, GM, v.Wx, N, 0, w->dfeat, N);
        m->enc.type->backward(&m->enc, m->params + m->enc_offset, x, w->T_in, B, w->dfeat,
                              grad + m->enc_offset, w->enc_work, m->use_blas);
    }
}

/* ---- evaluation and the model types --------------------------------------------------- */

/* Buffers for batches of one size B: the workspace and the gathered batch. */
struct rbatch {
    int B;
    struct rnn_work w;
    struct data_batch in; /* the gathered inputs, targets and mask */
};

static void rbatch_alloc(struct rbatch *b, const struct rnn *m, const struct dataset *d, int B) {
    memset(b, 0, sizeof *b);
    if (B == 0) return;
    b->B = B;
    rnn_work_alloc(&b->w, m, d->T, B);
    ASSERT(b->w.T_out == d->T_out);
    data_batch_alloc(&b->in, d, B);
}

static void rbatch_free(struct rbatch *b) {
    if (!b->B) return;
    rnn_work_free(&b->w);
    data_batch_free(&b->in);
}

/* Forward + loss of rows b0 .. b0 + b->B - 1 of the batch idx[0..B) (all of it: b0 = 0,
 * B = b->B), the loss normalised by the whole batch's weight (model.h, forward_part). */
static double rbatch_forward(const struct rnn *m, const struct dataset *d, struct rbatch *b,
                             const int *idx, int B, int b0, int want_grad) {
    data_batch_gather(&b->in, d, idx + b0);
    rnn_forward(m, &b->w, b->in.x);
    return loss_eval_part(d->loss, b->w.T_out * b->B, d->K, b->w.Y, b->in.y, b->in.label,
                          b->in.mask, d->out_weight, dataset_weight(d, idx, B),
                          want_grad ? b->w.dY : NULL);
}

static void *mr_work_alloc(const struct model *m, const void *data, int B) {
    struct rbatch *b = xmalloc(sizeof *b);
    rbatch_alloc(b, m->impl, data, B);
    return b;
}

static void mr_work_free(void *work) {
    rbatch_free(work);
    free(work);
}

/* The initial state is zero: r (the batch stream) is not drawn from. */
static double mr_forward_loss(const struct model *m, void *work, const void *data,
                              const int *idx, int B, rng_t *r, int want_grad) {
    struct rbatch *b = work;
    ASSERT(B == b->B);
    return rbatch_forward(m->impl, data, b, idx, B, 0, want_grad);
}

static double mr_forward_part(const struct model *m, void *work, const void *data,
                              const int *idx, int B, int b0, rng_t r, int want_grad) {
    return rbatch_forward(m->impl, data, work, idx, B, b0, want_grad);
}

/* Nothing is drawn: the initial state is zero. */
static void mr_skip_batch(const struct model *m, int B, rng_t *r) {}

static void mr_backward(const struct model *m, void *work, real *grad) {
    struct rbatch *b = work;
    rnn_backward(m->impl, &b->w, b->in.x, grad);
}

/* The manifold-attractor regulariser is the AL-RNN's (PAPER.md §1.3): none here. */
static double mr_regularizer(const struct model *m, double tau, int M_reg, real *grad) {
    return 0;
}

static const real *mr_outputs(const void *work, const struct data_batch **in) {
    const struct rbatch *b = work;
    *in = &b->in;
    return b->w.Y;
}

/* The batch stream restarted from seed goes unused: the initial state is zero. */
static double mr_evaluate(const struct model *m, const void *data, int B, uint64_t seed,
                          double *metrics) {
    return model_evaluate_dataset(m, data, B, seed, mr_outputs, NULL, metrics);
}

static void mr_write_params(const struct model *m, const struct h5file *f) {
    const struct rnn *a = m->impl;
    model_write_tensors(f, a->tensors, a->n_tensors, a->params);
}

#define RNN_MODEL_TYPE(name_)                                          \
    {                                                                  \
        .name = name_, .work_alloc = mr_work_alloc,                    \
        .work_free = mr_work_free, .forward_loss = mr_forward_loss,    \
        .backward = mr_backward, .regularizer = mr_regularizer,        \
        .evaluate = mr_evaluate, .write_params = mr_write_params,      \
        .forward_part = mr_forward_part, .skip_batch = mr_skip_batch,  \
        .reg_description = "none (the regulariser is the AL-RNN's)",   \
        .eval_loss_description = "test loss at each evaluation",       \
        .eval_metric_description = "metric on the test set at each evaluation", \
        .metric_units = "metric",                                      \
    }
const struct model_type model_type_tanh = RNN_MODEL_TYPE("tanh");
const struct model_type model_type_lstm = RNN_MODEL_TYPE("lstm");
const struct model_type model_type_gru = RNN_MODEL_TYPE("gru");
#undef RNN_MODEL_TYPE

void model_rnn(struct model *mo, struct rnn *r, const struct task_type *task) {
    const struct model_type *types[] = {[MODEL_TANH] = &model_type_tanh,
                                        [MODEL_LSTM] = &model_type_lstm,
                                        [MODEL_GRU] = &model_type_gru};
    ASSERT(r->cfg.kind > MODEL_ALRNN && r->cfg.kind < MODEL__COUNT);
    *mo = (struct model){.type = types[r->cfg.kind], .impl = r, .n_params = r->n_params,
                         .params = r->params, .M = r->cfg.M,
                         .loss_units = loss_kind_names[task->loss],
                         .n_metrics = task_metric_count(task), .task = task};
}
