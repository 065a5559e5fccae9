/* summarize_context.c: the contextual-integration figure (PAPER.md §2.6) from the context
 * sweep's run files and the /analysis group analysis_context.c wrote into them.
 */
#include <math.h>
#include <string.h>

#include "figures.h"
#include "summary.h"

/* figure_context_a.tsv     test accuracy (all, C1, C2) against P over seeds
 * figure_context_runs.tsv  one row per run: accuracies, JSD between the contexts' codes
 * figure_context_b.tsv     P = 1, best seed: fraction of trials with the PWL bit on over time
 *                          in each context, and the mean PWL unit value
 * figure_context_c.tsv     P = 1, best seed: the PWL unit over time in the stored test
 *                          trials, one block per trial (context and label in the block
 *                          header) for gnuplot's `index`
 * figure_context_d.tsv     P = 5 (or the closest P >= 2), best seed: bit fraction of every
 *                          PWL unit over time, rows "C<c> u<i>", as a gnuplot matrix (row
 *                          headers; column j is t = j)
 * figure_context_meta.tsv  the P and seed panels b-d show */
void summarize_figure_context(const struct figure *fig, profile_kind p, const char *root,
                              const char *out) {
    struct resolved r;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &r);
    const int S = r.s.seeds;
    struct sweep sw[3];
    sweep_read(&sw[0], &r, root, "/test/accuracy");
    sweep_read(&sw[1], &r, root, "/test/accuracy_ctx1");
    sweep_read(&sw[2], &r, root, "/test/accuracy_ctx2");
    sweep_union(sw, 3);
    struct tsv t, tr;
    tsv_open(&t, out, "figure_context_a.tsv",
             "contextual integration: test accuracy against P over the seeds that did not "
             "diverge (std = sample std; n_diverged runs left out)");
    fprintf(t.fp, "P\tn_seeds\tmean_acc\tstd_acc\tmin_acc\tmax_acc\tmean_acc_ctx1\tstd_acc_ctx1\t"
                  "mean_acc_ctx2\tstd_acc_ctx2\tn_diverged\n");
    tsv_open(&tr, out, "figure_context_runs.tsv",
             "contextual integration: one row per run (nan: diverged)");
    fprintf(tr.fp, "P\tseed\tacc\tacc_ctx1\tacc_ctx2\tjsd_contexts\tselected_epoch\tdiverged\n");
    for (int k = 0; k < r.n_P; k++) {
        for (int s = 0; s < S; s++) {
            const size_t i = (size_t)k * S + s;
            double jsd = NAN, sel = NAN;
            if (!sw[0].diverged[i]) {
                struct h5file f;
                summary_open_run(&r, root, r.P[k], s, &f);
                jsd = summary_read_scalar(&f, "/analysis/jsd_contexts");
                sel = summary_read_scalar(&f, "/train/selected_epoch");
                h5_close(&f);
            }
            fprintf(tr.fp, "%d\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.0f\t%d\n", r.P[k], s, sw[0].v[i],
                    sw[1].v[i], sw[2].v[i], jsd, sel, sw[0].diverged[i]);
        }
        const struct stats st = sw[0].st[k], s1 = sw[1].st[k], s2 = sw[2].st[k];
        fprintf(t.fp, "%d\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%d\n", r.P[k], st.n,
                st.mean, st.std, st.min, st.max, s1.mean, s1.std, s2.mean, s2.std,
                sw[0].n_diverged[k]);
        printf("figure-context: P=%d accuracy %.3f ± %.3f (C1 %.3f, C2 %.3f)%s\n", r.P[k],
               st.mean, st.std, s1.mean, s2.mean, sw[0].n_diverged[k] ? ", some runs diverged" : "");
    }
    tsv_close(&t);
    tsv_close(&tr);
    summary_write_notes(out, fig->name, sweep_total_diverged(&sw[0]), r.n_P * S);

    const int Pb = summary_pick_P(&r, 1, 1), Pd = summary_pick_P(&r, 5, 2);
    /* the best seed that did not diverge; a panel whose runs all diverged is left out (-1) */
    const int sb = Pb > 0 ? sweep_best_seed(&sw[0], sweep_index(&sw[0], Pb), 1) : -1;
    const int sd = Pd > 0 ? sweep_best_seed(&sw[0], sweep_index(&sw[0], Pd), 1) : -1;
    for (int i = 0; i < 3; i++) sweep_free(&sw[i]);
    tsv_open(&t, out, "figure_context_meta.tsv", "contextual integration: the P and seed of "
                                                 "panels b-c and of panel d (-1: not in the grid)");
    fprintf(t.fp, "# P_bc\tseed_bc\tP_d\tseed_d\n%d\t%d\t%d\t%d\n", Pb, sb, Pd, sd);
    tsv_close(&t);
    if (Pb > 0 && sb >= 0) {
        struct h5file f;
        summary_open_run(&r, root, Pb, sb, &f);
        size_t d3[4], dx[4];
        const int M = r.s.M; /* the root attribute M was checked against the row */
        double *frac = summary_read_f64(&f, "/analysis/bit_frac", 3, SHAPE(2, -1, Pb), d3);
        const int T1 = (int)d3[1];
        double *mean = summary_read_f64(&f, "/analysis/pwl_mean", 3, SHAPE(2, T1, Pb), NULL);
        double *x = summary_read_f64(&f, "/test/sample/x", 3, SHAPE(-1, -1, -1), dx);
        const int NS = (int)dx[0], T = (int)dx[1], N = (int)dx[2];
        if (N < 3) die("%s: /test/sample/x has %d input channels, expected at least 3", f.path, N);
        double *z = summary_read_f64(&f, "/test/sample/z", 3, SHAPE(NS, T + 1, M), NULL);
        int32_t *lab = summary_read_i32(&f, "/test/sample/label", 2, SHAPE(NS, 1), NULL);
        const double acc = summary_read_scalar(&f, "/test/accuracy");
        h5_close(&f);
        char hdr[256];
        snprintf(hdr, sizeof hdr, "contextual integration, P=%d seed %d (best seed, accuracy "
                 "%.3f): PWL unit 1 (unit %d) per context", Pb, sb, acc, M - Pb + 1);
        tsv_open(&t, out, "figure_context_b.tsv", hdr);
        fprintf(t.fp, "t\tC1 (normal): fraction of trials with bit on\tC2 (inverted): fraction "
                      "of trials with bit on\tC1 mean PWL unit\tC2 mean PWL unit\n");
        for (int s = 0; s < T1; s++)
            fprintf(t.fp, "%d\t%.6g\t%.6g\t%.6g\t%.6g\n", s, frac[(size_t)s * Pb],
                    frac[((size_t)T1 + s) * Pb], mean[(size_t)s * Pb], mean[((size_t)T1 + s) * Pb]);
        tsv_close(&t);

        tsv_open(&t, out, "figure_context_c.tsv", hdr);
        fprintf(t.fp, "# columns: t, context (1 = C1 normal, 2 = C2 inverted), label, PWL unit "
                      "z_t, evidence summed over inputs 1..t-1; one block per test trial\n");
        for (int i = 0; i < NS; i++) {
            const double *xi = x + (size_t)i * T * N;
            const int ctx = xi[1] > 0.5 ? 2 : 1; /* channel 1 = C2 at t = 0 */
            if (i) fprintf(t.fp, "\n\n");
            fprintf(t.fp, "# trial %d context C%d label %d\n", i, ctx, lab[i]);
            double ev = 0;
            for (int s = 0; s <= T; s++) {
                if (s >= 1) ev += xi[(size_t)(s - 1) * N + 2]; /* evidence channel, input s-1 */
                fprintf(t.fp, "%d\t%d\t%d\t%.6g\t%.6g\n", s, ctx, lab[i],
                        z[((size_t)i * (T + 1) + s) * M + M - Pb], ev);
            }
        }
        tsv_close(&t);
        free(frac);
        free(mean);
        free(z);
        free(x);
        free(lab);
    }

    if (Pd > 0 && sd >= 0) {
        struct h5file f;
        summary_open_run(&r, root, Pd, sd, &f);
        size_t d3[4];
        double *frac = summary_read_f64(&f, "/analysis/bit_frac", 3, SHAPE(2, -1, Pd), d3);
        const double acc = summary_read_scalar(&f, "/test/accuracy");
        h5_close(&f);
        const int T1 = (int)d3[1];
        char hdr[256];
        snprintf(hdr, sizeof hdr, "contextual integration, P=%d seed %d (best seed, accuracy "
                 "%.3f): fraction of trials with each PWL bit on, by context", Pd, sd, acc);
        tsv_open(&t, out, "figure_context_d.tsv", hdr);
        fprintf(t.fp, "# row label, then one column per state z_t, t = 0..%d\n", T1 - 1);
        for (int g = 0; g < 2; g++)
            for (int u = 0; u < Pd; u++) {
                fprintf(t.fp, "C%d u%d", g + 1, u + 1);
                for (int s = 0; s < T1; s++)
                    fprintf(t.fp, "\t%.4g", frac[((size_t)g * T1 + s) * Pd + u]);
                fprintf(t.fp, "\n");
            }
        tsv_close(&t);
        free(frac);
    }
}
