/* copy.c: the discrete copy task, PAPER.md §2.4 ([C-seq] copy_problem/).
 *
 * One sequence, T = len + 1 + delay + len steps (117 by default), N = K = symbols + 1:
 *
 *   t = 0 .. len-1                 one-hot symbol s_j ∈ {1..symbols} (uniform); channel 0 unused
 *   t = len                        cue: one-hot on channel 0
 *   t = len+1 .. len+delay         all-zero input
 *   t = len+1+delay .. T-1         recall: channel 0 = 1; target class s_j, mask 1
 *
 * The readout is taken at every step (READOUT_ALL, T_out = T) with cross-entropy over
 * K = symbols + 1 classes; the mask is 0 outside the recall window, which is how the
 * reference's "-100 = ignored" targets are expressed here. Class 0 is never a target.
 *
 * Options (params->opts): len (8), symbols (4), delay (100). params->T, when set, must equal
 * 2 len + 1 + delay (change `delay` to change T).
 * Sizes: n_train 1000, n_val 200, n_test 200. [C-seq] has 1000 (or 2000) train and 200 test
 * and no validation set; the 200-sequence validation split is ours, so best-val selection
 * does not look at the test set.
 */
#include "synthetic.h"

#include <math.h>
#include <stdlib.h>

enum {
    COPY_DEF_LEN = 8,
    COPY_DEF_SYMBOLS = 4,
    COPY_DEF_DELAY = 100,
    COPY_DEF_N_TRAIN = 1000,
    COPY_DEF_N_VAL = 200,
    COPY_DEF_N_TEST = 200,
    COPY_IN_CUE = 0, /* the reserved channel: cue and recall flag */
};

struct copy_cfg {
    int len;     /* symbols to copy */
    int symbols; /* alphabet size; classes / inputs are symbols + 1 */
    int delay;   /* zero-input steps between cue and recall */
    int T;       /* 2 len + 1 + delay */
};

static struct copy_cfg copy_config(const struct task_params *p) {
    struct copy_cfg c;
    c.len = task_opt_int(p, "len", COPY_DEF_LEN);
    c.symbols = task_opt_int(p, "symbols", COPY_DEF_SYMBOLS);
    c.delay = task_opt_int(p, "delay", COPY_DEF_DELAY);
    if (c.len < 1 || c.len > 100000) die("task copy: option len=%d must be in [1, 100000]", c.len);
    if (c.symbols < 1 || c.symbols > 100000)
        die("task copy: option symbols=%d must be in [1, 100000]", c.symbols);
    if (c.delay < 0 || c.delay > 1000000)
        die("task copy: option delay=%d must be in [0, 1000000]", c.delay);
    c.T = 2 * c.len + 1 + c.delay;
    if (p->T != 0 && p->T != c.T)
        die("task copy: T=%d does not match 2*len + 1 + delay = %d (set opts delay= instead)",
            p->T, c.T);
    return c;
}

static int copy_size(int v, int def, const char *what) {
    if (v < 0) die("task copy: %s=%d must not be negative", what, v);
    return v > 0 ? v : def;
}

static void copy_dims(const struct task_params *p, int *T, int *N, int *K) {
    struct copy_cfg c = copy_config(p);
    *T = c.T;
    *N = c.symbols + 1;
    *K = c.symbols + 1;
}

static void copy_fill(const struct copy_cfg *c, rng_t *r, int n, struct dataset *d) {
    const int T = c->T, N = c->symbols + 1;
    const int t_cue = c->len, t_recall = c->len + 1 + c->delay;
    dataset_alloc(d, n, T, N, N, T, LOSS_CE, 0);
    for (int i = 0; i < n; i++) {
        real *x = d->x + (size_t)i * T * N;        /* (T, N) */
        int32_t *label = d->label + (size_t)i * T; /* (T) */
        real *mask = d->mask + (size_t)i * T;      /* (T) */
        for (int t = 0; t < T; t++) mask[t] = 0;
        for (int j = 0; j < c->len; j++) {
            const int s = 1 + (int)rng_below(r, (uint32_t)c->symbols);
            x[(size_t)j * N + s] = 1;
            x[(size_t)(t_recall + j) * N + COPY_IN_CUE] = 1;
            label[t_recall + j] = s;
            mask[t_recall + j] = 1;
        }
        x[(size_t)t_cue * N + COPY_IN_CUE] = 1;
    }
}

static void copy_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                           struct dataset *val, struct dataset *test) {
    const struct copy_cfg c = copy_config(p);
    /* one stream per split: the size of one split never shifts another */
    rng_t r_train = rng_split(r, 1), r_val = rng_split(r, 2), r_test = rng_split(r, 3);
    copy_fill(&c, &r_train, copy_size(p->n_train, COPY_DEF_N_TRAIN, "n_train"), train);
    copy_fill(&c, &r_val, copy_size(p->n_val, COPY_DEF_N_VAL, "n_val"), val);
    copy_fill(&c, &r_test, copy_size(p->n_test, COPY_DEF_N_TEST, "n_test"), test);
}

static const char *const copy_metric_names[] = {"symbol_accuracy", "sequence_accuracy"};

/* yhat: (n, T, K) logits. A recall step is right when its argmax (first maximum, as the
 * core's default) is the presented symbol; a sequence is right when all its recall steps are. */
static void copy_metrics(const struct dataset *d, const real *yhat, double *out) {
    ASSERT(d->loss == LOSS_CE && d->T_out == d->T);
    const int T = d->T, K = d->K;
    long steps = 0, steps_ok = 0, seq_ok = 0;
    for (int i = 0; i < d->n; i++) {
        int all_ok = 1;
        for (int t = 0; t < T; t++) {
            const size_t s = (size_t)i * T + t;
            if (d->mask[s] == 0) continue;
            const real *o = yhat + s * K;
            int best = 0;
            for (int k = 1; k < K; k++)
                if (o[k] > o[best]) best = k;
            const int ok = best == d->label[s];
            steps++;
            steps_ok += ok;
            all_ok &= ok;
        }
        seq_ok += all_ok;
    }
    out[0] = steps > 0 ? (double)steps_ok / (double)steps : NAN;
    out[1] = d->n > 0 ? (double)seq_ok / d->n : NAN;
}

const struct task_type task_copy = {
    .name = "copy",
    .description = "copy 8 symbols of {1..4} over a 100-step delay, CE on recall (PAPER.md 2.4)",
    .loss = LOSS_CE,
    .readout = READOUT_ALL,
    .dims = copy_dims,
    .make_data = copy_make_data,
    .metrics = copy_metrics,
    .n_metrics = (int)ARRAY_LEN(copy_metric_names),
    .metric_names = copy_metric_names,
};
