/* analysis.c: bitcodes, code histograms, JSD, PCA and cycle detection (see analysis.h).
 *
 * Implementation notes:
 * - Codes are hashed word by word with the splitmix64 finaliser; the set probes linearly.
 * - Sorting uses qsort over small records that carry their own key pointer and word count,
 *   since C11 qsort has no context argument.
 * - PCA centres the cloud in chunks of PCA_CHUNK rows and accumulates Xcᵀ Xc with GEMM
 *   (beta = 1), so a 10^7-row trajectory needs no centred copy. The eigenproblem goes to
 *   the Fortran LAPACK ?syevd (the Makefile links -llapack, not LAPACKE).
 * - Probabilities, norms and divergences are computed in double in both builds.
 */
#include "analysis.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- LAPACK ----------------------------------------------------------------------------
 * Fortran ?syevd, LP64. The two trailing size_t are the hidden lengths of the character
 * arguments that gfortran-compiled LAPACK expects (LAPACK_FORTRAN_STRLEN_END in lapack.h). */
extern void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
                    float *w, float *work, const int *lwork, int *iwork, const int *liwork,
                    int *info, size_t jobz_len, size_t uplo_len);
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                    double *w, double *work, const int *lwork, int *iwork, const int *liwork,
                    int *info, size_t jobz_len, size_t uplo_len);
/* SYEVD (common.h) picks ssyevd_ or dsyevd_ with the precision of `real`. */

/* ---- bitcodes ------------------------------------------------------------------------- */

void bitcode_compute(const real *z, int n, int M, int P, uint64_t *codes) {
    ASSERT(n >= 0 && P >= 0 && P <= M);
    const int W = bitcode_words(P);
    for (int t = 0; t < n; t++) {
        const real *zp = z + (size_t)t * M + (M - P);
        uint64_t *c = codes + (size_t)t * W;
        for (int w = 0; w < W; w++) c[w] = 0;
        for (int i = 0; i < P; i++)
            if (zp[i] > 0) c[i >> 6] |= (uint64_t)1 << (i & 63);
    }
}

static int code_bit(const uint64_t *code, int i) { return (int)((code[i >> 6] >> (i & 63)) & 1); }

char *bitcode_to_string(const uint64_t *code, int P, char *buf) {
    for (int i = 0; i < P; i++) buf[i] = code_bit(code, i) ? '1' : '0';
    buf[P] = 0;
    return buf;
}

void bitcode_from_string(const char *s, int P, uint64_t *code) {
    const int W = bitcode_words(P);
    if ((int)strlen(s) != P) die("bitcode \"%s\": expected %d characters 0/1", s, P);
    for (int w = 0; w < W; w++) code[w] = 0;
    for (int i = 0; i < P; i++) {
        if (s[i] == '1')
            code[i >> 6] |= (uint64_t)1 << (i & 63);
        else if (s[i] != '0')
            die("bitcode \"%s\": character %d is neither 0 nor 1", s, i);
    }
}

static int popcount64(uint64_t x) {
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    int c = 0;
    for (; x; x &= x - 1) c++;
    return c;
#endif
}

int bitcode_hamming(const uint64_t *a, const uint64_t *b, int P) {
    const int W = bitcode_words(P);
    int d = 0;
    for (int w = 0; w < W; w++) d += popcount64(a[w] ^ b[w]);
    return d;
}

void bitcode_hamming_to_ref(const uint64_t *codes, int n, const uint64_t *ref, int P, int *out) {
    const int W = bitcode_words(P);
    for (int t = 0; t < n; t++) out[t] = bitcode_hamming(codes + (size_t)t * W, ref, P);
}

/* String order: the code with a 0 at the first differing bit (lowest index) comes first. */
static int code_cmp(const uint64_t *a, const uint64_t *b, int W) {
    for (int w = 0; w < W; w++) {
        uint64_t x = a[w] ^ b[w];
        if (x) return (a[w] & (x & (~x + 1))) ? 1 : -1;
    }
    return 0;
}

