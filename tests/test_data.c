/* test_data.c: the data step and the readers (IDX, IMDb TSV, WAV, MFCC, fetch.sh).
 *
 * Every reader is tested on small files the test writes itself, including the failure
 * paths: a function that must die() runs in a forked child whose stderr is captured, and
 * the test checks both the exit status and that the message names the file and the fault.
 * Tests on the real data (shared/datasets, "../shared/datasets" from the repo root or
 * $DATA_MIRROR) skip when it is absent. Run from the repository root (make test does).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "common.h"
#include "data_imdb.h"
#include "data_mnist.h"
#include "data_wav.h"
#include "mfcc.h"
#include "testutil.h"

/* ------------------------------------------------------------------ helpers */

static void write_bytes(const char *path, const void *buf, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(buf, 1, n, f), n);
    fclose(f);
}

/* Whole file as a NUL-terminated string (caller frees). */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (len + 1 >= cap) buf = realloc(buf, cap = cap ? 2 * cap : 256);
        buf[len++] = (char)c;
    }
    fclose(f);
    if (!buf) buf = malloc(1);
    buf[len] = 0;
    return buf;
}

/* Run fn(arg) in a child with stderr captured. The child must exit with status 1 (die())
 * and its message must contain want1 and want2 (either may be NULL). */
static void expect_die(void (*fn)(void *), void *arg, const char *want1, const char *want2) {
    char dir[64], err_path[96];
    tu_tmpdir(dir, sizeof dir, "data");
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        if (!freopen(err_path, "w", stderr)) _exit(99);
        fn(arg);
        _exit(0); /* returned: the test fails on status 0 */
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    char *msg = slurp(err_path);
    tu_rm_rf(dir);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "expected die() (exit 1), got status %d; stderr: %s", status, msg);
    if (want1) cr_assert(strstr(msg, want1), "message lacks '%s': %s", want1, msg);
    if (want2) cr_assert(strstr(msg, want2), "message lacks '%s': %s", want2, msg);
    free(msg);
}

static const char *mirror_root(void) {
    const char *m = getenv("DATA_MIRROR");
    return m && *m ? m : "../shared/datasets";
}

/* ------------------------------------------------------------------ IDX (MNIST) */

