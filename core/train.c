/* train.c: the training loop, evaluation and model selection (see train.h). */
#include "train.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "loss.h"
#include "optim.h"

const char *const select_kind_names[] = {[SELECT_FINAL] = "final",
                                         [SELECT_BEST_VAL] = "best_val"};
_Static_assert(ARRAY_LEN(select_kind_names) == SELECT__COUNT,
               "select_kind_names: one entry per enum value");

/* Buffers for batches of one size B: the model workspace and the gathered batch. */
struct batch {
    int B;
    struct alrnn_work w;
    real *x;        /* (T, B, N) */
    real *y;        /* (T_out, B, K) MSE targets */
    int32_t *label; /* (T_out, B) */
    real *mask;     /* (T_out, B) */
};

static void batch_alloc(struct batch *b, const struct alrnn *m, const struct dataset *d, int B) {
    memset(b, 0, sizeof *b);
    if (B == 0) return;
    b->B = B;
    alrnn_work_alloc(&b->w, m, d->T, B);
    ASSERT(b->w.T_out == d->T_out);
    b->x = xmalloc((size_t)d->T * B * d->N * sizeof(real));
    b->y = xmalloc((size_t)d->T_out * B * d->K * sizeof(real));
    b->label = xmalloc((size_t)d->T_out * B * sizeof(int32_t));
    b->mask = xmalloc((size_t)d->T_out * B * sizeof(real));
}

static void batch_free(struct batch *b) {
    if (!b->B) return;
    alrnn_work_free(&b->w);
    free(b->x);
    free(b->y);
    free(b->label);
    free(b->mask);
}

/* Forward + loss on sequences idx[0..b->B); dY filled when want_grad. */
static double batch_forward(const struct alrnn *m, const struct dataset *d, struct batch *b,
                            const int *idx, rng_t *z0rng, int want_grad) {
    dataset_gather(d, idx, b->B, b->x, d->y ? b->y : NULL, d->label ? b->label : NULL, b->mask);
    alrnn_set_z0(m, &b->w, z0rng);
    alrnn_forward(m, &b->w, b->x);
    return loss_eval(d->loss, b->w.T_out * b->B, d->K, b->w.Y, b->y, b->label, b->mask,
                     want_grad ? b->w.dY : NULL);
}

static double mask_sum(const real *mask, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += mask[i];
    return s;
}

double train_evaluate(const struct alrnn *m, const struct task_type *task,
                      const struct dataset *d, int B, uint64_t seed, real *yhat, double *metrics) {
    if (d->n == 0) {
        for (int i = 0; metrics && i < task_metric_count(task); i++) metrics[i] = NAN;
        return NAN;
    }
    if (B > d->n) B = d->n;
    const int K = d->K, To = d->T_out;
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_EVAL);
    struct batch full, rest;
    batch_alloc(&full, m, d, B);
    batch_alloc(&rest, m, d, d->n % B);
    int *idx = xmalloc((size_t)B * sizeof(int));
    real *out = yhat ? yhat : xmalloc((size_t)d->n * To * K * sizeof(real));
    double lsum = 0, wsum = 0;
    for (int start = 0; start < d->n; start += B) {
        struct batch *b = d->n - start >= B ? &full : &rest;
        for (int i = 0; i < b->B; i++) idx[i] = start + i;
        double L = batch_forward(m, d, b, idx, &r, 0);
        double w = mask_sum(b->mask, (size_t)To * b->B);
        lsum += L * w, wsum += w;
        /* (T_out, B, K) time-major -> (n, T_out, K) */
        for (int i = 0; i < b->B; i++)
            for (int t = 0; t < To; t++)
                memcpy(out + ((size_t)(start + i) * To + t) * K,
                       b->w.Y + ((size_t)t * b->B + i) * K, K * sizeof(real));
    }
    if (metrics) task_compute_metrics(task, d, out, metrics);
    if (!yhat) free(out);
    free(idx);
    batch_free(&full);
    batch_free(&rest);
    return wsum > 0 ? lsum / wsum : NAN;
}

