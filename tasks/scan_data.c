/* scan_data.c: SCAN grammar, interpreter, splits, reader, multiset comparison and vocabulary.
 * The rules cited as "README" are shared/datasets/README.md, section SCAN. */
#define _POSIX_C_SOURCE 200809L
#include "scan_data.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const scan_word_names[] = {
    [SCAN_W_WALK] = "walk",         [SCAN_W_LOOK] = "look",     [SCAN_W_RUN] = "run",
    [SCAN_W_JUMP] = "jump",         [SCAN_W_TURN] = "turn",     [SCAN_W_LEFT] = "left",
    [SCAN_W_RIGHT] = "right",       [SCAN_W_OPPOSITE] = "opposite",
    [SCAN_W_AROUND] = "around",     [SCAN_W_TWICE] = "twice",   [SCAN_W_THRICE] = "thrice",
    [SCAN_W_AND] = "and",           [SCAN_W_AFTER] = "after",
};
static_assert(ARRAY_LEN(scan_word_names) == SCAN_WORD__COUNT && SCAN_WORD__COUNT == 13,
              "scan_word_names out of sync with enum scan_word");

const char *const scan_action_names[] = {
    [SCAN_I_WALK] = "I_WALK",           [SCAN_I_LOOK] = "I_LOOK",
    [SCAN_I_RUN] = "I_RUN",             [SCAN_I_JUMP] = "I_JUMP",
    [SCAN_I_TURN_LEFT] = "I_TURN_LEFT", [SCAN_I_TURN_RIGHT] = "I_TURN_RIGHT",
};
static_assert(ARRAY_LEN(scan_action_names) == SCAN_ACTION__COUNT && SCAN_ACTION__COUNT == 6,
              "scan_action_names out of sync with enum scan_action");
/* parse_v maps a primitive word to its action by value */
static_assert((int)SCAN_W_WALK == (int)SCAN_I_WALK && (int)SCAN_W_LOOK == (int)SCAN_I_LOOK &&
                  (int)SCAN_W_RUN == (int)SCAN_I_RUN && (int)SCAN_W_JUMP == (int)SCAN_I_JUMP,
              "primitive words and their actions must share ids");

const char *const scan_special_names[] = {
    [SCAN_PAD] = "<pad>", [SCAN_UNK] = "<unk>", [SCAN_START] = "<start>", [SCAN_END] = "<end>",
};
static_assert(ARRAY_LEN(scan_special_names) == SCAN_N_SPECIAL, "scan_special_names out of sync");

/* Longest formatted line: "IN: " + 9 words + " OUT: " + 48 x "I_TURN_RIGHT " is < 700 bytes;
 * files from elsewhere may be longer, so only generated text relies on this bound. */
#define SCAN_LINE_MAX 1024

/* ---- sets ---------------------------------------------------------------------------- */

/* Strings are appended to fixed blocks that are never reallocated, so the pointers handed
 * out in scan_pair stay valid while the set grows. */
#define SCAN_BLOCK_BYTES 65536
struct scan_text_block {
    struct scan_text_block *next;
    size_t used, cap;
    char data[]; /* (cap) */
};

static const char *set_store(struct scan_set *s, const char *str, size_t len) {
    struct scan_text_block *b = s->blocks;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > SCAN_BLOCK_BYTES ? len + 1 : SCAN_BLOCK_BYTES;
        b = xmalloc(sizeof *b + cap);
        b->next = s->blocks;
        b->used = 0;
        b->cap = cap;
        s->blocks = b;
    }
    char *p = b->data + b->used;
    memcpy(p, str, len);
    p[len] = 0;
    b->used += len + 1;
    return p;
}

void scan_set_init(struct scan_set *s) { memset(s, 0, sizeof *s); }

