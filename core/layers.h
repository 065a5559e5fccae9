/* layers.h: the small layer toolkit the input encoders are built from (PAPER.md §2.1–2.3):
 * 1-D convolution, ReLU, max pooling, dense (linear) layers and a token embedding, each a
 * forward/backward pair over flat time-major arrays, plus a layer stack that composes them
 * into an encoder (encoder.h) with one macro.
 *
 * Layout. Every activation is time-major, x (T, B, C): step t of sequence b is the row
 * t·B + b of C values, the layout the AL-RNN consumes. A dense layer or an embedding treats
 * the T·B rows alike; a convolution or a pooling layer acts along t. A convolution gathers
 * the K taps of a block of (t, b) output rows into a small im2col buffer (it stays in L2)
 * and is one GEMM of depth K·Cin per block (layers.c says why not per tap, nor one
 * whole-layer im2col matrix).
 *
 * Conventions (STYLE.md 2): backward functions ACCUMULATE into every gradient they receive
 * (dw, db, dx); the caller zeroes them. dx may be NULL where no input gradient is wanted.
 * use_blas = 1 runs the GEMM formulation through mat_mul (cblas); use_blas = 0 runs plain
 * direct loops written independently of it (the convolution loops over output, tap and
 * channel), which is what the agreement tests compare against.
 *
 * Parameter layouts (row-major):
 *   conv1d   w (Cout, K, Cin)  -- PyTorch's Conv1d weight is (Cout, Cin, K): transpose the
 *            last two axes to load one. With this order w is the (Cout, K·Cin) matrix the
 *            im2col product reads in place.
 *            b (Cout)
 *   dense    w (Cout, Cin) (PyTorch nn.Linear's layout), b (Cout)
 *   embed    E (V, D): row id is the vector of token id
 * Initialisation follows PyTorch's defaults for Conv1d / Linear (weights and biases
 * U(−1/√fan_in, 1/√fan_in), fan_in = Cin·K or Cin); the embedding draws N(0, 0.6²), the
 * scale PAPER.md §2.1 uses for the words GloVe lacks (PyTorch's nn.Embedding draws N(0, 1)).
 *
 * What is deliberately not here: strides other than the pooling window, dilation, batch
 * normalisation, dropout; the encoders of the paper need none of them.
 */
#ifndef ALRNN_LAYERS_H
#define ALRNN_LAYERS_H

#include "common.h"
#include "encoder.h"
#include "rng.h"

/* ---- 1-D convolution, stride 1, zero padding `pad` at both ends ------------------------ */

/* Output steps: T + 2·pad − K + 1 (PyTorch Conv1d with stride 1, dilation 1). */
static inline int conv1d_T_out(int T, int K, int pad) { return T + 2 * pad - K + 1; }

/* y[t,b,o] = b[o] + Σ_{k,c} w[o,k,c] · x[t+k−pad, b, c]   (x = 0 outside 0..T−1)
 * x (T, B, Cin) -> y (T_out, B, Cout). */
void conv1d_forward(int Cin, int Cout, int K, int pad, const real *w /* (Cout, K, Cin) */,
                    const real *b /* (Cout) */, const real *x /* (T, B, Cin) */, int T, int B,
                    real *y /* (T_out, B, Cout) */, int use_blas);
/* dw += Σ dy ⊗ x (shifted per tap), db += Σ dy, dx += Σ_k dy_k · w_k. */
void conv1d_backward(int Cin, int Cout, int K, int pad, const real *w, const real *x, int T,
                     int B, const real *dy /* (T_out, B, Cout) */, real *dw, real *db,
                     real *dx /* (T, B, Cin) or NULL */, int use_blas);

/* ---- dense layer over rows --------------------------------------------------------- */

/* y (R, Cout) = x (R, Cin) · wᵀ + b */
void dense_forward(int Cin, int Cout, const real *w /* (Cout, Cin) */, const real *b /* (Cout) */,
                   const real *x /* (R, Cin) */, int R, real *y /* (R, Cout) */, int use_blas);
/* dw += dyᵀ x, db += Σ_r dy, dx += dy w */
void dense_backward(int Cin, int Cout, const real *w, const real *x, int R,
                    const real *dy /* (R, Cout) */, real *dw, real *db,
                    real *dx /* (R, Cin) or NULL */, int use_blas);

