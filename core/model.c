/* model.c: what the model types over a task's struct dataset share (model.h): metric names,
 * evaluation of a split in batches, and writing a flat parameter vector's tensors. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "h5io.h"

const char *model_metric_name(const struct model *m, int i) {
    ASSERT(i >= 0 && i < m->n_metrics);
    return m->metric_names ? m->metric_names[i] : task_metric_name(m->task, i);
}

double model_evaluate_dataset(const struct model *m, const struct dataset *d, int B,
                              uint64_t seed, model_outputs_fn outputs, real *yhat,
                              double *metrics) {
    if (d->n == 0) {
        for (int i = 0; metrics && i < task_metric_count(m->task); i++) metrics[i] = NAN;
        return NAN;
    }
    if (B > d->n) B = d->n;
    const int K = d->K, To = d->T_out, n_rest = d->n % B;
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_EVAL);
    void *full = m->type->work_alloc(m, d, B);
    void *rest = n_rest ? m->type->work_alloc(m, d, n_rest) : NULL;
    int *idx = xmalloc((size_t)B * sizeof(int));
    real *out = yhat ? yhat : xmalloc((size_t)d->n * To * K * sizeof(real));
    double lsum = 0, wsum = 0;
    for (int start = 0; start < d->n; start += B) {
        const int nb = d->n - start >= B ? B : n_rest;
        void *work = nb == B ? full : rest;
        for (int i = 0; i < nb; i++) idx[i] = start + i;
        const double L = m->type->forward_loss(m, work, d, idx, nb, &r, 0);
        const struct data_batch *in;
        const real *Y = outputs(work, &in);
        const double w = data_batch_weight(in, To);
        lsum += L * w, wsum += w;
        data_batch_scatter(in, Y, To, K, start, out);
    }
    if (metrics) task_compute_metrics(m->task, d, out, metrics);
    if (!yhat) free(out);
    free(idx);
    m->type->work_free(full);
    if (rest) m->type->work_free(rest);
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
