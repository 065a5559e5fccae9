/* scan_model.c: the SCAN encoder–decoder (see scan_model.h). Shapes: B batch, M units,
 * E embedding width, V_in / V_out vocabularies, T_in command steps, T decoder steps; every
 * batch buffer is time-major. */
#include "scan_model.h"

#include <assert.h>
#include <string.h>

#include "loss.h"
#include "scan_data.h"

#define NAME_(id, name) [id] = name,
const char *const scan_metric_names[] = {SCAN_METRIC_LIST(NAME_)};
_Static_assert(ARRAY_LEN(scan_metric_names) == SCAN_M__COUNT,
               "scan_metric_names: one entry per enum value");
const char *const scan_construct_names[] = {SCAN_CONSTRUCT_LIST(NAME_)};
_Static_assert(ARRAY_LEN(scan_construct_names) == SCAN_C__COUNT,
               "scan_construct_names: one entry per enum value");
#undef NAME_
static_assert(SCAN_C__COUNT <= 8, "construct masks are one byte per position");

/* The alrnn tensors the model trains, renamed for the run file; the encoder's D (the fixed
 * identity hand-off) is left out on purpose. */
static void add_tensors(struct scan_model *m, const struct alrnn *a, size_t base,
                        const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        ASSERT(m->n_tensors < SCAN_MODEL_MAX_TENSORS);
        struct alrnn_tensor t = a->tensors[i];
        t.name = names[i];
        t.offset += base;
        m->tensors[m->n_tensors++] = t;
    }
}

static void add_tensor(struct scan_model *m, const char *name, const char *desc, size_t off,
                       int rows, int cols) {
    ASSERT(m->n_tensors < SCAN_MODEL_MAX_TENSORS);
    m->tensors[m->n_tensors++] = (struct alrnn_tensor){
        .name = name, .description = desc, .offset = off, .size = (size_t)rows * cols,
        .rows = rows, .cols = cols};
}

void scan_model_create(struct scan_model *m, const struct scan_model_config *c) {
    memset(m, 0, sizeof *m);
    m->cfg = *c;
    if (c->E < 1 || c->V_in <= SCAN_N_SPECIAL || c->V_out <= SCAN_N_SPECIAL)
        die("SCAN model: invalid sizes E = %d, V_in = %d, V_out = %d", c->E, c->V_in, c->V_out);
    const struct alrnn_config ec = {.M = c->M, .P = c->P_enc, .N = c->E, .K = c->M,
                                    .form = ALRNN_FORM_SEQ, .init = ALRNN_INIT_SEQ,
                                    .z0 = Z0_ZERO, .readout = READOUT_LAST};
    const struct alrnn_config dc = {.M = c->M, .P = c->P_dec, .N = c->E, .K = c->V_out,
                                    .form = ALRNN_FORM_SEQ, .init = ALRNN_INIT_SEQ,
                                    .z0 = Z0_ZERO, .readout = READOUT_ALL};
    alrnn_create(&m->enc, &ec, NULL);
    alrnn_create(&m->dec, &dc, NULL);
    ASSERT(m->enc.n_tensors == 5 && m->dec.n_tensors == 5); /* A, W, C, h, D */
    m->off_enc = 0;
    m->off_dec = m->enc.n_params;
    m->off_emb_in = m->off_dec + m->dec.n_params;
    m->off_emb_out = m->off_emb_in + (size_t)c->V_in * c->E;
    m->n_params = m->off_emb_out + (size_t)c->V_out * c->E;
    /* one flat vector; the two AL-RNNs become views of their slices */
    free(m->enc.params);
    free(m->dec.params);
    m->params = xcalloc(m->n_params, sizeof(real));
    m->enc.params = m->params + m->off_enc;
    m->dec.params = m->params + m->off_dec;
    static const char *const enc_names[] = {"enc.A", "enc.W", "enc.C", "enc.h"};
    static const char *const dec_names[] = {"dec.A", "dec.W", "dec.C", "dec.h", "dec.D"};
    add_tensors(m, &m->enc, m->off_enc, enc_names, 4);
    add_tensors(m, &m->dec, m->off_dec, dec_names, 5);
    add_tensor(m, "emb_in", "command-word embeddings E_in, row = token id", m->off_emb_in,
               c->V_in, c->E);
    add_tensor(m, "emb_out", "action embeddings E_out fed to the decoder, row = token id",
               m->off_emb_out, c->V_out, c->E);
}

void scan_model_free(struct scan_model *m) {
    m->enc.params = m->dec.params = NULL; /* views, not owned */
    alrnn_free(&m->enc);
    alrnn_free(&m->dec);
    free(m->params);
    m->params = NULL;
}