void scan_set_free(struct scan_set *s) {
    for (struct scan_text_block *b = s->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(s->pair);
    memset(s, 0, sizeof *s);
}

/* A token list is s[0..len): printable non-space ASCII tokens separated by single spaces,
 * none of them "IN:" or "OUT:". Returns NULL when well-formed (count set), else the reason. */
static const char *check_tokens(const char *s, size_t len, int *count) {
    if (len == 0) return "empty";
    if (s[0] == ' ') return "leading or doubled space";
    if (s[len - 1] == ' ') return "trailing space";
    int n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ' ') {
            unsigned char c = (unsigned char)s[i];
            if (c == '\r') return "carriage return (CRLF line endings are not accepted)";
            if (c < 0x21 || c > 0x7e) return "control, tab or non-ASCII byte";
            continue;
        }
        if (i == start) return "leading or doubled space";
        size_t tl = i - start;
        if ((tl == 3 && !memcmp(s + start, "IN:", 3)) || (tl == 4 && !memcmp(s + start, "OUT:", 4)))
            return "token IN: or OUT: inside a side (two examples on one line?)";
        n++;
        start = i + 1;
    }
    *count = n;
    return NULL;
}

static void set_push(struct scan_set *s, const char *in, size_t lin, int n_in, const char *out,
                     size_t lout, int n_out) {
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->pair = xrealloc(s->pair, (size_t)s->cap * sizeof *s->pair);
    }
    struct scan_pair *p = &s->pair[s->n++];
    p->in = set_store(s, in, lin);
    p->out = set_store(s, out, lout);
    p->n_in = n_in;
    p->n_out = n_out;
}

void scan_set_add(struct scan_set *s, const char *in, const char *out) {
    int n_in = 0, n_out = 0;
    size_t lin = strlen(in), lout = strlen(out);
    ASSERT(check_tokens(in, lin, &n_in) == NULL);
    ASSERT(check_tokens(out, lout, &n_out) == NULL);
    set_push(s, in, lin, n_in, out, lout, n_out);
}

static void set_add_pair(struct scan_set *s, const struct scan_pair *p) {
    set_push(s, p->in, strlen(p->in), p->n_in, p->out, strlen(p->out), p->n_out);
}

int scan_set_max_len(const struct scan_set *s, enum scan_side side) {
    int m = 0;
    for (int i = 0; i < s->n; i++) {
        int l = side == SCAN_SIDE_IN ? s->pair[i].n_in : s->pair[i].n_out;
        if (l > m) m = l;
    }
    return m;
}

int scan_pair_format(const struct scan_pair *p, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "IN: %s OUT: %s", p->in, p->out);
    ASSERT(n >= 0 && (size_t)n < cap);
    return n;
}

void scan_set_print(FILE *f, const struct scan_set *s) {
    for (int i = 0; i < s->n; i++) fprintf(f, "IN: %s OUT: %s\n", s->pair[i].in, s->pair[i].out);
    if (fflush(f) != 0 || ferror(f)) die("writing SCAN lines failed (disk full or closed pipe?)");
}

/* ---- interpretation (README, SCAN "Interpretation") ------------------------------------ */

/* Word id of w[0..len), or -1. */
static int word_id(const char *w, size_t len) {
    for (int k = 0; k < SCAN_WORD__COUNT; k++)
        if (strlen(scan_word_names[k]) == len && !memcmp(scan_word_names[k], w, len)) return k;
    return -1;
}

/* V at w[*pos..n): appends its actions to out[*len..], advances *pos; 0 on success.
 *   [x]          = I_X, with [turn] = nothing
 *   [x dir]      = T_dir [x]
 *   [x opposite dir] = T_dir T_dir [x]
 *   [x around dir]   = (T_dir [x]) x 4
 *   U            = walk | look | run | jump alone (bare "turn" is not a V) */
