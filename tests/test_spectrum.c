/* test_spectrum.c: eigenvalues of the subregion matrices W_Ω = diag(a) + W D_Ω (PAPER.md §1.4,
 * core/alrnn.h subregion_spectrum). Checked against matrices whose spectrum is known in
 * closed form (diagonal, rotation), against trace invariants on random matrices (the sum of
 * the eigenvalues is tr W_Ω, the sum of their squares tr W_Ω²), and by the eigen-equation
 * residual of the returned leading eigenvector, which tells W D_Ω from D_Ω W and W from Wᵀ. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "alrnn.h"

#define EIG_TOL 1e-10
static const double pi = 3.14159265358979323846;

/* Explicit W_Ω (M, M) row-major, the definition the test trusts. */
static void omega(int M, int P, int a0, const double *A, const double *W, const uint64_t *code,
                  double *J) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            const int d = j < M - P ? 1 : (int)((code[0] >> (j - (M - P))) & 1);
            J[i * M + j] = W[i * M + j] * d + (i == j && i >= a0 ? A[i - a0] : 0);
        }
}

Test(spectrum, diagonal_matrix_gives_its_entries) {
    /* M = 4, P = 2, sequence form (A on units 2, 3); code d = (1, 0) */
    const double A[2] = {0.5, 0.3}, W[16] = {0.2, 0, 0, 0, 0, -0.4, 0, 0, 0, 0, 0.6, 0, 0, 0, 0, 0.8};
    const uint64_t code[1] = {1}; /* unit 2 active, unit 3 not */
    double mod[4], ang[4], lead[4];
    const int real_lead = subregion_spectrum(4, 2, 2, A, W, code, mod, ang, lead);
    const double want_mod[4] = {1.1, 0.4, 0.3, 0.2}, want_ang[4] = {0, pi, 0, 0};
    for (int i = 0; i < 4; i++) {
        cr_expect(fabs(mod[i] - want_mod[i]) < EIG_TOL, "modulus %d: %g, want %g", i, mod[i], want_mod[i]);
        cr_expect(fabs(ang[i] - want_ang[i]) < EIG_TOL, "angle %d: %g, want %g", i, ang[i], want_ang[i]);
    }
    cr_assert(real_lead);
    cr_expect(fabs(fabs(lead[2]) - 1) < EIG_TOL && fabs(lead[0]) + fabs(lead[1]) + fabs(lead[3]) < EIG_TOL,
              "lead (%g %g %g %g) is not ±e_2", lead[0], lead[1], lead[2], lead[3]);
}

Test(spectrum, rotation_gives_a_complex_pair) {
    const double r = 0.9, th = 0.7;
    const double W[4] = {r * cos(th), -r * sin(th), r * sin(th), r * cos(th)};
    const uint64_t code[1] = {0};
    double mod[2], ang[2], lead[2] = {9, 9};
    const int real_lead = subregion_spectrum(2, 0, 2, NULL, W, code, mod, ang, lead);
    for (int i = 0; i < 2; i++) {
        cr_expect(fabs(mod[i] - r) < EIG_TOL, "modulus %g, want %g", mod[i], r);
        cr_expect(fabs(ang[i] - th) < EIG_TOL, "angle %g, want %g", ang[i], th);
    }
    cr_expect(!real_lead);
    cr_expect(lead[0] == 0 && lead[1] == 0, "lead of a complex eigenvalue must be zeroed");
}

/* Random dense W and A in both forms and several codes: eigenvalue sums against traces, and
 * the leading eigenvector (when real) against W_Ω v = λ v. */
Test(spectrum, random_matrices_match_traces_and_eigen_equation) {
    enum { M = 7, P = 4 };
    rng_t r;
    rng_init(&r, 5, 1);
    int checked_lead = 0;
    for (int trial = 0; trial < 40; trial++) {
        const int a0 = trial % 2 ? 0 : M - P; /* DSR form, sequence form */
        double A[M], W[M * M], J[M * M], mod[M], ang[M], lead[M];
        for (int i = 0; i < M; i++) A[i] = rng_normal(&r);
        for (int i = 0; i < M * M; i++) W[i] = rng_normal(&r) / sqrt(M);
        const uint64_t code[1] = {(uint64_t)(trial % (1 << P))};
        omega(M, P, a0, A, W, code, J);
        const int real_lead = subregion_spectrum(M, P, a0, A, W, code, mod, ang, lead);
        double tr = 0, tr2 = 0, s1 = 0, s2 = 0;
        for (int i = 0; i < M; i++) {
            tr += J[i * M + i];
            for (int k = 0; k < M; k++) tr2 += J[i * M + k] * J[k * M + i];
            s1 += mod[i] * cos(ang[i]);
            s2 += mod[i] * mod[i] * cos(2 * ang[i]);
            if (i) cr_expect(mod[i] <= mod[i - 1], "moduli not descending");
        }
        cr_expect(fabs(s1 - tr) < 1e-9 * (1 + fabs(tr)), "trial %d: Σλ = %.15g, tr = %.15g", trial, s1, tr);
        cr_expect(fabs(s2 - tr2) < 1e-9 * (1 + fabs(tr2)), "trial %d: Σλ² = %.15g, tr W² = %.15g", trial, s2, tr2);
        if (!real_lead) continue;
        checked_lead++;
        const double lam = ang[0] < 1 ? mod[0] : -mod[0];
        double res = 0, norm = 0;
        for (int i = 0; i < M; i++) {
            double y = 0;
            for (int k = 0; k < M; k++) y += J[i * M + k] * lead[k];
            res = fmax(res, fabs(y - lam * lead[i]));
            norm += lead[i] * lead[i];
        }
        cr_expect(fabs(norm - 1) < EIG_TOL, "trial %d: |v|² = %g", trial, norm);
        cr_expect(res < 1e-9, "trial %d: |W_Ω v - λ v|_∞ = %g", trial, res);
    }
    cr_expect(checked_lead >= 10, "only %d trials had a real leading eigenvalue", checked_lead);
}

Test(spectrum, model_wrapper_reads_the_parameters) {
    struct alrnn_config c = {.M = 5, .P = 3, .N = 2, .K = 2, .form = ALRNN_FORM_SEQ,
                             .init = ALRNN_INIT_SEQ, .z0 = Z0_ZERO, .readout = READOUT_LAST};
    struct alrnn m;
    alrnn_create(&m, &c, NULL);
    rng_t r;
    rng_init(&r, 9, 1);
    for (size_t i = 0; i < m.n_params; i++) m.params[i] = rng_normal(&r);
    const struct alrnn_views v = alrnn_views(&m, m.params);
    double A[3], W[25], mod1[5], ang1[5], mod2[5], ang2[5];
    for (int i = 0; i < 3; i++) A[i] = v.A[i];
    for (int i = 0; i < 25; i++) W[i] = v.W[i];
    const uint64_t code[1] = {5};
    subregion_spectrum(5, 3, 2, A, W, code, mod1, ang1, NULL);
    alrnn_subregion_spectrum(&m, code, mod2, ang2, NULL);
    cr_expect(memcmp(mod1, mod2, sizeof mod1) == 0 && memcmp(ang1, ang2, sizeof ang1) == 0);
    alrnn_free(&m);
}
