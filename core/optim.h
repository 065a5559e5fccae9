/* optim.h: Adam, global-norm clipping and the cosine schedule, on flat vectors.
 * PAPER.md §1.3: Adam (β1 0.9, β2 0.999, ε 1e-8) at lr 1e-3; clip_grad_norm_(5) in the
 * classification tasks; CosineAnnealingLR(T_max = epochs) for sMNIST and audio. */
#ifndef ALRNN_OPTIM_H
#define ALRNN_OPTIM_H

#include "common.h"

struct adam {
    size_t n;
    double beta1, beta2, eps;
    long t;  /* steps taken */
    real *m; /* (n) first moment */
    real *v; /* (n) second moment */
};

void adam_init(struct adam *a, size_t n);
void adam_free(struct adam *a);
/* One step: p -= lr · m̂ / (√v̂ + ε), with bias-corrected moments (Kingma & Ba 2015, Alg. 1). */
void adam_step(struct adam *a, real *p, const real *g, double lr);

/* Scale g so its global L2 norm is at most max_norm (no-op when max_norm <= 0);
 * returns the norm before clipping. */
double clip_global_norm(real *g, size_t n, double max_norm);

/* CosineAnnealingLR: lr at epoch e of E, from lr0 down to lr_min. */
double cosine_lr(double lr0, double lr_min, int e, int E);

#endif
