/* kernels.c: the small-product kernels of kernels.h and their runtime dispatch.
 * The tiled kernel is written once (kern_gemm.inc) and instantiated here for AVX-512F and
 * AVX2+FMA, float and double; the functions carry target attributes, so this file compiles
 * with the project's plain flags and only runs an instruction set after
 * __builtin_cpu_supports said the CPU has it. */
#include "kernels.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

const char *const kern_kind_names[KERN__COUNT] = {
    [KERN_PLAIN] = "plain", [KERN_BLAS] = "blas", [KERN_AVX2] = "avx2", [KERN_AVX512] = "avx512"};

#if defined(__x86_64__) && defined(__GNUC__)
#define KERN_X86 1
#include <immintrin.h>

/* AVX-512F: 32 vector registers; a 6×4 tile holds 24 accumulators, 4 rows of B and a
 * broadcast (24 FMAs per 10 loads, under the 2-FMA / 2–3-load ports of these cores). */
#define KG_NAME(x) x##_avx512_f32
#define KG_TARGET "avx512f"
#define KG_T float
#define KG_V __m512
#define KG_W 16
#define KG_MR 6
#define KG_NV 4
#define KG_MASK_T __mmask16
#define KG_MKMASK(r) ((__mmask16)((1u << (r)) - 1u))
#define KG_ZERO() _mm512_setzero_ps()
#define KG_LOAD(p) _mm512_loadu_ps(p)
#define KG_MLOAD(mask, p) _mm512_maskz_loadu_ps(mask, p)
#define KG_SET1(x) _mm512_set1_ps(x)
#define KG_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define KG_STORE(p, v) _mm512_storeu_ps(p, v)
#define KG_MSTORE(p, mask, v) _mm512_mask_storeu_ps(p, mask, v)
#include "kern_gemm.inc"

#define KG_NAME(x) x##_avx512_f64
#define KG_TARGET "avx512f"
#define KG_T double
#define KG_V __m512d
#define KG_W 8
#define KG_MR 6
#define KG_NV 4
#define KG_MASK_T __mmask8
#define KG_MKMASK(r) ((__mmask8)((1u << (r)) - 1u))
#define KG_ZERO() _mm512_setzero_pd()
#define KG_LOAD(p) _mm512_loadu_pd(p)
#define KG_MLOAD(mask, p) _mm512_maskz_loadu_pd(mask, p)
#define KG_SET1(x) _mm512_set1_pd(x)
#define KG_FMA(a, b, c) _mm512_fmadd_pd(a, b, c)
#define KG_STORE(p, v) _mm512_storeu_pd(p, v)
#define KG_MSTORE(p, mask, v) _mm512_mask_storeu_pd(p, mask, v)
#include "kern_gemm.inc"

/* AVX2: 16 vector registers; a 6×2 tile holds 12 accumulators, 2 rows of B and a broadcast.
 * Lane masks for the column tail: the first r of 8 (or 4) lanes set. */
static const int32_t mask_f32_lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
static const int64_t mask_f64_lanes[8] = {-1, -1, -1, -1, 0, 0, 0, 0};

#define KG_NAME(x) x##_avx2_f32
#define KG_TARGET "avx2,fma"
#define KG_T float
#define KG_V __m256
#define KG_W 8
#define KG_MR 6
#define KG_NV 2
#define KG_MASK_T __m256i
#define KG_MKMASK(r) _mm256_loadu_si256((const __m256i *)(mask_f32_lanes + 8 - (r)))
#define KG_ZERO() _mm256_setzero_ps()
#define KG_LOAD(p) _mm256_loadu_ps(p)
#define KG_MLOAD(mask, p) _mm256_maskload_ps(p, mask)
#define KG_SET1(x) _mm256_set1_ps(x)
#define KG_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define KG_STORE(p, v) _mm256_storeu_ps(p, v)
#define KG_MSTORE(p, mask, v) _mm256_maskstore_ps(p, mask, v)
#include "kern_gemm.inc"

#define KG_NAME(x) x##_avx2_f64
#define KG_TARGET "avx2,fma"
#define KG_T double
#define KG_V __m256d
#define KG_W 4
#define KG_MR 6
#define KG_NV 2
#define KG_MASK_T __m256i
#define KG_MKMASK(r) _mm256_loadu_si256((const __m256i *)(mask_f64_lanes + 4 - (r)))
#define KG_ZERO() _mm256_setzero_pd()
#define KG_LOAD(p) _mm256_loadu_pd(p)
#define KG_MLOAD(mask, p) _mm256_maskload_pd(p, mask)
#define KG_SET1(x) _mm256_set1_pd(x)
#define KG_FMA(a, b, c) _mm256_fmadd_pd(a, b, c)
#define KG_STORE(p, v) _mm256_storeu_pd(p, v)
#define KG_MSTORE(p, mask, v) _mm256_maskstore_pd(p, mask, v)
#include "kern_gemm.inc"
#endif

