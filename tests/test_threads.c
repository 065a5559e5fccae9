/* test_threads.c: training and evaluation on several threads (train.h: train_config.threads,
 * model.h: forward_part, skip_batch, model.threads; core/pool.c).
 *
 * - The parts of a batch add up to the whole batch: for S = 1..5 parts (uneven, and more
 *   parts than some batches have rows), the parts' losses and backward() gradients sum to
 *   forward_loss + backward of the whole batch (double build: to rounding), their initial
 *   states are exactly the whole batch's rows, and skip_batch moves the batch stream exactly
 *   as forward_loss does. For the AL-RNN with random initial states (MSE, last step), with
 *   the sMNIST CNN encoder (CE), and for an LSTM on an every-step read-out with a fractional
 *   mask.
 * - An evaluation gives the same bytes on 1, 2, 3 and 7 threads.
 * - train_run on threads: two runs with the same thread count are identical, the history
 *   says the threads used, and the parameters stay within rounding of a one-thread run.
 * - The pool runs every index once, each on its own thread, with subnormals flushed.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "enc_realdata.h"
#include "realdata.h"
#include "synthetic.h"
#include "model.h"
#include "model_rnn.h"
#include "pool.h"
#include "tasks.h"
#include "train.h"

/* |a - b| small against the scale of the whole vector (sums in another order). */
static void assert_close(const real *a, const real *b, size_t n, double rtol, const char *what) {
    double scale = 0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs((double)b[i]));
    for (size_t i = 0; i < n; i++)
        cr_assert(fabs((double)a[i] - (double)b[i]) <= rtol * (scale > 0 ? scale : 1),
                  "%s[%zu]: %.17g against %.17g (scale %g)", what, i, (double)a[i],
                  (double)b[i], scale);
}

/* The whole batch idx[0..B) against its S parts: loss, gradient, the stream after. */
static void check_parts(const struct model *m, const struct dataset *d, const int *idx, int B,
                        int S) {
    const size_t n = m->n_params;
    rng_t r0;
    rng_init(&r0, 77, RNG_STREAM_BATCH);
    rng_u64(&r0); /* not at a stream's start */
    rng_t r_whole = r0;
    void *w = m->type->work_alloc(m, d, B);
    const double L = m->type->forward_loss(m, w, d, idx, B, &r_whole, 1);
    real *g = calloc(n, sizeof(real)), *gp = calloc(n, sizeof(real));
    m->type->backward(m, w, g);
    double Lp = 0;
    for (int s = 0, b0 = 0; s < S; s++) {
        const int b = B / S + (s < B % S);
        if (!b) continue;
        void *wp = m->type->work_alloc(m, d, b);
        Lp += m->type->forward_part(m, wp, d, idx, B, b0, r0, 1);
        m->type->backward(m, wp, gp);
        m->type->work_free(wp);
        b0 += b;
    }
    cr_assert(fabs(Lp - L) <= 1e-12 * fabs(L), "S = %d: parts' loss %.17g, whole %.17g", S, Lp,
              L);
    assert_close(gp, g, n, 1e-12, "gradient");
    rng_t r_skip = r0;
    m->type->skip_batch(m, B, &r_skip);
    cr_assert(!memcmp(&r_skip, &r_whole, sizeof r_skip),
              "skip_batch left the batch stream elsewhere than forward_loss");
    free(g), free(gp);
    m->type->work_free(w);
}

/* The initial states of each part are the whole batch's rows, bit for bit. */
static void check_z0_rows(const struct alrnn *a, int T, int B) {
    rng_t r0;
    rng_init(&r0, 5, RNG_STREAM_BATCH);
    rng_t r = r0;
    struct alrnn_work w, wp;
    alrnn_work_alloc(&w, a, T, B);
    alrnn_set_z0(a, &w, &r);
    for (int b0 = 0; b0 < B; b0 += 3) {
        const int b = B - b0 < 3 ? B - b0 : 3;
        alrnn_work_alloc(&wp, a, T, b);
        rng_t rp = r0;
        alrnn_set_z0_part(a, &wp, &rp, B, b0);
        cr_assert(!memcmp(wp.Z, w.Z + (size_t)b0 * a->cfg.M, (size_t)b * a->cfg.M * sizeof(real)),
                  "rows %d..%d of z_0 differ from the whole batch's", b0, b0 + b - 1);
        alrnn_work_free(&wp);
    }
    alrnn_work_free(&w);
}

/* An addition data set (seed's data stream) and an initialised AL-RNN on it. */
struct addition_net {
    struct dataset tr, va, te;
    struct alrnn net;
    struct model mo;
};

static void addition_net_init(struct addition_net *a, struct task_params tp,
                              struct alrnn_config c, uint64_t seed) {
    rng_t dr, ir;
    rng_init(&dr, seed, RNG_STREAM_DATA);
    rng_init(&ir, seed, RNG_STREAM_INIT);
    task_addition.make_data(&tp, &dr, &a->tr, &a->va, &a->te);
    alrnn_create(&a->net, &c, NULL);
    alrnn_init_params(&a->net, &ir);
    model_alrnn(&a->mo, &a->net, &task_addition);
}