static void put_be32(unsigned char *b, uint32_t v) {
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* An IDX file through zlib: header words then payload. gz = 0 writes it uncompressed. */
static void write_idx(const char *path, int gz, const uint32_t *hdr, int n_hdr,
                      const unsigned char *data, size_t n) {
    unsigned char h[16];
    for (int i = 0; i < n_hdr; i++) put_be32(h + 4 * i, hdr[i]);
    gzFile f = gzopen(path, gz ? "wb9" : "wbT");
    cr_assert_not_null(f);
    cr_assert_eq(gzwrite(f, h, (unsigned)(4 * n_hdr)), 4 * n_hdr);
    if (n) cr_assert_eq(gzwrite(f, data, (unsigned)n), (int)n);
    cr_assert_eq(gzclose(f), Z_OK);
}

#define IDX_N 5
#define IDX_R 4
#define IDX_C 3

struct idx_files {
    char dir[64], img[128], lab[128];
};

/* Five 4x3 images with pixel (i, j) = 7*i + j and labels 9, 0, 3, 3, 7. */
static void write_idx_pair(struct idx_files *f, int gz) {
    tu_tmpdir(f->dir, sizeof f->dir, "data");
    snprintf(f->img, sizeof f->img, "%s/images%s", f->dir, gz ? ".gz" : "");
    snprintf(f->lab, sizeof f->lab, "%s/labels%s", f->dir, gz ? ".gz" : "");
    unsigned char px[IDX_N * IDX_R * IDX_C];
    for (int i = 0; i < IDX_N; i++)
        for (int j = 0; j < IDX_R * IDX_C; j++)
            px[i * IDX_R * IDX_C + j] = (unsigned char)(7 * i + j);
    const unsigned char lab[IDX_N] = {9, 0, 3, 3, 7};
    write_idx(f->img, gz, (uint32_t[]){IDX_MAGIC_IMAGES, IDX_N, IDX_R, IDX_C}, 4, px, sizeof px);
    write_idx(f->lab, gz, (uint32_t[]){IDX_MAGIC_LABELS, IDX_N}, 2, lab, sizeof lab);
}

Test(data, idx_round_trip_gzip_and_plain) {
    for (int gz = 0; gz <= 1; gz++) {
        struct idx_files f;
        write_idx_pair(&f, gz);
        struct mnist_set s;
        mnist_load(&s, f.img, f.lab);
        cr_assert_eq(s.n, IDX_N);
        cr_assert_eq(s.rows, IDX_R);
        cr_assert_eq(s.cols, IDX_C);
        for (int i = 0; i < IDX_N; i++)
            for (int j = 0; j < IDX_R * IDX_C; j++)
                cr_assert_eq(s.pixels[i * IDX_R * IDX_C + j], 7 * i + j, "gz %d image %d pixel %d",
                             gz, i, j);
        const unsigned char want[IDX_N] = {9, 0, 3, 3, 7};
        cr_assert_arr_eq(s.labels, want, IDX_N);
        mnist_free(&s);
        tu_rm_rf(f.dir);
    }
}

static void call_read_images(void *path) {
    size_t n;
    int r, c;
    free(idx_read_images(path, &n, &r, &c));
}

static void call_read_labels(void *path) {
    size_t n;
    free(idx_read_labels(path, &n));
}

Test(data, idx_rejects_bad_magic) {
    struct idx_files f;
    write_idx_pair(&f, 1);
    /* A label file where images are expected, and vice versa. */
    expect_die(call_read_images, f.lab, f.lab, "bad IDX magic 2049");
    expect_die(call_read_labels, f.img, f.img, "bad IDX magic 2051");
    tu_rm_rf(f.dir);
}

Test(data, idx_rejects_truncated_files) {
    struct idx_files f;
    write_idx_pair(&f, 0);
    /* Header promises 5 images, the payload holds 4 and a half. */
    unsigned char px[IDX_N * IDX_R * IDX_C] = {0};
    write_idx(f.img, 1, (uint32_t[]){IDX_MAGIC_IMAGES, IDX_N, IDX_R, IDX_C}, 4, px, sizeof px - 6);
    expect_die(call_read_images, f.img, f.img, "truncated");
    /* A gzip stream cut in the middle of the file. */
    char big[128];
    snprintf(big, sizeof big, "%s/big.gz", f.dir);
    size_t n = 200 * IDX_R * IDX_C;
    unsigned char *rnd = malloc(n);
    uint32_t s = 12345;
    for (size_t i = 0; i < n; i++) rnd[i] = (unsigned char)((s = s * 1103515245u + 12345u) >> 24);
    write_idx(big, 1, (uint32_t[]){IDX_MAGIC_IMAGES, 200, IDX_R, IDX_C}, 4, rnd, n);
    free(rnd);
    struct stat st;
    cr_assert_eq(stat(big, &st), 0);
    cr_assert_eq(truncate(big, st.st_size / 2), 0);
    expect_die(call_read_images, big, big, "truncated");
    /* Trailing bytes: the header undercounts. */
    write_idx(f.lab, 0, (uint32_t[]){IDX_MAGIC_LABELS, 2}, 2, (const unsigned char *)"\1\2\3", 3);
    expect_die(call_read_labels, f.lab, f.lab, "trailing bytes");
    tu_rm_rf(f.dir);
}

Test(data, idx_rejects_label_out_of_range) {
    struct idx_files f;
    write_idx_pair(&f, 1);
    const unsigned char lab[IDX_N] = {9, 0, 11, 3, 7};
    write_idx(f.lab, 1, (uint32_t[]){IDX_MAGIC_LABELS, IDX_N}, 2, lab, sizeof lab);
    expect_die(call_read_labels, f.lab, f.lab, "label 11 of item 2");
    tu_rm_rf(f.dir);
}

static void call_mnist_load(void *files) {
    struct idx_files *f = files;
    struct mnist_set s;
    mnist_load(&s, f->img, f->lab);
}

Test(data, idx_rejects_count_mismatch_and_bad_dims) {
    struct idx_files f;
    write_idx_pair(&f, 1);
    write_idx(f.lab, 1, (uint32_t[]){IDX_MAGIC_LABELS, 4}, 2, (const unsigned char *)"\1\2\3\4", 4);
    expect_die(call_mnist_load, &f, "has 5 images", "has 4 labels");
    write_idx(f.img, 1, (uint32_t[]){IDX_MAGIC_IMAGES, 1, 0, 28}, 4, NULL, 0);
    expect_die(call_read_images, f.img, f.img, "implausible image size 0 x 28");
    write_idx(f.img, 1, (uint32_t[]){IDX_MAGIC_IMAGES, 4000000000u, 28, 28}, 4, NULL, 0);
    expect_die(call_read_images, f.img, f.img, "more than this reader accepts");
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nope.gz", f.dir);
    expect_die(call_read_images, missing, missing, "cannot open");
    tu_rm_rf(f.dir);
}

/* Canonical per-digit counts: shared/datasets/mnist/SOURCE.txt. */
Test(data, mnist_real_mirror_counts) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/mnist", mirror_root());
    char probe[600];
    snprintf(probe, sizeof probe, "%s/%s", dir, MNIST_TRAIN_IMAGES);
    if (!tu_exists(probe)) cr_skip_test("no MNIST mirror at %s", dir);
    static const int train_counts[10] = {5923, 6742, 5958, 6131, 5842,
                                         5421, 5918, 6265, 5851, 5949};
    static const int test_counts[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    for (int train = 1; train >= 0; train--) {
        struct mnist_set s;
        mnist_load_dir(&s, dir, train);
        cr_assert_eq(s.n, train ? 60000u : 10000u);
        cr_assert_eq(s.rows, 28);
        cr_assert_eq(s.cols, 28);
        int count[10] = {0};
        for (size_t i = 0; i < s.n; i++) count[s.labels[i]]++;
        cr_assert_arr_eq(count, train ? train_counts : test_counts, sizeof count);
        mnist_free(&s);
    }
}

/* ------------------------------------------------------------------ IMDb */

static void assert_tokens(const char *text, const char *const *want, size_t n_want) {
    struct imdb_tokens t;
    imdb_tokenize(&t, text);
    cr_assert_eq(t.n, n_want, "'%s': %zu tokens, want %zu", text, t.n, n_want);
    for (size_t i = 0; i < n_want; i++)
        cr_assert_str_eq(t.tok[i], want[i], "'%s' token %zu", text, i);
    imdb_tokens_free(&t);
}

/* Expected tokens worked out by hand from PAPER.md §2.1 (Python: lower, re.sub, split). */
Test(data, imdb_tokenizer_known_tokens) {
    assert_tokens("Hello, World!<br /><br />It's GREAT... 10/10\ttabs\there",
                  (const char *[]){"hello", "world", "its", "great", "1010", "tabs", "here"}, 7);
    assert_tokens("end.<BR />Next", (const char *[]){"end", "next"}, 2);
    assert_tokens("  ", NULL, 0);
    assert_tokens("", NULL, 0);
    /* Non-ASCII letters are deleted, Unicode spaces separate, U+0130 lowercases to i. */
    assert_tokens("caf\xc3\xa9 na\xc3\xafve", (const char *[]){"caf", "nave"}, 2);
    assert_tokens("a\xc2\xa0"
                  "b 5\xe2\x80\x89km \xc4\xb0stanbul",
                  (const char *[]){"a", "b", "5", "km", "istanbul"}, 5);
    assert_tokens("x\x1fy\x80z", (const char *[]){"x", "yz"}, 2); /* \x1f is space in Python */
}

static const char *const tsv_ok = "0\t3\t7\tBad movie.\tWorse acting, tab kept\n"
                                  "1\t9\t2\tGood<br />film good\n"
                                  "1\t10\t0\ta b c d e f\n";

Test(data, imdb_tsv_reader_splits_on_first_three_tabs) {
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir, "data");
    snprintf(path, sizeof path, "%s/train.tsv", dir);
    write_bytes(path, tsv_ok, strlen(tsv_ok));
    struct imdb_split s;
    imdb_read_tsv(&s, path);
    cr_assert_eq(s.n, 3);
    cr_assert_eq(s.label[0], 0);
    cr_assert_eq(s.rating[0], 3);
    cr_assert_eq(s.id[0], 7);
    cr_assert_str_eq(s.text[0], "Bad movie.\tWorse acting, tab kept");
    cr_assert_eq(s.label[1], 1);
    cr_assert_eq(s.rating[2], 10);
    cr_assert_str_eq(s.text[1], "Good<br />film good");
    imdb_split_free(&s);
    tu_rm_rf(dir);
}

