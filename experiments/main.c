/* main.c: bin/alrnn, the one driver of every experiment.
 *
 *   alrnn list | figures | run | summarize | makefile | help
 *
 * Errors in the command line or the environment print one line "alrnn: ..." and exit 1;
 * `run` creates no result file unless the run completes. */
#include <cblas.h>
#include <string.h>

#include "experiments.h"
#include "scan_data.h"

static const char usage[] =
    "usage: alrnn <command> [options]\n"
    "\n"
    "commands:\n"
    "  list                      one experiment per line: name, task, figures, description\n"
    "  figures                   one figure per line: name, experiments, description\n"
    "  run EXPERIMENT --P N [--seed S] [--profile smoke|quick|paper] [--out FILE] [--threads K]\n"
    "                            train one model; writes results/<profile>/<experiment>/P<N>_seed<S>.h5\n"
    "                            unless --out is given. Progress (epoch, loss, rate, ETA) on stderr.\n"
    "                            Defaults: --seed 0, --profile quick, --threads 1 (OpenBLAS threads).\n"
    "  show EXPERIMENT [--profile P]\n"
    "                            the resolved settings of an experiment for a profile\n"
    "  summarize FIGURE [--profile P] [--results DIR] [--out DIR]\n"
    "                            read the figure's run files (DIR default results) and write its TSV\n"
    "                            files (default plots/data/<profile>)\n"
    "  scan-grammar [--check DIR]\n"
    "                            print all 20,910 SCAN commands generated from its grammar, one\n"
    "                            'IN: ... OUT: ...' line each; --check compares the grammar and the\n"
    "                            regenerated length / add-primitive splits with the files in DIR\n"
    "  makefile [--profile P]    print the make rules for every run and figure of a profile\n"
    "                            (the Makefile includes them; see `make help`)\n"
    "  help                      this text\n"
    "\n"
    "Run files (HDF5): root attributes experiment, task, profile, seed, M, P, git_revision,\n"
    "created_utc; /config attributes; /model/<A,W,C,h,D,b>; /train/loss; /eval/<metric>;\n"
    "/test/<metric>; /test/sample/{x,z,bitcode,readout,target|label,mask}. See README.md.\n";

static const struct experiment *need_experiment(const char *name) {
    const struct experiment *e = experiment_find(name);
    if (!e) die("unknown experiment '%s' (bin/alrnn list shows the experiments)", name);
    return e;
}

/* Options shared by the subcommands: --name value pairs after the positional argument. */
struct opts {
    const char *P, *seed, *profile, *out, *results, *threads;
};

static void parse_opts(int argc, char **argv, int first, struct opts *o) {
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (!strcmp(a, "--P")) slot = &o->P;
        else if (!strcmp(a, "--seed")) slot = &o->seed;
        else if (!strcmp(a, "--profile")) slot = &o->profile;
        else if (!strcmp(a, "--out")) slot = &o->out;
        else if (!strcmp(a, "--results")) slot = &o->results;
        else if (!strcmp(a, "--threads")) slot = &o->threads;
        else die("unknown option '%s' (see bin/alrnn help)", a);
        if (i + 1 >= argc) die("option %s needs a value", a);
        *slot = argv[++i];
    }
}

static int cmd_list(void) {
    for (int i = 0; i < n_experiments; i++) {
        const struct experiment *e = &experiments[i];
        printf("%s\t%s\t", e->name, e->task->name);
        int nfig = 0;
        for (int f = 0; f < n_figures; f++)
            for (int k = 0; figures[f].experiments[k]; k++)
                if (!strcmp(figures[f].experiments[k], e->name))
                    printf("%s%s", nfig++ ? "," : "", figures[f].name);
        printf("%s\t%s\n", nfig ? "" : "-", e->description);
    }
    return 0;
}

static int cmd_figures(void) {
    for (int f = 0; f < n_figures; f++) {
        printf("%s\t", figures[f].name);
        for (int k = 0; figures[f].experiments[k]; k++)
            printf("%s%s", k ? "," : "", figures[f].experiments[k]);
        printf("\t%s\n", figures[f].description);
    }
    return 0;
}

