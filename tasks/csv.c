/* csv.c: the CSV sequence tasks (csv_task.h, docs/CSV_DATA.md).
 *
 * Two layers: csv_table_parse() turns one file into a header and a (rows, cols) array of
 * numbers, checking the CSV syntax (libcsv, strict mode), ragged rows and every field;
 * csv_folder_check() checks what the files say together (ids, steps, lengths, targets,
 * splits) and builds the arrays a struct dataset needs. Line numbers are physical lines:
 * the input is fed to libcsv one line at a time and a row carries the line it started on.
 *
 * Not here: variable-length sequences (every sequence has the same T), text features,
 * missing values. Each is an error naming where it occurs.
 */
#include "csv_task.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "tasks.h"

/* ---- errors ------------------------------------------------------------------------------- */

static jmp_buf *err_jump;
static char err_msg[512];

void csv_set_error_jump(jmp_buf *env) { err_jump = env; }
const char *csv_last_error(void) { return err_msg; }

/* "<file>:<line>:<col>: <what>" (line or col 0: not shown), then die or longjmp. */
PRINTF_LIKE(4, 5) NORETURN static void csv_fail(const char *file, int line, int col,
                                                 const char *fmt, ...) {
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (line > 0 && col > 0) snprintf(err_msg, sizeof err_msg, "%s:%d:%d: %s", file, line, col, what);
    else if (line > 0) snprintf(err_msg, sizeof err_msg, "%s:%d: %s", file, line, what);
    else snprintf(err_msg, sizeof err_msg, "%s: %s", file, what);
    if (err_jump) longjmp(*err_jump, 1);
    die("%s", err_msg);
}

/* ---- one file ----------------------------------------------------------------------------- */

static const char *const split_names[] = {"train", "val", "test"};

static int is_split_col(const struct csv_table *t, int c) {
    return t->header_done && !strcmp(t->header[c], "split");
}

/* A field of a data row: a finite number (in the build's precision), or a split name. */
static double field_value(const struct csv_table *t, int col, const char *s, size_t len) {
    const int c1 = col + 1;
    if (len == 0) csv_fail(t->file, t->rec_line, c1, "empty field (column '%s')", t->header[col]);
    if (strlen(s) != len)
        csv_fail(t->file, t->rec_line, c1, "field holds a NUL byte (column '%s')", t->header[col]);
    if (is_split_col(t, col)) {
        for (int k = 0; k < 3; k++)
            if (!strcmp(s, split_names[k])) return k;
        csv_fail(t->file, t->rec_line, c1, "split '%.40s' is not train, val or test", s);
    }
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (end != s + len || end == s)
        csv_fail(t->file, t->rec_line, c1, "'%.40s' is not a number (column '%s')", s,
                 t->header[col]);
    if (!isfinite(v) || !isfinite((real)v))
        csv_fail(t->file, t->rec_line, c1, "'%.40s' is not a finite %s number (column '%s')", s,
                 REAL_NAME, t->header[col]);
    return v;
}

static void on_field(void *data, size_t len, void *ctx) {
    struct csv_table *t = ctx;
    const char *s = data ? data : "";
    if (t->nfield == 0) t->rec_line = t->cur_line;
    const int col = t->nfield++;
    if (!t->header_done) {
        if (col >= 4096) csv_fail(t->file, t->rec_line, col + 1, "more than 4096 header fields");
        t->header = xrealloc(t->header, (size_t)(col + 1) * sizeof *t->header);
        t->header[col] = xmalloc(len + 1);
        memcpy(t->header[col], s, len);
        t->header[col][len] = 0;
        t->cols = col + 1;
        return;
    }
    if (col >= t->cols)
        csv_fail(t->file, t->rec_line, col + 1, "row has more fields than the header's %d",
                 t->cols);
    if ((size_t)(t->rows + 1) * t->cols > t->cap) {
        t->cap = t->cap ? 2 * t->cap : (size_t)t->cols * 256;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
        t->line = xrealloc(t->line, t->cap / t->cols * sizeof *t->line);
    }
    t->v[(size_t)t->rows * t->cols + col] = field_value(t, col, s, len);
}

