/* main.c: bin/alrnn, the one driver of every experiment.
 *
 *   alrnn list | figures | run | summarize | analyze | verify | makefile | slurm | help
 *
 * Errors in the command line or the environment print one line "alrnn: ..." and exit 1;
 * `run` creates no result file unless the run completes. */
#include <cblas.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims.h"
#include "experiments.h"
#include "scan_data.h"
#include "slurm.h"
#include "summary.h"
#include "tasks.h"

static const char usage[] =
    "usage: alrnn <command> [options]\n"
    "\n"
    "commands:\n"
    "  list                      one experiment per line: name, task, figures, description\n"
    "  figures                   one figure per line: name, experiments, description\n"
    "  run EXPERIMENT --P N [--seed S] [--profile smoke|quick|paper|verify] [--out FILE] [--threads K]\n"
    "      [--data-dir DIR]      train one model; writes results/<profile>/<experiment>/P<N>_seed<S>.h5\n"
    "                            unless --out is given. Progress (epoch, loss, rate, ETA) on stderr.\n"
    "                            Defaults: --seed 0, --profile quick, --threads 1 (training threads:\n"
    "                            each takes a part of every batch; recorded as /train/threads),\n"
    "                            --data-dir $ALRNN_DATA_DIR or data (where real-data tasks read).\n"
    "                            [--checkpoint-every N] [--checkpoint-seconds S]: write FILE.ckpt\n"
    "                            after every N epochs (default 0: off) and at least every S seconds\n"
    "                            (default 120; 0: off), and on SIGTERM / SIGINT (then exit 1) and\n"
    "                            SIGUSR1 (then go on). A run resumes from its own checkpoint by\n"
    "                            itself; the checkpoint is deleted when the run file is complete.\n"
    "                            [--select final|best_val]: keep the final-epoch model or the best-\n"
    "                            validation one instead of the row's choice (recorded in /config\n"
    "                            select; the run's row_hash then differs from the row's).\n"
    "  run csv --data DIR --like EXPERIMENT --P N [--model alrnn|tanh|lstm|gru]\n"
    "      [--task-opts 'classes=K,train_frac=F,val_frac=F'] [--seed S] [--profile P] [--out FILE]\n"
    "                            train on sequences from CSV files (docs/CSV_DATA.md) with the\n"
    "                            model and training settings of row EXPERIMENT at that profile;\n"
    "                            a malformed file is one line file:line:column, exit 1, no output.\n"
    "                            Baseline rows (addition-lstm, ...) and --model other than alrnn\n"
    "                            take --P 0. Default output results/<profile>/csv/P<N>_seed<S>.h5\n"
    "  export-csv EXPERIMENT --out DIR [--profile P] [--seed S]\n"
    "                            write the task data of that run (the same data `run` trains on)\n"
    "                            as a CSV folder: sequences.csv, targets.csv or labels.csv,\n"
    "                            split.csv; numbers printed to round-trip exactly\n"
    "  show EXPERIMENT [--profile P]\n"
    "                            the resolved settings of an experiment for a profile\n"
    "  summarize FIGURE [--profile P] [--results DIR] [--out DIR]\n"
    "                            read the figure's run files (DIR default results) and write its TSV\n"
    "                            files (default plots/data/<profile>); refuses missing, foreign,\n"
    "                            stale (row edited since) or damaged run files, naming them\n"
    "  analyze RUN.h5 [--input zero|mean|V1,..,VN] [--max-cycle K] [--min-cycle K0] [--tries R]\n"
    "          [--seed S] [--out FILE]\n"
    "                            dynamics of the run's kept model under a constant input (default\n"
    "                            zero; mean = mean stored test input): visited subregions, every\n"
    "                            subregion's W_Omega spectrum and fixed point (real/virtual, stability;\n"
    "                            all 2^P when 2^P <= 4096, else the subregions seen), k-cycles up to K\n"
    "                            (default 100, from K0 = 1; exhaustive over code sequences while (2^P)^k <= 4096,\n"
    "                            else from trajectories, the iterated map and R random SCYFI starts\n"
    "                            per k, default 4), each verified on the map to 1e-9; transition graph;\n"
    "                            switch times on the stored trajectories.\n"
    "                            Writes FILE (default RUN.analysis.h5), FILE.dot, the graph TSV and\n"
    "                            _graph.png; a summary on stdout\n"
    "  scan-grammar [--check DIR]\n"
    "                            print all 20,910 SCAN commands generated from its grammar, one\n"
    "                            'IN: ... OUT: ...' line each; --check compares the grammar and the\n"
    "                            regenerated length / add-primitive splits with the files in DIR\n"
    "  verify [--profile P] [--claims C1,C3] [--results DIR] [--out DIR]\n"
    "         [--select kept|final|best_val] [--row FROM=TO]\n"
    "                            test the paper's claims (experiments/claims.c) on the run files\n"
    "                            under DIR (default results); writes claims.md and claims.tsv into\n"
    "                            --out (default plots/out/<profile>) for the claims listed (default\n"
    "                            all). --select final reads /test/<metric> quantities from the final\n"
    "                            epoch's evaluation (/eval/<metric>) instead of the kept model's,\n"
    "                            into claims_final.md, .tsv; --select best_val from the evaluation\n"
    "                            with the lowest validation loss (/eval/val_loss), into\n"
    "                            claims_best_val.md, .tsv. --row FROM=TO[,...] reads the arms of\n"
    "                            row FROM from the runs of row TO (same task, another convention;\n"
    "                            needs --out). It trains nothing: `make verify` trains the missing\n"
    "                            runs first.\n"
    "  makefile [--profile P]    print the make rules for every run and figure of a profile\n"
    "                            (the Makefile includes them; see `make help`); writes each\n"
    "                            row's hash to results/<profile>/<experiment>/row.hash when it\n"
    "                            changed, so the runs of an edited row are retrained\n"
    "  slurm FIGURE|EXPERIMENT [--profile P] [--partition NAME] [--time LIMIT] [--mem SIZE]\n"
    "        [--max-parallel N] [--threads K] [--dry-run] [--wait]\n"
    "                            submit the runs whose files are missing or stale as a Slurm job\n"
    "                            array (before the time limit a run checkpoints and its task\n"
    "                            requeues itself; requeued on preemption) and a job that\n"
    "                            summarizes and draws the figure after it (afterany). Scripts in\n"
    "                            results/<profile>/slurm/, logs in results/<profile>/logs/.\n"
    "                            --dry-run prints the scripts; --wait waits for the figure job\n"
    "                            and exits 1 naming the runs still missing. Rerun to resubmit\n"
    "                            only what is missing. --threads K: K CPUs per task, each run\n"
    "                            on K training threads (default 1). REPRODUCE.md: \"Paper\n"
    "                            profile on a cluster\".\n"
    "  help                      this text\n"
    "\n"
    "Run files (HDF5): root attributes experiment, task, profile, seed, M, P, row_hash,\n"
    "git_revision, created_utc (diverged = 1 when training diverged); /config attributes;\n"
    "/model/<A,W,C,h,D,b>; /train/loss; /eval/<metric>; /test/<metric>;\n"
    "/test/sample/{x,z,bitcode,readout,target|label,mask}. See README.md.\n";

