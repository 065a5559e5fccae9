/* summarize_addition.c: Figure 4 (addition problem, PAPER.md §3 Fig 4, §2.5) from the sweep's runs.
 *
 * figure4a.tsv   test MSE against P: mean, sample std, min, max over seeds       (Fig 4a)
 * figure4a_seeds.tsv   the test MSE of every run (P, seed), drawn as points over (a)
 * figure4b.tsv   the first two ReLU units over time for an early and a late marked pair
 *                (Fig 4b's "latent trajectories in PWL space"; P = 2 when swept)
 * figure4c.tsv   input values, marks, readout D z_t at every step and the target, for the
 *                same two sequences                                                   (Fig 4c)
 * figure4_summary.tsv   Proposition 1 check: mean MSE at P = 0, best P >= 1, their ratio
 * figure4_baselines.tsv   each baseline row of the figure (addition-tanh, -lstm, -gru: the
 *                same data, seeds and budget, M units): test MSE mean, sample std, min, max
 *                over its seeds, and the band (a) draws: y from max(mean - std, min) to
 *                mean + std, x across the P axis (0.5, where P = 0 is drawn, to M)
 * figure4_baselines.gp   n_baselines and baseline_names for the script
 */
#include <math.h>
#include <string.h>

#include "figures.h"
#include "summary.h"

/* First and second mark positions of sample sequence i; x is (S, T, 2). */
static void marks(const double *x, int T, int i, int *first, int *second) {
    *first = *second = -1;
    for (int t = 0; t < T; t++)
        if (x[((size_t)i * T + t) * 2 + 1] > 0.5) {
            if (*first < 0) *first = t;
            else *second = t;
        }
}

/* The reference bands of the baseline rows fig->experiments[1..] (figure4-baselines; figure4
 * has none: then only figure4_baselines.gp is written, with n_baselines = 0). */
static void summarize_baselines(const struct figure *fig, profile_kind p, const char *root,
                                const char *out, int M) {
    struct tsv t, g;
    if (!fig->experiments[1]) {
        tsv_open(&g, out, "figure4_baselines.gp", "gnuplot variables: no baselines in this figure");
        fprintf(g.fp, "n_baselines = 0\nbaseline_names = \"\"\n");
        tsv_close(&g);
        return;
    }
    tsv_open(&t, out, "figure4_baselines.tsv",
             "addition problem, baselines (M units each): test MSE over the seeds that did not "
             "diverge (std = sample std); band_lo..band_hi and x_from..x_to: the band in (a)");
    fprintf(t.fp, "model\tn_params\tn_seeds\tmean_mse\tstd_mse\tmin_mse\tmax_mse\tn_diverged\t"
                  "band_lo\tband_hi\tx_from\tx_to\n");
    tsv_open(&g, out, "figure4_baselines.gp", "gnuplot variables: the baselines in figure4_baselines.tsv");
    int n = 0;
    char names[256] = "";
    for (int e = 1; fig->experiments[e]; e++, n++) {
        struct resolved r;
        experiment_resolve(experiment_find(fig->experiments[e]), p, &r);
        ASSERT(r.exp->model != MODEL_ALRNN && r.n_P == 1 && r.P[0] == 0);
        struct sweep sw;
        sweep_read(&sw, &r, root, "/test/mse");
        const struct stats st = sw.st[0];
        struct h5file f;
        summary_open_run(&r, root, 0, 0, &f);
        const long n_params = h5_read_attr_int(&f, "/config", "n_params");
        h5_close(&f);
        const double lo = st.mean - st.std > st.min ? st.mean - st.std : st.min;
        fprintf(t.fp, "%s\t%ld\t%d\t%.9g\t%.9g\t%.9g\t%.9g\t%d\t%.9g\t%.9g\t%g\t%d\n",
                model_kind_names[r.exp->model], n_params, st.n, st.mean, st.std, st.min, st.max,
                sw.n_diverged[0], lo, st.mean + st.std, 0.5, M);
        printf("figure4: %s baseline (%ld parameters): mean test MSE %.4g over %d seeds\n",
               model_kind_names[r.exp->model], n_params, st.mean, st.n);
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", n ? " " : "",
                 model_kind_names[r.exp->model]);
        sweep_free(&sw);
    }
    fprintf(g.fp, "n_baselines = %d\nbaseline_names = \"%s\"\n", n, names);
    tsv_close(&t);
    tsv_close(&g);
}

