/* gradcheck.h: the finite-difference gradient-check conventions every gradient test shares
 * (tests/test_alrnn.c, test_layers.c, test_scan_model.c). Header-only. */
#ifndef ALRNN_GRADCHECK_H
#define ALRNN_GRADCHECK_H

#include <math.h>

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
 * estimate; such elements are skipped (each test compares the piecewise pattern) and must
 * stay rare. */
#define GRAD_MAX_SKIPPED 0.1
/* BLAS and plain loops sum in different orders: agreement to a few ulps of double, relative
 * to the magnitude of the compared arrays. */
#define AGREE_TOL 1e-12

/* The derivative from f(−2h), f(−h), f(h), f(2h). */
static inline double five_point(const double f[4]) {
    return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * GRAD_STEP);
}

/* Relative error of the analytic value a against the numerical n, floored at GRAD_FLOOR. */
static inline double rel_err(double a, double n) {
    const double d = fabs(a - n), s = fmax(fabs(a), fabs(n));
    return s < GRAD_FLOOR ? d / GRAD_FLOOR : d / s;
}

#endif
