/* test_stats.c: core/stats.c against reference values obtained independently of it.
 *
 * Sources of the reference values:
 *  - mean / sample std: Python 3.11 stdlib, statistics.mean and statistics.stdev.
 *  - Mann-Whitney p: brute force in Python (stdlib itertools.combinations over every way to
 *    split the pooled values into the two arms, U counted pairwise as #{x > y} + 0.5 #{x = y},
 *    p = share of splits with U >= U_obs): no ranks, no dynamic programming, so it checks the
 *    mid-rank DP of stats.c by a different route. The splits counted are in the comments.
 *  - sign test: math.comb binomial tails in Python.
 *  - Holm and Cliff's delta: by hand (worked in the comments).
 *  - bootstrap: the exact bootstrap distribution of a two-point sample (enumerable by hand),
 *    whose percentiles a large B must hit exactly.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "stats.h"

/* Known answers are exact rationals or Python doubles; 1e-12 absorbs summation order. */
#define TOL 1e-12

Test(stats, mean_and_sample_sd) {
    const double x[] = {0.165, 0.150, 0.180, 0.170, 0.160};
    cr_expect_float_eq(stats_mean(x, 5), 0.165, TOL);
    cr_expect_float_eq(stats_sd(x, 5), 0.011180339887498949, TOL);
    cr_expect(isnan(stats_sd(x, 1)), "sd of one value must be NAN");
    cr_expect(isnan(stats_mean(x, 0)));
}

Test(stats, mann_whitney_u_and_exact_p) {
    /* complete separation: 1 of C(12,6) = 924 splits */
    const double a[] = {6, 7, 8, 9, 10, 11}, b[] = {0, 1, 2, 3, 4, 5};
    cr_expect_float_eq(stats_mw_u(a, 6, b, 6), 36.0, TOL);
    cr_expect_float_eq(stats_mw_p_greater(a, 6, b, 6), 1.0 / 924, TOL);
    /* the other direction: every split has U >= 0 */
    cr_expect_float_eq(stats_mw_p_greater(b, 6, a, 6), 1.0, TOL);
    /* ties across arms: U = 20.5, 16 of 252 splits */
    const double c[] = {3, 4, 5, 6, 7}, d[] = {1, 2, 3, 4, 5};
    cr_expect_float_eq(stats_mw_u(c, 5, d, 5), 20.5, TOL);
    cr_expect_float_eq(stats_mw_p_greater(c, 5, d, 5), 16.0 / 252, TOL);
    /* heavy ties, unequal n: U = 9.5, 425 of 462 */
    const double e[] = {1, 1, 2, 2, 3}, f[] = {1, 2, 2, 3, 3, 3};
    cr_expect_float_eq(stats_mw_u(e, 5, f, 6), 9.5, TOL);
    cr_expect_float_eq(stats_mw_p_greater(e, 5, f, 6), 425.0 / 462, TOL);
    /* no ties, non-integers: 33 of 35 */
    const double g[] = {0.1, 0.5, 0.2}, h[] = {0.3, 0.4, 0.6, 0.7};
    cr_expect_float_eq(stats_mw_p_greater(g, 3, h, 4), 33.0 / 35, TOL);
    /* 10 vs 10 with ties within and across arms: U = 63.5, 29682 of C(20,10) = 184756 */
    const double m[] = {3, 5, 5, 7, 8, 8, 8, 10, 12, 13}, q[] = {1, 2, 3, 5, 6, 7, 8, 9, 9, 11};
    cr_expect_float_eq(stats_mw_u(m, 10, q, 10), 63.5, TOL);
    cr_expect_float_eq(stats_mw_p_greater(m, 10, q, 10), 29682.0 / 184756, TOL);
    /* all equal: p = 1 */
    const double k[] = {5, 5, 5}, l[] = {5, 5};
    cr_expect_float_eq(stats_mw_p_greater(k, 3, l, 2), 1.0, TOL);
}

Test(stats, sign_test) {
    /* 9 of 10 above: P(Bin(10,1/2) >= 9) = 11/1024; values equal to m are dropped */
    const double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, 0};
    cr_expect_float_eq(stats_sign_p_greater(x, 11, 0), 0.0107421875, TOL);
    const double y[] = {1, 1, 1, 1, 1, 1};
    cr_expect_float_eq(stats_sign_p_greater(y, 6, 0), 0.015625, TOL);
    /* 3 of 7 above: 0.7734375 */
    const double z[] = {1, 1, 1, -1, -1, -1, -1};
    cr_expect_float_eq(stats_sign_p_greater(z, 7, 0), 0.7734375, TOL);
    cr_expect_float_eq(stats_sign_p_greater(y, 6, 1), 1.0, TOL);
}

