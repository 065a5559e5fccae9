/* alrnn.h: the almost-linear RNN (PAPER.md §1) with a linear input map and readout.
 *
 *   z_t = A ⊙ z_{t-1}[A-units] + W Φ*(z_{t-1}) + C s_t + h,      t = 1..T      (§1.1)
 *   Φ*(z) = [z_1..z_{M-P}, relu(z_{M-P+1})..relu(z_M)]           (the LAST P units are ReLU)
 *   y_t = D z_t (+ b)                                             readout from the whole state
 *
 * Two parameterisations (§1.2, §1.3):
 *   ALRNN_FORM_SEQ  A has P entries, acting on the P ReLU units only (the sequence paper's code);
 *   ALRNN_FORM_DSR  A has M entries, acting on every unit (the official DSR code).
 * In both, A multiplies the pre-activation state and W is a full M×M matrix.
 *
 * Parameters, gradients and optimizer moments are flat vectors with one layout, described by
 * a table of named tensors (alrnn_tensor); alrnn_views() carves any such vector into named
 * pointers. The model object itself owns only the parameter vector.
 *
 * The forward pass keeps every state (T+1, B, M) for BPTT and for the bitcode analyses.
 * Matrix work goes through one routine that calls cblas GEMM, or, with use_blas = 0, plain
 * loops computing the same sums (kept for the agreement tests).
 *
 * An optional encoder (encoder.h) sits before C: its parameters follow the AL-RNN's in the
 * flat vector, forward runs it before the recurrence, backward after BPTT.
 *
 * Deliberately not here: the loss (loss.h), training (train.h).
 */
#ifndef ALRNN_ALRNN_H
#define ALRNN_ALRNN_H

#include "common.h"
#include "encoder.h"
#include "rng.h"
#include "task.h"

typedef enum { ALRNN_FORM_SEQ, ALRNN_FORM_DSR, ALRNN_FORM__COUNT } alrnn_form;
typedef enum {
    ALRNN_INIT_SEQ,       /* §1.3: A, W, h ~ N(0, .01²); C, D ~ N(0, .1²) */
    ALRNN_INIT_MULTITASK, /* §1.3 multi_task: A ~ N(.9, .1²), W ~ N(0, (.1/√M)²), h = 0 */
    ALRNN_INIT_DSR,       /* §1.2: A = diag(K/λmax(K)), K = RᵀR/M + I; W ~ N(0, .01²); h = 0 */
    ALRNN_INIT__COUNT
} alrnn_init;
typedef enum {
    Z0_ZERO,    /* z_0 = 0 */
    Z0_UNIFORM, /* §1.3: a fresh draw U(-1/√B, 1/√B) per batch and unit, never learned */
    Z0__COUNT
} z0_kind;
extern const char *const alrnn_form_names[]; /* ALRNN_FORM__COUNT entries */
extern const char *const alrnn_init_names[]; /* ALRNN_INIT__COUNT entries */
extern const char *const z0_kind_names[]; /* Z0__COUNT entries */

struct alrnn_config {
    int M;               /* latent units */
    int P;               /* ReLU units (the last P), 0 <= P <= M */
    int N;               /* inputs per step entering through C (the encoder's features, if any) */
    int K;               /* readout outputs */
    alrnn_form form;
    alrnn_init init;
    z0_kind z0;
    readout_kind readout; /* last step only, or every step */
    int readout_bias;     /* 1: y = D z + b (classification heads) */
};

enum { ALRNN_MAX_TENSORS = 24 };

struct alrnn {
    struct alrnn_config cfg;
    int a0;          /* first unit the A term acts on: M-P (SEQ) or 0 (DSR) */
    struct encoder enc;   /* enc.type == NULL: raw inputs enter C directly */
    size_t enc_offset;    /* where the encoder's parameters start in the flat vector */
    size_t n_params;
    int n_tensors;
    struct alrnn_tensor tensors[ALRNN_MAX_TENSORS];
    real *params;    /* (n_params) */
    int use_blas;    /* 1: cblas GEMM (default); 0: plain loops */
};

/* Named pointers into a flat vector with the model's layout. b is NULL without readout bias. */
struct alrnn_views {
    real *A; /* (M - a0) */
    real *W; /* (M, M) */
    real *C; /* (M, N) */
    real *h; /* (M) */
    real *D; /* (K, M) */
    real *b; /* (K) */
};

/* Dies (one clear line) when the configuration is invalid, e.g. P > M. */
void alrnn_config_check(const struct alrnn_config *c);
/* enc may be NULL. With an encoder, c->N is ignored and set to the encoder's feature width. */
void alrnn_create(struct alrnn *m, const struct alrnn_config *c, const struct encoder *enc);
void alrnn_free(struct alrnn *m);
struct alrnn_views alrnn_views(const struct alrnn *m, real *flat);
void alrnn_init_params(struct alrnn *m, rng_t *r);

