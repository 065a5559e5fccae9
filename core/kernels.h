/* kernels.h: small dense products for the recurrence, written for the shapes one time step
 * has (B ≤ ~128 rows, M ≤ ~256 units), where a general sgemm spends much of its time packing
 * operands it then uses once.
 *
 *   C (m, n) = β·C + Ã (m, k) · B (k, n),    Ã[i][p] = A[i·rsa + p·csa],  β ∈ {0, 1}
 *
 * B is row-major with leading dimension ldb (Wᵀ for the forward step, W for dL/dΦ); A is
 * read through two strides, so the same kernel computes A·B (rsa = lda, csa = 1) and AᵀB
 * (rsa = 1, csa = lda, the per-step dW += G_tᵀ Φ). The register tile is MR rows × NV
 * vectors of C, kept in registers over the whole k loop; Ã's entries are broadcast and B's
 * rows streamed from L1/L2, where B (the M×M weight matrix) stays across the T steps of a
 * pass. Column tails use masked (AVX-512) or maskload (AVX2) vectors, never padding.
 *
 * Every output element is a single chain of fused multiply-adds over p = 0..k-1 in order,
 * so the AVX-512 and AVX2 kernels give identical bits, and any kernel gives the same bits on
 * every run (no blocking of k, no threads).
 *
 * Kernel sets: plain C loops (always), cblas (always), AVX2+FMA and AVX-512F when the CPU
 * has them (`__builtin_cpu_supports`, functions compiled with target attributes, so the
 * build needs no -march). kern_default() picks one per process: ALRNN_KERNEL=plain|blas|
 * avx2|avx512 if set; otherwise AVX2 when OPENBLAS_CORETYPE=Haswell asks for AVX2 kernels
 * (so an AVX2-only comparison holds for both sides), else the widest the CPU supports.
 *
 * Both precisions are always compiled (kern_gemm_f32 and _f64), so the double-precision
 * test build checks the float kernels too. Deliberately not here: transposed B (callers
 * transpose small operands once), α ≠ 1, threads.
 */
#ifndef ALRNN_KERNELS_H
#define ALRNN_KERNELS_H

#include <stddef.h>

typedef enum { KERN_PLAIN, KERN_BLAS, KERN_AVX2, KERN_AVX512, KERN__COUNT } kern_kind;
extern const char *const kern_kind_names[KERN__COUNT];

/* 1 when kernel set k runs on this CPU (plain and blas always do). */
int kern_available(kern_kind k);
/* The process-wide choice described above (decided once, on first call). */
kern_kind kern_default(void);
/* Override the process-wide choice (tests, bench); dies if k is not available. */
void kern_set_default(kern_kind k);

void kern_gemm_f32(kern_kind k, int m, int n, int kk, const float *A, ptrdiff_t rsa,
                   ptrdiff_t csa, const float *B, int ldb, float beta, float *C, int ldc);
void kern_gemm_f64(kern_kind k, int m, int n, int kk, const double *A, ptrdiff_t rsa,
                   ptrdiff_t csa, const double *B, int ldb, double beta, double *C, int ldc);

#endif
