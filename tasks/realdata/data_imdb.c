/* data_imdb.c: TSV reader, tokenizer, vocabulary (hash-table counting), encoder, GloVe. */
#define _POSIX_C_SOURCE 200809L
#include "data_imdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- TSV reader */

/* A field of decimal digits only, in [lo, hi]; returns -1 otherwise. */
static long parse_field(const char *s, size_t len, long lo, long hi) {
    if (len == 0 || len > 9) return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = 10 * v + (s[i] - '0');
    }
    return v < lo || v > hi ? -1 : v;
}

void imdb_read_tsv(struct imdb_split *s, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open: %s", path, strerror(errno));
    memset(s, 0, sizeof *s);
    size_t cap = 0, lineno = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, f)) != -1) {
        lineno++;
        if (len == 0 || line[len - 1] != '\n')
            die("%s:%zu: the last line has no newline: the file is truncated", path, lineno);
        line[--len] = 0;
        if ((size_t)len != strlen(line)) die("%s:%zu: NUL byte inside the line", path, lineno);
        /* label, rating, id: the first three TAB-terminated fields; the rest is the text. */
        const char *field[3];
        size_t flen[3];
        char *p = line;
        for (int k = 0; k < 3; k++) {
            char *tab = strchr(p, '\t');
            if (!tab)
                die("%s:%zu: malformed line: %d TAB%s, need 3 (label, rating, id, text)", path,
                    lineno, k, k == 1 ? "" : "s");
            field[k] = p;
            flen[k] = (size_t)(tab - p);
            p = tab + 1;
        }
        long label = parse_field(field[0], flen[0], 0, 1);
        long rating = parse_field(field[1], flen[1], 1, 10);
        long id = parse_field(field[2], flen[2], 0, INT32_MAX);
        if (label < 0)
            die("%s:%zu: label '%.*s' is not 0 or 1", path, lineno,
                (int)(flen[0] > 20 ? 20 : flen[0]), field[0]);
        if (rating < 0)
            die("%s:%zu: rating '%.*s' is not an integer in 1..10", path, lineno,
                (int)(flen[1] > 20 ? 20 : flen[1]), field[1]);
        if (id < 0)
            die("%s:%zu: id '%.*s' is not a non-negative integer", path, lineno,
                (int)(flen[2] > 20 ? 20 : flen[2]), field[2]);
        if (s->n == cap) {
            cap = cap ? 2 * cap : 1024;
            s->label = xrealloc(s->label, cap * sizeof *s->label);
            s->rating = xrealloc(s->rating, cap * sizeof *s->rating);
            s->id = xrealloc(s->id, cap * sizeof *s->id);
            s->text = xrealloc(s->text, cap * sizeof *s->text);
        }
        s->label[s->n] = (uint8_t)label;
        s->rating[s->n] = (uint8_t)rating;
        s->id[s->n] = (int32_t)id;
        s->text[s->n] = xstrdup(p);
        s->n++;
    }
    if (ferror(f)) die("%s: read error: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (s->n == 0) die("%s: no reviews", path);
}

void imdb_split_free(struct imdb_split *s) {
    for (size_t i = 0; i < s->n; i++) free(s->text[i]);
    free(s->label);
    free(s->rating);
    free(s->id);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- tokenizer */

/* Length of a well-formed UTF-8 sequence at p (2..4) and its code point, or 0. */
static int utf8_decode(const unsigned char *p, uint32_t *cp) {
    int n;
    uint32_t c;
    if (p[0] >= 0xC2 && p[0] <= 0xDF) n = 2, c = p[0] & 0x1F;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF) n = 3, c = p[0] & 0x0F;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4) n = 4, c = p[0] & 0x07;
    else return 0;
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0; /* also stops at the terminating NUL */
        c = c << 6 | (p[i] & 0x3F);
    }
    *cp = c;
    return n;
}

