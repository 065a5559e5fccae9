/* analyze.c: `bin/alrnn analyze RUN.h5`, the dynamics of a trained AL-RNN under constant input.
 *
 * Reads the kept model (/model/A, W, C, h) and the stored test trajectories (/test/sample/z)
 * of a run file, holds the input at s (zero, the mean stored input, or given values) and
 * reports, with core/dynamics.h (PAPER.md §1.1, §1.3, §4):
 *   - first, that the double-precision map is the trained model: it replays the stored test
 *     trajectories with their own inputs (max relative one-step residual, attribute
 *     replay_residual; a warning above 1e-4, which a wrong form would give);
 *   - the subregions the stored trajectories visit, with frequencies;
 *   - per subregion (every one of the 2^P when 2^P <= EXHAUSTIVE_REGIONS, else the visited
 *     ones and those the iterated map reaches): W_Ω's eigenvalues, the fixed point
 *     z* = (I - W_Ω)^{-1}(h + C s), real or virtual, its stability;
 *   - k-cycles, k = 1..K, from four sources of candidate code sequences: every sequence when
 *     (2^P)^k <= EXHAUSTIVE_SEQS (exhaustive), windows of the stored trajectories, the tails
 *     of the map iterated from the stored states, and random SCYFI starts (Eisenmann et al.
 *     2023; half drawn from the codes seen, half rotation words 1[frac(φ_i + m j/k) < ρ_i],
 *     the codes a rotation by 2πm/k produces crossing the boundaries), and every block word
 *     a^n b^(k-n) of the two most visited codes a, b (all k-cycles of a rotation that crosses
 *     one boundary twice per turn have this form; all k-1 splits for P <= BLOCK_ALL_P, else
 *     `tries` of them).
 *     --min-cycle K0 restricts the search to K0 <= k <= K. Each found cycle is
 *     verified on the map (dynamics.h) and kept once (code sequences up to rotation);
 *   - the transition graph between subregions, counted along the stored trajectories and along
 *     the iterated map.
 *
 * Output (each written under a temporary name and renamed when complete):
 *   FILE (default RUN with .h5 -> .analysis.h5), HDF5:
 *     / attrs run_file, input, M, P, N, a0, form, min_cycle, max_cycle, tries, seed, close_tol,
 *             replay_residual (-1: the stored inputs do not enter C directly, not checked)
 *     /input/s (N), /input/c (M)           the input held constant, c = h + C s
 *     /visited/{codes (n, P) u8, counts, freq}, /visited/total
 *     /subregions/{codes, visited_freq, eig_re, eig_im (n, M), fixed_point (n, M), solvable,
 *                  real, stability, rho, closure, margin}  attr exhaustive, n_possible
 *     /cycles/{k, start (n), codes (Σk, P), z (Σk, M), mult_re, mult_im (n, M), stability,
 *              rho, closure, margin, family, source}
 *     /cycles/coverage (K, 9) i32: k, exhaustive, candidates from trajectories, iterated
 *              map, random, exhaustive enumeration, block words, linear solves, cycles found
 *     /autonomous/{period, diverged, final_norm} per iterated start
 *     /graph/{codes (n, P), traj_visits, auto_visits, edges (e, 2), traj_count, auto_count}
 *     /trajectories/switches (n, 4) i32: sequence, step t, from node, to node of every
 *              subregion switch on the stored trajectories; switch_input (n, N) the input
 *              x_{t-1} that caused it (the switch times of claim C2, addition's marks)
 *   FILE with .h5 -> .dot   the graph in Graphviz DOT (all nodes and edges)
 *   FILE with .h5 -> _graph_nodes.tsv, _graph_edges.tsv, and the figure _graph.png drawn by
 *        plots/transitions.gp (the GRAPH_TOP most visited subregions on a circle) when gnuplot
 *        is on PATH.
 * A short summary goes to stdout. Bad input (no model, a malformed --input, input sizes that do
 * not match C) dies with one line before any file is written.
 */
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "analysis.h"
#include "dynamics.h"
#include "experiments.h"
#include "h5io.h"
#include "rng.h"

extern char **environ;

enum {
    EXHAUSTIVE_REGIONS = 4096, /* 2^P up to which every subregion's fixed point is solved */
    EXHAUSTIVE_SEQS = 4096,    /* (2^P)^k up to which every code sequence of period k is tried */
    TRAJ_WINDOWS = 4,          /* trajectory windows tried per k */
    TAIL_STARTS = 4,           /* iterated runs without a period whose tails are tried, every k */
    AUTO_STARTS_MAX = 48,      /* iterated starts from stored states (3 per sequence) */
    AUTO_RANDOM = 16,          /* plus random starts */
    AUTO_TRANSIENT = 2000,     /* steps before the tail is read */
    SCYFI_ITER = 8,            /* SCYFI solves per start at most */
    GRAPH_TOP = 16,            /* nodes drawn in the figure */
    BLOCK_ALL_P = 2,           /* up to this P every block word a^n b^(k-n) is tried */
};
/* An iterated state beyond this norm has diverged (the map is affine per region, so growth
 * past it is exponential). */
static const double diverge_norm = 1e12;
/* The stored float32 states follow the double-precision map to about 1e-6 relative; a wrong
 * model form (A on the wrong units, C transposed) misses by O(1). */
static const double replay_tol = 1e-4;
/* Tail of an iterated run counted as periodic when it repeats to this (relative) tolerance. */
static const double period_tol = 1e-9;

enum { SRC_TRAJ, SRC_ITER, SRC_RANDOM, SRC_EXHAUSTIVE, SRC_BLOCK, SRC__COUNT };
static const char *const src_names[SRC__COUNT] = {"trajectory", "iterated map", "random",
                                                   "exhaustive", "block word"};

struct found {
    int k, source;
    struct dyn_cycle c;
    uint64_t *canon; /* (k, CW) */
};

struct analyze_opts {
    const char *run, *input, *out;
    int K0, K, tries; /* cycles searched for K0 <= k <= K */
    uint64_t seed;
};

/* ---- reading the run file ----------------------------------------------------------------- */

struct run_model {
    int M, P, N, a0;
    char form[16];
    double *A, *W, *C, *h; /* (M - a0), (M, M), (M, N), (M) */
    int S, T1;             /* stored sequences, states per sequence (T + 1) */
    double *z;             /* (S, T1, M) or NULL */
    int Tx, Nx;
    double *x; /* (S, Tx, Nx) stored inputs, or NULL */
};

static void read_model(const char *path, struct run_model *r) {
    memset(r, 0, sizeof *r);
    struct h5file f;
    h5_open_read(&f, path);
    if (h5_exists(&f, "/model/enc/W"))
        die("%s holds an encoder-decoder (/model/enc, /model/dec); analyze takes a run file "
            "with one AL-RNN in /model", path);
    if (!h5_exists(&f, "/model/W"))
        die("%s holds no AL-RNN model (/model/W is missing); analyze reads run files written by "
            "bin/alrnn run", path);
    size_t n, d[4];
    int rank;
    r->W = h5_read_f64(&f, "/model/W", &n, &rank, d);
    if (rank != 2 || d[0] != d[1] || d[0] == 0) die("%s: /model/W is not a square matrix", path);
    r->M = (int)d[0];
    r->A = h5_read_f64(&f, "/model/A", &n, &rank, d);
    const int nA = (int)n;
    r->h = h5_read_f64(&f, "/model/h", &n, &rank, d);
    if ((int)n != r->M) die("%s: /model/h has %zu entries, W has M = %d rows", path, n, r->M);
    r->C = h5_read_f64(&f, "/model/C", &n, &rank, d);
    if (rank != 2 || (int)d[0] != r->M) die("%s: /model/C is not an (M, N) matrix", path);
    r->N = (int)d[1];
    r->P = (int)h5_read_attr_int(&f, "/", "P");
    if (r->P < 0 || r->P > r->M) die("%s: P = %d is out of range for M = %d", path, r->P, r->M);
    char *form = h5_exists(&f, "/config") ? h5_read_attr_str(&f, "/config", "form") : NULL;
    snprintf(r->form, sizeof r->form, "%s", form ? form : (nA == r->M ? "dsr" : "seq"));
    free(form);
    /* PAPER.md §1.2/§1.3: A acts on the P ReLU units (seq) or on all M (dsr) */
    const int want = !strcmp(r->form, "dsr") ? r->M : r->P;
    if (nA != want)
        die("%s: /model/A has %d entries but form '%s' with M = %d, P = %d needs %d", path, nA,
            r->form, r->M, r->P, want);
    r->a0 = r->M - nA;
    if (h5_exists(&f, "/test/sample/z")) {
        r->z = h5_read_f64(&f, "/test/sample/z", &n, &rank, d);
        if (rank != 3 || (int)d[2] != r->M) die("%s: /test/sample/z is not (S, T+1, M)", path);
        r->S = (int)d[0], r->T1 = (int)d[1];
    }
    if (h5_exists(&f, "/test/sample/x")) {
        r->x = h5_read_f64(&f, "/test/sample/x", &n, &rank, d);
        if (rank == 3) r->Tx = (int)d[1], r->Nx = (int)d[2];
        else free(r->x), r->x = NULL;
    }
    h5_close(&f);
}

