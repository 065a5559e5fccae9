/* layers.c: conv1d, dense, ReLU, max pooling, embedding and the layer stack (see layers.h).
 * Shapes: T steps, B batch, C channels (values per step); all activations time-major. */
#include "layers.h"

#include <math.h>
#include <string.h>

#include "alrnn.h" /* mat_mul */

const char *const layer_kind_names[] = {
    [LAYER_CONV1D] = "conv1d", [LAYER_DENSE] = "dense", [LAYER_RELU] = "relu",
    [LAYER_MAXPOOL] = "maxpool", [LAYER_EMBED] = "embed"};
_Static_assert(ARRAY_LEN(layer_kind_names) == LAYER__COUNT,
               "layer_kind_names: one entry per enum value");

static inline int imax(int a, int b) { return a > b ? a : b; }
static inline int imin(int a, int b) { return a < b ? a : b; }

/* ---- conv1d ----------------------------------------------------------------------------- */

/* The convolution as products of depth K·Cin over blocks of CONV_ROWS output rows: each
 * block's im2col rows (CONV_ROWS, K·Cin) are gathered into a buffer that stays in L2, then
 * multiplied. One product per tap instead (the earlier form) read and wrote the whole output
 * K times, with products of depth Cin (1 for the first sMNIST layer); a whole-layer im2col
 * matrix (11 MB for the second sMNIST layer at B = 64) cost more in memory traffic than it
 * saved. */
enum { CONV_ROWS = 256 };

/* A scratch buffer per slot, grown as needed and kept for the process. */
static real *conv_scratch(int slot, size_t n) {
    static _Thread_local real *buf[2];
    static _Thread_local size_t cap[2];
    ASSERT(slot >= 0 && slot < 2);
    if (n > cap[slot]) {
        free(buf[slot]);
        buf[slot] = xmalloc(n * sizeof(real));
        cap[slot] = n;
    }
    return buf[slot];
}

/* Rows r0..r0+R-1 (row = t·B + b) of im2col(x): [x_{t-pad}[b], ..., x_{t+K-1-pad}[b]],
 * zeros outside 0..T-1. X: (R, K·Cin). */
static void im2col_rows(int Cin, int K, int pad, const real *x, int T, int B, size_t r0, int R,
                        real *X) {
    const size_t KC = (size_t)K * Cin;
    for (int r = 0; r < R; r++) {
        const size_t row = r0 + r;
        const int t = (int)(row / B), bb = (int)(row % B);
        /* taps k with 0 <= t + k - pad < T read x; the others (the edges) are zeros */
        const int k0 = imax(0, pad - t), k1 = imin(K, T + pad - t);
        real *dst = X + r * KC;
        if (k0 > 0) memset(dst, 0, (size_t)k0 * Cin * sizeof(real));
        if (Cin == 1) { /* the first layer: tap k of row (t, b) is x[t + k - pad, b] */
            const real *src = x + (size_t)(t + k0 - pad) * B + bb;
            for (int k = k0; k < k1; k++) dst[k] = src[(size_t)(k - k0) * B];
        } else {
            for (int k = k0; k < k1; k++)
                memcpy(dst + (size_t)k * Cin, x + ((size_t)(t + k - pad) * B + bb) * Cin,
                       (size_t)Cin * sizeof(real));
        }
        if (k1 < K) memset(dst + (size_t)k1 * Cin, 0, (size_t)(K - k1) * Cin * sizeof(real));
    }
}

void conv1d_forward(int Cin, int Cout, int K, int pad, const real *w, const real *b,
                    const real *x, int T, int B, real *y, int use_blas) {
    const int To = conv1d_T_out(T, K, pad);
    ASSERT(To >= 1 && pad >= 0 && pad < K);
    if (use_blas) {
        /* y rows (R, Cout) = X rows (R, K·Cin) · wᵀ + b, w seen as (Cout, K·Cin) */
        const int KC = K * Cin;
        const size_t rows = (size_t)To * B;
        real *X = conv_scratch(0, (size_t)CONV_ROWS * KC);
        for (size_t r0 = 0; r0 < rows; r0 += CONV_ROWS) {
            const int R = rows - r0 < CONV_ROWS ? (int)(rows - r0) : CONV_ROWS;
            im2col_rows(Cin, K, pad, x, T, B, r0, R, X);
            mat_mul(1, 0, 1, R, Cout, KC, 1, X, KC, w, KC, 0, y + r0 * Cout, Cout);
        }
        for (size_t r = 0; r < rows; r++)
            for (int o = 0; o < Cout; o++) y[r * Cout + o] += b[o];
        return;
    }
    for (int t = 0; t < To; t++)
        for (int bb = 0; bb < B; bb++)
            for (int o = 0; o < Cout; o++) {
                real s = b[o];
                for (int k = 0; k < K; k++) {
                    const int ti = t + k - pad;
                    if (ti < 0 || ti >= T) continue;
                    const real *xr = x + ((size_t)ti * B + bb) * Cin;
                    const real *wr = w + ((size_t)o * K + k) * Cin;
                    for (int c = 0; c < Cin; c++) s += wr[c] * xr[c];
                }
                y[((size_t)t * B + bb) * Cout + o] = s;
            }
}

