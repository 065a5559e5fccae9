/* test_analysis.c: known-answer and property tests of core/analysis.c (double build).
 *
 * Families: bitcodes and histograms on hand-made code sequences (exact counts and order,
 * masks, batching, P = 0, multi-word P = 70, a 10^5-step stress against brute force);
 * JSD closed forms; PCA on a planted rank-2 cloud with exactly known variances; the cycle
 * finder on linear rotations, a contracting affine map and a quasi-periodic orbit.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "rng.h"

static const double PI = 3.14159265358979323846;

/* Closed forms evaluated in double: a few ulp of accumulated rounding is all that differs. */
#define EXACT_TOL 1e-12
/* PCA: the planted cloud carries isotropic noise of std PCA_NOISE; each bound below sits at
 * least a factor 2 (mostly a decade) above the effect of that noise. */
#define PCA_NOISE 1e-5
#define PCA_RATIO_TOL 1e-6    /* ratio error ~ noise x planted coordinate / sqrt(n) ~ 1e-7 */
#define PCA_EIGVAL_TOL 1e-5   /* eigenvalue shift ~ 2 noise sqrt(var / n) ~ 4e-7 */
#define PCA_SUBSPACE_TOL 1e-6 /* 1 - |<c, u>|: second order in a ~1e-7 component tilt */
#define PCA_PROJ_TOL 1e-4     /* projection error = noise along the PC: max of 2e4 draws ~4e-5 */
#define PCA_MEAN_TOL 1e-6     /* mean error ~ noise / sqrt(n) ~ 1e-7 */
/* BLAS path vs plain loop: the same sums in another order, ~1e-13 relative apart. */
#define BLAS_REL_TOL 1e-9
/* Cycles: rotations iterated for 400 steps accumulate ~1e-13 of rounding, far below this;
 * the slowest orbit tested moves ~0.3 per step, far above it. */
#define CYCLE_TOL 1e-8

/* Codes of the given strings, (n, W). */
static uint64_t *codes_of(const char *const *s, int n, int P) {
    const int W = bitcode_words(P);
    uint64_t *c = malloc((size_t)n * W * sizeof *c);
    for (int t = 0; t < n; t++) bitcode_from_string(s[t], P, c + (size_t)t * W);
    return c;
}

static void expect_code(const uint64_t *code, int P, const char *want) {
    char buf[256];
    cr_expect_str_eq(bitcode_to_string(code, P, buf), want);
}

/* ---- bitcodes ------------------------------------------------------------------------- */

Test(analysis, bitcode_of_states_uses_last_P_units_strictly_positive) {
    /* M = 5, P = 3: units 0, 1 are linear and ignored; 0 is not > 0. */
    const real z[4 * 5] = {
        9,  9,  1,   -1, 2,    /* "101" */
        -9, -9, 0,   0,  0,    /* "000" */
        0,  0,  0.5, 3,  1e-9, /* "111" */
        1,  1,  -2,  1,  -1,   /* "010" */
    };
    uint64_t c[4];
    bitcode_compute(z, 4, 5, 3, c);
    expect_code(&c[0], 3, "101");
    expect_code(&c[1], 3, "000");
    expect_code(&c[2], 3, "111");
    expect_code(&c[3], 3, "010");
    cr_expect_eq(c[0], 0x5u, "bit i = unit M-P+i: \"101\" packs to 0b101");
    cr_expect_eq(c[3], 0x2u);
}

Test(analysis, bitcode_string_round_trip_and_hamming) {
    uint64_t a, b;
    bitcode_from_string("0110", 4, &a);
    bitcode_from_string("1011", 4, &b);
    expect_code(&a, 4, "0110");
    cr_expect_eq(bitcode_hamming(&a, &b, 4), 3);
    cr_expect_eq(bitcode_hamming(&a, &a, 4), 0);

    const char *const s[3] = {"0000", "0110", "1111"};
    uint64_t *c = codes_of(s, 3, 4);
    int d[3];
    bitcode_hamming_to_ref(c, 3, &a, 4, d);
    cr_expect_eq(d[0], 2);
    cr_expect_eq(d[1], 0);
    cr_expect_eq(d[2], 2);
    free(c);
}