/* ---- ReLU, element-wise (the buffers of a call must not overlap) ---------------------- */

void relu_forward(const real *x /* (n) */, size_t n, real *y /* (n) */);
/* dx += dy ⊙ 1[x > 0] (the derivative at the kink is taken as 0, as in PyTorch) */
void relu_backward(const real *x /* (n) */, size_t n, const real *dy, real *dx);

/* ---- max pooling along t, window = stride = k, trailing steps dropped ---------------- */

/* PyTorch MaxPool1d(k): T_out = floor(T / k). Ties go to the first maximum. */
static inline int maxpool_T_out(int T, int k) { return T / k; }

/* y[t,b,c] = max_{j<k} x[t·k + j, b, c] */
void maxpool_forward(int C, int k, const real *x /* (T, B, C) */, int T, int B,
                     real *y /* (T/k, B, C) */);
/* dx[argmax] += dy; the argmax is recomputed from x (ties: first), so nothing is saved.
 * x, dy and dx must not overlap. */
void maxpool_backward(int C, int k, const real *x, int T, int B,
                      const real *dy /* (T/k, B, C) */, real *dx /* (T, B, C) */);

/* ---- token embedding ------------------------------------------------------------------- */

/* y[r] = E[ids[r]]; ids hold integer token ids stored as reals (task.h), 0 <= id < V. */
void embed_forward(int V, int D, const real *E /* (V, D) */, const real *ids /* (R) */, int R,
                   real *y /* (R, D) */);
/* dE[ids[r]] += dy[r] */
void embed_backward(int V, int D, const real *ids, int R, const real *dy /* (R, D) */,
                    real *dE /* (V, D) */);

/* ---- a stack of layers as one encoder ---------------------------------------------------
 *
 * A layer_stack is a short list of layer descriptors; the stack functions run them in order,
 * keep every intermediate activation in the caller's workspace for backward, and enumerate
 * the parameter tensors (w then b per conv/dense layer, E per embedding) as one contiguous
 * block in layer order. The last layer writes straight into the caller's output. */

typedef enum {
    LAYER_CONV1D,
    LAYER_DENSE,
    LAYER_RELU,
    LAYER_MAXPOOL,
    LAYER_EMBED,
    LAYER__COUNT
} layer_kind;
extern const char *const layer_kind_names[]; /* LAYER__COUNT entries */

struct layer {
    layer_kind kind;
    int in, out;        /* values per step entering / leaving the layer */
    int k;              /* conv: kernel width; maxpool: window (= stride) */
    int pad;            /* conv: zero padding at each end */
    int vocab;          /* embed: V, token ids 0..V-1 */
    int frozen;         /* embed: 1 = the table receives no gradient (fixed vectors) */
    const char *w_name; /* static tensor names, e.g. "enc.conv1.w" / "enc.conv1.b" */
    const char *b_name;
};

enum { STACK_MAX_LAYERS = 12 };

struct layer_stack {
    int n;     /* layers */
    int N_in;  /* values per raw input step */
    struct layer layer[STACK_MAX_LAYERS];
};

/* Builders: start from the raw input width, then append layers; each new layer's input is
 * the previous layer's output. Names must be string literals (the tensors keep pointers). */
void stack_begin(struct layer_stack *s, int N_in);
void stack_conv1d(struct layer_stack *s, const char *w_name, const char *b_name, int Cout,
                  int K, int pad);
void stack_dense(struct layer_stack *s, const char *w_name, const char *b_name, int Cout);
void stack_relu(struct layer_stack *s);
void stack_maxpool(struct layer_stack *s, int k);
/* The raw input must be 1 value per step (the token id). */
void stack_embed(struct layer_stack *s, const char *name, int V, int D, int frozen);