static int parse_v(const int *w, int n, int *pos, enum scan_action *out, int *len) {
    int p = *pos;
    if (p >= n || w[p] < SCAN_W_WALK || w[p] > SCAN_W_TURN) return -1;
    int x = w[p++];
    int turns = 0, reps = 1; /* turn actions before each [x], and repetitions of that unit */
    if (p < n && (w[p] == SCAN_W_OPPOSITE || w[p] == SCAN_W_AROUND)) {
        turns = w[p] == SCAN_W_OPPOSITE ? 2 : 1;
        reps = w[p] == SCAN_W_OPPOSITE ? 1 : 4;
        p++;
        if (p >= n || (w[p] != SCAN_W_LEFT && w[p] != SCAN_W_RIGHT)) return -1;
    } else if (p < n && (w[p] == SCAN_W_LEFT || w[p] == SCAN_W_RIGHT)) {
        turns = 1;
    } else if (x == SCAN_W_TURN) {
        return -1;
    }
    enum scan_action t = SCAN_I_TURN_LEFT;
    if (turns) t = w[p++] == SCAN_W_LEFT ? SCAN_I_TURN_LEFT : SCAN_I_TURN_RIGHT;
    for (int r = 0; r < reps; r++) {
        for (int k = 0; k < turns; k++) out[(*len)++] = t;
        if (x != SCAN_W_TURN) out[(*len)++] = (enum scan_action)x;
    }
    *pos = p;
    return 0;
}

/* S = V | V twice | V thrice: [v twice] = [v][v], [v thrice] = [v][v][v]. */
static int parse_s(const int *w, int n, int *pos, enum scan_action *out, int *len) {
    int start = *len;
    if (parse_v(w, n, pos, out, len)) return -1;
    int times = 1;
    if (*pos < n && w[*pos] == SCAN_W_TWICE) times = 2;
    if (*pos < n && w[*pos] == SCAN_W_THRICE) times = 3;
    if (times > 1) (*pos)++;
    int unit = *len - start;
    for (int r = 1; r < times; r++) {
        memcpy(out + *len, out + start, (size_t)unit * sizeof *out);
        *len += unit;
    }
    return 0;
}

int scan_interpret(const char *command, enum scan_action *out) {
    int w[SCAN_MAX_WORDS], n = 0;
    for (const char *p = command;;) {
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        int id = word_id(p, l);
        if (id < 0 || n == SCAN_MAX_WORDS) return -1;
        w[n++] = id;
        if (!e) break;
        p = e + 1;
    }
    /* C = S | S and S | S after S: [s1 and s2] = [s1][s2], [s1 after s2] = [s2][s1].
     * S1 is parsed into out, S2 after it; "after" then rotates S2 to the front. */
    int pos = 0, len = 0;
    if (parse_s(w, n, &pos, out, &len)) return -1;
    if (pos == n) return len;
    int conj = w[pos++];
    if (conj != SCAN_W_AND && conj != SCAN_W_AFTER) return -1;
    int len1 = len;
    if (parse_s(w, n, &pos, out, &len) || pos != n) return -1;
    if (conj == SCAN_W_AFTER) {
        enum scan_action tmp[SCAN_MAX_ACTIONS];
        int len2 = len - len1;
        memcpy(tmp, out, (size_t)len1 * sizeof *out);
        memmove(out, out + len1, (size_t)len2 * sizeof *out);
        memcpy(out + len2, tmp, (size_t)len1 * sizeof *out);
    }
    return len;
}

/* ---- generation ------------------------------------------------------------------------ */

enum { SCAN_N_V = 34, SCAN_N_S = 3 * SCAN_N_V }; /* README "Counts" */

/* snprintf into a buffer known to be large enough (ASSERT). */
static void fmt(char *buf, size_t cap, const char *f, ...) PRINTF_LIKE(3, 4);
static void fmt(char *buf, size_t cap, const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(buf, cap, f, ap);
    va_end(ap);
    ASSERT(n >= 0 && (size_t)n < cap);
}

