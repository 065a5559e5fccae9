/* summarize_copy.c: Figure 3 (PAPER.md §3, copy task §2.4) from the copy sweep's run files,
 * reading the /analysis groups analysis_copy.c wrote into them.
 */
#include <math.h>
#include <string.h>

#include "figures.h"
#include "summary.h"

static const double copy_pi = 3.14159265358979323846;

/* Figure 3 from the copy sweep:
 *   figure3c.tsv        symbol-wise and whole-sequence recall accuracy vs P, over seeds
 *   figure3_runs.tsv    one row per run: accuracies, distinct recall codes, autonomous orbit,
 *                       PCA (first ratio, components for 90% of the variance)
 *   figure3d.tsv        recall-phase bitcode histogram at P = 10 (best seed)
 *   figure3e.tsv        PCA explained-variance ratios at P = 1, mean ± std over seeds
 *   figure3b_top.tsv    the (first) PWL unit over time for test sequences 0 and 1, P = 1
 *   figure3b_auto.tsv   the zero-input run from the delay start of sequence 0, P = 1
 *   figure3b_cycle.tsv  one period of its settled orbit on PC1/PC2
 *   figure3c_baselines.tsv, .gp   the baseline rows of the figure (figure3-baselines: copy-tanh,
 *                       -lstm, -gru, M units each): symbol-wise recall accuracy over their seeds
 *                       and the band (c) draws beside the P curve (summary_write_bands) */

/* (c) recall accuracy against P and figure3_runs.tsv, one row per run; the notes file. */
static void fig3_accuracy(const struct resolved *r, const struct sweep *sw, const char *root,
                          const char *out, const char *name) {
    const int S = r->s.seeds, M = r->s.M; /* the root attribute M was checked against the row */
    struct tsv t, tr;
    tsv_open(&t, out, "figure3c.tsv",
             "copy task: test recall accuracy against P over the seeds that did not diverge "
             "(std = sample std; n_diverged runs left out)");
    fprintf(t.fp, "P\tn_seeds\tmean_symbol_acc\tstd_symbol_acc\tmin_symbol_acc\tmax_symbol_acc\t"
                  "mean_sequence_acc\tstd_sequence_acc\tn_diverged\n");
    tsv_open(&tr, out, "figure3_runs.tsv", "copy task: one row per run (diverged runs: nan)");
    fprintf(tr.fp, "P\tseed\tsymbol_acc\tsequence_acc\trecall_codes\tall_codes\tauto_period_0\t"
                   "auto_settle_0\tauto_cycle_codes_0\tauto_period_1\tauto_final_norm_0\t"
                   "pca_ratio_1\tpcs_for_90pct\tdelay_code_freq\tmax_modulus\t"
                   "complex_modulus\tcomplex_period\tdiverged\n");
    for (int k = 0; k < r->n_P; k++) {
        for (int s = 0; s < S; s++) {
            const size_t i = (size_t)k * S + s;
            if (sw[0].diverged[i]) {
                fprintf(tr.fp, "%d\t%d\tnan\tnan\tnan\tnan\t-1\t-1\t-1\t-1\tnan\tnan\t-1\tnan\tnan\t"
                               "nan\tnan\t1\n", r->P[k], s);
                continue;
            }
            struct h5file f;
            summary_open_run(r, root, r->P[k], s, &f);
            size_t d1[4], ds[4];
            int32_t *per = summary_read_i32(&f, "/analysis/autonomous/period", 1, SHAPE(-1), d1);
            const int ns = (int)d1[0];
            if (ns < 1) die("%s: /analysis/autonomous/period is empty", f.path);
            int32_t *set = summary_read_i32(&f, "/analysis/autonomous/settle", 1, SHAPE(ns), NULL);
            int32_t *nd = summary_read_i32(&f, "/analysis/autonomous/n_distinct", 1, SHAPE(ns), NULL);
            double *fn = summary_read_f64(&f, "/analysis/autonomous/final_norm", 1, SHAPE(ns), NULL);
            double *ratio = summary_read_f64(&f, "/analysis/pca/ratio", 1, SHAPE(M), NULL);
            double cum = 0;
            int n90 = 0;
            while (n90 < M && cum < 0.9) cum += ratio[n90++];
            /* spectrum of the most frequent delay subregion: largest modulus, and the complex
             * eigenvalue of largest modulus with its rotation period 2π/θ */
            double *mod = summary_read_f64(&f, "/analysis/spectrum/modulus", 2, SHAPE(-1, M), ds);
            const size_t nk = ds[0];
            double *ang = summary_read_f64(&f, "/analysis/spectrum/angle", 2, SHAPE(nk, M), NULL);
            double *sf = summary_read_f64(&f, "/analysis/spectrum/freq", 1, SHAPE(nk), NULL);
            double cmod = NAN, cper = NAN;
            for (size_t j = 0; nk && j < (size_t)M && isnan(cmod); j++)
                if (ang[j] > 1e-9 && ang[j] < copy_pi - 1e-9) cmod = mod[j], cper = 2 * copy_pi / ang[j];
            fprintf(tr.fp, "%d\t%d\t%.6g\t%.6g\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%.4g\t%.6g\t%d\t%.4g\t%.6g\t"
                           "%.6g\t%.4g\t0\n",
                    r->P[k], s, sw[0].v[i], sw[1].v[i],
                    summary_read_scalar(&f, "/analysis/bitcode/recall/n_codes"),
                    summary_read_scalar(&f, "/analysis/bitcode/all/n_codes"), per[0], set[0], nd[0],
                    ns > 1 ? per[1] : 0, fn[0], ratio[0], n90, nk ? sf[0] : NAN,
                    nk ? mod[0] : NAN, cmod, cper);
            free(fn);
            free(mod);
            free(ang);
            free(sf);
            free(per);
            free(set);
            free(nd);
            free(ratio);
            h5_close(&f);
        }
        const struct stats a = sw[0].st[k], b = sw[1].st[k];
        fprintf(t.fp, "%d\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%d\n", r->P[k], a.n, a.mean,
                a.std, a.min, a.max, b.mean, b.std, sw[0].n_diverged[k]);
        printf("figure3: P=%d symbol accuracy %.3f ± %.3f, sequence accuracy %.3f ± %.3f%s\n",
               r->P[k], a.mean, a.std, b.mean, b.std,
               sw[0].n_diverged[k] ? " (some runs diverged)" : "");
    }
    tsv_close(&t);
    tsv_close(&tr);
    summary_write_notes(out, name, sweep_total_diverged(&sw[0]), r->n_P * S);

}