struct scan_views scan_model_views(const struct scan_model *m, real *flat) {
    return (struct scan_views){.enc = flat + m->off_enc, .dec = flat + m->off_dec,
                               .emb_in = flat + m->off_emb_in, .emb_out = flat + m->off_emb_out};
}

void scan_model_init(struct scan_model *m, rng_t *r) {
    const int M = m->cfg.M;
    alrnn_init_params(&m->enc, r);
    struct alrnn_views ve = alrnn_views(&m->enc, m->enc.params);
    memset(ve.D, 0, (size_t)M * M * sizeof(real));
    for (int i = 0; i < M; i++) ve.D[(size_t)i * M + i] = 1;
    alrnn_init_params(&m->dec, r);
    struct scan_views v = scan_model_views(m, m->params);
    for (size_t i = 0; i < (size_t)m->cfg.V_in * m->cfg.E; i++) v.emb_in[i] = (real)rng_normal(r);
    for (size_t i = 0; i < (size_t)m->cfg.V_out * m->cfg.E; i++)
        v.emb_out[i] = (real)rng_normal(r);
}

void scan_work_alloc(struct scan_work *w, const struct scan_model *m, int T_in, int T_max, int B) {
    ASSERT(T_in >= 1 && T_max >= 1 && B >= 1);
    const int E = m->cfg.E, M = m->cfg.M;
    memset(w, 0, sizeof *w);
    w->B = B, w->T_in = T_in, w->T_max = T_max;
    alrnn_work_alloc(&w->enc, &m->enc, T_in, B);
    alrnn_work_alloc(&w->dec, &m->dec, T_max, B);
    w->src = xcalloc((size_t)T_in * B, sizeof(int32_t));
    w->x_in = xcalloc((size_t)T_in * B * E, sizeof(real));
    w->fed = xcalloc((size_t)T_max * B, sizeof(int32_t));
    w->x_dec = xcalloc((size_t)T_max * B * E, sizeof(real));
    w->pred = xcalloc((size_t)T_max * B, sizeof(int32_t));
    w->mask = xcalloc((size_t)T_max * B, sizeof(real));
    w->done = xcalloc((size_t)B, 1);
    w->dz0 = xcalloc((size_t)B * M, sizeof(real));
    w->dx_in = xcalloc((size_t)T_in * B * E, sizeof(real));
    w->dx_dec = xcalloc((size_t)T_max * B * E, sizeof(real));
}

void scan_work_free(struct scan_work *w) {
    alrnn_work_free(&w->enc);
    alrnn_work_free(&w->dec);
    free(w->src);
    free(w->x_in);
    free(w->fed);
    free(w->x_dec);
    free(w->pred);
    free(w->mask);
    free(w->done);
    free(w->dz0);
    free(w->dx_in);
    free(w->dx_dec);
    memset(w, 0, sizeof *w);
}

/* Use the first T steps of a decoder workspace allocated for more (see scan_model.h). */
static void dec_use_steps(struct alrnn_work *w, int T) {
    w->T_in = w->T = w->T_out = T;
}

static int argmax_row(const real *y, int K) {
    int best = 0;
    for (int k = 1; k < K; k++)
        if (y[k] > y[best]) best = k;
    return best;
}

int scan_forward(const struct scan_model *m, struct scan_work *w, const int32_t *src,
                 const int32_t *tgt, int T_min, int T_max, double tf, rng_t *r) {
    const int B = w->B, T_in = w->T_in, E = m->cfg.E, M = m->cfg.M, V = m->cfg.V_out;
    ASSERT(T_min >= 1 && T_min <= T_max && T_max <= w->T_max);
    ASSERT(tf == 0 || tgt);
    ASSERT(tf <= 0 || tf >= 1 || r);
    const struct scan_views v = scan_model_views(m, m->params);

    /* encoder over E_in[src] from z = 0 */
    memcpy(w->src, src, (size_t)T_in * B * sizeof(int32_t));
    for (int i = 0; i < T_in * B; i++) {
        ASSERT(src[i] >= 0 && src[i] < m->cfg.V_in);
        memcpy(w->x_in + (size_t)i * E, v.emb_in + (size_t)src[i] * E, E * sizeof(real));
    }
    alrnn_set_z0(&m->enc, &w->enc, NULL);
    alrnn_forward(&m->enc, &w->enc, w->x_in);

    /* decoder from the encoder's final state, one step at a time */
    dec_use_steps(&w->dec, T_max);
    memcpy(w->dec.Z, w->enc.Z + (size_t)T_in * B * M, (size_t)B * M * sizeof(real));
    memset(w->done, 0, (size_t)B);
    int t = 1;
    for (;; t++) {
        int32_t *fed = w->fed + (size_t)(t - 1) * B;
        const int teacher = t > 1 && t - 1 <= T_min && tf > 0 && (tf >= 1 || rng_uniform(r) < tf);
        for (int b = 0; b < B; b++) {
            fed[b] = t == 1    ? SCAN_START
                     : teacher ? tgt[(size_t)(t - 2) * B + b]
                               : w->pred[(size_t)(t - 2) * B + b];
            memcpy(w->x_dec + ((size_t)(t - 1) * B + b) * E, v.emb_out + (size_t)fed[b] * E,
                   E * sizeof(real));
        }
        alrnn_step(&m->dec, &w->dec, t, w->x_dec + (size_t)(t - 1) * B * E);
        int all_done = 1;
        for (int b = 0; b < B; b++) {
            const int p = argmax_row(w->dec.Y + ((size_t)(t - 1) * B + b) * V, V);
            w->pred[(size_t)(t - 1) * B + b] = p;
            if (p == SCAN_END) w->done[b] = 1;
            all_done &= w->done[b];
        }
        if (t == T_max || (t >= T_min && all_done)) break;
    }
    w->T = t;
    dec_use_steps(&w->dec, t);
    return t;
}

