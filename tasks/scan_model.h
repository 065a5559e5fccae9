/* scan_model.h: the AL-RNN encoder–decoder of PAPER.md §2.9 (SCAN), its metrics, and the
 * construct boundaries of a command's output the bitcode analysis aligns to.
 *
 *   encoder  z^e_t = AL-RNN(z^e_{t-1}, E_in[w_t]),  z^e_0 = 0,  t = 1..T_in      (M, P_enc)
 *   decoder  z^d_0 = z^e_{T_in};  z^d_t = AL-RNN(z^d_{t-1}, E_out[u_t]),  y_t = D z^d_t   (M, P_dec)
 *            u_1 = <start>;  u_{t+1} = argmax y_t (free-running) or the target token y*_t
 *            (teacher forcing, chosen per step with probability tf)
 *   loss     Σ_{t,b} c(y*_tb) CE(y_tb, y*_tb) / Σ_{t,b} c(y*_tb),  c(<end>) = end_weight,
 *            c(<pad>) = 0, c(other) = 1   (PyTorch CrossEntropyLoss(weight, ignore_index=pad))
 * The target is the n actions followed by <end>, so the decoder is trained on n + 1 steps.
 *
 * Each AL-RNN is a core `struct alrnn` (core/alrnn.h) whose parameter vector is a slice of
 * one flat vector, laid out [encoder | decoder | E_in | E_out]; Adam and clipping walk the
 * whole. The encoder's readout is the hand-off itself: K = M with D fixed at the identity, so
 * alrnn_backward of the encoder, given dL/dY = dL/dz^d_0 from the decoder's backward (its
 * dz0), propagates the decoder's gradient into the encoder. That D is not a trained tensor:
 * scan_backward leaves its gradient at zero (Adam then never moves it) and it is not listed in
 * the model's tensor table.
 *
 * The argmax feeding the next step is treated as non-differentiable: the gradient reaches
 * E_out only through the rows that were selected, as in PyTorch's embedding(argmax(...)).
 *
 * Batches are time-major: src (T_in, B), tgt (T, B) token ids. A workspace is allocated for
 * T_max decoder steps and serves any T <= T_max (the alrnn_work buffers are time-major, so
 * their first T steps are a valid T-step workspace).
 *
 * Not here: data files and vocabularies (scan_data.h), the training loop and run files
 * (experiments/scan_run.c).
 */
#ifndef ALRNN_SCAN_MODEL_H
#define ALRNN_SCAN_MODEL_H

#include "alrnn.h"
#include "rng.h"

struct scan_model_config {
    int M;     /* latent units of encoder and decoder */
    int P_enc; /* ReLU units of the encoder (the last P_enc) */
    int P_dec; /* ReLU units of the decoder */
    int E;     /* embedding width of commands and actions */
    int V_in;  /* command vocabulary, specials included */
    int V_out; /* action vocabulary, specials included (the decoder's K) */
};

enum { SCAN_MODEL_MAX_TENSORS = 16 };

struct scan_model {
    struct scan_model_config cfg;
    struct alrnn enc;  /* enc.params = params + off_enc; N = E, K = M, D = identity */
    struct alrnn dec;  /* dec.params = params + off_dec; N = E, K = V_out, no readout bias */
    size_t off_enc, off_dec, off_emb_in, off_emb_out;
    size_t n_params;
    int n_tensors;     /* trained tensors: enc.{A,W,C,h}, dec.{A,W,C,h,D}, emb_in, emb_out */
    struct alrnn_tensor tensors[SCAN_MODEL_MAX_TENSORS];
    real *params;      /* (n_params) */
};

/* Named pointers into a flat vector with the model's layout. */
struct scan_views {
    real *enc;     /* the encoder's alrnn slice (alrnn_views(&m->enc, .) carves it) */
    real *dec;     /* the decoder's slice */
    real *emb_in;  /* (V_in, E) command embeddings E_in */
    real *emb_out; /* (V_out, E) action embeddings E_out */
};

void scan_model_create(struct scan_model *m, const struct scan_model_config *c);
void scan_model_free(struct scan_model *m);
struct scan_views scan_model_views(const struct scan_model *m, real *flat);
/* PAPER.md §1.3 initialisation for both AL-RNNs (A, W, h ~ N(0, .01²); C, D ~ N(0, .1²));
 * embeddings ~ N(0, 1) (nn.Embedding's default); the encoder's hand-off D = identity. */
void scan_model_init(struct scan_model *m, rng_t *r);

struct scan_work {
    int B, T_in, T_max; /* allocated shape */
    int T;              /* decoder steps of the last forward */
    struct alrnn_work enc, dec;
    int32_t *src;  /* (T_in, B) command ids of the last forward */
    real *x_in;    /* (T_in, B, E) E_in[src] */
    int32_t *fed;  /* (T_max, B) token fed at each decoder step (u_t) */
    real *x_dec;   /* (T_max, B, E) E_out[fed] */
    int32_t *pred; /* (T_max, B) argmax y_t */
    real *mask;    /* (T_max, B) loss weight of each target (scan_loss) */
    uint8_t *done; /* (B) row has produced <end> */
    real *dz0;     /* (B, M) dL/dz^d_0 = dL/dz^e_{T_in} */
    real *dx_in;   /* (T_in, B, E) */
    real *dx_dec;  /* (T_max, B, E) */
};
void scan_work_alloc(struct scan_work *w, const struct scan_model *m, int T_in, int T_max, int B);
void scan_work_free(struct scan_work *w);

