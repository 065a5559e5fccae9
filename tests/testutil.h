/* testutil.h: helpers shared by the tests that run bin/alrnn or scripts, or need scratch
 * folders. Header-only: each test file is one translation unit and includes it once.
 * The tests run from the repository root (make test does). */
#ifndef ALRNN_TESTUTIL_H
#define ALRNN_TESTUTIL_H

#include <criterion/criterion.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The command-line program under test: $ALRNN_BIN, else bin/alrnn. */
static inline const char *tu_bin(void) {
    const char *b = getenv("ALRNN_BIN");
    return b && *b ? b : "bin/alrnn";
}

/* Runs the shell command cmd with stdout discarded and stderr captured into err (n bytes,
 * NUL-terminated). Returns the exit status, or -1 when the command was killed. */
static inline int tu_sh(const char *cmd, char *err, size_t n) {
    char errf[] = "/tmp/alrnn_test_err_XXXXXX", full[8192];
    const int fd = mkstemp(errf);
    cr_assert(fd >= 0, "mkstemp failed");
    close(fd);
    cr_assert(snprintf(full, sizeof full, "%s >/dev/null 2>%s", cmd, errf) < (int)sizeof full,
              "command too long: %.200s...", cmd);
    const int st = system(full);
    FILE *f = fopen(errf, "r");
    cr_assert_not_null(f);
    const size_t k = fread(err, 1, n - 1, f);
    err[k] = 0;
    fclose(f);
    unlink(errf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* `env bin/alrnn args` (env: NULL or "NAME=value ..." assignments); as tu_sh. */
static inline int tu_alrnn(const char *env, const char *args, char *err, size_t n) {
    char cmd[6144];
    snprintf(cmd, sizeof cmd, "%s %s %s", env ? env : "", tu_bin(), args);
    return tu_sh(cmd, err, n);
}

/* A fresh folder /tmp/alrnn-test-<tag>-XXXXXX; dir holds n bytes. */
static inline void tu_tmpdir(char *dir, size_t n, const char *tag) {
    snprintf(dir, n, "/tmp/alrnn-test-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s failed", dir);
}

static inline void tu_rm_rf(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
}

static inline int tu_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file as a string (free it), NULL when it cannot be read. */
static inline char *tu_slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = 0;
    fclose(f);
    return s;
}

static inline int tu_lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* The first data directory holding `probe` (a path inside it, e.g. "mnist/..."), or NULL:
 * $ALRNN_DATA_DIR, data/ (`make datasets`), $DATA_MIRROR, ../shared/datasets (the offline
 * mirror, laid out like data/, which the readers read in place). Tests never download. */
static inline const char *tu_data_dir_with(const char *probe) {
    const char *cand[4] = {getenv("ALRNN_DATA_DIR"), "data", getenv("DATA_MIRROR"),
                           "../shared/datasets"};
    static char found[4096];
    for (int i = 0; i < 4; i++) {
        if (!cand[i] || !*cand[i]) continue;
        snprintf(found, sizeof found, "%s/%s", cand[i], probe);
        if (access(found, R_OK) == 0) {
            snprintf(found, sizeof found, "%s", cand[i]);
            return found;
        }
    }
    return NULL;
}

/* A TSV as the summarizers write it: '#' comment lines, one header line of column names,
 * then rows of numbers (a field that is not a number reads as NaN, flagged in text). */
enum { TU_TSV_MAX_COLS = 64, TU_TSV_MAX_ROWS = 4096 };
struct tu_tsv {
    int cols, rows;
    char name[TU_TSV_MAX_COLS][128];    /* header fields */
    double *v;                          /* (rows, cols) */
    unsigned char *text;                /* (rows, cols): 1 where the field is not a number */
    char comment[1024];                 /* the first comment line, without "# " */
};

static inline void tu_tsv_read(struct tu_tsv *t, const char *path) {
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    t->v = malloc(sizeof(double) * TU_TSV_MAX_ROWS * TU_TSV_MAX_COLS);
    t->text = calloc((size_t)TU_TSV_MAX_ROWS * TU_TSV_MAX_COLS, 1);
    char line[16384];
    int header = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#') {
            if (!t->comment[0]) { /* the first comment line, cut to fit */
                size_t k = strlen(line + 2);
                if (k >= sizeof t->comment) k = sizeof t->comment - 1;
                memcpy(t->comment, line + 2, k);
                t->comment[k] = 0;
            }
            continue;
        }
        int c = 0;
        for (char *p = line, *tab;; p = tab + 1) {
            tab = strchr(p, '\t');
            if (tab) *tab = 0;
            cr_assert(c < TU_TSV_MAX_COLS, "%s: too many columns", path);
            if (!header) {
                cr_assert(snprintf(t->name[c], sizeof t->name[c], "%s", p) <
                              (int)sizeof t->name[c],
                          "%s: column name too long: %.60s...", path, p);
            } else {
                cr_assert(t->rows < TU_TSV_MAX_ROWS, "%s: too many rows", path);
                char *end;
                const double x = strtod(p, &end);
                const int num = end != p && *end == 0;
                t->v[(size_t)t->rows * TU_TSV_MAX_COLS + c] = num ? x : NAN;
                t->text[(size_t)t->rows * TU_TSV_MAX_COLS + c] = !num;
            }
            c++;
            if (!tab) break;
        }
        if (!header) header = 1, t->cols = c;
        else {
            cr_assert_eq(c, t->cols, "%s: row %d has %d fields, the header %d", path, t->rows, c,
                         t->cols);
            t->rows++;
        }
    }
    fclose(f);
    cr_assert(header, "%s has no header line", path);
}

