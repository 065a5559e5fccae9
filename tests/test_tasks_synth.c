/* test_tasks_synth.c: the generated tasks (copy §2.4, context §2.6, multitask §2.8).
 * Layout and label properties are checked against the PAPER.md definitions directly from the
 * stored arrays (no reuse of the generators' internals); the expected trial-length bounds
 * below are summed by hand from the §2.8 "hard" timings. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synthetic.h"

static const double PI = 3.14159265358979323846;
/* Stored values pass through `real`; 1e-5 covers float rounding of cos/sin-sized numbers. */
static const double VAL_TOL = 1e-5;

static void make(const struct task_type *tt, const struct task_params *p, uint64_t seed,
                 struct dataset *tr, struct dataset *va, struct dataset *te) {
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_DATA);
    tt->make_data(p, &r, tr, va, te);
}

static void free3(struct dataset *a, struct dataset *b, struct dataset *c) {
    dataset_free(a);
    dataset_free(b);
    dataset_free(c);
}

static int same_bytes(const struct dataset *a, const struct dataset *b) {
    if (a->n != b->n || a->T != b->T || a->N != b->N || a->K != b->K || a->T_out != b->T_out)
        return 0;
    const size_t n = (size_t)a->n, T = a->T, To = a->T_out;
    if (memcmp(a->x, b->x, n * T * a->N * sizeof(real))) return 0;
    if (memcmp(a->mask, b->mask, n * To * sizeof(real))) return 0;
    if (a->y && memcmp(a->y, b->y, n * To * a->K * sizeof(real))) return 0;
    if (a->label && memcmp(a->label, b->label, n * To * sizeof(int32_t))) return 0;
    if (a->group && memcmp(a->group, b->group, n * sizeof(int32_t))) return 0;
    return 1;
}

/* ---------------------------------------------------------------- copy (PAPER.md §2.4) */

/* Checks every sequence of d against the §2.4 layout for (len, symbols, delay). */
static void check_copy_layout(const struct dataset *d, int len, int symbols, int delay) {
    const int T = 2 * len + 1 + delay, N = symbols + 1;
    cr_assert_eq(d->T, T);
    cr_assert_eq(d->N, N);
    cr_assert_eq(d->K, N);
    cr_assert_eq(d->T_out, T);
    cr_assert_eq(d->loss, LOSS_CE);
    const int t_recall = len + 1 + delay;
    int seen[64] = {0};
    for (int i = 0; i < d->n; i++) {
        const real *x = d->x + (size_t)i * T * N;
        const int32_t *lab = d->label + (size_t)i * T;
        const real *m = d->mask + (size_t)i * T;
        int sym[64];
        for (int t = 0; t < len; t++) {
            int hot = -1, count = 0;
            for (int c = 0; c < N; c++) {
                cr_assert(x[t * N + c] == 0 || x[t * N + c] == 1);
                if (x[t * N + c] == 1) hot = c, count++;
            }
            cr_assert_eq(count, 1, "seq %d step %d: not one-hot", i, t);
            cr_assert(hot >= 1 && hot <= symbols, "symbol on the reserved channel");
            sym[t] = hot;
            seen[hot] = 1;
        }
        for (int c = 0; c < N; c++) cr_assert_eq(x[len * N + c], c == 0 ? 1 : 0, "cue at t=len");
        for (int t = len + 1; t < t_recall; t++)
            for (int c = 0; c < N; c++) cr_assert_eq(x[t * N + c], 0, "delay input not zero");
        for (int j = 0; j < len; j++)
            for (int c = 0; c < N; c++)
                cr_assert_eq(x[(t_recall + j) * N + c], c == 0 ? 1 : 0, "recall flag");
        for (int t = 0; t < T; t++) {
            const int in_recall = t >= t_recall;
            cr_assert_eq(m[t], in_recall ? 1 : 0, "seq %d: mask at t=%d", i, t);
            if (in_recall) cr_assert_eq(lab[t], sym[t - t_recall], "target != presented symbol");
        }
    }
    for (int s = 1; s <= symbols; s++) cr_assert(seen[s], "symbol %d never drawn", s);
}

