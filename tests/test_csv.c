/* test_csv.c: sequence data from CSV (tasks/csv.c, docs/CSV_DATA.md) through bin/alrnn.
 *
 * Every validation error: exit 1, one line naming file:line:column and the problem, no run
 * file. Valid folders train with every model type. The worked example: export-csv of the
 * addition data, trained with `run csv --like addition`, gives the native run's bytes
 * (parameters, losses, test MSE), for the AL-RNN and for a baseline. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "experiments.h"
#include "h5io.h"
#include "tasks.h"
#include "testutil.h"

/* A valid regression folder: 4 sequences of 3 steps, 2 features, one target each. */
static const char *const base_seq =
    "id,step,f1,f2\n"
    "0,0,0.5,0\n0,1,0.25,1\n0,2,1,0\n"
    "1,0,-1,1\n1,1,2e-1,0\n1,2,3,0\n"
    "2,0,0,0\n2,1,0,1\n2,2,0.125,1\n"
    "3,0,1,1\n3,1,1,1\n3,2,1,1\n";
static const char *const base_tgt = "id,t1\n0,1.5\n1,0.5\n2,-1\n3,2\n";

static void put(const char *dir, const char *name, const char *text) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!text) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* run csv on dir; returns the exit status, stderr in err */
static int run_csv(const char *dir, const char *extra, const char *out, char *err, size_t n) {
    char args[2048];
    snprintf(args, sizeof args, "run csv --data %s --like addition --profile smoke --P 0 "
             "--seed 0 --out %s %s", dir, out, extra ? extra : "");
    return tu_alrnn("OPENBLAS_NUM_THREADS=1", args, err, n);
}

/* the cases below leave file2 and text2 out (NULL) unless they change a second file */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
struct bad_case {
    const char *file, *text; /* the file replaced (text NULL: removed) */
    const char *want;        /* expected in the one line: file:line:column and the problem */
    const char *file2, *text2; /* a second file changed, or NULL */
};