Test(stats, cliff_delta) {
    /* pairs: x=2 beats 1, ties 2, loses to 3 -> 0; x=4 beats all three -> 3; delta = 3/6 */
    const double x[] = {2, 4}, y[] = {1, 2, 3};
    cr_expect_float_eq(stats_cliff_delta(x, 2, y, 3), 0.5, TOL);
    cr_expect_float_eq(stats_cliff_delta(y, 3, x, 2), -0.5, TOL);
}

Test(stats, holm) {
    /* p = (0.01, 0.04, 0.03, 0.005, NAN), m = 4: sorted 0.005*4 = 0.02, 0.01*3 = 0.03,
     * 0.03*2 = 0.06, 0.04*1 = 0.04 -> running max 0.06 */
    const double p[] = {0.01, 0.04, 0.03, 0.005, NAN};
    double adj[5];
    stats_holm(p, 5, adj);
    cr_expect_float_eq(adj[0], 0.03, TOL);
    cr_expect_float_eq(adj[1], 0.06, TOL);
    cr_expect_float_eq(adj[2], 0.06, TOL);
    cr_expect_float_eq(adj[3], 0.02, TOL);
    cr_expect(isnan(adj[4]));
    /* capped at 1 */
    const double q[] = {0.6, 0.7};
    stats_holm(q, 2, adj);
    cr_expect_float_eq(adj[0], 1.0, TOL);
    cr_expect_float_eq(adj[1], 1.0, TOL);
}

Test(stats, bootstrap_percentiles_of_an_enumerable_sample) {
    /* x = {0, 1}: the resampled mean is 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4. Its
     * 2.5 % and 97.5 % quantiles are 0 and 1; its 30 % and 70 % quantiles are both 0.5. With
     * B = 4000 the empirical quantiles sit there with overwhelming probability (a miss needs
     * the share of 0s to fall below 2.5 % or above 30 %, > 10 standard errors away). */
    const double x[] = {0, 1};
    double lo, hi;
    stats_boot_mean(x, 2, 7, 4000, 0.95, &lo, &hi);
    cr_expect_float_eq(lo, 0.0, TOL);
    cr_expect_float_eq(hi, 1.0, TOL);
    stats_boot_mean(x, 2, 7, 4000, 0.40, &lo, &hi);
    cr_expect_float_eq(lo, 0.5, TOL);
    cr_expect_float_eq(hi, 0.5, TOL);
    /* a difference of constants is that constant; of {0,1} - {0}: as above */
    const double c1[] = {1, 1, 1}, c0[] = {0, 0};
    stats_boot_diff(c1, 3, c0, 2, 1, 1000, 0.95, &lo, &hi);
    cr_expect_float_eq(lo, 1.0, TOL);
    cr_expect_float_eq(hi, 1.0, TOL);
    stats_boot_diff(x, 2, c0, 2, 3, 4000, 0.40, &lo, &hi);
    cr_expect_float_eq(lo, 0.5, TOL);
    cr_expect_float_eq(hi, 0.5, TOL);
    /* Cliff's delta of separated arms is 1 in every resample */
    const double a[] = {5, 6, 7}, b[] = {1, 2};
    stats_boot_cliff(a, 3, b, 2, 5, 500, 0.95, &lo, &hi);
    cr_expect_float_eq(lo, 1.0, TOL);
    cr_expect_float_eq(hi, 1.0, TOL);
}

Test(stats, bootstrap_is_seeded) {
    const double x[] = {0.3, 0.1, 0.7, 0.2, 0.9, 0.4};
    double l1, h1, l2, h2, l3, h3;
    stats_boot_mean(x, 6, 11, 2000, 0.95, &l1, &h1);
    stats_boot_mean(x, 6, 11, 2000, 0.95, &l2, &h2);
    stats_boot_mean(x, 6, 12, 2000, 0.95, &l3, &h3);
    cr_expect(l1 == l2 && h1 == h2, "same seed, different interval");
    cr_expect(l1 != l3 || h1 != h3, "the seed does not reach the resampling");
    const double m = stats_mean(x, 6);
    cr_expect(l1 < m && m < h1 && l1 >= 0.1 && h1 <= 0.9, "[%g, %g] around %g", l1, h1, m);
}