/* (d) the recall-phase bitcodes of the best seed at P = 10 (or the grid's nearest). */
static void fig3_codes(const struct resolved *r, const struct sweep *sw, const char *root,
                       const char *out) {
    struct tsv t;
    /* (d) recall-phase bitcodes at P = 10 */
    const int Pd = summary_pick_P(r, 10, 1);
    const int sd = Pd > 0 ? sweep_best_seed(&sw[0], sweep_index(&sw[0], Pd), 1) : -1;
    if (Pd > 0 && sd >= 0) {
        struct h5file f;
        summary_open_run(r, root, Pd, sd, &f);
        size_t dims[4];
        uint8_t *codes = summary_read_u8(&f, "/analysis/bitcode/recall/codes", 2, SHAPE(-1, Pd), dims);
        const size_t n = dims[0];
        double *freq = summary_read_f64(&f, "/analysis/bitcode/recall/freq", 1, SHAPE(n), NULL);
        int32_t *cnt = summary_read_i32(&f, "/analysis/bitcode/recall/counts", 1, SHAPE(n), NULL);
        const double ncodes = summary_read_scalar(&f, "/analysis/bitcode/recall/n_codes");
        h5_close(&f);
        char hdr[256];
        snprintf(hdr, sizeof hdr, "copy, P=%d seed %d (best seed): recall-phase bitcodes, %.0f "
                 "distinct of 2^%d possible", Pd, sd, ncodes, Pd);
        tsv_open(&t, out, "figure3d.tsv", hdr);
        /* the freq column's header doubles as the plot's key */
        fprintf(t.fp, "rank\tcode\tcount\tP=%d: %.0f of %.0f codes used\n", Pd, ncodes, pow(2, Pd));
        for (size_t j = 0; j < n; j++) {
            char s[128];
            const int w = (int)dims[1] < 127 ? (int)dims[1] : 127;
            for (int b = 0; b < w; b++) s[b] = codes[j * dims[1] + b] ? '1' : '0';
            s[w] = 0;
            fprintf(t.fp, "%zu\t%s\t%d\t%.6g\n", j + 1, s, cnt[j], freq[j]);
        }
        tsv_close(&t);
        free(codes);
        free(freq);
        free(cnt);
    }

}

