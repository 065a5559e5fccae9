/* analysis_realdata.c: the training-time analysis of the real-data experiments (PAPER.md
 * §2.1–2.3, §4): the analyze hook of the imdb, smnist and audio rows, read by
 * summarize_realdata.c.
 *
 * analysis_realdata() runs the kept model over the first n_a = min(n_test, 2000) test
 * sequences (the task's fixed test order, so every run of a sweep sees the same ones), with
 * initial states drawn as in evaluation, and writes into the run file:
 *   /analysis/label          (n_a) i32        class of each analysed sequence
 *   /analysis/final_z        (n_a, M) real    z_T, the state the readout sees (PCA, Fig 2c/f)
 *   /analysis/class_steps    (K) f64          recurrence steps counted per class (n_k · T)
 * and for P >= 1 (bitcodes d_t = 1[z_{t,M-P+i} > 0] over every step t = 1..T, PAPER.md §4):
 *   /analysis/bitcode/code           (n_top, P) u8   the n_top <= 64 most frequent codes
 *   /analysis/bitcode/count          (n_top) f64     steps in each, all classes
 *   /analysis/bitcode/count_by_class (n_top, K) f64
 *   /analysis/bitcode/n_codes, total scalars: distinct codes seen, steps counted
 *   /analysis/hamming_first  (K, T) f64   mean over class-k sequences of Hamming(d_t, d_1),
 *                                         the distance from the sequence's own first code
 *   /analysis/hamming_mode   (K, T) f64   Hamming(d_t, d_mode), d_mode = the most frequent
 *                                         code over all analysed steps
 * and for sMNIST /analysis/class_mean_x (K, 784) f64, the mean image of each digit.
 */
#include <math.h>
#include <string.h>

#include "analyses.h"
#include "analysis.h"
#include "summary.h"
#include "tasks.h"

enum {
    ANALYSIS_MAX = 2000, /* analysed test sequences */
    ANALYSIS_B = 100,    /* batch of the analysis forward passes */
    TOP_CODES = 64,      /* codes stored per run */
};

/* Collects, per batch of train_forward_each(), the final states and every step's code of the
 * analysed sequences, sequence-major. */
struct rd_ctx {
    int M, P, W, T;
    real *final_z;    /* (n, M) */
    uint64_t *codes;  /* (n, T, W) */
    uint64_t *bcodes; /* (T, B, W) scratch */
};

static void rd_visit(void *vctx, int first, int B, int T, const real *Z) {
    struct rd_ctx *c = vctx;
    const int M = c->M, W = c->W;
    ASSERT(T == c->T);
    const size_t BM = (size_t)B * M;
    memcpy(c->final_z + (size_t)first * M, Z + (size_t)T * BM, BM * sizeof(real));
    bitcode_compute(Z + BM, T * B, M, c->P, c->bcodes);
    for (int i = 0; i < B; i++)
        for (int t = 0; t < T; t++)
            memcpy(c->codes + ((size_t)(first + i) * T + t) * W, c->bcodes + ((size_t)t * B + i) * W,
                   W * sizeof(uint64_t));
}