double scan_loss(const struct scan_model *m, struct scan_work *w, const int32_t *tgt, int T,
                 double end_weight, int want_grad, double *weight_sum) {
    const int B = w->B, V = m->cfg.V_out;
    ASSERT(T >= 1 && T <= w->T);
    double ws = 0;
    for (int i = 0; i < T * B; i++) {
        w->mask[i] = tgt[i] == SCAN_PAD ? 0 : tgt[i] == SCAN_END ? (real)end_weight : 1;
        ws += w->mask[i];
    }
    if (weight_sum) *weight_sum = ws;
    if (want_grad && T < w->T) /* steps past the targets carry no loss */
        memset(w->dec.dY + (size_t)T * B * V, 0, (size_t)(w->T - T) * B * V * sizeof(real));
    return loss_eval(LOSS_CE, T * B, V, w->dec.Y, NULL, tgt, w->mask,
                     want_grad ? w->dec.dY : NULL);
}

/* rows (n, E) of dx added into the embedding rows their tokens selected. */
static void embedding_backward(real *demb, const int32_t *tok, const real *dx, int n, int E) {
    for (int i = 0; i < n; i++) {
        real *d = demb + (size_t)tok[i] * E;
        const real *g = dx + (size_t)i * E;
        for (int k = 0; k < E; k++) d[k] += g[k];
    }
}

void scan_backward(const struct scan_model *m, struct scan_work *w, real *grad) {
    const int B = w->B, E = m->cfg.E, M = m->cfg.M;
    const struct scan_views g = scan_model_views(m, grad);
    /* decoder BPTT: parameters, dL/d(inputs) and dL/dz^d_0 */
    alrnn_backward(&m->dec, &w->dec, w->x_dec, g.dec, w->dx_dec, w->dz0);
    embedding_backward(g.emb_out, w->fed, w->dx_dec, w->T * B, E);
    /* hand-off: the encoder's readout is D = I, so dL/dY_enc = dL/dz^d_0 enters at z^e_T */
    memcpy(w->enc.dY, w->dz0, (size_t)B * M * sizeof(real));
    struct alrnn_views ge = alrnn_views(&m->enc, g.enc);
    real *keep = xmalloc((size_t)M * M * sizeof(real));
    memcpy(keep, ge.D, (size_t)M * M * sizeof(real));
    alrnn_backward(&m->enc, &w->enc, w->x_in, g.enc, w->dx_in, NULL);
    memcpy(ge.D, keep, (size_t)M * M * sizeof(real)); /* D is fixed: drop its gradient */
    free(keep);
    embedding_backward(g.emb_in, w->src, w->dx_in, w->T_in * B, E);
}

/* ---- metrics ----------------------------------------------------------------------------- */

void scan_score_one(const int32_t *pred, int Tp, const int32_t *tgt, int Tt, long counts[4],
                    int *seq_lenient, int *seq_strict) {
    int n = 0;
    while (n < Tt && tgt[n] != SCAN_END && tgt[n] != SCAN_PAD) n++;
    int L = 0; /* prediction cut at its first <end> */
    while (L < Tp && pred[L] != SCAN_END) L++;
    const int has_end = L < Tp;
    int match = 0;
    for (int j = 0; j < n && j < L; j++) match += pred[j] == tgt[j];
    const int end_ok = has_end && L == n;
    counts[0] += match;
    counts[1] += n;
    counts[2] += match + end_ok;
    counts[3] += n + 1;
    *seq_lenient = L >= n && match == n;
    *seq_strict = end_ok && match == n;
}

/* ---- construct boundaries ------------------------------------------------------------------ */

/* The parser below follows scan_interpret (scan_data.c) rule by rule and also records where
 * each construct's units start; the test checks both agree on all 20,910 commands. */