int cmd_analyze(int argc, char **argv); /* experiments/analyze.c */

static const struct experiment *need_experiment(const char *name) {
    const struct experiment *e = experiment_find(name);
    if (!e) die("unknown experiment '%s' (bin/alrnn list shows the experiments)", name);
    return e;
}

/* Options shared by the subcommands: --name value pairs after the positional argument. */
struct opts {
    const char *P, *seed, *profile, *out, *results, *threads, *ckpt_every, *ckpt_seconds,
        *data_dir, *data, *like, *model, *task_opts, *claims, *select, *row;
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
        else if (!strcmp(a, "--checkpoint-every")) slot = &o->ckpt_every;
        else if (!strcmp(a, "--checkpoint-seconds")) slot = &o->ckpt_seconds;
        else if (!strcmp(a, "--data-dir")) slot = &o->data_dir;
        else if (!strcmp(a, "--claims")) slot = &o->claims;
        else if (!strcmp(a, "--data")) slot = &o->data;
        else if (!strcmp(a, "--like")) slot = &o->like;
        else if (!strcmp(a, "--model")) slot = &o->model;
        else if (!strcmp(a, "--task-opts")) slot = &o->task_opts;
        else if (!strcmp(a, "--select")) slot = &o->select;
        else if (!strcmp(a, "--row")) slot = &o->row;
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
    resolved_dump(&r, stdout);
    printf("row_hash %s\n", resolved_hash_hex(&r).s);
    return 0;
}