static void call_read_tsv(void *path) {
    struct imdb_split s;
    imdb_read_tsv(&s, path);
}

Test(data, imdb_tsv_reader_rejects_malformed_lines) {
    char dir[64], path[128], where[160];
    tu_tmpdir(dir, sizeof dir, "data");
    snprintf(path, sizeof path, "%s/bad.tsv", dir);
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"0\t3\t7\tok\n1\t8\tno text field\n", "2 TABs, need 3"},
        {"0\t3\t7\tok\n2\t8\t1\tlabel two\n", "label '2' is not 0 or 1"},
        {"0\t3\t7\tok\n1\t11\t1\trating eleven\n", "rating '11'"},
        {"0\t3\t7\tok\n1\t8\tx1\tbad id\n", "id 'x1'"},
        {"0\t3\t7\tok\n\n", "0 TABs"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        write_bytes(path, bad[i].text, strlen(bad[i].text));
        snprintf(where, sizeof where, "%s:2:", path);
        expect_die(call_read_tsv, path, where, bad[i].why);
    }
    tu_rm_rf(dir);
}

/* Counts: a 3, b 2, c 2, d 1, e 1, zz 1. Ties go to the smaller word. */
static const char *const vocab_texts[] = {"b a c A b d", "C e, a zz"};

Test(data, imdb_vocab_order_ties_and_cap) {
    struct imdb_vocab v;
    imdb_vocab_build(&v, vocab_texts, 2, 4);
    cr_assert_eq(v.n, 6);
    const char *want[] = {IMDB_PAD_WORD, IMDB_UNK_WORD, "a", "b", "c", "d"};
    const int64_t want_count[] = {0, 0, 3, 2, 2, 1};
    for (size_t i = 0; i < v.n; i++) {
        cr_assert_str_eq(v.word[i], want[i], "id %zu", i);
        cr_assert_eq(v.count[i], want_count[i], "id %zu", i);
    }
    cr_assert_eq(imdb_vocab_id(&v, "a"), 2);
    cr_assert_eq(imdb_vocab_id(&v, "d"), 5);
    cr_assert_eq(imdb_vocab_id(&v, "e"), IMDB_UNK); /* cut by the cap of 4 */
    cr_assert_eq(imdb_vocab_id(&v, "never"), IMDB_UNK);
    imdb_vocab_free(&v);

    imdb_vocab_build(&v, vocab_texts, 2, 100); /* cap above the 6 distinct words */
    cr_assert_eq(v.n, 8);
    cr_assert_str_eq(v.word[6], "e");
    cr_assert_str_eq(v.word[7], "zz");
    imdb_vocab_free(&v);
}

Test(data, imdb_encode_truncates_and_pads_at_end) {
    struct imdb_vocab v;
    imdb_vocab_build(&v, vocab_texts, 2, 4);
    int32_t ids[6];
    cr_assert_eq(imdb_encode(&v, "A b, unknown", ids, 6), 3);
    const int32_t want_pad[6] = {2, 3, IMDB_UNK, IMDB_PAD, IMDB_PAD, IMDB_PAD};
    cr_assert_arr_eq(ids, want_pad, sizeof ids);
    int32_t ids2[2];
    cr_assert_eq(imdb_encode(&v, "d c b a", ids2, 2), 4);
    cr_assert_eq(ids2[0], 5);
    cr_assert_eq(ids2[1], 4);
    cr_assert_eq(imdb_encode(&v, "<br />", ids2, 2), 0);
    cr_assert_eq(ids2[0], IMDB_PAD);
    cr_assert_eq(ids2[1], IMDB_PAD);
    imdb_vocab_free(&v);
}

struct glove_call {
    const char *path;
    struct imdb_vocab *v;
};

