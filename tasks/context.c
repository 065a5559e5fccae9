/* context.c: contextual (Mante-style) evidence integration, PAPER.md §2.6
 * ([C-seq] contextual_integration/load_data.py).
 *
 * One sequence, T = 100 steps, N = 4 inputs [ctx1, ctx2, evidence, recall flag]:
 *
 *   t = 0            context one-hot: C1 = [1,0] "normal" or C2 = [0,1] "inverted", p = 0.5
 *   t = 1 .. T-2     evidence e_t = ±1 (equiprobable) + noise · N(0, 1), noise = 0.01
 *   t = T-1          the context one-hot again and recall flag = 1 (no evidence)
 *
 * Label (K = 2, cross-entropy on the last step, READOUT_LAST): 1[Σe > 0] in C1 and
 * 1[-Σe > 0] in C2. The sum is taken over the stored (rounded to `real`) evidence values in
 * double precision, so a reader of the data set recomputes exactly the same label. The
 * context is shown only at t = 0 and t = T-1 (the reference's full_context = False).
 *
 * group = context id (0 = C1, 1 = C2), for the per-context accuracies.
 * Options: noise (0.01). params->T overrides T (>= 3).
 * Sizes: n_train 1000, n_val 200, n_test 200 (as [C-seq] create_datasets).
 */
#include "synthetic.h"

#include <math.h>

enum {
    CTX_DEF_T = 100,
    CTX_DEF_N_TRAIN = 1000,
    CTX_DEF_N_VAL = 200,
    CTX_DEF_N_TEST = 200,
    CTX_K = 2,
};
enum { CTX_IN_C1, CTX_IN_C2, CTX_IN_EVIDENCE, CTX_IN_RECALL, CTX_N };

static const double ctx_def_noise = 0.01; /* PAPER.md §2.6: N(0, 0.01²) */

static int ctx_T(const struct task_params *p) {
    const int T = p->T ? p->T : CTX_DEF_T;
    if (T < 3) die("task context: T=%d must be at least 3 (context, evidence, recall)", T);
    return T;
}

static int ctx_size(int v, int def, const char *what) {
    if (v < 0) die("task context: %s=%d must not be negative", what, v);
    return v > 0 ? v : def;
}

static void ctx_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = ctx_T(p);
    *N = CTX_N;
    *K = CTX_K;
}

static void ctx_fill(int T, double noise, rng_t *r, int n, struct dataset *d) {
    dataset_alloc(d, n, T, CTX_N, CTX_K, 1, LOSS_CE, 1);
    for (int i = 0; i < n; i++) {
        real *x = d->x + (size_t)i * T * CTX_N; /* (T, N) */
        const int inverted = rng_uniform(r) < 0.5;
        const int ctx_ch = inverted ? CTX_IN_C2 : CTX_IN_C1;
        x[ctx_ch] = 1;
        double sum = 0;
        for (int t = 1; t < T - 1; t++) {
            const double e = (rng_below(r, 2) ? 1.0 : -1.0) + noise * rng_normal(r);
            real *xe = &x[(size_t)t * CTX_N + CTX_IN_EVIDENCE];
            *xe = (real)e;
            sum += *xe;
        }
        x[(size_t)(T - 1) * CTX_N + ctx_ch] = 1;
        x[(size_t)(T - 1) * CTX_N + CTX_IN_RECALL] = 1;
        d->label[i] = inverted ? (-sum > 0) : (sum > 0);
        d->group[i] = inverted;
    }
}

static void ctx_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                          struct dataset *val, struct dataset *test) {
    const int T = ctx_T(p);
    const double noise = task_opt_double(p, "noise", ctx_def_noise);
    if (!(noise >= 0)) die("task context: option noise=%g must be >= 0", noise);
    rng_t r_train = rng_split(r, 1), r_val = rng_split(r, 2), r_test = rng_split(r, 3);
    ctx_fill(T, noise, &r_train, ctx_size(p->n_train, CTX_DEF_N_TRAIN, "n_train"), train);
    ctx_fill(T, noise, &r_val, ctx_size(p->n_val, CTX_DEF_N_VAL, "n_val"), val);
    ctx_fill(T, noise, &r_test, ctx_size(p->n_test, CTX_DEF_N_TEST, "n_test"), test);
}

static const char *const ctx_metric_names[] = {"accuracy", "accuracy_ctx1", "accuracy_ctx2"};

/* yhat: (n, 1, K) logits. Accuracy over all sequences and within each context (group). */
static void ctx_metrics(const struct dataset *d, const real *yhat, double *out) {
    ASSERT(d->loss == LOSS_CE && d->T_out == 1 && d->K == CTX_K && d->group);
    double ok[2] = {0, 0}, tot[2] = {0, 0};
    for (int i = 0; i < d->n; i++) {
        const double w = d->mask[i];
        if (w == 0) continue;
        const real *o = yhat + (size_t)i * CTX_K;
        const int pred = o[1] > o[0];
        const int g = d->group[i];
        ASSERT(g == 0 || g == 1);
        ok[g] += w * (pred == d->label[i]);
        tot[g] += w;
    }
    out[0] = tot[0] + tot[1] > 0 ? (ok[0] + ok[1]) / (tot[0] + tot[1]) : NAN;
    out[1] = tot[0] > 0 ? ok[0] / tot[0] : NAN;
    out[2] = tot[1] > 0 ? ok[1] / tot[1] : NAN;
}

const struct task_type task_context = {
    .name = "context",
    .description = "context-dependent sign of summed ±1 evidence, CE at T-1 (PAPER.md 2.6)",
    .loss = LOSS_CE,
    .readout = READOUT_LAST,
    .dims = ctx_dims,
    .make_data = ctx_make_data,
    .metrics = ctx_metrics,
    .n_metrics = (int)ARRAY_LEN(ctx_metric_names),
    .metric_names = ctx_metric_names,
};