/* ---- set of codes --------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t code_hash(const uint64_t *code, int W) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int w = 0; w < W; w++) h = mix64(h ^ code[w]) + (uint64_t)w;
    return h;
}

enum { SET_INITIAL_SLOTS = 64 };

void bitcode_set_init(struct bitcode_set *s, int P) {
    ASSERT(P >= 0);
    s->P = P;
    s->W = bitcode_words(P);
    s->n = 0;
    s->cap = SET_INITIAL_SLOTS / 2;
    s->codes = xmalloc((size_t)s->cap * s->W * sizeof *s->codes);
    s->n_slots = SET_INITIAL_SLOTS;
    s->slots = xmalloc((size_t)s->n_slots * sizeof *s->slots);
    for (int i = 0; i < s->n_slots; i++) s->slots[i] = -1;
}

void bitcode_set_free(struct bitcode_set *s) {
    free(s->codes);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* The slot holding code, or the empty slot where it would go. */
static int set_probe(const struct bitcode_set *s, const uint64_t *code) {
    const int W = s->W;
    const uint32_t mask = (uint32_t)s->n_slots - 1;
    uint32_t i = (uint32_t)code_hash(code, W) & mask;
    for (;;) {
        int32_t k = s->slots[i];
        if (k < 0 || memcmp(s->codes + (size_t)k * W, code, W * sizeof *code) == 0) return (int)i;
        i = (i + 1) & mask;
    }
}

static void set_grow_slots(struct bitcode_set *s) {
    ASSERT(s->n_slots <= (1 << 29));
    free(s->slots);
    s->n_slots *= 2;
    s->slots = xmalloc((size_t)s->n_slots * sizeof *s->slots);
    for (int i = 0; i < s->n_slots; i++) s->slots[i] = -1;
    for (int k = 0; k < s->n; k++) s->slots[set_probe(s, s->codes + (size_t)k * s->W)] = k;
}

int bitcode_set_find(const struct bitcode_set *s, const uint64_t *code) {
    return s->slots[set_probe(s, code)];
}

int bitcode_set_insert(struct bitcode_set *s, const uint64_t *code) {
    int i = set_probe(s, code);
    if (s->slots[i] >= 0) return s->slots[i];
    if (s->n == s->cap) {
        ASSERT(s->cap <= (1 << 29));
        s->cap *= 2;
        s->codes = xrealloc(s->codes, (size_t)s->cap * s->W * sizeof *s->codes);
    }
    const int k = s->n++;
    memcpy(s->codes + (size_t)k * s->W, code, s->W * sizeof *code);
    s->slots[i] = k;
    if (2 * s->n > s->n_slots) set_grow_slots(s);
    return k;
}

/* ---- histograms ----------------------------------------------------------------------- */

void bitcode_counter_init(struct bitcode_counter *c, int P) {
    bitcode_set_init(&c->set, P);
    c->counts = xcalloc(c->set.cap, sizeof *c->counts);
    c->total = 0;
    c->scratch = xmalloc(c->set.W * sizeof *c->scratch);
}

void bitcode_counter_free(struct bitcode_counter *c) {
    bitcode_set_free(&c->set);
    free(c->counts);
    free(c->scratch);
    memset(c, 0, sizeof *c);
}

static void counter_add(struct bitcode_counter *c, const uint64_t *code) {
    const int old_cap = c->set.cap;
    const int k = bitcode_set_insert(&c->set, code);
    if (c->set.cap != old_cap) {
        c->counts = xrealloc(c->counts, (size_t)c->set.cap * sizeof *c->counts);
        memset(c->counts + old_cap, 0, (size_t)(c->set.cap - old_cap) * sizeof *c->counts);
    }
    c->counts[k]++;
    c->total++;
}

void bitcode_counter_add_states(struct bitcode_counter *c, const real *z, int n, int M,
                                const unsigned char *select) {
    for (int t = 0; t < n; t++) {
        if (select && !select[t]) continue;
        bitcode_compute(z + (size_t)t * M, 1, M, c->set.P, c->scratch);
        counter_add(c, c->scratch);
    }
}

void bitcode_counter_add_codes(struct bitcode_counter *c, const uint64_t *codes, int n,
                               const unsigned char *select) {
    for (int t = 0; t < n; t++)
        if (!select || select[t]) counter_add(c, codes + (size_t)t * c->set.W);
}

/* A code with a sort weight; sorted by descending weight, then string order. */
struct ranked {
    double weight;
    const uint64_t *code;
    int W;
    int index; /* dense index in the set it came from */
};

