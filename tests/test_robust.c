/* test_robust.c: damaged inputs end in one line naming the problem, exit 1 and nothing
 * half-written: run files that diverged, are foreign, stale or misshapen reaching
 * `summarize`; data files cut, shortened or missing reaching `run`; a bad --out; and the make
 * rules that retrain an edited row and read make's DATA_DIR.
 *
 * Run files come from smoke runs of `addition` (fractions of a second each) and are damaged
 * in place through the HDF5 C API. Damaged data sets are built in a temporary directory from
 * the first data directory that holds the set (testutil.h: data/, the offline mirror ...),
 * symlinking every file that stays intact; without data the data tests are skipped. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <criterion/criterion.h>
#include <hdf5.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "data_mnist.h"
#include "h5io.h"
#include "testutil.h"

/* ---- run files --------------------------------------------------------------------------- */

/* results/smoke/addition/P{0,2}_seed0.h5 under root, trained by bin/alrnn. */
/* addition's smoke sweep (P 0 and 2) and the P = 0 runs of its baselines, which figure4
 * draws beside it */
static void train_addition(const char *root) {
    static const char *const baselines[] = {"addition-tanh", "addition-lstm", "addition-gru"};
    for (int b = 0; b < 3; b++) {
        char args[1024], err[8192];
        snprintf(args, sizeof args,
                 "run %s --P 0 --seed 0 --profile smoke --out %s/smoke/%s/P0_seed0.h5",
                 baselines[b], root, baselines[b]);
        cr_assert_eq(tu_alrnn("OPENBLAS_NUM_THREADS=1", args, err, sizeof err), 0, "%s: %s",
                     args, err);
    }
    for (int P = 0; P <= 2; P += 2) {
        char args[1024], err[8192];
        snprintf(args, sizeof args,
                 "run addition --P %d --seed 0 --profile smoke --out %s/smoke/addition/P%d_seed0.h5",
                 P, root, P);
        cr_assert_eq(tu_alrnn("OPENBLAS_NUM_THREADS=1", args, err, sizeof err), 0, "%s: %s",
                     args, err);
    }
}

static void run_path(char *buf, size_t n, const char *root, int P) {
    snprintf(buf, n, "%s/smoke/addition/P%d_seed0.h5", root, P);
}

static hid_t open_rw(const char *path) {
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    cr_assert_geq(f, 0, "cannot open %s", path);
    return f;
}

static void set_scalar(const char *path, const char *dset, double v) {
    hid_t f = open_rw(path), d = H5Dopen2(f, dset, H5P_DEFAULT);
    cr_assert_geq(d, 0);
    cr_assert_geq(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v), 0);
    H5Dclose(d);
    H5Fclose(f);
}

