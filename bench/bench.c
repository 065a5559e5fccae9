/* bench.c: training-step throughput of the AL-RNN engine (`make bench`).
 *
 * Times full training steps — forward over T, loss, BPTT, regulariser, clipping, Adam — of
 * the AL-RNN with P = M/4 on three fixed shapes, after warm-up, and reports the median.
 * stdout: one TSV row per config with the header
 *     config B M N T P threads seq_per_s gflops pct_peak
 * where gflops counts the recurrent and input matrix work (6M² + 4MN flops per sequence and
 * step) and pct_peak is against a large sgemm measured in the same run.
 * stderr: the GEMM floor of each config (the same sgemm calls timed alone) and progress.
 * With --scaling, also writes the step time against T and against M to
 * plots/data/bench_scaling.tsv.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alrnn.h"
#include "loss.h"
#include "optim.h"

struct config {
    const char *name;
    int B, M, N, T, K;
    loss_kind loss;
};

/* The shapes of the performance issue: sMNIST pixel by pixel, the addition problem, IMDb
 * with 128-d token features; readout on the last step. */
static const struct config configs[] = {
    {"smnist", 32, 64, 1, 784, 10, LOSS_CE},
    {"addition", 64, 128, 2, 100, 1, LOSS_MSE},
    {"imdb", 32, 128, 128, 200, 2, LOSS_CE},
};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct step_state {
    struct alrnn m;
    struct alrnn_work w;
    struct adam opt;
    real *x, *y, *mask, *grad;
    int32_t *label;
};

static void state_init(struct step_state *s, const struct config *c, int M, int T) {
    struct alrnn_config mc = {.M = M, .P = M / 4, .N = c->N, .K = c->K, .z0 = Z0_ZERO,
                              .readout = READOUT_LAST, .readout_bias = c->loss == LOSS_CE};
    alrnn_create(&s->m, &mc, NULL);
    rng_t r;
    rng_init(&r, 1, RNG_STREAM_INIT);
    alrnn_init_params(&s->m, &r);
    alrnn_work_alloc(&s->w, &s->m, T, c->B);
    adam_init(&s->opt, s->m.n_params);
    s->x = xmalloc((size_t)T * c->B * c->N * sizeof(real));
    for (size_t i = 0; i < (size_t)T * c->B * c->N; i++) s->x[i] = (real)rng_normal(&r);
    s->y = xcalloc((size_t)c->B * c->K, sizeof(real));
    s->mask = xmalloc(c->B * sizeof(real));
    s->label = xcalloc(c->B, sizeof(int32_t));
    for (int b = 0; b < c->B; b++) s->mask[b] = 1, s->label[b] = b % c->K;
    s->grad = xmalloc(s->m.n_params * sizeof(real));
}

static void state_free(struct step_state *s) {
    alrnn_work_free(&s->w);
    alrnn_free(&s->m);
    adam_free(&s->opt);
    free(s->x), free(s->y), free(s->mask), free(s->label), free(s->grad);
}

/* One training step, as core/train.c does it. */
static void train_step(struct step_state *s, const struct config *c) {
    alrnn_set_z0(&s->m, &s->w, NULL);
    alrnn_forward(&s->m, &s->w, s->x);
    loss_eval(c->loss, c->B, c->K, s->w.Y, s->y, s->label, s->mask, s->w.dY);
    memset(s->grad, 0, s->m.n_params * sizeof(real));
    alrnn_backward(&s->m, &s->w, s->x, s->grad, NULL, NULL);
    alrnn_mar(&s->m, 0.1, s->m.cfg.M / 2, s->grad);
    clip_global_norm(s->grad, s->m.n_params, 5);
    adam_step(&s->opt, s->m.params, s->grad, 1e-4);
}

/* Median seconds of one training step, over `reps` steps after `warm` warm-up steps. */
static double time_steps(const struct config *c, int M, int T, int warm, int reps) {
    struct step_state s;
    state_init(&s, c, M, T);
    double *t = xmalloc(reps * sizeof(double));
    for (int i = 0; i < warm; i++) train_step(&s, c);
    for (int i = 0; i < reps; i++) {
        double t0 = now_seconds();
        train_step(&s, c);
        t[i] = now_seconds() - t0;
    }
    double med = median(t, reps);
    free(t);
    state_free(&s);
    return med;
}

/* The GEMM floor: the step's matrix products alone, in the layouts the engine uses. */
static double time_gemm_floor(const struct config *c, int reps) {
    const int B = c->B, M = c->M, N = c->N, T = c->T;
    float *a = xcalloc((size_t)(T + 1) * B * M, sizeof(float));
    float *x = xcalloc((size_t)T * B * N, sizeof(float));
    float *W = xcalloc((size_t)M * M, sizeof(float)), *C = xcalloc((size_t)M * N, sizeof(float));
    float *dW = xcalloc((size_t)M * M, sizeof(float)), *dC = xcalloc((size_t)M * N, sizeof(float));
    float *tmp = xcalloc((size_t)B * M, sizeof(float));
    double *t = xmalloc(reps * sizeof(double));
    for (int r = -2; r < reps; r++) {
        double t0 = now_seconds();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T * B, M, N, 1, x, N, C, N, 0,
                    a + (size_t)B * M, M);
        for (int s = 1; s <= T; s++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, M, M, 1,
                        a + (size_t)(s - 1) * B * M, M, W, M, 1, a + (size_t)s * B * M, M);
        for (int s = T; s >= 1; s--) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, M, B, 1,
                        a + (size_t)s * B * M, M, a + (size_t)(s - 1) * B * M, M, 1, dW, M);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, M, M, 1,
                        a + (size_t)s * B * M, M, W, M, 0, tmp, M);
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, M, N, T * B, 1, a + (size_t)B * M,
                    M, x, N, 1, dC, N);
        if (r >= 0) t[r] = now_seconds() - t0;
    }
    double med = median(t, reps);
    free(a), free(x), free(W), free(C), free(dW), free(dC), free(tmp), free(t);
    return med;
}

