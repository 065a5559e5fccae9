/* bench.c: training-step throughput of the AL-RNN engine (`make bench`).
 *
 * Times full training steps — train_step() of core/train.h, the step train_run() takes:
 * forward over T (encoder included), loss, BPTT, regulariser, clipping, Adam — after
 * warm-up, and reports the median, for every shape below at P ∈ {0, M/4, M}; the gated
 * baselines' rows (tanh RNN, LSTM, GRU: core/model_rnn.h) have no P and run once (P = 0).
 * stdout: one TSV row per (config, P) with the header
 *     config B M N T P threads seq_per_s gflops pct_peak
 * where N and T are what the recurrence sees (after any encoder), gflops counts the recurrent
 * and input matrix work (G·(6M² + 4MN) flops per sequence and step, G = 1 for the AL-RNN and
 * the tanh RNN, 4 for the LSTM, 3 for the GRU; encoders not counted) and
 * pct_peak is against a large sgemm measured in the same run; then, per config, the ratio of
 * the slowest to the fastest P (`# flat` lines on stderr, and plots/data/bench_flat.tsv).
 * The SCAN row (experiments/scan_bench.h) times the encoder–decoder, P being the encoder's
 * P_enc (P_dec stays the row's): there N is the embedding width and T the steps of both
 * AL-RNNs (encoder + decoder, each of M units), which the gflops count alike.
 * stderr: the GEMM floor of the three fixed shapes (their sgemm calls timed alone), progress.
 * With --scaling, also writes the step time against T and against M to
 * plots/data/bench_scaling.tsv.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alrnn.h"
#include "experiments.h"
#include "kernels.h"
#include "model.h"
#include "model_rnn.h"
#include "optim.h"
#include "realdata.h"
#include "scan_bench.h"
#include "tasks.h"
#include "train.h"

/* A benchmark shape: either fixed sizes on a task's loss (the performance issue's three
 * shapes, which bench/peer_torch.py repeats in PyTorch), or an experiment row at its paper
 * settings (M, batch, T, encoder, readout: what the paper profile spends its hours on).
 * Rows of synthetic tasks train on the task's own data (random inputs can make a step
 * diverge, and a diverging step skips its backward pass); the file-backed ones (sMNIST, IMDb)
 * and the fixed shapes on random inputs of the task's shape, so no data set is needed.
 * A row naming a baseline experiment (model = tanh, lstm or gru) times that model; a row
 * naming a SCAN experiment, the encoder–decoder on a batch of grammar-generated pairs.
 * To add one: a row here; `experiment` names a row of experiments/table.c; `peer` = 1 if
 * bench/peer_torch.py repeats it (its CONFIGS or BASELINES, same name and shape). */
struct config {
    const char *name;
    const char *experiment; /* NULL: the fixed sizes below on `task` */
    const struct task_type *task;
    int B, M, N, T, K;
    int peer; /* 1: timed by `bin/bench --peer` and compared in PyTorch */
};

static const struct config configs[] = {
    /* the three fixed shapes: sMNIST pixel by pixel, the addition problem, IMDb with 128-d
     * token features; readout on the last step */
    {"smnist", NULL, &task_smnist, 32, 64, 1, 784, 10, 1},
    {"addition", NULL, &task_addition, 64, 128, 2, 100, 1, 1},
    {"imdb", NULL, &task_imdb, 32, 128, 128, 200, 2, 1},
    /* paper-profile rows */
    {"smnist_cnn", "smnist", NULL, 0, 0, 0, 0, 0, 0},  /* 784 pixels -> CNN -> 196 steps */
    {"copy", "copy", NULL, 0, 0, 0, 0, 0, 0},
    {"multitask", "multitask_n500", NULL, 0, 0, 0, 0, 0, 0},
    {"addition_paper", "addition", NULL, 0, 0, 0, 0, 0, 0},
    {"scan", "scan_simple", NULL, 0, 0, 0, 0, 0, 0}, /* encoder 9 steps, decoder 41 */
    /* the gated baselines at their paper settings (addition: B 128, M 50, N 2, T 100, MSE on
     * the last step; copy: B 64, M 50, N 5, T 117, CE at every step), beside PyTorch's fused
     * nn.RNN / nn.LSTM / nn.GRU */
    {"addition_tanh", "addition-tanh", NULL, 0, 0, 0, 0, 0, 1},
    {"addition_lstm", "addition-lstm", NULL, 0, 0, 0, 0, 0, 1},
    {"addition_gru", "addition-gru", NULL, 0, 0, 0, 0, 0, 1},
    {"copy_lstm", "copy-lstm", NULL, 0, 0, 0, 0, 0, 1},
    {"copy_gru", "copy-gru", NULL, 0, 0, 0, 0, 0, 1},
};
enum { N_FIXED = 3 }; /* the first three: the GEMM floor */

