/* test_realdata.c: the real-data tasks (tasks/realdata/smnist.c, imdb.c, audio.c), their experiment
 * rows and figures, end to end through bin/alrnn in the smoke profile.
 *
 * Data. The tests never download. They read the first directory that holds the set's files:
 * $ALRNN_DATA_DIR, data/ (filled by `make datasets`), $DATA_MIRROR, ../shared/datasets (the
 * offline mirror, laid out like data/, which the readers read in place). With none of them,
 * the test is skipped (cr_skip_test). Run from the repository root (make test does).
 *
 * Families: split properties (seeded 90/10, disjoint, fixed test order), data-set contents
 * (shapes, ranges, labels, z-scoring), one smoke run per experiment with its /analysis group,
 * same seed -> same bytes for a whole run, a missing data directory failing in one line, and
 * the smoke figure2 pipeline (runs -> summarize -> TSV). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5io.h"
#include "tasks.h"
#include "testutil.h"

#define NEED_DATA(probe, dir)                                                              \
    const char *dir = tu_data_dir_with(probe);                                                \
    if (!dir) cr_skip_test("no data: %s not found (run make datasets)", probe)

static const char *MNIST_PROBE = "mnist/t10k-labels-idx1-ubyte.gz";
static const char *IMDB_PROBE = "imdb/test.tsv";
static const char *FSDD_PROBE = "fsdd/recordings/0_george_0.wav";

/* `bin/alrnn args` with ALRNN_DATA_DIR=dir and one OpenBLAS thread; as tu_alrnn. */
static int run(const char *dir, const char *args, char *err, size_t n) {
    char env[4200];
    snprintf(env, sizeof env, "ALRNN_DATA_DIR='%s' OPENBLAS_NUM_THREADS=1", dir);
    return tu_alrnn(env, args, err, n);
}

/* ---- splits ------------------------------------------------------------------------------ */

Test(realdata, split_is_seeded_90_10_and_disjoint) {
    enum { N = 1000 };
    int a[N], b[N], c[N];
    rng_t r1, r2, r3;
    rng_init(&r1, 3, RNG_STREAM_DATA), rng_init(&r2, 3, RNG_STREAM_DATA), rng_init(&r3, 4, RNG_STREAM_DATA);
    int nt, vs, nv;
    realdata_split(N, &r1, 0, 0, a, &nt, &vs, &nv);
    cr_expect(nt == 900 && vs == 900 && nv == 100);
    int seen[N] = {0};
    for (int i = 0; i < N; i++) seen[a[i]]++;
    for (int i = 0; i < N; i++) cr_expect_eq(seen[i], 1, "index %d used %d times", i, seen[i]);
    realdata_split(N, &r2, 0, 0, b, &nt, &vs, &nv);
    cr_expect(memcmp(a, b, sizeof a) == 0, "same seed, same split");
    realdata_split(N, &r3, 0, 0, c, &nt, &vs, &nv);
    cr_expect(memcmp(a, c, sizeof a) != 0, "another seed, another split");
    /* subsampling keeps the first n of each part */
    rng_init(&r1, 3, RNG_STREAM_DATA);
    realdata_split(N, &r1, 50, 7, b, &nt, &vs, &nv);
    cr_expect(nt == 50 && vs == 900 && nv == 7 && memcmp(a, b, sizeof a) == 0);
    realdata_split(N, &r1, 5000, 5000, b, &nt, &vs, &nv);
    cr_expect(nt == 900 && nv == 100, "asking for more keeps everything");
}

Test(realdata, test_order_is_fixed) {
    enum { N = 300 };
    int a[N], b[N];
    cr_expect_eq(realdata_test_order(N, 0, a), N);
    cr_expect_eq(realdata_test_order(N, 20, b), 20);
    cr_expect(memcmp(a, b, sizeof a) == 0, "the order does not depend on n_test");
    int sorted = 1;
    for (int i = 1; i < N; i++) sorted &= a[i] > a[i - 1];
    cr_expect(!sorted, "the test order is shuffled, so its first items mix the classes");
}