/* Encoder over src (T_in, B), then the decoder for T_min..T_max steps: it runs at least T_min
 * steps, then stops as soon as every row has produced <end> (greedy decoding), and never
 * more than T_max (<= the workspace's). tgt (>= T_min steps, (T_min, B) time-major) supplies
 * the teacher-forced inputs; it may be NULL when tf = 0. With tf > 0 one draw from r per step
 * decides for the whole batch (as the authors' code does). Fills w->dec.Y (T, B, V_out) and
 * w->pred; returns the steps run (w->T). */
int scan_forward(const struct scan_model *m, struct scan_work *w, const int32_t *src,
                 const int32_t *tgt, int T_min, int T_max, double tf, rng_t *r);

/* Weighted CE of the last forward's first T <= w->T steps against tgt (T, B) (see the top of
 * this file); fills w->dec.dY (zero past T) when want_grad. Returns the loss (0 when every
 * target is pad); *weight_sum (if non-NULL) receives Σ c(y*), for pooling over batches. */
double scan_loss(const struct scan_model *m, struct scan_work *w, const int32_t *tgt, int T,
                 double end_weight, int want_grad, double *weight_sum);

/* Backward of the last forward from w->dec.dY: accumulates dL/dparams into grad (flat). */
void scan_backward(const struct scan_model *m, struct scan_work *w, real *grad);

/* ---- metrics ----------------------------------------------------------------------------- */

/* Two readings of greedy decoding, both on the prediction cut at its first <end>:
 *   lenient (PAPER.md §2.9, the authors' test): the prediction truncated to the target's
 *     length n; token = matches at positions 0..n-1 over n, sequence = all n match;
 *   strict: the target followed by <end> must be reproduced exactly, <end> included;
 *     token = matches at positions 0..n over n + 1, sequence = exact match.
 * Token accuracies are pooled over tokens (Σ matches / Σ lengths), as the authors' code does. */
#define SCAN_METRIC_LIST(X)                                                            \
    X(SCAN_M_SEQ_LENIENT, "seq_acc_lenient")                                           \
    X(SCAN_M_SEQ_STRICT, "seq_acc_strict")                                             \
    X(SCAN_M_TOKEN_LENIENT, "token_acc_lenient")                                       \
    X(SCAN_M_TOKEN_STRICT, "token_acc_strict")
#define SCAN_M_ENUM_(id, name) id,
enum scan_metric { SCAN_METRIC_LIST(SCAN_M_ENUM_) SCAN_M__COUNT };
#undef SCAN_M_ENUM_
extern const char *const scan_metric_names[]; /* SCAN_M__COUNT entries */

/* Scores of one prediction pred[0..Tp) (raw argmax per step) against tgt[0..Tt) (actions,
 * <end>, pads). Adds to counts: [0] lenient matches, [1] n, [2] strict matches, [3] n + 1;
 * *seq_lenient / *seq_strict receive 0 or 1. */
void scan_score_one(const int32_t *pred, int Tp, const int32_t *tgt, int Tt, long counts[4],
                    int *seq_lenient, int *seq_strict);

/* ---- construct boundaries of an output (for the bitcode analysis) ------------------------ */

/* A boundary of construct c lies before output position j when a new unit of c starts there:
 *   and, after  between [s1] and [s2] in output order ([s2][s1] for after);
 *   twice, thrice  between the repetitions of [v];
 *   around  between the four repetitions of (turn [x]);
 *   opposite  between the two turns and [x] (none for "turn opposite dir").
 * Each construct is a bit of a per-position mask. */
#define SCAN_CONSTRUCT_LIST(X)          \
    X(SCAN_C_AND, "and")                \
    X(SCAN_C_AFTER, "after")            \
    X(SCAN_C_TWICE, "twice")            \
    X(SCAN_C_THRICE, "thrice")          \
    X(SCAN_C_AROUND, "around")          \
    X(SCAN_C_OPPOSITE, "opposite")
#define SCAN_C_ENUM_(id, name) id,
enum scan_construct { SCAN_CONSTRUCT_LIST(SCAN_C_ENUM_) SCAN_C__COUNT };
#undef SCAN_C_ENUM_
extern const char *const scan_construct_names[]; /* SCAN_C__COUNT entries */

/* Actions of command (as scan_interpret, into actions (SCAN_MAX_ACTIONS) as enum scan_action
 * values) and mask[j] = the constructs with a boundary before position j. Returns n, or -1
 * when the command is not a sentence of the grammar. */
int scan_boundaries(const char *command, int *actions, uint8_t *mask);

#endif
