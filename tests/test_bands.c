/* test_bands.c: the baselines drawn as reference bands beside the P curves of Figs 2, 3 and 5
 * (summary_write_bands, experiments/summary.c; the -baselines figures of figures.c).
 *
 * The baseline rows against their AL-RNN rows (the same task, width, seeds, encoder, data and
 * budget at every profile; the AL-RNN rows' hashes as they were before the rows shared a
 * settings macro); then smoke sweeps trained by bin/alrnn, summarized by bin/alrnn, and every
 * band row compared with the statistics of that baseline's run files, read with the HDF5
 * library directly (testutil.h). A missing baseline run stops the summary with one line; a
 * baseline that matches no AL-RNN row of its figure is refused. The real-data figure reads
 * the data mirror and is skipped without it. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "experiments.h"
#include "summary.h"
#include "testutil.h"

/* The band TSV prints "%.9g": nine significant digits, a relative error below 5e-9. */
#define TSV9_RTOL 1e-8

static void expect_rel(double got, double want, double rtol, const char *what) {
    cr_expect(fabs(got - want) <= rtol * fabs(want) + 1e-12, "%s: TSV %.12g, run files %.12g",
              what, got, want);
}

/* ---- the rows ------------------------------------------------------------------------------ */

/* resolved_dump's lines of r that start with one of the prefixes, concatenated. */
static void dump_lines(const struct resolved *r, char *buf, size_t n) {
    static const char *const keep[] = {"task ", "encoder:", "training:", "data:"};
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    cr_assert(fp);
    resolved_dump(r, fp);
    fclose(fp);
    buf[0] = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        for (size_t i = 0; i < ARRAY_LEN(keep); i++)
            if (!strncmp(line, keep[i], strlen(keep[i])))
                snprintf(buf + strlen(buf), n - strlen(buf), "%s\n", line);
    free(text);
}

/* Every baseline row <row>-<model> trains on <row>'s task, encoder, data and budget, with its
 * M, at every profile, and on its seeds at smoke, quick and paper; its P grid is "0". */
Test(bands, baseline_rows_share_their_alrnn_rows_settings) {
    int n = 0;
    for (int i = 0; i < n_experiments; i++) {
        const struct experiment *b = &experiments[i];
        if (b->model == MODEL_ALRNN) continue;
        char base[128];
        snprintf(base, sizeof base, "%s", b->name);
        char *dash = strrchr(base, '-');
        cr_assert(dash, "%s: a baseline row is named <row>-<model>", b->name);
        cr_expect_str_eq(dash + 1, model_kind_names[b->model], "%s: named after its model",
                         b->name);
        *dash = 0;
        const struct experiment *a = experiment_find(base);
        cr_assert(a && a->model == MODEL_ALRNN, "%s: no AL-RNN row %s", b->name, base);
        cr_expect(!b->analyze && !b->runner, "%s: a baseline takes no analysis", b->name);
        for (int p = 0; p < PROFILE__COUNT; p++) {
            struct resolved ra, rb;
            experiment_resolve(a, (profile_kind)p, &ra);
            experiment_resolve(b, (profile_kind)p, &rb);
            char da[2048], db[2048];
            dump_lines(&ra, da, sizeof da);
            dump_lines(&rb, db, sizeof db);
            cr_expect_str_eq(db, da, "%s against %s at %s", b->name, a->name, profile_names[p]);
            /* verify holds the claims' arms and seed counts, and baselines are in no claim:
             * there a baseline runs with quick's seeds */
            struct resolved rq;
            experiment_resolve(b, PROFILE_QUICK, &rq);
            const int seeds = p == PROFILE_VERIFY ? rq.s.seeds : ra.s.seeds;
            cr_expect(rb.s.M == ra.s.M && rb.s.seeds == seeds, "%s at %s: M %d seeds %d, "
                      "%s has M %d, expected seeds %d", b->name, profile_names[p], rb.s.M,
                      rb.s.seeds, a->name, ra.s.M, seeds);
            cr_expect(rb.n_P == 1 && rb.P[0] == 0, "%s at %s: P grid %s", b->name,
                      profile_names[p], rb.s.P_grid);
        }
        n++;
    }
    cr_expect_geq(n, 21, "%d baseline rows", n);
}

/* The AL-RNN rows that now share a settings macro with their baselines keep the hash their
 * runs were trained under (values printed by `bin/alrnn show` before the macros). */