static int cmd_show(const struct experiment *e, profile_kind p) {
    struct resolved r;
    experiment_resolve(e, p, &r);
    const struct train_config *t = &r.s.train;
    const struct task_params *d = &r.s.data;
    printf("experiment %s (%s), profile %s\n", e->name, e->description, profile_names[p]);
    printf("task %s: %s\n", e->task->name, e->task->description);
    printf("model: M %d, P grid %s, form %s, init %s, z0 %s, seeds 0..%d\n", r.s.M, r.s.P_grid,
           alrnn_form_names[e->form], alrnn_init_names[e->init], z0_kind_names[e->z0],
           r.s.seeds - 1);
    printf("training: epochs %d, batch %d, lr %g, cosine %d, clip %g, tau %g, M_reg %d, "
           "eval_every %d, select %s\n",
           t->epochs, t->batch, t->lr, t->cosine, t->clip, t->tau, t->M_reg, t->eval_every,
           select_kind_names[t->select]);
    printf("data: T %d, n_train %d, n_val %d, n_test %d, n_per_group %d, opts '%s'\n", d->T,
           d->n_train, d->n_val, d->n_test, d->n_per_group, d->opts ? d->opts : "");
    return 0;
}

static int cmd_run(int argc, char **argv) {
    if (argc < 3 || argv[2][0] == '-') die("run: name an experiment (bin/alrnn list)");
    const struct experiment *e = need_experiment(argv[2]);
    struct opts o = {0};
    parse_opts(argc, argv, 3, &o);
    if (!o.P) die("run: --P is required (the number of ReLU units)");
    const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
    struct resolved r;
    experiment_resolve(e, p, &r);
    resolved_test_override(&r);
    const int P = (int)parse_long(o.P, "--P", -2147483647L, 2147483647L);
    if (P < 0 || P > r.s.M)
        die("--P %d is out of range: experiment %s (profile %s) has M = %d, so 0 <= P <= %d", P,
            e->name, profile_names[p], r.s.M, r.s.M);
    const int seed = o.seed ? (int)parse_long(o.seed, "--seed", 0, 2147483647L) : 0;
    const int threads = o.threads ? (int)parse_long(o.threads, "--threads", 1, 256) : 1;
    openblas_set_num_threads(threads);
    char path[4096];
    if (o.out) snprintf(path, sizeof path, "%s", o.out);
    else run_default_path(&r, P, seed, path, sizeof path);
    experiment_dispatch(&r, P, seed, path);
    return 0;
}

static int cmd_summarize(int argc, char **argv) {
    if (argc < 3 || argv[2][0] == '-') die("summarize: name a figure (bin/alrnn figures)");
    const struct figure *f = figure_find(argv[2]);
    if (!f) die("unknown figure '%s' (bin/alrnn figures lists them)", argv[2]);
    struct opts o = {0};
    parse_opts(argc, argv, 3, &o);
    const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
    char out[4096];
    if (o.out) snprintf(out, sizeof out, "%s", o.out);
    else snprintf(out, sizeof out, "plots/data/%s", profile_names[p]);
    f->summarize(f, p, o.results ? o.results : "results", out);
    return 0;
}