static void on_row(int c, void *ctx) {
    struct csv_table *t = ctx;
    if (t->nfield == 0) t->rec_line = t->cur_line;
    if (!t->header_done) {
        for (int i = 0; i < t->cols; i++)
            for (int j = 0; j < i; j++)
                if (!strcmp(t->header[i], t->header[j]))
                    csv_fail(t->file, t->rec_line, i + 1, "column name '%.40s' repeats column %d",
                             t->header[i], j + 1);
        t->header_done = 1;
    } else {
        if (t->nfield != t->cols)
            csv_fail(t->file, t->rec_line, t->nfield + 1,
                     "row has %d fields, the header has %d", t->nfield, t->cols);
        t->line[t->rows++] = t->rec_line;
    }
    t->nfield = 0;
}

void csv_table_parse(struct csv_table *t, const char *file, const char *buf, size_t len) {
    memset(t, 0, sizeof *t);
    t->file = file;
    struct csv_parser *p = &t->parser;
    if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        die("out of memory starting the CSV parser");
    t->parser_live = 1;
    size_t at = 0;
    t->cur_line = 0;
    while (at < len) {
        const char *nl = memchr(buf + at, '\n', len - at);
        const size_t n = nl ? (size_t)(nl - (buf + at)) + 1 : len - at;
        t->cur_line++;
        if (csv_parse(p, buf + at, n, on_field, on_row, t) != n)
            csv_fail(file, t->cur_line, 0, "malformed CSV (%s)", csv_strerror(csv_error(p)));
        at += n;
    }
    if (csv_fini(p, on_field, on_row, t) != 0)
        csv_fail(file, t->cur_line, 0, "malformed CSV at the end of the file (%s)",
                 csv_strerror(csv_error(p)));
    csv_free(p);
    t->parser_live = 0;
    if (!t->header_done) csv_fail(file, 0, 0, "empty file: a header row is required");
}

void csv_table_free(struct csv_table *t) {
    if (t->parser_live) csv_free(&t->parser);
    for (int i = 0; t->header && i < t->cols; i++) free(t->header[i]);
    free(t->header);
    free(t->v);
    free(t->line);
    memset(t, 0, sizeof *t);
}

static double at(const struct csv_table *t, int row, int col) {
    return t->v[(size_t)row * t->cols + col];
}

/* A field that must be an integer in [lo, hi]. */
static int int_field(const struct csv_table *t, int row, int col, int lo, int hi,
                     const char *what) {
    const double v = at(t, row, col);
    if (v != floor(v) || v < lo || v > hi)
        csv_fail(t->file, t->line[row], col + 1, "%s %.17g is not an integer in [%d, %d]", what,
                 v, lo, hi);
    return (int)v;
}

static void expect_header(const struct csv_table *t, int col, const char *name) {
    if (t->cols <= col || strcmp(t->header[col], name) != 0)
        csv_fail(t->file, 1, col + 1, "header column %d must be '%s'%s%.40s%s", col + 1, name,
                 t->cols > col ? " (is '" : " (missing)", t->cols > col ? t->header[col] : "",
                 t->cols > col ? "')" : "");
}

/* ---- a folder ----------------------------------------------------------------------------- */

struct csv_data {
    int n, T, N, K, per_step, classify;
    real *x;        /* (n, T, N) */
    real *y;        /* (n, T_out, K) regression */
    int32_t *label; /* (n, T_out) classification */
    int8_t *split;  /* (n) 0 train, 1 val, 2 test; NULL: split by ratio */
};

static void csv_data_free(struct csv_data *d) {
    free(d->x), free(d->y), free(d->label), free(d->split);
    memset(d, 0, sizeof *d);
}

/* What one check holds, on the heap so an error's longjmp can free it. */
struct check {
    struct csv_table seq, tg, sp;
    struct csv_data d;
};

static void check_free(struct check *c) {
    csv_table_free(&c->seq), csv_table_free(&c->tg), csv_table_free(&c->sp);
    csv_data_free(&c->d);
}

