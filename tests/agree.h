/* agree.h: the GEMM-path vs plain-loop agreement helpers shared by the double build's tests
 * (test_alrnn.c, test_layers.c) and the float32 build's (f32_agreement.c). Header-only. */
#ifndef ALRNN_AGREE_H
#define ALRNN_AGREE_H

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "encoder.h"

#ifdef ALRNN_DOUBLE
/* BLAS and plain loops sum in different orders: agreement to a few ulps of double, relative
 * to the magnitude of the compared arrays. */
#define AGREE_TOL 1e-12
#else
/* In float32 (ε = 1.2e-7) a reordered sum of up to a few hundred O(1) terms differs by at
 * most a few hundred ulps of its largest term, so 1e-4 relative to the magnitude of the
 * compared arrays separates reordering from a real difference (a wrong index or a missing
 * term moves entries by O(1)). */
#define AGREE_TOL 1e-4
#endif

static inline double agree_max_abs(const real *a, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i]));
    return m;
}

/* Every |a_i − b_i| within AGREE_TOL of the larger array's magnitude (at least 1). */
static inline void agree_expect_close(const real *a, const real *b, size_t n, const char *what) {
    const double scale = fmax(1, fmax(agree_max_abs(a, n), agree_max_abs(b, n)));
    size_t bad = 0, worst = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)a[i] - b[i]);
        bad += d > AGREE_TOL * scale;
        if (d > fabs((double)a[worst] - b[worst])) worst = i;
    }
    cr_expect(bad == 0, "%s: %zu of %zu entries differ; worst [%zu]: %.17g vs %.17g", what, bad,
              n, worst, n ? (double)a[worst] : 0, n ? (double)b[worst] : 0);
}

/* One encoder stack (type with options opt, N_in inputs, M features) on random inputs
 * (token ids below vocab when vocab > 0): forward features and parameter gradients agree
 * between the GEMM path and the plain loops. */
static inline void agree_encoder_stack(const struct encoder_type *type, const int *opt, int N_in,
                                       int M, int T_in, int B, int vocab) {
    struct encoder e = {.type = type, .N_in = N_in, .M = M};
    for (int i = 0; i < 4; i++) e.opt[i] = opt[i];
    int T, N;
    type->shape(&e, T_in, &T, &N);
    const size_t np = encoder_n_params(&e), nx = (size_t)T_in * B * N_in, ny = (size_t)T * B * N;
    real *params = malloc(np * sizeof(real)), *x = malloc(nx * sizeof(real));
    real *dy = malloc(ny * sizeof(real));
    rng_t r;
    rng_init(&r, 5, 5);
    type->init(&e, params, &r);
    for (size_t i = 0; i < nx; i++) x[i] = vocab ? (real)rng_below(&r, vocab) : (real)rng_normal(&r);
    for (size_t i = 0; i < ny; i++) dy[i] = (real)rng_normal(&r);
    real *y[2], *g[2];
    void *work[2];
    for (int p = 0; p < 2; p++) {
        y[p] = malloc(ny * sizeof(real)), g[p] = calloc(np, sizeof(real));
        work[p] = calloc(1, type->work_size(&e, T_in, B));
        type->forward(&e, params, x, T_in, B, y[p], work[p], p);
        type->backward(&e, params, x, T_in, B, dy, g[p], work[p], p);
    }
    agree_expect_close(y[0], y[1], ny, type->name);
    agree_expect_close(g[0], g[1], np, type->name);
    for (int p = 0; p < 2; p++) free(y[p]), free(g[p]), free(work[p]);
    free(params), free(x), free(dy);
}

#endif