/* The clock every time below is read from: wall (a monotonic clock) by default, or with
 * --clock cpu the process's CPU time, which leaves out the time other processes hold the
 * core on a shared, loaded machine (the work of this process is what is compared; cache
 * contention still shows). bench/peer_torch.py reads the same clock (--clock). */
static int use_cpu_clock;
static double bench_clock(void) {
    if (!use_cpu_clock) return now_seconds();
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Everything one timed step needs: the AL-RNN, a baseline (with the row's encoder) or the
 * SCAN encoder–decoder, its model object, a one-batch data set, the workspace, Adam. */
struct step_state {
    model_kind kind;   /* MODEL_ALRNN: net (or, with scan, sb); a baseline: rnet */
    int scan;          /* 1: the SCAN encoder–decoder, sb */
    struct alrnn net;
    struct rnn rnet;
    struct scan_bench sb;
    struct model mo;
    struct dataset d;
    const void *data;  /* what the step reads: &d, or sb.data */
    void *work;
    struct adam opt;
    struct train_config tc;
    real *grad;
    int *idx;
    rng_t r;
    int B, T, N; /* batch, recurrence steps and features after the encoder */
};

/* Shape c at P (M_override > 0: that M instead, T_override > 0: that many raw steps). */
static void state_init(struct step_state *s, const struct config *c, int P, int M_override,
                       int T_override) {
    memset(s, 0, sizeof *s);
    const struct task_type *task = c->task;
    struct alrnn_config mc = {.P = P, .z0 = Z0_UNIFORM};
    struct encoder enc = {0};
    int T = c->T, B = c->B, synthetic = 0;
    struct task_params tp = {0};
    if (c->experiment) {
        const struct experiment *e = experiment_find(c->experiment);
        ASSERT(e);
        struct resolved r;
        experiment_resolve(e, PROFILE_PAPER, &r);
        if (e->runner == scan_run) { /* the row's model, batch and settings: scan_bench.h */
            /* seed 0: its batch's decoder runs 41 steps, the median over random batches of 64
             * of the grammar's pairs (mean 41.4; 49, the most, in a third of them) */
            scan_bench_init(&s->sb, &r, P > r.s.M ? r.s.M : P, 0);
            s->scan = 1, s->mo = s->sb.mo, s->data = s->sb.data, s->tc = s->sb.tc;
            s->B = s->sb.B, s->T = s->sb.T_in + s->sb.T_dec, s->N = s->sb.E;
            s->work = s->mo.type->work_alloc(&s->mo, s->data, s->B);
            adam_init(&s->opt, s->mo.n_params);
            s->grad = xmalloc(s->mo.n_params * sizeof(real));
            s->idx = xmalloc(s->B * sizeof(int));
            for (int b = 0; b < s->B; b++) s->idx[b] = b;
            rng_init(&s->r, 1, RNG_STREAM_BATCH);
            return;
        }
        task = e->task;
        s->kind = e->model;
        tp = r.s.data;
        synthetic = !e->needs_data;
        task->dims(&tp, &T, &mc.N, &mc.K);
        mc.M = r.s.M, B = r.s.train.batch;
        mc.form = e->form, mc.init = e->init, mc.z0 = e->z0, mc.readout_bias = e->readout_bias;
        s->tc = r.s.train;
        if (e->encoder) {
            enc = (struct encoder){.type = e->encoder, .N_in = mc.N, .M = mc.M};
            memcpy(enc.opt, e->encoder_opt, sizeof enc.opt);
        }
    } else {
        mc.M = c->M, mc.N = c->N, mc.K = c->K, mc.readout_bias = task->loss == LOSS_CE;
        s->tc = (struct train_config){.batch = B, .lr = 1e-4, .clip = 5, .tau = 0.1};
        mc.init = ALRNN_INIT_SEQ;
    }
    if (M_override) mc.M = M_override;
    if (T_override) T = T_override;
    mc.readout = task->readout;
    if (P > mc.M) mc.P = mc.M;
    s->tc.M_reg = mc.M / 2;
    rng_init(&s->r, 1, RNG_STREAM_INIT);
    if (s->kind != MODEL_ALRNN) {
        const struct rnn_config rc = {.kind = s->kind, .M = mc.M, .N = mc.N, .K = mc.K,
                                      .readout = mc.readout, .readout_bias = mc.readout_bias};
        rnn_create(&s->rnet, &rc, enc.type ? &enc : NULL);
        rnn_init_params(&s->rnet, &s->r);
        model_rnn(&s->mo, &s->rnet, task);
    } else {
        alrnn_create(&s->net, &mc, enc.type ? &enc : NULL);
        alrnn_init_params(&s->net, &s->r);
        model_alrnn(&s->mo, &s->net, task);
    }
    const int T_out = task->readout == READOUT_ALL ? T : 1;
    if (synthetic) { /* the task's own data: realistic states, and no step diverges */
        struct dataset val, test;
        rng_t dr;
        rng_init(&dr, 1, RNG_STREAM_DATA);
        task->make_data(&tp, &dr, &s->d, &val, &test);
        dataset_free(&val), dataset_free(&test);
        ASSERT(s->d.n >= B && s->d.T == T && s->d.N == mc.N);
    } else {
    dataset_alloc(&s->d, B, T, mc.N, mc.K, T_out, task->loss, 0);
    const int tokens = task == &task_imdb && enc.type; /* embedding inputs are token ids */
    for (size_t i = 0; i < (size_t)B * T * mc.N; i++)
        s->d.x[i] = tokens ? (real)(i % 50) : (real)rng_uniform(&s->r);
    if (s->d.label)
        for (size_t i = 0; i < (size_t)B * T_out; i++) s->d.label[i] = (int32_t)(i % mc.K);
    if (s->d.y)
        for (size_t i = 0; i < (size_t)B * T_out * mc.K; i++) s->d.y[i] = (real)rng_normal(&s->r);
    }
    s->data = &s->d;
    s->work = s->mo.type->work_alloc(&s->mo, s->data, B);
    adam_init(&s->opt, s->mo.n_params);
    s->grad = xmalloc(s->mo.n_params * sizeof(real));
    s->idx = xmalloc(B * sizeof(int));
    for (int b = 0; b < B; b++) s->idx[b] = b;
    s->B = B, s->T = T, s->N = s->kind == MODEL_ALRNN ? s->net.cfg.N : s->rnet.cfg.N;
    if (enc.type) {
        int N_enc;
        enc.type->shape(&enc, T, &s->T, &N_enc);
    }
    rng_init(&s->r, 1, RNG_STREAM_BATCH);
}

static void state_free(struct step_state *s) {
    s->mo.type->work_free(s->work);
    if (s->scan)
        scan_bench_free(&s->sb);
    else if (s->kind == MODEL_ALRNN)
        alrnn_free(&s->net);
    else
        rnn_free(&s->rnet);
    adam_free(&s->opt);
    dataset_free(&s->d);
    free(s->grad), free(s->idx);
}

/* One train_step on the state's batch. */
static void time_one_step(struct step_state *s) {
    double L, gn;
    train_step(&s->mo, s->work, s->data, s->idx, s->B, &s->r, &s->tc, s->tc.lr, NAN, &s->opt,
               s->grad, &L, &gn);
}

/* Median seconds of one step of shape c at P (M, T: overrides, 0 = the shape's), over
 * `reps` steps after `warm` warm-up steps. */
static double time_config(const struct config *c, int P, int M, int T, int warm, int reps) {
    struct step_state s;
    state_init(&s, c, P, M, T);
    double *t = xmalloc(reps * sizeof(double));
    for (int i = -warm; i < reps; i++) {
        const double t0 = bench_clock();
        time_one_step(&s);
        if (i >= 0) t[i] = bench_clock() - t0;
    }
    const double med = median(t, reps);
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
        double t0 = bench_clock();
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
        if (r >= 0) t[r] = bench_clock() - t0;
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
        double t0 = bench_clock();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, A, n, B, n, 0, C, n);
        if (r >= 0) t[r] = bench_clock() - t0;
    }
    free(A), free(B), free(C);
    return 2.0 * n * n * n / median(t, 7) / 1e9;
}