void conv1d_backward(int Cin, int Cout, int K, int pad, const real *w, const real *x, int T,
                     int B, const real *dy, real *dw, real *db, real *dx, int use_blas) {
    const int To = conv1d_T_out(T, K, pad);
    ASSERT(To >= 1);
    for (size_t r = 0; r < (size_t)To * B; r++)
        for (int o = 0; o < Cout; o++) db[o] += dy[r * Cout + o];
    if (use_blas) {
        /* per block of output rows, with X = im2col rows as in forward:
         * dw (Cout, K·Cin) += dyᵀ X; dX = dy w, scattered back onto dx (col2im) */
        const int KC = K * Cin;
        const size_t rows = (size_t)To * B;
        real *X = conv_scratch(0, (size_t)CONV_ROWS * KC);
        real *dX = dx ? conv_scratch(1, (size_t)CONV_ROWS * KC) : NULL;
        for (size_t r0 = 0; r0 < rows; r0 += CONV_ROWS) {
            const int R = rows - r0 < CONV_ROWS ? (int)(rows - r0) : CONV_ROWS;
            const real *dyb = dy + r0 * Cout;
            im2col_rows(Cin, K, pad, x, T, B, r0, R, X);
            mat_mul(1, 1, 0, Cout, KC, R, 1, dyb, Cout, X, KC, 1, dw, KC);
            if (!dx) continue;
            mat_mul(1, 0, 0, R, KC, Cout, 1, dyb, Cout, w, KC, 0, dX, KC);
            for (int r = 0; r < R; r++) {
                const size_t row = r0 + r;
                const int t = (int)(row / B), bb = (int)(row % B);
                for (int k = 0; k < K; k++) {
                    const int ti = t + k - pad;
                    if (ti < 0 || ti >= T) continue;
                    const real *src = dX + (size_t)r * KC + (size_t)k * Cin;
                    real *dst = dx + ((size_t)ti * B + bb) * Cin;
                    for (int c = 0; c < Cin; c++) dst[c] += src[c];
                }
            }
        }
        return;
    }
    for (int t = 0; t < To; t++)
        for (int bb = 0; bb < B; bb++)
            for (int o = 0; o < Cout; o++) {
                const real g = dy[((size_t)t * B + bb) * Cout + o];
                for (int k = 0; k < K; k++) {
                    const int ti = t + k - pad;
                    if (ti < 0 || ti >= T) continue;
                    const size_t xr = ((size_t)ti * B + bb) * Cin, wr = ((size_t)o * K + k) * Cin;
                    for (int c = 0; c < Cin; c++) {
                        dw[wr + c] += g * x[xr + c];
                        if (dx) dx[xr + c] += g * w[wr + c];
                    }
                }
            }
}

/* ---- dense ------------------------------------------------------------------------------ */

void dense_forward(int Cin, int Cout, const real *w, const real *b, const real *x, int R, real *y,
                   int use_blas) {
    if (use_blas) {
        mat_mul(1, 0, 1, R, Cout, Cin, 1, x, Cin, w, Cin, 0, y, Cout);
        for (size_t r = 0; r < (size_t)R; r++)
            for (int o = 0; o < Cout; o++) y[r * Cout + o] += b[o];
        return;
    }
    for (size_t r = 0; r < (size_t)R; r++)
        for (int o = 0; o < Cout; o++) {
            real s = b[o];
            for (int c = 0; c < Cin; c++) s += w[(size_t)o * Cin + c] * x[r * Cin + c];
            y[r * Cout + o] = s;
        }
}