Test(tasks_synth, copy_default_layout) {
    struct task_params p = {.n_train = 100, .n_val = 10, .n_test = 10};
    int T, N, K;
    task_copy.dims(&p, &T, &N, &K);
    cr_assert_eq(T, 117);
    cr_assert_eq(N, 5);
    cr_assert_eq(K, 5);
    cr_assert_eq(task_copy.readout, READOUT_ALL);
    struct dataset tr, va, te;
    make(&task_copy, &p, 1, &tr, &va, &te);
    cr_assert_eq(tr.n, 100);
    cr_assert_eq(va.n, 10);
    cr_assert_eq(te.n, 10);
    check_copy_layout(&tr, 8, 4, 100);
    check_copy_layout(&te, 8, 4, 100);
    free3(&tr, &va, &te);

    struct task_params q = {0}; /* defaults: 1000 / 200 / 200 */
    make(&task_copy, &q, 1, &tr, &va, &te);
    cr_assert_eq(tr.n, 1000);
    cr_assert_eq(va.n, 200);
    cr_assert_eq(te.n, 200);
    free3(&tr, &va, &te);
}

Test(tasks_synth, copy_options) {
    struct task_params p = {.n_train = 50, .n_val = 5, .n_test = 5,
                            .opts = "len=3,symbols=6,delay=10"};
    int T, N, K;
    task_copy.dims(&p, &T, &N, &K);
    cr_assert_eq(T, 17);
    cr_assert_eq(N, 7);
    cr_assert_eq(K, 7);
    struct dataset tr, va, te;
    make(&task_copy, &p, 2, &tr, &va, &te);
    check_copy_layout(&tr, 3, 6, 10);
    free3(&tr, &va, &te);
}

Test(tasks_synth, copy_splits_independent) {
    struct task_params p = {.n_train = 30, .n_val = 5, .n_test = 5};
    struct task_params q = p;
    q.n_test = 40;
    struct dataset a[3], b[3];
    make(&task_copy, &p, 3, &a[0], &a[1], &a[2]);
    make(&task_copy, &q, 3, &b[0], &b[1], &b[2]);
    cr_assert(same_bytes(&a[0], &b[0]), "n_test changed the training set");
    cr_assert(same_bytes(&a[1], &b[1]), "n_test changed the validation set");
    free3(&a[0], &a[1], &a[2]);
    free3(&b[0], &b[1], &b[2]);
}

Test(tasks_synth, copy_metrics) {
    struct task_params p = {.n_train = 20, .n_val = 4, .n_test = 4};
    struct dataset tr, va, te;
    make(&task_copy, &p, 4, &tr, &va, &te);
    const int n = tr.n, T = tr.T, K = tr.K;
    cr_assert_eq(task_metric_count(&task_copy), 2);
    cr_assert_str_eq(task_metric_name(&task_copy, 0), "symbol_accuracy");
    cr_assert_str_eq(task_metric_name(&task_copy, 1), "sequence_accuracy");
    real *logits = calloc((size_t)n * T * K, sizeof(real)); /* (n, T, K) */
    for (size_t s = 0; s < (size_t)n * T; s++) logits[s * K + tr.label[s]] = 1;
    double out[2];
    task_compute_metrics(&task_copy, &tr, logits, out);
    cr_assert_float_eq(out[0], 1.0, 1e-12);
    cr_assert_float_eq(out[1], 1.0, 1e-12);
    /* one wrong recall step in sequence 0 */
    const size_t s = (size_t)T - 1;
    logits[s * K + tr.label[s]] = 0;
    logits[s * K + (tr.label[s] % (K - 1)) + 1] = 2;
    task_compute_metrics(&task_copy, &tr, logits, out);
    cr_assert_float_eq(out[0], 1.0 - 1.0 / (8.0 * n), 1e-12);
    cr_assert_float_eq(out[1], (n - 1.0) / n, 1e-12);
    free(logits);
    free3(&tr, &va, &te);
}

/* ------------------------------------------------------------- context (PAPER.md §2.6) */