static void call_glove(void *arg) {
    struct glove_call *g = arg;
    real emb[16 * 2];
    uint8_t found[16];
    glove_read(g->path, g->v, 2, emb, found);
}

Test(data, glove_reader_fills_vocab_rows) {
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir, "data");
    snprintf(path, sizeof path, "%s/glove.txt", dir);
    const char *txt = "the 9 9\nb 0.5 -1.25\nzz 1 2 3 4\nd 1e-2 3\na 7 8\n";
    write_bytes(path, txt, strlen(txt));
    struct imdb_vocab v;
    imdb_vocab_build(&v, vocab_texts, 2, 4); /* <pad> <unk> a b c d */
    real emb[6 * 2];
    for (int i = 0; i < 12; i++) emb[i] = -99;
    uint8_t found[6];
    cr_assert_eq(glove_read(path, &v, 2, emb, found), 3);
    const uint8_t want_found[6] = {0, 0, 1, 1, 0, 1};
    cr_assert_arr_eq(found, want_found, 6);
    cr_assert_float_eq(emb[2 * 2 + 0], 7, 1e-6);
    cr_assert_float_eq(emb[3 * 2 + 1], -1.25, 1e-6);
    cr_assert_float_eq(emb[5 * 2 + 0], 0.01, 1e-6);
    cr_assert_float_eq(emb[4 * 2 + 0], -99, 0); /* c missing: untouched */
    const char *bad = "the 9 9\nb 0.5\n";
    write_bytes(path, bad, strlen(bad));
    struct glove_call g = {path, &v};
    char where[160];
    snprintf(where, sizeof where, "%s:2:", path);
    expect_die(call_glove, &g, where, "exactly 2 numbers");
    imdb_vocab_free(&v);
    tu_rm_rf(dir);
}

Test(data, imdb_real_mirror_train_split) {
    char path[512];
    snprintf(path, sizeof path, "%s/imdb/train.tsv", mirror_root());
    if (!tu_exists(path)) cr_skip_test("no IMDb mirror at %s", path);
    struct imdb_split s;
    imdb_read_tsv(&s, path);
    cr_assert_eq(s.n, 25000);
    size_t pos = 0, with_tab = 0;
    for (size_t i = 0; i < s.n; i++) {
        pos += s.label[i];
        with_tab += strchr(s.text[i], '\t') != NULL;
    }
    cr_assert_eq(pos, 12500);
    cr_assert_eq(with_tab, 12, "SOURCE.txt: 12 training texts contain a TAB");
    struct imdb_vocab v;
    imdb_vocab_build(&v, (const char *const *)s.text, s.n, 20000);
    cr_assert_eq(v.n, 20002);
    cr_assert_str_eq(v.word[2], "the");
    for (size_t i = 3; i < v.n; i++) cr_assert(v.count[i] <= v.count[i - 1]);
    imdb_vocab_free(&v);
    imdb_split_free(&s);
}

/* ------------------------------------------------------------------ WAV */

static void write_wav(const char *path, int channels, int rate, const short *x, sf_count_t frames) {
    SF_INFO info = {
        .samplerate = rate, .channels = channels, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    cr_assert_not_null(sf, "sf_open(%s): %s", path, sf_strerror(NULL));
    cr_assert_eq(sf_writef_short(sf, x, frames), frames);
    sf_close(sf);
}

static void call_wav(void *path) {
    size_t n;
    int sr;
    free(wav_read_mono(path, &n, &sr));
}

Test(data, wav_round_trip_and_rejections) {
    char dir[64], path[128];
    tu_tmpdir(dir, sizeof dir, "data");
    snprintf(path, sizeof path, "%s/0_amy_3.wav", dir);
    short x[100];
    for (int i = 0; i < 100; i++) x[i] = (short)(i * 300 - 15000);
    write_wav(path, 1, 8000, x, 100);
    size_t n;
    int sr;
    float *y = wav_read_mono(path, &n, &sr);
    cr_assert_eq(n, 100);
    cr_assert_eq(sr, 8000);
    for (int i = 0; i < 100; i++) /* libsndfile scales PCM16 by 1/32768: exact in float */
        cr_assert_eq(y[i], x[i] / 32768.0f, "sample %d: %g", i, y[i]);
    free(y);

    snprintf(path, sizeof path, "%s/stereo.wav", dir);
    write_wav(path, 2, 16000, x, 50);
    expect_die(call_wav, path, path, "2 channels");
    snprintf(path, sizeof path, "%s/not_audio.wav", dir);
    write_bytes(path, "RIFF nonsense", 13);
    expect_die(call_wav, path, path, "cannot read audio");
    tu_rm_rf(dir);
}

static void call_fsdd_list(void *dir) {
    struct fsdd_list l;
    fsdd_list_dir(&l, dir);
}

Test(data, fsdd_list_parses_names_sorts_and_splits) {
    char dir[64], path[160];
    tu_tmpdir(dir, sizeof dir, "data");
    const char *names[] = {"1_bob_3.wav", "0_bob_12.wav", "0_amy_0.wav", "README.md"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        write_bytes(path, "", 0);
    }
    struct fsdd_list l;
    fsdd_list_dir(&l, dir);
    cr_assert_eq(l.n, 3);
    cr_assert_eq(l.item[0].digit, 0);
    cr_assert_str_eq(l.item[0].speaker, "amy");
    cr_assert_eq(l.item[0].index, 0);
    cr_assert(fsdd_is_test(&l.item[0]));
    cr_assert_str_eq(l.item[1].speaker, "bob");
    cr_assert_eq(l.item[1].index, 12);
    cr_assert(!fsdd_is_test(&l.item[1]));
    cr_assert_eq(l.item[2].digit, 1);
    cr_assert(fsdd_is_test(&l.item[2]));
    snprintf(path, sizeof path, "%s/1_bob_3.wav", dir);
    cr_assert_str_eq(l.item[2].path, path);
    fsdd_list_free(&l);
    snprintf(path, sizeof path, "%s/x_bob.wav", dir);
    write_bytes(path, "", 0);
    expect_die(call_fsdd_list, dir, "x_bob.wav", "not an FSDD file name");
    tu_rm_rf(dir);
}

Test(data, fsdd_real_mirror_split_and_features) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/fsdd/recordings", mirror_root());
    if (!tu_exists(dir)) cr_skip_test("no FSDD mirror at %s", dir);
    struct fsdd_list l;
    fsdd_list_dir(&l, dir);
    cr_assert_eq(l.n, 3000);
    size_t n_test = 0;
    for (size_t i = 0; i < l.n; i++) n_test += fsdd_is_test(&l.item[i]);
    cr_assert_eq(n_test, 300);
    size_t n;
    int sr;
    float *x = wav_read_mono(l.item[0].path, &n, &sr); /* 0_george_0.wav */
    cr_assert_eq(sr, 8000);
    cr_assert(n >= 1148 && n <= 18262, "SOURCE.txt range; got %zu", n);
    struct mfcc_params p = mfcc_params_fsdd();
    struct mfcc *m = mfcc_init(&p);
    size_t T = mfcc_n_frames(m, n);
    cr_assert_eq(T, 1 + n / 80);
    real *feat = malloc(T * p.n_mfcc * sizeof *feat);
    mfcc_compute(m, x, n, feat);
    for (size_t i = 0; i < T * p.n_mfcc; i++) cr_assert(isfinite(feat[i]));
    free(feat);
    mfcc_free(m);
    free(x);
    fsdd_list_free(&l);
}

