/* test_table.c: the experiment and figure tables as a whole (experiments/table.c,
 * figures.c) and the enum <-> name tables they and the HDF5 files rely on.
 *
 * Walks every entry, so a new row or figure is covered without editing this file:
 *   - names: unique, valid command-line / make-target names; figure names start with
 *     "figure"; every figure's experiments and script exist;
 *   - every enum <-> name table has an entry for every value (no NULL gap; the sizes are
 *     static-asserted next to the tables), and names are unique within a table;
 *   - every row resolves at every profile; a row missing a required setting fails in one
 *     line naming the row, the field and the profile (a synthetic row);
 *   - every row trains one smoke epoch in process (the row's runner) and writes its run file;
 *   - every figure summarizes a smoke sweep trained by bin/alrnn, and gnuplot draws it.
 * Data-backed rows read the first data directory holding their files (testutil.h); without
 * one the row or figure is skipped with a message naming the missing file. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "experiments.h"
#include "h5io.h"
#include "layers.h"
#include "tasks.h"
#include "scan_data.h"
#include "scan_model.h"
#include "synthetic.h"
#include "testutil.h"

/* Generous room for the parameter arrays; the tests assert the tables fit. */
enum { MAX_ROWS = 128 };

/* ---- names --------------------------------------------------------------------------------- */

/* A command-line, make-target and results/ folder name: a lower-case letter, then lower-case
 * letters, digits, '_' or '-'. */
static int valid_name(const char *s) {
    if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

Test(table, names_are_unique_and_valid) {
    cr_assert(n_experiments > 0 && n_experiments <= MAX_ROWS && n_figures > 0 &&
              n_figures <= MAX_ROWS);
    for (int i = 0; i < n_experiments; i++) {
        const struct experiment *e = &experiments[i];
        cr_expect(valid_name(e->name), "experiment %d: invalid name '%s'", i, e->name);
        if (!e->name) continue;
        cr_expect(strncmp(e->name, "figure", 6) != 0, "%s: experiment names a figure", e->name);
        cr_expect(e->description && *e->description, "%s: no description", e->name);
        cr_expect(e->task != NULL, "%s: no task", e->name);
        cr_expect(experiment_find(e->name) == e, "%s: experiment_find finds another row", e->name);
        cr_expect(!e->needs_data || strncmp(e->needs_data, "datasets-", 9) == 0,
                  "%s: needs_data '%s' is not a datasets-* target", e->name, e->needs_data);
        for (int j = 0; j < i; j++)
            cr_expect(strcmp(e->name, experiments[j].name) != 0, "experiment '%s' twice",
                      e->name);
    }
    for (int i = 0; i < n_figures; i++) {
        const struct figure *f = &figures[i];
        cr_expect(valid_name(f->name), "figure %d: invalid name '%s'", i, f->name);
        if (!f->name) continue;
        cr_expect(strncmp(f->name, "figure", 6) == 0, "figure '%s' does not start with 'figure'",
                  f->name);
        cr_expect(f->description && *f->description, "%s: no description", f->name);
        cr_expect(f->summarize != NULL, "%s: no summarizer", f->name);
        cr_expect(f->script && tu_exists(f->script), "%s: script %s missing", f->name,
                  f->script ? f->script : "(none)");
        cr_expect(figure_find(f->name) == f, "%s: figure_find finds another row", f->name);
        cr_expect(f->experiments[0] != NULL, "%s: draws from no experiment", f->name);
        for (int k = 0; k < (int)ARRAY_LEN(f->experiments) && f->experiments[k]; k++)
            cr_expect(experiment_find(f->experiments[k]) != NULL, "%s: unknown experiment '%s'",
                      f->name, f->experiments[k]);
        for (int j = 0; j < i; j++)
            cr_expect(strcmp(f->name, figures[j].name) != 0, "figure '%s' twice", f->name);
    }
}

/* Every value has a non-empty name and no two values share one. */
static void expect_names(const char *table, const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        cr_expect(names[i] && *names[i], "%s[%d] has no name", table, i);
        for (int j = 0; j < i; j++)
            cr_expect(!names[i] || !names[j] || strcmp(names[i], names[j]) != 0,
                      "%s[%d] and [%d] are both '%s'", table, j, i, names[i]);
    }
}