Test(tasks_synth, context_layout_and_labels) {
    struct task_params p = {0}; /* defaults: T 100, 1000 / 200 / 200 */
    int T, N, K;
    task_context.dims(&p, &T, &N, &K);
    cr_assert_eq(T, 100);
    cr_assert_eq(N, 4);
    cr_assert_eq(K, 2);
    cr_assert_eq(task_context.readout, READOUT_LAST);
    struct dataset tr, va, te;
    make(&task_context, &p, 5, &tr, &va, &te);
    cr_assert_eq(tr.n, 1000);
    cr_assert_eq(va.n, 200);
    cr_assert_eq(te.n, 200);
    cr_assert_eq(tr.T, T);
    cr_assert_eq(tr.N, N);
    cr_assert_eq(tr.K, K);
    cr_assert_eq(tr.T_out, 1);
    cr_assert_not_null(tr.group);
    int count[2][2] = {{0, 0}, {0, 0}}; /* [ctx][label] */
    double noise_ss = 0;
    long noise_n = 0;
    for (int i = 0; i < tr.n; i++) {
        const real *x = tr.x + (size_t)i * T * N;
        cr_assert(x[0] + x[1] == 1 && (x[0] == 1 || x[1] == 1), "t=0 context not one-hot");
        cr_assert(x[2] == 0 && x[3] == 0);
        const int ctx2 = x[1] == 1;
        const real *xl = x + (size_t)(T - 1) * N;
        cr_assert(xl[0] == x[0] && xl[1] == x[1], "context at T-1 differs from t=0");
        cr_assert(xl[2] == 0 && xl[3] == 1, "recall flag at T-1");
        double sum = 0;
        for (int t = 1; t < T - 1; t++) {
            const real *xt = x + (size_t)t * N;
            cr_assert(xt[0] == 0 && xt[1] == 0 && xt[3] == 0, "context or flag inside evidence");
            const double dev = fabs(xt[2]) - 1;
            cr_assert(fabs(dev) < 0.06, "evidence %g is not ±1 + N(0, 0.01²) (6 sigma)", xt[2]);
            noise_ss += dev * dev;
            noise_n++;
            sum += xt[2];
        }
        cr_assert(sum != 0);
        /* PAPER.md §2.6: 1[Σe>0] in C1, 1[-Σe>0] in C2, i.e. the label flips with the context */
        cr_assert_eq(tr.label[i], (sum > 0) ^ ctx2, "seq %d: label vs evidence and context", i);
        cr_assert_eq(tr.group[i], ctx2);
        cr_assert_eq(tr.mask[i], 1);
        count[ctx2][tr.label[i]]++;
    }
    for (int c = 0; c < 2; c++)
        for (int l = 0; l < 2; l++) cr_assert(count[c][l] > 150, "ctx %d label %d too rare", c, l);
    const double sd = sqrt(noise_ss / (double)noise_n);
    cr_assert(sd > 0.009 && sd < 0.011, "evidence noise sd %g, expected 0.01", sd);
    free3(&tr, &va, &te);
}

Test(tasks_synth, context_metrics_and_determinism) {
    struct task_params p = {.n_train = 100, .n_val = 10, .n_test = 50};
    struct dataset tr, va, te, tr2, va2, te2;
    make(&task_context, &p, 6, &tr, &va, &te);
    make(&task_context, &p, 6, &tr2, &va2, &te2);
    cr_assert(same_bytes(&tr, &tr2) && same_bytes(&va, &va2) && same_bytes(&te, &te2));
    free3(&tr2, &va2, &te2);

    real *logits = calloc((size_t)te.n * 2, sizeof(real)); /* (n, 1, K) */
    double out[3];
    for (int i = 0; i < te.n; i++) logits[i * 2 + te.label[i]] = 1;
    task_compute_metrics(&task_context, &te, logits, out);
    for (int k = 0; k < 3; k++) cr_assert_float_eq(out[k], 1.0, 1e-12);
    for (int i = 0; i < te.n * 2; i++) logits[i] = 1 - logits[i]; /* the other class */
    task_compute_metrics(&task_context, &te, logits, out);
    for (int k = 0; k < 3; k++) cr_assert_float_eq(out[k], 0.0, 1e-12);
    cr_assert_str_eq(task_metric_name(&task_context, 2), "accuracy_ctx2");
    free(logits);
    free3(&tr, &va, &te);
}

/* ---------------------------------------------------------- multitask (PAPER.md §2.8) */

/* Trial-length bounds (inclusive) with the "hard" timings: sums of the per-period lo and
 * hi - 1. Delay 10+10+20+10 .. 19+39+49+19; React 10+10 .. 19+39; Cat/GoNogo 10+10+10 ..
 * 19+39+19; DMS 10+10+20+10+5+10 .. 19+39+49+39+14+19; CtxInt 10+10+10+10+10 .. 19+39+39+19+19. */
