/* model_rnn.h: the gated baselines beside the AL-RNN: an Elman tanh RNN, an LSTM and a GRU,
 * each with the paper's linear readout y_t = D h_t (+ b) and, optionally, the same input
 * encoders (encoder.h) the AL-RNN uses. Sized by units: M hidden units for every model, so
 * a row's M means the same state width whatever the model (the parameter counts differ:
 * rnn_n_params, recorded in /config as n_params).
 *
 * Cells (PyTorch's nn.RNN / nn.LSTM / nn.GRU equations and gate order, one layer):
 *   tanh  h_t = tanh(Wx x_t + Wh h_{t-1} + bx)                                    G = 1
 *   lstm  [i f g o] = [σ σ tanh σ](Wx x_t + Wh h_{t-1} + bx)                     G = 4
 *         c_t = f ⊙ c_{t-1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
 *   gru   r = σ(Wx_r x_t + bx_r + Wh_r h_{t-1} + bh_r),  z likewise               G = 3
 *         n = tanh(Wx_n x_t + bx_n + r ⊙ (Wh_n h_{t-1} + bh_n))
 *         h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 * Flat layout (row-major, gates stacked gate-major as PyTorch's weight_ih_l0 / weight_hh_l0):
 *   Wx (G·M, N), Wh (G·M, M), bx (G·M), [bh (G·M), GRU only], D (K, M), [b (K)], encoder.
 * PyTorch keeps two biases for every cell; for tanh and LSTM only their sum matters, so one
 * bx stands for both. Initialisation: PyTorch's U(−1/√M, 1/√M) for the cell's weights and
 * biases; D ~ N(0, 0.1²) and b = 0 as the AL-RNN's readout (PAPER.md §1.3).
 * The initial state is zero (h_0 = c_0 = 0, PyTorch's default); a row's z0 setting and the
 * manifold-attractor regulariser are the AL-RNN's and do not apply (the regulariser hook
 * returns 0). There is no P: the units are not piecewise linear.
 *
 * Matrix work goes through mat_mul (alrnn.h): cblas GEMM in either precision, or plain loops
 * with use_blas = 0 (the agreement tests compare them).
 */
#ifndef ALRNN_MODEL_RNN_H
#define ALRNN_MODEL_RNN_H

#include "model.h"

/* Which model an experiment row trains; names are what /config `model` and the row
 * identity say. MODEL_ALRNN (zero) is the default. */
typedef enum { MODEL_ALRNN, MODEL_TANH, MODEL_LSTM, MODEL_GRU, MODEL__COUNT } model_kind;
extern const char *const model_kind_names[]; /* MODEL__COUNT entries */

struct rnn_config {
    model_kind kind; /* MODEL_TANH, MODEL_LSTM or MODEL_GRU */
    int M;           /* hidden units */
    int N;           /* inputs per step (the encoder's features, if any) */
    int K;           /* readout outputs */
    readout_kind readout;
    int readout_bias;
};

enum { RNN_MAX_TENSORS = ALRNN_MAX_TENSORS };

struct rnn {
    struct rnn_config cfg;
    int G;                /* gates: 1, 4, 3 */
    struct encoder enc;   /* enc.type == NULL: raw inputs */
    size_t enc_offset;
    size_t n_params;
    int n_tensors;
    struct alrnn_tensor tensors[RNN_MAX_TENSORS];
    real *params;         /* (n_params) */
    int use_blas;         /* 1: cblas GEMM (default); 0: plain loops */
};

/* Named pointers into a flat vector with the model's layout (bh, b NULL when absent). */
struct rnn_views {
    real *Wx; /* (G·M, N) */
    real *Wh; /* (G·M, M) */
    real *bx; /* (G·M) */
    real *bh; /* (G·M) GRU */
    real *D;  /* (K, M) */
    real *b;  /* (K) */
};

/* Dies (one line) on an invalid configuration. enc may be NULL; with an encoder c->N is
 * replaced by its feature width. */
void rnn_create(struct rnn *m, const struct rnn_config *c, const struct encoder *enc);
void rnn_free(struct rnn *m);
struct rnn_views rnn_views(const struct rnn *m, real *flat);
void rnn_init_params(struct rnn *m, rng_t *r);
/* The parameter count of a configuration without building it (encoder excluded). */
size_t rnn_n_params(const struct rnn_config *c);

/* Workspace for one batch shape, kept from forward to backward. */
struct rnn_work {
    int T_in, T, B, T_out;
    real *feat, *dfeat; /* (T, B, N) encoder features and their gradient, or NULL */
    void *enc_work;
    real *H;   /* (T+1, B, M) hidden states, H[0] = 0 */
    real *Cs;  /* (T+1, B, M) LSTM cell states, else NULL */
    real *TC;  /* (T, B, M) LSTM tanh(c_t) for t = 1..T, else NULL */
    real *S;   /* (T, B, G·M) gate activations after their nonlinearity */
    real *HN;  /* (T, B, M) GRU: Wh_n h_{t-1} + bh_n, else NULL */
    real *Y;   /* (T_out, B, K) readout */
    real *dY;  /* (T_out, B, K) dL/dY, set by the caller before backward */
    real *GH;  /* (T_out, B, M) dL/dh from the readout */
    real *DP;  /* (T, B, G·M) dL/d(input-side pre-activations) */
    real *dh, *dc, *dh2; /* (B, M) */
    real *dph; /* (B, G·M) dL/d(hidden-side pre-activations) */
    real *tmp; /* (B, G·M) */
    real *WhT; /* (M, G·M) Whᵀ, set by the forward pass */
    real *WxT;  /* (N, G·M) Wxᵀ, set by the forward pass for narrow inputs (N ≤ 8) */
    real *dWxT; /* (N+1, G·M) narrow inputs: [dWxᵀ; dbx] accumulated over the steps */
};
void rnn_work_alloc(struct rnn_work *w, const struct rnn *m, int T_in, int B);
void rnn_work_free(struct rnn_work *w);

/* x (T_in, B, N_raw) time-major: fills H (and Cs, S, HN) and Y. */
void rnn_forward(const struct rnn *m, struct rnn_work *w, const real *x);
/* BPTT from w->dY; accumulates dL/dparams into grad (n_params), encoder included. */
void rnn_backward(const struct rnn *m, struct rnn_work *w, const real *x, real *grad);

/* sig = σ(x) = 1/(1 + exp(−x)) and th = tanh(x) for n values, by the code path and vector
 * math of the gate passes (model_rnn.c), for tests of their accuracy. */
void rnn_gate_funcs_f32(size_t n, const float *x, float *sig, float *th);
void rnn_gate_funcs_f64(size_t n, const double *x, double *sig, double *th);

/* The model types (model.h) and the constructor: the task's loss and metrics on its struct
 * dataset splits, as model_alrnn. r is borrowed and must outlive the model. */
extern const struct model_type model_type_tanh, model_type_lstm, model_type_gru;
void model_rnn(struct model *mo, struct rnn *r, const struct task_type *task);

#endif