/* Column index of name, asserting it exists. */
static inline int tu_tsv_col(const struct tu_tsv *t, const char *name) {
    for (int c = 0; c < t->cols; c++)
        if (strcmp(t->name[c], name) == 0) return c;
    cr_assert_fail("no column '%s'", name);
    return -1;
}

static inline double tu_tsv_at(const struct tu_tsv *t, int row, int col) {
    return t->v[(size_t)row * TU_TSV_MAX_COLS + col];
}

static inline void tu_tsv_free(struct tu_tsv *t) {
    free(t->v);
    free(t->text);
}

/* Reads dataset dset of an HDF5 file as doubles with the HDF5 library itself (not the
 * project's h5io wrappers, so a summary can be checked against an independent reading);
 * dims (4) receives the shape. Returns the malloc'd values; *n their number. */
static inline double *tu_h5_read(const char *path, const char *dset, size_t *n, size_t dims[4]) {
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0, "cannot open %s", path);
    const hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
    cr_assert(d >= 0, "%s: no dataset %s", path, dset);
    const hid_t s = H5Dget_space(d);
    hsize_t h[4] = {1, 1, 1, 1};
    const int rank = H5Sget_simple_extent_ndims(s);
    cr_assert(rank >= 0 && rank <= 4);
    H5Sget_simple_extent_dims(s, h, NULL);
    *n = 1;
    for (int i = 0; i < 4; i++) {
        if (i < rank) *n *= h[i];
        if (dims) dims[i] = i < rank ? (size_t)h[i] : 1;
    }
    double *v = malloc(sizeof(double) * (*n ? *n : 1));
    cr_assert(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0,
              "%s: cannot read %s", path, dset);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    return v;
}

static inline double tu_h5_scalar(const char *path, const char *dset) {
    size_t n;
    double *v = tu_h5_read(path, dset, &n, NULL);
    cr_assert_eq(n, 1, "%s: %s is not a scalar", path, dset);
    const double x = v[0];
    free(v);
    return x;
}

/* An integer attribute of the file's root group, read with the HDF5 library. */
static inline long tu_h5_root_attr_int(const char *path, const char *name) {
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_assert(f >= 0, "cannot open %s", path);
    const hid_t a = H5Aopen_by_name(f, "/", name, H5P_DEFAULT, H5P_DEFAULT);
    cr_assert(a >= 0, "%s: no attribute %s", path, name);
    long long v = 0;
    cr_assert(H5Aread(a, H5T_NATIVE_LLONG, &v) >= 0);
    H5Aclose(a);
    H5Fclose(f);
    return (long)v;
}

#endif