static const int mt_len_bounds[MT__COUNT][2] = {
    [MT_DELAY_PRO] = {50, 126},   [MT_DELAY_ANTI] = {50, 126},
    [MT_REACT_PRO] = {20, 58},    [MT_REACT_ANTI] = {20, 58},
    [MT_CAT_PRO] = {30, 77},      [MT_CAT_ANTI] = {30, 77},
    [MT_MATCH2SAMPLE] = {65, 179}, [MT_NONMATCH2SAMPLE] = {65, 179},
    [MT_CTXINT_MOD1] = {50, 135}, [MT_CTXINT_MOD2] = {50, 135},
    [MT_GONOGO] = {30, 77},
};
static const int MT_T_HARD = 179; /* longest trial: Match2Sample */

static const int mt_rule[MT__COUNT] = {
    [MT_DELAY_PRO] = MT_IN_RULE_A,    [MT_DELAY_ANTI] = MT_IN_RULE_B,
    [MT_REACT_PRO] = MT_IN_RULE_A,    [MT_REACT_ANTI] = MT_IN_RULE_B,
    [MT_CAT_PRO] = MT_IN_RULE_A,      [MT_CAT_ANTI] = MT_IN_RULE_B,
    [MT_MATCH2SAMPLE] = MT_IN_RULE_A, [MT_NONMATCH2SAMPLE] = MT_IN_RULE_B,
    [MT_CTXINT_MOD1] = MT_IN_RULE_MOD1, [MT_CTXINT_MOD2] = MT_IN_RULE_MOD2,
    [MT_GONOGO] = MT_IN_RULE_A,
};

static int mt_trial_len(const struct dataset *d, int i) {
    int len = 0, count = 0;
    for (int t = 0; t < d->T; t++)
        if (d->mask[(size_t)i * d->T + t] != 0) {
            cr_assert_eq(d->mask[(size_t)i * d->T + t], 1);
            len = t + 1, count++;
        }
    cr_assert_eq(count, 1, "trial %d: %d masked steps, expected exactly one", i, count);
    return len;
}

Test(tasks_synth, multitask_sizes_and_dims) {
    struct task_params p = {.n_per_group = 20, .n_val = 5, .n_test = 7};
    int T, N, K;
    task_multitask.dims(&p, &T, &N, &K);
    cr_assert_eq(T, MT_T_HARD);
    cr_assert_eq(N, 18);
    cr_assert_eq(K, 3);
    struct dataset tr, va, te;
    make(&task_multitask, &p, 7, &tr, &va, &te);
    const struct dataset *ds[3] = {&tr, &va, &te};
    const int per[3] = {20, 5, 7};
    for (int s = 0; s < 3; s++) {
        const struct dataset *d = ds[s];
        cr_assert_eq(d->n, MT__COUNT * per[s]);
        cr_assert(d->T == T && d->N == N && d->K == K && d->T_out == T && d->loss == LOSS_MSE);
        int count[MT__COUNT] = {0};
        for (int i = 0; i < d->n; i++) {
            cr_assert(d->group[i] >= 0 && d->group[i] < MT__COUNT);
            count[d->group[i]]++;
        }
        for (int k = 0; k < MT__COUNT; k++)
            cr_assert_eq(count[k], per[s], "split %d task %s: %d trials", s,
                         multitask_task_names[k], count[k]);
    }
    free3(&tr, &va, &te);

    struct task_params q = {0}; /* defaults: 50 / 50 / 1000 per task */
    make(&task_multitask, &q, 7, &tr, &va, &te);
    cr_assert_eq(tr.n, 50 * MT__COUNT);
    cr_assert_eq(va.n, 50 * MT__COUNT);
    cr_assert_eq(te.n, 1000 * MT__COUNT);
    free3(&tr, &va, &te);

    struct task_params s = {.opts = "simple=1"};
    task_multitask.dims(&s, &T, &N, &K);
    cr_assert_eq(T, 74); /* DMS simple: 9+14+14+14+14+9 */
}