/* ------------------------------------------------------------------ MFCC */

/* HTK formula: 1000 Hz maps to 999.99 mel (the scale was defined to make 1 kHz ~ 1000 mel). */
Test(data, mel_scale_known_values) {
    cr_assert_float_eq(mfcc_hz_to_mel(0), 0, 1e-12);
    cr_assert_float_eq(mfcc_hz_to_mel(1000), 2595 * log10(1 + 1000 / 700.0), 1e-9);
    cr_assert_float_eq(mfcc_hz_to_mel(1000), 1000, 0.05);
    for (double hz = 0; hz <= 8000; hz += 250)
        cr_assert_float_eq(mfcc_mel_to_hz(mfcc_hz_to_mel(hz)), hz, 1e-8);
}

/* DCT-II, orthonormal: a constant vector c has coefficient 0 = c sqrt(N) and nothing else;
 * the full matrix is orthogonal. */
Test(data, dct_constant_vector_and_orthogonality) {
    enum { N = 12 };
    double D[N * N], L[N], c[N];
    mfcc_dct_matrix(N, N, D);
    for (int m = 0; m < N; m++) L[m] = 2.5;
    for (int k = 0; k < N; k++) {
        c[k] = 0;
        for (int m = 0; m < N; m++) c[k] += D[k * N + m] * L[m];
    }
    cr_assert_float_eq(c[0], 2.5 * sqrt(N), 1e-12);
    for (int k = 1; k < N; k++) cr_assert_float_eq(c[k], 0, 1e-12, "c[%d] = %g", k, c[k]);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double dot = 0;
            for (int m = 0; m < N; m++) dot += D[i * N + m] * D[j * N + m];
            cr_assert_float_eq(dot, i == j, 1e-12, "row %d . row %d = %g", i, j, dot);
        }
}

/* Triangles with shared corners: each row peaks (<= 1) next to its centre frequency,
 * centres increase, and between the first and last centre the rows sum to exactly 1. */
Test(data, mel_filterbank_rows_peaks_and_partition_of_unity) {
    struct mfcc_params cfg[2] = {mfcc_params_fsdd(), mfcc_params_paper()};
    for (int c = 0; c < 2; c++) {
        const struct mfcc_params *p = &cfg[c];
        int F = p->n_fft / 2 + 1, M = p->n_mels;
        double *fb = malloc((size_t)M * F * sizeof *fb), bin_hz = 0.5 * p->sample_rate / (F - 1);
        double mel_step = mfcc_hz_to_mel(0.5 * p->sample_rate) / (M + 1);
        mfcc_mel_filterbank(p, fb);
        int prev_peak = -1;
        for (int m = 0; m < M; m++) {
            int peak = 0;
            for (int k = 0; k < F; k++) {
                cr_assert(fb[m * F + k] >= 0 && fb[m * F + k] <= 1);
                if (fb[m * F + k] > fb[m * F + peak]) peak = k;
            }
            double centre = mfcc_mel_to_hz((m + 1) * mel_step);
            cr_assert(fb[m * F + peak] > 0, "config %d row %d empty", c, m);
            cr_assert(fabs(peak * bin_hz - centre) <= bin_hz,
                      "config %d row %d peak %g Hz, centre %g Hz", c, m, peak * bin_hz, centre);
            cr_assert(peak >= prev_peak);
            prev_peak = peak;
        }
        double lo = mfcc_mel_to_hz(mel_step), hi = mfcc_mel_to_hz(M * mel_step);
        for (int k = 0; k < F; k++) {
            if (k * bin_hz < lo || k * bin_hz > hi) continue;
            double sum = 0;
            for (int m = 0; m < M; m++) sum += fb[m * F + k];
            cr_assert_float_eq(sum, 1, 1e-9, "config %d bin %d sums to %g", c, k, sum);
        }
        free(fb);
    }
}

