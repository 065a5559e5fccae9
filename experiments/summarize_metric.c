/* summarize_metric.c: the generic summarizer "a metric against P over seeds", for figures
 * that need no C of their own. A figure row names it and the metric:
 *
 *     {.name = "figure-xor", ..., .experiments = {"xor"}, .script = "plots/figure-xor.gp",
 *      .summarize = summarize_metric_vs_P, .metric = "/test/accuracy"},
 *
 * For each experiment e of the figure, with m the metric's last path component (accuracy):
 *   <figure>_<e>.tsv        P, n_seeds, mean_<m>, std_<m>, min_<m>, max_<m>, n_diverged: the
 *                           metric over the seeds that did not diverge (std: sample std)
 *   <figure>_<e>_seeds.tsv  P, seed, <m>, diverged: every run (nan when it diverged)
 * and <figure>_notes.gp (diverged_note, over all the figure's runs). The metric is a scalar
 * dataset every run file of the rows holds (/test/<metric> of the task's metrics, or one an
 * analyze hook wrote); summary.h checks every file first.
 */
#include <string.h>

#include "figures.h"
#include "summary.h"

void summarize_metric_vs_P(const struct figure *fig, profile_kind p, const char *root,
                           const char *out) {
    if (!fig->metric || fig->metric[0] != '/')
        die("figure '%s': summarize_metric_vs_P needs .metric, a dataset path such as "
            "\"/test/accuracy\"", fig->name);
    const char *m = strrchr(fig->metric, '/') + 1;
    int n_div = 0, n_runs = 0;
    for (int e = 0; e < 4 && fig->experiments[e]; e++) {
        struct resolved r;
        experiment_resolve(experiment_find(fig->experiments[e]), p, &r);
        const int S = r.s.seeds;
        struct sweep sw;
        sweep_read(&sw, &r, root, fig->metric);
        char name[256], hdr[512];
        struct tsv t, ts;
        snprintf(name, sizeof name, "%s_%s.tsv", fig->name, r.exp->name);
        snprintf(hdr, sizeof hdr, "%s: %s against P over the seeds that did not diverge (std = "
                 "sample std; n_diverged runs left out)", r.exp->name, fig->metric);
        tsv_open(&t, out, name, hdr);
        snprintf(name, sizeof name, "%s_%s_seeds.tsv", fig->name, r.exp->name);
        snprintf(hdr, sizeof hdr, "%s: %s of every run (nan: diverged)", r.exp->name, fig->metric);
        tsv_open(&ts, out, name, hdr);
        fprintf(t.fp, "P\tn_seeds\tmean_%s\tstd_%s\tmin_%s\tmax_%s\tn_diverged\n", m, m, m, m);
        fprintf(ts.fp, "P\tseed\t%s\tdiverged\n", m);
        printf("%s: %s %s (mean ± std over seeds):", fig->name, r.exp->name, m);
        for (int k = 0; k < r.n_P; k++) {
            for (int s = 0; s < S; s++)
                fprintf(ts.fp, "%d\t%d\t%.9g\t%d\n", r.P[k], s, sw.v[(size_t)k * S + s],
                        sw.diverged[(size_t)k * S + s]);
            const struct stats st = sw.st[k];
            fprintf(t.fp, "%d\t%d\t%.9g\t%.9g\t%.9g\t%.9g\t%d\n", r.P[k], st.n, st.mean, st.std,
                    st.min, st.max, sw.n_diverged[k]);
            printf(" P=%d %.4g±%.3g", r.P[k], st.mean, st.std);
        }
        printf("\n");
        tsv_close(&t);
        tsv_close(&ts);
        n_div += sweep_total_diverged(&sw);
        n_runs += r.n_P * S;
        sweep_free(&sw);
    }
    summary_write_notes(out, fig->name, n_div, n_runs);
}