static int ranked_cmp(const void *pa, const void *pb) {
    const struct ranked *a = pa, *b = pb;
    if (a->weight != b->weight) return a->weight > b->weight ? -1 : 1;
    return code_cmp(a->code, b->code, a->W);
}

/* Entries of set s ranked by weight[k]; caller frees. */
static struct ranked *rank_set(const struct bitcode_set *s, const double *weight) {
    struct ranked *r = xmalloc((size_t)s->n * sizeof *r);
    for (int k = 0; k < s->n; k++)
        r[k] = (struct ranked){weight[k], s->codes + (size_t)k * s->W, s->W, k};
    qsort(r, s->n, sizeof *r, ranked_cmp);
    return r;
}

void bitcode_counter_hist(const struct bitcode_counter *c, struct bitcode_hist *h) {
    const struct bitcode_set *s = &c->set;
    const int W = s->W, n = s->n;
    h->P = s->P, h->W = W, h->n_codes = n, h->total = c->total;
    h->codes = xmalloc((size_t)n * W * sizeof *h->codes);
    h->counts = xmalloc((size_t)n * sizeof *h->counts);
    h->freq = xmalloc((size_t)n * sizeof *h->freq);
    /* counts up to 2^53 are exact as doubles, so ranking by weight is ranking by count */
    double *weight = xmalloc((size_t)n * sizeof *weight);
    for (int k = 0; k < n; k++) weight[k] = (double)c->counts[k];
    struct ranked *r = rank_set(s, weight);
    for (int j = 0; j < n; j++) {
        memcpy(h->codes + (size_t)j * W, r[j].code, W * sizeof *h->codes);
        h->counts[j] = c->counts[r[j].index];
        h->freq[j] = (double)h->counts[j] / (double)c->total;
    }
    free(r);
    free(weight);
}

void bitcode_hist_build(struct bitcode_hist *h, const uint64_t *codes, int n, int P,
                        const unsigned char *select) {
    struct bitcode_counter c;
    bitcode_counter_init(&c, P);
    bitcode_counter_add_codes(&c, codes, n, select);
    bitcode_counter_hist(&c, h);
    bitcode_counter_free(&c);
}

void bitcode_hist_free(struct bitcode_hist *h) {
    free(h->codes);
    free(h->counts);
    free(h->freq);
    memset(h, 0, sizeof *h);
}

/* ---- alignment ------------------------------------------------------------------------ */

void bitcode_align(struct bitcode_aligned *a, const struct bitcode_hist *h, int n_dists) {
    ASSERT(n_dists >= 1);
    const int P = h[0].P, W = h[0].W;
    struct bitcode_set u;
    bitcode_set_init(&u, P);
    for (int d = 0; d < n_dists; d++) {
        ASSERT(h[d].P == P);
        for (int j = 0; j < h[d].n_codes; j++) bitcode_set_insert(&u, h[d].codes + (size_t)j * W);
    }
    const int n = u.n;
    double *mean = xcalloc(n, sizeof *mean);
    for (int d = 0; d < n_dists; d++)
        for (int j = 0; j < h[d].n_codes; j++)
            mean[bitcode_set_find(&u, h[d].codes + (size_t)j * W)] += h[d].freq[j] / n_dists;
    struct ranked *r = rank_set(&u, mean);
    int *column = xmalloc((size_t)(n ? n : 1) * sizeof *column); /* union index -> column */
    a->P = P, a->W = W, a->n_dists = n_dists, a->n_codes = n;
    a->codes = xmalloc((size_t)n * W * sizeof *a->codes);
    for (int j = 0; j < n; j++) {
        memcpy(a->codes + (size_t)j * W, r[j].code, W * sizeof *a->codes);
        column[r[j].index] = j;
    }
    a->prob = xcalloc((size_t)n_dists * n, sizeof *a->prob);
    for (int d = 0; d < n_dists; d++)
        for (int j = 0; j < h[d].n_codes; j++)
            a->prob[(size_t)d * n + column[bitcode_set_find(&u, h[d].codes + (size_t)j * W)]] =
                h[d].freq[j];
    free(column);
    free(r);
    free(mean);
    bitcode_set_free(&u);
}

void bitcode_aligned_free(struct bitcode_aligned *a) {
    free(a->codes);
    free(a->prob);
    memset(a, 0, sizeof *a);
}