/* ---- data sets ----------------------------------------------------------------------------- */

Test(realdata, smnist_data) {
    NEED_DATA(MNIST_PROBE, dir);
    struct task_params p = {.n_train = 200, .n_val = 30, .n_test = 50, .data_dir = dir};
    int T, N, K;
    task_smnist.dims(&p, &T, &N, &K);
    cr_assert(T == 784 && N == 1 && K == 10);
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 0, RNG_STREAM_DATA);
    task_smnist.make_data(&p, &r, &tr, &va, &te);
    cr_expect(tr.n == 200 && va.n == 30 && te.n == 50 && tr.T == 784 && tr.T_out == 1);
    double lo = 1, hi = 0;
    for (size_t i = 0; i < (size_t)tr.n * 784; i++) lo = fmin(lo, tr.x[i]), hi = fmax(hi, tr.x[i]);
    cr_expect(lo == 0 && hi == 1, "pixels are scaled to [0, 1] (ToTensor)");
    int classes = 0, seen[10] = {0};
    for (int i = 0; i < te.n; i++) classes += !seen[te.label[i]]++;
    cr_expect(classes >= 8, "the shuffled test order mixes the digits (%d of 10 in 50)", classes);
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
}

/* Mean pixel of the first n training images of the smnist task with options opts. */
static double mean_pixel(const char *dir, const char *opts, int n) {
    struct task_params p = {.n_train = n, .n_val = 10, .n_test = 10, .data_dir = dir, .opts = opts};
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 0, RNG_STREAM_DATA);
    task_smnist.make_data(&p, &r, &tr, &va, &te);
    cr_assert_eq(tr.n, n);
    double s = 0;
    for (size_t i = 0; i < (size_t)tr.n * 784; i++) s += tr.x[i];
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
    return s / ((double)n * 784);
}

/* fashion=1 reads Fashion-MNIST, whose garments fill far more of the frame than digits:
 * mean pixel ≈ 0.29 against MNIST's ≈ 0.13 (both in [0, 1]). */
Test(realdata, smnist_fashion_option_reads_fashion_mnist) {
    const char *env = getenv("ALRNN_FASHION_DIR");
    const char *fdir = env && *env ? env : "/usr/share/datasets/fashion-mnist";
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/train-images-idx3-ubyte.gz", fdir);
    if (access(probe, R_OK) != 0) cr_skip_test("no Fashion-MNIST at %s (make datasets-fashion-mnist)", fdir);
    NEED_DATA(MNIST_PROBE, dir);
    const double digits = mean_pixel(dir, NULL, 500), fashion = mean_pixel(dir, "fashion=1", 500);
    cr_expect(digits > 0.08 && digits < 0.18, "MNIST mean pixel %g", digits);
    cr_expect(fashion > 0.22 && fashion < 0.36, "Fashion-MNIST mean pixel %g", fashion);
}

Test(realdata, smnist_fashion_missing_is_one_line) {
    char err[4096];
    const int st = tu_alrnn("ALRNN_FASHION_DIR=/nonexistent-fashion",
                            "run smnist-fashion --P 1 --profile smoke --out /tmp/alrnn_rd_fm.h5",
                            err, sizeof err);
    cr_expect_neq(st, 0);
    cr_expect(strstr(err, "dataset-fashion-mnist") && strstr(err, "/nonexistent-fashion"), "%s", err);
    cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "one line: %s", err);
    cr_expect(access("/tmp/alrnn_rd_fm.h5", F_OK) != 0);
}