/* sequences.csv: id,step,f1..fN, sequences in id order, steps 0..T-1 in order, one T. */
static void check_sequences(const struct csv_table *t, struct csv_data *d) {
    expect_header(t, 0, "id");
    expect_header(t, 1, "step");
    if (t->cols < 3) csv_fail(t->file, 1, 3, "no feature columns after id,step");
    if (t->rows == 0) csv_fail(t->file, 2, 0, "no data rows");
    const int N = d->N = t->cols - 2;
    int id = -1, step = -1, T = -1;
    for (int r = 0; r < t->rows; r++) {
        const int i = int_field(t, r, 0, 0, 1 << 30, "id");
        const int s = int_field(t, r, 1, 0, 1 << 30, "step");
        if (i == id) {
            if (s != step + 1)
                csv_fail(t->file, t->line[r], 2, "step %d of id %d follows step %d: steps must "
                         "run 0..T-1 in order", s, i, step);
        } else {
            if (id < 0 && i != 0)
                csv_fail(t->file, t->line[r], 1, "the first id is %d: ids must start at 0", i);
            if (i != id + 1)
                csv_fail(t->file, t->line[r], 1, "id %d follows id %d: ids must be 0..n-1, "
                         "contiguous and in order", i, id);
            if (id >= 0 && T >= 0 && step + 1 != T)
                csv_fail(t->file, t->line[r - 1], 2, "id %d has %d steps, id 0 has %d: every "
                         "sequence must have the same length", id, step + 1, T);
            if (id == 0) T = step + 1;
            if (s != 0)
                csv_fail(t->file, t->line[r], 2, "id %d starts at step %d: steps must start at 0",
                         i, s);
        }
        id = i, step = s;
    }
    if (T < 0) T = step + 1;
    if (step + 1 != T)
        csv_fail(t->file, t->line[t->rows - 1], 2, "id %d has %d steps, id 0 has %d: every "
                 "sequence must have the same length", id, step + 1, T);
    d->n = id + 1, d->T = T;
    d->x = xmalloc((size_t)d->n * T * N * sizeof(real));
    for (int r = 0; r < t->rows; r++)
        for (int k = 0; k < N; k++) d->x[(size_t)r * N + k] = (real)at(t, r, 2 + k);
}

/* labels.csv / targets.csv: id,[step,]values; a row per sequence (or per step), in order. */
static void check_targets(const struct csv_table *t, struct csv_data *d, int classify,
                          int classes) {
    expect_header(t, 0, "id");
    d->classify = classify;
    d->per_step = t->cols > 1 && !strcmp(t->header[1], "step");
    const int first = 1 + d->per_step, To = d->per_step ? d->T : 1;
    const int K = t->cols - first;
    if (K < 1) csv_fail(t->file, 1, first + 1, "no %s column", classify ? "label" : "target");
    if (classify && K != 1)
        csv_fail(t->file, 1, first + 2, "a labels file has one label column, this one has %d", K);
    const long want = (long)d->n * To;
    for (int r = 0; r < t->rows; r++) {
        const int i = int_field(t, r, 0, 0, 1 << 30, "id");
        if (i >= d->n)
            csv_fail(t->file, t->line[r], 1, "unknown id %d: the sequences file has ids 0..%d", i,
                     d->n - 1);
        if (r >= want || i != r / To)
            csv_fail(t->file, t->line[r], 1, "id %d where id %ld was expected: one row per %s, "
                     "ids in order", i, r >= want ? (long)d->n - 1 : (long)(r / To),
                     d->per_step ? "step" : "sequence");
        if (d->per_step) {
            const int s = int_field(t, r, 1, 0, 1 << 30, "step");
            if (s != r % To)
                csv_fail(t->file, t->line[r], 2, "step %d of id %d where step %d was expected: "
                         "steps 0..%d in order", s, i, r % To, To - 1);
        }
    }
    if (t->rows != want)
        csv_fail(t->file, t->rows ? t->line[t->rows - 1] : 1, 0, "%d rows for %d sequences%s "
                 "(%ld expected)", t->rows, d->n, d->per_step ? " of T steps" : "", want);
    if (classify) {
        int max = 0;
        for (int r = 0; r < t->rows; r++) {
            const int l = int_field(t, r, first, 0, classes > 0 ? classes - 1 : 1 << 20, "label");
            if (l > max) max = l;
        }
        d->K = classes > 0 ? classes : max + 1;
        d->label = xmalloc((size_t)want * sizeof(int32_t));
        for (int r = 0; r < t->rows; r++) d->label[r] = (int32_t)at(t, r, first);
    } else {
        d->K = K;
        d->y = xmalloc((size_t)want * K * sizeof(real));
        for (int r = 0; r < t->rows; r++)
            for (int k = 0; k < K; k++) d->y[(size_t)r * K + k] = (real)at(t, r, first + k);
    }
}