/* sgemm GFLOP/s on a large square product: the peak the percentages refer to. */
static double sgemm_peak(void) {
    const int n = 1024;
    float *A = xcalloc((size_t)n * n, sizeof(float)), *B = xcalloc((size_t)n * n, sizeof(float));
    float *C = xcalloc((size_t)n * n, sizeof(float));
    for (size_t i = 0; i < (size_t)n * n; i++) A[i] = B[i] = 1e-3f * (float)(i % 97);
    double t[7];
    for (int r = -1; r < 7; r++) {
        double t0 = now_seconds();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, A, n, B, n, 0, C, n);
        if (r >= 0) t[r] = now_seconds() - t0;
    }
    free(A), free(B), free(C);
    return 2.0 * n * n * n / median(t, 7) / 1e9;
}

static double flops_per_seq(int M, int N, int T) { return (double)T * (6.0 * M * M + 4.0 * M * N); }

int main(int argc, char **argv) {
    blas_select_kernels(argv);
    fp_flush_subnormals();
    int threads = 1, reps = 15, scaling = 0, floor_too = 1;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = (int)parse_long(argv[++i], "--threads", 1, 256);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = (int)parse_long(argv[++i], "--reps", 3, 100000);
        else if (!strcmp(argv[i], "--scaling"))
            scaling = 1;
        else if (!strcmp(argv[i], "--config") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "--no-floor")) /* for profiling the steps alone */
            floor_too = 0;
        else
            die("usage: bench [--threads K] [--reps N] [--config NAME] [--no-floor] [--scaling]");
    }
    openblas_set_num_threads(threads);
    const double peak = sgemm_peak();
    fprintf(stderr, "# sgemm 1024^3 peak: %.1f GFLOP/s (%d thread%s)\n", peak, threads,
            threads > 1 ? "s" : "");
    printf("config\tB\tM\tN\tT\tP\tthreads\tseq_per_s\tgflops\tpct_peak\n");
    for (size_t k = 0; k < ARRAY_LEN(configs); k++) {
        const struct config *c = &configs[k];
        if (only && strcmp(only, c->name)) continue;
        double step = time_steps(c, c->M, c->T, 3, reps);
        double floor = floor_too ? time_gemm_floor(c, reps) : NAN;
        double sps = c->B / step, gf = sps * flops_per_seq(c->M, c->N, c->T) / 1e9;
        printf("%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\n", c->name, c->B, c->M, c->N, c->T,
               c->M / 4, threads, sps, gf, 100 * gf / peak);
        fflush(stdout);
        fprintf(stderr, "# %s: step %.3f ms; sgemm floor %.3f ms = %.0f seq/s; engine at %.0f%% "
                        "of the floor\n",
                c->name, 1e3 * step, 1e3 * floor, c->B / floor, 100 * floor / step);
    }
    if (scaling) {
        const char *path = "plots/data/bench_scaling.tsv";
        make_parent_dirs(path);
        FILE *f = fopen(path, "w");
        if (!f) die("cannot write %s", path);
        fprintf(f, "# step time of the addition shape (B 64, N 2, P = M/4) against T and M\n");
        fprintf(f, "sweep\tM\tT\tstep_ms\tseq_per_s\tgflops\n");
        const struct config *c = &configs[1];
        const int Ts[] = {25, 50, 100, 200, 400, 800}, Ms[] = {16, 32, 64, 128, 256, 512};
        for (size_t i = 0; i < ARRAY_LEN(Ts); i++) {
            double st = time_steps(c, c->M, Ts[i], 2, 7);
            fprintf(f, "T\t%d\t%d\t%.4f\t%.0f\t%.2f\n", c->M, Ts[i], 1e3 * st, c->B / st,
                    c->B / st * flops_per_seq(c->M, c->N, Ts[i]) / 1e9);
        }
        for (size_t i = 0; i < ARRAY_LEN(Ms); i++) {
            double st = time_steps(c, Ms[i], c->T, 2, 7);
            fprintf(f, "M\t%d\t%d\t%.4f\t%.0f\t%.2f\n", Ms[i], c->T, 1e3 * st, c->B / st,
                    c->B / st * flops_per_seq(Ms[i], c->N, c->T) / 1e9);
        }
        fclose(f);
        fprintf(stderr, "# wrote %s\n", path);
    }
    return 0;
}