void train_forward_each(const struct alrnn *m, const struct dataset *d, int n, int B,
                        uint64_t seed, train_batch_fn visit, void *ctx) {
    if (n <= 0 || n > d->n) n = d->n;
    if (n == 0) return;
    if (B > n) B = n;
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_EVAL);
    const int n_rest = n % B;
    struct alrnn_work w, w_rest;
    alrnn_work_alloc(&w, m, d->T, B);
    if (n_rest) alrnn_work_alloc(&w_rest, m, d->T, n_rest);
    real *x = xmalloc((size_t)d->T * B * d->N * sizeof(real)); /* (T, B, N) */
    real *mask = xmalloc((size_t)d->T_out * B * sizeof(real)); /* (T_out, B) */
    int *idx = xmalloc((size_t)B * sizeof(int));
    for (int start = 0; start < n; start += B) {
        const int nb = n - start >= B ? B : n_rest;
        struct alrnn_work *wk = nb == B ? &w : &w_rest;
        for (int i = 0; i < nb; i++) idx[i] = start + i;
        dataset_gather(d, idx, nb, x, NULL, NULL, mask);
        alrnn_set_z0(m, wk, &r);
        alrnn_forward(m, wk, x);
        visit(ctx, start, nb, wk->T, wk->Z);
    }
    free(x);
    free(mask);
    free(idx);
    alrnn_work_free(&w);
    if (n_rest) alrnn_work_free(&w_rest);
}

static void progress(const char *label, int e, int E, double loss, const char *split,
                     double held, double rate, double eta, int final_line) {
    char buf[32];
    int tty = isatty(STDERR_FILENO);
    fprintf(stderr, "%s[%s] epoch %d/%d  loss %.4g", tty ? "\r\033[K" : "", label, e, E, loss);
    if (!isnan(held)) fprintf(stderr, "  %s %.4g", split, held);
    fprintf(stderr, "  %.0f seq/s  ETA %s", rate, format_duration(eta, buf, sizeof buf));
    if (!tty || final_line) fputc('\n', stderr);
    fflush(stderr);
}

