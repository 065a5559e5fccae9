/* gradcheck.h: the finite-difference gradient check every gradient test shares
 * (tests/test_alrnn.c, test_layers.c, test_scan_model.c). Header-only.
 *
 * grad_check() compares an analytic gradient with five-point central differences element by
 * element and returns what it found instead of asserting, so a test can also assert that a
 * corrupted gradient is rejected; grad_expect_ok() turns a result into Criterion
 * expectations. */
#ifndef ALRNN_GRADCHECK_H
#define ALRNN_GRADCHECK_H

#include <criterion/criterion.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#ifndef ALRNN_DOUBLE
#error "the gradient checks need the double-precision build (-DALRNN_DOUBLE)"
#endif

/* Five-point central differences, f' ≈ [f(−2h) − 8f(−h) + 8f(h) − f(2h)] / 12h: truncation
 * error O(h⁴·f⁽⁵⁾) ~ 1e-16 at h = 1e-4, round-off O(ε·|f|/h) ~ 1e-11 for objectives of order
 * 10. A correct gradient therefore agrees to well below 1e-6 relative. */
#define GRAD_STEP 1e-4
#define GRAD_RTOL 1e-6
/* Entries below this magnitude are compared against it instead (the round-off above would
 * make the relative error of a ~0 entry meaningless). */
#define GRAD_FLOOR 1e-5
/* A step that moves a ReLU input across its kink (or flips a pooling argmax) invalidates the
 * estimate; such elements are skipped (each test compares the piecewise pattern). At most
 * this fraction of a tensor may be skipped, rounded down, so a tensor of fewer than 10
 * elements may skip none and no tensor is ever skipped whole: the problem setups keep their
 * states clear of the kinks so that this holds. */
#define GRAD_MAX_SKIPPED 0.1
/* The relative error a wrong-gradient test plants in one analytic entry: 1000 times
 * GRAD_RTOL, far below what a 3-point estimate could resolve, so only the real checker
 * catches it. */
#define GRAD_PLANTED_ERROR 1e-3

/* The derivative from f(−2h), f(−h), f(h), f(2h). */
static inline double five_point(const double f[4]) {
    return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * GRAD_STEP);
}

/* Relative error of the analytic value a against the numerical n, floored at GRAD_FLOOR. */
static inline double rel_err(double a, double n) {
    const double d = fabs(a - n), s = fmax(fabs(a), fabs(n));
    return s < GRAD_FLOOR ? d / GRAD_FLOOR : d / s;
}

/* An objective over parameters the checker perturbs in place: f(ctx) returns the value at the
 * current parameters and, after each call, *pattern names the piecewise-linear piece it was
 * evaluated on (ReLU signs, argmaxes; pattern NULL for smooth objectives). */
struct grad_objective {
    double (*f)(void *ctx);
    void *ctx;
    const uint64_t *pattern;
};

/* What one check of a vector found. */
struct grad_result {
    size_t n;          /* elements */
    size_t skipped;    /* steps that crossed a kink: not compared */
    size_t failed;     /* compared and off by more than GRAD_RTOL */
    size_t worst;      /* index of the largest relative error among the compared */
    double worst_err, worst_analytic, worst_numeric;
};

/* The number of skipped elements a vector of n may have (see GRAD_MAX_SKIPPED). */
static inline size_t grad_max_skipped(size_t n) { return (size_t)(GRAD_MAX_SKIPPED * (double)n); }

/* Few enough skipped, and never all elements of a non-empty vector (an empty tensor, e.g.
 * A at P = 0, has nothing to check). */
static inline int grad_skips_ok(const struct grad_result *r) {
    return (r->n == 0 || r->skipped < r->n) && r->skipped <= grad_max_skipped(r->n);
}

/* Passed: nothing failed and grad_skips_ok. */
static inline int grad_ok(const struct grad_result *r) {
    return r->failed == 0 && grad_skips_ok(r);
}

/* Checks d f / d v[i] for every i < n against analytic[i] (the gradient at the current v). */
static inline struct grad_result grad_check(const struct grad_objective *o, real *v, size_t n,
                                            const real *analytic) {
    struct grad_result r = {.n = n, .worst_err = -1};
    o->f(o->ctx);
    const uint64_t base = o->pattern ? *o->pattern : 0;
    for (size_t i = 0; i < n; i++) {
        const real keep = v[i];
        const double off[4] = {-2, -1, 1, 2};
        double f[4];
        int crossed = 0;
        for (int k = 0; k < 4; k++) {
            v[i] = keep + off[k] * GRAD_STEP;
            f[k] = o->f(o->ctx);
            crossed |= o->pattern && *o->pattern != base;
        }
        v[i] = keep;
        if (crossed) {
            r.skipped++;
            continue;
        }
        const double num = five_point(f), e = rel_err(analytic[i], num);
        r.failed += !(e < GRAD_RTOL);
        if (e > r.worst_err)
            r.worst = i, r.worst_err = e, r.worst_analytic = analytic[i], r.worst_numeric = num;
    }
    o->f(o->ctx); /* leave the objective's state at the unperturbed point */
    return r;
}

/* Criterion expectations for a result: what failed, with the worst element. */
static inline void grad_expect_ok(const struct grad_result *r, const char *what) {
    cr_expect(r->failed == 0, "%s: %zu of %zu elements disagree; worst [%zu]: analytic %.12g "
              "numeric %.12g (rel err %.3g)", what, r->failed, r->n, r->worst, r->worst_analytic,
              r->worst_numeric, r->worst_err);
    cr_expect(grad_skips_ok(r),
              "%s: %zu of %zu elements crossed a kink (at most %zu may, and never all)", what,
              r->skipped, r->n, grad_max_skipped(r->n));
}

/* grad_check and grad_expect_ok in one. */
static inline void grad_check_expect(const struct grad_objective *o, real *v, size_t n,
                                     const real *analytic, const char *what) {
    const struct grad_result r = grad_check(o, v, n, analytic);
    grad_expect_ok(&r, what);
}

/* The check must be able to fail: on v (n) with its correct gradient g the check passes;
 * with g's largest entry off by GRAD_PLANTED_ERROR (relative) it fails at exactly that entry.
 * The wrong-gradient tests run this on every tensor. */
static inline void grad_expect_catches_planted_error(const struct grad_objective *o, real *v,
                                                     size_t n, const real *g, const char *what) {
    struct grad_result r = grad_check(o, v, n, g);
    cr_assert(grad_ok(&r), "%s: the correct gradient fails the check", what);
    size_t i = 0;
    for (size_t j = 1; j < n; j++)
        if (fabs(g[j]) > fabs(g[i])) i = j;
    cr_assert(n > 0 && fabs(g[i]) > 100 * GRAD_FLOOR, "%s: no entry with a non-trivial gradient",
              what);
    real *bad = malloc(n * sizeof(real));
    memcpy(bad, g, n * sizeof(real));
    bad[i] *= 1 + GRAD_PLANTED_ERROR;
    r = grad_check(o, v, n, bad);
    free(bad);
    cr_assert(!grad_ok(&r), "%s: a %g relative error in entry %zu passed the check", what,
              GRAD_PLANTED_ERROR, i);
    cr_assert(r.failed == 1 && r.worst == i, "%s: planted at %zu, %zu failures, worst at %zu",
              what, i, r.failed, r.worst);
}

#endif