/* A cosine on FFT bin k0 under a periodic Hann window of length N has exactly three nonzero
 * bins: |X[k0]| = A N / 4 and |X[k0 +- 1]| = A N / 8. So the log-mel energies of a frame
 * inside the clip are known in closed form from the filterbank. */
Test(data, mfcc_pure_tone_energy_where_expected) {
    struct mfcc_params p = mfcc_params_fsdd();
    const int N = p.n_fft, F = N / 2 + 1, M = p.n_mels, k0 = 25; /* 25 * 40 Hz = 1000 Hz */
    const double A = 0.5;
    const size_t n = 8000;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(A * cos(2 * 3.14159265358979323846 * k0 * (double)i / N));
    struct mfcc *m = mfcc_init(&p);
    size_t T = mfcc_n_frames(m, n);
    cr_assert_eq(T, 101);
    real *mel = malloc(T * M * sizeof *mel);
    mfcc_log_mel(m, x, n, mel);
    double *fb = malloc((size_t)M * F * sizeof *fb);
    mfcc_mel_filterbank(&p, fb);
    double P[3] = {pow(A * N / 8, 2), pow(A * N / 4, 2), pow(A * N / 8, 2)};
    const real *row = mel + 50 * M; /* frame 50 covers samples 3900..4099 */
    int best = 0;
    double top = -1e300;
    for (int b = 0; b < M; b++) {
        double e = 0;
        for (int d = -1; d <= 1; d++) e += fb[b * F + k0 + d] * P[d + 1];
        if (e > 0) {
            cr_assert_float_eq(row[b], 10 * log10(e), 1e-3, "band %d: %g dB, want %g", b, row[b],
                               10 * log10(e));
            if (e > top) top = e, best = b;
        }
    }
    double max_db = 10 * log10(top);
    for (int b = 0; b < M; b++) /* bands the tone misses sit at the top_db floor */
        cr_assert(row[b] >= max_db - p.top_db - 1e-3);
    double mel_step = mfcc_hz_to_mel(4000) / (M + 1);
    cr_assert(fabs(mfcc_hz_to_mel(1000) - (best + 1) * mel_step) <= mel_step,
              "loudest band %d is not the one centred near 1000 Hz", best);

    /* MFCC = DCT-II of the log-mel frames. */
    real *c = malloc(T * p.n_mfcc * sizeof *c);
    mfcc_compute(m, x, n, c);
    double *D = malloc((size_t)p.n_mfcc * M * sizeof *D);
    mfcc_dct_matrix(M, p.n_mfcc, D);
    for (size_t t = 0; t < T; t += 25)
        for (int k = 0; k < p.n_mfcc; k++) {
            double want = 0;
            for (int b = 0; b < M; b++) want += D[k * M + b] * mel[t * M + b];
            cr_assert_float_eq(c[t * p.n_mfcc + k], want, 1e-3);
        }
    free(D);
    free(c);
    free(fb);
    free(mel);
    free(x);
    mfcc_free(m);
}

/* The FFTW path against a plain O(N^2) DFT in double of explicitly reflect-padded,
 * Hann-windowed frames: checks centring, reflection (incl. a clip shorter than the
 * padding), window, FFT scale and the filterbank product together. */
static void check_against_plain_dft(const struct mfcc_params *p, size_t n, uint32_t seed) {
    const int N = p->n_fft, F = N / 2 + 1, M = p->n_mels, pad = N / 2;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
        x[i] = (float)((seed >> 8) / 16777216.0 - 0.5);
    }
    struct mfcc *m = mfcc_init(p);
    size_t T = mfcc_n_frames(m, n);
    real *mel = malloc(T * M * sizeof *mel);
    mfcc_log_mel(m, x, n, mel);
    double *fb = malloc((size_t)M * F * sizeof *fb), *frame = malloc(N * sizeof *frame);
    double *pw = malloc(F * sizeof *pw);
    mfcc_mel_filterbank(p, fb);
    size_t frames[] = {0, 1, T / 2, T - 1};
    for (size_t fi = 0; fi < ARRAY_LEN(frames); fi++) {
        size_t t = frames[fi] < T ? frames[fi] : T - 1;
        for (int j = 0; j < N; j++) {
            long i = (long)(t * p->hop) - pad + j;
            while (n > 1 && (i < 0 || i >= (long)n))
                i = i < 0 ? -i : 2 * ((long)n - 1) - i; /* reflect */
            if (n == 1) i = 0;
            frame[j] = x[i] * (0.5 - 0.5 * cos(2 * 3.14159265358979323846 * j / N));
        }
        double emax = 0, e[128];
        for (int k = 0; k < F; k++) {
            double re = 0, im = 0;
            for (int j = 0; j < N; j++) {
                re += frame[j] * cos(2 * 3.14159265358979323846 * k * j / N);
                im -= frame[j] * sin(2 * 3.14159265358979323846 * k * j / N);
            }
            pw[k] = re * re + im * im;
        }
        for (int b = 0; b < M; b++) {
            e[b] = 0;
            for (int k = 0; k < F; k++) e[b] += fb[b * F + k] * pw[k];
            if (e[b] > emax) emax = e[b];
        }
        for (int b = 0; b < M; b++) {
            if (e[b] < 1e-4 * emax) continue; /* float FFT noise dominates far below the peak */
            cr_assert_float_eq(mel[t * M + b], 10 * log10(e[b]), 0.01,
                               "n %zu frame %zu band %d: %g vs %g", n, t, b, mel[t * M + b],
                               10 * log10(e[b]));
        }
    }
    free(pw);
    free(frame);
    free(fb);
    free(mel);
    free(x);
    mfcc_free(m);
}