static int cmd_makefile(profile_kind p) {
    const char *pn = profile_names[p];
    printf("# generated by `bin/alrnn makefile --profile %s` from the experiment table\n", pn);
    /* Sweep progress: the runs this invocation has to train are those of its goals (figures,
     * runs-<experiment> targets, run files) whose files do not exist yet; each run rule
     * appends its file to a log when it finishes and prints "[k/N]" with the sweep's elapsed
     * time and an ETA that assumes the remaining runs take the finished ones' mean time. */
    printf("\nSWEEP_T0 := $(shell date +%%s)\n"
           "SWEEP_LOG := build/progress/%s-$(SWEEP_T0)-$(MAKELEVEL).log\n"
           "sweep_runs = $(sort $(foreach g,$(MAKECMDGOALS),$(SWEEP_RUNS_$(g))) "
           "$(filter $(MAKECMDGOALS),$(ALL_RUNS)))\n"
           "define sweep_progress\n"
           "@mkdir -p $(dir $(SWEEP_LOG)); echo $@ >> $(SWEEP_LOG); "
           "k=$$(wc -l < $(SWEEP_LOG)); n=$(SWEEP_N); now=$$(date +%%s); "
           "el=$$((now - $(SWEEP_T0))); [ $$n -ge $$k ] || n=$$k; "
           "printf '[%%d/%%d] %%s done; sweep %%dm%%02ds, ETA %%dm%%02ds\\n' $$k $$n $@ "
           "$$((el / 60)) $$((el %% 60)) $$((el * (n - k) / k / 60)) $$((el * (n - k) / k %% 60))\n"
           "endef\n",
           pn);
    for (int i = 0; i < n_experiments; i++) {
        struct resolved r;
        experiment_resolve(&experiments[i], p, &r);
        const char *en = r.exp->name;
        printf("\nRUNS_%s :=", en);
        char path[4096];
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) {
                run_default_path(&r, r.P[k], s, path, sizeof path);
                printf(" %s", path);
            }
        printf("\n.PHONY: runs-%s\nruns-%s: $(RUNS_%s) ## train every run of %s\n", en, en, en, en);
        printf("SWEEP_RUNS_runs-%s := $(RUNS_%s)\nALL_RUNS += $(RUNS_%s)\n", en, en, en);
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) {
                run_default_path(&r, r.P[k], s, path, sizeof path);
                printf("%s: | bin/alrnn%s%s\n\tbin/alrnn run %s --P %d --seed %d --profile %s "
                       "--out $@\n\t$(sweep_progress)\n",
                       path, r.exp->needs_data ? " " : "",
                       r.exp->needs_data ? r.exp->needs_data : "", en, r.P[k], s, pn);
            }
    }
    for (int f = 0; f < n_figures; f++) {
        const struct figure *fg = &figures[f];
        printf("\nSWEEP_RUNS_%s :=", fg->name);
        for (int k = 0; fg->experiments[k]; k++) printf(" $(RUNS_%s)", fg->experiments[k]);
        printf("\n.PHONY: %s\n%s:", fg->name, fg->name);
        for (int k = 0; fg->experiments[k]; k++) printf(" $(RUNS_%s)", fg->experiments[k]);
        printf(" | bin/alrnn\n");
        printf("\tbin/alrnn summarize %s --profile %s --out plots/data/%s\n", fg->name, pn, pn);
        printf("\t@mkdir -p plots/out/%s\n", pn);
        printf("\tgnuplot -e \"datadir='plots/data/%s'; outbase='plots/out/%s/%s'; profile='%s'\" %s\n",
               pn, pn, fg->name, pn, fg->script);
        printf("\t@echo \"wrote plots/out/%s/%s.png and .pdf\"\n", pn, fg->name);
    }
    printf("\nSWEEP_N := $(words $(filter-out $(wildcard $(sweep_runs)),$(sweep_runs)))\n");
    return 0;
}

int main(int argc, char **argv) {
    blas_select_kernels(argv);
    fp_flush_subnormals();
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
        !strcmp(argv[1], "-h")) {
        fputs(usage, stdout);
        return argc < 2 ? 1 : 0;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "list")) return cmd_list();
    if (!strcmp(cmd, "figures")) return cmd_figures();
    if (!strcmp(cmd, "run")) return cmd_run(argc, argv);
    if (!strcmp(cmd, "summarize")) return cmd_summarize(argc, argv);
    if (!strcmp(cmd, "scan-grammar")) {
        if (argc == 2) {
            scan_grammar_print(stdout);
            return 0;
        }
        if (argc == 4 && !strcmp(argv[2], "--check")) return scan_check_dir(argv[3], stdout) ? 1 : 0;
        die("usage: alrnn scan-grammar [--check DIR]");
    }
    if (!strcmp(cmd, "show") || !strcmp(cmd, "makefile")) {
        int first = 2;
        const struct experiment *e = NULL;
        if (!strcmp(cmd, "show")) {
            if (argc < 3 || argv[2][0] == '-') die("show: name an experiment (bin/alrnn list)");
            e = need_experiment(argv[2]);
            first = 3;
        }
        struct opts o = {0};
        parse_opts(argc, argv, first, &o);
        const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
        return e ? cmd_show(e, p) : cmd_makefile(p);
    }
    die("unknown command '%s' (bin/alrnn help lists the commands)", cmd);
}