Test(analysis, bitcode_from_string_rejects_bad_characters, .exit_code = 1) {
    uint64_t c;
    bitcode_from_string("01x1", 4, &c);
}

Test(analysis, bitcode_from_string_rejects_wrong_length, .exit_code = 1) {
    uint64_t c;
    bitcode_from_string("011", 4, &c);
}

/* ---- histograms ----------------------------------------------------------------------- */

static const char *const seq7[7] = {"011", "000", "011", "111", "011", "000", "101"};

Test(analysis, hist_exact_counts_and_order) {
    uint64_t *c = codes_of(seq7, 7, 3);
    struct bitcode_hist h;
    bitcode_hist_build(&h, c, 7, 3, NULL);
    cr_assert_eq(h.n_codes, 4);
    cr_expect_eq(h.total, 7);
    /* 011 x3, 000 x2, then the tie 101 / 111 in string order */
    const char *want[4] = {"011", "000", "101", "111"};
    const int64_t count[4] = {3, 2, 1, 1};
    for (int j = 0; j < 4; j++) {
        expect_code(h.codes + j, 3, want[j]);
        cr_expect_eq(h.counts[j], count[j]);
        cr_expect_float_eq(h.freq[j], count[j] / 7.0, EXACT_TOL);
    }
    bitcode_hist_free(&h);
    free(c);
}

Test(analysis, hist_masked_counts_only_selected_steps) {
    uint64_t *c = codes_of(seq7, 7, 3);
    /* a "recall phase": steps 3..6 -> 111, 011, 000, 101 (all ties, string order) */
    const unsigned char sel[7] = {0, 0, 0, 1, 1, 1, 1};
    struct bitcode_hist h;
    bitcode_hist_build(&h, c, 7, 3, sel);
    cr_assert_eq(h.n_codes, 4);
    cr_expect_eq(h.total, 4);
    const char *want[4] = {"000", "011", "101", "111"};
    for (int j = 0; j < 4; j++) {
        expect_code(h.codes + j, 3, want[j]);
        cr_expect_eq(h.counts[j], 1);
        cr_expect_float_eq(h.freq[j], 0.25, EXACT_TOL);
    }
    bitcode_hist_free(&h);

    const unsigned char none[7] = {0};
    bitcode_hist_build(&h, c, 7, 3, none);
    cr_expect_eq(h.n_codes, 0);
    cr_expect_eq(h.total, 0);
    bitcode_hist_free(&h);
    free(c);
}

Test(analysis, counter_over_batches_equals_one_shot_and_states_path) {
    /* states whose codes are seq7 (P = 3 of M = 4), counted in two batches */
    real z[7 * 4];
    for (int t = 0; t < 7; t++) {
        z[t * 4] = 5;
        for (int i = 0; i < 3; i++) z[t * 4 + 1 + i] = seq7[t][i] == '1' ? 0.3 : -0.3;
    }
    struct bitcode_counter c;
    bitcode_counter_init(&c, 3);
    bitcode_counter_add_states(&c, z, 3, 4, NULL);
    bitcode_counter_add_states(&c, z + 3 * 4, 4, 4, NULL);
    struct bitcode_hist h1, h2;
    bitcode_counter_hist(&c, &h1);
    uint64_t *codes = codes_of(seq7, 7, 3);
    bitcode_hist_build(&h2, codes, 7, 3, NULL);
    cr_assert_eq(h1.n_codes, h2.n_codes);
    cr_expect_eq(h1.total, h2.total);
    for (int j = 0; j < h1.n_codes; j++) {
        cr_expect_eq(h1.codes[j], h2.codes[j]);
        cr_expect_eq(h1.counts[j], h2.counts[j]);
    }
    bitcode_hist_free(&h1);
    bitcode_hist_free(&h2);
    bitcode_counter_free(&c);
    free(codes);
}

Test(analysis, hist_P0_single_empty_code) {
    real z[5 * 3] = {1, -2, 3, 0, 0, 0, -1, -1, -1, 4, 4, 4, 7, 0, -7};
    struct bitcode_counter c;
    bitcode_counter_init(&c, 0);
    bitcode_counter_add_states(&c, z, 5, 3, NULL);
    struct bitcode_hist h;
    bitcode_counter_hist(&c, &h);
    cr_assert_eq(h.n_codes, 1);
    cr_expect_eq(h.W, 1);
    cr_expect_eq(h.counts[0], 5);
    cr_expect_float_eq(h.freq[0], 1.0, EXACT_TOL);
    expect_code(h.codes, 0, "");
    bitcode_hist_free(&h);
    bitcode_counter_free(&c);
}