static void addition_net_free(struct addition_net *a) {
    alrnn_free(&a->net);
    dataset_free(&a->tr), dataset_free(&a->va), dataset_free(&a->te);
}

Test(threads, alrnn_parts_sum_to_the_whole_batch) {
    struct addition_net a;
    addition_net_init(&a, (struct task_params){.T = 10, .n_train = 40, .n_test = 8},
                      (struct alrnn_config){.M = 9, .P = 3, .N = 2, .K = 1, .z0 = Z0_UNIFORM,
                                            .readout = READOUT_LAST},
                      3);
    int idx[13];
    for (int i = 0; i < 13; i++) idx[i] = (7 * i + 5) % a.tr.n; /* not in order */
    for (int S = 1; S <= 5; S++) check_parts(&a.mo, &a.tr, idx, 13, S);
    check_parts(&a.mo, &a.tr, idx, 2, 5); /* a last batch shorter than the parts */
    check_z0_rows(&a.net, a.tr.T, 13);
    addition_net_free(&a);
}

/* A data set of n sequences of T steps with random inputs; CE labels or MSE targets; every
 * step read out with a mask of 0, 0.5 and 1 when T_out = T. */
static void random_dataset(struct dataset *d, int n, int T, int N, int K, int T_out,
                           loss_kind loss, uint64_t seed) {
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_DATA);
    dataset_alloc(d, n, T, N, K, T_out, loss, 0);
    for (size_t i = 0; i < (size_t)n * T * N; i++) d->x[i] = (real)rng_uniform(&r);
    for (size_t i = 0; i < (size_t)n * T_out; i++) {
        if (loss == LOSS_CE) d->label[i] = (int32_t)rng_below(&r, (uint32_t)K);
        if (T_out > 1) d->mask[i] = (real)(0.5 * rng_below(&r, 3));
    }
    if (loss == LOSS_MSE)
        for (size_t i = 0; i < (size_t)n * T_out * K; i++) d->y[i] = (real)rng_normal(&r);
}

Test(threads, encoder_parts_sum_to_the_whole_batch) {
    struct dataset d;
    random_dataset(&d, 12, 32, 1, 10, 1, LOSS_CE, 8);
    const struct encoder enc = {.type = &encoder_smnist_cnn, .N_in = 1, .M = 6};
    const struct alrnn_config c = {.M = 6, .P = 2, .K = 10, .z0 = Z0_UNIFORM,
                                   .readout = READOUT_LAST, .readout_bias = 1};
    struct alrnn net;
    alrnn_create(&net, &c, &enc);
    rng_t ir;
    rng_init(&ir, 8, RNG_STREAM_INIT);
    alrnn_init_params(&net, &ir);
    struct model mo;
    model_alrnn(&mo, &net, &task_smnist);
    int idx[7] = {11, 0, 3, 4, 9, 2, 6};
    for (int S = 1; S <= 4; S++) check_parts(&mo, &d, idx, 7, S);
    alrnn_free(&net);
    dataset_free(&d);
}

Test(threads, lstm_parts_sum_to_the_whole_batch) {
    struct dataset d;
    random_dataset(&d, 20, 9, 3, 2, 9, LOSS_MSE, 9);
    const struct rnn_config c = {.kind = MODEL_LSTM, .M = 7, .N = 3, .K = 2,
                                 .readout = READOUT_ALL};
    struct rnn net;
    rnn_create(&net, &c, NULL);
    rng_t ir;
    rng_init(&ir, 9, RNG_STREAM_INIT);
    rnn_init_params(&net, &ir);
    struct model mo;
    model_rnn(&mo, &net, &task_copy);
    int idx[11];
    for (int i = 0; i < 11; i++) idx[i] = 19 - i;
    for (int S = 1; S <= 4; S++) check_parts(&mo, &d, idx, 11, S);
    rnn_free(&net);
    dataset_free(&d);
}

Test(threads, evaluation_is_the_same_bytes_on_any_thread_count) {
    /* A near 0.9 (the multi-task init): z_0 still shapes the read-out after T steps, so a
     * batch evaluated from another stream state changes the bytes */
    struct addition_net a;
    addition_net_init(&a, (struct task_params){.T = 10, .n_train = 8, .n_test = 53},
                      (struct alrnn_config){.M = 8, .P = 2, .N = 2, .K = 1, .z0 = Z0_UNIFORM,
                                            .readout = READOUT_LAST,
                                            .init = ALRNN_INIT_MULTITASK},
                      4);
    struct model mo = a.mo;
    const struct dataset te = a.te;
    double m1[TASK_MAX_METRICS], mk[TASK_MAX_METRICS];
    const double L1 = mo.type->evaluate(&mo, &te, 8, 21, m1); /* 6 batches of 8, one of 5 */
    const int threads[] = {2, 3, 7, 12};
    for (int k = 0; k < 4; k++) {
        mo.threads = threads[k];
        const double Lk = mo.type->evaluate(&mo, &te, 8, 21, mk);
        cr_assert(!memcmp(&Lk, &L1, sizeof L1), "%d threads: loss %.17g, one thread %.17g",
                  threads[k], Lk, L1);
        cr_assert(!memcmp(mk, m1, mo.n_metrics * sizeof(double)), "%d threads: metrics differ",
                  threads[k]);
    }
    addition_net_free(&a);
}

