/* analysis_context.c: contextual integration's training-time analysis (PAPER.md §2.6, §4):
 * the analyze hook of the context row, written into the run file on the kept parameters
 * and read by summarize_context.c.
 *
 * The mechanism to look for [B]: the PWL unit(s) route the two contexts into different
 * linear subregions, so the integrated evidence is read out with opposite signs; a linear
 * model (P = 0) cannot flip the sign by context.
 *
 * The hook, on the kept parameters over the whole test set (group = context):
 *   /analysis/bit_frac        (2, T+1, P) fraction of the context's test trials whose bit i
 *                             is on in state z_t (z_0 included)
 *   /analysis/pwl_mean        (2, T+1, P) mean value of PWL unit i in state z_t
 *   /analysis/final_bit_frac  (2, 2, P) bit fraction at z_T by context and label
 *   /analysis/bitcode/ctx1, ctx2   histograms of the codes of z_1..z_T (summary_write_hist)
 *   /analysis/jsd_contexts    JSD (natural log) between the two contexts' code distributions
 *
 * Summarizer: figure_context_*.tsv (see summarize_figure_context).
 */
#include <math.h>
#include <string.h>

#include "analyses.h"
#include "summary.h"


enum { CTX_HIST_TOP = 256 };

struct ctx_ctx {
    const struct dataset *d;
    int M, P, T;
    double *bit_on;    /* (2, T+1, P) trials with the bit on */
    double *pwl_sum;   /* (2, T+1, P) summed PWL unit values */
    double *final_on;  /* (2, 2, P) by context, label */
    double n_ctx[2];
    double n_final[2][2];
    struct bitcode_counter hist[2];
    unsigned char *sel[2]; /* (T * B) rows of a batch per context */
};

static void ctx_visit(void *vctx, int first, int B, int T, const real *Z) {
    struct ctx_ctx *c = vctx;
    const int M = c->M, P = c->P;
    memset(c->sel[0], 0, (size_t)T * B);
    memset(c->sel[1], 0, (size_t)T * B);
    for (int b = 0; b < B; b++) {
        const int i = first + b, g = c->d->group[i], lab = c->d->label[i];
        ASSERT(g == 0 || g == 1);
        c->n_ctx[g]++;
        c->n_final[g][lab]++;
        for (int t = 0; t <= T; t++) {
            const real *z = Z + ((size_t)t * B + b) * M;
            for (int u = 0; u < P; u++) {
                const real v = z[M - P + u];
                c->bit_on[((size_t)g * (T + 1) + t) * P + u] += v > 0;
                c->pwl_sum[((size_t)g * (T + 1) + t) * P + u] += v;
                if (t == T) c->final_on[((size_t)g * 2 + lab) * P + u] += v > 0;
            }
            if (t > 0) c->sel[g][(size_t)(t - 1) * B + b] = 1;
        }
    }
    for (int g = 0; g < 2; g++)
        bitcode_counter_add_states(&c->hist[g], Z + (size_t)B * M, T * B, M, c->sel[g]);
}

void analysis_context(const struct resolved *r, const struct alrnn *m,
                         const struct dataset *test, uint64_t seed, const struct h5file *f) {
    const int M = m->cfg.M, P = m->cfg.P, T = test->T;
    ASSERT(test->group && test->label && test->T_out == 1);
    struct ctx_ctx c = {.d = test, .M = M, .P = P, .T = T};
    const size_t nf = (size_t)2 * (T + 1) * (P ? P : 1);
    c.bit_on = xcalloc(nf, sizeof(double));
    c.pwl_sum = xcalloc(nf, sizeof(double));
    c.final_on = xcalloc((size_t)4 * (P ? P : 1), sizeof(double));
    for (int g = 0; g < 2; g++) {
        bitcode_counter_init(&c.hist[g], P);
        c.sel[g] = xmalloc((size_t)T * r->s.train.batch);
    }
    train_forward_each(m, test, 0, r->s.train.batch, seed, ctx_visit, &c);

    for (int g = 0; g < 2; g++)
        for (int t = 0; t <= T; t++)
            for (int u = 0; u < P; u++) {
                const size_t j = ((size_t)g * (T + 1) + t) * P + u;
                c.bit_on[j] = c.n_ctx[g] > 0 ? c.bit_on[j] / c.n_ctx[g] : NAN;
                c.pwl_sum[j] = c.n_ctx[g] > 0 ? c.pwl_sum[j] / c.n_ctx[g] : NAN;
            }
    for (int g = 0; g < 2; g++)
        for (int l = 0; l < 2; l++)
            for (int u = 0; u < P; u++) {
                double *v = &c.final_on[((size_t)g * 2 + l) * P + u];
                *v = c.n_final[g][l] > 0 ? *v / c.n_final[g][l] : NAN;
            }
    const size_t d3[3] = {2, T + 1, P}, df[3] = {2, 2, P};
    h5_write(f, "/analysis/bit_frac", H5K_F64, 3, d3, c.bit_on,
             "fraction of the test trials of context c (0 = C1 normal, 1 = C2 inverted) whose "
             "PWL unit i is on (z > 0) in state z_t, t = 0..T",
             "1");
    h5_write(f, "/analysis/pwl_mean", H5K_F64, 3, d3, c.pwl_sum,
             "mean of PWL unit i in state z_t over the test trials of context c", "latent units");
    h5_write(f, "/analysis/final_bit_frac", H5K_F64, 3, df, c.final_on,
             "fraction of test trials with PWL unit i on in the final state z_T, by context and "
             "label",
             "1");
    struct bitcode_hist h[2];
    for (int g = 0; g < 2; g++) {
        bitcode_counter_hist(&c.hist[g], &h[g]);
        summary_write_hist(f, g ? "/analysis/bitcode/ctx2" : "/analysis/bitcode/ctx1", &h[g],
                       CTX_HIST_TOP, g ? "the states z_1..z_T of context C2 (inverted)"
                                       : "the states z_1..z_T of context C1 (normal)");
    }
    double jsd = NAN;
    if (h[0].total > 0 && h[1].total > 0) {
        struct bitcode_aligned a;
        bitcode_align(&a, h, 2);
        jsd = jsd_pair(a.prob, a.prob + a.n_codes, a.n_codes);
        bitcode_aligned_free(&a);
    }
    h5_write_scalar(f, "/analysis/jsd_contexts", jsd,
                    "Jensen-Shannon divergence (natural log) between the code distributions of "
                    "the two contexts' states z_1..z_T",
                    "nats");
    for (int g = 0; g < 2; g++) {
        bitcode_hist_free(&h[g]);
        bitcode_counter_free(&c.hist[g]);
        free(c.sel[g]);
    }
    free(c.bit_on);
    free(c.pwl_sum);
    free(c.final_on);
}