/* P = 70: codes span two words; they must differ exactly where their strings differ. */
Test(analysis, hist_P70_multiword_codes) {
    enum { P = 70, M = 72 };
    cr_assert_eq(bitcode_words(P), 2);
    char s[3][P + 1];
    for (int k = 0; k < 3; k++) {
        memset(s[k], '0', P);
        s[k][P] = 0;
    }
    s[0][0] = '1';               /* word 0 only */
    s[1][0] = '1', s[1][69] = '1'; /* differs from s[0] only in word 1 */
    s[2][63] = '1', s[2][64] = '1'; /* straddles the word boundary */

    real z[6 * M];
    const int pattern[6] = {1, 0, 1, 2, 1, 0}; /* s1 x3, s0 x2, s2 x1 */
    for (int t = 0; t < 6; t++)
        for (int i = 0; i < M; i++)
            z[t * M + i] = i < M - P ? 1 : (s[pattern[t]][i - (M - P)] == '1' ? 1 : -1);
    uint64_t codes[6 * 2];
    bitcode_compute(z, 6, M, P, codes);
    expect_code(codes + 2 * 2, P, s[1]);
    expect_code(codes + 3 * 2, P, s[2]);

    struct bitcode_hist h;
    bitcode_hist_build(&h, codes, 6, P, NULL);
    cr_assert_eq(h.n_codes, 3);
    expect_code(h.codes + 0, P, s[1]);
    expect_code(h.codes + 2, P, s[0]);
    expect_code(h.codes + 4, P, s[2]);
    cr_expect_eq(h.counts[0], 3);
    cr_expect_eq(h.counts[1], 2);
    cr_expect_eq(h.counts[2], 1);
    cr_expect_eq(bitcode_hamming(h.codes + 0, h.codes + 2, P), 1);
    cr_expect_eq(bitcode_hamming(h.codes + 2, h.codes + 4, P), 3);
    bitcode_hist_free(&h);
}

/* 10^5 steps of P = 128 codes drawn from 3000 random codes: the hash table (grown and
 * rehashed many times) must agree with brute-force counting. */
Test(analysis, hist_stress_matches_brute_force) {
    enum { P = 128, W = 2, POOL = 3000, N = 100000 };
    rng_t r;
    rng_init(&r, 7, RNG_STREAM_DATA);
    uint64_t *pool = malloc(POOL * W * sizeof *pool);
    for (int k = 0; k < POOL * W; k++) pool[k] = rng_u64(&r);
    pool[0] = pool[1] = 0; /* include the all-zero code */
    int64_t *want = calloc(POOL, sizeof *want);
    uint64_t *codes = malloc((size_t)N * W * sizeof *codes);
    unsigned char *sel = malloc(N);
    int64_t selected = 0;
    for (int t = 0; t < N; t++) {
        /* skewed draw, so the counts differ */
        const int k = (int)(rng_below(&r, POOL) * rng_uniform(&r));
        memcpy(codes + (size_t)t * W, pool + k * W, W * sizeof *pool);
        sel[t] = rng_below(&r, 4) != 0;
        if (sel[t]) want[k]++, selected++;
    }
    struct bitcode_hist h;
    bitcode_hist_build(&h, codes, N, P, sel);
    cr_expect_eq(h.total, selected);
    int nonzero = 0;
    for (int k = 0; k < POOL; k++) nonzero += want[k] > 0;
    cr_assert_eq(h.n_codes, nonzero);
    int64_t sum = 0;
    for (int j = 0; j < h.n_codes; j++) {
        int k = 0;
        while (k < POOL && memcmp(pool + k * W, h.codes + j * W, W * sizeof *pool)) k++;
        cr_assert_lt(k, POOL, "histogram holds a code that was never drawn");
        cr_expect_eq(h.counts[j], want[k]);
        if (j > 0) cr_expect_geq(h.counts[j - 1], h.counts[j], "not sorted by count");
        sum += h.counts[j];
    }
    cr_expect_eq(sum, selected);
    bitcode_hist_free(&h);
    free(pool);
    free(want);
    free(codes);
    free(sel);
}