static void run_model_free(struct run_model *r) {
    free(r->A);
    free(r->W);
    free(r->C);
    free(r->h);
    free(r->z);
    free(r->x);
}

/* The constant input s (N): "zero", "mean" (of the stored inputs) or N comma-separated values. */
static double *parse_input(const struct run_model *r, const char *spec, const char *path) {
    const int N = r->N;
    double *s = xcalloc((size_t)N, sizeof(double));
    if (!strcmp(spec, "zero")) return s;
    if (!strcmp(spec, "mean")) {
        if (!r->x) die("--input mean: %s stores no inputs (/test/sample/x)", path);
        if (r->Nx != N)
            die("--input mean: the stored inputs have %d channels but C has N = %d columns (a "
                "model with an encoder); give --input with %d values", r->Nx, N, N);
        const size_t rows = (size_t)r->S * r->Tx;
        for (size_t t = 0; t < rows; t++)
            for (int c = 0; c < N; c++) s[c] += r->x[t * N + c] / (double)rows;
        return s;
    }
    char *copy = xstrdup(spec), *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n >= N) die("--input has more than N = %d values (the model's input size)", N);
        s[n++] = parse_double(tok, "--input value");
    }
    free(copy);
    if (n != N) die("--input has %d value%s but the model has N = %d inputs", n, n == 1 ? "" : "s", N);
    return s;
}

/* ---- small containers ---------------------------------------------------------------------- */

/* Edge counts between node indices: a map (from, to) -> (traj, auto) by linear probing. */
struct edges {
    int n, cap;
    int64_t *key;          /* (cap) from << 32 | to, -1 empty */
    int64_t *traj, *autom; /* (cap) */
};

static void edges_init(struct edges *e) {
    e->n = 0, e->cap = 1024;
    e->key = xmalloc((size_t)e->cap * sizeof(int64_t));
    e->traj = xcalloc((size_t)e->cap, sizeof(int64_t));
    e->autom = xcalloc((size_t)e->cap, sizeof(int64_t));
    for (int i = 0; i < e->cap; i++) e->key[i] = -1;
}

/* Slot of key k, inserting it when new (the table stays at most half full). */
static int edges_slot(struct edges *e, int64_t k) {
    if (2 * (e->n + 1) > e->cap) {
        struct edges o = *e;
        e->cap *= 2, e->n = 0;
        e->key = xmalloc((size_t)e->cap * sizeof(int64_t));
        e->traj = xcalloc((size_t)e->cap, sizeof(int64_t));
        e->autom = xcalloc((size_t)e->cap, sizeof(int64_t));
        for (int i = 0; i < e->cap; i++) e->key[i] = -1;
        for (int i = 0; i < o.cap; i++)
            if (o.key[i] >= 0) {
                const int j = edges_slot(e, o.key[i]);
                e->traj[j] = o.traj[i], e->autom[j] = o.autom[i];
            }
        free(o.key);
        free(o.traj);
        free(o.autom);
    }
    int i = (int)(((uint64_t)k * 0x9E3779B97F4A7C15ull) >> 40) & (e->cap - 1);
    while (e->key[i] >= 0 && e->key[i] != k) i = (i + 1) & (e->cap - 1);
    if (e->key[i] < 0) e->key[i] = k, e->n++;
    return i;
}

static void edges_add(struct edges *e, int from, int to, int is_auto) {
    const int i = edges_slot(e, (int64_t)from << 32 | to);
    if (is_auto) e->autom[i]++;
    else e->traj[i]++;
}

/* Every code seen, with its visits on the stored trajectories and on the iterated map. */
struct nodes {
    struct bitcode_set set;
    int64_t *traj, *autom; /* (cap) */
    int cap;
};

static int node_add(struct nodes *nd, const uint64_t *code, int is_auto) {
    const int id = bitcode_set_insert(&nd->set, code);
    if (id >= nd->cap) {
        const int nc = 2 * (id + 1);
        nd->traj = xrealloc(nd->traj, (size_t)nc * sizeof(int64_t));
        nd->autom = xrealloc(nd->autom, (size_t)nc * sizeof(int64_t));
        for (int q = nd->cap; q < nc; q++) nd->traj[q] = nd->autom[q] = 0;
        nd->cap = nc;
    }
    if (is_auto) nd->autom[id]++;
    else nd->traj[id]++;
    return id;
}

static int norm_ok(const double *z, int M) { /* finite and below diverge_norm */
    double s = 0;
    for (int i = 0; i < M; i++) s += z[i] * z[i];
    return isfinite(s) && sqrt(s) < diverge_norm;
}

static void edges_free(struct edges *e) {
    free(e->key);
    free(e->traj);
    free(e->autom);
}

/* Hashes of canonical code sequences already tried at one k (a set; collisions only make the
 * search skip a candidate, never report a wrong cycle). */
struct hset {
    int n, cap;
    uint64_t *v; /* 0 = empty */
};
static int hset_insert(struct hset *s, uint64_t h) { /* 1 if new */
    if (!h) h = 1;
    if (2 * (s->n + 1) > s->cap) {
        struct hset o = *s;
        s->cap = s->cap ? 2 * s->cap : 256, s->n = 0;
        s->v = xcalloc((size_t)s->cap, sizeof(uint64_t));
        for (int i = 0; i < o.cap; i++)
            if (o.v[i]) hset_insert(s, o.v[i]);
        free(o.v);
    }
    int i = (int)((h * 0x9E3779B97F4A7C15ull) >> 40) & (s->cap - 1);
    while (s->v[i] && s->v[i] != h) i = (i + 1) & (s->cap - 1);
    if (s->v[i]) return 0;
    s->v[i] = h, s->n++;
    return 1;
}

