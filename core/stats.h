/* stats.h: the statistics the claims verdicts (experiments/claims.c) rest on.
 *
 * Small samples (one value per training seed, n <= STATS_MAX_N per arm), so every test is
 * exact: the one-sided Mann-Whitney U test enumerates its null distribution over the pooled
 * mid-ranks (ties handled exactly, no normal approximation), the sign test sums binomial
 * tails. Intervals are percentile bootstraps from a caller-given seed, so a report is
 * reproducible bit for bit. What it does not do: asymptotic approximations, two-sided tests
 * (every claim states a direction), or anything that needs a distribution fitted.
 */
#ifndef ALRNN_STATS_H
#define ALRNN_STATS_H

#include <stdint.h>

enum { STATS_MAX_N = 64 }; /* per arm; the exact enumeration is O(n^2 (nx+ny)^2) */

double stats_mean(const double *x, int n);
double stats_sd(const double *x, int n); /* sample std (n-1); NAN when n < 2 */

/* The (1-level)/2 and (1+level)/2 quantiles of v (sorted in place) with linear
 * interpolation between order statistics (R's type 7): a percentile interval. */
void stats_percentile_interval(double *v, int B, double level, double *lo, double *hi);

/* Percentile bootstrap interval (level e.g. 0.95) of the mean of x, B resamples drawn from
 * rng seed `seed`. */
void stats_boot_mean(const double *x, int n, uint64_t seed, int B, double level, double *lo,
                     double *hi);
/* Percentile bootstrap interval of mean(x) - mean(y), x and y resampled independently. */
void stats_boot_diff(const double *x, int nx, const double *y, int ny, uint64_t seed, int B,
                     double level, double *lo, double *hi);

/* Cliff's delta = (#{x_i > y_j} - #{x_i < y_j}) / (nx ny), in [-1, 1]. */
double stats_cliff_delta(const double *x, int nx, const double *y, int ny);
/* Percentile bootstrap interval of Cliff's delta (arms resampled independently). */
void stats_boot_cliff(const double *x, int nx, const double *y, int ny, uint64_t seed, int B,
                      double level, double *lo, double *hi);

/* Mann-Whitney U of x against y: #{x_i > y_j} + 0.5 #{x_i = y_j}. */
double stats_mw_u(const double *x, int nx, const double *y, int ny);
/* Exact one-sided p-value of H1 "x tends to be larger than y": P(U >= U_obs) under the null
 * that all (nx+ny)!/(nx! ny!) assignments of the pooled values (ties kept as they are) to
 * the arms are equally likely. nx, ny in 1..STATS_MAX_N. */
double stats_mw_p_greater(const double *x, int nx, const double *y, int ny);

/* Exact one-sided sign test of H1 "the median of x exceeds m": P(Bin(n', 1/2) >= k) with k
 * the values above m and n' the values != m. 1 when n' = 0. */
double stats_sign_p_greater(const double *x, int n, double m);

/* Holm's step-down adjustment of m p-values; NAN entries are not tests and stay NAN (m
 * counts only the others). adj[i] = max over j <= rank(i) of min(1, (m - j + 1) p_(j)). */
void stats_holm(const double *p, int n, double *adj);

#endif