/* ---- alignment and JSD ---------------------------------------------------------------- */

Test(analysis, align_union_of_codes) {
    const char *const a[4] = {"00", "00", "01", "01"}; /* 00: .5, 01: .5 */
    const char *const b[4] = {"01", "11", "11", "11"}; /* 01: .25, 11: .75 */
    uint64_t *ca = codes_of(a, 4, 2), *cb = codes_of(b, 4, 2);
    struct bitcode_hist h[2];
    bitcode_hist_build(&h[0], ca, 4, 2, NULL);
    bitcode_hist_build(&h[1], cb, 4, 2, NULL);
    struct bitcode_aligned al;
    bitcode_align(&al, h, 2);
    /* mean frequencies: 01 .375, 11 .375, 00 .25 -> columns 01, 11, 00 */
    cr_assert_eq(al.n_codes, 3);
    cr_assert_eq(al.n_dists, 2);
    expect_code(al.codes + 0, 2, "01");
    expect_code(al.codes + 1, 2, "11");
    expect_code(al.codes + 2, 2, "00");
    const double want[2][3] = {{0.5, 0, 0.5}, {0.25, 0.75, 0}};
    for (int d = 0; d < 2; d++)
        for (int j = 0; j < 3; j++) cr_expect_float_eq(al.prob[d * 3 + j], want[d][j], EXACT_TOL);

    /* hand computation: m = (3/8, 3/8, 1/4);
     * KL(p‖m) = .5 ln(4/3) + .5 ln 2, KL(q‖m) = .25 ln(2/3) + .75 ln 2 */
    const double jsd_want = 0.5 * (0.5 * log(4.0 / 3) + 0.5 * log(2.0)) +
                            0.5 * (0.25 * log(2.0 / 3) + 0.75 * log(2.0));
    cr_expect_float_eq(jsd_pair(al.prob, al.prob + 3, 3), jsd_want, EXACT_TOL);
    bitcode_aligned_free(&al);
    bitcode_hist_free(&h[0]);
    bitcode_hist_free(&h[1]);
    free(ca);
    free(cb);
}

Test(analysis, jsd_known_values) {
    const double p[4] = {0.1, 0.2, 0.3, 0.4};
    cr_expect_float_eq(jsd_pair(p, p, 4), 0.0, EXACT_TOL);

    const double a[4] = {0.5, 0.5, 0, 0}, b[4] = {0, 0, 0.25, 0.75};
    cr_expect_float_eq(jsd_pair(a, b, 4), log(2.0), EXACT_TOL, "disjoint supports: ln 2 nats");

    /* p = (1/2, 1/2), q = (1, 0): m = (3/4, 1/4), KL(p‖m) = ½ ln(4/3), KL(q‖m) = ln(4/3),
     * so JSD = ¾ ln(4/3) = 0.215761... */
    const double h1[2] = {0.5, 0.5}, h2[2] = {1, 0};
    cr_expect_float_eq(jsd_pair(h1, h2, 2), 0.75 * log(4.0 / 3), EXACT_TOL);
    cr_expect_float_eq(jsd_pair(h2, h1, 2), jsd_pair(h1, h2, 2), EXACT_TOL, "symmetry");
}

Test(analysis, jsd_matrix_symmetric_zero_diagonal) {
    enum { D = 4, N = 5 };
    rng_t r;
    rng_init(&r, 3, RNG_STREAM_DATA);
    double prob[D * N], out[D * D];
    for (int d = 0; d < D; d++) {
        double s = 0;
        for (int i = 0; i < N; i++) s += prob[d * N + i] = (i == d) ? 0 : rng_uniform(&r);
        for (int i = 0; i < N; i++) prob[d * N + i] /= s;
    }
    jsd_matrix(prob, D, N, out);
    for (int i = 0; i < D; i++) {
        cr_expect_eq(out[i * D + i], 0.0);
        for (int j = 0; j < D; j++) {
            cr_expect_eq(out[i * D + j], out[j * D + i]);
            cr_expect_leq(out[i * D + j], log(2.0) + EXACT_TOL);
            if (i != j) {
                cr_expect_gt(out[i * D + j], 0.0);
                cr_expect_float_eq(out[i * D + j], jsd_pair(prob + i * N, prob + j * N, N),
                                   EXACT_TOL);
            }
        }
    }
}

