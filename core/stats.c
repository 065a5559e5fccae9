/* stats.c: exact small-sample tests, bootstrap intervals and Holm's adjustment (stats.h). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "rng.h"

double stats_mean(const double *x, int n) {
    if (n < 1) return NAN;
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    return s / n;
}

double stats_sd(const double *x, int n) {
    if (n < 2) return NAN;
    const double m = stats_mean(x, n);
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
    return sqrt(ss / (n - 1));
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_percentile_interval(double *v, int B, double level, double *lo, double *hi) {
    qsort(v, (size_t)B, sizeof *v, cmp_double);
    const double q[2] = {(1 - level) / 2, (1 + level) / 2};
    double *out[2] = {lo, hi};
    for (int k = 0; k < 2; k++) {
        const double h = (B - 1) * q[k];
        const int i = (int)floor(h);
        const double f = h - i;
        *out[k] = i + 1 < B ? v[i] + f * (v[i + 1] - v[i]) : v[B - 1];
    }
}

static double resampled_mean(rng_t *r, const double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[rng_below(r, (uint32_t)n)];
    return s / n;
}

void stats_boot_mean(const double *x, int n, uint64_t seed, int B, double level, double *lo,
                     double *hi) {
    ASSERT(n >= 1 && B >= 2 && level > 0 && level < 1);
    rng_t r;
    rng_init(&r, seed, 0);
    double *v = xmalloc(sizeof *v * (size_t)B);
    for (int b = 0; b < B; b++) v[b] = resampled_mean(&r, x, n);
    stats_percentile_interval(v, B, level, lo, hi);
    free(v);
}

void stats_boot_diff(const double *x, int nx, const double *y, int ny, uint64_t seed, int B,
                     double level, double *lo, double *hi) {
    ASSERT(nx >= 1 && ny >= 1 && B >= 2 && level > 0 && level < 1);
    rng_t r;
    rng_init(&r, seed, 0);
    double *v = xmalloc(sizeof *v * (size_t)B);
    for (int b = 0; b < B; b++) {
        const double mx = resampled_mean(&r, x, nx);
        v[b] = mx - resampled_mean(&r, y, ny);
    }
    stats_percentile_interval(v, B, level, lo, hi);
    free(v);
}

double stats_cliff_delta(const double *x, int nx, const double *y, int ny) {
    ASSERT(nx >= 1 && ny >= 1);
    long d = 0;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++) d += (x[i] > y[j]) - (x[i] < y[j]);
    return (double)d / ((double)nx * ny);
}

void stats_boot_cliff(const double *x, int nx, const double *y, int ny, uint64_t seed, int B,
                      double level, double *lo, double *hi) {
    ASSERT(nx >= 1 && ny >= 1 && nx <= STATS_MAX_N && ny <= STATS_MAX_N && B >= 2);
    rng_t r;
    rng_init(&r, seed, 0);
    double *v = xmalloc(sizeof *v * (size_t)B), xs[STATS_MAX_N], ys[STATS_MAX_N];
    for (int b = 0; b < B; b++) {
        for (int i = 0; i < nx; i++) xs[i] = x[rng_below(&r, (uint32_t)nx)];
        for (int j = 0; j < ny; j++) ys[j] = y[rng_below(&r, (uint32_t)ny)];
        v[b] = stats_cliff_delta(xs, nx, ys, ny);
    }
    stats_percentile_interval(v, B, level, lo, hi);
    free(v);
}

double stats_mw_u(const double *x, int nx, const double *y, int ny) {
    double u = 0;
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++) u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
    return u;
}

/* Under the null every nx-subset of the N pooled values is equally likely to be x. With
 * doubled mid-ranks r_k (integers even with ties), U = W/2 - nx(nx+1)/2 where W is the sum
 * of x's doubled ranks, so P(U >= U_obs) = #{subsets with W >= W_obs} / C(N, nx). The
 * subsets are counted by dynamic programming over (size, sum): ways[k][s]. Counts stay
 * exact in a double up to 2^53 (C(128, 64) ~ 2.4e37 is not, but its ratio is accurate to
 * rounding, far below any decision threshold). */
double stats_mw_p_greater(const double *x, int nx, const double *y, int ny) {
    ASSERT(nx >= 1 && ny >= 1 && nx <= STATS_MAX_N && ny <= STATS_MAX_N);
    const int N = nx + ny;
    double pool[2 * STATS_MAX_N];
    memcpy(pool, x, sizeof *x * (size_t)nx);
    memcpy(pool + nx, y, sizeof *y * (size_t)ny);
    /* doubled mid-rank of each pooled value: (#less)*2 + (#equal) + 1 */
    int r2[2 * STATS_MAX_N], w_obs = 0, smax = 0;
    for (int a = 0; a < N; a++) {
        int less = 0, eq = 0;
        for (int b = 0; b < N; b++) {
            less += pool[b] < pool[a];
            eq += pool[b] == pool[a];
        }
        r2[a] = 2 * less + eq + 1;
        smax += r2[a];
        if (a < nx) w_obs += r2[a];
    }
    const int S = smax + 1;
    double *ways = xcalloc((size_t)(nx + 1) * (size_t)S, sizeof *ways); /* (nx+1, S) */
    ways[0] = 1;
    for (int a = 0; a < N; a++)
        for (int k = (a + 1 < nx ? a + 1 : nx); k >= 1; k--)
            for (int s = smax; s >= r2[a]; s--) ways[k * S + s] += ways[(k - 1) * S + s - r2[a]];
    double tail = 0, all = 0;
    for (int s = 0; s < S; s++) {
        all += ways[nx * S + s];
        if (s >= w_obs) tail += ways[nx * S + s];
    }
    free(ways);
    return tail / all;
}

double stats_sign_p_greater(const double *x, int n, double m) {
    int k = 0, nn = 0;
    for (int i = 0; i < n; i++) {
        nn += x[i] != m;
        k += x[i] > m;
    }
    if (nn == 0) return 1;
    /* P(Bin(nn, 1/2) >= k) by the binomial coefficients, exact in double for nn <= 64 */
    ASSERT(nn <= STATS_MAX_N);
    double c = 1, tail = 0; /* c = C(nn, j) */
    for (int j = 0; j <= nn; j++) {
        if (j >= k) tail += c;
        c = c * (nn - j) / (j + 1);
    }
    return tail / ldexp(1.0, nn);
}

void stats_holm(const double *p, int n, double *adj) {
    int *idx = xmalloc(sizeof *idx * (size_t)(n > 0 ? n : 1)), m = 0;
    for (int i = 0; i < n; i++) {
        adj[i] = NAN;
        if (!isnan(p[i])) idx[m++] = i;
    }
    /* insertion sort by p ascending (m is the number of claims, a dozen) */
    for (int a = 1; a < m; a++)
        for (int b = a; b > 0 && p[idx[b]] < p[idx[b - 1]]; b--) {
            const int t = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = t;
        }
    double run = 0;
    for (int j = 0; j < m; j++) {
        double v = (m - j) * p[idx[j]];
        v = v > 1 ? 1 : v;
        run = v > run ? v : run;
        adj[idx[j]] = run;
    }
    free(idx);
}