Test(data, mfcc_matches_plain_dft_with_reflect_padding) {
    struct mfcc_params p = mfcc_params_fsdd();
    p.top_db = 0; /* compare unclamped values */
    check_against_plain_dft(&p, 1000, 7);
    check_against_plain_dft(&p, 60, 11); /* shorter than the 100-sample padding */
    check_against_plain_dft(&p, 1, 3);
    struct mfcc_params q = mfcc_params_paper();
    q.top_db = 0;
    check_against_plain_dft(&q, 3000, 5);
}

static void call_mfcc_init_bad(void *arg) {
    struct mfcc_params p = mfcc_params_fsdd();
    p.n_mfcc = 41;
    (void)arg;
    mfcc_init(&p);
}

Test(data, mfcc_rejects_bad_params) {
    expect_die(call_mfcc_init_bad, NULL, "mfcc: invalid parameters", "n_mfcc 41");
}

/* Coefficient 0 takes 1, 2, 3, 4 (mean 2.5, sample std sqrt(5/3)); coefficient 1 is
 * constant, so its std falls back to 1 and z-scoring gives 0. Two add calls = one. */
Test(data, mfcc_zscore_statistics) {
    const real a[] = {1, 7, 2, 7}, b[] = {3, 7, 4, 7};
    struct mfcc_stats s;
    mfcc_stats_init(&s, 2);
    mfcc_stats_add(&s, a, 2);
    mfcc_stats_add(&s, b, 2);
    real mean[2], sd[2];
    mfcc_stats_finish(&s, mean, sd);
    cr_assert_float_eq(mean[0], 2.5, 1e-12);
    cr_assert_float_eq(sd[0], sqrt(5.0 / 3.0), 1e-6);
    cr_assert_float_eq(mean[1], 7, 1e-12);
    cr_assert_float_eq(sd[1], 1, 0);
    real f[] = {1, 7, 4, 7};
    mfcc_zscore(f, 2, 2, mean, sd);
    cr_assert_float_eq(f[0], -1.5 / sqrt(5.0 / 3.0), 1e-6);
    cr_assert_float_eq(f[1], 0, 0);
    cr_assert_float_eq(f[2], 1.5 / sqrt(5.0 / 3.0), 1e-6);
    mfcc_stats_free(&s);
}

/* ------------------------------------------------------------------ fetch.sh */

#define FETCH_SH "datasets/fetch.sh"
/* FIPS 180-2 SHA-256 known answers: "abc" and the 448-bit two-block message. */
#define MSG1 "abc"
#define SHA1 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MSG2 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define SHA2 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

struct fetch_env {
    char root[64];   /* temp dir */
    char mirror[96]; /* root/mirror, holds set/a.txt and set/b.txt */
    char remote[96]; /* root/remote, served by file:// URLs */
    char dest[96];   /* root/dest = DATA_DIR */
    char manifest[96];
};

static void fetch_env_init(struct fetch_env *e, const char *manifest_text) {
    if (!tu_exists(FETCH_SH))
        cr_assert_fail("%s not found: run the tests from the repository root", FETCH_SH);
    tu_tmpdir(e->root, sizeof e->root, "data");
    snprintf(e->mirror, sizeof e->mirror, "%s/mirror", e->root);
    snprintf(e->remote, sizeof e->remote, "%s/remote", e->root);
    snprintf(e->dest, sizeof e->dest, "%s/dest", e->root);
    snprintf(e->manifest, sizeof e->manifest, "%s/test.sha256", e->root);
    char path[160];
    mkdir(e->mirror, 0755);
    mkdir(e->remote, 0755);
    snprintf(path, sizeof path, "%s/set", e->mirror);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/set/a.txt", e->mirror);
    write_bytes(path, MSG1, strlen(MSG1));
    snprintf(path, sizeof path, "%s/set/b.txt", e->mirror);
    write_bytes(path, MSG2, strlen(MSG2));
    char *text = malloc(strlen(manifest_text) + 256);
    /* "@REMOTE@" in the manifest text stands for the remote directory. */
    const char *at = strstr(manifest_text, "@REMOTE@");
    if (at) sprintf(text, "%.*s%s%s", (int)(at - manifest_text), manifest_text, e->remote, at + 8);
    else strcpy(text, manifest_text);
    write_bytes(e->manifest, text, strlen(text));
    free(text);
}