/* split.csv: id,split, one row per sequence in id order. */
static void check_split(const struct csv_table *t, struct csv_data *d) {
    expect_header(t, 0, "id");
    expect_header(t, 1, "split");
    if (t->cols != 2) csv_fail(t->file, 1, 3, "split file has columns id,split only");
    for (int r = 0; r < t->rows; r++) {
        const int i = int_field(t, r, 0, 0, 1 << 30, "id");
        if (i >= d->n)
            csv_fail(t->file, t->line[r], 1, "unknown id %d: the sequences file has ids 0..%d", i,
                     d->n - 1);
        if (i != r) csv_fail(t->file, t->line[r], 1, "id %d where id %d was expected", i, r);
    }
    if (t->rows != d->n)
        csv_fail(t->file, t->rows ? t->line[t->rows - 1] : 1, 0, "%d rows for %d sequences",
                 t->rows, d->n);
    d->split = xmalloc((size_t)d->n);
    for (int r = 0; r < t->rows; r++) d->split[r] = (int8_t)at(t, r, 1);
}

static const struct task_type *task_of(const struct csv_data *d) {
    return d->classify ? (d->per_step ? &task_csv_class_all : &task_csv_class_last)
                       : (d->per_step ? &task_csv_reg_all : &task_csv_reg_last);
}

/* Checks the files' contents into c->d (names: what errors call the files). */
static void check_all(struct check *c, const char *names[4], const char *seq, size_t seq_len,
                      const char *lab, size_t lab_len, const char *tgt, size_t tgt_len,
                      const char *split, size_t split_len, int classes) {
    csv_table_parse(&c->seq, names[0], seq, seq_len);
    check_sequences(&c->seq, &c->d);
    if (lab && tgt) csv_fail(names[1], 0, 0, "both %s and %s exist: keep one", names[1], names[2]);
    if (!lab && !tgt)
        csv_fail(names[1], 0, 0, "missing: a folder needs labels.csv (classification) or "
                 "targets.csv (regression)");
    csv_table_parse(&c->tg, lab ? names[1] : names[2], lab ? lab : tgt, lab ? lab_len : tgt_len);
    check_targets(&c->tg, &c->d, lab != NULL, classes);
    if (split) {
        csv_table_parse(&c->sp, names[3], split, split_len);
        check_split(&c->sp, &c->d);
    }
}

const struct task_type *csv_check_buffers(const char *seq, size_t seq_len, const char *lab,
                                          size_t lab_len, const char *tgt, size_t tgt_len,
                                          const char *split, size_t split_len) {
    static const char *names[4] = {"sequences.csv", "labels.csv", "targets.csv", "split.csv"};
    struct check *c = xcalloc(1, sizeof *c); /* not modified between setjmp and longjmp */
    jmp_buf inner, *outer = err_jump;
    if (outer && setjmp(inner)) {
        check_free(c);
        free(c);
        err_jump = outer;
        longjmp(*outer, 1);
    }
    if (outer) err_jump = &inner;
    check_all(c, names, seq, seq_len, lab, lab_len, tgt, tgt_len, split, split_len, 0);
    const struct task_type *t = task_of(&c->d);
    err_jump = outer;
    check_free(c);
    free(c);
    return t;
}

/* The whole file, or NULL when it does not exist; dies on any other failure. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) return NULL;
        die("%s: cannot open (%s)", path, strerror(errno));
    }
    size_t cap = 1 << 16, n = 0;
    char *b = xmalloc(cap);
    for (size_t got; (got = fread(b + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap) b = xrealloc(b, cap *= 2);
    }
    if (ferror(f)) die("%s: read error", path);
    fclose(f);
    *len = n;
    return b;
}

/* The loaded folder, cached for the process. */
static struct {
    char dir[4096];
    int classes;
    struct csv_data d;
} cache;

