/* common.c: die(), checked allocation, strict number parsing, paths and clocks. */
#define _POSIX_C_SOURCE 200809L
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char die_tmpfile[4096];

void die_register_tmpfile(const char *path) {
    if (!path) {
        die_tmpfile[0] = 0;
        return;
    }
    ASSERT(strlen(path) < sizeof die_tmpfile);
    strcpy(die_tmpfile, path);
}

void die(const char *fmt, ...) {
    va_list ap;
    fflush(stdout);
    fputs("alrnn: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (die_tmpfile[0]) unlink(die_tmpfile);
    exit(1);
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory allocating %zu bytes", n);
    return p;
}

void *xcalloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) die("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) die("out of memory reallocating %zu bytes", n);
    return q;
}

char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

long parse_long(const char *s, const char *what, long lo, long hi) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || errno) die("%s: '%s' is not an integer", what, s);
    if (v < lo || v > hi) die("%s: %ld is out of range [%ld, %ld]", what, v, lo, hi);
    return v;
}

double parse_double(const char *s, const char *what) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !isfinite(v)) die("%s: '%s' is not a finite number", what, s);
    return v;
}

void make_parent_dirs(const char *path) {
    char buf[4096];
    if (strlen(path) >= sizeof buf) die("path too long: %s", path);
    strcpy(buf, path);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return;
    *slash = 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            die("cannot create directory %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        die("cannot create directory %s: %s", buf, strerror(errno));
}

void blas_select_kernels(char **argv) {
    int exec = 0;
    /* single-threaded BLAS unless asked otherwise: OpenBLAS sizes its thread pool when it
     * loads, and an idle pool of spinning threads costs these small GEMMs a third */
    if (!getenv("OPENBLAS_NUM_THREADS")) {
        setenv("OPENBLAS_NUM_THREADS", "1", 1);
        exec = 1;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (!getenv("OPENBLAS_CORETYPE") && !getenv("ALRNN_KEEP_BLAS_CORE") &&
        __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 1);
        exec = 1;
    }
#endif
    /* both variables are set now, so the new image does not come back here */
    if (exec) execv("/proc/self/exe", argv);
    /* exec failed (no /proc): carry on with what OpenBLAS chose */
}

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define MXCSR_FTZ 0x8000u /* flush-to-zero: subnormal results become 0 */
#define MXCSR_DAZ 0x0040u /* denormals-are-zero: subnormal operands read as 0 */
int fp_flush_subnormals(void) {
    _mm_setcsr(_mm_getcsr() | MXCSR_FTZ | MXCSR_DAZ);
    return fp_subnormals_flushed();
}
int fp_subnormals_flushed(void) {
    const unsigned m = MXCSR_FTZ | MXCSR_DAZ;
    return (_mm_getcsr() & m) == m;
}
#elif defined(__aarch64__)
#define FPCR_FZ (1ull << 24) /* flush-to-zero for inputs and outputs */
int fp_flush_subnormals(void) {
    unsigned long long r;
    __asm__ volatile("mrs %0, fpcr" : "=r"(r));
    r |= FPCR_FZ;
    __asm__ volatile("msr fpcr, %0" : : "r"(r));
    return fp_subnormals_flushed();
}
int fp_subnormals_flushed(void) {
    unsigned long long r;
    __asm__ volatile("mrs %0, fpcr" : "=r"(r));
    return (r & FPCR_FZ) != 0;
}
#else
int fp_flush_subnormals(void) { return 0; }
int fp_subnormals_flushed(void) { return 0; }
#endif

double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

char *format_duration(double s, char *buf, size_t n) {
    if (!(s >= 0) || s > 1e8) snprintf(buf, n, "?");
    else if (s >= 3600) snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
    else if (s >= 60) snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else snprintf(buf, n, "%.1fs", s);
    return buf;
}