static const struct bad_case bad[] = {
    {"sequences.csv", "id,step,f1,f2\n0,0,1,2\n0,1,3\n", "sequences.csv:3:4: row has 3 fields, the header has 4"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,2,9\n", "sequences.csv:2:5: row has more fields"},
    {"sequences.csv", "id,step,f1,f2\n0,0,abc,2\n", "sequences.csv:2:3: 'abc' is not a number"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,2x\n", "sequences.csv:2:4: '2x' is not a number"},
    {"sequences.csv", "id,step,f1,f2\n0,0,nan,2\n", "sequences.csv:2:3: 'nan' is not a finite"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,-inf\n", "sequences.csv:2:4: '-inf' is not a finite"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1e39,0\n", "sequences.csv:2:3: '1e39' is not a finite float32"},
    {"sequences.csv", "id,step,f1,f2\n0,0,,0\n", "sequences.csv:2:3: empty field"},
    {"sequences.csv", "id,step,f1,f2\n0,0,\"1\"x,0\n", "sequences.csv:2: malformed CSV"},
    {"sequences.csv", "id,step,f1,f2\n0,0,\"1,0\n", "sequences.csv:2: malformed CSV at the end"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,0\n0,1,1,0\n2,0,1,0\n2,1,1,0\n",
     "sequences.csv:4:1: id 2 follows id 0: ids must be 0..n-1, contiguous"},
    {"sequences.csv", "id,step,f1,f2\n1,0,1,0\n", "sequences.csv:2:1: the first id is 1: ids must start at 0"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,0\n0,2,1,0\n", "sequences.csv:3:2: step 2 of id 0 follows step 0"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,0\n0,1,1,0\n1,1,1,0\n", "sequences.csv:4:2: id 1 starts at step 1"},
    {"sequences.csv", "id,step,f1,f2\n0,0,1,0\n0,1,1,0\n1,0,1,0\n2,0,1,0\n2,1,1,0\n",
     "sequences.csv:4:2: id 1 has 1 steps, id 0 has 2"},
    {"sequences.csv", "id,step,f1,f2\n0,0.5,1,0\n", "sequences.csv:2:2: step 0.5 is not an integer"},
    {"sequences.csv", "id,time,f1\n0,0,1\n", "sequences.csv:1:2: header column 2 must be 'step'"},
    {"sequences.csv", "id,step\n0,0\n", "sequences.csv:1:3: no feature columns"},
    {"sequences.csv", "id,step,f1,f1\n0,0,1,1\n", "sequences.csv:1:4: column name 'f1' repeats column 3"},
    {"sequences.csv", "", "sequences.csv: empty file"},
    {"sequences.csv", NULL, "sequences.csv: missing"},
    {"targets.csv", NULL, "labels.csv: missing: a folder needs labels.csv"},
    {"targets.csv", "id,t1\n0,1\n1,inf\n2,0\n3,0\n", "targets.csv:3:2: 'inf' is not a finite"},
    {"targets.csv", "id,t1\n0,1\n1,1\n2,0\n9,0\n", "targets.csv:5:1: unknown id 9"},
    {"targets.csv", "id,t1\n0,1\n2,1\n1,0\n3,0\n", "targets.csv:3:1: id 2 where id 1 was expected"},
    {"targets.csv", "id,t1\n0,1\n1,1\n2,0\n", "targets.csv:4: 3 rows for 4 sequences"},
    {"targets.csv", "id,step,t1\n0,0,1\n0,2,1\n", "targets.csv:3:2: step 2 of id 0 where step 1 was expected"},
    {"targets.csv", "id\n0\n", "targets.csv:1:2: no target column"},
    {"labels.csv", "id,label\n0,1\n1,1.5\n2,0\n3,0\n", "labels.csv:3:2: label 1.5 is not an integer",
     "targets.csv", NULL},
    {"labels.csv", "id,label\n0,1\n1,1\n2,0\n3,0\n", "both", "targets.csv", base_tgt},
    {"split.csv", "id,split\n0,train\n1,trian\n2,test\n3,test\n", "split.csv:3:2: split 'trian' is not train, val or test"},
    {"split.csv", "id,split\n0,train\n1,train\n2,test\n", "split.csv:4: 3 rows for 4 sequences"},
};

/* Each error: exit 1, exactly one line, naming file:line:column, and nothing written. */
Test(csv, every_validation_error_names_file_line_column) {
    char dir[256], out[512], err[8192];
    tu_tmpdir(dir, sizeof dir, "csv");
    snprintf(out, sizeof out, "%s/run.h5", dir);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        put(dir, "sequences.csv", base_seq);
        put(dir, "targets.csv", base_tgt);
        put(dir, "labels.csv", NULL);
        put(dir, "split.csv", NULL);
        put(dir, bad[i].file, bad[i].text);
        if (bad[i].file2) put(dir, bad[i].file2, bad[i].text2);
        const int st = run_csv(dir, NULL, out, err, sizeof err);
        cr_expect_eq(st, 1, "case %zu (%s): exit %d: %s", i, bad[i].want, st, err);
        cr_expect_eq(tu_lines(err), 1, "case %zu: %d lines: %s", i, tu_lines(err), err);
        cr_expect(strstr(err, bad[i].want), "case %zu: wanted '%s', got: %s", i, bad[i].want, err);
        cr_expect(strstr(err, dir), "case %zu: the message does not name the folder: %s", i, err);
        cr_expect(!tu_exists(out), "case %zu: a refused run wrote %s", i, out);
    }
    tu_rm_rf(dir);
}

/* A valid folder trains with every model type; classification with a label at every step,
 * and the ratio split, too. */
Test(csv, valid_folders_train_with_every_model, .timeout = 120) {
    char dir[256], out[512], err[8192];
    tu_tmpdir(dir, sizeof dir, "csv");
    snprintf(out, sizeof out, "%s/run.h5", dir);
    put(dir, "sequences.csv", base_seq);
    put(dir, "targets.csv", base_tgt);
    put(dir, "split.csv", "id,split\n0,train\n1,train\n2,val\n3,test\n");
    const char *models[] = {"alrnn", "tanh", "lstm", "gru"};
    for (int k = 0; k < 4; k++) {
        char extra[64];
        snprintf(extra, sizeof extra, "--model %s", models[k]);
        cr_assert_eq(run_csv(dir, extra, out, err, sizeof err), 0, "%s: %s", models[k], err);
        struct h5file f;
        h5_open_read(&f, out);
        char *m = h5_read_attr_str(&f, "/config", "model"), *t = h5_read_attr_str(&f, "/", "task");
        cr_expect_str_eq(m, models[k]);
        cr_expect_str_eq(t, "csv-reg-last");
        cr_expect(isfinite(h5_read_scalar(&f, "/test/mse")));
        cr_expect(h5_read_attr_int(&f, "/config", "n_train") == 2 &&
                  h5_read_attr_int(&f, "/config", "n_val") == 1 &&
                  h5_read_attr_int(&f, "/config", "n_test") == 1, "split sizes in /config");
        free(m), free(t);
        h5_close(&f);
        unlink(out);
    }
    put(dir, "targets.csv", NULL);
    put(dir, "split.csv", NULL);
    put(dir, "labels.csv", "id,step,label\n0,0,0\n0,1,1\n0,2,2\n1,0,1\n1,1,1\n1,2,0\n"
                           "2,0,2\n2,1,2\n2,2,2\n3,0,0\n3,1,0\n3,2,1\n");
    cr_assert_eq(run_csv(dir, "--model gru --task-opts train_frac=0.5,val_frac=0.25", out, err,
                         sizeof err), 0, "%s", err);
    struct h5file f;
    h5_open_read(&f, out);
    char *t = h5_read_attr_str(&f, "/", "task");
    cr_expect_str_eq(t, "csv-class-all");
    cr_expect_eq(h5_read_attr_int(&f, "/config", "K"), 3);
    cr_expect(h5_exists(&f, "/test/accuracy"));
    free(t);
    h5_close(&f);
    tu_rm_rf(dir);
}

/* The worked example: the exported addition data trained through the CSV task gives the
 * native run's parameters, training losses and test MSE bit for bit (%.9g round-trips
 * float32 exactly, and the split file keeps the native order). */
static void expect_same_run(const char *a, const char *b) {
    struct h5file fa, fb;
    h5_open_read(&fa, a);
    h5_open_read(&fb, b);
    const char *sets[] = {"/test/mse", "/train/loss", "/model/D"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        size_t na, nb;
        double *va = h5_read_f64(&fa, sets[i], &na, NULL, NULL);
        double *vb = h5_read_f64(&fb, sets[i], &nb, NULL, NULL);
        cr_expect(na == nb && memcmp(va, vb, na * sizeof *va) == 0, "%s differs between %s and %s",
                  sets[i], a, b);
        free(va), free(vb);
    }
    h5_close(&fa), h5_close(&fb);
}

Test(csv, exported_addition_trains_to_the_same_bytes, .timeout = 120) {
    char dir[256], data[512], args[2048], a[512], b[512], err[8192];
    tu_tmpdir(dir, sizeof dir, "csvx");
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(args, sizeof args, "export-csv addition --profile smoke --seed 3 --out %s", data);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    const char *rows[2][2] = {{"addition", "2"}, {"addition-lstm", "0"}};
    for (int k = 0; k < 2; k++) {
        snprintf(a, sizeof a, "%s/native%d.h5", dir, k);
        snprintf(b, sizeof b, "%s/csv%d.h5", dir, k);
        snprintf(args, sizeof args, "run %s --P %s --seed 3 --profile smoke --out %s", rows[k][0],
                 rows[k][1], a);
        cr_assert_eq(tu_alrnn("OPENBLAS_NUM_THREADS=1", args, err, sizeof err), 0, "%s", err);
        snprintf(args, sizeof args, "run csv --data %s --like %s --P %s --seed 3 --profile smoke "
                 "--out %s", data, rows[k][0], rows[k][1], b);
        cr_assert_eq(tu_alrnn("OPENBLAS_NUM_THREADS=1", args, err, sizeof err), 0, "%s", err);
        expect_same_run(a, b);
    }
    tu_rm_rf(dir);
}

/* A CSV run's identity (row hash, checkpoint settings hash) includes its data folder: the
 * files carry no checksums, so a checkpoint of another folder must not be resumed. */
Test(csv, identity_includes_the_data_folder) {
    struct experiment e = *experiment_find("addition");
    e.name = "csv";
    e.task = &task_csv_reg_last;
    struct resolved a, b;
    experiment_resolve(&e, PROFILE_SMOKE, &a);
    b = a;
    a.s.data = (struct task_params){.data_dir = "/data/one"};
    b.s.data = (struct task_params){.data_dir = "/data/two"};
    cr_expect_neq(resolved_hash(&a), resolved_hash(&b));
    cr_expect_neq(run_settings_hash(&a, 2, 0), run_settings_hash(&b, 2, 0));
    b.s.data.data_dir = "/data/one";
    cr_expect_eq(resolved_hash(&a), resolved_hash(&b));
}