/* Python's str.isspace() beyond ASCII. */
static int unicode_space(uint32_t c) {
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* ASCII characters Python's \s matches: \t \n \v \f \r, \x1c..\x1f and space. */
static int ascii_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
}

/* Normalise text into out (capacity strlen(text) + 1; the result is never longer): the
 * kept characters [a-z0-9], every separator as one ' ' (runs are not collapsed). */
static size_t imdb_normalize(const char *text, char *out) {
    const unsigned char *p = (const unsigned char *)text;
    size_t o = 0;
    while (*p) {
        unsigned char c = *p;
        if (c == '<' && (p[1] | 0x20) == 'b' && (p[2] | 0x20) == 'r' && p[3] == ' ' &&
            p[4] == '/' && p[5] == '>') {
            out[o++] = ' ';
            p += 6;
        } else if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') out[o++] = (char)(c + ('a' - 'A'));
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out[o++] = (char)c;
            else if (ascii_space(c)) out[o++] = ' ';
            p++;
        } else {
            uint32_t cp;
            int n = utf8_decode(p, &cp);
            if (!n) {
                p++; /* a stray byte: not a character Python would keep */
                continue;
            }
            if (unicode_space(cp)) out[o++] = ' ';
            else if (cp == 0x130) out[o++] = 'i';  /* 'İ'.lower() = "i" + U+0307 */
            else if (cp == 0x212A) out[o++] = 'k'; /* Kelvin sign */
            p += n;
        }
    }
    out[o] = 0;
    return o;
}

/* Next token of a normalised buffer starting at *pos: returns its start and length, or
 * NULL at the end. */
static const char *next_token(const char *buf, size_t *pos, size_t *len) {
    size_t i = *pos;
    while (buf[i] == ' ') i++;
    if (!buf[i]) return NULL;
    size_t start = i;
    while (buf[i] && buf[i] != ' ') i++;
    *len = i - start;
    *pos = i;
    return buf + start;
}

void imdb_tokenize(struct imdb_tokens *t, const char *text) {
    t->buf = xmalloc(strlen(text) + 1);
    imdb_normalize(text, t->buf);
    size_t cap = 16, pos = 0, len;
    const char *w;
    t->n = 0;
    t->tok = xmalloc(cap * sizeof *t->tok);
    while ((w = next_token(t->buf, &pos, &len))) {
        if (t->n == cap) t->tok = xrealloc(t->tok, (cap *= 2) * sizeof *t->tok);
        t->tok[t->n++] = (char *)w;
        if (t->buf[pos]) t->buf[pos++] = 0;
    }
}

