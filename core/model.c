/* model.c: what the model types over a task's struct dataset share (model.h): metric names,
 * evaluation of a split in batches, and writing a flat parameter vector's tensors. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "h5io.h"
#include "pool.h"

const char *model_metric_name(const struct model *m, int i) {
    ASSERT(i >= 0 && i < m->n_metrics);
    return m->metric_names ? m->metric_names[i] : task_metric_name(m->task, i);
}

/* One thread's share of an evaluation: batches [j0, j1) in its own workspaces. */
struct eval_job {
    const struct model *m;
    const struct dataset *d;
    int B, n_batches, S;
    model_outputs_fn outputs;
    const rng_t *r;       /* (n_batches) the eval stream at each batch's start */
    double *loss, *w;     /* (n_batches) each batch's mean loss and weight */
    real *out;            /* (n, T_out, K) */
};

static void eval_batches(void *ctx, int s) {
    const struct eval_job *job = ctx;
    const struct model *m = job->m;
    const struct dataset *d = job->d;
    const int B = job->B, n_rest = d->n % B;
    const int j0 = (int)((long)job->n_batches * s / job->S);
    const int j1 = (int)((long)job->n_batches * (s + 1) / job->S);
    if (j0 == j1) return;
    void *full = NULL, *rest = NULL;
    int *idx = xmalloc((size_t)B * sizeof(int));
    for (int j = j0; j < j1; j++) {
        const int start = j * B, nb = d->n - start >= B ? B : n_rest;
        void **work = nb == B ? &full : &rest;
        if (!*work) *work = m->type->work_alloc(m, d, nb);
        for (int i = 0; i < nb; i++) idx[i] = start + i;
        rng_t r = job->r[j];
        job->loss[j] = m->type->forward_loss(m, *work, d, idx, nb, &r, 0);
        const struct data_batch *in;
        const real *Y = job->outputs(*work, &in);
        job->w[j] = data_batch_weight(in, d->T_out);
        data_batch_scatter(in, Y, d->T_out, d->K, start, job->out);
    }
    free(idx);
    if (full) m->type->work_free(full);
    if (rest) m->type->work_free(rest);
}

double model_evaluate_dataset(const struct model *m, const struct dataset *d, int B,
                              uint64_t seed, model_outputs_fn outputs, real *yhat,
                              double *metrics) {
    if (d->n == 0) {
        for (int i = 0; metrics && i < task_metric_count(m->task); i++) metrics[i] = NAN;
        return NAN;
    }
    if (B > d->n) B = d->n;
    const int n_batches = (d->n + B - 1) / B;
    /* The eval stream's state at each batch's start, drawn ahead on this thread, so that
     * every batch sees the draws it sees in one pass whichever thread runs it. */
    ASSERT(m->type->skip_batch);
    rng_t *r = xmalloc((size_t)n_batches * sizeof(rng_t));
    rng_init(&r[0], seed, RNG_STREAM_EVAL);
    for (int j = 1; j < n_batches; j++) {
        r[j] = r[j - 1];
        m->type->skip_batch(m, B, &r[j]);
    }
    const int S = m->threads < 1 ? 1 : m->threads < n_batches ? m->threads : n_batches;
    struct eval_job job = {.m = m, .d = d, .B = B, .n_batches = n_batches, .S = S,
                           .outputs = outputs, .r = r,
                           .loss = xmalloc((size_t)n_batches * sizeof(double)),
                           .w = xmalloc((size_t)n_batches * sizeof(double)),
                           .out = yhat ? yhat : xmalloc((size_t)d->n * d->T_out * d->K *
                                                        sizeof(real))};
    struct pool *p = pool_create(S);
    pool_run(p, eval_batches, &job);
    pool_free(p);
    double lsum = 0, wsum = 0;
    for (int j = 0; j < n_batches; j++) lsum += job.loss[j] * job.w[j], wsum += job.w[j];
    if (metrics) task_compute_metrics(m->task, d, job.out, metrics);
    if (!yhat) free(job.out);
    free(job.loss);
    free(job.w);
    free(r);
    return wsum > 0 ? lsum / wsum : NAN;
}

void model_write_tensors(const struct h5file *f, const struct alrnn_tensor *t, int n,
                         const real *params) {
    for (int i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "/model/%s", t[i].name);
        size_t dims[2] = {t[i].rows, t[i].cols};
        h5_write(f, path, H5K_REAL, t[i].cols == 1 ? 1 : 2, dims, params + t[i].offset,
                 t[i].description, "1");
    }
}