Test(bands, shared_settings_keep_the_alrnn_rows_hashes) {
    static const struct {
        const char *row, *hash[PROFILE__COUNT]; /* smoke, quick, paper, verify */
    } want[] = {
        {"imdb", {"f43ef0b0c9ba3769", "7c07d49e3a97ef66", "c0cf0677828f6c96", "6974dfb78920fd86"}},
        {"smnist", {"afed2bdd1d2d8019", "1ee9bb52c4c7840f", "caf7b29ed9a01bf7", "dd6f5e79242b59d7"}},
        {"multitask_n20",
         {"8cccf31edeb149f0", "44f439b3c2f07768", "43edd757717347dc", "17c9d4b32bc8ac46"}},
        {"multitask_n50",
         {"49182aa89ac31c34", "bb4c639c580b90b6", "8a7846152688e19a", "7ed2621c3cb4a2d6"}},
        {"multitask_n500",
         {"a0551a9519352514", "e760744876accdc2", "6aacaa382c662b80", "9bbe0215b50db7ca"}},
    };
    _Static_assert(PROFILE_SMOKE == 0 && PROFILE_QUICK == 1 && PROFILE_PAPER == 2 &&
                   PROFILE_VERIFY == 3, "want[].hash is in profile order");
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        for (int p = 0; p < PROFILE__COUNT; p++) {
            struct resolved r;
            experiment_resolve(experiment_find(want[i].row), (profile_kind)p, &r);
            cr_expect_str_eq(resolved_hash_hex(&r).s, want[i].hash[p], "%s at %s", want[i].row,
                             profile_names[p]);
        }
}

/* ---- smoke sweeps ---------------------------------------------------------------------------- */

static void env_for(const char *data_dir, char *env, size_t n) {
    snprintf(env, n, "OPENBLAS_NUM_THREADS=1 %s%s%s", data_dir ? "ALRNN_DATA_DIR='" : "",
             data_dir ? data_dir : "", data_dir ? "'" : "");
}

/* Trains every (P, seed) of every experiment of the figure at smoke into <root>/smoke/. */
static void train_figure(const char *root, const struct figure *fig, const char *data_dir) {
    char env[4200], args[1024], err[8192];
    env_for(data_dir, env, sizeof env);
    for (int e = 0; fig->experiments[e]; e++) {
        struct resolved r;
        experiment_resolve(experiment_find(fig->experiments[e]), PROFILE_SMOKE, &r);
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) {
                snprintf(args, sizeof args, "run %s --P %d --seed %d --profile smoke --out "
                         "%s/smoke/%s/P%d_seed%d.h5", r.exp->name, r.P[k], s, root, r.exp->name,
                         r.P[k], s);
                cr_assert_eq(tu_alrnn(env, args, err, sizeof err), 0, "%s: %s", args, err);
            }
    }
}

/* summarize figure over root into out; the exit status, stderr in err. */
static int summarize(const char *root, const char *figure, const char *out, const char *data_dir,
                     char *err, size_t n) {
    char env[4200], args[1024];
    env_for(data_dir, env, sizeof env);
    cr_assert(snprintf(args, sizeof args, "summarize %s --profile smoke --results %s --out %s",
                       figure, root, out) < (int)sizeof args);
    return tu_alrnn(env, args, err, n);
}

/* The band file <out>/<stem>.tsv against the run files: one row per baseline in `rows`
 * (beside[i] its AL-RNN row), in order, each with the mean, sample std, min and max of metric
 * over its seeds, the band mean ± std and x from 0.5 to the AL-RNN row's M; and <stem>.gp
 * declaring the count and a labelled entry per band. */
