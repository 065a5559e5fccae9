/* main.c: bin/alrnn, the one driver of every experiment.
 *
 *   alrnn list | figures | run | summarize | verify | makefile | help
 *
 * Errors in the command line or the environment print one line "alrnn: ..." and exit 1;
 * `run` creates no result file unless the run completes. */
#include <cblas.h>
#include <string.h>

#include "claims.h"
#include "experiments.h"
#include "scan_data.h"

static const char usage[] =
    "usage: alrnn <command> [options]\n"
    "\n"
    "commands:\n"
    "  list                      one experiment per line: name, task, figures, description\n"
    "  figures                   one figure per line: name, experiments, description\n"
    "  run EXPERIMENT --P N [--seed S] [--profile smoke|quick|paper|verify] [--out FILE] [--threads K]\n"
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
    "  verify [--profile P] [--claims C1,C3] [--results DIR] [--out DIR]\n"
    "                            test the paper's claims (experiments/claims.c) on the run files\n"
    "                            under DIR (default results); writes claims.md and claims.tsv into\n"
    "                            --out (default plots/out/<profile>) for the claims listed (default\n"
    "                            all). It trains nothing: `make verify` trains the missing runs first.\n"
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
    const char *P, *seed, *profile, *out, *results, *threads, *claims;
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
        else if (!strcmp(a, "--claims")) slot = &o->claims;
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

static int cmd_verify(int argc, char **argv) {
    struct opts o = {0};
    parse_opts(argc, argv, 2, &o);
    const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
    int sel[64] = {0}, *selp = NULL;
    ASSERT(n_claims <= 64);
    if (o.claims) {
        selp = sel;
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", o.claims);
        for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            const struct claim *c = claim_find(t);
            if (!c) die("unknown claim '%s' (the claims are C1..C%d)", t, n_claims);
            sel[c - claims] = 1;
        }
    }
    char out[4096];
    if (o.out) snprintf(out, sizeof out, "%s", o.out);
    else snprintf(out, sizeof out, "plots/out/%s", profile_names[p]);
    struct claim_result *res = xcalloc((size_t)n_claims, sizeof *res);
    const char *root = o.results ? o.results : "results";
    claims_evaluate(p, root, res);
    claims_write(p, root, res, selp, out);
    for (int i = 0; i < n_claims; i++)
        if (!selp || sel[i])
            printf("%s\t%s\t%s\n", res[i].c->id, claim_verdict_names[res[i].verdict],
                   res[i].reason);
    claims_free(res);
    free(res);
    return 0;
}

/* Runs the claims read that the experiment's grid does not already have (verify arms), as
 * (experiment, P, seed) triples for the make rules. */
struct extra_runs {
    const char *exp[4096];
    int P[4096], seed[4096], n;
};
static void extra_add(void *ctx, const char *e, int P, int seed) {
    struct extra_runs *x = ctx;
    for (int i = 0; i < x->n; i++)
        if (x->P[i] == P && x->seed[i] == seed && !strcmp(x->exp[i], e)) return;
    ASSERT(x->n < 4096);
    x->exp[x->n] = e, x->P[x->n] = P, x->seed[x->n] = seed, x->n++;
}
static void print_path(void *ctx, const char *e, int P, int seed) {
    printf(" results/%s/%s/P%d_seed%d.h5", (const char *)ctx, e, P, seed);
}

static void print_run_rule(const struct resolved *r, int P, int seed) {
    char path[4096];
    run_default_path(r, P, seed, path, sizeof path);
    printf("%s: | bin/alrnn%s%s\n\tbin/alrnn run %s --P %d --seed %d --profile %s --out $@\n",
           path, r->exp->needs_data ? " " : "", r->exp->needs_data ? r->exp->needs_data : "",
           r->exp->name, P, seed, profile_names[r->profile]);
}

static int cmd_makefile(profile_kind p) {
    const char *pn = profile_names[p];
    printf("# generated by `bin/alrnn makefile --profile %s` from the experiment table\n", pn);
    static struct extra_runs extra;
    extra.n = 0;
    for (int c = 0; c < n_claims; c++) claim_run_paths(&claims[c], p, extra_add, &extra);
    for (int i = 0; i < n_experiments; i++) {
        struct resolved r;
        experiment_resolve(&experiments[i], p, &r);
        const char *en = r.exp->name;
        /* the claims' runs outside the grid get rules too */
        for (int k = 0; k < extra.n; k++) {
            if (strcmp(extra.exp[k], en) != 0) continue;
            int in_grid = 0;
            for (int g = 0; g < r.n_P; g++) in_grid |= r.P[g] == extra.P[k];
            if (!in_grid && extra.seed[k] < r.s.seeds) print_run_rule(&r, extra.P[k], extra.seed[k]);
        }
        printf("\nRUNS_%s :=", en);
        char path[4096];
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) {
                run_default_path(&r, r.P[k], s, path, sizeof path);
                printf(" %s", path);
            }
        printf("\n.PHONY: runs-%s\nruns-%s: $(RUNS_%s) ## train every run of %s\n", en, en, en, en);
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) print_run_rule(&r, r.P[k], s);
    }
    /* make verify [CLAIMS=C1,C3] and verify-<id>: train the claims' missing runs, then test
     * the claims and draw the forest plot */
    const char *gp = "\t@mkdir -p plots/out/%s\n\tgnuplot -e \"datadir='plots/out/%s'; "
                     "outbase='plots/out/%s/claims'; profile='%s'\" plots/claims.gp\n";
    printf("\ncomma := ,\nVERIFY_CLAIM_IDS :=");
    for (int c = 0; c < n_claims; c++) printf(" %s", claims[c].id);
    printf("\n");
    for (int c = 0; c < n_claims; c++) {
        const char *id = claims[c].id;
        printf("VERIFY_RUNS_%s :=", id);
        claim_run_paths(&claims[c], p, print_path, (void *)pn);
        printf("\n.PHONY: verify-%s\nverify-%s: $(VERIFY_RUNS_%s) | bin/alrnn\n", id, id, id);
        printf("\tbin/alrnn verify --profile %s --claims %s\n", pn, id);
        printf(gp, pn, pn, pn, pn);
    }
    printf(".PHONY: verify\nverify: $(foreach c,$(if $(CLAIMS),$(subst $(comma), "
           ",$(CLAIMS)),$(VERIFY_CLAIM_IDS)),$(VERIFY_RUNS_$(c))) | bin/alrnn\n");
    printf("\tbin/alrnn verify --profile %s $(if $(CLAIMS),--claims $(CLAIMS))\n", pn);
    printf(gp, pn, pn, pn, pn);
    for (int f = 0; f < n_figures; f++) {
        const struct figure *fg = &figures[f];
        printf("\n.PHONY: %s\n%s:", fg->name, fg->name);
        for (int k = 0; fg->experiments[k]; k++) printf(" $(RUNS_%s)", fg->experiments[k]);
        printf(" | bin/alrnn\n");
        printf("\tbin/alrnn summarize %s --profile %s --out plots/data/%s\n", fg->name, pn, pn);
        printf("\t@mkdir -p plots/out/%s\n", pn);
        printf("\tgnuplot -e \"datadir='plots/data/%s'; outbase='plots/out/%s/%s'; profile='%s'\" %s\n",
               pn, pn, fg->name, pn, fg->script);
        printf("\t@echo \"wrote plots/out/%s/%s.png and .pdf\"\n", pn, fg->name);
    }
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
    if (!strcmp(cmd, "verify")) return cmd_verify(argc, argv);
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