void dense_backward(int Cin, int Cout, const real *w, const real *x, int R, const real *dy,
                    real *dw, real *db, real *dx, int use_blas) {
    for (size_t r = 0; r < (size_t)R; r++)
        for (int o = 0; o < Cout; o++) db[o] += dy[r * Cout + o];
    if (use_blas) {
        mat_mul(1, 1, 0, Cout, Cin, R, 1, dy, Cout, x, Cin, 1, dw, Cin);
        if (dx) mat_mul(1, 0, 0, R, Cin, Cout, 1, dy, Cout, w, Cin, 1, dx, Cin);
        return;
    }
    for (size_t r = 0; r < (size_t)R; r++)
        for (int o = 0; o < Cout; o++) {
            const real g = dy[r * Cout + o];
            for (int c = 0; c < Cin; c++) {
                dw[(size_t)o * Cin + c] += g * x[r * Cin + c];
                if (dx) dx[r * Cin + c] += g * w[(size_t)o * Cin + c];
            }
        }
}

/* ---- relu ------------------------------------------------------------------------------- */

ELEMENTWISE_CLONES
void relu_forward(const real *restrict x, size_t n, real *restrict y) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

/* Branch-free: the sign pattern of a conv layer's pre-activations is data, and a branch on
 * it mispredicts about half the time. dy[i] is loaded whatever the sign, and the pointers
 * are restrict, so the select vectorises (written `x[i] > 0 ? dy[i] : 0` without them, GCC
 * compiled a scalar branch per element: 12 % of the sMNIST encoder's step). */
ELEMENTWISE_CLONES
void relu_backward(const real *restrict x, size_t n, const real *restrict dy,
                   real *restrict dx) {
    for (size_t i = 0; i < n; i++) {
        const real g = dy[i];
        dx[i] += x[i] > 0 ? g : 0;
    }
}

/* ---- maxpool ---------------------------------------------------------------------------- */

void maxpool_forward(int C, int k, const real *x, int T, int B, real *y) {
    const int To = maxpool_T_out(T, k);
    ASSERT(k >= 1 && To >= 1);
    const size_t row = (size_t)B * C; /* values per step */
    for (int t = 0; t < To; t++) {
        real *yt = y + t * row;
        memcpy(yt, x + (size_t)t * k * row, row * sizeof(real));
        for (int j = 1; j < k; j++) {
            const real *xt = x + ((size_t)t * k + j) * row;
            for (size_t i = 0; i < row; i++) yt[i] = xt[i] > yt[i] ? xt[i] : yt[i];
        }
    }
}

/* k = 2 (the only window the encoders use) as two selects over whole rows, which vectorise;
 * a scatter to dx[argmax] does not. Ties and NaNs go where the general loop sends them: to
 * the first step unless the second is strictly greater. */
ELEMENTWISE_CLONES
void maxpool_backward(int C, int k, const real *restrict x, int T, int B,
                      const real *restrict dy, real *restrict dx) {
    const int To = maxpool_T_out(T, k);
    const size_t row = (size_t)B * C;
    if (k == 2) {
        for (int t = 0; t < To; t++) {
            const real *x0 = x + (size_t)t * 2 * row, *x1 = x0 + row, *g = dy + (size_t)t * row;
            real *d0 = dx + (size_t)t * 2 * row, *d1 = d0 + row;
            for (size_t i = 0; i < row; i++) {
                const real gi = g[i];
                const int second = x1[i] > x0[i];
                d0[i] += second ? 0 : gi;
                d1[i] += second ? gi : 0;
            }
        }
        return;
    }
    for (int t = 0; t < To; t++)
        for (size_t i = 0; i < row; i++) {
            int best = 0;
            real m = x[(size_t)t * k * row + i];
            for (int j = 1; j < k; j++) {
                const real v = x[((size_t)t * k + j) * row + i];
                best = v > m ? j : best; /* selects, not branches (see relu_backward) */
                m = v > m ? v : m;
            }
            dx[((size_t)t * k + best) * row + i] += dy[t * row + i];
        }
}

/* ---- embedding -------------------------------------------------------------------------- */

static inline int token_id(real v, int V) {
    const int id = (int)v;
    ASSERT((real)id == v && id >= 0 && id < V); /* a task/encoder vocabulary mismatch */
    return id;
}

void embed_forward(int V, int D, const real *E, const real *ids, int R, real *y) {
    for (size_t r = 0; r < (size_t)R; r++)
        memcpy(y + r * D, E + (size_t)token_id(ids[r], V) * D, D * sizeof(real));
}