static void expect_bands(const char *root, const char *out, const char *stem, const char *metric,
                         const char *const *rows, const char *const *beside, int n) {
    char path[4400], col[128], line[512];
    const char *m = strrchr(metric, '/') + 1;
    snprintf(path, sizeof path, "%s/%s.tsv", out, stem);
    struct tu_tsv t;
    tu_tsv_read(&t, path);
    cr_assert_eq(t.rows, n, "%s: %d rows for %d baselines", path, t.rows, n);
    char *raw = tu_slurp(path);
    for (int b = 0; b < n; b++) {
        struct resolved rb, ra;
        experiment_resolve(experiment_find(rows[b]), PROFILE_SMOKE, &rb);
        experiment_resolve(experiment_find(beside[b]), PROFILE_SMOKE, &ra);
        /* the text columns: experiment, model, beside */
        snprintf(line, sizeof line, "\n%s\t%s\t%s\t", rows[b], model_kind_names[rb.exp->model],
                 beside[b]);
        cr_expect(strstr(raw, line), "%s: no row starting '%s'", path, line + 1);
        const int S = rb.s.seeds;
        double sum = 0, mn = INFINITY, mx = -INFINITY, *v = malloc(S * sizeof(double));
        for (int s = 0; s < S; s++) {
            snprintf(path, sizeof path, "%s/smoke/%s/P0_seed%d.h5", root, rows[b], s);
            v[s] = tu_h5_scalar(path, metric);
            sum += v[s], mn = fmin(mn, v[s]), mx = fmax(mx, v[s]);
        }
        const double mean = sum / S;
        double q = 0;
        for (int s = 0; s < S; s++) q += (v[s] - mean) * (v[s] - mean);
        const double sd = S > 1 ? sqrt(q / (S - 1)) : 0;
        free(v);
        /* sized by units: the baseline's M is its AL-RNN row's */
        snprintf(path, sizeof path, "%s/smoke/%s/P0_seed0.h5", root, rows[b]);
        cr_expect_eq(tu_h5_root_attr_int(path, "M"), ra.s.M, "%s: M", rows[b]);
        const double want[] = {S, mean, sd, mn, mx, 0, mean - sd, mean + sd, 0.5, ra.s.M};
        const char *cols[] = {"n_seeds", "mean_", "std_", "min_", "max_", "n_diverged",
                              "band_lo", "band_hi", "x_from", "x_to"};
        for (size_t c = 0; c < ARRAY_LEN(cols); c++) {
            const int per_metric = cols[c][strlen(cols[c]) - 1] == '_';
            snprintf(col, sizeof col, "%s%s", cols[c], per_metric ? m : "");
            snprintf(line, sizeof line, "%s %s", rows[b], col);
            expect_rel(tu_tsv_at(&t, b, tu_tsv_col(&t, col)), want[c], TSV9_RTOL, line);
        }
    }
    free(raw);
    tu_tsv_free(&t);
    snprintf(path, sizeof path, "%s/%s.gp", out, stem);
    char *gp = tu_slurp(path);
    cr_assert(gp, "%s was not written", path);
    snprintf(line, sizeof line, "_n = %d\n", n);
    cr_expect(strstr(gp, line), "%s: no '%s': %s", path, line, gp);
    for (int b = 0; b < n; b++) {
        const struct experiment *e = experiment_find(rows[b]);
        snprintf(line, sizeof line, "\"%s", model_kind_names[e->model]);
        cr_expect(strstr(gp, line), "%s: no label for %s: %s", path, rows[b], gp);
    }
    free(gp);
}

/* A summary refused: exit 1, one line naming `want`, and nothing written into out. */
static void expect_refused(const char *root, const char *figure, const char *out,
                           const char *data_dir, const char *want) {
    char err[8192];
    const int st = summarize(root, figure, out, data_dir, err, sizeof err);
    cr_expect_eq(st, 1, "%s summarize exited %d: %s", figure, st, err);
    cr_expect_eq(tu_lines(err), 1, "%d lines: %s", tu_lines(err), err);
    cr_expect(strstr(err, want), "message lacks '%s': %s", want, err);
    cr_expect(!tu_exists(out), "a failed summarize wrote %s", out);
}

/* Removes one baseline run file; the summary must then refuse, naming it. */
static void expect_missing_refused(const char *root, const char *figure, const char *row,
                                   const char *data_dir) {
    char path[4400], out[4400];
    snprintf(path, sizeof path, "%s/smoke/%s/P0_seed0.h5", root, row);
    cr_assert_eq(unlink(path), 0, "cannot remove %s", path);
    snprintf(out, sizeof out, "%s/refused", root);
    expect_refused(root, figure, out, data_dir, path);
    char err[8192];
    summarize(root, figure, out, data_dir, err, sizeof err);
    cr_expect(strstr(err, "missing"), "%s", err);
}

Test(bands, figure3_baselines_match_run_files, .timeout = 120) {
    char root[256], out[512], err[8192];
    tu_tmpdir(root, sizeof root, "bands3");
    const struct figure *fig = figure_find("figure3-baselines");
    cr_assert(fig);
    train_figure(root, fig, NULL);
    snprintf(out, sizeof out, "%s/tsv", root);
    cr_assert_eq(summarize(root, "figure3-baselines", out, NULL, err, sizeof err), 0, "%s", err);
    static const char *const rows[] = {"copy-tanh", "copy-lstm", "copy-gru"};
    static const char *const beside[] = {"copy", "copy", "copy"};
    expect_bands(root, out, "figure3c_baselines", "/test/symbol_accuracy", rows, beside, 3);
    /* the plain figure draws no band: its variables say so and no band TSV is written */
    snprintf(out, sizeof out, "%s/plain", root);
    cr_assert_eq(summarize(root, "figure3", out, NULL, err, sizeof err), 0, "%s", err);
    char path[1024];
    snprintf(path, sizeof path, "%s/figure3c_baselines.gp", out);
    char *gp = tu_slurp(path);
    cr_assert(gp && strstr(gp, "bands_c_n = 0\n"), "%s: %s", path, gp ? gp : "(missing)");
    free(gp);
    snprintf(path, sizeof path, "%s/figure3c_baselines.tsv", out);
    cr_expect(!tu_exists(path), "figure3 wrote %s", path);
    expect_missing_refused(root, "figure3-baselines", "copy-gru", NULL);
    tu_rm_rf(root);
}