void train_run(struct alrnn *m, const struct task_type *task, const struct train_config *cfg,
               const struct dataset *train, const struct dataset *val,
               const struct dataset *test, uint64_t seed, const char *label,
               struct train_history *h) {
    const int E = cfg->epochs, n = train->n;
    const int B = cfg->batch < n ? cfg->batch : n;
    const int nm = task_metric_count(task);
    ASSERT(E >= 1 && B >= 1 && n >= 1);
    fp_flush_subnormals(); /* no subnormal slow path in any training (common.h) */
    if (cfg->M_reg > m->cfg.M)
        die("M_reg = %d exceeds M = %d (the regulariser acts on the first M_reg units)",
            cfg->M_reg, m->cfg.M);
    const int eval_every = cfg->eval_every > 0 ? cfg->eval_every : E;
    const int max_eval = E / eval_every + 2;

    memset(h, 0, sizeof *h);
    h->loss = xcalloc(E, sizeof(double));
    h->reg = xcalloc(E, sizeof(double));
    h->lr = xcalloc(E, sizeof(double));
    h->grad_norm = xcalloc(E, sizeof(double));
    h->n_metrics = nm;
    h->eval_epoch = xcalloc(max_eval, sizeof(int));
    h->eval_val_loss = xcalloc(max_eval, sizeof(double));
    h->eval_test_loss = xcalloc(max_eval, sizeof(double));
    h->eval_val = xcalloc((size_t)max_eval * nm, sizeof(double));
    h->eval_test = xcalloc((size_t)max_eval * nm, sizeof(double));

    rng_t br;
    rng_init(&br, seed, RNG_STREAM_BATCH);
    struct batch full, rest;
    batch_alloc(&full, m, train, B);
    batch_alloc(&rest, m, train, n % B);
    real *grad = xmalloc(m->n_params * sizeof(real));
    real *best = xmalloc(m->n_params * sizeof(real));
    memcpy(best, m->params, m->n_params * sizeof(real));
    double best_val = INFINITY;
    struct adam opt;
    adam_init(&opt, m->n_params);
    int *order = xmalloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) order[i] = i;

    const double t0 = now_seconds();
    double last_print = t0, last_val = NAN;
    long seqs = 0;
    for (int e = 0; e < E; e++) {
        const double lr = cfg->cosine ? cosine_lr(cfg->lr, cfg->lr_min, e, E) : cfg->lr;
        rng_shuffle_int(&br, order, n);
        double lsum = 0, gsum = 0;
        int nb = 0;
        for (int start = 0; start < n; start += B) {
            struct batch *b = n - start >= B ? &full : &rest;
            double L = batch_forward(m, train, b, order + start, &br, 1);
            memset(grad, 0, m->n_params * sizeof(real));
            alrnn_backward(m, &b->w, b->x, grad, NULL, NULL);
            alrnn_mar(m, cfg->tau, cfg->M_reg, grad);
            gsum += clip_global_norm(grad, m->n_params, cfg->clip);
            adam_step(&opt, m->params, grad, lr);
            if (!isfinite(L))
                die("%s: training diverged at epoch %d (loss %g); lower the learning rate", label,
                    e + 1, L);
            lsum += L, nb++;
            seqs += b->B;
        }
        h->loss[e] = lsum / nb;
        h->grad_norm[e] = gsum / nb;
        h->lr[e] = lr;
        h->reg[e] = alrnn_mar(m, cfg->tau, cfg->M_reg, NULL);
        h->epochs = e + 1;

        const int is_eval = (e + 1) % eval_every == 0 || e + 1 == E;
        if (is_eval) {
            int k = h->n_eval++;
            h->eval_epoch[k] = e + 1;
            h->eval_val_loss[k] = train_evaluate(m, task, val, B, seed, NULL, h->eval_val + k * nm);
            h->eval_test_loss[k] =
                train_evaluate(m, task, test, B, seed, NULL, h->eval_test + k * nm);
            last_val = val->n ? h->eval_val_loss[k] : h->eval_test_loss[k];
            if (cfg->select == SELECT_BEST_VAL && val->n && h->eval_val_loss[k] < best_val) {
                best_val = h->eval_val_loss[k];
                memcpy(best, m->params, m->n_params * sizeof(real));
                h->selected_epoch = e + 1;
            }
        }
        const double now = now_seconds();
        const double interval = isatty(STDERR_FILENO) ? 0.5 : 10.0;
        if (is_eval || now - last_print >= interval || e + 1 == E) {
            const double el = now - t0;
            progress(label, e + 1, E, h->loss[e], val->n ? "val" : "test", last_val, seqs / el,
                     el / (e + 1) * (E - e - 1), e + 1 == E);
            last_print = now;
        }
    }
    h->wall_seconds = now_seconds() - t0;
    h->train_seq_per_s = seqs / h->wall_seconds;
    if (cfg->select == SELECT_BEST_VAL && val->n && h->selected_epoch > 0)
        memcpy(m->params, best, m->n_params * sizeof(real));
    else
        h->selected_epoch = E;
    h->val_loss = train_evaluate(m, task, val, B, seed, NULL, h->val);
    h->test_loss = train_evaluate(m, task, test, B, seed, NULL, h->test);

    adam_free(&opt);
    free(order);
    free(grad);
    free(best);
    batch_free(&full);
    batch_free(&rest);
}

void train_history_free(struct train_history *h) {
    free(h->loss);
    free(h->reg);
    free(h->lr);
    free(h->grad_norm);
    free(h->eval_epoch);
    free(h->eval_val_loss);
    free(h->eval_test_loss);
    free(h->eval_val);
    free(h->eval_test);
    memset(h, 0, sizeof *h);
}