Test(tasks_synth, multitask_determinism) {
    struct task_params p = {.n_per_group = 20, .n_val = 5, .n_test = 7};
    struct dataset a[3], b[3], c[3];
    make(&task_multitask, &p, 11, &a[0], &a[1], &a[2]);
    make(&task_multitask, &p, 11, &b[0], &b[1], &b[2]);
    for (int s = 0; s < 3; s++)
        cr_assert(same_bytes(&a[s], &b[s]), "same seed, split %d differs", s);
    make(&task_multitask, &p, 12, &c[0], &c[1], &c[2]);
    cr_assert(!same_bytes(&a[0], &c[0]), "different seeds gave the same training set");
    free3(&b[0], &b[1], &b[2]);
    free3(&c[0], &c[1], &c[2]);

    struct task_params q = p;
    q.n_test = 30;
    make(&task_multitask, &q, 11, &b[0], &b[1], &b[2]);
    cr_assert(same_bytes(&a[0], &b[0]), "n_test changed the training set");
    cr_assert(same_bytes(&a[1], &b[1]), "n_test changed the validation set");
    free3(&b[0], &b[1], &b[2]);

    /* nested training sets: the first 20 trials of each task do not depend on n */
    struct task_params r = p;
    r.n_per_group = 50;
    make(&task_multitask, &r, 11, &b[0], &b[1], &b[2]);
    const size_t T = a[0].T, N = a[0].N, K = a[0].K;
    for (int k = 0; k < MT__COUNT; k++) {
        const size_t ia = (size_t)k * 20, ib = (size_t)k * 50;
        cr_assert(!memcmp(a[0].x + ia * T * N, b[0].x + ib * T * N, 20 * T * N * sizeof(real)));
        cr_assert(!memcmp(a[0].y + ia * T * K, b[0].y + ib * T * K, 20 * T * K * sizeof(real)));
        cr_assert(!memcmp(a[0].mask + ia * T, b[0].mask + ib * T, 20 * T * sizeof(real)));
    }
    free3(&a[0], &a[1], &a[2]);
    free3(&b[0], &b[1], &b[2]);
}

/* Input values of channel pair (c, c+1) at the first / last step where either is nonzero. */
static int stim_at(const real *x, int N, int len, int c, int last, double v[2]) {
    for (int s = 0; s < len; s++) {
        const int t = last ? len - 1 - s : s;
        if (x[(size_t)t * N + c] != 0 || x[(size_t)t * N + c + 1] != 0) {
            v[0] = x[(size_t)t * N + c], v[1] = x[(size_t)t * N + c + 1];
            return 1;
        }
    }
    return 0;
}

/* Splits and tasks draw from separate streams: no split repeats another's trials and no two
 * tasks share their stimulus draws (a shared stream would show up as equal first stimuli). */
Test(tasks_synth, multitask_streams_distinct) {
    struct task_params p = {.n_per_group = 5, .n_val = 5, .n_test = 5};
    struct dataset d[3];
    make(&task_multitask, &p, 23, &d[0], &d[1], &d[2]);
    const int T = d[0].T, N = d[0].N;
    double first[3][MT__COUNT][2];
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < MT__COUNT; k++) {
            const int i = k * 5;
            cr_assert_eq(d[s].group[i], k);
            cr_assert(stim_at(d[s].x + (size_t)i * T * N, N, T, MT_IN_COS, 0, first[s][k]));
        }
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < MT__COUNT; k++)
            for (int s2 = 0; s2 < 3; s2++)
                for (int k2 = 0; k2 < MT__COUNT; k2++) {
                    if (s == s2 && k == k2) continue;
                    cr_assert(first[s][k][0] != first[s2][k2][0],
                              "split %d task %d and split %d task %d share a stream", s, k, s2, k2);
                }
    free3(&d[0], &d[1], &d[2]);

    struct task_params q = {.n_train = 5, .n_val = 5, .n_test = 5};
    make(&task_copy, &q, 23, &d[0], &d[1], &d[2]);
    cr_assert(memcmp(d[0].x, d[1].x, (size_t)5 * d[0].T * d[0].N * sizeof(real)) != 0);
    cr_assert(memcmp(d[0].x, d[2].x, (size_t)5 * d[0].T * d[0].N * sizeof(real)) != 0);
    free3(&d[0], &d[1], &d[2]);
    make(&task_context, &q, 23, &d[0], &d[1], &d[2]);
    cr_assert(memcmp(d[0].x, d[1].x, (size_t)5 * d[0].T * d[0].N * sizeof(real)) != 0);
    cr_assert(memcmp(d[0].x, d[2].x, (size_t)5 * d[0].T * d[0].N * sizeof(real)) != 0);
    free3(&d[0], &d[1], &d[2]);
}