Test(bands, figure5_baselines_match_run_files, .timeout = 120) {
    char root[256], out[512], err[8192];
    tu_tmpdir(root, sizeof root, "bands5");
    const struct figure *fig = figure_find("figure5-baselines");
    cr_assert(fig);
    train_figure(root, fig, NULL);
    snprintf(out, sizeof out, "%s/tsv", root);
    cr_assert_eq(summarize(root, "figure5-baselines", out, NULL, err, sizeof err), 0, "%s", err);
    /* every baseline the figure lists, beside the AL-RNN row of its n */
    const char *rows[16], *beside[16];
    int n = 0;
    for (int e = 0; fig->experiments[e]; e++) {
        const struct experiment *x = experiment_find(fig->experiments[e]);
        if (x->model == MODEL_ALRNN) continue;
        static char base[16][128];
        snprintf(base[n], sizeof base[n], "%s", x->name);
        *strrchr(base[n], '-') = 0;
        rows[n] = x->name, beside[n] = base[n], n++;
    }
    cr_assert_gt(n, 0);
    expect_bands(root, out, "figure5a_baselines", "/test/accuracy", rows, beside, n);
    /* the label names the training-set size of the AL-RNN row it sits beside */
    char path[1024], want[128];
    snprintf(path, sizeof path, "%s/figure5a_baselines.gp", out);
    char *gp = tu_slurp(path);
    struct resolved r;
    experiment_resolve(experiment_find(beside[0]), PROFILE_SMOKE, &r);
    snprintf(want, sizeof want, ", n = %d\"", r.s.data.n_per_group);
    cr_expect(gp && strstr(gp, want), "%s lacks '%s': %s", path, want, gp ? gp : "");
    free(gp);
    expect_missing_refused(root, "figure5-baselines", rows[n - 1], NULL);
    tu_rm_rf(root);
}

Test(bands, figure2_baselines_match_run_files, .timeout = 300) {
    const char *d1 = tu_data_dir_with("imdb/test.tsv");
    if (!d1) cr_skip_test("no data: imdb/ not found (run make datasets)");
    char data[4096];
    snprintf(data, sizeof data, "%s", d1);
    if (!tu_data_dir_with("mnist/t10k-labels-idx1-ubyte.gz"))
        cr_skip_test("no data: mnist/ not found (run make datasets)");
    char root[256], out[512], err[8192];
    tu_tmpdir(root, sizeof root, "bands2");
    const struct figure *fig = figure_find("figure2-baselines");
    cr_assert(fig);
    train_figure(root, fig, data);
    snprintf(out, sizeof out, "%s/tsv", root);
    cr_assert_eq(summarize(root, "figure2-baselines", out, data, err, sizeof err), 0, "%s", err);
    /* each panel's band file holds the baselines of its task, in the figure's order */
    static const char *const panel[2][2] = {{"imdb", "figure2a_baselines"},
                                            {"smnist", "figure2e_baselines"}};
    const char *last = NULL;
    for (int p = 0; p < 2; p++) {
        const char *rows[16], *beside[16];
        int n = 0;
        for (int e = 0; fig->experiments[e]; e++) {
            const struct experiment *x = experiment_find(fig->experiments[e]);
            if (x->model == MODEL_ALRNN || x->task != experiment_find(panel[p][0])->task)
                continue;
            rows[n] = x->name, beside[n] = panel[p][0], n++;
        }
        cr_assert_gt(n, 0, "%s: no baseline beside %s", fig->name, panel[p][0]);
        expect_bands(root, out, panel[p][1], "/test/accuracy", rows, beside, n);
        last = rows[n - 1];
    }
    expect_missing_refused(root, "figure2-baselines", last, data);
    tu_rm_rf(root);
}

/* A baseline row whose settings are not its figure's AL-RNN row's (here the addition LSTM in
 * a copy figure) is a table mistake: one line naming it, before any run file is read. */
Test(bands, a_baseline_of_other_settings_is_refused, .exit_code = 1) {
    const struct figure fig = {.name = "figure-test",
                               .experiments = {"copy", "addition-lstm"}};
    const char *beside[1] = {"copy"};
    summary_write_bands(&fig, PROFILE_SMOKE, "/nonexistent", "/nonexistent/out", "x", "x",
                        "/test/accuracy", "test", beside, NULL, 1);
}
