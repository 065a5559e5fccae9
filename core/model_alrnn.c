/* model_alrnn.c: the AL-RNN as a model type (model.h) on a task's struct dataset, and its
 * latent-trajectory helper (train_forward_each; train.h). Evaluation is model.c's.
 *
 * A workspace is one batch shape: the AL-RNN's alrnn_work plus the gathered time-major batch.
 * Random initial states come from the stream the caller passes: the batch stream in training,
 * a RNG_STREAM_EVAL stream restarted per call in evaluation, so an evaluation is a pure
 * function of the parameters.
 */
#include <math.h>
#include <string.h>

#include "h5io.h"
#include "loss.h"
#include "model.h"
#include "train.h"

/* Buffers for batches of one size B: the model workspace and the gathered batch. */
struct batch {
    int B;
    struct alrnn_work w;
    struct data_batch in; /* the gathered inputs, targets and mask */
};

static void batch_alloc(struct batch *b, const struct alrnn *m, const struct dataset *d, int B) {
    memset(b, 0, sizeof *b);
    if (B == 0) return;
    b->B = B;
    alrnn_work_alloc(&b->w, m, d->T, B);
    ASSERT(b->w.T_out == d->T_out);
    data_batch_alloc(&b->in, d, B);
}

static void batch_free(struct batch *b) {
    if (!b->B) return;
    alrnn_work_free(&b->w);
    data_batch_free(&b->in);
}

/* Forward + loss of rows b0 .. b0 + b->B - 1 of the batch idx[0..B) (all of it: b0 = 0,
 * B = b->B): z_0 those rows of the batch's draw from z0rng (advanced past them), the loss
 * normalised by the whole batch's weight (model.h, forward_part); dY filled when want_grad. */
static double batch_forward(const struct alrnn *m, const struct dataset *d, struct batch *b,
                            const int *idx, int B, int b0, rng_t *z0rng, int want_grad) {
    data_batch_gather(&b->in, d, idx + b0);
    alrnn_set_z0_part(m, &b->w, z0rng, B, b0);
    alrnn_forward(m, &b->w, b->in.x);
    return loss_eval_part(d->loss, b->w.T_out * b->B, d->K, b->w.Y, b->in.y, b->in.label,
                          b->in.mask, d->out_weight, dataset_weight(d, idx, B),
                          want_grad ? b->w.dY : NULL);
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

/* ---- the model type ------------------------------------------------------------------- */

static void *ma_work_alloc(const struct model *m, const void *data, int B) {
    struct batch *b = xmalloc(sizeof *b);
    batch_alloc(b, m->impl, data, B);
    return b;
}

static void ma_work_free(void *work) {
    batch_free(work);
    free(work);
}

static double ma_forward_loss(const struct model *m, void *work, const void *data,
                              const int *idx, int B, rng_t *r, int want_grad) {
    struct batch *b = work;
    ASSERT(B == b->B);
    return batch_forward(m->impl, data, b, idx, B, 0, r, want_grad);
}

static double ma_forward_part(const struct model *m, void *work, const void *data,
                              const int *idx, int B, int b0, rng_t r, int want_grad) {
    return batch_forward(m->impl, data, work, idx, B, b0, &r, want_grad);
}

static void ma_skip_batch(const struct model *m, int B, rng_t *r) { alrnn_skip_z0(m->impl, B, r); }

static void ma_backward(const struct model *m, void *work, real *grad) {
    struct batch *b = work;
    alrnn_backward(m->impl, &b->w, b->in.x, grad, NULL, NULL);
}

static double ma_regularizer(const struct model *m, double tau, int M_reg, real *grad) {
    return alrnn_mar(m->impl, tau, M_reg, grad);
}

static const real *ma_outputs(const void *work, const struct data_batch **in) {
    const struct batch *b = work;
    *in = &b->in;
    return b->w.Y;
}

static double ma_evaluate(const struct model *m, const void *data, int B, uint64_t seed,
                          double *metrics) {
    return model_evaluate_dataset(m, data, B, seed, ma_outputs, NULL, metrics);
}

static void ma_write_params(const struct model *m, const struct h5file *f) {
    const struct alrnn *a = m->impl;
    model_write_tensors(f, a->tensors, a->n_tensors, a->params);
}

const struct model_type model_type_alrnn = {
    .name = "alrnn",
    .work_alloc = ma_work_alloc,
    .work_free = ma_work_free,
    .forward_loss = ma_forward_loss,
    .backward = ma_backward,
    .regularizer = ma_regularizer,
    .evaluate = ma_evaluate,
    .forward_part = ma_forward_part,
    .skip_batch = ma_skip_batch,
    .write_params = ma_write_params,
    .reg_description = "manifold-attractor regulariser",
    .eval_loss_description = "test loss at each evaluation",
    .eval_metric_description = "metric on the test set at each evaluation",
    .metric_units = "metric",
};

void model_alrnn(struct model *m, struct alrnn *a, const struct task_type *task) {
    *m = (struct model){.type = &model_type_alrnn, .impl = a, .n_params = a->n_params,
                        .params = a->params, .M = a->cfg.M,
                        .loss_units = loss_kind_names[task->loss],
                        .n_metrics = task_metric_count(task), .task = task};
}