struct seg {
    int a[SCAN_MAX_ACTIONS];
    uint8_t mask[SCAN_MAX_ACTIONS];
    int n;
};

static void seg_push(struct seg *s, int action, uint8_t mask) {
    ASSERT(s->n < SCAN_MAX_ACTIONS);
    s->mask[s->n] = mask;
    s->a[s->n++] = action;
}

#define BIT(c) ((uint8_t)(1u << (c)))

/* V = x | x dir | x opposite dir | x around dir. */
static int bound_v(const int *w, int n, int *pos, struct seg *s) {
    int p = *pos;
    if (p >= n || w[p] < SCAN_W_WALK || w[p] > SCAN_W_TURN) return -1;
    const int x = w[p++];
    int turns = 0, reps = 1, kind = -1;
    if (p < n && (w[p] == SCAN_W_OPPOSITE || w[p] == SCAN_W_AROUND)) {
        kind = w[p] == SCAN_W_OPPOSITE ? SCAN_C_OPPOSITE : SCAN_C_AROUND;
        turns = kind == SCAN_C_OPPOSITE ? 2 : 1;
        reps = kind == SCAN_C_OPPOSITE ? 1 : 4;
        p++;
        if (p >= n || (w[p] != SCAN_W_LEFT && w[p] != SCAN_W_RIGHT)) return -1;
    } else if (p < n && (w[p] == SCAN_W_LEFT || w[p] == SCAN_W_RIGHT)) {
        turns = 1;
    } else if (x == SCAN_W_TURN) {
        return -1;
    }
    int turn = SCAN_I_TURN_LEFT;
    if (turns) turn = w[p++] == SCAN_W_LEFT ? SCAN_I_TURN_LEFT : SCAN_I_TURN_RIGHT;
    for (int r = 0; r < reps; r++) {
        for (int k = 0; k < turns; k++)
            seg_push(s, turn, r > 0 && k == 0 && kind == SCAN_C_AROUND ? BIT(SCAN_C_AROUND) : 0);
        if (x != SCAN_W_TURN) seg_push(s, x, kind == SCAN_C_OPPOSITE ? BIT(SCAN_C_OPPOSITE) : 0);
    }
    *pos = p;
    return 0;
}

/* S = V | V twice | V thrice. */
static int bound_s(const int *w, int n, int *pos, struct seg *s) {
    if (bound_v(w, n, pos, s)) return -1;
    int times = 1;
    if (*pos < n && w[*pos] == SCAN_W_TWICE) times = 2;
    if (*pos < n && w[*pos] == SCAN_W_THRICE) times = 3;
    if (times == 1) return 0;
    (*pos)++;
    const int unit = s->n;
    const uint8_t rep = BIT(times == 2 ? SCAN_C_TWICE : SCAN_C_THRICE);
    for (int r = 1; r < times; r++)
        for (int j = 0; j < unit; j++) seg_push(s, s->a[j], s->mask[j] | (j == 0 ? rep : 0));
    return 0;
}

int scan_boundaries(const char *command, int *actions, uint8_t *mask) {
    int w[SCAN_MAX_WORDS], n = 0;
    for (const char *p = command;;) {
        const char *e = strchr(p, ' ');
        const size_t l = e ? (size_t)(e - p) : strlen(p);
        int id = -1;
        for (int k = 0; k < SCAN_WORD__COUNT && id < 0; k++)
            if (strlen(scan_word_names[k]) == l && !memcmp(scan_word_names[k], p, l)) id = k;
        if (id < 0 || n == SCAN_MAX_WORDS) return -1;
        w[n++] = id;
        if (!e) break;
        p = e + 1;
    }
    struct seg s1 = {.n = 0}, s2 = {.n = 0};
    int pos = 0;
    if (bound_s(w, n, &pos, &s1)) return -1;
    int conj = -1;
    if (pos < n) {
        conj = w[pos++];
        if (conj != SCAN_W_AND && conj != SCAN_W_AFTER) return -1;
        if (bound_s(w, n, &pos, &s2) || pos != n) return -1;
    }
    /* C: [s1 and s2] = [s1][s2], [s1 after s2] = [s2][s1] */
    const struct seg *first = conj == SCAN_W_AFTER ? &s2 : &s1;
    const struct seg *second = conj == SCAN_W_AFTER ? &s1 : &s2;
    int len = 0;
    for (int j = 0; j < first->n; j++, len++) {
        actions[len] = first->a[j];
        mask[len] = first->mask[j];
    }
    for (int j = 0; j < second->n; j++, len++) {
        actions[len] = second->a[j];
        mask[len] = second->mask[j];
        if (j == 0) mask[len] |= BIT(conj == SCAN_W_AFTER ? SCAN_C_AFTER : SCAN_C_AND);
    }
    return len;
}
