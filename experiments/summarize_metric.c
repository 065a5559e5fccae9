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
        struct sweep sw;
        sweep_read(&sw, &r, root, fig->metric);
        char name[256], hdr[512], seeds_name[256], seeds_hdr[512];
        snprintf(name, sizeof name, "%s_%s.tsv", fig->name, r.exp->name);
        snprintf(hdr, sizeof hdr, "%s: %s against P over the seeds that did not diverge (std = "
                 "sample std; n_diverged runs left out)", r.exp->name, fig->metric);
        snprintf(seeds_name, sizeof seeds_name, "%s_%s_seeds.tsv", fig->name, r.exp->name);
        snprintf(seeds_hdr, sizeof seeds_hdr, "%s: %s of every run (nan: diverged)", r.exp->name,
                 fig->metric);
        sweep_write_tsv(&sw, out, name, hdr, seeds_name, seeds_hdr, m, "%.9g");
        printf("%s: %s %s (mean ± std over seeds):", fig->name, r.exp->name, m);
        for (int k = 0; k < r.n_P; k++) printf(" P=%d %.4g±%.3g", r.P[k], sw.st[k].mean, sw.st[k].std);
        printf("\n");
        n_div += sweep_total_diverged(&sw);
        n_runs += r.n_P * r.s.seeds;
        sweep_free(&sw);
    }
    summary_write_notes(out, fig->name, n_div, n_runs);
}