/* The run file's path must name a file that can be created: checked before any training, so
 * a bad --out costs nothing. */
static void check_out_path(const char *path) {
    if (!*path) die("--out is empty: name the run file to write (e.g. results/x.h5)");
    const size_t n = strlen(path);
    if (path[n - 1] == '/') die("--out %s names a directory: name the run file to write", path);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        die("--out %s is an existing directory: name the run file to write", path);
    /* the nearest existing ancestor must be a writable directory */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash) {
            snprintf(dir, sizeof dir, ".");
        } else if (slash == dir) {
            dir[1] = 0;
        } else {
            *slash = 0;
        }
        if (stat(dir, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) die("cannot write %s: %s is not a directory", path, dir);
            if (access(dir, W_OK | X_OK) != 0)
                die("cannot write %s: directory %s is not writable", path, dir);
            return;
        }
        if (!strcmp(dir, ".") || !strcmp(dir, "/")) return;
    }
}

static model_kind model_parse(const char *s) {
    for (int i = 0; i < MODEL__COUNT; i++)
        if (!strcmp(s, model_kind_names[i])) return (model_kind)i;
    die("unknown model '%s' (alrnn, tanh, lstm or gru)", s);
}

/* `run csv --data DIR --like EXPERIMENT`: a row made at run time, the named row's model and
 * training settings on the task the folder's files describe (docs/CSV_DATA.md). */
static struct experiment csv_row;
static char csv_description[4400];

static const struct experiment *csv_experiment(const struct opts *o) {
    if (!o->data || !*o->data) die("run csv: --data DIR is required (the folder of CSV files)");
    if (!o->like)
        die("run csv: --like EXPERIMENT is required (the row whose model and training settings "
            "to use, e.g. --like addition)");
    csv_row = *need_experiment(o->like);
    if (csv_row.runner)
        die("run csv: --like %s: that row trains its own way; name a row of a task type",
            o->like);
    snprintf(csv_description, sizeof csv_description,
             "sequences from CSV files in %s, settings of %s (docs/CSV_DATA.md)", o->data,
             o->like);
    csv_row.name = "csv";
    csv_row.description = csv_description;
    csv_row.task = csv_task_for(o->data); /* validates the folder: errors before anything */
    csv_row.analyze = NULL;
    csv_row.needs_data = NULL;
    if (o->model) csv_row.model = model_parse(o->model);
    return &csv_row;
}