Test(table, name_tables_have_no_gaps) {
    expect_names("profile_names", profile_names, PROFILE__COUNT);
    expect_names("alrnn_form_names", alrnn_form_names, ALRNN_FORM__COUNT);
    expect_names("alrnn_init_names", alrnn_init_names, ALRNN_INIT__COUNT);
    expect_names("z0_kind_names", z0_kind_names, Z0__COUNT);
    expect_names("loss_kind_names", loss_kind_names, LOSS__COUNT);
    expect_names("readout_kind_names", readout_kind_names, READOUT__COUNT);
    expect_names("select_kind_names", select_kind_names, SELECT__COUNT);
    expect_names("layer_kind_names", layer_kind_names, LAYER__COUNT);
    expect_names("multitask_task_names", multitask_task_names, MT__COUNT);
    expect_names("scan_word_names", scan_word_names, SCAN_WORD__COUNT);
    expect_names("scan_action_names", scan_action_names, SCAN_ACTION__COUNT);
    expect_names("scan_special_names", scan_special_names, SCAN_N_SPECIAL);
    expect_names("scan_metric_names", scan_metric_names, SCAN_M__COUNT);
    expect_names("scan_construct_names", scan_construct_names, SCAN_C__COUNT);
    for (int p = 0; p < PROFILE__COUNT; p++)
        cr_expect_eq(profile_parse(profile_names[p]), (profile_kind)p);
}

/* ---- resolution ---------------------------------------------------------------------------- */

Test(table, every_row_resolves_at_every_profile) {
    for (int i = 0; i < n_experiments; i++)
        for (int p = 0; p < PROFILE__COUNT; p++) {
            const struct experiment *e = &experiments[i];
            struct resolved r;
            experiment_resolve(e, (profile_kind)p, &r);
            cr_expect(r.exp == e && r.profile == (profile_kind)p);
            cr_expect(r.n_P >= 1 && r.s.seeds >= 1 && r.s.train.epochs >= 1 &&
                      r.s.train.batch >= 1 && r.s.train.lr > 0,
                      "%s at %s: n_P %d seeds %d epochs %d batch %d lr %g", e->name,
                      profile_names[p], r.n_P, r.s.seeds, r.s.train.epochs, r.s.train.batch,
                      r.s.train.lr);
            for (int k = 0; k < r.n_P; k++) {
                cr_expect(r.P[k] >= 0 && r.P[k] <= r.s.M, "%s at %s: P = %d, M = %d", e->name,
                          profile_names[p], r.P[k], r.s.M);
                for (int j = 0; j < k; j++)
                    cr_expect(r.P[j] != r.P[k], "%s at %s: P = %d twice in the grid", e->name,
                              profile_names[p], r.P[k]);
            }
        }
}

/* Resolves e at p in a child process; returns its exit status, stderr into err. */
static int resolve_in_child(const struct experiment *e, profile_kind p, char *err, size_t n) {
    int fd[2];
    cr_assert_eq(pipe(fd), 0);
    fflush(NULL);
    const pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        struct resolved r;
        experiment_resolve(e, p, &r);
        _exit(0);
    }
    close(fd[1]);
    size_t k = 0;
    ssize_t got;
    while (k + 1 < n && (got = read(fd[0], err + k, n - 1 - k)) > 0) k += (size_t)got;
    err[k] = 0;
    close(fd[0]);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void expect_dies_with(const struct experiment *e, profile_kind p, const char *want) {
    char err[1024];
    const int st = resolve_in_child(e, p, err, sizeof err);
    cr_expect(st == 1, "%s at %s: exit status %d (want 1)", e->name, profile_names[p], st);
    cr_expect(strcmp(err, want) == 0, "stderr was \"%s\", want \"%s\"", err, want);
}

/* A required setting missing after the merge is one line naming the row, the field and the
 * profile, and exit status 1 (not an abort): a synthetic row from addition's. */
/* An override keeps the paper's value where its field is zero, and sets zero where it says
 * SETTING_ZERO; verify layers over quick. */