/* (e) the PCA spectrum at P = 1, mean ± std over the seeds. */
static void fig3_pca(const struct resolved *r, const struct sweep *sw, const char *root,
                     const char *out) {
    const int S = r->s.seeds, M = r->s.M;
    struct tsv t;
    /* (e) PCA spectrum at P = 1 */
    const int Pe = summary_pick_P(r, 1, 1);
    const int ke = Pe > 0 ? sweep_index(&sw[0], Pe) : -1;
    if (Pe > 0 && sw[0].st[ke].n > 0) {
        double *ratio = xmalloc((size_t)S * M * sizeof(double));
        for (int s = 0; s < S; s++) {
            if (sw[0].diverged[(size_t)ke * S + s]) { /* left out: NaN is skipped by stats_of */
                for (int j = 0; j < M; j++) ratio[(size_t)s * M + j] = NAN;
                continue;
            }
            struct h5file f;
            summary_open_run(r, root, Pe, s, &f);
            double *v = summary_read_f64(&f, "/analysis/pca/ratio", 1, SHAPE(M), NULL);
            h5_close(&f);
            memcpy(ratio + (size_t)s * M, v, M * sizeof(double));
            free(v);
        }
        char hdr[160];
        snprintf(hdr, sizeof hdr, "copy, P=%d: PCA explained-variance ratio of the test states, "
                 "over %d seeds (%d diverged, left out)", Pe, sw[0].st[ke].n, sw[0].n_diverged[ke]);
        tsv_open(&t, out, "figure3e.tsv", hdr);
        fprintf(t.fp, "component\tmean_ratio\tstd_ratio\tmean_cumulative\n");
        double cum = 0, *col = xmalloc(S * sizeof(double));
        for (int j = 0; j < M; j++) {
            for (int s = 0; s < S; s++) col[s] = ratio[(size_t)s * M + j];
            struct stats st = stats_of(col, S);
            cum += st.mean;
            fprintf(t.fp, "%d\t%.6g\t%.6g\t%.6g\n", j + 1, st.mean, st.std, cum);
        }
        tsv_close(&t);
        free(col);
        free(ratio);
    }

}