void imdb_tokens_free(struct imdb_tokens *t) {
    free(t->tok);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- counting table */

static uint64_t fnv1a(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* Distinct words with counts: open addressing over slots holding an entry index; the
 * words live NUL-terminated in one pool, addressed by offset so the pool can grow. */
struct word_count_table {
    size_t cap;     /* slots, power of two */
    int64_t *slot;  /* (cap) entry index or -1 */
    size_t n, ecap; /* entries used / allocated */
    size_t *off;    /* (n) word offset into pool */
    uint32_t *wlen; /* (n) word length */
    int64_t *count; /* (n) */
    char *pool;
    size_t pool_len, pool_cap;
};

static void wct_init(struct word_count_table *t) {
    memset(t, 0, sizeof *t);
    t->cap = 1 << 16;
    t->slot = xmalloc(t->cap * sizeof *t->slot);
    for (size_t i = 0; i < t->cap; i++) t->slot[i] = -1;
}

static void wct_free(struct word_count_table *t) {
    free(t->slot);
    free(t->off);
    free(t->wlen);
    free(t->count);
    free(t->pool);
}

static void wct_grow(struct word_count_table *t) {
    size_t cap = t->cap * 2;
    int64_t *slot = xmalloc(cap * sizeof *slot);
    for (size_t i = 0; i < cap; i++) slot[i] = -1;
    for (size_t e = 0; e < t->n; e++) {
        size_t i = fnv1a(t->pool + t->off[e], t->wlen[e]) & (cap - 1);
        while (slot[i] >= 0) i = (i + 1) & (cap - 1);
        slot[i] = (int64_t)e;
    }
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
}

static void wct_add(struct word_count_table *t, const char *w, size_t len) {
    size_t i = fnv1a(w, len) & (t->cap - 1);
    for (; t->slot[i] >= 0; i = (i + 1) & (t->cap - 1)) {
        size_t e = (size_t)t->slot[i];
        if (t->wlen[e] == len && memcmp(t->pool + t->off[e], w, len) == 0) {
            t->count[e]++;
            return;
        }
    }
    if (t->n == t->ecap) {
        t->ecap = t->ecap ? 2 * t->ecap : 4096;
        t->off = xrealloc(t->off, t->ecap * sizeof *t->off);
        t->wlen = xrealloc(t->wlen, t->ecap * sizeof *t->wlen);
        t->count = xrealloc(t->count, t->ecap * sizeof *t->count);
    }
    while (t->pool_len + len + 1 > t->pool_cap) {
        t->pool_cap = t->pool_cap ? 2 * t->pool_cap : 1 << 16;
        t->pool = xrealloc(t->pool, t->pool_cap);
    }
    memcpy(t->pool + t->pool_len, w, len);
    t->pool[t->pool_len + len] = 0;
    ASSERT(len <= UINT32_MAX);
    t->off[t->n] = t->pool_len;
    t->wlen[t->n] = (uint32_t)len;
    t->count[t->n] = 1;
    t->slot[i] = (int64_t)t->n;
    t->pool_len += len + 1;
    t->n++;
    if (2 * t->n > t->cap) wct_grow(t); /* load factor <= 1/2 */
}

/* ---------------------------------------------------------------- vocabulary */

static const struct word_count_table *sort_table; /* qsort has no context argument in C11 */

/* Count descending, then word ascending (byte order): a total order, so ties are
 * resolved the same way on every machine. */
static int cmp_rank(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int64_t cx = sort_table->count[x], cy = sort_table->count[y];
    if (cx != cy) return cx > cy ? -1 : 1;
    return strcmp(sort_table->pool + sort_table->off[x], sort_table->pool + sort_table->off[y]);
}

static int32_t vocab_find(const struct imdb_vocab *v, const char *w, size_t len) {
    for (size_t i = fnv1a(w, len) & (v->cap - 1); v->slot[i] >= 0; i = (i + 1) & (v->cap - 1)) {
        const char *cand = v->word[v->slot[i]];
        if (strncmp(cand, w, len) == 0 && cand[len] == 0) return v->slot[i];
    }
    return -1;
}

void imdb_vocab_build(struct imdb_vocab *v, const char *const *texts, size_t n_texts,
                      size_t max_words) {
    ASSERT(max_words < INT32_MAX - 2);
    struct word_count_table t;
    wct_init(&t);
    char *buf = NULL;
    size_t buf_cap = 0;
    for (size_t k = 0; k < n_texts; k++) {
        size_t need = strlen(texts[k]) + 1;
        if (need > buf_cap) buf = xrealloc(buf, buf_cap = 2 * need);
        imdb_normalize(texts[k], buf);
        size_t pos = 0, len;
        const char *w;
        while ((w = next_token(buf, &pos, &len))) wct_add(&t, w, len);
    }
    free(buf);

    size_t *order = xmalloc((t.n ? t.n : 1) * sizeof *order);
    for (size_t e = 0; e < t.n; e++) order[e] = e;
    sort_table = &t;
    qsort(order, t.n, sizeof *order, cmp_rank);
    sort_table = NULL;

    size_t keep = t.n < max_words ? t.n : max_words;
    v->n = keep + 2;
    v->word = xmalloc(v->n * sizeof *v->word);
    v->count = xcalloc(v->n, sizeof *v->count);
    v->word[IMDB_PAD] = xstrdup(IMDB_PAD_WORD);
    v->word[IMDB_UNK] = xstrdup(IMDB_UNK_WORD);
    for (size_t r = 0; r < keep; r++) {
        v->word[r + 2] = xstrdup(t.pool + t.off[order[r]]);
        v->count[r + 2] = t.count[order[r]];
    }
    free(order);
    wct_free(&t);

    v->cap = 16;
    while (v->cap < 2 * v->n) v->cap *= 2;
    v->slot = xmalloc(v->cap * sizeof *v->slot);
    for (size_t i = 0; i < v->cap; i++) v->slot[i] = -1;
    for (size_t id = 0; id < v->n; id++) {
        size_t i = fnv1a(v->word[id], strlen(v->word[id])) & (v->cap - 1);
        while (v->slot[i] >= 0) i = (i + 1) & (v->cap - 1);
        v->slot[i] = (int32_t)id;
    }
}

int32_t imdb_vocab_id(const struct imdb_vocab *v, const char *word) {
    int32_t id = vocab_find(v, word, strlen(word));
    return id < 0 ? IMDB_UNK : id;
}

void imdb_vocab_free(struct imdb_vocab *v) {
    for (size_t i = 0; i < v->n; i++) free(v->word[i]);
    free(v->word);
    free(v->count);
    free(v->slot);
    memset(v, 0, sizeof *v);
}

size_t imdb_encode(const struct imdb_vocab *v, const char *text, int32_t *ids, size_t L) {
    char *buf = xmalloc(strlen(text) + 1);
    imdb_normalize(text, buf);
    size_t pos = 0, len, n = 0;
    const char *w;
    while ((w = next_token(buf, &pos, &len))) {
        if (n < L) {
            int32_t id = vocab_find(v, w, len);
            ids[n] = id < 0 ? IMDB_UNK : id;
        }
        n++;
    }
    for (size_t t = n; t < L; t++) ids[t] = IMDB_PAD;
    free(buf);
    return n;
}

/* ---------------------------------------------------------------- GloVe */

/* Parse exactly d numbers separated by single spaces from s into row; 0 on any mismatch. */
static int glove_parse_row(const char *s, int d, real *row) {
    for (int j = 0; j < d; j++) {
        if (*s != ' ') return 0;
        s++;
        char *end;
        errno = 0;
        double x = strtod(s, &end);
        if (end == s || errno == ERANGE) return 0;
        row[j] = (real)x;
        s = end;
    }
    while (*s == ' ' || *s == '\r' || *s == '\n') s++; /* tolerate trailing blanks */
    return *s == 0;
}

size_t glove_read(const char *path, const struct imdb_vocab *v, int d, real *emb, uint8_t *found) {
    ASSERT(d > 0);
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: cannot open GloVe file: %s", path, strerror(errno));
    memset(found, 0, v->n);
    real *scratch = xmalloc((size_t)d * sizeof *scratch);
    char *line = NULL;
    size_t line_cap = 0, lineno = 0, n_found = 0;
    while (getline(&line, &line_cap, f) != -1) {
        lineno++;
        char *sp = strchr(line, ' ');
        if (!sp || sp == line) die("%s:%zu: expected a word and %d numbers", path, lineno, d);
        int32_t id = vocab_find(v, line, (size_t)(sp - line));
        if (id < 0 && lineno > 1) continue;
        real *row = id >= 0 && !found[id] ? emb + (size_t)id * d : scratch;
        if (!glove_parse_row(sp, d, row))
            die("%s:%zu: expected the word '%.*s' followed by exactly %d numbers", path, lineno,
                (int)(sp - line > 40 ? 40 : sp - line), line, d);
        if (id >= 0 && !found[id]) {
            found[id] = 1;
            n_found++;
        }
    }
    if (ferror(f)) die("%s: read error: %s", path, strerror(errno));
    if (lineno == 0) die("%s: empty GloVe file", path);
    free(line);
    free(scratch);
    fclose(f);
    return n_found;
}