static int cmd_run(int argc, char **argv) {
    if (argc < 3 || argv[2][0] == '-') die("run: name an experiment (bin/alrnn list)");
    const int csv = !strcmp(argv[2], "csv");
    const struct experiment *e = csv ? NULL : need_experiment(argv[2]);
    struct opts o = {0};
    parse_opts(argc, argv, 3, &o);
    if (!csv && (o.data || o.like || o.model || o.task_opts))
        die("run: --data, --like, --model and --task-opts are for `run csv`");
    if (!o.P) die("run: --P is required (the number of ReLU units)");
    const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
    if (csv) e = csv_experiment(&o);
    struct resolved r;
    experiment_resolve(e, p, &r);
    if (csv) r.s.data = (struct task_params){.opts = o.task_opts, .data_dir = o.data};
    resolved_test_override(&r);
    if (o.select) { /* the model-selection convention (train.h); part of the row hash */
        int k = 0;
        while (k < SELECT__COUNT && strcmp(o.select, select_kind_names[k])) k++;
        if (k == SELECT__COUNT)
            die("--select %s: use %s or %s", o.select, select_kind_names[SELECT_FINAL],
                select_kind_names[SELECT_BEST_VAL]);
        r.s.train.select = (select_kind)k;
    }
    const int P = (int)parse_long(o.P, "--P", -2147483647L, 2147483647L);
    if (P < 0 || P > r.s.M)
        die("--P %d is out of range: experiment %s (profile %s) has M = %d, so 0 <= P <= %d", P,
            e->name, profile_names[p], r.s.M, r.s.M);
    const int seed = o.seed ? (int)parse_long(o.seed, "--seed", 0, 2147483647L) : 0;
    const int threads = o.threads ? (int)parse_long(o.threads, "--threads", 1, 256) : 1;
    /* --threads K: K training threads, each on a part of every batch (train.h), each
     * calling a one-thread OpenBLAS; with one training thread OpenBLAS keeps its setting */
    if (threads > 1) openblas_set_num_threads(1);
    r.s.train.threads = threads;
    const int ck_every =
        o.ckpt_every ? (int)parse_long(o.ckpt_every, "--checkpoint-every", 0, 1000000000L) : 0;
    const double ck_sec = o.ckpt_seconds ? parse_double(o.ckpt_seconds, "--checkpoint-seconds")
                                         : 120;
    if (!(ck_sec >= 0)) die("--checkpoint-seconds %s: need a number of seconds >= 0", o.ckpt_seconds);
    run_set_checkpoint_options(ck_every, ck_sec);
    char path[4096];
    if (o.out) snprintf(path, sizeof path, "%s", o.out);
    else run_default_path(&r, P, seed, path, sizeof path);
    check_out_path(path);
    if (o.data_dir && !csv) {
        if (!*o.data_dir) die("--data-dir is empty: name the data directory (make datasets fills data/)");
        r.s.data.data_dir = o.data_dir;
    }
    experiment_dispatch(&r, P, seed, path);
    return 0;
}

/* export-csv EXPERIMENT --profile P --seed S --out DIR: the task's data of that run (same
 * data stream as `run`) as a CSV folder that `run csv --data DIR --like EXPERIMENT` reads
 * back. */
static int cmd_export_csv(int argc, char **argv) {
    if (argc < 3 || argv[2][0] == '-') die("export-csv: name an experiment (bin/alrnn list)");
    const struct experiment *e = need_experiment(argv[2]);
    struct opts o = {0};
    parse_opts(argc, argv, 3, &o);
    if (!o.out || !*o.out) die("export-csv: --out DIR is required (the folder to write)");
    if (e->runner) die("export-csv: %s trains its own way and has no task data to export", e->name);
    const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
    struct resolved r;
    experiment_resolve(e, p, &r);
    const int seed = o.seed ? (int)parse_long(o.seed, "--seed", 0, 2147483647L) : 0;
    struct task_params tp = r.s.data;
    if (o.data_dir) tp.data_dir = o.data_dir;
    if (!tp.data_dir) tp.data_dir = getenv("ALRNN_DATA_DIR") ? getenv("ALRNN_DATA_DIR") : "data";
    rng_t data_rng;
    rng_init(&data_rng, (uint64_t)seed, RNG_STREAM_DATA); /* as experiment_run */
    struct dataset d[3];
    e->task->make_data(&tp, &data_rng, &d[0], &d[1], &d[2]);
    csv_export(&d[0], &d[1], &d[2], o.out);
    fprintf(stderr, "wrote %s/{sequences,%s,split}.csv: %d train, %d val, %d test sequences of "
            "%d steps\n", o.out, d[0].loss == LOSS_CE ? "labels" : "targets", d[0].n, d[1].n,
            d[2].n, d[0].T);
    for (int i = 0; i < 3; i++) dataset_free(&d[i]);
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
    const char *root = o.results ? o.results : "results";
    summary_check_figure(f, p, root);
    f->summarize(f, p, root, out);
    summary_commit();
    return 0;
}

/* results/<profile>/<experiment>/row.hash holds the row's hash; rewritten only when the hash
 * differs, so its mtime is the time the row last changed and the run rules depend on it. It
 * lives beside the runs (not in build/), so `make clean` does not retrain anything. */