Test(tasks_synth, multitask_trial_structure) {
    struct task_params p = {.n_per_group = 200, .n_val = 1, .n_test = 1};
    struct dataset tr, va, te;
    make(&task_multitask, &p, 13, &tr, &va, &te);
    const int T = tr.T, N = tr.N, K = tr.K;
    int len_min[MT__COUNT], len_max[MT__COUNT];
    for (int k = 0; k < MT__COUNT; k++) len_min[k] = T + 1, len_max[k] = -1;
    for (int i = 0; i < tr.n; i++) {
        const int g = tr.group[i], len = mt_trial_len(&tr, i);
        const real *x = tr.x + (size_t)i * T * N, *y = tr.y + (size_t)i * T * K;
        cr_assert(len >= mt_len_bounds[g][0] && len <= mt_len_bounds[g][1],
                  "%s trial length %d outside [%d, %d]", multitask_task_names[g], len,
                  mt_len_bounds[g][0], mt_len_bounds[g][1]);
        if (len < len_min[g]) len_min[g] = len;
        if (len > len_max[g]) len_max[g] = len;
        int resp_start = -1;
        for (int t = 0; t < T; t++) {
            const real *xt = x + (size_t)t * N, *yt = y + (size_t)t * K;
            if (t >= len) {
                for (int c = 0; c < N; c++) cr_assert_eq(xt[c], 0, "padding input not zero");
                for (int c = 0; c < K; c++) cr_assert_eq(yt[c], 0, "padding target not zero");
                continue;
            }
            for (int k = 0; k < MT__COUNT; k++)
                cr_assert_eq(xt[MT_IN_TASK_ID + k], k == g ? 1 : 0, "task id at t=%d", t);
            cr_assert_eq(xt[mt_rule[g]], 1, "%s: rule channel off at t=%d",
                         multitask_task_names[g], t);
            cr_assert(xt[MT_IN_FIX] == 0 || xt[MT_IN_FIX] == 1);
            if (resp_start < 0 && xt[MT_IN_FIX] == 0) resp_start = t;
            if (resp_start >= 0) cr_assert_eq(xt[MT_IN_FIX], 0, "fixation back on after response");
        }
        cr_assert(resp_start > 0, "no response period");
        const int resp = len - resp_start;
        const int react = g == MT_REACT_PRO || g == MT_REACT_ANTI;
        cr_assert(react ? resp >= 10 && resp <= 39 : resp >= 10 && resp <= 19,
                  "%s response period %d steps", multitask_task_names[g], resp);
        /* context period: fixation and rule only, no stimulus, length 10..19 */
        for (int t = 0; t < 10; t++)
            for (int c = MT_IN_COS; c <= MT_IN_SIN; c++) cr_assert_eq(x[(size_t)t * N + c], 0);
        const real *ye = y + (size_t)(len - 1) * K;
        cr_assert_eq(ye[MT_OUT_FIX] == 1, g == MT_GONOGO && ye[MT_OUT_COS] == 0,
                     "only nogo targets keep fixating");
    }
    /* the draws reach both ends of the ranges often enough to see them with 200 trials */
    for (int k = 0; k < MT__COUNT; k++)
        cr_assert(len_max[k] - len_min[k] > (mt_len_bounds[k][1] - mt_len_bounds[k][0]) / 2,
                  "%s lengths hardly vary", multitask_task_names[k]);
    free3(&tr, &va, &te);
}