Test(analysis, jsd_rejects_unnormalised_input, .signal = SIGABRT) {
    const double p[2] = {0.5, 0.4}, q[2] = {0.5, 0.5};
    jsd_pair(p, q, 2);
}

/* ---- PCA ------------------------------------------------------------------------------ */

/* Two orthonormal directions u (2, M) from random vectors by Gram-Schmidt. */
static void orthonormal_pair(rng_t *r, int M, double *u) {
    for (int j = 0; j < 2; j++) {
        double *v = u + j * M;
        for (int i = 0; i < M; i++) v[i] = rng_normal(r);
        if (j == 1) {
            double d = 0;
            for (int i = 0; i < M; i++) d += v[i] * u[i];
            for (int i = 0; i < M; i++) v[i] -= d * u[i];
        }
        double s = 0;
        for (int i = 0; i < M; i++) s += v[i] * v[i];
        for (int i = 0; i < M; i++) v[i] /= sqrt(s);
    }
}

/* x_t = c + a_t u1 + b_t u2 + noise, a_t = 2√2 cos θ_t, b_t = √2 sin θ_t on an even grid of
 * θ: Σa = Σb = Σab = 0 and Σa² = 4n, Σb² = n exactly, so the planted variances are
 * 4n/(n-1) and n/(n-1) and the explained-variance ratios 0.8 and 0.2. n > PCA_CHUNK so the
 * chunked covariance runs several GEMMs. */
Test(analysis, pca_planted_rank2) {
    enum { M = 10, N = 10000 };
    rng_t r;
    rng_init(&r, 11, RNG_STREAM_DATA);
    double u[2 * M], c[M];
    orthonormal_pair(&r, M, u);
    for (int i = 0; i < M; i++) c[i] = 3 * rng_normal(&r);
    real *X = malloc((size_t)N * M * sizeof *X);
    double *ab = malloc(2 * N * sizeof *ab);
    for (int t = 0; t < N; t++) {
        const double th = 2 * PI * t / N;
        ab[2 * t] = 2 * sqrt(2.0) * cos(th), ab[2 * t + 1] = sqrt(2.0) * sin(th);
        for (int i = 0; i < M; i++)
            X[t * M + i] = c[i] + ab[2 * t] * u[i] + ab[2 * t + 1] * u[M + i] +
                           PCA_NOISE * rng_normal(&r);
    }
    struct pca p;
    pca_fit(&p, X, N, M);

    cr_expect_float_eq(p.ratio[0], 0.8, PCA_RATIO_TOL);
    cr_expect_float_eq(p.ratio[1], 0.2, PCA_RATIO_TOL);
    cr_expect_float_eq(p.eigval[0], 4.0 * N / (N - 1), PCA_EIGVAL_TOL);
    cr_expect_float_eq(p.eigval[1], 1.0 * N / (N - 1), PCA_EIGVAL_TOL);
    double rsum = 0;
    for (int j = 0; j < M; j++) {
        rsum += p.ratio[j];
        if (j > 0) cr_expect_leq(p.eigval[j], p.eigval[j - 1], "eigenvalues not descending");
        if (j >= 2) cr_expect_lt(p.ratio[j], PCA_RATIO_TOL);
    }
    cr_expect_float_eq(rsum, 1.0, EXACT_TOL);
    for (int i = 0; i < M; i++) cr_expect_float_eq(p.mean[i], c[i], PCA_MEAN_TOL);

    /* BLAS path vs plain loop: Σ eigval = trace of the covariance */
    double trace = 0, tr_eig = 0;
    for (int i = 0; i < M; i++) {
        double s = 0;
        for (int t = 0; t < N; t++) s += (X[t * M + i] - p.mean[i]) * (X[t * M + i] - p.mean[i]);
        trace += s / (N - 1);
        tr_eig += p.eigval[i];
    }
    cr_expect_float_eq(tr_eig, trace, BLAS_REL_TOL * trace);

    /* components: orthonormal, PC1 ∥ u1, PC2 ∥ u2, sign convention */
    double sign[2];
    for (int j = 0; j < 2; j++) {
        const real *v = p.components + j * M;
        double d = 0, nn = 0, vmax = 0;
        for (int i = 0; i < M; i++) {
            d += v[i] * u[j * M + i], nn += v[i] * v[i];
            if (fabs(v[i]) > fabs(vmax)) vmax = v[i];
        }
        cr_expect_float_eq(nn, 1.0, EXACT_TOL);
        cr_expect_lt(1 - fabs(d), PCA_SUBSPACE_TOL, "PC%d not along planted u%d", j + 1, j + 1);
        cr_expect_gt(vmax, 0.0, "largest entry of PC%d not positive", j + 1);
        sign[j] = d > 0 ? 1 : -1;
    }

    /* projections recover the planted coordinates (up to each component's sign) */
    real *Y = malloc((size_t)N * 2 * sizeof *Y);
    pca_project(&p, X, N, 2, Y);
    double err = 0;
    for (int t = 0; t < N; t++)
        for (int j = 0; j < 2; j++) err = fmax(err, fabs(Y[t * 2 + j] - sign[j] * ab[2 * t + j]));
    cr_expect_lt(err, PCA_PROJ_TOL);
    free(Y);
    pca_free(&p);
    free(X);
    free(ab);
}