static uint64_t hash_words(const uint64_t *w, size_t n) { /* FNV-1a over the words */
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= w[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    return h;
}

/* ---- the search ------------------------------------------------------------------------------ */

enum { COV_K, COV_EXH, COV_TRAJ, COV_ITER, COV_RANDOM, COV_ENUM, COV_BLOCK, COV_SOLVES, COV_FOUND,
       COV__COUNT };

struct search {
    const struct dyn_map *f;
    struct dyn_work w;
    int K, CW;
    struct hset *tried;         /* (K + 1) per k */
    int32_t (*cov)[COV__COUNT]; /* (K + 1) coverage rows */
    struct found *found;
    int n_found, cap_found;
    uint64_t *canon;            /* (K, CW) scratch */
};


/* Try one candidate sequence of period k from `source`; deduplicated per k up to rotation. */
static void search_try(struct search *s, const uint64_t *codes, int k, const double *zref,
                       int source, int max_iter) {
    const int CW = s->CW;
    dyn_codes_canonical(codes, k, CW, s->canon);
    if (!hset_insert(&s->tried[k], hash_words(s->canon, (size_t)k * CW))) return;
    static const int col[SRC__COUNT] = {COV_TRAJ, COV_ITER, COV_RANDOM, COV_ENUM, COV_BLOCK};
    s->cov[k][col[source]]++;
    struct dyn_cycle c;
    dyn_cycle_init(&c, s->f, k);
    int solves = 0;
    const int ok = dyn_cycle_try(s->f, &s->w, codes, k, zref, max_iter, &c, &solves);
    s->cov[k][COV_SOLVES] += solves;
    if (ok) { /* the SCYFI move may have changed the sequence: dedupe on what was found */
        dyn_codes_canonical(c.codes, k, CW, s->canon);
        int known = 0;
        for (int i = 0; i < s->n_found && !known; i++)
            known = s->found[i].k == k &&
                    !memcmp(s->found[i].canon, s->canon, (size_t)k * CW * sizeof(uint64_t));
        if (!known) {
            hset_insert(&s->tried[k], hash_words(s->canon, (size_t)k * CW));
            if (s->n_found == s->cap_found) {
                s->cap_found = s->cap_found ? 2 * s->cap_found : 16;
                s->found = xrealloc(s->found, (size_t)s->cap_found * sizeof *s->found);
            }
            struct found *fd = &s->found[s->n_found++];
            fd->k = k, fd->source = source, fd->c = c;
            fd->canon = xmalloc((size_t)k * CW * sizeof(uint64_t));
            memcpy(fd->canon, s->canon, (size_t)k * CW * sizeof(uint64_t));
            s->cov[k][COV_FOUND]++;
            return;
        }
    }
    dyn_cycle_free(&c);
}

/* ---- the command ------------------------------------------------------------------------------ */

static void replace_ext(const char *path, const char *ext, char *buf, size_t n) {
    const size_t L = strlen(path);
    const int base = L > 3 && !strcmp(path + L - 3, ".h5") ? (int)(L - 3) : (int)L;
    if (snprintf(buf, n, "%.*s%s", base, path, ext) >= (int)n) die("path too long: %s", path);
}

static FILE *open_tmp(const char *path, char *tmp, size_t n) {
    snprintf(tmp, n, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp) die("cannot write %s", tmp);
    die_register_tmpfile(tmp);
    return fp;
}

static void close_tmp(FILE *fp, const char *tmp, const char *path) {
    if (fclose(fp) != 0) die("cannot write %s", tmp);
    if (rename(tmp, path) != 0) die("cannot rename %s to %s", tmp, path);
    die_register_tmpfile(NULL);
}

static void code_bits(const uint64_t *c, int P, uint8_t *bits) {
    for (int i = 0; i < P; i++) bits[i] = (uint8_t)((c[i >> 6] >> (i & 63)) & 1);
}

static int parse_analyze(int argc, char **argv, struct analyze_opts *o) {
    memset(o, 0, sizeof *o);
    o->input = "zero", o->K0 = 1, o->K = 100, o->tries = 4;
    if (argc < 3 || argv[2][0] == '-') die("analyze: name a run file (bin/alrnn analyze RUN.h5)");
    o->run = argv[2];
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        static const char *const known[] = {"--input", "--max-cycle", "--min-cycle", "--tries",
                                            "--seed", "--out"};
        int ok = 0;
        for (size_t q = 0; q < ARRAY_LEN(known); q++) ok |= !strcmp(a, known[q]);
        if (!ok) die("unknown option '%s' for analyze (see bin/alrnn help)", a);
        if (i + 1 >= argc) die("option %s needs a value", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--input")) o->input = v;
        else if (!strcmp(a, "--max-cycle")) o->K = (int)parse_long(v, "--max-cycle", 1, 10000);
        else if (!strcmp(a, "--min-cycle")) o->K0 = (int)parse_long(v, "--min-cycle", 1, 10000);
        else if (!strcmp(a, "--tries")) o->tries = (int)parse_long(v, "--tries", 0, 1000000);
        else if (!strcmp(a, "--seed")) o->seed = (uint64_t)parse_long(v, "--seed", 0, 2147483647L);
        else if (!strcmp(a, "--out")) o->out = v;
        else die("unknown option '%s' for analyze (see bin/alrnn help)", a);
    }
    if (o->K0 > o->K) die("--min-cycle %d exceeds --max-cycle %d", o->K0, o->K);
    return 0;
}

int cmd_analyze(int argc, char **argv) {
    struct analyze_opts o;
    parse_analyze(argc, argv, &o);
    const double t_start = now_seconds();
    struct run_model rm;
    read_model(o.run, &rm);
    const int M = rm.M, P = rm.P, K = o.K;
    double *s = parse_input(&rm, o.input, o.run);
    char out[4096], dot[4096], nodes_tsv[4096], edges_tsv[4096], png[4096];
    if (o.out) snprintf(out, sizeof out, "%s", o.out);
    else replace_ext(o.run, ".analysis.h5", out, sizeof out);
    replace_ext(out, ".dot", dot, sizeof dot);
    replace_ext(out, "_graph_nodes.tsv", nodes_tsv, sizeof nodes_tsv);
    replace_ext(out, "_graph_edges.tsv", edges_tsv, sizeof edges_tsv);
    replace_ext(out, "_graph.png", png, sizeof png);
    if (!strcmp(out, o.run)) die("--out %s would overwrite the run file", out);

    struct dyn_map f;
    dyn_map_init(&f, M, P, rm.a0, rm.A, rm.W, rm.h, rm.C, rm.N, s);
    const int CW = f.CW;
    rng_t rng;
    rng_init(&rng, o.seed, RNG_STREAM_EVAL);

    /* nodes: every code seen, on the stored trajectories or the iterated map */
    struct nodes nd = {0};
    bitcode_set_init(&nd.set, P);
    struct edges edges;
    edges_init(&edges);
    uint64_t *code = xmalloc((size_t)CW * sizeof(uint64_t));
    char *str = xmalloc((size_t)P + 2); /* a code as text */
    int64_t traj_total = 0;
    int32_t *sw = NULL; /* (n_sw, 4): sequence, t, from node, to node */
    int n_sw = 0, cap_sw = 0;
    for (int i = 0; i < rm.S; i++) { /* PAPER.md §4: codes of the stored test states */
        int prev = -1;
        for (int t = 0; t < rm.T1; t++) {
            dyn_code(&f, rm.z + ((size_t)i * rm.T1 + t) * M, code);
            const int id = node_add(&nd, code, 0);
            traj_total++;
            if (prev >= 0) edges_add(&edges, prev, id, 0);
            if (prev >= 0 && prev != id) { /* a switch: z_t left the subregion of z_{t-1} */
                if (n_sw == cap_sw) cap_sw = cap_sw ? 2 * cap_sw : 256, sw = xrealloc(sw, (size_t)cap_sw * 4 * sizeof(int32_t));
                int32_t *r = sw + (size_t)n_sw++ * 4;
                r[0] = i, r[1] = t, r[2] = prev, r[3] = id;
            }
            prev = id;
        }
    }
    const int n_visited = nd.set.n;

    /* the map is the trained model: replay the stored trajectories with their own inputs,
     * z_{t+1} = F(z_t) - c + h + C x_t, against the stored (float32) states */
    double replay = -1; /* max relative one-step residual; -1 when it cannot be checked */
    double *zrep = xmalloc((size_t)M * sizeof(double));
    if (rm.x && rm.Nx == rm.N && rm.Tx == rm.T1 - 1) {
        replay = 0;
        for (int i = 0; i < rm.S; i++)
            for (int t = 0; t + 1 < rm.T1; t++) {
                const double *zt = rm.z + ((size_t)i * rm.T1 + t) * M, *zn = zt + M;
                const double *xt = rm.x + ((size_t)i * rm.Tx + t) * rm.N;
                dyn_step(&f, zt, zrep);
                double d = 0, nn = 0;
                for (int j = 0; j < M; j++) {
                    double v = zrep[j] - f.c[j] + rm.h[j];
                    for (int q = 0; q < rm.N; q++) v += rm.C[(size_t)j * rm.N + q] * xt[q];
                    d += (v - zn[j]) * (v - zn[j]), nn += zn[j] * zn[j];
                }
                const double rel = sqrt(d) / (sqrt(nn) > 1 ? sqrt(nn) : 1);
                replay = rel > replay ? rel : replay;
            }
        if (replay > replay_tol)
            fprintf(stderr, "alrnn: warning: the map does not reproduce the stored trajectories "
                            "(one-step residual %.2g > %.0e): is the model form right?\n", replay,
                    replay_tol);
    }
    free(zrep);

    /* the map iterated from stored states (3 per sequence) and random ones */
    int n_auto = 0, n_tails = 0;
    const int n_from_traj = rm.S * 3 < AUTO_STARTS_MAX ? rm.S * 3 : AUTO_STARTS_MAX;
    const int n_starts = n_from_traj + AUTO_RANDOM;
    double scale = 0; /* RMS of the stored states: the random starts' spread */
    for (size_t q = 0; q < (size_t)rm.S * rm.T1 * M; q++) scale += rm.z[q] * rm.z[q];
    scale = rm.S ? sqrt(scale / ((double)rm.S * rm.T1 * M)) : 1;
    if (!(scale > 0)) scale = 1;
    const int rec = 2 * K > 200 ? 2 * K : 200; /* states kept at the end of each run */
    double *tail = xmalloc((size_t)(rec + 1) * M * sizeof(double));
    uint64_t *tail_codes = xmalloc((size_t)(rec + 1) * CW * sizeof(uint64_t));
    int32_t *auto_period = xcalloc((size_t)n_starts, sizeof(int32_t));
    int32_t *auto_div = xcalloc((size_t)n_starts, sizeof(int32_t));
    double *auto_norm = xcalloc((size_t)n_starts, sizeof(double));
    double *znow = xmalloc((size_t)M * sizeof(double)), *znext = xmalloc((size_t)M * sizeof(double));

    struct search sr = {.f = &f, .K = K, .CW = CW};
    dyn_work_init(&sr.w, &f, K);
    sr.tried = xcalloc((size_t)K + 1, sizeof(struct hset));
    sr.cov = xcalloc((size_t)K + 1, sizeof *sr.cov);
    sr.canon = xmalloc((size_t)K * CW * sizeof(uint64_t));
    for (int k = 1; k <= K; k++) sr.cov[k][COV_K] = k;

    for (int st = 0; st < n_starts; st++) {
        if (st < n_from_traj) {
            const int i = st / 3, t = (st % 3) * (rm.T1 - 1) / 2;
            memcpy(znow, rm.z + ((size_t)i * rm.T1 + t) * M, (size_t)M * sizeof(double));
        } else {
            for (int j = 0; j < M; j++) znow[j] = scale * rng_normal(&rng);
        }
        const int steps = AUTO_TRANSIENT + rec;
        int prev = -1, diverged = 0;
        for (int t = 0; t <= steps && !diverged; t++) {
            dyn_code(&f, znow, code);
            const int id = node_add(&nd, code, 1);
            if (prev >= 0) edges_add(&edges, prev, id, 1);
            prev = id;
            const int r = t - (steps - rec);
            if (r >= 0) {
                memcpy(tail + (size_t)r * M, znow, (size_t)M * sizeof(double));
                memcpy(tail_codes + (size_t)r * CW, code, (size_t)CW * sizeof(uint64_t));
            }
            if (!norm_ok(znow, M)) diverged = 1;
            dyn_step(&f, znow, znext);
            memcpy(znow, znext, (size_t)M * sizeof(double));
        }
        double nn = 0;
        for (int j = 0; j < M; j++) nn += znow[j] * znow[j];
        auto_norm[st] = sqrt(nn), auto_div[st] = diverged;
        n_auto++;
        if (diverged) continue;
        /* the least period p <= K of the tail, if it repeats */
        int period = 0;
        for (int p = 1; p <= K && !period; p++) {
            int ok = 1;
            for (int r = rec; r >= rec - p && ok; r--) {
                const double *a = tail + (size_t)r * M, *b = tail + (size_t)(r - p) * M;
                double d = 0, na = 0;
                for (int j = 0; j < M; j++) d += (a[j] - b[j]) * (a[j] - b[j]), na += a[j] * a[j];
                ok = sqrt(d) <= period_tol * (sqrt(na) > 1 ? sqrt(na) : 1);
            }
            if (ok) period = p;
        }
        auto_period[st] = period;
        if (period >= o.K0) search_try(&sr, tail_codes + (size_t)(rec - period) * CW, period,
                               tail + (size_t)(rec - period) * M, SRC_ITER, SCYFI_ITER);
        else if (!period && n_tails++ < TAIL_STARTS)
            for (int k = o.K0; k <= K; k++)
                search_try(&sr, tail_codes + (size_t)(rec - k) * CW, k,
                           tail + (size_t)(rec - k) * M, SRC_ITER, SCYFI_ITER);
    }

    /* trajectory windows, exhaustive enumeration, random SCYFI starts, per k */
    uint64_t *guess = xmalloc((size_t)K * CW * sizeof(uint64_t));
    uint64_t *traj_codes = xmalloc((size_t)(rm.T1 ? rm.T1 : 1) * CW * sizeof(uint64_t));
    const double n_regions = ldexp(1.0, P);
    int max_exh_k = 0;
    /* the two most visited codes, for the block words a^n b^(k-n) */
    int top2[2] = {-1, -1};
    for (int q = 0; q < nd.set.n; q++) {
        const int64_t v = nd.traj[q] + nd.autom[q];
        if (top2[0] < 0 || v > nd.traj[top2[0]] + nd.autom[top2[0]]) top2[1] = top2[0], top2[0] = q;
        else if (top2[1] < 0 || v > nd.traj[top2[1]] + nd.autom[top2[1]]) top2[1] = q;
    }
    for (int k = o.K0; k <= K; k++) {
        for (int q = 0; q < TRAJ_WINDOWS && rm.S && rm.T1 > k; q++) {
            const int i = q % rm.S, t0 = (int)((long)(q + 1) * (rm.T1 - k) / (TRAJ_WINDOWS + 1));
            for (int j = 0; j < k; j++)
                dyn_code(&f, rm.z + ((size_t)i * rm.T1 + t0 + j) * M, traj_codes + (size_t)j * CW);
            search_try(&sr, traj_codes, k, rm.z + ((size_t)i * rm.T1 + t0) * M, SRC_TRAJ,
                       SCYFI_ITER);
        }
        const double n_seq = pow(n_regions, k);
        if (n_seq <= EXHAUSTIVE_SEQS) { /* every sequence of k codes, up to rotation */
            sr.cov[k][COV_EXH] = 1, max_exh_k = k;
            const long total = (long)n_seq;
            for (long idx = 0; idx < total; idx++) {
                long v = idx;
                memset(guess, 0, (size_t)k * CW * sizeof(uint64_t));
                for (int j = 0; j < k; j++, v >>= P) guess[(size_t)j * CW] = (uint64_t)(v & ((1L << P) - 1));
                search_try(&sr, guess, k, NULL, SRC_EXHAUSTIVE, 1);
            }
            continue;
        }
        /* the block words: every split while P <= BLOCK_ALL_P, else `tries` splits spread
         * evenly (a rotation crossing one boundary is the case they cover) */
        const int n_split = P <= BLOCK_ALL_P || k - 1 <= o.tries ? k - 1 : o.tries;
        for (int q = 0; q < n_split && top2[1] >= 0; q++) {
            const int n1 = n_split == k - 1 ? q + 1 : 1 + (int)((long)q * (k - 1) / n_split);
            for (int j = 0; j < k; j++)
                memcpy(guess + (size_t)j * CW, nd.set.codes + (size_t)top2[j < n1 ? 0 : 1] * nd.set.W,
                       (size_t)CW * sizeof(uint64_t));
            search_try(&sr, guess, k, NULL, SRC_BLOCK, SCYFI_ITER);
        }
        for (int q = 0; q < o.tries; q++) {
            memset(guess, 0, (size_t)k * CW * sizeof(uint64_t));
            if (q % 2 == 0 && nd.set.n) { /* codes seen, drawn uniformly */
                for (int j = 0; j < k; j++)
                    memcpy(guess + (size_t)j * CW, nd.set.codes + (size_t)rng_below(&rng, nd.set.n) * nd.set.W,
                           (size_t)CW * sizeof(uint64_t));
            } else { /* a rotation word: bit i on while frac(φ_i + m j / k) < ρ_i */
                const int m = k > 1 ? 1 + (int)rng_below(&rng, (uint32_t)(k - 1)) : 1;
                for (int i = 0; i < P; i++) {
                    const double rho = rng_uniform(&rng), phi = rng_uniform(&rng);
                    for (int j = 0; j < k; j++) {
                        const double fr = fmod(phi + (double)m * j / k, 1.0);
                        if (fr < rho) guess[(size_t)j * CW + (i >> 6)] |= (uint64_t)1 << (i & 63);
                    }
                }
            }
            const double *zref = NULL;
            if (rm.S) zref = rm.z + ((size_t)rng_below(&rng, rm.S) * rm.T1 +
                                     rng_below(&rng, rm.T1)) * M;
            search_try(&sr, guess, k, zref, SRC_RANDOM, SCYFI_ITER);
        }
    }

    /* subregions: all 2^P, or the codes seen */
    const int exhaustive = n_regions <= EXHAUSTIVE_REGIONS;
    /* without enumeration: the codes seen, then those of fixed points the search found */
    int n_extra = 0;
    for (int i = 0; i < sr.n_found && !exhaustive; i++)
        n_extra += sr.found[i].k == 1 && bitcode_set_find(&nd.set, sr.found[i].c.codes) < 0;
    const int n_reg = exhaustive ? (int)n_regions : nd.set.n + n_extra;
    uint64_t *reg = xcalloc((size_t)(n_reg ? n_reg : 1) * CW, sizeof(uint64_t));
    for (int q = 0, e = nd.set.n; q < (exhaustive ? n_reg : nd.set.n); q++) {
        if (exhaustive) reg[(size_t)q * CW] = (uint64_t)q;
        else memcpy(reg + (size_t)q * CW, nd.set.codes + (size_t)q * nd.set.W, CW * sizeof(uint64_t));
        if (q == nd.set.n - 1 && !exhaustive)
            for (int i = 0; i < sr.n_found; i++)
                if (sr.found[i].k == 1 && bitcode_set_find(&nd.set, sr.found[i].c.codes) < 0)
                    memcpy(reg + (size_t)e++ * CW, sr.found[i].c.codes, CW * sizeof(uint64_t));
    }
    double *fp_z = xmalloc((size_t)n_reg * M * sizeof(double));
    double *eig_re = xmalloc((size_t)n_reg * M * sizeof(double));
    double *eig_im = xmalloc((size_t)n_reg * M * sizeof(double));
    double *rho = xmalloc((size_t)n_reg * sizeof(double)), *closure = xmalloc((size_t)n_reg * sizeof(double));
    double *margin = xmalloc((size_t)n_reg * sizeof(double)), *vfreq = xmalloc((size_t)n_reg * sizeof(double));
    int32_t *solv = xmalloc((size_t)n_reg * sizeof(int32_t)), *isreal = xmalloc((size_t)n_reg * sizeof(int32_t));
    int32_t *stab = xmalloc((size_t)n_reg * sizeof(int32_t));
    int n_real = 0, n_virtual = 0, n_none = 0, n_real_stable = 0;
    for (int q = 0; q < n_reg; q++) {
        struct dyn_cycle c;
        dyn_cycle_init(&c, &f, 1);
        const int ok = dyn_cycle_solve(&f, &sr.w, reg + (size_t)q * CW, 1, NULL, &c, 1);
        memcpy(fp_z + (size_t)q * M, c.z, (size_t)M * sizeof(double));
        memcpy(eig_re + (size_t)q * M, c.mult_re, (size_t)M * sizeof(double));
        memcpy(eig_im + (size_t)q * M, c.mult_im, (size_t)M * sizeof(double));
        rho[q] = c.rho, closure[q] = c.closure, margin[q] = c.margin, stab[q] = c.stability;
        solv[q] = c.solvable && c.family == 0, isreal[q] = ok;
        const int id = bitcode_set_find(&nd.set, reg + (size_t)q * CW);
        vfreq[q] = id >= 0 && id < n_visited && traj_total ? (double)nd.traj[id] / traj_total : 0;
        if (!solv[q]) n_none++;
        else if (ok) n_real++, n_real_stable += c.stability == DYN_STABLE;
        else n_virtual++;
        if (ok && o.K0 == 1) search_try(&sr, reg + (size_t)q * CW, 1, NULL, SRC_EXHAUSTIVE, 1);
        dyn_cycle_free(&c);
    }

    /* ---- write the analysis file ---------------------------------------------------------- */
    struct h5file h;
    run_file_begin(out, &h);
    char when[32];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    h5_attr_str(&h, "/", "run_file", o.run);
    h5_attr_str(&h, "/", "input", o.input);
    h5_attr_str(&h, "/", "form", rm.form);
    h5_attr_str(&h, "/", "created_utc", when);
    h5_attr_int(&h, "/", "M", M);
    h5_attr_int(&h, "/", "P", P);
    h5_attr_int(&h, "/", "N", rm.N);
    h5_attr_int(&h, "/", "a0", rm.a0);
    h5_attr_int(&h, "/", "max_cycle", K);
    h5_attr_int(&h, "/", "min_cycle", o.K0);
    h5_attr_int(&h, "/", "tries", o.tries);
    h5_attr_int(&h, "/", "seed", (long)o.seed);
    h5_attr_double(&h, "/", "close_tol", DYN_CLOSE_TOL);
    h5_attr_double(&h, "/", "replay_residual", replay);
    h5_attr_str(&h, "/", "description",
                "fixed points, k-cycles and subregion graph of the run's kept model under the "
                "constant input /input/s (bin/alrnn analyze; PAPER.md section 4)");
    const size_t dN[1] = {rm.N}, dM[1] = {M};
    h5_write(&h, "/input/s", H5K_F64, 1, dN, s, "the input held constant", "task units");
    h5_write(&h, "/input/c", H5K_F64, 1, dM, f.c, "c = h + C s, the map's offset", "latent units");

    const int Pb = P ? P : 1;
    uint8_t *bits = xcalloc((size_t)(nd.set.n > n_reg ? nd.set.n : n_reg) + 1, (size_t)Pb);
    { /* visited codes, by descending count */
        int *ord = xmalloc((size_t)(n_visited ? n_visited : 1) * sizeof(int));
        for (int q = 0; q < n_visited; q++) ord[q] = q;
        for (int q = 1; q < n_visited; q++) { /* insertion sort, stable */
            const int v = ord[q];
            int j = q;
            for (; j > 0 && nd.traj[ord[j - 1]] < nd.traj[v]; j--) ord[j] = ord[j - 1];
            ord[j] = v;
        }
        int32_t *cnt = xmalloc((size_t)(n_visited ? n_visited : 1) * sizeof(int32_t));
        double *fr = xmalloc((size_t)(n_visited ? n_visited : 1) * sizeof(double));
        for (int q = 0; q < n_visited; q++) {
            code_bits(nd.set.codes + (size_t)ord[q] * nd.set.W, P, bits + (size_t)q * P);
            cnt[q] = (int32_t)nd.traj[ord[q]];
            fr[q] = (double)nd.traj[ord[q]] / (double)traj_total;
        }
        const size_t dc[2] = {n_visited, P}, dn[1] = {n_visited};
        h5_write(&h, "/visited/codes", H5K_U8, 2, dc, bits,
                 "subregions visited by the stored test trajectories (all states z_0..z_T), most "
                 "visited first; bit i = 1[z_{M-P+i} > 0]", "bit");
        h5_write(&h, "/visited/counts", H5K_I32, 1, dn, cnt, "states in each subregion", "states");
        h5_write(&h, "/visited/freq", H5K_F64, 1, dn, fr, "count / total states", "1");
        h5_write_scalar(&h, "/visited/total", (double)traj_total, "states counted", "states");
        if (n_visited) {
            printf("visited subregions (stored trajectories, %lld states): %d; most visited:",
                   (long long)traj_total, n_visited);
            for (int q = 0; q < n_visited && q < 4; q++)
                printf(" %s %.1f%%", bitcode_to_string(nd.set.codes + (size_t)ord[q] * nd.set.W, P, str),
                       100 * fr[q]);
            printf("\n");
        }
        free(ord);
        free(cnt);
        free(fr);
    }

    { /* subregions */
        for (int q = 0; q < n_reg; q++) code_bits(reg + (size_t)q * CW, P, bits + (size_t)q * P);
        const size_t dc[2] = {n_reg, P}, dn[1] = {n_reg}, dm[2] = {n_reg, M};
        h5_write(&h, "/subregions/codes", H5K_U8, 2, dc, bits,
                 exhaustive ? "every subregion, code = index in binary (bit i = unit M-P+i)"
                            : "the subregions seen on the stored trajectories and the iterated map, "
                              "then those of fixed points the cycle search found",
                 "bit");
        h5_write(&h, "/subregions/visited_freq", H5K_F64, 1, dn, vfreq,
                 "share of the stored trajectory states in the subregion", "1");
        h5_write(&h, "/subregions/eig_re", H5K_F64, 2, dm, eig_re,
                 "eigenvalues of W_Omega = diag(a) + W D_Omega, real parts, by modulus descending", "1");
        h5_write(&h, "/subregions/eig_im", H5K_F64, 2, dm, eig_im, "imaginary parts of the same", "1");
        h5_write(&h, "/subregions/fixed_point", H5K_F64, 2, dm, fp_z,
                 "z* = (I - W_Omega)^-1 (h + C s) (meaningless where solvable = 0)", "latent units");
        h5_write(&h, "/subregions/solvable", H5K_I32, 1, dn, solv,
                 "1: I - W_Omega is invertible (one isolated fixed point)", "1");
        h5_write(&h, "/subregions/real", H5K_I32, 1, dn, isreal,
                 "1: the fixed point lies in its own subregion (real), verified on the map; "
                 "0: virtual or none", "1");
        h5_write(&h, "/subregions/stability", H5K_I32, 1, dn, stab,
                 "0 stable, 1 saddle, 2 repeller, 3 neutral (from the eigenvalues of W_Omega)", "1");
        h5_write(&h, "/subregions/rho", H5K_F64, 1, dn, rho, "spectral radius of W_Omega", "1");
        h5_write(&h, "/subregions/closure", H5K_F64, 1, dn, closure,
                 "||F(z*) - z*|| / max(1, ||z*||) on the map for real points, on the affine "
                 "piece of the subregion for virtual ones", "1");
        h5_write(&h, "/subregions/margin", H5K_F64, 1, dn, margin,
                 "min |z*_i| over the ReLU units: distance of a real point from the nearest boundary",
                 "latent units");
        h5_attr_int(&h, "/subregions", "exhaustive", exhaustive);
        h5_attr_double(&h, "/subregions", "n_possible", n_regions);
        h5_attr_str(&h, "/subregions", "stability_names", "stable,saddle,repeller,neutral");
    }

    for (int i = 1; i < sr.n_found; i++) { /* by k; stable, so discovery order within a k */
        const struct found v = sr.found[i];
        int j = i;
        for (; j > 0 && sr.found[j - 1].k > v.k; j--) sr.found[j] = sr.found[j - 1];
        sr.found[j] = v;
    }
    { /* cycles, by k */
        long tot = 0;
        for (int i = 0; i < sr.n_found; i++) tot += sr.found[i].k;
        const int nf = sr.n_found;
        int32_t *kk = xmalloc((size_t)(nf ? nf : 1) * sizeof(int32_t)), *start = xmalloc((size_t)(nf ? nf : 1) * sizeof(int32_t));
        int32_t *cst = xmalloc((size_t)(nf ? nf : 1) * sizeof(int32_t)), *fam = xmalloc((size_t)(nf ? nf : 1) * sizeof(int32_t));
        int32_t *src = xmalloc((size_t)(nf ? nf : 1) * sizeof(int32_t));
        double *crho = xmalloc((size_t)(nf ? nf : 1) * sizeof(double)), *cclo = xmalloc((size_t)(nf ? nf : 1) * sizeof(double));
        double *cmar = xmalloc((size_t)(nf ? nf : 1) * sizeof(double));
        double *mre = xmalloc((size_t)(nf ? nf : 1) * M * sizeof(double)), *mim = xmalloc((size_t)(nf ? nf : 1) * M * sizeof(double));
        uint8_t *cb = xcalloc((size_t)(tot ? tot : 1), (size_t)Pb);
        double *cz = xmalloc((size_t)(tot ? tot : 1) * M * sizeof(double));
        long off = 0;
        for (int i = 0; i < nf; i++) {
            const struct found *fd = &sr.found[i];
            kk[i] = fd->k, start[i] = (int32_t)off, cst[i] = fd->c.stability, fam[i] = fd->c.family;
            src[i] = fd->source, crho[i] = fd->c.rho, cclo[i] = fd->c.closure, cmar[i] = fd->c.margin;
            memcpy(mre + (size_t)i * M, fd->c.mult_re, (size_t)M * sizeof(double));
            memcpy(mim + (size_t)i * M, fd->c.mult_im, (size_t)M * sizeof(double));
            for (int j = 0; j < fd->k; j++) code_bits(fd->c.codes + (size_t)j * CW, P, cb + (size_t)(off + j) * P);
            memcpy(cz + (size_t)off * M, fd->c.z, (size_t)fd->k * M * sizeof(double));
            off += fd->k;
        }
        const size_t dn[1] = {nf}, dm[2] = {nf, M}, dc[2] = {tot, P}, dz[2] = {tot, M};
        h5_write(&h, "/cycles/k", H5K_I32, 1, dn, kk, "period of each verified cycle (1 = real fixed point)", "steps");
        h5_write(&h, "/cycles/start", H5K_I32, 1, dn, start, "first row of the cycle in codes and z", "row");
        h5_write(&h, "/cycles/codes", H5K_U8, 2, dc, cb, "the code sequence along each cycle", "bit");
        h5_write(&h, "/cycles/z", H5K_F64, 2, dz, cz, "the states z_1..z_k of each cycle", "latent units");
        h5_write(&h, "/cycles/mult_re", H5K_F64, 2, dm, mre,
                 "multipliers: eigenvalues of W_{Omega_k}...W_{Omega_1}, real parts, modulus descending", "1");
        h5_write(&h, "/cycles/mult_im", H5K_F64, 2, dm, mim, "imaginary parts of the same", "1");
        h5_write(&h, "/cycles/stability", H5K_I32, 1, dn, cst, "0 stable, 1 saddle, 2 repeller, 3 neutral", "1");
        h5_write(&h, "/cycles/rho", H5K_F64, 1, dn, crho, "largest multiplier modulus", "1");
        h5_write(&h, "/cycles/closure", H5K_F64, 1, dn, cclo,
                 "||F^k(z_1) - z_1|| / max(1, ||z_1||), F applied in double", "1");
        h5_write(&h, "/cycles/margin", H5K_F64, 1, dn, cmar, "min |z_{j,i}| over the cycle's ReLU units", "latent units");
        h5_write(&h, "/cycles/family", H5K_I32, 1, dn, fam,
                 "dimension of the cycle family (0: isolated; >0: I - M_k singular, the member "
                 "nearest a reference state is stored)", "1");
        h5_write(&h, "/cycles/source", H5K_I32, 1, dn, src,
                 "candidate that led to it: 0 trajectory window, 1 iterated map, 2 random, 3 "
                 "exhaustive, 4 block word", "1");
        const size_t dv[2] = {K, COV__COUNT};
        h5_write(&h, "/cycles/coverage", H5K_I32, 2, dv, sr.cov + 1,
                 "per k: k, exhaustive (1: every code sequence tried), distinct candidates from "
                 "trajectory windows, the iterated map, random starts, the enumeration, the block "
                 "words a^n b^(k-n) of the two most visited codes; linear solves; cycles found",
                 "1");
        free(kk), free(start), free(cst), free(fam), free(src), free(crho), free(cclo), free(cmar);
        free(mre), free(mim), free(cb), free(cz);
    }

    { /* autonomous runs */
        const size_t dn[1] = {n_auto};
        h5_write(&h, "/autonomous/period", H5K_I32, 1, dn, auto_period,
                 "least period (<= max_cycle) the iterated map settles on, 0 = none; the first "
                 "starts are stored states (t = 0, T/2, T of each sequence), the rest random", "steps");
        h5_write(&h, "/autonomous/diverged", H5K_I32, 1, dn, auto_div, "1: |z| passed 1e12", "1");
        h5_write(&h, "/autonomous/final_norm", H5K_F64, 1, dn, auto_norm, "|z| at the last step", "latent units");
        h5_attr_int(&h, "/autonomous", "steps", AUTO_TRANSIENT + rec);
        h5_attr_int(&h, "/autonomous", "from_stored_states", n_from_traj);
    }

    int32_t *ed = xmalloc((size_t)(edges.n ? edges.n : 1) * 2 * sizeof(int32_t));
    int64_t *etr = xmalloc((size_t)(edges.n ? edges.n : 1) * sizeof(int64_t)), *eau = xmalloc((size_t)(edges.n ? edges.n : 1) * sizeof(int64_t));
    int ne = 0;
    for (int i = 0; i < edges.cap; i++)
        if (edges.key[i] >= 0) {
            ed[2 * ne] = (int32_t)(edges.key[i] >> 32), ed[2 * ne + 1] = (int32_t)(edges.key[i] & 0xffffffff);
            etr[ne] = edges.traj[i], eau[ne] = edges.autom[i];
            ne++;
        }
    { /* graph */
        for (int q = 0; q < nd.set.n; q++) code_bits(nd.set.codes + (size_t)q * nd.set.W, P, bits + (size_t)q * P);
        double *tv = xmalloc((size_t)(nd.set.n ? nd.set.n : 1) * sizeof(double)), *av = xmalloc((size_t)(nd.set.n ? nd.set.n : 1) * sizeof(double));
        double *etrd = xmalloc((size_t)(ne ? ne : 1) * sizeof(double)), *eaud = xmalloc((size_t)(ne ? ne : 1) * sizeof(double));
        for (int q = 0; q < nd.set.n; q++) tv[q] = (double)nd.traj[q], av[q] = (double)nd.autom[q];
        for (int q = 0; q < ne; q++) etrd[q] = (double)etr[q], eaud[q] = (double)eau[q];
        const size_t dc[2] = {nd.set.n, P}, dn[1] = {nd.set.n}, de[2] = {ne, 2}, d1[1] = {ne};
        h5_write(&h, "/graph/codes", H5K_U8, 2, dc, bits, "the nodes: every subregion seen", "bit");
        h5_write(&h, "/graph/traj_visits", H5K_F64, 1, dn, tv, "states of the stored trajectories in it", "states");
        h5_write(&h, "/graph/auto_visits", H5K_F64, 1, dn, av, "states of the iterated map in it", "states");
        h5_write(&h, "/graph/edges", H5K_I32, 2, de, ed, "transitions (from node, to node), self-loops included", "node");
        h5_write(&h, "/graph/traj_count", H5K_F64, 1, d1, etrd, "steps z_t -> z_{t+1} of the stored trajectories", "steps");
        h5_write(&h, "/graph/auto_count", H5K_F64, 1, d1, eaud, "steps of the iterated map", "steps");
        free(tv), free(av), free(etrd), free(eaud);
    }
    { /* switch times along the stored trajectories (e.g. the marks of the addition task) */
        const size_t d4[2] = {n_sw, 4};
        h5_write(&h, "/trajectories/switches", H5K_I32, 2, d4, sw ? sw : (int32_t[4]){0},
                 "one row per subregion switch on the stored test trajectories: sequence, step t "
                 "(z_t is the first state in the new subregion), from node, to node (rows of "
                 "/graph/codes)", "1");
        if (rm.x && rm.Tx == rm.T1 - 1) { /* the input x_{t-1} that produced z_t, per switch */
            const int Nx = rm.Nx;
            double *xin = xmalloc((size_t)(n_sw ? n_sw : 1) * Nx * sizeof(double));
            for (int q = 0; q < n_sw; q++)
                memcpy(xin + (size_t)q * Nx, rm.x + ((size_t)sw[4 * q] * rm.Tx + sw[4 * q + 1] - 1) * Nx,
                       (size_t)Nx * sizeof(double));
            const size_t dx[2] = {n_sw, Nx};
            h5_write(&h, "/trajectories/switch_input", H5K_F64, 2, dx, xin,
                     "the stored input x_{t-1} that moved the state into the new subregion", "task units");
            free(xin);
        }
    }
    run_file_commit(out, &h);

    /* DOT and the figure's TSV files */
    char tmp[4200];
    FILE *fp = open_tmp(dot, tmp, sizeof tmp);
    fprintf(fp, "// subregion transition graph of %s under input %s (bin/alrnn analyze)\n"
                "// solid: stored test trajectories; dashed: the map iterated under the constant input\n"
                "digraph subregions {\n  node [shape=box, fontname=\"monospace\"];\n", o.run, o.input);
    for (int q = 0; q < nd.set.n; q++)
        fprintf(fp, "  n%d [label=\"%s\\ntraj %lld, map %lld\"];\n", q,
                bitcode_to_string(nd.set.codes + (size_t)q * nd.set.W, P, str),
                (long long)nd.traj[q], (long long)nd.autom[q]);
    for (int q = 0; q < ne; q++) {
        if (etr[q]) fprintf(fp, "  n%d -> n%d [label=\"%lld\"];\n", ed[2 * q], ed[2 * q + 1], (long long)etr[q]);
        if (eau[q]) fprintf(fp, "  n%d -> n%d [style=dashed, label=\"%lld\"];\n", ed[2 * q], ed[2 * q + 1], (long long)eau[q]);
    }
    fprintf(fp, "}\n");
    close_tmp(fp, tmp, dot);

    /* the GRAPH_TOP most visited nodes (trajectory + map) on a circle */
    int *top = xmalloc((size_t)(nd.set.n ? nd.set.n : 1) * sizeof(int)), *slot = xmalloc((size_t)(nd.set.n ? nd.set.n : 1) * sizeof(int));
    for (int q = 0; q < nd.set.n; q++) top[q] = q, slot[q] = -1;
    for (int q = 1; q < nd.set.n; q++) {
        const int v = top[q];
        int j = q;
        for (; j > 0 && nd.traj[top[j - 1]] + nd.autom[top[j - 1]] < nd.traj[v] + nd.autom[v]; j--) top[j] = top[j - 1];
        top[j] = v;
    }
    const int nt = nd.set.n < GRAPH_TOP ? nd.set.n : GRAPH_TOP;
    const double two_pi = 6.283185307179586;
    fp = open_tmp(nodes_tsv, tmp, sizeof tmp);
    fprintf(fp, "# the %d most visited subregions of %s, placed on a circle\nnode\tx\ty\tcode\ttraj_freq\tmap_visits\n", nt, o.run);
    for (int q = 0; q < nt; q++) {
        slot[top[q]] = q;
        fprintf(fp, "%d\t%.6f\t%.6f\t%s\t%.4g\t%lld\n", q, cos(two_pi * q / (nt ? nt : 1)), sin(two_pi * q / (nt ? nt : 1)),
                P ? bitcode_to_string(nd.set.codes + (size_t)top[q] * nd.set.W, P, str) : "(P = 0)", traj_total ? (double)nd.traj[top[q]] / traj_total : 0,
                (long long)nd.autom[top[q]]);
    }
    close_tmp(fp, tmp, nodes_tsv);
    fp = open_tmp(edges_tsv, tmp, sizeof tmp);
    int n_drawn = 0;
    fprintf(fp, "# transitions between them (self-loops left out); width = 1 + log10(count)\n"
                "x0\ty0\tdx\tdy\ttraj_count\tmap_count\ttraj_width\tmap_width\n");
    for (int q = 0; q < ne; q++) {
        const int a = slot[ed[2 * q]], b = slot[ed[2 * q + 1]];
        if (a < 0 || b < 0 || a == b) continue;
        const double x0 = cos(two_pi * a / nt), y0 = sin(two_pi * a / nt), x1 = cos(two_pi * b / nt), y1 = sin(two_pi * b / nt);
        n_drawn++;
        fprintf(fp, "%.6f\t%.6f\t%.6f\t%.6f\t%lld\t%lld\t%.3f\t%.3f\n", x0, y0, 0.9 * (x1 - x0), 0.9 * (y1 - y0),
                (long long)etr[q], (long long)eau[q], etr[q] ? 1 + log10((double)etr[q]) : 0, eau[q] ? 1 + log10((double)eau[q]) : 0);
    }
    close_tmp(fp, tmp, edges_tsv);
    int drew = 0;
    { /* the figure, when gnuplot is there (not an error when it is not) */
        char arg[16384];
        snprintf(arg, sizeof arg, "nodes='%s'; edges='%s'; n_edges=%d; out='%s'; title='%s, input %s'", nodes_tsv, edges_tsv, n_drawn, png, o.run, o.input);
        char *av[] = {"gnuplot", "-e", arg, "plots/transitions.gp", NULL};
        pid_t pid;
        FILE *probe = fopen("plots/transitions.gp", "r");
        if (probe) {
            fclose(probe);
            posix_spawn_file_actions_t fa; /* gnuplot's warnings (an empty edge list) stay quiet */
            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
            const int spawned = posix_spawnp(&pid, "gnuplot", &fa, NULL, av, environ) == 0;
            posix_spawn_file_actions_destroy(&fa);
            if (spawned) {
                int status = 0;
                waitpid(pid, &status, 0);
                drew = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            }
        }
    }

    /* ---- summary ------------------------------------------------------------------------------- */
    printf("model: M %d, P %d, form %s (A on units %d..%d), N %d; input %s\n", M, P, rm.form, rm.a0, M - 1, rm.N, o.input);
    if (replay >= 0)
        printf("the map replays the stored test trajectories with their inputs to %.2g (max relative one-step "
               "residual)\n", replay);
    if (exhaustive)
        printf("fixed points: all %d subregions solved: %d real (%d stable), %d virtual, %d with I - W_Omega singular\n",
               n_reg, n_real, n_real_stable, n_virtual, n_none);
    else
        printf("fixed points: 2^%d = %.3g subregions are too many to solve each (limit %d); solved the %d seen on the "
               "stored trajectories and the iterated map or holding a fixed point the search found instead: %d real (%d stable), %d virtual, %d singular\n",
               P, n_regions, EXHAUSTIVE_REGIONS, n_reg, n_real, n_real_stable, n_virtual, n_none);
    for (int i = 0; i < sr.n_found && i < 12; i++) {
        const struct found *fd = &sr.found[i];
        printf("  %d-cycle (%s, via %s): codes", fd->k, dyn_stability_names[fd->c.stability], src_names[fd->source]);
        for (int j = 0; j < fd->k && j < 8; j++)
            printf(" %s", bitcode_to_string(fd->c.codes + (size_t)j * CW, P, str));
        printf("%s; |multiplier| max %.4g, closure %.1e%s\n", fd->k > 8 ? " …" : "", fd->c.rho, fd->c.closure,
               fd->c.family ? " (a family)" : "");
    }
    if (sr.n_found > 12) printf("  … %d more in /cycles\n", sr.n_found - 12);
    long cand = 0, solves = 0;
    int n_cyc = 0, n_div = 0, n_per = 0;
    for (int k = 1; k <= K; k++) {
        cand += sr.cov[k][COV_TRAJ] + sr.cov[k][COV_ITER] + sr.cov[k][COV_RANDOM] +
                sr.cov[k][COV_ENUM] + sr.cov[k][COV_BLOCK];
        solves += sr.cov[k][COV_SOLVES];
        if (k > 1) n_cyc += sr.cov[k][COV_FOUND];
    }
    for (int st = 0; st < n_auto; st++) n_div += auto_div[st], n_per += auto_period[st] > 0;
    { /* spectra of the most visited subregions: the leading modulus and the rotation period
       * 2π/θ of the largest complex pair */
        int shown[4] = {-1, -1, -1, -1};
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < n_visited; q++) {
                int taken = 0;
                for (int u = 0; u < r; u++) taken |= shown[u] == q;
                if (!taken && (shown[r] < 0 || nd.traj[q] > nd.traj[shown[r]])) shown[r] = q;
            }
        for (int r = 0; r < 4 && shown[r] >= 0; r++) {
            const uint64_t *cq = nd.set.codes + (size_t)shown[r] * nd.set.W;
            const int q = exhaustive ? (int)cq[0] : shown[r];
            const double *re = eig_re + (size_t)q * M, *im = eig_im + (size_t)q * M;
            int cpx = -1;
            for (int j = 0; j < M && cpx < 0; j++)
                if (im[j] != 0) cpx = j;
            printf("  subregion %s (%.1f%% of the stored states): |lambda| max %.4g", bitcode_to_string(cq, P, str),
                   100.0 * nd.traj[shown[r]] / (double)traj_total, hypot(re[0], im[0]));
            if (cpx >= 0)
                printf(", largest complex pair |lambda| %.4g rotating with period %.4g steps", hypot(re[cpx], im[cpx]),
                       2 * 3.14159265358979323846 / fabs(atan2(im[cpx], re[cpx])));
            printf("; fixed point %s\n", isreal[q] ? "real" : solv[q] ? "virtual" : "none");
        }
    }
    char exh[64];
    if (max_exh_k) snprintf(exh, sizeof exh, "every code sequence tried for k <= %d", max_exh_k);
    else snprintf(exh, sizeof exh, "no k small enough for every code sequence");
    printf("cycles %d <= k <= %d: %d found (k >= 2); %ld distinct candidate sequences, %ld linear solves; %s; "
           "per k in /cycles/coverage\n", o.K0, K, n_cyc, cand, solves, exh);
    printf("stored trajectories: %d subregion switches in %d sequences (/trajectories/switches)\n", n_sw, rm.S);
    printf("iterated map: %d starts, %d settle on a period <= %d, %d diverge (|z| > 1e12)\n", n_auto, n_per, K, n_div);
    printf("wrote %s, %s%s%s (%.2f s)\n", out, dot, drew ? ", " : "",
           drew ? png : " (figure not drawn: it needs gnuplot and plots/transitions.gp from the "
                        "repository root)", now_seconds() - t_start);

    for (int i = 0; i < sr.n_found; i++) dyn_cycle_free(&sr.found[i].c), free(sr.found[i].canon);
    for (int k = 0; k <= K; k++) free(sr.tried[k].v);
    free(sr.found), free(sr.tried), free(sr.cov), free(sr.canon);
    dyn_work_free(&sr.w);
    free(top), free(slot), free(ed), free(etr), free(eau), free(bits);
    free(reg), free(fp_z), free(eig_re), free(eig_im), free(rho), free(closure), free(margin), free(vfreq);
    free(solv), free(isreal), free(stab), free(guess), free(traj_codes);
    free(tail), free(tail_codes), free(auto_period), free(auto_div), free(auto_norm), free(znow), free(znext);
    free(sw), free(code), free(nd.traj), free(nd.autom), free(s), free(str);
    edges_free(&edges);
    bitcode_set_free(&nd.set);
    dyn_map_free(&f);
    run_model_free(&rm);
    return 0;
}