Test(table, setting_zero_switches_a_field_off) {
    const struct experiment e = {
        .name = "t", .description = "t", .task = &task_addition,
        .paper = {.M = 4, .P_grid = "0,1", .seeds = 1,
                  .train = {.epochs = 1, .batch = 2, .lr = 1e-3, .lr_min = 1e-5, .cosine = 1,
                            .clip = 5, .tau = 0.1, .M_reg = 2, .eval_every = 3},
                  .data = {.n_val = 8}},
        .override = {
            [PROFILE_QUICK] = {.train = {.cosine = SETTING_ZERO, .clip = SETTING_ZERO}},
            [PROFILE_VERIFY] = {.train = {.tau = SETTING_ZERO, .M_reg = SETTING_ZERO,
                                          .eval_every = SETTING_ZERO, .lr_min = SETTING_ZERO},
                                .data = {.n_val = SETTING_ZERO}},
        }};
    struct resolved r;
    experiment_resolve(&e, PROFILE_PAPER, &r);
    cr_expect(r.s.train.cosine == 1 && r.s.train.clip == 5 && r.s.train.tau == 0.1);
    experiment_resolve(&e, PROFILE_SMOKE, &r); /* no override: the paper's values */
    cr_expect(r.s.train.cosine == 1 && r.s.train.clip == 5 && r.s.data.n_val == 8);
    experiment_resolve(&e, PROFILE_QUICK, &r);
    cr_expect(r.s.train.cosine == 0 && r.s.train.clip == 0, "cosine %d clip %g",
              r.s.train.cosine, r.s.train.clip);
    cr_expect(r.s.train.tau == 0.1 && r.s.train.M_reg == 2 && r.s.data.n_val == 8);
    experiment_resolve(&e, PROFILE_VERIFY, &r);
    cr_expect(r.s.train.cosine == 0 && r.s.train.clip == 0, "verify keeps quick's zeros");
    cr_expect(r.s.train.tau == 0 && r.s.train.M_reg == 0 && r.s.train.eval_every == 0 &&
                  r.s.train.lr_min == 0 && r.s.data.n_val == 0,
              "tau %g M_reg %d eval_every %d lr_min %g n_val %d", r.s.train.tau, r.s.train.M_reg,
              r.s.train.eval_every, r.s.train.lr_min, r.s.data.n_val);
}

Test(table, missing_required_field_is_one_line_error) {
    const struct experiment *add = experiment_find("addition");
    cr_assert(add);
    char err[1024];
    struct experiment e = *add;
    e.name = "synthetic";
    e.paper.train.epochs = 0;
    e.override[PROFILE_QUICK].train.epochs = 0;
    e.override[PROFILE_SMOKE].train.epochs = 2;
    cr_expect_eq(resolve_in_child(&e, PROFILE_SMOKE, err, sizeof err), 0,
                 "the smoke override sets epochs: %s", err);
    expect_dies_with(&e, PROFILE_QUICK,
                     "alrnn: experiment 'synthetic': epochs is not set for profile quick\n");
    expect_dies_with(&e, PROFILE_PAPER,
                     "alrnn: experiment 'synthetic': epochs is not set for profile paper\n");
    e = *add, e.name = "synthetic", e.paper.M = 0, e.override[PROFILE_QUICK].M = 0;
    expect_dies_with(&e, PROFILE_QUICK,
                     "alrnn: experiment 'synthetic': M is not set for profile quick\n");
    e = *add, e.name = "synthetic", e.paper.seeds = 0, e.override[PROFILE_QUICK].seeds = 0;
    expect_dies_with(&e, PROFILE_PAPER,
                     "alrnn: experiment 'synthetic': seeds is not set for profile paper\n");
    e = *add, e.name = "synthetic", e.paper.train.lr = 0;
    expect_dies_with(&e, PROFILE_SMOKE,
                     "alrnn: experiment 'synthetic': lr is not set for profile smoke\n");
    e = *add, e.name = "synthetic", e.paper.train.batch = 0;
    expect_dies_with(&e, PROFILE_QUICK,
                     "alrnn: experiment 'synthetic': batch is not set for profile quick\n");
    e = *add, e.name = "synthetic", e.paper.P_grid = NULL, e.override[PROFILE_QUICK].P_grid = NULL;
    expect_dies_with(&e, PROFILE_QUICK,
                     "alrnn: experiment 'synthetic': P_grid is not set for profile quick\n");
    e = *add, e.name = "synthetic", e.task = NULL;
    expect_dies_with(&e, PROFILE_SMOKE,
                     "alrnn: experiment 'synthetic': task is not set for profile smoke\n");
    /* a P outside [0, M] and a malformed grid */
    e = *add, e.name = "synthetic", e.override[PROFILE_SMOKE].P_grid = "0,9";
    expect_dies_with(&e, PROFILE_SMOKE, "alrnn: experiment 'synthetic': P = 9 in the P grid for "
                                        "profile smoke is outside [0, M = 8]\n");
    e.override[PROFILE_SMOKE].P_grid = "0;2";
    expect_dies_with(&e, PROFILE_SMOKE, "alrnn: experiment 'synthetic': P grid '0;2' for profile "
                                        "smoke is not a list of at most 32 integers\n");
}