/* Run fetch.sh with the given mirror ("" = none); returns its exit status, stdout, stderr. */
static int run_fetch(const struct fetch_env *e, const char *mirror, char **out, char **err) {
    char cmd[1024], out_path[128], err_path[128];
    snprintf(out_path, sizeof out_path, "%s/stdout", e->root);
    snprintf(err_path, sizeof err_path, "%s/stderr", e->root);
    snprintf(cmd, sizeof cmd, "bash %s '%s' '%s' '%s' >'%s' 2>'%s'", FETCH_SH, e->manifest, e->dest,
             mirror, out_path, err_path);
    int st = system(cmd);
    *out = slurp(out_path);
    *err = slurp(err_path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Nothing under dest but the listed files (no staging directory, no partial file). */
static void assert_dest_holds_only(const struct fetch_env *e, const char *expected_find_output) {
    char cmd[512], path[128];
    snprintf(path, sizeof path, "%s/find", e->root);
    snprintf(cmd, sizeof cmd,
             "cd '%s' 2>/dev/null && find . -mindepth 1 | LC_ALL=C sort >'%s' || : >'%s'", e->dest,
             path, path);
    cr_assert_eq(system(cmd), 0);
    char *listing = slurp(path);
    cr_assert_str_eq(listing, expected_find_output);
    free(listing);
}

static const char *const manifest_two =
    "# test manifest\n" SHA1 "  set/a.txt\n" SHA2 "  set/b.txt\n";

Test(data, fetch_copies_from_mirror_verifies_and_skips) {
    struct fetch_env e;
    fetch_env_init(&e, manifest_two);
    char *out, *err;
    int rc = run_fetch(&e, e.mirror, &out, &err);
    cr_assert_eq(rc, 0, "fetch failed: %s", err);
    cr_assert(strstr(out, "2 copied from the mirror"), "stdout: %s", out);
    assert_dest_holds_only(&e, "./set\n./set/a.txt\n./set/b.txt\n");
    char path[160];
    snprintf(path, sizeof path, "%s/set/b.txt", e.dest);
    char *b = slurp(path);
    cr_assert_str_eq(b, MSG2);
    free(b);
    free(out);
    free(err);
    rc = run_fetch(&e, e.mirror, &out, &err); /* second run: nothing to do */
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, "all 2 files present and verified"), "stdout: %s", out);
    free(out);
    free(err);
    tu_rm_rf(e.root);
}

Test(data, fetch_rejects_flipped_byte_naming_the_file) {
    struct fetch_env e;
    fetch_env_init(&e, manifest_two);
    char path[160];
    snprintf(path, sizeof path, "%s/set/a.txt", e.mirror);
    write_bytes(path, "abd", 3); /* one byte flipped */
    char *out, *err;
    int rc = run_fetch(&e, e.mirror, &out, &err);
    cr_assert_eq(rc, 1, "status %d, stderr %s", rc, err);
    cr_assert_eq(tu_lines(err), 1, "want one line, got: %s", err);
    cr_assert(strstr(err, "set/a.txt"), "%s", err);
    cr_assert(strstr(err, "expected " SHA1), "%s", err);
    cr_assert(strstr(err, "got a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9"),
              "%s", err);
    /* The corrupt file is not installed and nothing is left half-done; b.txt verified. */
    assert_dest_holds_only(&e, "./set\n./set/b.txt\n");
    free(out);
    free(err);

    /* A truncated copy fails the same way, and a present corrupt file is replaced. */
    write_bytes(path, "ab", 2);
    snprintf(path, sizeof path, "%s/set/b.txt", e.dest);
    write_bytes(path, "x", 1);
    rc = run_fetch(&e, e.mirror, &out, &err);
    cr_assert_eq(rc, 1);
    cr_assert(strstr(err, "set/a.txt") && strstr(err, "(2 bytes)"), "%s", err);
    char *b = slurp(path);
    cr_assert_str_eq(b, MSG2, "the corrupt b.txt in dest should have been replaced");
    free(b);
    free(out);
    free(err);
    tu_rm_rf(e.root);
}

Test(data, fetch_fails_on_missing_file_without_url) {
    struct fetch_env e;
    fetch_env_init(&e, manifest_two);
    char *out, *err;
    int rc = run_fetch(&e, "", &out, &err);
    cr_assert_eq(rc, 1);
    cr_assert_eq(tu_lines(err), 1, "%s", err);
    cr_assert(strstr(err, "set/a.txt: not in the mirror"), "%s", err);
    cr_assert(strstr(err, "1 more failing"), "%s", err);
    assert_dest_holds_only(&e, "");
    free(out);
    free(err);
    tu_rm_rf(e.root);
}

/* URL downloads (file:// through curl) and the MNIST-style mirror override: the mirror copy
 * of a.txt holds other bytes (MSG2), accepted from the mirror only. */
Test(data, fetch_downloads_and_honours_mirror_hash) {
    if (system("command -v curl >/dev/null 2>&1") != 0) cr_skip_test("curl not installed");
    struct fetch_env e;
    fetch_env_init(&e, "#@url file://@REMOTE@/{name}\n" SHA1 "  set/a.txt\n"
                       "#@mirror-sha256 " SHA2 " set/a.txt\n");
    char path[160];
    snprintf(path, sizeof path, "%s/a.txt", e.remote);
    write_bytes(path, MSG1, strlen(MSG1));
    char *out, *err;
    int rc = run_fetch(&e, "", &out, &err); /* no mirror: download */
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, "1 downloaded"), "%s", out);
    free(out);
    free(err);

    tu_rm_rf(e.dest);
    snprintf(path, sizeof path, "%s/set/a.txt", e.mirror);
    write_bytes(path, MSG2, strlen(MSG2));
    rc = run_fetch(&e, e.mirror, &out, &err); /* mirror bytes, mirror hash */
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(strstr(out, "1 copied from the mirror"), "%s", out);
    free(out);
    free(err);

    tu_rm_rf(e.dest);
    snprintf(path, sizeof path, "%s/a.txt", e.remote);
    write_bytes(path, MSG2, strlen(MSG2));
    rc = run_fetch(&e, "", &out, &err); /* the mirror's bytes from the URL: rejected */
    cr_assert_eq(rc, 1);
    cr_assert(strstr(err, "expected " SHA1 ", got " SHA2), "%s", err);
    assert_dest_holds_only(&e, "");
    free(out);
    free(err);
    tu_rm_rf(e.root);
}