Test(tasks_synth, multitask_targets) {
    struct task_params p = {.n_per_group = 300, .n_val = 1, .n_test = 1};
    struct dataset tr, va, te;
    make(&task_multitask, &p, 17, &tr, &va, &te);
    const int T = tr.T, N = tr.N, K = tr.K;
    int dms_match[2] = {0, 0}, go[2] = {0, 0};
    for (int i = 0; i < tr.n; i++) {
        const int g = tr.group[i], len = mt_trial_len(&tr, i);
        const real *x = tr.x + (size_t)i * T * N;
        const real *ye = tr.y + ((size_t)i * T + len - 1) * K;
        double s[2], s2[2];
        cr_assert(stim_at(x, N, len, MT_IN_COS, 0, s), "no stimulus");
        const double th = atan2(s[1], s[0]), tt = atan2(ye[MT_OUT_SIN], ye[MT_OUT_COS]);
        switch (g) {
        case MT_DELAY_PRO:
        case MT_REACT_PRO:
            cr_assert_float_eq(multitask_angle_diff(tt, th), 0, VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_COS], s[0], VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_SIN], s[1], VAL_TOL);
            break;
        case MT_DELAY_ANTI:
        case MT_REACT_ANTI: /* anti target = pro target + π */
            cr_assert_float_eq(fabs(multitask_angle_diff(tt, th)), PI, VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_COS], -s[0], VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_SIN], -s[1], VAL_TOL);
            break;
        case MT_CAT_PRO:
        case MT_CAT_ANTI: {
            if (fabs(s[1]) < 1e-6) break; /* θ at the category boundary */
            const int upper = s[1] > 0;   /* θ ∈ (0, π) */
            const double want = (upper == (g == MT_CAT_PRO)) ? 1 : -1;
            cr_assert_float_eq(ye[MT_OUT_COS], want, VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_SIN], 0, VAL_TOL);
            break;
        }
        case MT_MATCH2SAMPLE:
        case MT_NONMATCH2SAMPLE: {
            cr_assert(stim_at(x, N, len, MT_IN_COS, 1, s2));
            const double d = fabs(multitask_angle_diff(atan2(s2[1], s2[0]), th));
            const int match = d <= PI / 8 + VAL_TOL;
            cr_assert(match || d >= PI / 4 - VAL_TOL, "DMS angle difference %g in (π/8, π/4)", d);
            dms_match[match]++;
            const double want = (match == (g == MT_MATCH2SAMPLE)) ? 1 : -1;
            cr_assert_float_eq(ye[MT_OUT_COS], want, VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_SIN], 0, VAL_TOL);
            break;
        }
        case MT_CTXINT_MOD1:
        case MT_CTXINT_MOD2: {
            double m2[2];
            cr_assert(stim_at(x, N, len, MT_IN_RULE_A, 0, m2), "no modality-2 stimulus");
            const double *rel = g == MT_CTXINT_MOD1 ? s : m2, *irr = g == MT_CTXINT_MOD1 ? m2 : s;
            cr_assert_float_eq(hypot(rel[0], rel[1]), 0.8, VAL_TOL);
            cr_assert_float_eq(hypot(irr[0], irr[1]), 0.3, VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_COS], rel[0] / 0.8, VAL_TOL);
            cr_assert_float_eq(ye[MT_OUT_SIN], rel[1] / 0.8, VAL_TOL);
            break;
        }
        case MT_GONOGO: {
            const double amp = hypot(s[0], s[1]);
            cr_assert(amp >= 0.2 - VAL_TOL && amp <= 1 + VAL_TOL);
            const int is_go = amp > 0.5;
            go[is_go]++;
            cr_assert_float_eq(ye[MT_OUT_FIX], is_go ? 0 : 1, 0);
            cr_assert_float_eq(ye[MT_OUT_COS], is_go ? 1 : 0, 0);
            cr_assert_float_eq(ye[MT_OUT_SIN], 0, 0);
            break;
        }
        default: cr_assert_fail("group %d", g);
        }
    }
    cr_assert(dms_match[0] > 200 && dms_match[1] > 200, "DMS match/non-match not ~50/50");
    cr_assert(go[0] > 60 && go[1] > 150, "GoNogo go %d nogo %d (expected 5/8 go)", go[1], go[0]);
    free3(&tr, &va, &te);
}

Test(tasks_synth, multitask_angle_diff) {
    cr_assert_float_eq(multitask_angle_diff(0.1, 2 * PI - 0.1), 0.2, 1e-12);
    cr_assert_float_eq(multitask_angle_diff(-0.3, 0.3), -0.6, 1e-12);
    cr_assert_float_eq(fabs(multitask_angle_diff(PI / 2, -PI / 2)), PI, 1e-12);
    cr_assert_float_eq(fabs(multitask_angle_diff(3 * PI, 0)), PI, 1e-12);
    cr_assert_float_eq(multitask_angle_diff(-7 * PI / 4, 0), PI / 4, 1e-12);
}