/* G: gates (1 for the AL-RNN and the tanh RNN, 4 for the LSTM, 3 for the GRU) */
static double flops_per_seq(int M, int N, int T, int G) {
    return (double)G * T * (6.0 * M * M + 4.0 * M * N);
}

int main(int argc, char **argv) {
    blas_select_kernels(argv);
    fp_flush_subnormals();
    int threads = 1, reps = 15, scaling = 0, floor_too = 1, peer = 0;
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
        else if (!strcmp(argv[i], "--peer")) /* the shapes bench/peer_torch.py repeats */
            peer = 1;
        else if (!strcmp(argv[i], "--clock") && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "cpu") && strcmp(v, "wall")) die("--clock %s: expected cpu or wall", v);
            use_cpu_clock = !strcmp(v, "cpu");
        }
        else
            die("usage: bench [--threads K] [--reps N] [--config NAME] [--peer] [--clock cpu|wall] "
                "[--no-floor] [--scaling]");
    }
    openblas_set_num_threads(threads);
    const double peak = sgemm_peak();
    fprintf(stderr, "# sgemm 1024^3 peak: %.1f GFLOP/s (%d thread%s); kernels %s; subnormals %s; "
                    "%s clock\n",
            peak, threads, threads > 1 ? "s" : "", kern_kind_names[kern_default()],
            fp_subnormals_flushed() ? "flushed" : "kept", use_cpu_clock ? "cpu" : "wall");
    printf("config\tB\tM\tN\tT\tP\tthreads\tseq_per_s\tgflops\tpct_peak\n");
    const char *flat_path = "plots/data/bench_flat.tsv";
    FILE *flat = NULL;
    if (!only && !peer) {
        make_parent_dirs(flat_path);
        flat = fopen(flat_path, "w");
        if (!flat) die("cannot write %s", flat_path);
        fprintf(flat, "# training-step time against P (0, M/4, M): slowest / fastest\n");
        fprintf(flat, "config\tM\tsps_P0\tsps_Pq\tsps_PM\tslowest_over_fastest\n");
    }
    for (size_t k = 0; k < ARRAY_LEN(configs); k++) {
        const struct config *c = &configs[k];
        if ((only && strcmp(only, c->name)) || (peer && !c->peer)) continue;
        /* the three P values side by side, their steps interleaved, so that the load of a
         * shared machine falls on all three alike; a baseline has no P: one state */
        struct step_state s[3];
        state_init(&s[0], c, 0, 0, 0);
        const int baseline = s[0].kind != MODEL_ALRNN, nq = baseline ? 1 : 3;
        const int M = s[0].mo.M, Ps[3] = {0, M / 4, M};
        const int G = baseline ? s[0].rnet.G : 1;
        for (int q = 1; q < nq; q++) state_init(&s[q], c, Ps[q], 0, 0);
        double *t = xmalloc(3 * (size_t)reps * sizeof(double)), sps[3];
        for (int i = -3; i < reps; i++)
            for (int q = 0; q < nq; q++) {
                const double t0 = bench_clock();
                time_one_step(&s[q]);
                if (i >= 0) t[q * reps + i] = bench_clock() - t0;
            }
        for (int q = 0; q < nq; q++) {
            sps[q] = s[q].B / median(t + q * reps, reps);
            const double gf = sps[q] * flops_per_seq(M, s[q].N, s[q].T, G) / 1e9;
            printf("%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.1f\t%.1f\n", c->name, s[q].B, M, s[q].N,
                   s[q].T, Ps[q], threads, sps[q], gf, 100 * gf / peak);
        }
        fflush(stdout);
        free(t);
        for (int q = 0; q < nq; q++) state_free(&s[q]);
        if (baseline) continue;
        double lo = fmin(sps[0], fmin(sps[1], sps[2])), hi = fmax(sps[0], fmax(sps[1], sps[2]));
        fprintf(stderr, "# flat %s: slowest P at %.0f%% of the fastest (time ratio %.3f)\n",
                c->name, 100 * lo / hi, hi / lo);
        if (flat)
            fprintf(flat, "%s\t%d\t%.0f\t%.0f\t%.0f\t%.3f\n", c->name, M, sps[0], sps[1], sps[2],
                    hi / lo);
        if (floor_too && k < N_FIXED) {
            double floor = time_gemm_floor(c, reps);
            fprintf(stderr, "# %s: sgemm floor %.3f ms = %.0f seq/s (engine at P = M/4: %.0f%% "
                            "of the floor)\n",
                    c->name, 1e3 * floor, c->B / floor, 100 * sps[1] * floor / c->B);
        }
    }
    if (flat) fclose(flat);
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
            double st = time_config(c, c->M / 4, 0, Ts[i], 2, 7);
            fprintf(f, "T\t%d\t%d\t%.4f\t%.0f\t%.2f\n", c->M, Ts[i], 1e3 * st, c->B / st,
                    c->B / st * flops_per_seq(c->M, c->N, Ts[i], 1) / 1e9);
        }
        for (size_t i = 0; i < ARRAY_LEN(Ms); i++) {
            double st = time_config(c, Ms[i] / 4, Ms[i], 0, 2, 7);
            fprintf(f, "M\t%d\t%d\t%.4f\t%.0f\t%.2f\n", Ms[i], c->T, 1e3 * st, c->B / st,
                    c->B / st * flops_per_seq(Ms[i], c->N, c->T, 1) / 1e9);
        }
        fclose(f);
        fprintf(stderr, "# wrote %s\n", path);
    }
    return 0;
}