/* ---- data ---------------------------------------------------------------------------------- */

/* The data directory row e reads (NULL: it needs none); *missing names the first file not
 * found when the data is absent (then the result is NULL too). */
static const char *row_data_dir(const struct experiment *e, const char **missing) {
    static char buf[4200]; /* the file found missing */
    *missing = NULL;
    if (!e->needs_data) return NULL;
    static const struct { const char *target, *probe; } probes[] = {
        {"datasets-imdb", "imdb/test.tsv"},
        {"datasets-mnist", "mnist/t10k-labels-idx1-ubyte.gz"},
        {"datasets-fsdd", "fsdd/recordings/0_george_0.wav"},
        {"datasets-speechcommands", "speechcommands/v0.02"},
        {"datasets-scan", "scan/length_split/tasks_test_length.txt"},
        {"datasets-fashion-mnist", NULL}, /* read in place from the Debian package */
    };
    for (size_t i = 0; i < ARRAY_LEN(probes); i++) {
        if (strcmp(e->needs_data, probes[i].target) != 0) continue;
        if (!probes[i].probe) {
            const char *fd = getenv("ALRNN_FASHION_DIR");
            snprintf(buf, sizeof buf, "%s/train-images-idx3-ubyte.gz",
                     fd && *fd ? fd : "/usr/share/datasets/fashion-mnist");
            if (access(buf, R_OK) != 0) *missing = buf;
            return NULL;
        }
        const char *dir = tu_data_dir_with(probes[i].probe);
        if (!dir) {
            *missing = probes[i].probe;
            return NULL;
        }
        /* the frozen-GloVe row also needs the vectors (not part of make datasets) */
        if (e->paper.data.opts && strstr(e->paper.data.opts, "glove=1")) {
            const char *g = getenv("ALRNN_GLOVE");
            if (g && *g) snprintf(buf, sizeof buf, "%s", g);
            else snprintf(buf, sizeof buf, "%s/glove/glove.6B.100d.txt", dir);
            if (access(buf, R_OK) != 0) {
                *missing = buf;
                return NULL;
            }
        }
        return dir;
    }
    cr_assert_fail("%s needs %s: tell row_data_dir() which file shows that data is present",
                   e->name, e->needs_data);
    return NULL;
}

/* ---- one smoke epoch per row ----------------------------------------------------------------- */

static int row_index[MAX_ROWS];

ParameterizedTestParameters(table, every_row_trains_one_smoke_epoch) {
    for (int i = 0; i < MAX_ROWS; i++) row_index[i] = i;
    return cr_make_param_array(int, row_index, n_experiments < MAX_ROWS ? n_experiments : MAX_ROWS);
}

/* The row's runner, in process, at the smoke profile cut to one epoch, for the largest P of
 * the smoke grid (every kind of unit present): a complete run file with one finite loss. */
ParameterizedTest(int *ip, table, every_row_trains_one_smoke_epoch, .timeout = 300) {
    const struct experiment *e = &experiments[*ip];
    const char *missing;
    const char *dir = row_data_dir(e, &missing);
    if (missing) cr_skip_test("%s: no data (%s not found)", e->name, missing);
    struct resolved r;
    experiment_resolve(e, PROFILE_SMOKE, &r);
    r.s.train.epochs = 1;
    if (dir) r.s.data.data_dir = dir;
    char tmp[256], out[512];
    tu_tmpdir(tmp, sizeof tmp, "row");
    snprintf(out, sizeof out, "%s/run.h5", tmp);
    const int P = r.P[r.n_P - 1];
    experiment_dispatch(&r, P, 0, out);
    cr_assert(tu_exists(out), "%s: no run file", e->name);
    struct h5file f;
    h5_open_read(&f, out);
    char *name = h5_read_attr_str(&f, "/", "experiment");
    cr_expect_str_eq(name, e->name);
    free(name);
    cr_expect_eq(h5_read_attr_int(&f, "/", "P"), P);
    size_t n;
    double *loss = h5_read_f64(&f, "/train/loss", &n, NULL, NULL);
    cr_expect_eq(n, 1, "%s: %zu epochs recorded (one trained)", e->name, n);
    for (size_t k = 0; k < n; k++) cr_expect(isfinite(loss[k]), "%s: loss %g", e->name, loss[k]);
    free(loss);
    h5_close(&f);
    tu_rm_rf(tmp);
}