static void write_row_stamp(const struct resolved *r, char *path, size_t n) {
    snprintf(path, n, "results/%s/%s/row.hash", profile_names[r->profile], r->exp->name);
    char want[32], have[32] = "";
    snprintf(want, sizeof want, "%s\n", resolved_hash_hex(r).s);
    FILE *fp = fopen(path, "r");
    if (fp) {
        if (!fgets(have, sizeof have, fp)) have[0] = 0;
        fclose(fp);
    }
    if (!strcmp(have, want)) return;
    make_parent_dirs(path);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    fp = fopen(tmp, "w");
    if (!fp) die("cannot write %s", tmp);
    fputs(want, fp);
    if (fclose(fp) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        die("cannot write %s", path);
    }
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
    int cs = CLAIM_SELECT_KEPT; /* --select kept|final|best_val: whose /test/<metric> scores */
    if (o.select) {
        while (cs < CLAIM_SELECT__COUNT && strcmp(o.select, claim_select_names[cs])) cs++;
        if (cs == CLAIM_SELECT__COUNT)
            die("verify --select %s: use %s, %s or %s", o.select,
                claim_select_names[CLAIM_SELECT_KEPT], claim_select_names[CLAIM_SELECT_FINAL],
                claim_select_names[CLAIM_SELECT_BEST_VAL]);
    }
    if (o.row) {
        if (!o.out) die("verify --row needs --out DIR (its report must not replace the table's)");
        claims_substitute_rows(o.row);
    }
    char out[4096];
    if (o.out) snprintf(out, sizeof out, "%s", o.out);
    else snprintf(out, sizeof out, "plots/out/%s", profile_names[p]);
    struct claim_result *res = xcalloc((size_t)n_claims, sizeof *res);
    const char *root = o.results ? o.results : "results";
    claims_evaluate(p, root, (claim_select)cs, res);
    claims_write(p, root, (claim_select)cs, res, selp, out);
    summary_commit(); /* claims.tsv and claims.md onto their names */
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

/* One run's rule: it depends on the row stamp (an edited row retrains) and reads make's
 * DATA_DIR. */
static void print_run_rule(const struct resolved *r, int P, int seed, const char *stamp) {
    char path[4096];
    run_default_path(r, P, seed, path, sizeof path);
    printf("%s: %s | bin/alrnn%s%s\n\tbin/alrnn run %s --P %d --seed %d --profile %s "
           "--data-dir '$(DATA_DIR)' --out $@\n\t$(sweep_progress)\n",
           path, stamp, r->exp->needs_data ? " " : "",
           r->exp->needs_data ? r->exp->needs_data : "", r->exp->name, P, seed,
           profile_names[r->profile]);
}

static int cmd_makefile(profile_kind p) {
    const char *pn = profile_names[p];
    printf("# generated by `bin/alrnn makefile --profile %s` from the experiment table\n", pn);
    /* Sweep progress: the runs this invocation has to train are those of its goals (figures,
     * runs-<experiment> targets, run files) whose files do not exist yet; each run rule
     * appends its file to a log when it finishes (under flock, so two runs finishing together
     * count 1 and 2) and prints "[k/N]" with the sweep's elapsed
     * time and an ETA that assumes the remaining runs take the finished ones' mean time. */
    printf("\nSWEEP_T0 := $(shell date +%%s)\n"
           "SWEEP_LOG := build/progress/%s-$(SWEEP_T0)-$(MAKELEVEL).log\n"
           "sweep_runs = $(sort $(foreach g,$(MAKECMDGOALS),$(SWEEP_RUNS_$(g))) "
           "$(filter $(MAKECMDGOALS),$(ALL_RUNS)))\n"
           "define sweep_progress\n"
           "@mkdir -p $(dir $(SWEEP_LOG)); "
           "k=$$(flock $(SWEEP_LOG).lock sh -c 'echo $@ >> $(SWEEP_LOG) && wc -l < $(SWEEP_LOG)'); "
           "n=$(SWEEP_N); now=$$(date +%%s); "
           "el=$$((now - $(SWEEP_T0))); [ $$n -ge $$k ] || n=$$k; "
           "printf '[%%d/%%d] %%s done; sweep %%dm%%02ds, ETA %%dm%%02ds\\n' $$k $$n $@ "
           "$$((el / 60)) $$((el %% 60)) $$((el * (n - k) / k / 60)) $$((el * (n - k) / k %% 60))\n"
           "endef\n",
           pn);
    static struct extra_runs extra;
    extra.n = 0;
    for (int c = 0; c < n_claims; c++) claim_run_paths(&claims[c], p, extra_add, &extra);
    for (int i = 0; i < n_experiments; i++) {
        struct resolved r;
        experiment_resolve(&experiments[i], p, &r);
        const char *en = r.exp->name;
        char stamp[4096];
        write_row_stamp(&r, stamp, sizeof stamp);
        /* the claims' runs outside the grid get rules too */
        for (int k = 0; k < extra.n; k++) {
            if (strcmp(extra.exp[k], en) != 0) continue;
            int in_grid = 0;
            for (int g = 0; g < r.n_P; g++) in_grid |= r.P[g] == extra.P[k];
            if (!in_grid && extra.seed[k] < r.s.seeds) print_run_rule(&r, extra.P[k], extra.seed[k], stamp);
        }
        printf("\nRUNS_%s :=", en);
        char path[4096];
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) {
                run_default_path(&r, r.P[k], s, path, sizeof path);
                printf(" %s", path);
            }
        printf("\n.PHONY: runs-%s\nruns-%s: $(RUNS_%s) ## train every run of %s\n", en, en, en, en);
        printf("SWEEP_RUNS_runs-%s := $(RUNS_%s)\nALL_RUNS += $(RUNS_%s)\n", en, en, en);
        /* a stamp removed since (make clean-results) is written again, with the same content */
        printf("%s: | bin/alrnn\n\tbin/alrnn makefile --profile %s > /dev/null\n", stamp, pn);
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) print_run_rule(&r, r.P[k], s, stamp);
    }
    /* make verify [CLAIMS=C1,C3] [SELECT=final|best_val] and verify-<id>: train the claims' missing
     * runs, then test the claims and draw the forest plot (SELECT=final or best_val: claims_final.* or
     * claims_best_val.*, beside the kept model's claims.*) */
    const char *gp = "\t@mkdir -p plots/out/%s\n\tgnuplot -e \"datadir='plots/out/%s'; "
                     "tsv='plots/out/%s/claims$(VERIFY_SUFFIX).tsv'; "
                     "outbase='plots/out/%s/claims$(VERIFY_SUFFIX)'; "
                     "profile='%s$(if $(VERIFY_SUFFIX), ($(SELECT)))'\" "
                     "plots/claims.gp\n";
    printf("\ncomma := ,\nVERIFY_SUFFIX = $(if $(filter-out kept,$(SELECT)),_$(SELECT))\n"
           "VERIFY_CLAIM_IDS :=");
    for (int c = 0; c < n_claims; c++) printf(" %s", claims[c].id);
    printf("\n");
    for (int c = 0; c < n_claims; c++) {
        const char *id = claims[c].id;
        printf("VERIFY_RUNS_%s :=", id);
        claim_run_paths(&claims[c], p, print_path, (void *)pn);
        printf("\nSWEEP_RUNS_verify-%s := $(VERIFY_RUNS_%s)\n", id, id);
        printf(".PHONY: verify-%s\nverify-%s: $(VERIFY_RUNS_%s) | bin/alrnn\n", id, id, id);
        printf("\tbin/alrnn verify --profile %s --claims %s $(if $(SELECT),--select $(SELECT))\n",
               pn, id);
        printf(gp, pn, pn, pn, pn, pn);
    }
    printf("SWEEP_RUNS_verify = $(foreach c,$(if $(CLAIMS),$(subst $(comma), ,$(CLAIMS)),"
           "$(VERIFY_CLAIM_IDS)),$(VERIFY_RUNS_$(c)))\n");
    printf(".PHONY: verify\nverify: $(SWEEP_RUNS_verify) | bin/alrnn\n");
    printf("\tbin/alrnn verify --profile %s $(if $(CLAIMS),--claims $(CLAIMS)) "
           "$(if $(SELECT),--select $(SELECT))\n", pn);
    printf(gp, pn, pn, pn, pn, pn);
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
    if (!strcmp(cmd, "export-csv")) return cmd_export_csv(argc, argv);
    if (!strcmp(cmd, "slurm")) return cmd_slurm(argc, argv);
    if (!strcmp(cmd, "analyze")) return cmd_analyze(argc, argv);
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