/* The sign convention makes the fit of -X (same covariance) give identical components. */
Test(analysis, pca_sign_convention_is_deterministic) {
    enum { M = 4, N = 50 };
    rng_t r;
    rng_init(&r, 5, RNG_STREAM_DATA);
    real X[N * M], Xn[N * M];
    for (int k = 0; k < N * M; k++) X[k] = (real)((1 + k % M) * rng_normal(&r)), Xn[k] = -X[k];
    struct pca a, b;
    pca_fit(&a, X, N, M);
    pca_fit(&b, Xn, N, M);
    for (int k = 0; k < M * M; k++) cr_expect_float_eq(a.components[k], b.components[k], EXACT_TOL);
    for (int j = 0; j < M; j++) {
        int imax = 0;
        for (int i = 1; i < M; i++)
            if (fabs(a.components[j * M + i]) > fabs(a.components[j * M + imax])) imax = i;
        cr_expect_gt(a.components[j * M + imax], 0.0);
    }
    pca_free(&a);
    pca_free(&b);
}

/* ---- cycles --------------------------------------------------------------------------- */

/* Units 3, 4 hold (cos θ, sin θ), unit 5 is 1: with θ_t = 0.1 + 2πt/8 the 8 phases visit
 * the quadrants two at a time, so the orbit has 4 distinct codes of the P = 3 PWL units. */
static void rotation_orbit(real *z, int n, int M, int k, int start) {
    cr_assert_eq(M, 6);
    const double c = cos(2 * PI / k), s = sin(2 * PI / k);
    const real on_orbit[6] = {0.4, -0.2, 0.7, cos(0.1), sin(0.1), 1};
    for (int t = 0; t < n; t++) {
        real *zt = z + t * M;
        const real *zp = zt - M;
        if (t < start) /* an irregular transient, off the orbit */
            for (int i = 0; i < M; i++) zt[i] = (real)(0.37 * (i + 1) * (t % 5 - 2.1));
        else if (t == start)
            memcpy(zt, on_orbit, sizeof on_orbit);
        else { /* z_t = A z_{t-1}: rotation by 2π/k in units (3, 4), identity elsewhere */
            memcpy(zt, zp, M * sizeof *zt);
            zt[3] = c * zp[3] - s * zp[4];
            zt[4] = s * zp[3] + c * zp[4];
        }
    }
}