/* ---- every figure from a smoke sweep --------------------------------------------------------- */

static int figure_index[MAX_ROWS];

ParameterizedTestParameters(table, every_figure_summarizes_and_draws) {
    for (int i = 0; i < MAX_ROWS; i++) figure_index[i] = i;
    return cr_make_param_array(int, figure_index, n_figures < MAX_ROWS ? n_figures : MAX_ROWS);
}

/* Trains every (P, seed) of the figure's rows at smoke with bin/alrnn, summarizes, and draws
 * with the figure's gnuplot script the way the generated make recipe does: gnuplot exits 0
 * and writes a non-empty PNG; every TSV has at least one data row. */
ParameterizedTest(int *ip, table, every_figure_summarizes_and_draws, .timeout = 600) {
    const struct figure *fig = &figures[*ip];
    char tmp[256], args[1024], err[8192], env[4400], cmd[8192], path[4400];
    tu_tmpdir(tmp, sizeof tmp, "fig");
    const char *data = NULL;
    for (int k = 0; k < (int)ARRAY_LEN(fig->experiments) && fig->experiments[k]; k++) {
        const struct experiment *e = experiment_find(fig->experiments[k]);
        cr_assert(e);
        const char *missing;
        const char *dir = row_data_dir(e, &missing);
        if (missing) {
            tu_rm_rf(tmp);
            cr_skip_test("%s: no data for %s (%s not found)", fig->name, e->name, missing);
        }
        if (dir) data = dir;
    }
    snprintf(env, sizeof env, "OPENBLAS_NUM_THREADS=1 %s%s%s", data ? "ALRNN_DATA_DIR='" : "",
             data ? data : "", data ? "'" : "");
    for (int k = 0; k < (int)ARRAY_LEN(fig->experiments) && fig->experiments[k]; k++) {
        struct resolved r;
        experiment_resolve(experiment_find(fig->experiments[k]), PROFILE_SMOKE, &r);
        for (int i = 0; i < r.n_P; i++)
            for (int s = 0; s < r.s.seeds; s++) {
                snprintf(args, sizeof args,
                         "run %s --P %d --seed %d --profile smoke --out %s/smoke/%s/P%d_seed%d.h5",
                         r.exp->name, r.P[i], s, tmp, r.exp->name, r.P[i], s);
                cr_assert_eq(tu_alrnn(env, args, err, sizeof err), 0, "%s: %s", args, err);
            }
    }
    snprintf(args, sizeof args, "summarize %s --profile smoke --results %s --out %s/tsv",
             fig->name, tmp, tmp);
    cr_assert_eq(tu_alrnn(env, args, err, sizeof err), 0, "%s: %s", args, err);
    snprintf(cmd, sizeof cmd,
             "gnuplot -e \"datadir='%s/tsv'; outbase='%s/%s'; profile='smoke'\" %s", tmp, tmp,
             fig->name, fig->script);
    cr_assert_eq(tu_sh(cmd, err, sizeof err), 0, "%s failed: %s", cmd, err);
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.png", tmp, fig->name);
    cr_expect(stat(path, &st) == 0 && st.st_size > 0, "%s: %s missing or empty", fig->name,
              path);
    /* every TSV: at least one data row */
    snprintf(cmd, sizeof cmd, "ls %s/tsv/*.tsv", tmp);
    FILE *ls = popen(cmd, "r");
    cr_assert(ls);
    int n_tsv = 0;
    while (fgets(path, sizeof path, ls)) {
        path[strcspn(path, "\n")] = 0;
        FILE *t = fopen(path, "r");
        cr_assert(t, "cannot read %s", path);
        char line[8192];
        int rows = 0; /* lines with a numeric field (a header has names only) */
        while (fgets(line, sizeof line, t)) {
            if (line[0] == '#') continue;
            int numeric = 0;
            for (char *c = line; *c && *c != '\n';) {
                char *end;
                strtod(c, &end);
                numeric |= end != c && (*end == '\t' || *end == '\n' || *end == 0);
                c += strcspn(c, "\t\n");
                if (*c == '\t') c++;
            }
            rows += numeric;
        }
        fclose(t);
        cr_expect(rows > 0, "%s: %s has no data rows", fig->name, path);
        n_tsv++;
    }
    pclose(ls);
    cr_expect(n_tsv > 0, "%s wrote no TSV", fig->name);
    tu_rm_rf(tmp);
}