static const struct csv_data *load(const char *dir, int classes) {
    if (cache.d.x && !strcmp(cache.dir, dir) && cache.classes == classes) return &cache.d;
    csv_data_free(&cache.d);
    char paths[4][4200];
    const char *base[4] = {"sequences.csv", "labels.csv", "targets.csv", "split.csv"};
    char *buf[4];
    size_t len[4] = {0};
    for (int i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, base[i]);
        buf[i] = read_file(paths[i], &len[i]);
    }
    if (!buf[0]) die("%s: missing (the sequences file: id,step,f1..fN)", paths[0]);
    const char *names[4] = {paths[0], paths[1], paths[2], paths[3]};
    struct check c = {0};
    check_all(&c, names, buf[0], len[0], buf[1], len[1], buf[2], len[2], buf[3], len[3], classes);
    for (int i = 0; i < 4; i++) free(buf[i]);
    csv_table_free(&c.seq), csv_table_free(&c.tg), csv_table_free(&c.sp);
    cache.d = c.d;
    cache.classes = classes;
    snprintf(cache.dir, sizeof cache.dir, "%s", dir);
    return &cache.d;
}

const struct task_type *csv_task_for(const char *dir) { return task_of(load(dir, 0)); }

/* ---- the task types ----------------------------------------------------------------------- */

static const struct csv_data *load_p(const struct task_params *p) {
    if (!p->data_dir) die("csv task: no data folder (bin/alrnn run csv --data DIR)");
    return load(p->data_dir, task_opt_int(p, "classes", 0));
}

static void csv_dims(const struct task_params *p, int *T, int *N, int *K) {
    const struct csv_data *d = load_p(p);
    *T = d->T, *N = d->N, *K = d->K;
}

/* Splits: split.csv, or by ratio: the ids shuffled with r, the first train_frac·n train, the
 * next val_frac·n validation, the rest test; each split keeps the file's order. */
static void csv_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                          struct dataset *val, struct dataset *test) {
    const struct csv_data *d = load_p(p);
    const int n = d->n, T = d->T, N = d->N, K = d->K, To = d->per_step ? T : 1;
    int8_t *which = xmalloc((size_t)n);
    if (d->split) {
        memcpy(which, d->split, (size_t)n);
    } else {
        const double ft = task_opt_double(p, "train_frac", 0.8);
        const double fv = task_opt_double(p, "val_frac", 0.1);
        if (!(ft > 0 && fv >= 0 && ft + fv <= 1))
            die("csv task: train_frac %g and val_frac %g must satisfy 0 < train_frac, "
                "0 <= val_frac, train_frac + val_frac <= 1", ft, fv);
        int *perm = xmalloc((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) perm[i] = i;
        rng_shuffle_int(r, perm, n);
        const int nt = (int)(ft * n), nv = (int)(fv * n);
        for (int k = 0; k < n; k++) which[perm[k]] = k < nt ? 0 : k < nt + nv ? 1 : 2;
        free(perm);
    }
    struct dataset *out[3] = {train, val, test};
    for (int s = 0; s < 3; s++) {
        int m = 0;
        for (int i = 0; i < n; i++) m += which[i] == s;
        dataset_alloc(out[s], m, T, N, K, To, d->classify ? LOSS_CE : LOSS_MSE, 0);
        for (int i = 0, j = 0; i < n; i++) {
            if (which[i] != s) continue;
            memcpy(out[s]->x + (size_t)j * T * N, d->x + (size_t)i * T * N,
                   (size_t)T * N * sizeof(real));
            if (d->classify)
                memcpy(out[s]->label + (size_t)j * To, d->label + (size_t)i * To,
                       (size_t)To * sizeof(int32_t));
            else
                memcpy(out[s]->y + (size_t)j * To * K, d->y + (size_t)i * To * K,
                       (size_t)To * K * sizeof(real));
            j++;
        }
    }
    free(which);
}

#define CSV_TASK(name_, desc_, loss_, readout_)                                  \
    {                                                                            \
        .name = name_, .description = desc_, .loss = loss_, .readout = readout_, \
        .dims = csv_dims, .make_data = csv_make_data,                            \
    }
const struct task_type task_csv_class_last =
    CSV_TASK("csv-class-last", "sequences from CSV, one class label per sequence (docs/CSV_DATA.md)",
             LOSS_CE, READOUT_LAST);
const struct task_type task_csv_class_all =
    CSV_TASK("csv-class-all", "sequences from CSV, a class label at every step (docs/CSV_DATA.md)",
             LOSS_CE, READOUT_ALL);
const struct task_type task_csv_reg_last =
    CSV_TASK("csv-reg-last", "sequences from CSV, regression targets at the last step "
             "(docs/CSV_DATA.md)", LOSS_MSE, READOUT_LAST);
const struct task_type task_csv_reg_all =
    CSV_TASK("csv-reg-all", "sequences from CSV, regression targets at every step "
             "(docs/CSV_DATA.md)", LOSS_MSE, READOUT_ALL);
#undef CSV_TASK

/* ---- writing a folder --------------------------------------------------------------------- */

static FILE *open_tmp(const char *dir, const char *name, char *tmp, size_t n) {
    snprintf(tmp, n, "%s/%s.tmp.%ld", dir, name, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) die("cannot write %s (%s)", tmp, strerror(errno));
    die_register_tmpfile(tmp);
    return f;
}

static void commit_tmp(FILE *f, const char *dir, const char *name, const char *tmp) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (fclose(f) != 0 || rename(tmp, path) != 0) die("cannot write %s (%s)", path, strerror(errno));
    die_register_tmpfile(NULL);
}