void stack_shape(const struct layer_stack *s, int T_in, int *T_out, int *N_out);
int stack_n_tensors(const struct layer_stack *s);
struct alrnn_tensor stack_tensor(const struct layer_stack *s, int i); /* offsets from 0 */
size_t stack_n_params(const struct layer_stack *s);
void stack_init(const struct layer_stack *s, real *params, rng_t *r);
/* Bytes of workspace: every intermediate activation plus two gradient buffers. */
size_t stack_work_size(const struct layer_stack *s, int T_in, int B);
/* x (T_in, B, N_in) -> y (T_out, B, N_out); activations saved in work. */
void stack_forward(const struct layer_stack *s, const real *params, const real *x, int T_in,
                   int B, real *y, void *work, int use_blas);
/* Accumulates dL/dparams from dy (T_out, B, N_out); needs the work of the forward call. */
void stack_backward(const struct layer_stack *s, const real *params, const real *x, int T_in,
                    int B, const real *dy, real *dparams, void *work, int use_blas);

/* FNV-1a hash of the stack's piecewise pattern after a forward call: the sign of every ReLU
 * input and the argmax of every pooling window. Gradient checks compare it before and after
 * a finite-difference step, since a step across a kink invalidates the estimate. */
uint64_t stack_pattern_hash(const struct layer_stack *s, const real *x, int T_in, int B,
                            const void *work);

/* Distance of the same pattern from its nearest kink: the smallest |ReLU input| and the
 * smallest gap between the largest and second-largest value of a pooling window (exact ties,
 * which only ReLU zeros produce, are left to the ReLU margin). Tests draw problems until it
 * exceeds what a finite-difference step can move. */
double stack_kink_margin(const struct layer_stack *s, const real *x, int T_in, int B,
                         const void *work);

/* An encoder_type whose layers are the stack spec_fn builds from the encoder's sizes:
 *     static void my_spec(const struct encoder *e, struct layer_stack *s) { ... }
 *     LAYER_STACK_ENCODER(encoder_my, "my", my_spec, NULL)
 * defines `const struct encoder_type encoder_my`. The spec is rebuilt on every call (a few
 * dozen bytes), so the encoder instance stays the plain `struct encoder` of encoder.h.
 * post_init (or NULL), void post_init(const struct encoder *, real *params), runs after the
 * default initialisation (e.g. to load pretrained vectors). */
#define LAYER_STACK_ENCODER(var, name_str, spec_fn, post_init)                                   \
    static void var##_shape(const struct encoder *e, int T_in, int *T_out, int *N_out) {        \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        stack_shape(&s, T_in, T_out, N_out);                                                     \
    }                                                                                            \
    static int var##_n_tensors(const struct encoder *e) {                                        \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        return stack_n_tensors(&s);                                                              \
    }                                                                                            \
    static struct alrnn_tensor var##_tensor(const struct encoder *e, int i) {                    \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        return stack_tensor(&s, i);                                                              \
    }                                                                                            \
    static void var##_init(const struct encoder *e, real *params, rng_t *r) {                    \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        stack_init(&s, params, r);                                                               \
        void (*post)(const struct encoder *, real *) = post_init;                                \
        if (post) post(e, params);                                                               \
    }                                                                                            \
    static size_t var##_work_size(const struct encoder *e, int T_in, int B) {                    \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        return stack_work_size(&s, T_in, B);                                                     \
    }                                                                                            \
    static void var##_forward(const struct encoder *e, const real *params, const real *x,       \
                              int T_in, int B, real *feat, void *work, int use_blas) {          \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        stack_forward(&s, params, x, T_in, B, feat, work, use_blas);                             \
    }                                                                                            \
    static void var##_backward(const struct encoder *e, const real *params, const real *x,      \
                               int T_in, int B, const real *dfeat, real *dparams, void *work,   \
                               int use_blas) {                                                   \
        struct layer_stack s;                                                                    \
        spec_fn(e, &s);                                                                          \
        stack_backward(&s, params, x, T_in, B, dfeat, dparams, work, use_blas);                  \
    }                                                                                            \
    const struct encoder_type var = {.name = name_str,                                           \
                                     .shape = var##_shape,                                       \
                                     .n_tensors = var##_n_tensors,                               \
                                     .tensor = var##_tensor,                                     \
                                     .init = var##_init,                                         \
                                     .work_size = var##_work_size,                               \
                                     .forward = var##_forward,                                   \
                                     .backward = var##_backward}

#endif