int kern_available(kern_kind k) {
    switch (k) {
    case KERN_PLAIN:
    case KERN_BLAS: return 1;
#ifdef KERN_X86
    case KERN_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case KERN_AVX512: __builtin_cpu_init(); return __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

static int kern_chosen = -1; /* -1: not decided yet */

kern_kind kern_default(void) {
    if (kern_chosen >= 0) return (kern_kind)kern_chosen;
    const char *env = getenv("ALRNN_KERNEL");
    if (env && *env) {
        for (int k = 0; k < KERN__COUNT; k++)
            if (!strcmp(env, kern_kind_names[k])) {
                kern_set_default((kern_kind)k);
                return (kern_kind)k;
            }
        die("ALRNN_KERNEL=%s: expected plain, blas, avx2 or avx512", env);
    }
    const char *core = getenv("OPENBLAS_CORETYPE");
    const int avx2_asked = core && !strcmp(core, "Haswell");
    kern_chosen = !avx2_asked && kern_available(KERN_AVX512) ? KERN_AVX512
                  : kern_available(KERN_AVX2)                ? KERN_AVX2
                                                             : KERN_BLAS;
    return (kern_kind)kern_chosen;
}

void kern_set_default(kern_kind k) {
    ASSERT(k >= 0 && k < KERN__COUNT);
    if (!kern_available(k)) die("kernel set %s is not supported by this CPU", kern_kind_names[k]);
    kern_chosen = k;
}

/* The reference: the sums in the kernels' order, without fused multiply-adds. */
#define PLAIN_GEMM(T)                                                                         \
    for (int i = 0; i < m; i++)                                                               \
        for (int j = 0; j < n; j++) {                                                         \
            T s = beta != 0 ? C[(ptrdiff_t)i * ldc + j] : 0;                                  \
            for (int p = 0; p < kk; p++) s += A[i * rsa + p * csa] * B[(ptrdiff_t)p * ldb + j]; \
            C[(ptrdiff_t)i * ldc + j] = s;                                                    \
        }

void kern_gemm_f32(kern_kind k, int m, int n, int kk, const float *A, ptrdiff_t rsa,
                   ptrdiff_t csa, const float *B, int ldb, float beta, float *C, int ldc) {
    ASSERT(beta == 0 || beta == 1);
    if (m <= 0 || n <= 0) return;
    int notrans;
    switch (k) {
#ifdef KERN_X86
    case KERN_AVX512: gemm_avx512_f32(m, n, kk, A, rsa, csa, B, ldb, beta != 0, C, ldc); return;
    case KERN_AVX2: gemm_avx2_f32(m, n, kk, A, rsa, csa, B, ldb, beta != 0, C, ldc); return;
#endif
    case KERN_BLAS:
        notrans = csa == 1 && rsa >= (kk > 1 ? kk : 1);
        ASSERT(notrans || (rsa == 1 && csa >= m));
        cblas_sgemm(CblasRowMajor, notrans ? CblasNoTrans : CblasTrans, CblasNoTrans, m, n, kk,
                    1, A, notrans ? (int)rsa : (int)csa, B, ldb, beta, C, ldc);
        return;
    default: PLAIN_GEMM(float); return;
    }
}

void kern_gemm_f64(kern_kind k, int m, int n, int kk, const double *A, ptrdiff_t rsa,
                   ptrdiff_t csa, const double *B, int ldb, double beta, double *C, int ldc) {
    ASSERT(beta == 0 || beta == 1);
    if (m <= 0 || n <= 0) return;
    int notrans;
    switch (k) {
#ifdef KERN_X86
    case KERN_AVX512: gemm_avx512_f64(m, n, kk, A, rsa, csa, B, ldb, beta != 0, C, ldc); return;
    case KERN_AVX2: gemm_avx2_f64(m, n, kk, A, rsa, csa, B, ldb, beta != 0, C, ldc); return;
#endif
    case KERN_BLAS:
        notrans = csa == 1 && rsa >= (kk > 1 ? kk : 1);
        ASSERT(notrans || (rsa == 1 && csa >= m));
        cblas_dgemm(CblasRowMajor, notrans ? CblasNoTrans : CblasTrans, CblasNoTrans, m, n, kk,
                    1, A, notrans ? (int)rsa : (int)csa, B, ldb, beta, C, ldc);
        return;
    default: PLAIN_GEMM(double); return;
    }
}
