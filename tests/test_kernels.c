/* test_kernels.c: the small-product kernels (core/kernels.h) against the plain loops.
 *
 * Every kernel set the CPU runs (BLAS, AVX2, AVX-512), in both precisions (both are compiled
 * in every build, so this double-precision test binary checks the float kernels too), over a
 * sweep of shapes that hits every register-tile remainder (rows mod 6, columns mod 8/16, one
 * column, one row), both operand layouts (A·B and Aᵀ·B) and β ∈ {0, 1}; the columns of C
 * beyond n must stay untouched. The SIMD kernels sum each element in the same order with
 * fused multiply-adds, so AVX2 and AVX-512 must agree bit for bit. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "kernels.h"
#include "common.h"
#include "rng.h"

/* Relative to Σ|a·b| (plus 1): the plain loops round every product, the SIMD kernels fuse
 * them, so the two differ by a few units in the last place of the accumulated magnitude. */
#define KERN_TOL_F64 1e-13
#define KERN_TOL_F32 2e-6

static const int Ms[] = {1, 2, 5, 6, 7, 13, 32};
static const int Ns[] = {1, 3, 4, 8, 15, 16, 17, 31, 33, 64, 65, 100};
static const int Ks[] = {1, 2, 7, 64};

#define CHECK_KERNEL(T, FN, TOL)                                                               \
    do {                                                                                       \
        rng_t r;                                                                               \
        rng_init(&r, 5, 1);                                                                    \
        const int ldc_pad = 3, maxd = 128;                                                     \
        T *A = malloc(sizeof(T) * maxd * maxd), *B = malloc(sizeof(T) * maxd * maxd);          \
        T *C0 = malloc(sizeof(T) * maxd * (maxd + ldc_pad));                                   \
        T *C1 = malloc(sizeof(T) * maxd * (maxd + ldc_pad));                                   \
        for (int i = 0; i < maxd * maxd; i++) A[i] = (T)rng_normal(&r), B[i] = (T)rng_normal(&r); \
        int checked = 0;                                                                       \
        for (int kind = KERN_BLAS; kind < KERN__COUNT; kind++) {                               \
            if (!kern_available((kern_kind)kind)) continue;                                    \
            for (int a = 0; a < (int)ARRAY_LEN(Ms); a++)                                         \
                for (int b = 0; b < (int)ARRAY_LEN(Ns); b++)                                     \
                    for (int c = 0; c < (int)ARRAY_LEN(Ks); c++)                                 \
                        for (int tn = 0; tn < 2; tn++)                                         \
                            for (int beta = 0; beta < 2; beta++) {                             \
                                const int m = Ms[a], n = Ns[b], k = Ks[c], ldc = n + ldc_pad;  \
                                const ptrdiff_t rsa = tn ? 1 : k, csa = tn ? m : 1;            \
                                for (int i = 0; i < m * ldc; i++) C0[i] = C1[i] = (T)(i % 11); \
                                FN(KERN_PLAIN, m, n, k, A, rsa, csa, B, n, beta, C0, ldc);     \
                                FN((kern_kind)kind, m, n, k, A, rsa, csa, B, n, beta, C1, ldc); \
                                for (int i = 0; i < m; i++)                                    \
                                    for (int j = 0; j < ldc; j++) {                            \
                                        double mag = 1 + (beta ? fabs((double)(C0[i * ldc + j])) : 0); \
                                        for (int p = 0; j < n && p < k; p++)                   \
                                            mag += fabs((double)A[i * rsa + p * csa] * B[p * n + j]); \
                                        const double d = fabs((double)C0[i * ldc + j] - C1[i * ldc + j]); \
                                        cr_assert(j < n ? d <= TOL * mag : C1[i * ldc + j] == (T)((i * ldc + j) % 11), \
                                                  "%s: %s m %d n %d k %d %s beta %d: C[%d][%d] differs by %g", \
                                                  #FN, kern_kind_names[kind], m, n, k, tn ? "TN" : "NN", beta, i, j, d); \
                                    }                                                          \
                                checked++;                                                     \
                            }                                                                  \
        }                                                                                      \
        cr_assert(checked > 0);                                                                \
        free(A), free(B), free(C0), free(C1);                                                  \
    } while (0)

Test(kernels, f64_kernels_match_plain_loops) { CHECK_KERNEL(double, kern_gemm_f64, KERN_TOL_F64); }

Test(kernels, f32_kernels_match_plain_loops) { CHECK_KERNEL(float, kern_gemm_f32, KERN_TOL_F32); }

/* Same summation order, same fused operations: AVX2 and AVX-512 give identical bits. */
Test(kernels, avx2_and_avx512_agree_bitwise) {
    if (!kern_available(KERN_AVX2) || !kern_available(KERN_AVX512))
        cr_skip_test("this CPU lacks AVX2 or AVX-512");
    rng_t r;
    rng_init(&r, 9, 1);
    const int m = 37, n = 77, k = 45;
    float *A = malloc(sizeof(float) * m * k), *B = malloc(sizeof(float) * k * n);
    float *C2 = calloc((size_t)m * n, sizeof(float)), *C5 = calloc((size_t)m * n, sizeof(float));
    double *Ad = malloc(sizeof(double) * m * k), *Bd = malloc(sizeof(double) * k * n);
    double *D2 = calloc((size_t)m * n, sizeof(double)), *D5 = calloc((size_t)m * n, sizeof(double));
    for (int i = 0; i < m * k; i++) Ad[i] = A[i] = (float)rng_normal(&r);
    for (int i = 0; i < k * n; i++) Bd[i] = B[i] = (float)rng_normal(&r);
    for (int tn = 0; tn < 2; tn++) {
        const ptrdiff_t rsa = tn ? 1 : k, csa = tn ? m : 1;
        kern_gemm_f32(KERN_AVX2, m, n, k, A, rsa, csa, B, n, 1, C2, n);
        kern_gemm_f32(KERN_AVX512, m, n, k, A, rsa, csa, B, n, 1, C5, n);
        kern_gemm_f64(KERN_AVX2, m, n, k, Ad, rsa, csa, Bd, n, 1, D2, n);
        kern_gemm_f64(KERN_AVX512, m, n, k, Ad, rsa, csa, Bd, n, 1, D5, n);
        cr_assert(memcmp(C2, C5, sizeof(float) * m * n) == 0, "float results differ (%d)", tn);
        cr_assert(memcmp(D2, D5, sizeof(double) * m * n) == 0, "double results differ (%d)", tn);
    }
    free(A), free(B), free(C2), free(C5), free(Ad), free(Bd), free(D2), free(D5);
}