/* ---- Jensen-Shannon divergence -------------------------------------------------------- */

/* Tolerance on Σp = 1: aligned rows are count/total sums, exact to ~n ulp. */
#define JSD_SUM_TOL 1e-6

double jsd_pair(const double *p, const double *q, int n) {
    double sp = 0, sq = 0, kl_p = 0, kl_q = 0;
    for (int i = 0; i < n; i++) {
        ASSERT(p[i] >= 0 && q[i] >= 0);
        sp += p[i], sq += q[i];
        const double m = 0.5 * (p[i] + q[i]);
        if (p[i] > 0) kl_p += p[i] * log(p[i] / m);
        if (q[i] > 0) kl_q += q[i] * log(q[i] / m);
    }
    ASSERT(fabs(sp - 1) < JSD_SUM_TOL && fabs(sq - 1) < JSD_SUM_TOL);
    const double j = 0.5 * (kl_p + kl_q);
    return j > 0 ? j : 0; /* rounding can leave -1e-17 for p = q */
}

void jsd_matrix(const double *prob, int n_dists, int n, double *out) {
    for (int i = 0; i < n_dists; i++) {
        out[(size_t)i * n_dists + i] = 0;
        for (int j = i + 1; j < n_dists; j++) {
            const double v = jsd_pair(prob + (size_t)i * n, prob + (size_t)j * n, n);
            out[(size_t)i * n_dists + j] = out[(size_t)j * n_dists + i] = v;
        }
    }
}

/* ---- PCA ------------------------------------------------------------------------------ */

enum { PCA_CHUNK = 4096 }; /* rows centred per GEMM */

/* Xc (rows, M) = X (rows, M) minus mean (M), row by row. */
static void center_rows(const real *X, int rows, int M, const real *mean, real *Xc) {
    for (int t = 0; t < rows; t++)
        for (int i = 0; i < M; i++) Xc[(size_t)t * M + i] = X[(size_t)t * M + i] - mean[i];
}

void pca_fit(struct pca *p, const real *X, int n, int M) {
    ASSERT(n >= 2 && M >= 1);
    p->M = M, p->n = n;
    p->mean = xmalloc((size_t)M * sizeof *p->mean);
    p->eigval = xmalloc((size_t)M * sizeof *p->eigval);
    p->ratio = xmalloc((size_t)M * sizeof *p->ratio);
    p->components = xmalloc((size_t)M * M * sizeof *p->components);

    double *acc = xcalloc(M, sizeof *acc);
    for (int t = 0; t < n; t++)
        for (int i = 0; i < M; i++) acc[i] += X[(size_t)t * M + i];
    for (int i = 0; i < M; i++) p->mean[i] = (real)(acc[i] / n);
    free(acc);

    /* S = Σ_chunks Xcᵀ Xc / (n - 1), (M, M) */
    real *S = xcalloc((size_t)M * M, sizeof *S);
    const int chunk = n < PCA_CHUNK ? n : PCA_CHUNK;
    real *Xc = xmalloc((size_t)chunk * M * sizeof *Xc); /* (chunk, M) */
    for (int t0 = 0; t0 < n; t0 += chunk) {
        const int rows = n - t0 < chunk ? n - t0 : chunk;
        center_rows(X + (size_t)t0 * M, rows, M, p->mean, Xc);
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, M, M, rows, (real)1 / (real)(n - 1), Xc, M,
             Xc, M, 1, S, M);
    }
    free(Xc);

    /* S is symmetric, so row- and column-major agree; syevd returns ascending eigenvalues
     * with eigenvector j in Fortran column j, which is row j of the row-major buffer. */
    real *w = xmalloc((size_t)M * sizeof *w);
    int info = 0, lwork = -1, liwork = -1, iwork_q = 0;
    real work_q = 0;
    SYEVD("V", "U", &M, S, &M, w, &work_q, &lwork, &iwork_q, &liwork, &info, 1, 1);
    if (info != 0) die("pca: ?syevd workspace query failed (info %d)", info);
    lwork = (int)work_q;
    liwork = iwork_q;
    real *work = xmalloc((size_t)lwork * sizeof *work);
    int *iwork = xmalloc((size_t)liwork * sizeof *iwork);
    SYEVD("V", "U", &M, S, &M, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    free(work);
    free(iwork);
    /* info > 0 is a convergence failure of LAPACK on finite data: a numerical dead end that
     * a NaN-free covariance should never reach, so treat it as a broken invariant. */
    ASSERT(info == 0);

    double total = 0;
    for (int j = 0; j < M; j++) {
        const int src = M - 1 - j;
        p->eigval[j] = w[src] > 0 ? w[src] : 0;
        total += p->eigval[j];
        const real *v = S + (size_t)src * M;
        int imax = 0;
        for (int i = 1; i < M; i++)
            if (fabs((double)v[i]) > fabs((double)v[imax])) imax = i;
        const real sign = v[imax] < 0 ? -1 : 1;
        for (int i = 0; i < M; i++) p->components[(size_t)j * M + i] = sign * v[i];
    }
    for (int j = 0; j < M; j++) p->ratio[j] = total > 0 ? (real)(p->eigval[j] / total) : 0;
    free(w);
    free(S);
}