/* The V and S orders documented in scan_data.h. */
static void grammar_phrases(char v[SCAN_N_V][32], char s[SCAN_N_S][40]) {
    static const int dirs[] = {SCAN_W_LEFT, SCAN_W_RIGHT};
    int nv = 0;
    for (int x = SCAN_W_WALK; x <= SCAN_W_JUMP; x++) fmt(v[nv++], 32, "%s", scan_word_names[x]);
    for (int x = SCAN_W_WALK; x <= SCAN_W_TURN; x++)
        for (int d = 0; d < 2; d++) {
            const char *xs = scan_word_names[x], *ds = scan_word_names[dirs[d]];
            fmt(v[nv++], 32, "%s %s", xs, ds);
            fmt(v[nv++], 32, "%s opposite %s", xs, ds);
            fmt(v[nv++], 32, "%s around %s", xs, ds);
        }
    ASSERT(nv == SCAN_N_V);
    for (int i = 0; i < SCAN_N_V; i++) {
        fmt(s[3 * i], 40, "%s", v[i]);
        fmt(s[3 * i + 1], 40, "%s twice", v[i]);
        fmt(s[3 * i + 2], 40, "%s thrice", v[i]);
    }
}

static void add_command(struct scan_set *all, const char *cmd) {
    enum scan_action a[SCAN_MAX_ACTIONS];
    char out[SCAN_LINE_MAX];
    int n = scan_interpret(cmd, a);
    ASSERT(n > 0);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(scan_action_names[a[i]]);
        if (i) out[k++] = ' ';
        memcpy(out + k, scan_action_names[a[i]], l);
        k += l;
    }
    out[k] = 0;
    int n_in = 0;
    ASSERT(check_tokens(cmd, strlen(cmd), &n_in) == NULL);
    set_push(all, cmd, strlen(cmd), n_in, out, k, n);
}

void scan_grammar_generate(struct scan_set *all) {
    ASSERT(all->n == 0);
    char v[SCAN_N_V][32], s[SCAN_N_S][40], cmd[128];
    grammar_phrases(v, s);
    for (int i = 0; i < SCAN_N_S; i++) add_command(all, s[i]);
    static const char *const conj[] = {"and", "after"};
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < SCAN_N_S; i++)
            for (int j = 0; j < SCAN_N_S; j++) {
                fmt(cmd, sizeof cmd, "%s %s %s", s[i], conj[c], s[j]);
                add_command(all, cmd);
            }
    ASSERT(all->n == SCAN_N_COMMANDS);
}

void scan_grammar_print(FILE *f) {
    struct scan_set all;
    scan_set_init(&all);
    scan_grammar_generate(&all);
    scan_set_print(f, &all);
    scan_set_free(&all);
}

/* ---- splits ---------------------------------------------------------------------------- */

void scan_split_length(const struct scan_set *all, int max_train_len, struct scan_set *train,
                       struct scan_set *test) {
    ASSERT(train->n == 0 && test->n == 0);
    for (int i = 0; i < all->n; i++)
        set_add_pair(all->pair[i].n_out <= max_train_len ? train : test, &all->pair[i]);
}

/* Does the command contain the word sequence `phrase` (whole words)? */
static int contains_phrase(const char *cmd, const char *phrase) {
    size_t pl = strlen(phrase);
    for (const char *p = cmd; (p = strstr(p, phrase)) != NULL; p++)
        if ((p == cmd || p[-1] == ' ') && (p[pl] == 0 || p[pl] == ' ')) return 1;
    return 0;
}

void scan_split_add_prim(const struct scan_set *all, const char *prim, int n_copies,
                         struct scan_set *train, struct scan_set *test) {
    ASSERT(train->n == 0 && test->n == 0 && n_copies >= 0);
    const struct scan_pair *bare = NULL;
    for (int i = 0; i < all->n; i++) {
        const struct scan_pair *p = &all->pair[i];
        if (!strcmp(p->in, prim))
            bare = p;
        else
            set_add_pair(contains_phrase(p->in, prim) ? test : train, p);
    }
    ASSERT(bare != NULL);
    if (n_copies == 0) n_copies = (train->n + 4) / 9;
    for (int k = 0; k < n_copies; k++) set_add_pair(train, bare);
}

