/* summarize_multitask.c: Figure 5 (PAPER.md §3, the 11-task suite §2.8) from the multitask
 * sweeps' run files and the /analysis groups analysis_multitask.c wrote into them.
 */
#include <math.h>
#include <string.h>

#include "figures.h"
#include "summary.h"
#include "synthetic.h"

enum { MT_PH_TRIAL, MT_PH_RESPONSE, MT_PH__COUNT };
static const char *const mt_phase_names[] = {"trial", "response"};
_Static_assert(ARRAY_LEN(mt_phase_names) == MT_PH__COUNT,
               "mt_phase_names: one entry per enum value");

enum { FIG5_N_ROWS = 3, FIG5_PANELS = 3 };

/* Mean JSD over the pairs (a, b), a in A, b in B, a != b. */
static double jsd_block_mean(const double *J, const int *A, int nA, const int *B, int nB) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < nA; i++)
        for (int j = 0; j < nB; j++)
            if (A[i] != B[j]) {
                s += J[A[i] * MT__COUNT + B[j]];
                n++;
            }
    return n ? s / n : NAN;
}

/* The JSD matrix of one (experiment, P), averaged into J (11, 11) over the seeds that did not
 * diverge (sw: the experiment's accuracy sweep); all NaN when every seed diverged. Returns the
 * number of seeds averaged. */
static int jsd_mean(const struct sweep *sw, const char *root, int P, const char *phase,
                    double *J) {
    const struct resolved *r = sw->r;
    const int k = sweep_index(sw, P), n_ok = sw->st[k].n;
    ASSERT(k >= 0);
    for (int j = 0; j < MT__COUNT * MT__COUNT; j++) J[j] = n_ok ? 0 : NAN;
    char path[64];
    snprintf(path, sizeof path, "/analysis/jsd/%s", phase);
    for (int s = 0; s < r->s.seeds; s++) {
        if (sw->diverged[(size_t)k * sw->S + s]) continue;
        struct h5file f;
        summary_open_run(r, root, P, s, &f);
        double *v = summary_read_f64(&f, path, 2, SHAPE(MT__COUNT, MT__COUNT), NULL);
        h5_close(&f);
        for (int j = 0; j < MT__COUNT * MT__COUNT; j++) J[j] += v[j] / n_ok;
        free(v);
    }
    return n_ok;
}

/* figure5a.tsv          mean test accuracy over the 11 tasks against P, mean ± std over seeds,
 *                       one column pair per training-set size n
 * figure5_tasks.tsv     per n and P: each task's test accuracy, mean over seeds
 * figure5_runs.tsv      one row per run
 * figure5b_<i>.tsv      i = 1..3: the 11×11 JSD matrix (trial phase), mean over seeds, for the
 *                       largest n at P = 2, 4 and the largest P (closest available values),
 *                       as a gnuplot matrix with row and column headers
 * figure5b_meta.tsv     which P, n and seed count each panel shows
 * figure5_jsd_groups.tsv  for every n and P: mean JSD within the pro tasks {Delay,React,Cat}Pro,
 *                       within their anti variants, and between pro and anti, per phase
 * figure5a_baselines.tsv, .gp  the baseline rows of the figure (figure5-baselines), each beside
 *                       the sweep of its n: mean accuracy over its seeds and the band (a)
 *                       draws (summary_write_bands) */