void pca_project(const struct pca *p, const real *X, int n, int k, real *Y) {
    const int M = p->M;
    ASSERT(k >= 1 && k <= M && n >= 0);
    if (n == 0) return;
    const int chunk = n < PCA_CHUNK ? n : PCA_CHUNK;
    real *Xc = xmalloc((size_t)chunk * M * sizeof *Xc); /* (chunk, M) */
    for (int t0 = 0; t0 < n; t0 += chunk) {
        const int rows = n - t0 < chunk ? n - t0 : chunk;
        center_rows(X + (size_t)t0 * M, rows, M, p->mean, Xc);
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, rows, k, M, 1, Xc, M, p->components, M, 0,
             Y + (size_t)t0 * k, k);
    }
    free(Xc);
}

void pca_free(struct pca *p) {
    free(p->mean);
    free(p->eigval);
    free(p->ratio);
    free(p->components);
    memset(p, 0, sizeof *p);
}

/* ---- cycles --------------------------------------------------------------------------- */

struct cycle_params cycle_default_params(void) {
    return (struct cycle_params){.max_period = 1000, .window = 0, .tol = 1e-5};
}

static double norm2(const real *a, int M) {
    double s = 0;
    for (int i = 0; i < M; i++) s += (double)a[i] * a[i];
    return sqrt(s);
}

/* ||z_t - z_{t-k}|| <= tol (1 + ||z_t||) */
static int cycle_matches(const real *z, int M, int t, int k, double tol) {
    const real *a = z + (size_t)t * M, *b = z + (size_t)(t - k) * M;
    double d = 0;
    for (int i = 0; i < M; i++) {
        const double e = (double)a[i] - b[i];
        d += e * e;
    }
    return sqrt(d) <= tol * (1 + norm2(a, M));
}

void cycle_find(struct cycle_result *r, const real *z, int n_steps, int M, int P,
                const struct cycle_params *prm) {
    ASSERT(prm->max_period >= 1 && prm->window >= 0 && prm->tol >= 0 && P >= 0 && P <= M);
    memset(r, 0, sizeof *r);
    r->P = P, r->W = bitcode_words(P), r->settle = -1;

    for (int k = 1; k <= prm->max_period; k++) {
        int w = prm->window > 0 ? prm->window : 2 * k;
        if (w < k) w = k;
        if (k + w > n_steps) break; /* larger k needs even more steps */
        int ok = 1;
        for (int t = n_steps - 1; t >= n_steps - w && ok; t--)
            ok = cycle_matches(z, M, t, k, prm->tol);
        if (!ok) continue;

        int t = n_steps - w - 1;
        while (t >= k && cycle_matches(z, M, t, k, prm->tol)) t--;
        r->period = k;
        r->settle = t + 1 - k;
        r->codes = xmalloc((size_t)k * r->W * sizeof *r->codes);
        bitcode_compute(z + (size_t)(n_steps - k) * M, k, M, P, r->codes);
        struct bitcode_set s;
        bitcode_set_init(&s, P);
        for (int j = 0; j < k; j++) bitcode_set_insert(&s, r->codes + (size_t)j * r->W);
        r->n_distinct = s.n;
        bitcode_set_free(&s);
        return;
    }
}

void cycle_result_free(struct cycle_result *r) {
    free(r->codes);
    memset(r, 0, sizeof *r);
}