const struct scan_split scan_splits[] = {
    {.name = "simple", .kind = SCAN_SPLIT_RANDOM,
     .train_path = "simple_split/tasks_train_simple.txt",
     .test_path = "simple_split/tasks_test_simple.txt", .train_lines = 16728, .test_lines = 4182},
    {.name = "length", .kind = SCAN_SPLIT_LENGTH,
     .train_path = "length_split/tasks_train_length.txt",
     .test_path = "length_split/tasks_test_length.txt", .train_lines = 16990, .test_lines = 3920},
    {.name = "addprim_jump", .kind = SCAN_SPLIT_ADD_PRIM, .prim = "jump",
     .train_path = "add_prim_split/tasks_train_addprim_jump.txt",
     .test_path = "add_prim_split/tasks_test_addprim_jump.txt", .train_lines = 14670,
     .test_lines = 7706},
    {.name = "addprim_turn_left", .kind = SCAN_SPLIT_ADD_PRIM, .prim = "turn left",
     .train_path = "add_prim_split/tasks_train_addprim_turn_left.txt",
     .test_path = "add_prim_split/tasks_test_addprim_turn_left.txt", .train_lines = 21890,
     .test_lines = 1208},
};
const int scan_n_splits = (int)ARRAY_LEN(scan_splits);

const struct scan_split *scan_split_find(const char *name) {
    for (int i = 0; i < scan_n_splits; i++)
        if (!strcmp(scan_splits[i].name, name)) return &scan_splits[i];
    return NULL;
}

void scan_split_make(const struct scan_split *sp, const struct scan_set *all,
                     struct scan_set *train, struct scan_set *test) {
    switch (sp->kind) {
    case SCAN_SPLIT_LENGTH: scan_split_length(all, SCAN_LENGTH_MAX_TRAIN, train, test); return;
    case SCAN_SPLIT_ADD_PRIM: scan_split_add_prim(all, sp->prim, 0, train, test); return;
    case SCAN_SPLIT_RANDOM: break;
    }
    ASSERT(!"scan_split_make: a random split cannot be regenerated");
}

/* ---- reader ---------------------------------------------------------------------------- */

/* One side of a line, as located by parse_line. */
struct line_side {
    const char *s;
    size_t len;
    int n; /* tokens */
};

/* Split "IN: <words> OUT: <actions>" (line[0..len), newline removed). NULL when well-formed,
 * else the reason. */
static const char *parse_line(const char *line, size_t len, struct line_side *in,
                              struct line_side *out) {
    if (strlen(line) != len) return "NUL byte in line";
    if (len == 0) return "empty line";
    if (strncmp(line, "IN: ", 4) != 0) return "does not start with 'IN: '";
    const char *cmd = line + 4, *sep = strstr(cmd, " OUT: ");
    if (!sep) return "no ' OUT: ' separator";
    if (sep == cmd) return "empty command";
    in->s = cmd;
    in->len = (size_t)(sep - cmd);
    out->s = sep + 6;
    out->len = len - (size_t)(out->s - line);
    const char *why = check_tokens(in->s, in->len, &in->n);
    if (why) return why;
    why = check_tokens(out->s, out->len, &out->n);
    return why;
}