Test(tasks_synth, multitask_metrics) {
    struct task_params p = {.n_per_group = 1, .n_val = 1, .n_test = 100};
    struct dataset tr, va, te;
    make(&task_multitask, &p, 19, &tr, &va, &te);
    const int nm = task_metric_count(&task_multitask);
    cr_assert_eq(nm, MT__COUNT + 1);
    cr_assert_str_eq(task_metric_name(&task_multitask, 0), "acc_DelayPro");
    cr_assert_str_eq(task_metric_name(&task_multitask, MT_GONOGO), "acc_GoNogo");
    cr_assert_str_eq(task_metric_name(&task_multitask, MT__COUNT), "accuracy");
    const size_t steps = (size_t)te.n * te.T, K = te.K;
    double out[TASK_MAX_METRICS];

    /* the targets themselves: everything right */
    real *yhat = malloc(steps * K * sizeof(real)); /* (n, T, K) */
    memcpy(yhat, te.y, steps * K * sizeof(real));
    task_compute_metrics(&task_multitask, &te, yhat, out);
    for (int k = 0; k < nm; k++) cr_assert_float_eq(out[k], 1.0, 1e-12, "metric %d", k);

    /* (cos, sin) rotated by π/4 > π/6: every direction wrong; nogo (no direction) unchanged */
    const double c = cos(PI / 4), s = sin(PI / 4);
    for (size_t t = 0; t < steps; t++) {
        const real *y = te.y + t * K;
        real *o = yhat + t * K;
        o[MT_OUT_COS] = (real)(c * y[MT_OUT_COS] - s * y[MT_OUT_SIN]);
        o[MT_OUT_SIN] = (real)(s * y[MT_OUT_COS] + c * y[MT_OUT_SIN]);
    }
    int nogo = 0;
    for (int i = 0; i < te.n; i++)
        if (te.group[i] == MT_GONOGO) {
            const int len = mt_trial_len(&te, i);
            nogo += te.y[((size_t)i * te.T + len - 1) * K + MT_OUT_FIX] == 1;
        }
    cr_assert(nogo > 0 && nogo < 100);
    task_compute_metrics(&task_multitask, &te, yhat, out);
    for (int k = 0; k < MT__COUNT; k++)
        cr_assert_float_eq(out[k], k == MT_GONOGO ? nogo / 100.0 : 0.0, 1e-12, "%s",
                           multitask_task_names[k]);
    cr_assert_float_eq(out[MT__COUNT], nogo / 100.0 / MT__COUNT, 1e-12);

    /* rotated by π/8 (< π/6): still right; nogo with a direction, or not fixating: wrong */
    const double c8 = cos(PI / 8), s8 = sin(PI / 8);
    for (size_t t = 0; t < steps; t++) {
        const real *y = te.y + t * K;
        real *o = yhat + t * K;
        o[MT_OUT_FIX] = y[MT_OUT_FIX];
        o[MT_OUT_COS] = (real)(c8 * y[MT_OUT_COS] - s8 * y[MT_OUT_SIN]);
        o[MT_OUT_SIN] = (real)(s8 * y[MT_OUT_COS] + c8 * y[MT_OUT_SIN]);
        if (y[MT_OUT_FIX] == 1) o[MT_OUT_COS] = (real)0.6; /* ||dir|| 0.6 >= 0.5 */
    }
    task_compute_metrics(&task_multitask, &te, yhat, out);
    for (int k = 0; k < MT__COUNT; k++)
        cr_assert_float_eq(out[k], k == MT_GONOGO ? 1 - nogo / 100.0 : 1.0, 1e-12, "%s",
                           multitask_task_names[k]);
    for (size_t t = 0; t < steps; t++) {
        real *o = yhat + t * K;
        if (te.y[t * K + MT_OUT_FIX] == 1) o[MT_OUT_COS] = 0, o[MT_OUT_FIX] = (real)0.4;
    }
    task_compute_metrics(&task_multitask, &te, yhat, out);
    cr_assert_float_eq(out[MT_GONOGO], 1 - nogo / 100.0, 1e-12, "nogo without fixation counted");
    free(yhat);
    free3(&tr, &va, &te);
}