void embed_backward(int V, int D, const real *ids, int R, const real *dy, real *dE) {
    for (size_t r = 0; r < (size_t)R; r++) {
        real *g = dE + (size_t)token_id(ids[r], V) * D;
        for (int d = 0; d < D; d++) g[d] += dy[r * D + d];
    }
}

/* ---- the stack -------------------------------------------------------------------------- */

static struct layer *stack_push(struct layer_stack *s, layer_kind kind) {
    ASSERT(s->n < STACK_MAX_LAYERS);
    struct layer *l = &s->layer[s->n];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->in = l->out = s->n ? s->layer[s->n - 1].out : s->N_in;
    s->n++;
    return l;
}

void stack_begin(struct layer_stack *s, int N_in) {
    memset(s, 0, sizeof *s);
    ASSERT(N_in >= 1);
    s->N_in = N_in;
}

void stack_conv1d(struct layer_stack *s, const char *w_name, const char *b_name, int Cout, int K,
                  int pad) {
    ASSERT(Cout >= 1 && K >= 1 && pad >= 0 && pad < K);
    struct layer *l = stack_push(s, LAYER_CONV1D);
    l->out = Cout, l->k = K, l->pad = pad, l->w_name = w_name, l->b_name = b_name;
}

void stack_dense(struct layer_stack *s, const char *w_name, const char *b_name, int Cout) {
    ASSERT(Cout >= 1);
    struct layer *l = stack_push(s, LAYER_DENSE);
    l->out = Cout, l->w_name = w_name, l->b_name = b_name;
}

void stack_relu(struct layer_stack *s) { stack_push(s, LAYER_RELU); }

void stack_maxpool(struct layer_stack *s, int k) {
    ASSERT(k >= 1);
    stack_push(s, LAYER_MAXPOOL)->k = k;
}

void stack_embed(struct layer_stack *s, const char *name, int V, int D, int frozen) {
    ASSERT(s->n == 0 && s->N_in == 1 && V >= 1 && D >= 1); /* ids come from the raw input */
    struct layer *l = stack_push(s, LAYER_EMBED);
    l->out = D, l->vocab = V, l->frozen = frozen, l->w_name = name;
}

/* Output steps of layer l given its input steps. */
static int layer_T_out(const struct layer *l, int T) {
    switch (l->kind) {
    case LAYER_CONV1D: return conv1d_T_out(T, l->k, l->pad);
    case LAYER_MAXPOOL: return maxpool_T_out(T, l->k);
    default: return T;
    }
}

void stack_shape(const struct layer_stack *s, int T_in, int *T_out, int *N_out) {
    ASSERT(s->n >= 1);
    int T = T_in;
    for (int i = 0; i < s->n; i++) T = layer_T_out(&s->layer[i], T);
    *T_out = T;
    *N_out = s->layer[s->n - 1].out;
}

/* Parameter counts of layer l: weight (or table) and bias. */
static size_t layer_w_size(const struct layer *l) {
    switch (l->kind) {
    case LAYER_CONV1D: return (size_t)l->out * l->k * l->in;
    case LAYER_DENSE: return (size_t)l->out * l->in;
    case LAYER_EMBED: return (size_t)l->vocab * l->out;
    default: return 0;
    }
}
static size_t layer_b_size(const struct layer *l) {
    return l->kind == LAYER_CONV1D || l->kind == LAYER_DENSE ? (size_t)l->out : 0;
}

int stack_n_tensors(const struct layer_stack *s) {
    int n = 0;
    for (int i = 0; i < s->n; i++) n += (layer_w_size(&s->layer[i]) > 0) + (layer_b_size(&s->layer[i]) > 0);
    return n;
}

struct alrnn_tensor stack_tensor(const struct layer_stack *s, int want) {
    size_t off = 0;
    int idx = 0;
    for (int i = 0; i < s->n; i++) {
        const struct layer *l = &s->layer[i];
        const size_t ws = layer_w_size(l), bs = layer_b_size(l);
        if (ws) {
            if (idx++ == want) {
                struct alrnn_tensor t = {.name = l->w_name, .offset = off, .size = ws};
                if (l->kind == LAYER_CONV1D) {
                    t.description = "1-D convolution weights w[o, k, c] as (Cout, K*Cin)";
                    t.rows = l->out, t.cols = l->k * l->in;
                } else if (l->kind == LAYER_DENSE) {
                    t.description = "dense layer weights (Cout, Cin), y = x w^T + b";
                    t.rows = l->out, t.cols = l->in;
                } else {
                    t.description = l->frozen ? "token embedding table (V, D), frozen"
                                              : "token embedding table (V, D), learned";
                    t.rows = l->vocab, t.cols = l->out;
                }
                return t;
            }
            off += ws;
        }
        if (bs) {
            if (idx++ == want)
                return (struct alrnn_tensor){.name = l->b_name,
                                             .description = "bias of the layer (Cout)",
                                             .offset = off, .size = bs, .rows = l->out, .cols = 1};
            off += bs;
        }
    }
    ASSERT(0 && "tensor index out of range");
    return (struct alrnn_tensor){0};
}