/* scan_read; *final_newline (may be NULL) tells whether the last line ended in '\n'. */
static void scan_read_ex(const char *path, struct scan_set *s, int *final_newline) {
    FILE *f = fopen(path, "r");
    if (!f) die("cannot open SCAN file %s (missing? see shared/datasets/scan/SOURCE.txt)", path);
    char *line = NULL;
    size_t linecap = 0;
    ssize_t got;
    long lineno = 0;
    int n0 = s->n;
    while ((got = getline(&line, &linecap, f)) != -1) {
        lineno++;
        size_t len = (size_t)got;
        if (final_newline) *final_newline = len && line[len - 1] == '\n';
        if (len && line[len - 1] == '\n') line[--len] = 0;
        struct line_side in, out;
        const char *why = parse_line(line, len, &in, &out);
        if (why) {
            free(line);
            fclose(f);
            die("%s:%ld: malformed SCAN line (%s); expected 'IN: <words> OUT: <actions>'", path,
                lineno, why);
        }
        set_push(s, in.s, in.len, in.n, out.s, out.len, out.n);
    }
    int err = ferror(f);
    free(line);
    fclose(f);
    if (err) die("reading SCAN file %s failed", path);
    if (s->n == n0) die("%s: no SCAN lines (empty file)", path);
}

void scan_read(const char *path, struct scan_set *s) { scan_read_ex(path, s, NULL); }

/* Lines of a published SCAN file (path relative to the SCAN directory), 0 when unknown. */
static int scan_published_lines(const char *rel) {
    if (!strcmp(rel, "tasks.txt")) return SCAN_TASKS_LINES;
    for (int i = 0; i < scan_n_splits; i++) {
        if (!strcmp(rel, scan_splits[i].train_path)) return scan_splits[i].train_lines;
        if (!strcmp(rel, scan_splits[i].test_path)) return scan_splits[i].test_lines;
    }
    return 0;
}

void scan_read_in(const char *dir, const char *rel, struct scan_set *s) {
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *path = xmalloc(n);
    snprintf(path, n, "%s/%s", dir, rel);
    const int n0 = s->n, want = scan_published_lines(rel);
    int nl = 1;
    scan_read_ex(path, s, &nl);
    if (want && !nl) die("%s: the last line has no newline: the file is truncated", path);
    if (want && s->n - n0 != want)
        die("%s: %d lines, the published file has %d: the file is incomplete; rerun "
            "`make datasets-scan`", path, s->n - n0, want);
    free(path);
}

/* ---- multiset comparison --------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long scan_lines_compare(char **a, long na, char **b, long nb, char *msg, size_t cap) {
    qsort(a, (size_t)na, sizeof *a, cmp_str);
    qsort(b, (size_t)nb, sizeof *b, cmp_str);
    long i = 0, j = 0, only_a = 0, only_b = 0;
    const char *first_a = NULL, *first_b = NULL;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
        if (c == 0) {
            i++, j++;
        } else if (c < 0) {
            if (!only_a++) first_a = a[i];
            i++;
        } else {
            if (!only_b++) first_b = b[j];
            j++;
        }
    }
    if ((only_a || only_b) && msg && cap)
        snprintf(msg, cap, "%ld vs %ld lines; %ld only in first (e.g. \"%.120s\"), %ld only in "
                 "second (e.g. \"%.120s\")", na, nb, only_a, first_a ? first_a : "-", only_b,
                 first_b ? first_b : "-");
    return only_a + only_b;
}

/* All lines of s, formatted; one allocation for the strings, one for the pointers. */
static char **set_lines(const struct scan_set *s, char **store) {
    size_t total = 0;
    for (int i = 0; i < s->n; i++)
        total += strlen(s->pair[i].in) + strlen(s->pair[i].out) + sizeof "IN:  OUT: ";
    char **lines = xmalloc((size_t)s->n * sizeof *lines);
    char *p = *store = xmalloc(total);
    for (int i = 0; i < s->n; i++) {
        lines[i] = p;
        p += scan_pair_format(&s->pair[i], p, total - (size_t)(p - *store)) + 1;
    }
    return lines;
}

long scan_set_compare(const struct scan_set *a, const struct scan_set *b, char *msg, size_t cap) {
    char *sa, *sb;
    char **la = set_lines(a, &sa), **lb = set_lines(b, &sb);
    long d = scan_lines_compare(la, a->n, lb, b->n, msg, cap);
    free(la), free(lb), free(sa), free(sb);
    return d;
}