void summarize_figure4(const struct figure *fig, profile_kind p, const char *root,
                       const char *out) {
    struct resolved r;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &r);
    const int S = r.s.seeds;
    struct sweep sw;
    sweep_read(&sw, &r, root, "/test/mse");

    sweep_write_tsv(&sw, out, "figure4a.tsv",
                    "addition problem: test MSE against P over the seeds that did not diverge "
                    "(std = sample std; n_diverged runs left out)",
                    "figure4a_seeds.tsv", "addition problem: test MSE of every run (nan: diverged)",
                    "mse", "%.9g");
    struct tsv t;

    /* Proposition 1: P = 0 against the best P >= 1 (settings whose seeds all diverged have no
     * mean and take no part) */
    int k0 = -1;
    const int kb = sweep_best_P(&sw, 1, 0);
    for (int k = 0; k < r.n_P; k++)
        if (r.P[k] == 0 && sw.st[k].n > 0) k0 = k;
    tsv_open(&t, out, "figure4_summary.tsv",
             "Proposition 1 check (means over the seeds that did not diverge)");
    fprintf(t.fp, "key\tvalue\n");
    fprintf(t.fp, "n_diverged\t%d\n", sweep_total_diverged(&sw));
    if (k0 >= 0) fprintf(t.fp, "mse_P0\t%.9g\n", sw.st[k0].mean);
    if (kb >= 0) fprintf(t.fp, "best_P\t%d\nmse_best_P\t%.9g\n", r.P[kb], sw.st[kb].mean);
    if (k0 >= 0 && kb >= 0) {
        fprintf(t.fp, "ratio_P0_over_best\t%.9g\n", sw.st[k0].mean / sw.st[kb].mean);
        printf("figure4: mean test MSE at P=0 is %.4g; best P>=1 is P=%d with %.4g; ratio %.1f\n",
               sw.st[k0].mean, r.P[kb], sw.st[kb].mean, sw.st[k0].mean / sw.st[kb].mean);
    }
    if (sweep_total_diverged(&sw))
        printf("figure4: %d of %d runs diverged (left out of the means)\n",
               sweep_total_diverged(&sw), r.n_P * S);
    tsv_close(&t);
    /* "figure4": the TSV names of both Fig 4 figures (figure4, figure4-baselines) */
    summary_write_notes(out, "figure4", sweep_total_diverged(&sw), r.n_P * S);

    /* Fig 4b/c: P = 2 when swept (the paper's example), else the best P >= 1; the best seed
     * that did not diverge. */
    int kshow = kb >= 0 ? kb : 0;
    for (int k = 0; k < r.n_P; k++)
        if (r.P[k] == 2 && sw.st[k].n > 0) kshow = k;
    const int Pshow = r.P[kshow], sshow = sweep_best_seed(&sw, kshow, 0);
    if (sshow < 0)
        die("figure4: every run diverged, so there is no trajectory to draw (see %s/figure4a.tsv)",
            out);
    struct h5file f;
    summary_open_run(&r, root, Pshow, sshow, &f);
    const int M = r.s.M; /* the root attribute M was checked against the row */
    size_t dx[4];
    double *x = summary_read_f64(&f, "/test/sample/x", 3, SHAPE(-1, -1, 2), dx);
    const int NS = (int)dx[0], T = (int)dx[1];
    if (NS < 1 || T < 1) die("%s: /test/sample/x holds no sequence", f.path);
    double *ro = summary_read_f64(&f, "/test/sample/readout", 3, SHAPE(NS, T, 1), NULL);
    double *tg = summary_read_f64(&f, "/test/sample/target", 3, SHAPE(NS, 1, 1), NULL);
    double *z = summary_read_f64(&f, "/test/sample/z", 3, SHAPE(NS, T + 1, M), NULL);
    h5_close(&f);
    int early = 0, late = 0, a, b, ea, eb, la, lb;
    for (int i = 0; i < NS; i++) {
        marks(x, T, i, &a, &b);
        marks(x, T, early, &ea, &eb);
        marks(x, T, late, &la, &lb);
        if (b < eb) early = i; /* earliest second mark */
        if (a > la) late = i;  /* latest first mark */
    }
    char hdr[160];
    snprintf(hdr, sizeof hdr, "addition, P=%d seed %d: early and late marked pair (test samples %d, %d)",
             Pshow, sshow, early, late);
    tsv_open(&t, out, "figure4c.tsv", hdr);
    fprintf(t.fp, "t\tx_early\tmark_early\treadout_early\ttarget_early\tx_late\tmark_late\t"
                  "readout_late\ttarget_late\n");
    for (int s = 0; s < T; s++) {
        const double *xe = x + ((size_t)early * T + s) * 2, *xl = x + ((size_t)late * T + s) * 2;
        fprintf(t.fp, "%d\t%.6g\t%.0f\t%.6g\t%.6g\t%.6g\t%.0f\t%.6g\t%.6g\n", s + 1, xe[0], xe[1],
                ro[(size_t)early * T + s], tg[early], xl[0], xl[1], ro[(size_t)late * T + s],
                tg[late]);
    }
    tsv_close(&t);
    tsv_open(&t, out, "figure4b.tsv", hdr);
    fprintf(t.fp, "t\tearly_u1\tearly_u2\tlate_u1\tlate_u2\n");
    const int P1 = Pshow >= 1 ? M - Pshow : -1, P2 = Pshow >= 2 ? M - Pshow + 1 : -1;
    for (int s = 0; s <= T; s++) {
        const double *ze = z + ((size_t)early * (T + 1) + s) * M;
        const double *zl = z + ((size_t)late * (T + 1) + s) * M;
        fprintf(t.fp, "%d\t%.6g\t%.6g\t%.6g\t%.6g\n", s, P1 >= 0 ? ze[P1] : NAN,
                P2 >= 0 ? ze[P2] : NAN, P1 >= 0 ? zl[P1] : NAN, P2 >= 0 ? zl[P2] : NAN);
    }
    tsv_close(&t);
    free(x);
    free(ro);
    free(tg);
    free(z);
    sweep_free(&sw);
    summarize_baselines(fig, p, root, out, r.s.M);
}