size_t stack_n_params(const struct layer_stack *s) {
    size_t n = 0;
    for (int i = 0; i < s->n; i++) n += layer_w_size(&s->layer[i]) + layer_b_size(&s->layer[i]);
    return n;
}

void stack_init(const struct layer_stack *s, real *params, rng_t *r) {
    real *p = params;
    for (int i = 0; i < s->n; i++) {
        const struct layer *l = &s->layer[i];
        const size_t ws = layer_w_size(l), bs = layer_b_size(l);
        if (l->kind == LAYER_EMBED) {
            for (size_t j = 0; j < ws; j++) p[j] = (real)(0.6 * rng_normal(r));
        } else if (ws) {
            /* PyTorch's default: kaiming_uniform(a = √5) = U(±1/√fan_in), bias the same */
            const double fan_in = l->kind == LAYER_CONV1D ? (double)l->in * l->k : l->in;
            const double a = 1 / sqrt(fan_in);
            for (size_t j = 0; j < ws + bs; j++) p[j] = (real)rng_uniform_range(r, -a, a);
        }
        p += ws + bs;
    }
}

/* The workspace: act[i] (T_i, B, C_i) for the outputs of layers 0..n-2, then two gradient
 * buffers as large as the largest of them. Offsets in reals. */
struct stack_layout {
    int T[STACK_MAX_LAYERS];        /* output steps of each layer */
    size_t act[STACK_MAX_LAYERS];   /* offset of layer i's saved output (i < n-1) */
    size_t size[STACK_MAX_LAYERS];  /* reals in layer i's output */
    size_t grad[2];                 /* offsets of the two gradient buffers */
    size_t total;
};

static void stack_layout(const struct layer_stack *s, int T_in, int B, struct stack_layout *L) {
    int T = T_in;
    size_t off = 0, biggest = 0;
    for (int i = 0; i < s->n; i++) {
        T = layer_T_out(&s->layer[i], T);
        ASSERT(T >= 1);
        L->T[i] = T;
        L->size[i] = (size_t)T * B * s->layer[i].out;
        if (i == s->n - 1) break;
        L->act[i] = off;
        off += L->size[i];
        if (L->size[i] > biggest) biggest = L->size[i];
    }
    L->grad[0] = off;
    L->grad[1] = off + biggest;
    L->total = off + 2 * biggest;
}

size_t stack_work_size(const struct layer_stack *s, int T_in, int B) {
    struct stack_layout L;
    stack_layout(s, T_in, B, &L);
    return (L.total ? L.total : 1) * sizeof(real);
}

void stack_forward(const struct layer_stack *s, const real *params, const real *x, int T_in,
                   int B, real *y, void *work, int use_blas) {
    struct stack_layout L;
    stack_layout(s, T_in, B, &L);
    real *wk = work;
    const real *in = x, *p = params;
    int T = T_in;
    for (int i = 0; i < s->n; i++) {
        const struct layer *l = &s->layer[i];
        real *out = i == s->n - 1 ? y : wk + L.act[i];
        const real *w = p, *b = p + layer_w_size(l);
        const int R = T * B;
        switch (l->kind) {
        case LAYER_CONV1D:
            conv1d_forward(l->in, l->out, l->k, l->pad, w, b, in, T, B, out, use_blas);
            break;
        case LAYER_DENSE: dense_forward(l->in, l->out, w, b, in, R, out, use_blas); break;
        case LAYER_RELU: relu_forward(in, (size_t)R * l->in, out); break;
        case LAYER_MAXPOOL: maxpool_forward(l->in, l->k, in, T, B, out); break;
        case LAYER_EMBED: embed_forward(l->vocab, l->out, w, in, R, out); break;
        default: ASSERT(0);
        }
        p += layer_w_size(l) + layer_b_size(l);
        in = out;
        T = L.T[i];
    }
}