Test(realdata, imdb_data) {
    NEED_DATA(IMDB_PROBE, dir);
    struct task_params p = {.n_train = 300, .n_val = 20, .n_test = 40, .data_dir = dir,
                            .opts = "vocab=500"};
    int T, N, K;
    task_imdb.dims(&p, &T, &N, &K);
    cr_assert(T == 128 && N == 1 && K == 2);
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 1, RNG_STREAM_DATA);
    task_imdb.make_data(&p, &r, &tr, &va, &te);
    cr_expect(tr.n == 300 && va.n == 20 && te.n == 40);
    int max_id = 0, unk = 0, pos = 0;
    for (size_t i = 0; i < (size_t)tr.n * T; i++) {
        cr_assert(tr.x[i] == floor(tr.x[i]) && tr.x[i] >= 0, "token ids are integers");
        max_id = fmax(max_id, tr.x[i]);
        unk += tr.x[i] == 1;
    }
    for (int i = 0; i < te.n; i++) pos += te.label[i];
    cr_expect(max_id <= 501, "ids stay inside PAD, UNK and the 500 words (max %d)", max_id);
    cr_expect(unk > 0, "words outside the small vocabulary become UNK");
    cr_expect(pos > 5 && pos < 35, "the test order mixes the sentiments (%d of 40 positive)", pos);
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
}

Test(realdata, audio_data_fsdd) {
    NEED_DATA(FSDD_PROBE, dir);
    struct task_params p = {.n_train = 200, .n_val = 20, .n_test = 30, .data_dir = dir};
    int T, N, K;
    task_audio.dims(&p, &T, &N, &K);
    cr_assert(T == 100 && N == 40 && K == 10);
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 2, RNG_STREAM_DATA);
    task_audio.make_data(&p, &r, &tr, &va, &te);
    cr_expect(tr.n == 200 && va.n == 20 && te.n == 30 && tr.N == 40);
    /* z-scored from a 10% subset: over all training frames that carry a clip, each
     * coefficient is roughly centred and scaled; padding frames are exactly 0 */
    double s[40] = {0}, s2[40] = {0};
    long frames = 0, pad = 0;
    for (int i = 0; i < tr.n; i++)
        for (int t = 0; t < T; t++) {
            const real *f = tr.x + ((size_t)i * T + t) * 40;
            int zero = 1;
            for (int c = 0; c < 40; c++) zero &= f[c] == 0;
            if (zero) {
                pad++;
                continue;
            }
            frames++;
            for (int c = 0; c < 40; c++) s[c] += f[c], s2[c] += f[c] * f[c];
        }
    cr_expect(pad > 0 && frames > 0);
    for (int c = 0; c < 40; c++) {
        const double m = s[c] / frames, sd = sqrt(s2[c] / frames - m * m);
        cr_expect(fabs(m) < 0.5 && sd > 0.5 && sd < 2, "coefficient %d: mean %g std %g", c, m, sd);
    }
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
}

/* ---- whole runs ----------------------------------------------------------------------------- */

static void smoke_run(const char *exp, const char *probe, int expect_hamming) {
    NEED_DATA(probe, dir);
    char tmp[256], out[512], args[1024], err[16384];
    tu_tmpdir(tmp, sizeof tmp, "realdata");
    snprintf(out, sizeof out, "%s/%s.h5", tmp, exp);
    snprintf(args, sizeof args, "run %s --P 2 --seed 0 --profile smoke --out %s", exp, out);
    cr_assert_eq(run(dir, args, err, sizeof err), 0, "%s", err);
    struct h5file f;
    h5_open_read(&f, out);
    const double acc = h5_read_scalar(&f, "/test/accuracy");
    cr_expect(acc >= 0 && acc <= 1);
    size_t n, dims[4];
    free(h5_read_f64(&f, "/analysis/final_z", &n, NULL, dims));
    cr_expect(dims[1] == 8, "final states have M = 8 columns in the smoke profile");
    const size_t n_an = dims[0];
    free(h5_read_i32(&f, "/analysis/label", &n, NULL, NULL));
    cr_expect_eq(n, n_an);
    cr_expect(h5_exists(&f, "/analysis/bitcode/code") && h5_exists(&f, "/model/enc.conv1.w") +
                  h5_exists(&f, "/model/enc.embed.E") == 1);
    free(h5_read_u8(&f, "/analysis/bitcode/code", &n, NULL, dims));
    cr_expect(dims[1] == 2, "codes have P = 2 bits");
    if (expect_hamming) {
        free(h5_read_f64(&f, "/analysis/hamming_first", &n, NULL, dims));
        cr_expect(dims[0] == 10 && dims[1] == 196, "10 digits x 196 steps");
        free(h5_read_f64(&f, "/analysis/class_mean_x", &n, NULL, dims));
        cr_expect(dims[0] == 10 && dims[1] == 784);
    }
    h5_close(&f);
    tu_rm_rf(tmp);
}