/* Pairs whose actions are not the interpretation of their command. */
static long count_misinterpreted(const struct scan_set *s, char *first, size_t cap) {
    long bad = 0;
    for (int i = 0; i < s->n; i++) {
        enum scan_action a[SCAN_MAX_ACTIONS];
        int n = scan_interpret(s->pair[i].in, a);
        int ok = n == s->pair[i].n_out;
        const char *p = s->pair[i].out;
        for (int k = 0; ok && k < n; k++) {
            size_t l = strlen(scan_action_names[a[k]]);
            ok = !strncmp(p, scan_action_names[a[k]], l) && (p[l] == ' ' || p[l] == 0);
            p += l + 1;
        }
        if (!ok && !bad++) snprintf(first, cap, "%.200s", s->pair[i].in);
    }
    return bad;
}

static int check_report(FILE *log, const char *what, long bad, const char *detail) {
    if (log) fprintf(log, "%s %s%s%s\n", bad ? "FAIL" : "ok  ", what, bad ? ": " : "",
                     bad ? detail : "");
    return bad != 0;
}

/* Every line interpreted correctly; returns failures (0 or 1). */
static int check_file_meaning(FILE *log, const char *rel, const struct scan_set *s) {
    char first[256] = "", what[512], detail[320];
    long bad = count_misinterpreted(s, first, sizeof first);
    snprintf(what, sizeof what, "%s (%d lines) follows the grammar", rel, s->n);
    snprintf(detail, sizeof detail, "%ld lines, first \"%s\"", bad, first);
    return check_report(log, what, bad, detail);
}

/* a = b as multisets; returns failures (0 or 1). */
static int check_same(FILE *log, const char *what, const struct scan_set *a,
                      const struct scan_set *b) {
    char msg[512];
    return check_report(log, what, scan_set_compare(a, b, msg, sizeof msg), msg);
}

int scan_check_dir(const char *dir, FILE *log) {
    int fails = 0;
    char what[512];
    struct scan_set gen, file;
    scan_set_init(&gen), scan_set_init(&file);
    scan_grammar_generate(&gen);
    scan_read_in(dir, "tasks.txt", &file);
    fails += check_file_meaning(log, "tasks.txt", &file);
    fails += check_same(log, "tasks.txt = grammar (multiset)", &gen, &file);
    scan_set_free(&file);

    for (int k = 0; k < scan_n_splits; k++) {
        const struct scan_split *sp = &scan_splits[k];
        struct scan_set ftrain, ftest, rtrain, rtest;
        scan_set_init(&ftrain), scan_set_init(&ftest);
        scan_set_init(&rtrain), scan_set_init(&rtest);
        scan_read_in(dir, sp->train_path, &ftrain);
        scan_read_in(dir, sp->test_path, &ftest);
        fails += check_file_meaning(log, sp->train_path, &ftrain);
        fails += check_file_meaning(log, sp->test_path, &ftest);
        if (sp->kind == SCAN_SPLIT_RANDOM) {
            /* not regenerable: check that it partitions the grammar */
            for (int i = 0; i < ftrain.n; i++) set_add_pair(&rtrain, &ftrain.pair[i]);
            for (int i = 0; i < ftest.n; i++) set_add_pair(&rtrain, &ftest.pair[i]);
            snprintf(what, sizeof what, "split %s: train + test = grammar (multiset)", sp->name);
            fails += check_same(log, what, &gen, &rtrain);
        } else {
            scan_split_make(sp, &gen, &rtrain, &rtest);
            snprintf(what, sizeof what, "%s = regenerated (multiset)", sp->train_path);
            fails += check_same(log, what, &rtrain, &ftrain);
            snprintf(what, sizeof what, "%s = regenerated (multiset)", sp->test_path);
            fails += check_same(log, what, &rtest, &ftest);
        }
        scan_set_free(&ftrain), scan_set_free(&ftest);
        scan_set_free(&rtrain), scan_set_free(&rtest);
    }
    scan_set_free(&gen);
    return fails;
}