/* Workspace for one batch shape; allocated once and reused across steps. */
struct alrnn_work {
    int T_in;  /* raw input steps (= T without an encoder) */
    int T, B, T_out;
    real *feat;  /* (T, B, N) encoder features, NULL without an encoder */
    real *dfeat; /* (T, B, N) */
    void *enc_work;
    real *Z;   /* (T+1, B, M) states, Z[0] = z_0 */
    real *Phi; /* (T, B, M)   Φ*(z_t) for t = 0..T-1 */
    real *Y;   /* (T_out, B, K) readout */
    real *G;   /* (T+1, B, M) dL/dz_t during backward */
    real *dY;  /* (T_out, B, K) */
    real *dPhi;/* (B, M) */
    real *Wt;  /* (M, M) Wᵀ, so each step's product is an NN GEMM (faster than NT for small B) */
    /* Per-unit tables, so that every elementwise pass runs over all M units in one
     * branch-free loop whatever P is (its cost then does not depend on P): */
    real *Af;       /* (M) A on the units it acts on, 0 elsewhere (refreshed by each forward) */
    real *dAf;      /* (M) dL/dA in the same layout, during backward */
    int32_t *lin;   /* (M) 1 for the linear units [0, M-P), 0 for the ReLU units */
};
/* T_in: raw input steps; the recurrence runs over the encoder's T_out of them. */
/* Recurrence steps for T_in raw input steps (fewer when the encoder pools). */
int alrnn_steps(const struct alrnn *m, int T_in);
void alrnn_work_alloc(struct alrnn_work *w, const struct alrnn *m, int T_in, int B);
void alrnn_work_free(struct alrnn_work *w);

/* Set z_0 (B rows) per cfg.z0; r supplies the uniform draw. */
void alrnn_set_z0(const struct alrnn *m, struct alrnn_work *w, rng_t *r);
/* Rows b0 .. b0 + w->B - 1 of what alrnn_set_z0 would draw for a batch of B rows from r
 * (the same values; r advances past row b0 + w->B - 1). For sharded training steps. */
void alrnn_set_z0_part(const struct alrnn *m, struct alrnn_work *w, rng_t *r, int B, int b0);
/* Advances r past what alrnn_set_z0 draws for a batch of B rows. */
void alrnn_skip_z0(const struct alrnn *m, int B, rng_t *r);

/* Forward over a time-major batch x (T_in, B, N_raw): fills w->Z, w->Phi, w->Y. */
void alrnn_forward(const struct alrnn *m, struct alrnn_work *w, const real *x);

/* One step t (1..T) for callers that build inputs as they go (free-running decoders):
 * z_t from z_{t-1} (in w->Z) and x_t (B, N); also Φ*(z_t) and, with READOUT_ALL, y_t.
 * Equivalent to alrnn_forward when run for t = 1..T after alrnn_set_z0 (no encoder). */
void alrnn_step(const struct alrnn *m, struct alrnn_work *w, int t, const real *x_t);

/* BPTT. Reads dL/dY from w->dY, accumulates into grad (flat, model layout), encoder
 * included. x is what forward saw (the raw input). If dx is non-NULL it receives dL/dx
 * (T, B, N) (models without an encoder only);
 * if dz0 is non-NULL it receives dL/dz_0 (B, M) (for an encoder-decoder). */
void alrnn_backward(const struct alrnn *m, struct alrnn_work *w, const real *x, real *grad,
                    real *dx, real *dz0);

/* Manifold-attractor regulariser (PAPER.md §1.3) on the first M_reg units; returns its
 * value and, if grad is non-NULL, accumulates its gradient. */
double alrnn_mar(const struct alrnn *m, double tau, int M_reg, real *grad);

/* Bitcode of state z (M): code[i] = 1[z_{M-P+i} > 0], i = 0..P-1 (PAPER.md §1.4). */
void alrnn_bitcode(const struct alrnn *m, const real *z, uint8_t *code);

/* PAPER.md §1.4: inside the subregion of code d the map is z -> W_Ω z + const with
 * W_Ω = diag(a) + W D_Ω, a = A on units a0..M-1 (0 below a0), D_Ω = diag(1..1, d_1..d_P)
 * (the linear units pass, ReLU unit M-P+i passes when d_i = 1). From raw parameters, so
 * that summarizers can use what a run file stores: A (M - a0), W (M, M) row-major, code
 * packed as in analysis.h. Writes the M eigenvalues as modulus (descending) and |angle| in
 * [0, π]. If lead is non-NULL and the largest-modulus eigenvalue is real, lead (M) receives
 * its unit-norm right eigenvector and 1 is returned; otherwise lead is zeroed and 0
 * returned. Dies if LAPACK's dgeev fails. */
int subregion_spectrum(int M, int P, int a0, const double *A, const double *W,
                       const uint64_t *code, double *modulus, double *angle, double *lead);
/* The same for a model's current parameters (lead: NULL or M). */
int alrnn_subregion_spectrum(const struct alrnn *m, const uint64_t *code, double *modulus,
                             double *angle, double *lead);

/* Matrix product through BLAS or plain loops: C (m×n) = alpha·op(A)·op(B) + beta·C,
 * row-major, op = transpose when ta/tb. Exposed for the agreement tests and encoders. */
void mat_mul(int use_blas, int ta, int tb, int m, int n, int k, real alpha, const real *A,
             int lda, const real *B, int ldb, real beta, real *C, int ldc);

#endif