Test(realdata, smoke_run_smnist) { smoke_run("smnist", MNIST_PROBE, 1); }
Test(realdata, smoke_run_imdb) { smoke_run("imdb", IMDB_PROBE, 0); }
Test(realdata, smoke_run_audio) { smoke_run("audio", FSDD_PROBE, 0); }

/* Data split, initialisation, training and analyses are all seeded: two runs, same bytes. */
Test(realdata, same_seed_same_model) {
    NEED_DATA(FSDD_PROBE, dir);
    char tmp[256], out[2][512], args[1024], err[16384];
    tu_tmpdir(tmp, sizeof tmp, "realdata");
    double *v[2][2];
    size_t n[2][2];
    for (int k = 0; k < 2; k++) {
        snprintf(out[k], sizeof out[k], "%s/run%d.h5", tmp, k);
        snprintf(args, sizeof args, "run audio --P 2 --seed 5 --profile smoke --out %s", out[k]);
        cr_assert_eq(run(dir, args, err, sizeof err), 0, "%s", err);
        struct h5file f;
        h5_open_read(&f, out[k]);
        v[k][0] = h5_read_f64(&f, "/model/enc.conv1.w", &n[k][0], NULL, NULL);
        v[k][1] = h5_read_f64(&f, "/analysis/final_z", &n[k][1], NULL, NULL);
        h5_close(&f);
    }
    for (int j = 0; j < 2; j++) {
        cr_assert_eq(n[0][j], n[1][j]);
        cr_expect(memcmp(v[0][j], v[1][j], n[0][j] * sizeof(double)) == 0, "dataset %d differs", j);
        free(v[0][j]), free(v[1][j]);
    }
    tu_rm_rf(tmp);
}

Test(realdata, missing_data_is_one_line) {
    char err[4096];
    const char *exps[3] = {"smnist", "imdb", "audio"}, *hint[3] = {"make datasets-mnist",
                                                                   "make datasets-imdb",
                                                                   "make datasets-fsdd"};
    for (int i = 0; i < 3; i++) {
        char args[512];
        snprintf(args, sizeof args, "run %s --P 1 --profile smoke --out /tmp/alrnn_rd_none.h5", exps[i]);
        const int st = run("/nonexistent-alrnn-data", args, err, sizeof err);
        cr_expect_neq(st, 0);
        cr_expect(strstr(err, hint[i]) != NULL, "%s: '%s' lacks '%s'", exps[i], err, hint[i]);
        cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "one line: %s", err);
        cr_expect(access("/tmp/alrnn_rd_none.h5", F_OK) != 0);
    }
}