/* Root attribute `name` replaced by an integer (created when absent). */
static void set_root_int(const char *path, const char *name, long long v) {
    hid_t f = open_rw(path);
    if (H5Aexists(f, name) > 0) H5Adelete(f, name);
    hid_t s = H5Screate(H5S_SCALAR), a = H5Acreate2(f, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert_geq(H5Awrite(a, H5T_NATIVE_LLONG, &v), 0);
    H5Aclose(a), H5Sclose(s), H5Fclose(f);
}

static void set_root_str(const char *path, const char *name, const char *v) {
    struct h5file f = {.id = open_rw(path)};
    snprintf(f.path, sizeof f.path, "%s", path);
    if (H5Aexists(f.id, name) > 0) H5Adelete(f.id, name);
    h5_attr_str(&f, "/", name, v);
    H5Fclose(f.id);
}

/* /test/sample/x replaced by its first `T` steps: the shape no longer matches z, readout. */
static void cut_sample_x(const char *path, int T) {
    struct h5file r;
    h5_open_read(&r, path);
    size_t n, d[4];
    double *x = h5_read_f64(&r, "/test/sample/x", &n, NULL, d);
    h5_close(&r);
    const size_t S = d[0], T0 = d[1], N = d[2], dn[3] = {S, (size_t)T, N};
    double *y = malloc(S * T * N * sizeof(double));
    for (size_t i = 0; i < S; i++)
        memcpy(y + i * T * N, x + i * T0 * N, (size_t)T * N * sizeof(double));
    struct h5file f = {.id = open_rw(path)};
    snprintf(f.path, sizeof f.path, "%s", path);
    cr_assert_geq(H5Ldelete(f.id, "/test/sample/x", H5P_DEFAULT), 0);
    h5_write(&f, "/test/sample/x", H5K_F64, 3, dn, y, "cut", "1");
    H5Fclose(f.id);
    free(x), free(y);
}

/* Number of entries of dir (files of any kind, "." and ".." excluded); -1 when it is absent. */
static int dir_entries(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "ls -A '%s' 2>/dev/null | wc -l; test -d '%s'", dir, dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    cr_assert(fscanf(p, "%d", &n) == 1);
    return pclose(p) == 0 ? n : -1;
}


/* summarize figure4 over root into out; returns the exit status, stderr in err. */
static int summarize4(const char *root, const char *out, char *err, size_t n) {
    char args[2048];
    snprintf(args, sizeof args, "summarize figure4 --profile smoke --results %s --out %s", root, out);
    return tu_alrnn(NULL, args, err, n);
}

/* A smoke addition sweep (P = 0, 2; seed 0) trained into dir/results; out for the TSVs. */
struct fx {
    char dir[128], root[256], out[256], p0[512], p2[512];
};

static void fx_train(struct fx *x) {
    tu_tmpdir(x->dir, sizeof x->dir, "robust");
    snprintf(x->root, sizeof x->root, "%s/results", x->dir);
    snprintf(x->out, sizeof x->out, "%s/out", x->dir);
    train_addition(x->root);
    run_path(x->p0, sizeof x->p0, x->root, 0);
    run_path(x->p2, sizeof x->p2, x->root, 2);
}

/* A failed summarize prints one line naming `want`, and out holds nothing (no TSV, no tmp). */
static void expect_refused(const char *root, const char *out, const char *want, const char *want2) {
    char err[8192];
    const int st = summarize4(root, out, err, sizeof err);
    cr_expect_eq(st, 1, "summarize exited %d: %s", st, err);
    cr_expect_eq(tu_lines(err), 1, "%d lines: %s", tu_lines(err), err);
    cr_expect(strstr(err, want), "message lacks '%s': %s", want, err);
    if (want2) cr_expect(strstr(err, want2), "message lacks '%s': %s", want2, err);
    cr_expect_leq(dir_entries(out), 0, "a failed summarize left files in %s", out);
}

static char *slurp_in(const char *dir, const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *s = tu_slurp(path);
    cr_assert_not_null(s, "%s was not written", path);
    return s;
}

/* The attribute training writes: the run is counted, left out of the mean and of the choice
 * of panels b/c, and the figure's note says so. */
Test(robust, summarize_counts_a_diverged_run) {
    struct fx x;
    fx_train(&x);
    char err[8192];
    set_root_int(x.p0, "diverged", 1);
    cr_assert_eq(summarize4(x.root, x.out, err, sizeof err), 0, "%s", err);
    char *a = slurp_in(x.out, "figure4a.tsv");
    cr_expect(strstr(a, "\tn_diverged\n"), "no n_diverged column: %s", a);
    cr_expect(strstr(a, "\n0\t0\tnan\tnan\tnan\tnan\t1\n"), "P=0 row: %s", a);
    cr_expect(strstr(a, "\n2\t1\t"), "P=2 row: %s", a);
    cr_expect(strstr(a, "\t0\n"), "P=2 row: %s", a);
    char *s = slurp_in(x.out, "figure4_summary.tsv");
    cr_expect(strstr(s, "n_diverged\t1\n"), "%s", s);
    cr_expect(strstr(s, "best_P\t2\n"), "%s", s);
    cr_expect(!strstr(s, "mse_P0"), "a diverged run has a mean: %s", s);
    cr_expect(!strstr(s, "nan"), "NaN reached the summary: %s", s);
    char *g = slurp_in(x.out, "figure4_notes.gp");
    cr_expect(strstr(g, "1 of 2 runs diverged"), "%s", g);
    char *sd = slurp_in(x.out, "figure4a_seeds.tsv");
    cr_expect(strstr(sd, "\n0\t0\tnan\t1\n"), "%s", sd);
    free(a), free(s), free(g), free(sd);
    tu_rm_rf(x.dir);
}

/* A NaN metric is a diverged run: it neither reaches a mean nor chooses the best P. */
Test(robust, a_nan_seed_does_not_choose_the_best_P) {
    struct fx x;
    fx_train(&x);
    char err[8192];
    set_scalar(x.p2, "/test/mse", NAN);
    cr_assert_eq(summarize4(x.root, x.out, err, sizeof err), 0, "%s", err);
    char *a = slurp_in(x.out, "figure4a.tsv");
    cr_expect(strstr(a, "\n2\t0\tnan\tnan\tnan\tnan\t1\n"), "P=2 row: %s", a);
    char *s = slurp_in(x.out, "figure4_summary.tsv");
    cr_expect(!strstr(s, "best_P"), "a NaN run chose the best P: %s", s);
    cr_expect(strstr(s, "mse_P0\t"), "%s", s);
    cr_expect(!strstr(s, "nan"), "NaN reached the summary: %s", s);
    free(a), free(s);
    tu_rm_rf(x.dir);
}

/* Every run diverged: nothing to draw, one line, exit 1, no TSV. */
Test(robust, summarize_of_an_all_diverged_sweep_fails_cleanly) {
    struct fx x;
    fx_train(&x);
    set_root_int(x.p0, "diverged", 1);
    set_scalar(x.p2, "/test/mse", INFINITY);
    expect_refused(x.root, x.out, "every run diverged", NULL);
    tu_rm_rf(x.dir);
}

Test(robust, summarize_refuses_a_foreign_M_without_crashing) {
    struct fx x;
    fx_train(&x);
    set_root_int(x.p2, "M", 100000);
    expect_refused(x.root, x.out, x.p2, "M is 100000, expected 8");
    tu_rm_rf(x.dir);
}

Test(robust, summarize_refuses_a_sample_of_the_wrong_shape) {
    struct fx x;
    fx_train(&x);
    cut_sample_x(x.p2, 5);
    expect_refused(x.root, x.out, x.p2, "/test/sample/readout has shape");
    tu_rm_rf(x.dir);
}

Test(robust, summarize_checks_attributes_against_the_path) {
    struct fx x;
    fx_train(&x);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", x.p0, x.p2); /* P = 0's file under P = 2's name */
    cr_assert_eq(system(cmd), 0);
    expect_refused(x.root, x.out, x.p2, "P is 0, expected 2");
    train_addition(x.root);
    set_root_str(x.p0, "experiment", "copy");
    expect_refused(x.root, x.out, x.p0, "experiment is 'copy', expected 'addition'");
    train_addition(x.root);
    set_root_str(x.p0, "profile", "quick");
    expect_refused(x.root, x.out, x.p0, "profile is 'quick'");
    tu_rm_rf(x.dir);
}

Test(robust, summarize_refuses_runs_of_an_edited_row) {
    struct fx x;
    fx_train(&x);
    set_root_str(x.p0, "row_hash", "0123456789abcdef"); /* trained from another version of the row */
    set_root_str(x.p2, "row_hash", "0123456789abcdef");
    expect_refused(x.root, x.out, "2 stale", "make figure4 PROFILE=smoke");
    char err[8192];
    summarize4(x.root, x.out, err, sizeof err);
    cr_expect(strstr(err, x.p0) && strstr(err, x.p2), "the stale files are not named: %s", err);
    tu_rm_rf(x.dir);
}

/* The row hash is what `show` prints, and the run file carries it. */
Test(robust, run_files_carry_the_row_hash) {
    struct fx x;
    fx_train(&x);
    char cmd[512], line[512], hash[64] = "";
    snprintf(cmd, sizeof cmd, "%s show addition --profile smoke", tu_bin());
    FILE *p = popen(cmd, "r");
    while (fgets(line, sizeof line, p)) sscanf(line, "row_hash %63s", hash);
    cr_assert_eq(pclose(p), 0);
    cr_assert_eq(strlen(hash), 16, "show prints no row_hash");
    struct h5file f;
    h5_open_read(&f, x.p0);
    char *v = h5_read_attr_str(&f, "/", "row_hash");
    h5_close(&f);
    cr_expect_str_eq(v, hash);
    free(v);
    /* another profile of the same row is another row */
    snprintf(cmd, sizeof cmd, "%s show addition --profile quick | grep row_hash", tu_bin());
    p = popen(cmd, "r");
    cr_assert(fgets(line, sizeof line, p));
    pclose(p);
    cr_expect(!strstr(line, hash), "smoke and quick share a row hash");
    tu_rm_rf(x.dir);
}

/* ---- make rules --------------------------------------------------------------------------- */

static void pause_ms(long ms) {
    const struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static long long mtime_ns(const char *path) {
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s missing", path);
    return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

/* `bin/alrnn makefile` run inside dir (it writes the row stamps relative to the cwd). */
static void makefile_in(const char *dir, const char *mk) {
    char bin[PATH_MAX], cmd[8192];
    cr_assert_not_null(realpath(tu_bin(), bin));
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' makefile --profile smoke > '%s'", dir, bin, mk);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* The run rules depend on the row's stamp, which changes only when the row does; a run older
 * than its stamp is retrained; runs read make's DATA_DIR. */
Test(robust, make_retrains_runs_of_an_edited_row_and_passes_data_dir) {
    char dir[128], stamp[512], run[512], cmd[2048];
    tu_tmpdir(dir, sizeof dir, "robust");
    makefile_in(dir, "runs.mk");
    snprintf(stamp, sizeof stamp, "%s/results/smoke/addition/row.hash", dir);
    char *mk = tu_slurp(strcat(strcpy(cmd, dir), "/runs.mk"));
    cr_assert_not_null(mk);
    cr_expect(strstr(mk, "results/smoke/addition/P0_seed0.h5: results/smoke/addition/row.hash"),
              "the run rule does not depend on the row stamp");
    cr_expect(strstr(mk, "--data-dir '$(DATA_DIR)'"), "runs do not read make's DATA_DIR");
    free(mk);
    char *h = tu_slurp(stamp);
    cr_assert_not_null(h);
    char show[512], line[512], hash[64] = "";
    snprintf(show, sizeof show, "%s show addition --profile smoke", tu_bin());
    FILE *p = popen(show, "r");
    while (fgets(line, sizeof line, p)) sscanf(line, "row_hash %63s", hash);
    pclose(p);
    cr_expect(strncmp(h, hash, 16) == 0, "stamp %s, row %s", h, hash);
    free(h);

    /* unchanged row: the stamp keeps its time */
    const long long t0 = mtime_ns(stamp);
    pause_ms(20);
    makefile_in(dir, "runs.mk");
    cr_expect_eq(mtime_ns(stamp), t0, "an unchanged row rewrote its stamp");

    /* a run trained after the stamp is up to date; then the row "changes" (the stamp holds
     * another hash, as after an edit), makefile rewrites it, and make retrains the run */
    snprintf(run, sizeof run, "%s/results/smoke/addition/P0_seed0.h5", dir);
    FILE *f = fopen(run, "w");
    fclose(f);
    char setup[2048]; /* the rules' order-only prerequisite bin/alrnn */
    snprintf(setup, sizeof setup, "cd '%s' && mkdir -p bin && touch -d '2000-01-01' bin/alrnn", dir);
    cr_assert_eq(system(setup), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && make -q -f runs.mk results/smoke/addition/P0_seed0.h5",
             dir);
    cr_expect_eq(WEXITSTATUS(system(cmd)), 0, "a run newer than its stamp is not up to date");
    pause_ms(20);
    f = fopen(stamp, "w");
    fputs("0000000000000000\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "touch -d '2000-01-01' '%s'", stamp);
    cr_assert_eq(system(cmd), 0);
    makefile_in(dir, "runs.mk");
    snprintf(cmd, sizeof cmd,
             "cd '%s' && make -n -f runs.mk results/smoke/addition/P0_seed0.h5 DATA_DIR=/x/y",
             dir);
    p = popen(cmd, "r");
    int retrains = 0;
    while (fgets(line, sizeof line, p))
        retrains |= strstr(line, "run addition --P 0") && strstr(line, "--data-dir '/x/y'");
    pclose(p);
    cr_expect(retrains, "make does not retrain a run of an edited row with DATA_DIR");
    tu_rm_rf(dir);
}

/* A verify target's sweep counts its own runs: two runs trained two at a time print [1/2]
 * and [2/2], one each (the counter is taken under a lock) */
Test(robust, verify_target_progress_counts_its_runs, .timeout = 120) {
    char dir[128], bin[PATH_MAX], cmd[4096], line[1024];
    tu_tmpdir(dir, sizeof dir, "progress");
    makefile_in(dir, "runs.mk");
    cr_assert_not_null(realpath(tu_bin(), bin));
    char gp[PATH_MAX]; /* the report's forest plot script */
    cr_assert_not_null(realpath("plots/claims.gp", gp));
    cr_assert(snprintf(cmd, sizeof cmd,
                       "cd '%s' && mkdir -p bin plots && ln -s '%s' bin/alrnn && ln -s '%s' plots/",
                       dir, bin, gp) < (int)sizeof cmd);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && make --no-print-directory -j2 -f runs.mk verify-C13 DATA_DIR=data 2>/dev/null", dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    int one = 0, two = 0, other = 0;
    while (fgets(line, sizeof line, p)) {
        if (!strstr(line, " done; sweep ")) continue;
        if (!strncmp(line, "[1/2] ", 6)) one++;
        else if (!strncmp(line, "[2/2] ", 6)) two++;
        else other++;
    }
    cr_expect_eq(pclose(p), 0, "make verify-C13 failed");
    cr_expect(one == 1 && two == 1 && other == 0, "progress lines: [1/2] x%d, [2/2] x%d, other %d",
              one, two, other);
    tu_rm_rf(dir);
}

/* ---- --out ------------------------------------------------------------------------------- */

static void expect_out_refused(const char *out, const char *want) {
    char args[1024], err[8192];
    snprintf(args, sizeof args, "run addition --P 0 --profile smoke --out '%s'", out);
    const int st = tu_alrnn(NULL, args, err, sizeof err);
    cr_expect_eq(st, 1, "--out '%s' exited %d: %s", out, st, err);
    cr_expect_eq(tu_lines(err), 1, "--out '%s' printed: %s", out, err);
    cr_expect(!strstr(err, "epoch"), "--out '%s' trained before failing: %s", out, err);
    cr_expect(strstr(err, want), "--out '%s': message lacks '%s': %s", out, want, err);
}

Test(robust, out_is_checked_before_training) {
    char dir[128], sub[256], file[256];
    tu_tmpdir(dir, sizeof dir, "robust");
    expect_out_refused(dir, "is an existing directory");
    expect_out_refused("", "--out is empty");
    snprintf(sub, sizeof sub, "%s/x/", dir);
    expect_out_refused(sub, "names a directory");
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    fclose(f);
    snprintf(sub, sizeof sub, "%s/plain/deeper/x.h5", dir);
    expect_out_refused(sub, "is not a directory");
    cr_expect_eq(dir_entries(dir), 1, "something was left in %s", dir);
    tu_rm_rf(dir);
}

/* ---- damaged data ------------------------------------------------------------------------- */

#define NEED_DATA(probe, src)                                                                  \
    const char *src = tu_data_dir_with(probe);                                                 \
    if (!src) cr_skip_test("no data: %s not found (run make datasets)", probe)

/* dst/<rel> as a symlink to src/<rel> (absolute), parents created. */
static void link_file(const char *src, const char *dst, const char *rel) {
    char a[PATH_MAX], s[PATH_MAX + 512], d[PATH_MAX + 512], cmd[4 * PATH_MAX];
    snprintf(s, sizeof s, "%s/%s", src, rel);
    cr_assert_not_null(realpath(s, a), "%s", s);
    snprintf(d, sizeof d, "%s/%s", dst, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\" && ln -sf '%s' '%s'", d, a, d);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* dst/<rel> := the first `bytes` bytes of src/<rel> (a regular file). */
static void cut_file(const char *src, const char *dst, const char *rel, long bytes) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -f '%s/%s' && head -c %ld '%s/%s' > '%s/%s'", dst, rel, bytes,
             src, rel, dst, rel);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* dst/<rel> := the first `lines` lines of src/<rel>. */
static void head_lines(const char *src, const char *dst, const char *rel, long lines) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -f '%s/%s' && head -n %ld '%s/%s' > '%s/%s'", dst, rel, lines,
             src, rel, dst, rel);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* `bin/alrnn run exp` reading dir (--data-dir, or $ALRNN_DATA_DIR when via_env) must fail in
 * one line naming `file` and `why`, and leave no run file. */
static void expect_data_refused_via(const char *exp, const char *dir, const char *file,
                                    const char *why, int via_env) {
    char args[2048], err[8192], out[512], env[1024], opt[1024] = "";
    snprintf(out, sizeof out, "%s/run.h5", dir);
    snprintf(env, sizeof env, "OPENBLAS_NUM_THREADS=1 ALRNN_DATA_DIR='%s'", via_env ? dir : "/nonexistent");
    if (!via_env) snprintf(opt, sizeof opt, "--data-dir '%s'", dir);
    snprintf(args, sizeof args, "run %s --P 1 --profile smoke %s --out '%s'", exp, opt, out);
    const int st = tu_alrnn(env, args, err, sizeof err);
    cr_expect_eq(st, 1, "%s with damaged %s exited %d: %s", exp, file, st, err);
    cr_expect(strstr(err, file), "message does not name %s: %s", file, err);
    cr_expect(strstr(err, why), "message lacks '%s': %s", why, err);
    cr_expect(!tu_exists(out), "a run file was written from damaged data");
}

/* Through the environment variable older builds also read, so each test shows the reader's
 * check (not the --data-dir option) is what refuses the file. */
static void expect_data_refused(const char *exp, const char *dir, const char *file,
                                const char *why) {
    expect_data_refused_via(exp, dir, file, why, 1);
}

Test(robust, imdb_cut_or_short_split_is_refused, .timeout = 120) {
    NEED_DATA("imdb/test.tsv", src);
    char dir[128];
    tu_tmpdir(dir, sizeof dir, "robust");
    link_file(src, dir, "imdb/train.tsv");
    cut_file(src, dir, "imdb/test.tsv", 1000);
    expect_data_refused("imdb", dir, "imdb/test.tsv", "truncated");
    head_lines(src, dir, "imdb/test.tsv", 2000);
    expect_data_refused("imdb", dir, "imdb/test.tsv", "expected 25000");
    /* --data-dir is the directory read (make passes its DATA_DIR so), over $ALRNN_DATA_DIR */
    expect_data_refused_via("imdb", dir, "imdb/test.tsv", "expected 25000", 0);
    tu_rm_rf(dir);
}

/* The FSDD directory with every clip linked except the changes applied by the caller. */
static void link_fsdd(const char *src, const char *dir, const char *skip) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/fsdd/recordings' && for f in \"$(realpath '%s')\"/fsdd/recordings/*.wav; do "
             "b=$(basename \"$f\"); [ \"$b\" = '%s' ] || ln -s \"$f\" '%s/fsdd/recordings/'\"$b\"; done",
             dir, src, skip, dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(robust, fsdd_missing_or_cut_clip_is_refused, .timeout = 120) {
    NEED_DATA("fsdd/recordings/0_george_0.wav", src);
    char dir[128];
    tu_tmpdir(dir, sizeof dir, "robust");
    link_fsdd(src, dir, "3_theo_7.wav");
    expect_data_refused("audio", dir, "fsdd/recordings", "2999 FSDD clips, expected 3000");
    /* a clip no smoke run reads, cut: every header is checked */
    cut_file(src, dir, "fsdd/recordings/3_theo_7.wav", 3000);
    expect_data_refused("audio", dir, "3_theo_7.wav", "truncated WAV");
    cut_file(src, dir, "fsdd/recordings/3_theo_7.wav", 40);
    expect_data_refused("audio", dir, "3_theo_7.wav", "truncated WAV");
    tu_rm_rf(dir);
}

Test(robust, scan_file_cut_mid_line_or_short_is_refused, .timeout = 120) {
    NEED_DATA("scan/simple_split/tasks_test_simple.txt", src);
    static const char *const rel = "scan/simple_split/tasks_test_simple.txt";
    char dir[128];
    tu_tmpdir(dir, sizeof dir, "robust");
    link_file(src, dir, "scan/simple_split/tasks_train_simple.txt");
    link_file(src, dir, "scan/tasks.txt");
    /* cut inside the last line's action list, at a token boundary: still a well-formed line */
    char path[PATH_MAX + 256];
    snprintf(path, sizeof path, "%s/%s", src, rel);
    char *text = tu_slurp(path);
    cr_assert_not_null(text);
    const size_t n = strlen(text);
    const char *last = text + n - 2;
    while (last > text && *last != '\n') last--;
    const char *sp = strrchr(last, ' '); /* before the last action of the last line */
    cut_file(src, dir, rel, (long)(sp - text));
    free(text);
    expect_data_refused("scan_simple", dir, "tasks_test_simple.txt", "no newline");
    head_lines(src, dir, rel, 4000);
    expect_data_refused("scan_simple", dir, "tasks_test_simple.txt", "4000 lines, the published file has 4182");
    tu_rm_rf(dir);
}

/* A complete, valid gzip IDX file holding only the first 100 test images and labels. */
static void write_short_idx(const char *src, const char *dst) {
    char in[PATH_MAX + 64], out[PATH_MAX + 64];
    snprintf(in, sizeof in, "%s/mnist/%s", src, MNIST_TEST_IMAGES);
    size_t n;
    int rows, cols;
    uint8_t *px = idx_read_images(in, &n, &rows, &cols);
    snprintf(out, sizeof out, "%s/mnist/%s", dst, MNIST_TEST_IMAGES);
    gzFile g = gzopen(out, "wb");
    const unsigned char h[16] = {0, 0, 8, 3, 0, 0, 0, 100, 0, 0, 0, 28, 0, 0, 0, 28};
    gzwrite(g, h, 16);
    gzwrite(g, px, 100 * 784);
    gzclose(g);
    free(px);
    snprintf(in, sizeof in, "%s/mnist/%s", src, MNIST_TEST_LABELS);
    uint8_t *lab = idx_read_labels(in, &n);
    snprintf(out, sizeof out, "%s/mnist/%s", dst, MNIST_TEST_LABELS);
    g = gzopen(out, "wb");
    const unsigned char hl[8] = {0, 0, 8, 1, 0, 0, 0, 100};
    gzwrite(g, hl, 8);
    gzwrite(g, lab, 100);
    gzclose(g);
    free(lab);
}

Test(robust, mnist_short_or_cut_file_is_refused, .timeout = 120) {
    NEED_DATA("mnist/t10k-labels-idx1-ubyte.gz", src);
    char dir[128];
    tu_tmpdir(dir, sizeof dir, "robust");
    link_file(src, dir, "mnist/" MNIST_TRAIN_IMAGES);
    link_file(src, dir, "mnist/" MNIST_TRAIN_LABELS);
    write_short_idx(src, dir);
    expect_data_refused("smnist", dir, MNIST_TEST_IMAGES, "100 images, expected 10000");
    link_file(src, dir, "mnist/" MNIST_TEST_IMAGES);
    char path[PATH_MAX + 128];
    snprintf(path, sizeof path, "%s/mnist/%s", src, MNIST_TEST_LABELS);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    char rel[128];
    snprintf(rel, sizeof rel, "mnist/%s", MNIST_TEST_LABELS);
    cut_file(src, dir, rel, (long)st.st_size - 2); /* the gzip trailer's last bytes */
    expect_data_refused("smnist", dir, MNIST_TEST_LABELS, "truncated gzip");
    tu_rm_rf(dir);
}