void stack_backward(const struct layer_stack *s, const real *params, const real *x, int T_in,
                    int B, const real *dy, real *dparams, void *work, int use_blas) {
    struct stack_layout L;
    stack_layout(s, T_in, B, &L);
    real *wk = work;
    /* parameter offsets of every layer */
    size_t poff[STACK_MAX_LAYERS], o = 0;
    for (int i = 0; i < s->n; i++) {
        poff[i] = o;
        o += layer_w_size(&s->layer[i]) + layer_b_size(&s->layer[i]);
    }
    const real *gout = dy; /* dL/d(output of layer i) */
    for (int i = s->n - 1; i >= 0; i--) {
        const struct layer *l = &s->layer[i];
        const real *in = i == 0 ? x : wk + L.act[i - 1];
        const int T = i == 0 ? T_in : L.T[i - 1];
        const int R = T * B;
        /* dL/d(input of layer i), needed unless the input is the raw x */
        real *gin = NULL;
        if (i > 0) {
            gin = wk + L.grad[(i - 1) % 2];
            memset(gin, 0, L.size[i - 1] * sizeof(real));
        }
        const real *w = params + poff[i];
        real *dw = dparams + poff[i], *db = dw + layer_w_size(l);
        switch (l->kind) {
        case LAYER_CONV1D:
            conv1d_backward(l->in, l->out, l->k, l->pad, w, in, T, B, gout, dw, db, gin, use_blas);
            break;
        case LAYER_DENSE: dense_backward(l->in, l->out, w, in, R, gout, dw, db, gin, use_blas); break;
        case LAYER_RELU:
            if (gin) relu_backward(in, (size_t)R * l->in, gout, gin);
            break;
        case LAYER_MAXPOOL:
            if (gin) maxpool_backward(l->in, l->k, in, T, B, gout, gin);
            break;
        case LAYER_EMBED:
            if (!l->frozen) embed_backward(l->vocab, l->out, in, R, gout, dw);
            break;
        default: ASSERT(0);
        }
        gout = gin;
    }
}

uint64_t stack_pattern_hash(const struct layer_stack *s, const real *x, int T_in, int B,
                            const void *work) {
    struct stack_layout L;
    stack_layout(s, T_in, B, &L);
    const real *wk = work;
    uint64_t h = 1469598103934665603ULL;
    for (int i = 0; i < s->n; i++) {
        const struct layer *l = &s->layer[i];
        const real *in = i == 0 ? x : wk + L.act[i - 1];
        const int T = i == 0 ? T_in : L.T[i - 1];
        const size_t n = (size_t)T * B * l->in;
        if (l->kind == LAYER_RELU)
            for (size_t j = 0; j < n; j++) h = (h ^ (uint64_t)(in[j] > 0)) * 1099511628211ULL;
        if (l->kind != LAYER_MAXPOOL) continue;
        const size_t row = (size_t)B * l->in;
        for (int t = 0; t < maxpool_T_out(T, l->k); t++)
            for (size_t j = 0; j < row; j++) {
                int best = 0;
                for (int q = 1; q < l->k; q++)
                    if (in[((size_t)t * l->k + q) * row + j] > in[((size_t)t * l->k + best) * row + j])
                        best = q;
                h = (h ^ (uint64_t)best) * 1099511628211ULL;
            }
    }
    return h;
}

double stack_kink_margin(const struct layer_stack *s, const real *x, int T_in, int B,
                         const void *work) {
    struct stack_layout L;
    stack_layout(s, T_in, B, &L);
    const real *wk = work;
    double margin = INFINITY;
    for (int i = 0; i < s->n; i++) {
        const struct layer *l = &s->layer[i];
        const real *in = i == 0 ? x : wk + L.act[i - 1];
        const int T = i == 0 ? T_in : L.T[i - 1];
        const size_t n = (size_t)T * B * l->in;
        if (l->kind == LAYER_RELU)
            for (size_t j = 0; j < n; j++) margin = fmin(margin, fabs(in[j]));
        if (l->kind != LAYER_MAXPOOL) continue;
        const size_t row = (size_t)B * l->in;
        for (int t = 0; t < maxpool_T_out(T, l->k); t++)
            for (size_t j = 0; j < row; j++) {
                double m1 = -INFINITY, m2 = -INFINITY;
                for (int q = 0; q < l->k; q++) {
                    const double v = in[((size_t)t * l->k + q) * row + j];
                    if (v > m1) m2 = m1, m1 = v;
                    else if (v > m2) m2 = v;
                }
                if (m1 > m2) margin = fmin(margin, m1 - m2);
            }
    }
    return margin;
}