/* The figure2 pipeline of the smoke profile: 4 runs, then summarize writes every TSV. */
Test(realdata, smoke_figure2_summary) {
    NEED_DATA(MNIST_PROBE, dmn);
    char mnist_dir[4096];
    snprintf(mnist_dir, sizeof mnist_dir, "%s", dmn);
    NEED_DATA(IMDB_PROBE, dim);
    if (strcmp(mnist_dir, dim) != 0) cr_skip_test("MNIST and IMDb are in different directories");
    char tmp[256], args[1024], err[16384];
    tu_tmpdir(tmp, sizeof tmp, "realdata");
    const char *exps[2] = {"imdb", "smnist"};
    for (int e = 0; e < 2; e++)
        for (int P = 0; P <= 2; P += 2) {
            snprintf(args, sizeof args,
                     "run %s --P %d --seed 0 --profile smoke --out %s/smoke/%s/P%d_seed0.h5",
                     exps[e], P, tmp, exps[e], P);
            cr_assert_eq(run(dim, args, err, sizeof err), 0, "%s", err);
        }
    snprintf(args, sizeof args, "summarize figure2 --profile smoke --results %s --out %s/tsv", tmp, tmp);
    cr_assert_eq(run(dim, args, err, sizeof err), 0, "%s", err);
    const char *files[] = {"figure2a.tsv", "figure2c.tsv", "figure2d.tsv", "figure2e.tsv",
                           "figure2f.tsv", "figure2_spectra.tsv", "figure2_summary.tsv",
                           "figure2a_seeds.tsv", "figure2e_seeds.tsv"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/tsv/%s", tmp, files[i]);
        struct stat st;
        cr_expect(stat(path, &st) == 0 && st.st_size > 40, "%s missing or empty", files[i]);
    }
    /* the spectra: one row per listed subregion of each shown model (smoke: M = 8, P = 2) */
    char path[600], line[512], name[32], cs[32];
    snprintf(path, sizeof path, "%s/tsv/figure2_spectra.tsv", tmp);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    int rows[2] = {0, 0};
    while (fgets(line, sizeof line, fp)) {
        int P, rank, above;
        double freq, m1, m2, a1;
        if (line[0] == '#' || sscanf(line, "%31s %d %d %lf %lf %lf %lf %d %31s", name, &P, &rank,
                                     &freq, &m1, &m2, &a1, &above, cs) != 9)
            continue;
        rows[strcmp(name, "smnist") == 0]++;
        cr_expect(P == 2 && rank >= 1 && rank <= 4, "%s", line); /* 2^P codes at most */
        cr_expect(freq > 0 && freq <= 1 && m1 >= m2 && m2 >= 0 && a1 >= 0 && a1 <= 3.1416, "%s", line);
        cr_expect(above >= 0 && above <= 8, "%s", line);
        const double c = strtod(cs, NULL);
        cr_expect(strcmp(cs, "nan") == 0 || (c >= 0 && c <= 1 + 1e-9), "%s", line);
    }
    fclose(fp);
    cr_expect(rows[0] >= 1 && rows[1] >= 1, "spectra rows: imdb %d, smnist %d", rows[0], rows[1]);
    tu_rm_rf(tmp);
}

/* GloVe (PAPER.md §2.1): the vectors of a user-supplied file reach the frozen embedding rows
 * of their words; words the file lacks keep random vectors. "the" is the most frequent word
 * of the reviews, so it is id 2, after PAD and UNK. */
Test(realdata, glove_vectors_reach_the_encoder) {
    NEED_DATA(IMDB_PROBE, dir);
    char tmp[256], glove[512];
    tu_tmpdir(tmp, sizeof tmp, "realdata");
    snprintf(glove, sizeof glove, "%s/glove.txt", tmp);
    FILE *g = fopen(glove, "w");
    fprintf(g, "the 0.5 -1.25 2\nzzzznotaword 1 1 1\nmovie 3 0 -3\n");
    fclose(g);
    setenv("ALRNN_GLOVE", glove, 1);
    struct task_params p = {.n_train = 100, .n_val = 10, .n_test = 10, .data_dir = dir,
                            .opts = "vocab=50,glove=1,glove_dim=3"};
    struct dataset tr, va, te;
    rng_t r;
    rng_init(&r, 1, RNG_STREAM_DATA);
    task_imdb.make_data(&p, &r, &tr, &va, &te);
    struct encoder e = {.type = &encoder_token_mlp, .N_in = 1, .M = 4, .opt = {52, 3, 4, 1}};
    real *params = calloc(encoder_n_params(&e), sizeof(real));
    rng_init(&r, 2, RNG_STREAM_INIT);
    e.type->init(&e, params, &r);
    cr_expect(params[6] == 0.5 && params[7] == -1.25 && params[8] == 2, "row 2 (\"the\") is GloVe's");
    cr_expect(params[0] != 0 && params[3] != 0, "PAD and UNK get random vectors");
    enc_token_set_pretrained(NULL, 0, 0);
    free(params);
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
    tu_rm_rf(tmp);
}
