/* common.h: the scalar type, error tiers and small helpers every module shares.
 *
 * Precision: `real` is float (the production build, BLAS sgemm) unless ALRNN_DOUBLE is
 * defined, which gives the double-precision build the gradient checks run in. Code that
 * calls BLAS/LAPACK uses the GEMM/GEMV/AXPY/DOT/SYEVD macros so it compiles in both
 * (SYEVD names the Fortran LAPACK symbol; declare its prototype where it is used).
 *
 * Two error tiers (STYLE.md 8):
 *   ASSERT(cond)   a broken invariant, a programmer error: file:line and abort().
 *   die(...)       the environment failed (bad input, unwritable path, corrupt file):
 *                  one line "alrnn: <message>" on stderr and exit(1). Callers name the
 *                  object and the reason in the message.
 * Numerical kernels never return error codes.
 */
#ifndef ALRNN_COMMON_H
#define ALRNN_COMMON_H

/* Element-wise passes that run for every step and sequence (core/alrnn.c, core/layers.c):
 * the build targets the x86-64 baseline (SSE2), so such a function is compiled for AVX-512,
 * AVX2 and the baseline, and the widest the CPU runs is picked when the program loads (GCC
 * function multi-versioning). No FMA contraction under -std=c11: every version gives the
 * same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ELEMENTWISE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define ELEMENTWISE_CLONES
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef ALRNN_DOUBLE
typedef double real;
#define GEMM cblas_dgemm
#define GEMV cblas_dgemv
#define AXPY cblas_daxpy
#define DOT cblas_ddot
#define SYEVD dsyevd_
#define REAL_H5_MEM H5T_NATIVE_DOUBLE
#define REAL_NAME "float64"
#else
typedef float real;
#define GEMM cblas_sgemm
#define GEMV cblas_sgemv
#define AXPY cblas_saxpy
#define DOT cblas_sdot
#define SYEVD ssyevd_
#define REAL_H5_MEM H5T_NATIVE_FLOAT
#define REAL_NAME "float32"
#endif

#define ASSERT(cond)                                                                     \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

/* Enum <-> name tables are defined unsized (their headers declare them `[]`) and followed by
 * _Static_assert(ARRAY_LEN(names) == X__COUNT), so a missing last entry does not compile;
 * tests/test_table.c checks that no entry in between is NULL. */
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define NORETURN
#define PRINTF_LIKE(f, a)
#endif

/* Print "alrnn: <msg>" to stderr, remove the registered temporary file (if any) and exit(1). */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* A file that die() removes before it exits: the run file under its temporary name.
 * Register with a path, clear with NULL once it has been renamed into place. */
void die_register_tmpfile(const char *path);

void *xmalloc(size_t n);             /* malloc or die naming the size */
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Strict number parsing for the command line: the whole string must be a number in
 * range; otherwise die naming `what` and the string. */
long parse_long(const char *s, const char *what, long lo, long hi);
double parse_double(const char *s, const char *what);

/* mkdir -p of the directory part of `path` (everything before the last '/'); dies on error. */
void make_parent_dirs(const char *path);

/* Call first thing in main(); it re-executes the program once when it changes the
 * environment, because OpenBLAS reads these variables when it loads:
 *  - OPENBLAS_NUM_THREADS=1 unless set (sweeps use the cores through make -j; a run's own
 *    threads, `bin/alrnn run --threads K`, each call a one-thread OpenBLAS: train.h);
 *  - OPENBLAS_CORETYPE=SkylakeX unless set, on CPUs with AVX-512 (F, BW, DQ, VL): Debian 12's
 *    OpenBLAS 0.3.21 does not recognise AVX-512 on some CPUs (AMD Zen 4) and falls back to
 *    its Haswell kernels, which run the recurrence's small GEMMs about half as fast.
 *    ALRNN_KEEP_BLAS_CORE=1 keeps OpenBLAS's own choice. */
void blas_select_kernels(char **argv);

/* Floating-point mode for every process that trains, evaluates or benchmarks: results that
 * would be subnormal (|x| < 2^-126 in float32) are flushed to zero and subnormal operands read
 * as zero (x86 MXCSR FTZ + DAZ; AArch64 FPCR.FZ). x86 handles subnormals in microcode at
 * ~100x the cost of a normal operation, and the linear units' states and gradients of an
 * AL-RNN decay through that range for hundreds of steps; see docs/performance.md for what
 * it changes numerically. It sets the calling thread's mode (threads created afterwards
 * inherit it). Returns 1 when the mode is on afterwards, 0 where the CPU has no such mode.
 * train_run() calls it, so every training path runs in this mode. */
int fp_flush_subnormals(void);
/* 1 when the calling thread flushes subnormals (both FTZ and DAZ on x86), else 0. */
int fp_subnormals_flushed(void);

/* Wall-clock seconds from a monotonic clock. */
double now_seconds(void);

/* Format seconds as "1h02m", "3m05s" or "12.3s" into buf (>= 16 bytes); returns buf. */
char *format_duration(double s, char *buf, size_t n);

#endif