/* ---- vocabulary and encoding ----------------------------------------------------------- */

/* strcmp of the token t[0..len) against the NUL-terminated s. */
static int tokcmp(const char *t, size_t len, const char *s) {
    int c = strncmp(t, s, len);
    if (c) return c;
    return s[len] ? -1 : 0;
}

void scan_vocab_build(struct scan_vocab *v, const struct scan_set *s, enum scan_side side) {
    int cap = 64;
    v->n = SCAN_N_SPECIAL;
    v->tok = xmalloc((size_t)cap * sizeof *v->tok);
    for (int k = 0; k < SCAN_N_SPECIAL; k++) v->tok[k] = xstrdup(scan_special_names[k]);
    for (int i = 0; i < s->n; i++) {
        const char *p = side == SCAN_SIDE_IN ? s->pair[i].in : s->pair[i].out;
        for (;;) {
            const char *e = strchr(p, ' ');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            int found = 0;
            for (int k = SCAN_N_SPECIAL; k < v->n && !found; k++) found = !tokcmp(p, l, v->tok[k]);
            if (!found) {
                if (v->n == cap) v->tok = xrealloc(v->tok, (size_t)(cap *= 2) * sizeof *v->tok);
                char *t = xmalloc(l + 1);
                memcpy(t, p, l);
                t[l] = 0;
                v->tok[v->n++] = t;
            }
            if (!e) break;
            p = e + 1;
        }
    }
    qsort(v->tok + SCAN_N_SPECIAL, (size_t)(v->n - SCAN_N_SPECIAL), sizeof *v->tok, cmp_str);
}

void scan_vocab_free(struct scan_vocab *v) {
    for (int k = 0; k < v->n; k++) free(v->tok[k]);
    free(v->tok);
    v->tok = NULL;
    v->n = 0;
}

int32_t scan_vocab_id(const struct scan_vocab *v, const char *tok, size_t len) {
    int lo = SCAN_N_SPECIAL, hi = v->n; /* binary search over the sorted regular tokens */
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = tokcmp(tok, len, v->tok[mid]);
        if (c == 0) return mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return SCAN_UNK;
}

int scan_encode(const struct scan_vocab *v, const char *text, int add_end, int T, int32_t *ids) {
    int n = 0;
    for (const char *p = text;;) {
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (n == T) die("SCAN sequence \"%.200s\" has more than T = %d tokens", text, T);
        ids[n++] = scan_vocab_id(v, p, l);
        if (!e) break;
        p = e + 1;
    }
    if (add_end) {
        if (n == T) die("SCAN sequence \"%.200s\" plus <end> does not fit in T = %d", text, T);
        ids[n++] = SCAN_END;
    }
    for (int t = n; t < T; t++) ids[t] = SCAN_PAD;
    return n;
}

void scan_encode_set(const struct scan_vocab *v, const struct scan_set *s, enum scan_side side,
                     int add_end, int T, int32_t *ids, int32_t *len) {
    for (int i = 0; i < s->n; i++) {
        const char *text = side == SCAN_SIDE_IN ? s->pair[i].in : s->pair[i].out;
        int n = scan_encode(v, text, add_end, T, ids + (size_t)i * (size_t)T);
        if (len) len[i] = n;
    }
}

int scan_decode(const struct scan_vocab *v, const int32_t *ids, int T, char *buf, size_t cap) {
    ASSERT(cap > 0);
    size_t k = 0;
    int n = 0;
    buf[0] = 0;
    for (int t = 0; t < T && ids[t] != SCAN_END && ids[t] != SCAN_PAD; t++) {
        ASSERT(ids[t] >= 0 && ids[t] < v->n);
        const char *s = v->tok[ids[t]];
        size_t l = strlen(s);
        ASSERT(k + (n > 0) + l < cap);
        if (n) buf[k++] = ' ';
        memcpy(buf + k, s, l + 1);
        k += l;
        n++;
    }
    return n;
}