/* (b) P = 1, best seed: the PWL unit in two trials, then the zero-input run and its cycle. */
static void fig3_autonomous(const struct resolved *r, const struct sweep *sw, const char *root,
                            const char *out) {
    const int M = r->s.M; /* the root attribute M was checked against the row */
    struct tsv t;
    /* (b) P = 1, best seed: the PWL unit in two trials, then the autonomous run */
    const int Pb = summary_pick_P(r, 1, 1);
    const int sb = Pb > 0 ? sweep_best_seed(&sw[0], sweep_index(&sw[0], Pb), 1) : -1;
    if (Pb > 0 && sb >= 0) {
        struct h5file f;
        summary_open_run(r, root, Pb, sb, &f);
        size_t dz[4], dx[4], da[4], dc[4], d1[4];
        double *x = summary_read_f64(&f, "/test/sample/x", 3, SHAPE(-1, -1, -1), dx);
        const int NS = (int)dx[0], T = (int)dx[1], N = (int)dx[2];
        if (NS < 1) die("%s: /test/sample/x holds no sequence", f.path);
        double *z = summary_read_f64(&f, "/test/sample/z", 3, SHAPE(NS, T + 1, M), dz);
        double *mask = summary_read_f64(&f, "/test/sample/mask", 2, SHAPE(NS, T), NULL);
        int32_t *per = summary_read_i32(&f, "/analysis/autonomous/period", 1, SHAPE(-1), d1);
        const int ns = (int)d1[0];
        if (ns < 1) die("%s: /analysis/autonomous/period is empty", f.path);
        double *az = summary_read_f64(&f, "/analysis/autonomous/z", 3, SHAPE(ns, -1, M), da);
        double *apc = summary_read_f64(&f, "/analysis/autonomous/pc", 3, SHAPE(ns, da[1], 3), NULL);
        double *cpc = summary_read_f64(&f, "/analysis/autonomous/cycle_pc_0", 2, SHAPE(-1, 3), dc);
        uint8_t *ccode =
            summary_read_u8(&f, "/analysis/autonomous/cycle_codes_0", 2, SHAPE(dc[0], Pb), NULL);
        int32_t *set = summary_read_i32(&f, "/analysis/autonomous/settle", 1, SHAPE(ns), NULL);
        int32_t *nd = summary_read_i32(&f, "/analysis/autonomous/n_distinct", 1, SHAPE(ns), NULL);
        int32_t *ntr = summary_read_i32(&f, "/analysis/autonomous/transient_codes", 1, SHAPE(ns), NULL);
        double *fnorm = summary_read_f64(&f, "/analysis/autonomous/final_norm", 1, SHAPE(ns), NULL);
        int32_t *div = summary_read_i32(&f, "/analysis/autonomous/diverged", 1, SHAPE(ns), NULL);
        const long steps = h5_read_attr_int(&f, "/analysis/autonomous", "steps");
        const long max_per = h5_read_attr_int(&f, "/analysis/autonomous", "max_period");
        const double acc = summary_read_scalar(&f, "/test/symbol_accuracy");
        h5_close(&f);
        const int T1 = (int)dz[1];
        const int u = M - Pb; /* the first PWL unit */
        char hdr[256];
        snprintf(hdr, sizeof hdr, "copy, P=%d seed %d (best seed, symbol accuracy %.3f): PWL unit "
                 "%d over time for test sequences 0 and 1", Pb, sb, acc, u + 1);
        tsv_open(&t, out, "figure3b_top.tsv", hdr);
        fprintf(t.fp, "t\tPWL unit, sequence 0\tPWL unit, sequence 1\tphase (0 encode, 1 delay, "
                      "2 recall)\n");
        for (int s = 1; s < T1; s++) {
            int ph = mask[s - 1] != 0 ? 2 : 1; /* state z_s follows input s-1 */
            for (int ch = 0; ch < N; ch++)
                if (ph == 1 && x[(size_t)(s - 1) * N + ch] != 0) ph = 0;
            fprintf(t.fp, "%d\t%.6g\t%.6g\t%d\n", s, z[(size_t)s * M + u],
                    dz[0] > 1 ? z[((size_t)T1 + s) * M + u] : NAN, ph);
        }
        tsv_close(&t);
        snprintf(hdr, sizeof hdr, "copy, P=%d seed %d: zero-input run from the delay start of "
                 "test sequence 0", Pb, sb);
        tsv_open(&t, out, "figure3b_auto.tsv", hdr);
        const int K = (int)da[1];
        if (per[0] > 0)
            fprintf(t.fp, "step\tPWL unit %d (settles on a %d-cycle at step %d; %d codes on it, "
                          "%d before)\tPC1\tPC2\n", u + 1, per[0], set[0], nd[0], ntr[0]);
        else if (div[0])
            fprintf(t.fp, "step\tPWL unit %d (no cycle: |z| passes 1e30 within %ld steps; %d codes "
                          "visited)\tPC1\tPC2\n", u + 1, steps, ntr[0]);
        else
            fprintf(t.fp, "step\tPWL unit %d (no cycle of period <= %ld in %ld steps; |z| = %.3g at "
                          "the end; %d codes visited)\tPC1\tPC2\n", u + 1, max_per, steps, fnorm[0],
                    ntr[0]);
        for (int s = 0; s < K; s++)
            fprintf(t.fp, "%d\t%.6g\t%.6g\t%.6g\n", s, az[(size_t)s * M + u], apc[(size_t)s * 3],
                    apc[(size_t)s * 3 + 1]);
        tsv_close(&t);
        tsv_open(&t, out, "figure3b_cycle.tsv", hdr);
        fprintf(t.fp, "phase\tPC1\tPC2\tPWL bit\n");
        for (size_t s = 0; s < dc[0]; s++)
            fprintf(t.fp, "%zu\t%.6g\t%.6g\t%d\n", s, cpc[s * 3], cpc[s * 3 + 1], ccode[s * Pb]);
        tsv_close(&t);
        printf("figure3: P=%d seed %d zero-input run: period %d (0 = no cycle found), settles "
               "at step %d, %d subregions on the cycle, %d before; %s, final |z| %.3g\n", Pb, sb,
               per[0], set[0], nd[0], ntr[0], div[0] ? "diverged" : "finite", fnorm[0]);
        free(fnorm);
        free(div);
        free(z);
        free(x);
        free(mask);
        free(az);
        free(apc);
        free(cpc);
        free(ccode);
        free(per);
        free(set);
        free(nd);
        free(ntr);
    }
}

void summarize_figure3(const struct figure *fig, profile_kind p, const char *root,
                       const char *out) {
    struct resolved r;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &r);
    struct sweep sw[2];
    sweep_read(&sw[0], &r, root, "/test/symbol_accuracy");
    sweep_read(&sw[1], &r, root, "/test/sequence_accuracy");
    sweep_union(sw, 2);
    /* "figure3": the TSV names of both Fig 3 figures (figure3, figure3-baselines) */
    fig3_accuracy(&r, sw, root, out, "figure3");
    fig3_codes(&r, sw, root, out);
    fig3_pca(&r, sw, root, out);
    fig3_autonomous(&r, sw, root, out);
    sweep_free(&sw[0]);
    sweep_free(&sw[1]);
    /* (c) the baselines' symbol-wise recall accuracy as reference bands (figure3-baselines;
     * figure3 has none: figure3c_baselines.gp then says so) */
    const char *beside[1] = {r.exp->name};
    summary_write_bands(fig, p, root, out, "figure3c_baselines", "bands_c",
                        "/test/symbol_accuracy", "copy task, symbol-wise recall accuracy",
                        beside, NULL, 1);
}
