/* task.c: data set storage, batch gathering, task options and the default metrics. */
#include "task.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const loss_kind_names[] = {[LOSS_MSE] = "mse", [LOSS_CE] = "cross_entropy"};
_Static_assert(ARRAY_LEN(loss_kind_names) == LOSS__COUNT,
               "loss_kind_names: one entry per enum value");
const char *const readout_kind_names[] = {[READOUT_LAST] = "last",
                                                        [READOUT_ALL] = "all"};
_Static_assert(ARRAY_LEN(readout_kind_names) == READOUT__COUNT,
               "readout_kind_names: one entry per enum value");

void dataset_alloc(struct dataset *d, int n, int T, int N, int K, int T_out, loss_kind loss,
                   int with_group) {
    ASSERT(n >= 0 && T > 0 && N > 0 && K > 0 && (T_out == 1 || T_out == T));
    memset(d, 0, sizeof *d);
    d->n = n, d->T = T, d->N = N, d->K = K, d->T_out = T_out, d->loss = loss;
    size_t nn = n > 0 ? (size_t)n : 1;
    d->x = xcalloc(nn * T * N, sizeof(real));
    if (loss == LOSS_MSE)
        d->y = xcalloc(nn * T_out * K, sizeof(real));
    else
        d->label = xcalloc(nn * T_out, sizeof(int32_t));
    d->mask = xmalloc(nn * T_out * sizeof(real));
    for (size_t i = 0; i < nn * T_out; i++) d->mask[i] = 1;
    if (with_group) d->group = xcalloc(nn, sizeof(int32_t));
}

void dataset_free(struct dataset *d) {
    free(d->x);
    free(d->y);
    free(d->label);
    free(d->mask);
    free(d->group);
    free(d->out_weight);
    memset(d, 0, sizeof *d);
}

void dataset_gather(const struct dataset *d, const int *idx, int B, real *x, real *y,
                    int32_t *label, real *mask) {
    const int T = d->T, N = d->N, K = d->K, To = d->T_out;
    for (int b = 0; b < B; b++) {
        const int i = idx[b];
        ASSERT(i >= 0 && i < d->n);
        for (int t = 0; t < T; t++)
            memcpy(x + ((size_t)t * B + b) * N, d->x + ((size_t)i * T + t) * N, N * sizeof(real));
        for (int t = 0; t < To; t++) {
            mask[(size_t)t * B + b] = d->mask[(size_t)i * To + t];
            if (y && d->y)
                memcpy(y + ((size_t)t * B + b) * K, d->y + ((size_t)i * To + t) * K,
                       K * sizeof(real));
            if (label && d->label) label[(size_t)t * B + b] = d->label[(size_t)i * To + t];
        }
    }
}

void data_batch_alloc(struct data_batch *b, const struct dataset *d, int B) {
    memset(b, 0, sizeof *b);
    if (B == 0) return;
    b->B = B;
    b->x = xmalloc((size_t)d->T * B * d->N * sizeof(real));
    b->y = xmalloc((size_t)d->T_out * B * d->K * sizeof(real));
    b->label = xmalloc((size_t)d->T_out * B * sizeof(int32_t));
    b->mask = xmalloc((size_t)d->T_out * B * sizeof(real));
}

void data_batch_free(struct data_batch *b) {
    if (!b->B) return;
    free(b->x), free(b->y), free(b->label), free(b->mask);
    memset(b, 0, sizeof *b);
}

void data_batch_gather(struct data_batch *b, const struct dataset *d, const int *idx) {
    dataset_gather(d, idx, b->B, b->x, d->y ? b->y : NULL, d->label ? b->label : NULL, b->mask);
}

double dataset_weight(const struct dataset *d, const int *idx, int B) {
    double s = 0;
    for (int t = 0; t < d->T_out; t++)
        for (int i = 0; i < B; i++) s += d->mask[(size_t)idx[i] * d->T_out + t];
    return s;
}

double data_batch_weight(const struct data_batch *b, int T_out) {
    double s = 0;
    for (size_t i = 0; i < (size_t)T_out * b->B; i++) s += b->mask[i];
    return s;
}

void data_batch_scatter(const struct data_batch *b, const real *Y, int T_out, int K, int first,
                        real *out) {
    for (int i = 0; i < b->B; i++)
        for (int t = 0; t < T_out; t++)
            memcpy(out + ((size_t)(first + i) * T_out + t) * K, Y + ((size_t)t * b->B + i) * K,
                   K * sizeof(real));
}

/* Finds "key=" at the start of an item of the comma-separated opts; returns the value. */
static const char *opt_find(const struct task_params *p, const char *key) {
    if (!p->opts) return NULL;
    size_t kl = strlen(key);
    for (const char *s = p->opts; *s;) {
        if (strncmp(s, key, kl) == 0 && s[kl] == '=') return s + kl + 1;
        s = strchr(s, ',');
        if (!s) break;
        s++;
    }
    return NULL;
}

static char *opt_value_copy(const char *v) {
    size_t n = strcspn(v, ",");
    char *c = xmalloc(n + 1);
    memcpy(c, v, n);
    c[n] = 0;
    return c;
}

int task_opt_int(const struct task_params *p, const char *key, int def) {
    const char *v = opt_find(p, key);
    if (!v) return def;
    char *c = opt_value_copy(v);
    int r = (int)parse_long(c, key, -2147483647L, 2147483647L);
    free(c);
    return r;
}

double task_opt_double(const struct task_params *p, const char *key, double def) {
    const char *v = opt_find(p, key);
    if (!v) return def;
    char *c = opt_value_copy(v);
    double r = parse_double(c, key);
    free(c);
    return r;
}

static const char *const default_mse_names[] = {"mse"};
static const char *const default_ce_names[] = {"accuracy"};

int task_metric_count(const struct task_type *t) { return t->metrics ? t->n_metrics : 1; }

const char *task_metric_name(const struct task_type *t, int i) {
    if (t->metrics) return t->metric_names[i];
    return t->loss == LOSS_MSE ? default_mse_names[0] : default_ce_names[0];
}

void task_compute_metrics(const struct task_type *t, const struct dataset *d, const real *yhat,
                          double *out) {
    if (t->metrics) {
        t->metrics(d, yhat, out);
        return;
    }
    const size_t steps = (size_t)d->n * d->T_out;
    const int K = d->K;
    double num = 0, den = 0;
    for (size_t s = 0; s < steps; s++) {
        const double w = d->mask[s];
        if (w == 0) continue;
        const real *o = yhat + s * K;
        if (d->loss == LOSS_MSE) {
            for (int k = 0; k < K; k++) {
                double e = (double)o[k] - d->y[s * K + k];
                num += w * e * e;
            }
            den += w * K;
        } else {
            int best = 0;
            for (int k = 1; k < K; k++)
                if (o[k] > o[best]) best = k;
            num += w * (best == d->label[s]);
            den += w;
        }
    }
    out[0] = den > 0 ? num / den : NAN;
}
