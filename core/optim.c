/* optim.c: Adam, clipping, cosine schedule (see optim.h). */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

void adam_init(struct adam *a, size_t n) {
    a->n = n;
    a->beta1 = 0.9, a->beta2 = 0.999, a->eps = 1e-8;
    a->t = 0;
    a->m = xcalloc(n, sizeof(real));
    a->v = xcalloc(n, sizeof(real));
}

void adam_free(struct adam *a) {
    free(a->m);
    free(a->v);
    a->m = a->v = NULL;
}

void adam_step(struct adam *a, real *p, const real *g, double lr) {
    a->t++;
    const real b1 = (real)a->beta1, b2 = (real)a->beta2;
    const real c1 = (real)(1 - pow(a->beta1, (double)a->t));
    const real c2 = (real)(1 - pow(a->beta2, (double)a->t));
    const real step = (real)lr, eps = (real)a->eps;
    for (size_t i = 0; i < a->n; i++) {
        a->m[i] = b1 * a->m[i] + (1 - b1) * g[i];
        a->v[i] = b2 * a->v[i] + (1 - b2) * g[i] * g[i];
#ifdef ALRNN_DOUBLE
        p[i] -= step * (a->m[i] / c1) / (sqrt(a->v[i] / c2) + eps);
#else
        p[i] -= step * (a->m[i] / c1) / (sqrtf(a->v[i] / c2) + eps);
#endif
    }
}

double clip_global_norm(real *g, size_t n, double max_norm) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)g[i] * g[i];
    const double norm = sqrt(s);
    if (max_norm > 0 && norm > max_norm) {
        const real f = (real)(max_norm / (norm + 1e-6)); /* PyTorch's clip_grad_norm_ form */
        for (size_t i = 0; i < n; i++) g[i] *= f;
    }
    return norm;
}

double cosine_lr(double lr0, double lr_min, int e, int E) {
    if (E <= 0) return lr0;
    return lr_min + 0.5 * (lr0 - lr_min) * (1 + cos(3.14159265358979323846 * e / E));
}