void summarize_figure5(const struct figure *fig, profile_kind p, const char *root,
                       const char *out) {
    struct resolved r[FIG5_N_ROWS];
    for (int e = 0; e < FIG5_N_ROWS; e++) {
        ASSERT(fig->experiments[e]);
        experiment_resolve(experiment_find(fig->experiments[e]), p, &r[e]);
        if (r[e].n_P != r[0].n_P || memcmp(r[e].P, r[0].P, sizeof(int) * r[0].n_P) != 0)
            die("figure5: experiments %s and %s sweep different P grids", fig->experiments[0],
                fig->experiments[e]);
    }
    const int nP = r[0].n_P;
    struct sweep sw[FIG5_N_ROWS];
    int n_div = 0, n_runs = 0;
    for (int e = 0; e < FIG5_N_ROWS; e++) {
        sweep_read(&sw[e], &r[e], root, "/test/accuracy");
        n_div += sweep_total_diverged(&sw[e]);
        n_runs += nP * r[e].s.seeds;
    }
    struct tsv ta, tt, tr;
    tsv_open(&ta, out, "figure5a.tsv", "11-task suite: mean test accuracy over the 11 tasks "
                                       "against P, mean and sample std over the seeds that did "
                                       "not diverge (n_diverged runs left out)");
    fprintf(ta.fp, "P");
    for (int e = 0; e < FIG5_N_ROWS; e++)
        fprintf(ta.fp, "\tn = %d per task (%d seeds)\tstd", r[e].s.data.n_per_group,
                r[e].s.seeds);
    for (int e = 0; e < FIG5_N_ROWS; e++)
        fprintf(ta.fp, "\tn_diverged (n = %d)", r[e].s.data.n_per_group);
    fprintf(ta.fp, "\n");
    tsv_open(&tt, out, "figure5_tasks.tsv", "11-task suite: per-task test accuracy, mean over "
                                            "the seeds that did not diverge");
    fprintf(tt.fp, "n\tP");
    for (int k = 0; k < MT__COUNT; k++) fprintf(tt.fp, "\t%s", multitask_task_names[k]);
    fprintf(tt.fp, "\tn_seeds\tn_diverged\n");
    tsv_open(&tr, out, "figure5_runs.tsv", "11-task suite: one row per run (nan: diverged)");
    fprintf(tr.fp, "n\tP\tseed\tmean_acc\tfinal_train_loss\ttest_loss\tn_codes_trial\t"
                   "n_codes_response\tdiverged\n");

    for (int e = 0; e < FIG5_N_ROWS; e++) {
        const int S = r[e].s.seeds, n = r[e].s.data.n_per_group;
        for (int k = 0; k < nP; k++) {
            double task_acc[MT__COUNT] = {0};
            for (int s = 0; s < S; s++) {
                const size_t i = (size_t)k * S + s;
                if (sw[e].diverged[i]) {
                    fprintf(tr.fp, "%d\t%d\t%d\tnan\tnan\tnan\tnan\tnan\t1\n", n, r[e].P[k], s);
                    continue;
                }
                struct h5file f;
                summary_open_run(&r[e], root, r[e].P[k], s, &f);
                for (int j = 0; j < MT__COUNT; j++) {
                    char path[64];
                    snprintf(path, sizeof path, "/test/acc_%s", multitask_task_names[j]);
                    task_acc[j] += summary_read_scalar(&f, path) / sw[e].st[k].n;
                }
                size_t dl[4];
                double *loss = summary_read_f64(&f, "/train/loss", 1, SHAPE(-1), dl);
                if (dl[0] < 1) die("%s: /train/loss is empty", f.path);
                fprintf(tr.fp, "%d\t%d\t%d\t%.6g\t%.6g\t%.6g\t%.0f\t%.0f\t0\n", n, r[e].P[k], s,
                        sw[e].v[i], loss[dl[0] - 1], summary_read_scalar(&f, "/test/loss"),
                        summary_read_scalar(&f, "/analysis/bitcode/trial/n_codes"),
                        summary_read_scalar(&f, "/analysis/bitcode/response/n_codes"));
                free(loss);
                h5_close(&f);
            }
            fprintf(tt.fp, "%d\t%d", n, r[e].P[k]);
            for (int j = 0; j < MT__COUNT; j++)
                fprintf(tt.fp, "\t%.4g", sw[e].st[k].n ? task_acc[j] : NAN);
            fprintf(tt.fp, "\t%d\t%d\n", sw[e].st[k].n, sw[e].n_diverged[k]);
        }
    }
    for (int k = 0; k < nP; k++) {
        fprintf(ta.fp, "%d", r[0].P[k]);
        for (int e = 0; e < FIG5_N_ROWS; e++)
            fprintf(ta.fp, "\t%.6g\t%.6g", sw[e].st[k].mean, sw[e].st[k].std);
        for (int e = 0; e < FIG5_N_ROWS; e++) fprintf(ta.fp, "\t%d", sw[e].n_diverged[k]);
        fprintf(ta.fp, "\n");
        printf("figure5: P=%-3d", r[0].P[k]);
        for (int e = 0; e < FIG5_N_ROWS; e++)
            printf("  n=%d %.3f ± %.3f", r[e].s.data.n_per_group, sw[e].st[k].mean,
                   sw[e].st[k].std);
        printf("\n");
    }
    tsv_close(&ta);
    tsv_close(&tt);
    tsv_close(&tr);
    /* "figure5": the TSV names of both Fig 5 figures (figure5, figure5-baselines) */
    summary_write_notes(out, "figure5", n_div, n_runs);
    /* (a): the baseline rows of the figure beside the sweep of their n (figure5-baselines) */
    const char *beside[FIG5_N_ROWS];
    char sfx[FIG5_N_ROWS][32];
    const char *suffix[FIG5_N_ROWS];
    for (int e = 0; e < FIG5_N_ROWS; e++) {
        beside[e] = r[e].exp->name;
        snprintf(sfx[e], sizeof sfx[e], ", n = %d", r[e].s.data.n_per_group);
        suffix[e] = sfx[e];
    }
    summary_write_bands(fig, p, root, out, "figure5a_baselines", "bands_a", "/test/accuracy",
                        "11-task suite, mean test accuracy over the 11 tasks (Fig 5a)", beside,
                        suffix, FIG5_N_ROWS);

    /* pro / anti groups (PAPER.md §2.8 results: at P = 2, 4 the pro variants cluster) */
    static const int pro[] = {MT_DELAY_PRO, MT_REACT_PRO, MT_CAT_PRO};
    static const int anti[] = {MT_DELAY_ANTI, MT_REACT_ANTI, MT_CAT_ANTI};
    struct tsv tg;
    tsv_open(&tg, out, "figure5_jsd_groups.tsv", "11-task suite: mean JSD (nats, mean over "
                                                 "seeds) within and between pro / anti tasks");
    fprintf(tg.fp, "n\tP\tphase\twithin_pro\twithin_anti\tpro_vs_anti\tall_pairs\n");
    double J[MT__COUNT * MT__COUNT];
    int all[MT__COUNT];
    for (int k = 0; k < MT__COUNT; k++) all[k] = k;
    for (int e = 0; e < FIG5_N_ROWS; e++)
        for (int k = 0; k < nP; k++)
            for (int ph = 0; ph < MT_PH__COUNT; ph++) {
                jsd_mean(&sw[e], root, r[e].P[k], mt_phase_names[ph], J);
                fprintf(tg.fp, "%d\t%d\t%s\t%.6g\t%.6g\t%.6g\t%.6g\n", r[e].s.data.n_per_group,
                        r[e].P[k], mt_phase_names[ph], jsd_block_mean(J, pro, 3, pro, 3),
                        jsd_block_mean(J, anti, 3, anti, 3), jsd_block_mean(J, pro, 3, anti, 3),
                        jsd_block_mean(J, all, MT__COUNT, all, MT__COUNT));
            }
    tsv_close(&tg);

    /* (b) heatmaps for the largest n */
    const struct resolved *rb = &r[FIG5_N_ROWS - 1];
    const struct sweep *swb = &sw[FIG5_N_ROWS - 1];
    int Pmax = 0;
    for (int k = 0; k < nP; k++) Pmax = rb->P[k] > Pmax ? rb->P[k] : Pmax;
    const int want[FIG5_PANELS] = {2, 4, Pmax};
    /* the panels' order: pro variants, anti variants, then the rest, so that the claimed
     * blocks (PAPER.md §2.8: pro and anti cluster apart at P = 2, 4) sit on the diagonal */
    static const int order[MT__COUNT] = {MT_DELAY_PRO,  MT_REACT_PRO,       MT_CAT_PRO,
                                         MT_DELAY_ANTI, MT_REACT_ANTI,      MT_CAT_ANTI,
                                         MT_MATCH2SAMPLE, MT_NONMATCH2SAMPLE, MT_CTXINT_MOD1,
                                         MT_CTXINT_MOD2, MT_GONOGO};
    struct tsv tm;
    tsv_open(&tm, out, "figure5b_meta.tsv", "11-task suite: the JSD heatmap panels, with the "
                                            "mean JSD (nats) within the pro tasks, within the "
                                            "anti tasks, within both groups pooled, and between "
                                            "pro and anti");
    fprintf(tm.fp, "# panel\tP\tn_per_task\tseeds\twithin_pro\twithin_anti\twithin_groups\t"
                   "pro_vs_anti\n");
    for (int i = 0; i < FIG5_PANELS; i++) {
        const int P = summary_pick_P(rb, want[i], 1);
        ASSERT(P > 0);
        const int n_ok = jsd_mean(swb, root, P, "trial", J);
        char name[64], hdr[160];
        snprintf(name, sizeof name, "figure5b_%d.tsv", i + 1);
        snprintf(hdr, sizeof hdr, "11-task suite, n=%d per task, P=%d: JSD (nats) between the "
                 "tasks' bitcode distributions, mean over %d seeds (the others diverged)",
                 rb->s.data.n_per_group, P, n_ok);
        struct tsv t;
        tsv_open(&t, out, name, hdr);
        fprintf(t.fp, "P=%d", P);
        for (int k = 0; k < MT__COUNT; k++) fprintf(t.fp, "\t%s", multitask_task_names[order[k]]);
        fprintf(t.fp, "\n");
        for (int a = 0; a < MT__COUNT; a++) {
            fprintf(t.fp, "%s", multitask_task_names[order[a]]);
            for (int b = 0; b < MT__COUNT; b++)
                fprintf(t.fp, "\t%.6g", J[order[a] * MT__COUNT + order[b]]);
            fprintf(t.fp, "\n");
        }
        tsv_close(&t);
        /* within both groups pooled: the 12 ordered pairs inside pro or inside anti */
        const double w_pro = jsd_block_mean(J, pro, 3, pro, 3),
                     w_anti = jsd_block_mean(J, anti, 3, anti, 3);
        fprintf(tm.fp, "%d\t%d\t%d\t%d\t%.6g\t%.6g\t%.6g\t%.6g\n", i + 1, P,
                rb->s.data.n_per_group, n_ok, w_pro, w_anti, (w_pro + w_anti) / 2,
                jsd_block_mean(J, pro, 3, anti, 3));
        printf("figure5: JSD panel %d: n=%d P=%d, mean JSD within pro %.3f, within anti %.3f, "
               "pro vs anti %.3f\n", i + 1, rb->s.data.n_per_group, P,
               jsd_block_mean(J, pro, 3, pro, 3), jsd_block_mean(J, anti, 3, anti, 3),
               jsd_block_mean(J, pro, 3, anti, 3));
    }
    tsv_close(&tm);
    for (int e = 0; e < FIG5_N_ROWS; e++) sweep_free(&sw[e]);
}