/* train_run of the smoke addition AL-RNN (z_0 random, a last partial batch) on `threads`;
 * returns the parameter count. */
static size_t run_on(int threads, real *params, size_t cap, struct train_history *h) {
    struct addition_net a;
    addition_net_init(&a, (struct task_params){.T = 12, .n_train = 100, .n_val = 20, .n_test = 20},
                      (struct alrnn_config){.M = 8, .P = 3, .N = 2, .K = 1, .z0 = Z0_UNIFORM,
                                            .readout = READOUT_LAST,
                                            .init = ALRNN_INIT_MULTITASK},
                      6);
    struct model *mo = &a.mo;
    mo->threads = threads;
    const struct train_config cfg = {.epochs = 3, .batch = 16, .lr = 1e-3, .clip = 10,
                                     .tau = 0.1, .M_reg = 4, .eval_every = 1,
                                     .select = SELECT_FINAL, .threads = threads};
    const struct train_data td = {.train = &a.tr, .val = &a.va, .test = &a.te,
                                  .n_train = a.tr.n, .n_val = a.va.n, .n_test = a.te.n};
    train_run(mo, &cfg, &td, 6, "threads", NULL, h);
    const size_t n = mo->n_params;
    cr_assert(n <= cap);
    memcpy(params, mo->params, n * sizeof(real));
    addition_net_free(&a);
    return n;
}

Test(threads, train_run_depends_on_the_thread_count_only_in_rounding) {
    enum { NP = 512 };
    real p1[NP], p3[NP], p3b[NP];
    struct train_history h1, h3, h3b;
    const size_t n = run_on(1, p1, NP, &h1);
    run_on(3, p3, NP, &h3); /* batches of 16 in parts of 6, 5, 5; the last of 4 in 2, 1, 1 */
    run_on(3, p3b, NP, &h3b);
    cr_assert_eq(h1.threads, 1);
    cr_assert_eq(h3.threads, 3);
    cr_assert(!memcmp(p3, p3b, n * sizeof(real)), "two 3-thread runs differ");
    cr_assert(!memcmp(h3.loss, h3b.loss, 3 * sizeof(double)), "two 3-thread histories differ");
    assert_close(p3, p1, n, 1e-9, "parameters (3 threads against 1)");
    for (int e = 0; e < 3; e++)
        cr_assert(fabs(h3.loss[e] - h1.loss[e]) <= 1e-12 * fabs(h1.loss[e]),
                  "epoch %d loss: %.17g (3 threads), %.17g (1)", e, h3.loss[e], h1.loss[e]);
    train_history_free(&h1), train_history_free(&h3), train_history_free(&h3b);
}

struct seen {
    pthread_mutex_t mu;
    int count[8];
    pthread_t who[8];
    int flushed[8];
};

static void note(void *ctx, int i) {
    struct seen *s = ctx;
    pthread_mutex_lock(&s->mu);
    s->count[i]++;
    s->who[i] = pthread_self();
    s->flushed[i] = fp_subnormals_flushed();
    pthread_mutex_unlock(&s->mu);
}

/* The workers flush subnormals themselves: the pool is created from a thread with the mode
 * off (new threads inherit the creator's mode, so a pool created with it on would show
 * nothing), and the caller's mode is left as it was. */
Test(threads, pool_runs_each_index_once_on_its_own_flushed_thread) {
#if defined(__x86_64__)
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(csr & ~(0x8000u | 0x0040u)); /* FTZ, DAZ off */
    cr_assert(!fp_subnormals_flushed());
#else
    fp_flush_subnormals();
#endif
    struct pool *p = pool_create(4);
    struct seen s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    for (int job = 1; job <= 3; job++) {
        pool_run(p, note, &s);
        for (int i = 0; i < 4; i++) cr_assert_eq(s.count[i], job, "index %d ran %d times", i, s.count[i]);
    }
#if defined(__x86_64__)
    cr_assert(!s.flushed[0], "the pool changed the caller's mode");
    _mm_setcsr(csr);
#endif
    for (int i = 0; i < 4; i++) {
        cr_assert(i == 0 || s.flushed[i], "worker %d runs with subnormals kept", i);
        for (int j = 0; j < i; j++)
            cr_assert(!pthread_equal(s.who[i], s.who[j]), "indices %d and %d on one thread", i, j);
    }
    cr_assert(pthread_equal(s.who[0], pthread_self()), "index 0 is the caller's");
    pool_free(p);
}