void csv_export(const struct dataset *train, const struct dataset *val,
                const struct dataset *test, const char *dir) {
    const struct dataset *ds[3] = {train, val, test};
    const struct dataset *d0 = train;
    const int T = d0->T, N = d0->N, K = d0->K, To = d0->T_out, ce = d0->loss == LOSS_CE;
    const int digits = sizeof(real) == 4 ? 9 : 17;
    for (int s = 0; s < 3; s++) {
        ASSERT(ds[s]->n == 0 || (ds[s]->T == T && ds[s]->N == N && ds[s]->K == K));
        for (size_t i = 0; i < (size_t)ds[s]->n * To; i++)
            if (ds[s]->mask[i] != 1)
                die("export-csv: the %s split has a loss mask other than 1 (sequence %zu); the CSV "
                    "format has no masks", split_names[s], i / To);
    }
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/x", dir);
    make_parent_dirs(probe);
    char tmp[4300];
    /* sequences.csv */
    FILE *f = open_tmp(dir, "sequences.csv", tmp, sizeof tmp);
    fprintf(f, "id,step");
    for (int k = 0; k < N; k++) fprintf(f, ",f%d", k + 1);
    fprintf(f, "\n");
    for (int s = 0, id = 0; s < 3; s++)
        for (int i = 0; i < ds[s]->n; i++, id++)
            for (int t = 0; t < T; t++) {
                fprintf(f, "%d,%d", id, t);
                const real *x = ds[s]->x + ((size_t)i * T + t) * N;
                for (int k = 0; k < N; k++) fprintf(f, ",%.*g", digits, (double)x[k]);
                fprintf(f, "\n");
            }
    commit_tmp(f, dir, "sequences.csv", tmp);
    /* labels.csv or targets.csv */
    const char *tname = ce ? "labels.csv" : "targets.csv";
    f = open_tmp(dir, tname, tmp, sizeof tmp);
    fprintf(f, "id%s", To == T && T > 1 ? ",step" : "");
    if (ce) fprintf(f, ",label");
    else
        for (int k = 0; k < K; k++) fprintf(f, ",t%d", k + 1);
    fprintf(f, "\n");
    for (int s = 0, id = 0; s < 3; s++)
        for (int i = 0; i < ds[s]->n; i++, id++)
            for (int t = 0; t < To; t++) {
                fprintf(f, "%d", id);
                if (To == T && T > 1) fprintf(f, ",%d", t);
                if (ce) fprintf(f, ",%d", (int)ds[s]->label[(size_t)i * To + t]);
                else
                    for (int k = 0; k < K; k++)
                        fprintf(f, ",%.*g", digits, (double)ds[s]->y[((size_t)i * To + t) * K + k]);
                fprintf(f, "\n");
            }
    commit_tmp(f, dir, tname, tmp);
    /* split.csv */
    f = open_tmp(dir, "split.csv", tmp, sizeof tmp);
    fprintf(f, "id,split\n");
    for (int s = 0, id = 0; s < 3; s++)
        for (int i = 0; i < ds[s]->n; i++, id++) fprintf(f, "%d,%s\n", id, split_names[s]);
    commit_tmp(f, dir, "split.csv", tmp);
}