void analysis_realdata(const struct resolved *r, const struct alrnn *m,
                          const struct dataset *test, uint64_t seed, const struct h5file *f) {
    const int n = test->n < ANALYSIS_MAX ? test->n : ANALYSIS_MAX;
    if (n == 0) return;
    const int M = m->cfg.M, P = m->cfg.P, K = test->K, Tin = test->T, N = test->N;
    const int W = bitcode_words(P);
    const int B = n < ANALYSIS_B ? n : ANALYSIS_B;
    const int T = alrnn_steps(m, Tin);

    struct rd_ctx c = {.M = M, .P = P, .W = W, .T = T};
    c.final_z = xmalloc((size_t)n * M * sizeof(real));
    c.codes = xmalloc((size_t)n * T * W * sizeof(uint64_t));
    c.bcodes = xmalloc((size_t)T * B * W * sizeof(uint64_t));
    train_forward_each(m, test, n, B, seed, rd_visit, &c);
    real *final_z = c.final_z;
    uint64_t *codes = c.codes;
    int32_t *labels = xmalloc((size_t)n * sizeof(int32_t));
    for (int i = 0; i < n; i++) labels[i] = test->label[(size_t)i * test->T_out + test->T_out - 1];

    const size_t d1[1] = {n}, dz[2] = {n, M}, dk[1] = {K};
    h5_write(f, "/analysis/label", H5K_I32, 1, d1, labels, "class of each analysed test sequence",
             "class index");
    h5_write(f, "/analysis/final_z", H5K_REAL, 2, dz, final_z,
             "final latent state z_T of each analysed test sequence", "latent units");
    double *class_steps = xcalloc(K, sizeof(double));
    for (int i = 0; i < n; i++) class_steps[labels[i]] += T;
    h5_write(f, "/analysis/class_steps", H5K_F64, 1, dk, class_steps,
             "recurrence steps counted per class (sequences of the class times T)", "steps");

    if (P >= 1) {
        struct bitcode_hist h;
        bitcode_hist_build(&h, codes, n * T, P, NULL);
        const int n_top = h.n_codes < TOP_CODES ? h.n_codes : TOP_CODES;
        struct bitcode_set set;
        bitcode_set_init(&set, P);
        for (int c = 0; c < n_top; c++) ASSERT(bitcode_set_insert(&set, h.codes + (size_t)c * W) == c);
        double *count = xcalloc(n_top, sizeof(double)), *by_class = xcalloc((size_t)n_top * K, sizeof(double));
        for (int i = 0; i < n; i++)
            for (int t = 0; t < T; t++) {
                const int c = bitcode_set_find(&set, codes + ((size_t)i * T + t) * W);
                if (c < 0) continue;
                count[c] += 1;
                by_class[(size_t)c * K + labels[i]] += 1;
            }
        uint8_t *bits = xmalloc((size_t)n_top * P);
        for (int c = 0; c < n_top; c++) summary_unpack_code(h.codes + (size_t)c * W, P, bits + (size_t)c * P);
        const size_t dc[2] = {n_top, P}, dn[1] = {n_top}, dnk[2] = {n_top, K};
        h5_write(f, "/analysis/bitcode/code", H5K_U8, 2, dc, bits,
                 "most frequent bitcodes over all analysed steps, unit M-P first", "bit");
        h5_write(f, "/analysis/bitcode/count", H5K_F64, 1, dn, count, "steps in each code",
                 "steps");
        h5_write(f, "/analysis/bitcode/count_by_class", H5K_F64, 2, dnk, by_class,
                 "steps in each code, per class of the sequence", "steps");
        h5_write_scalar(f, "/analysis/bitcode/n_codes", h.n_codes,
                        "distinct bitcodes over all analysed steps", "codes");
        h5_write_scalar(f, "/analysis/bitcode/total", (double)h.total, "steps counted", "steps");

        /* Hamming distances per class and step, from the first code and from the mode */
        double *hf = xcalloc((size_t)K * T, sizeof(double)), *hm = xcalloc((size_t)K * T, sizeof(double));
        double *nk = xcalloc(K, sizeof(double));
        for (int i = 0; i < n; i++) {
            const uint64_t *ci = codes + (size_t)i * T * W;
            nk[labels[i]] += 1;
            for (int t = 0; t < T; t++) {
                hf[(size_t)labels[i] * T + t] += bitcode_hamming(ci + (size_t)t * W, ci, P);
                hm[(size_t)labels[i] * T + t] += bitcode_hamming(ci + (size_t)t * W, h.codes, P);
            }
        }
        for (int k = 0; k < K; k++)
            for (int t = 0; t < T; t++) {
                hf[(size_t)k * T + t] = nk[k] ? hf[(size_t)k * T + t] / nk[k] : NAN;
                hm[(size_t)k * T + t] = nk[k] ? hm[(size_t)k * T + t] / nk[k] : NAN;
            }
        const size_t dh[2] = {K, T};
        h5_write(f, "/analysis/hamming_first", H5K_F64, 2, dh, hf,
                 "per class and step t = 1..T: mean Hamming distance of d_t from the sequence's "
                 "first code d_1",
                 "bits");
        h5_write(f, "/analysis/hamming_mode", H5K_F64, 2, dh, hm,
                 "per class and step t = 1..T: mean Hamming distance of d_t from the most "
                 "frequent code (bitcode/code row 0)",
                 "bits");
        free(hf), free(hm), free(nk), free(bits), free(count), free(by_class);
        bitcode_set_free(&set);
        bitcode_hist_free(&h);
    }

    if (r->exp->task == &task_smnist) {
        const size_t L = (size_t)Tin * N;
        double *img = xcalloc((size_t)K * L, sizeof(double)), *nk = xcalloc(K, sizeof(double));
        for (int i = 0; i < n; i++) {
            const real *xi = test->x + (size_t)i * L;
            nk[labels[i]] += 1;
            for (size_t q = 0; q < L; q++) img[(size_t)labels[i] * L + q] += xi[q];
        }
        for (int k = 0; k < K; k++)
            for (size_t q = 0; q < L; q++) img[(size_t)k * L + q] = nk[k] ? img[(size_t)k * L + q] / nk[k] : 0;
        const size_t di[2] = {K, L};
        h5_write(f, "/analysis/class_mean_x", H5K_F64, 2, di, img,
                 "mean input sequence (the digit image, row-major) of each class", "pixel in [0, 1]");
        free(img), free(nk);
    }

    free(class_steps), free(labels), free(final_z), free(c.bcodes), free(codes);
}