Test(analysis, cycle_rotation_period_k) {
    enum { M = 6, P = 3, N = 400, K = 8, START = 20 };
    real *z = malloc(N * M * sizeof *z);
    rotation_orbit(z, N, M, K, START);
    struct cycle_params prm = cycle_default_params();
    prm.max_period = 50;
    prm.tol = CYCLE_TOL;
    struct cycle_result r;
    cycle_find(&r, z, N, M, P, &prm);
    cr_assert_eq(r.period, K);
    cr_expect_eq(r.settle, START, "the irregular prefix ends at step %d", START);
    cr_expect_eq(r.n_distinct, 4);
    /* last period = steps 392..399, phases (t - START) mod 8 = 4..7, 0..3 */
    const char *want[K] = {"001", "001", "101", "101", "111", "111", "011", "011"};
    for (int j = 0; j < K; j++) expect_code(r.codes + j, P, want[j]);
    cycle_result_free(&r);

    /* the smallest period wins: a 4-cycle is not reported as 8 or 12 */
    rotation_orbit(z, N, M, 4, START);
    cycle_find(&r, z, N, M, P, &prm);
    cr_expect_eq(r.period, 4);
    cycle_result_free(&r);

    /* a slow 100-cycle (the copy task's, §2.4) with a window of one period */
    prm.max_period = 150;
    prm.window = 100;
    rotation_orbit(z, N, M, 100, START);
    cycle_find(&r, z, N, M, P, &prm);
    cr_expect_eq(r.period, 100);
    cr_expect_eq(r.settle, START);
    cr_expect_eq(r.n_distinct, 4);
    cycle_result_free(&r);
    free(z);
}

/* z_t = 0.8 z_{t-1} + b converges to z* = 5 b: period 1, settled once within tolerance. */
Test(analysis, cycle_fixed_point) {
    enum { M = 5, P = 2, N = 300 };
    const real b[M] = {0.2, -0.1, 0.05, 0.3, -0.4};
    real z[N * M];
    for (int i = 0; i < M; i++) z[i] = 1;
    for (int t = 1; t < N; t++)
        for (int i = 0; i < M; i++) z[t * M + i] = 0.8 * z[(t - 1) * M + i] + b[i];
    struct cycle_params prm = cycle_default_params();
    prm.tol = CYCLE_TOL;
    struct cycle_result r;
    cycle_find(&r, z, N, M, P, &prm);
    cr_assert_eq(r.period, 1);
    cr_expect_eq(r.n_distinct, 1);
    expect_code(r.codes, P, "10");
    /* settle: the first step s with ||z_{s+1} - z_s|| <= tol (1 + ||z_{s+1}||), where
     * ||z_{s+1} - z_s|| = 0.8^s ||z_1 - z_0|| decays geometrically */
    cr_assert_gt(r.settle, 0);
    double d_before = 0, d_at = 0, n_before = 0, n_at = 0;
    for (int i = 0; i < M; i++) {
        const int s = r.settle;
        d_before += pow(z[s * M + i] - z[(s - 1) * M + i], 2), n_before += pow(z[s * M + i], 2);
        d_at += pow(z[(s + 1) * M + i] - z[s * M + i], 2), n_at += pow(z[(s + 1) * M + i], 2);
    }
    cr_expect_gt(sqrt(d_before), CYCLE_TOL * (1 + sqrt(n_before)));
    cr_expect_leq(sqrt(d_at), CYCLE_TOL * (1 + sqrt(n_at)));
    cycle_result_free(&r);
}

/* A rotation by 2π/φ (golden ratio) never closes: no period up to 50 within tolerance (its
 * closest return, k = 34, still misses by ~0.08). Too short a trajectory also gives 0. */
Test(analysis, cycle_quasiperiodic_returns_zero) {
    enum { M = 6, P = 3, N = 400 };
    real *z = malloc(N * M * sizeof *z);
    const double w = 2 * PI * (sqrt(5.0) - 1) / 2;
    for (int t = 0; t < N; t++) {
        for (int i = 0; i < M; i++) z[t * M + i] = 0.5;
        z[t * M + 3] = cos(w * t), z[t * M + 4] = sin(w * t);
    }
    struct cycle_params prm = cycle_default_params();
    prm.max_period = 50;
    prm.tol = CYCLE_TOL;
    struct cycle_result r;
    cycle_find(&r, z, N, M, P, &prm);
    cr_expect_eq(r.period, 0);
    cr_expect_eq(r.settle, -1);
    cr_expect_eq(r.n_distinct, 0);
    cr_expect_null(r.codes);
    cycle_result_free(&r);

    rotation_orbit(z, N, M, 8, 0);
    cycle_find(&r, z, 20, M, P, &prm); /* period 8 needs 8 + 16 steps */
    cr_expect_eq(r.period, 0);
    cycle_result_free(&r);
    free(z);
}
