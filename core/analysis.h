/* analysis.h: the model-agnostic analyses of PAPER.md §4, on arrays of latent states.
 *
 *   bitcodes    d_t = 1[z_{t,M-P+i} > 0], i = 0..P-1 (PAPER.md §1.4), packed into
 *               bitcode_words(P) uint64 words; histograms over steps (optionally masked,
 *               e.g. the recall phase), alignment of several histograms over the union of
 *               their codes, Hamming distances (sMNIST heatmaps).
 *   jsd         Jensen-Shannon divergence between aligned code distributions (Fig 5b).
 *   pca         PCA of a cloud of states: eigenvalues, explained-variance ratios,
 *               components, projections (IMDb PC1, sMNIST 3 PCs, copy-task spectrum).
 *   cycle       the period, settling step and symbol sequence of the orbit an autonomous
 *               trajectory has settled on (copy task: the 100-cycle, §2.4).
 *
 * What this module deliberately does not do: it never runs the model. Callers produce the
 * states (n, M) (a trajectory, or a (T, B, M) batch read as n = T*B rows) and pass them in.
 * Subregion matrices W_Ω, their spectra and the fixed-point / k-cycle solvers need the
 * parameters and live with the model code.
 *
 * Packed code layout: bit i of a code (unit M-P+i) is bit (i % 64) of word (i / 64). Bits
 * at positions >= P are always zero, so codes compare and hash as plain word arrays. A code
 * has bitcode_words(P) = max(1, ceil(P/64)) words: P = 0 still has one (all-zero) word,
 * which is the single empty code every step of a linear model lies in. The string form has
 * one character per bit, unit M-P first ("0110"); P = 0 gives "".
 *
 * Order of codes. Wherever codes are sorted (histograms, alignment), ties in frequency are
 * broken by the string form in lexicographic order, so every output is reproducible.
 */
#ifndef ALRNN_ANALYSIS_H
#define ALRNN_ANALYSIS_H

#include "common.h"

/* ---- bitcodes ------------------------------------------------------------------------- */

static inline int bitcode_words(int P) { return P > 64 ? (P + 63) / 64 : 1; }

/* PAPER.md §1.4, d_{t,i} = 1[z_{t,M-P+i} > 0]: the code of every row of z. */
void bitcode_compute(const real *z /* (n, M) */, int n, int M, int P,
                     uint64_t *codes /* (n, bitcode_words(P)) */);

/* "0110": buf must hold P + 1 chars. Returns buf. */
char *bitcode_to_string(const uint64_t *code /* (W) */, int P, char *buf /* (P + 1) */);

/* Parse P characters '0'/'1' (e.g. a reference code from the command line); dies on
 * anything else or a length other than P. */
void bitcode_from_string(const char *s, int P, uint64_t *code /* (W) */);

/* Number of differing bits. */
int bitcode_hamming(const uint64_t *a /* (W) */, const uint64_t *b /* (W) */, int P);

/* out[t] = hamming(codes[t], ref), e.g. the sMNIST distance-from-reference heatmap. */
void bitcode_hamming_to_ref(const uint64_t *codes /* (n, W) */, int n, const uint64_t *ref,
                            int P, int *out /* (n) */);

/* ---- a set of distinct codes (open addressing) ---------------------------------------- */

/* Maps each distinct code to a dense index 0..n-1, in first-insertion order. Linear probing
 * in a power-of-two slot table kept at most half full; the codes themselves are stored
 * densely, so growing rehashes only the int32 slots. */
struct bitcode_set {
    int P;           /* bits per code */
    int W;           /* words per code, bitcode_words(P) */
    int n;           /* distinct codes held */
    int cap;         /* rows allocated in codes */
    uint64_t *codes; /* (cap, W); rows [0, n) are the codes, in insertion order */
    int32_t *slots;  /* (n_slots) index into codes, -1 = empty */
    int n_slots;     /* power of two, >= 2 n */
};

void bitcode_set_init(struct bitcode_set *s, int P);
void bitcode_set_free(struct bitcode_set *s);
/* Dense index of code, inserting it when new. Indices of earlier codes never change. */
int bitcode_set_insert(struct bitcode_set *s, const uint64_t *code /* (W) */);
/* Dense index of code, or -1. */
int bitcode_set_find(const struct bitcode_set *s, const uint64_t *code /* (W) */);

/* ---- histograms ----------------------------------------------------------------------- */

/* Counts codes over any number of add calls (a test set evaluated batch by batch), then
 * bitcode_counter_hist() takes a sorted snapshot. add_* allocate nothing per step. */
struct bitcode_counter {
    struct bitcode_set set; /* the distinct codes seen */
    int64_t *counts;        /* (set.cap) steps per code, indexed like set.codes */
    int64_t total;          /* steps counted */
    uint64_t *scratch;      /* (W) the code of one state */
};

void bitcode_counter_init(struct bitcode_counter *c, int P);
void bitcode_counter_free(struct bitcode_counter *c);
/* Count the code of every row of z whose select entry is nonzero (select == NULL: all). */
void bitcode_counter_add_states(struct bitcode_counter *c, const real *z /* (n, M) */, int n,
                                int M, const unsigned char *select /* (n) or NULL */);
/* The same for codes already computed by bitcode_compute(). */
void bitcode_counter_add_codes(struct bitcode_counter *c, const uint64_t *codes /* (n, W) */,
                               int n, const unsigned char *select /* (n) or NULL */);

/* The codes seen, by descending count (ties: string order), with counts and frequencies
 * count / total (PAPER.md §4, "normalise by the total number of steps"). */
struct bitcode_hist {
    int P;           /* bits per code */
    int W;           /* words per code */
    int n_codes;     /* distinct codes; 0 when no step was counted */
    int64_t total;   /* steps counted; the counts sum to it */
    uint64_t *codes; /* (n_codes, W) most frequent first */
    int64_t *counts; /* (n_codes) */
    double *freq;    /* (n_codes) counts / total; sums to 1 unless total = 0 */
};

/* Snapshot of the counter (which stays usable). Free with bitcode_hist_free(). */
void bitcode_counter_hist(const struct bitcode_counter *c, struct bitcode_hist *h);
/* One shot: histogram of the selected steps of codes (n, W). */
void bitcode_hist_build(struct bitcode_hist *h, const uint64_t *codes /* (n, W) */, int n, int P,
                        const unsigned char *select /* (n) or NULL */);
void bitcode_hist_free(struct bitcode_hist *h);

/* ---- alignment over the union of codes (Fig 5b) --------------------------------------- */

/* n_dists histograms (e.g. the 11 tasks) as rows of one probability matrix whose columns are
 * the union of their codes, ordered by descending mean frequency over the rows (ties:
 * string order), so the first 20 columns are the heatmap's "top 20 codes". */
struct bitcode_aligned {
    int P;           /* bits per code */
    int W;           /* words per code */
    int n_dists;     /* rows */
    int n_codes;     /* columns: distinct codes over all histograms */
    uint64_t *codes; /* (n_codes, W) the column codes */
    double *prob;    /* (n_dists, n_codes) row d = hist d's freq on these columns, 0 if absent */
};

/* All histograms must share P. A histogram with total = 0 gives a row of zeros. */
void bitcode_align(struct bitcode_aligned *a, const struct bitcode_hist *h /* (n_dists) */,
                   int n_dists);
void bitcode_aligned_free(struct bitcode_aligned *a);

/* ---- Jensen-Shannon divergence -------------------------------------------------------- */

/* PAPER.md §4, JSD(p, q) = ½ KL(p‖m) + ½ KL(q‖m), m = (p + q) / 2, in NATURAL log (nats),
 * 0 log 0 = 0. The plain divergence, not its square root: 0 for p = q, ln 2 ≈ 0.693 (its
 * maximum) for disjoint supports. p and q must each sum to 1 (ASSERTed to 1e-6). */
double jsd_pair(const double *p /* (n) */, const double *q /* (n) */, int n);

/* out[i][j] = JSD(prob_i, prob_j): symmetric with a zero diagonal by construction. */
void jsd_matrix(const double *prob /* (n_dists, n) */, int n_dists, int n,
                double *out /* (n_dists, n_dists) */);

/* ---- PCA ------------------------------------------------------------------------------ */

/* PCA of n points in R^M: covariance S = Xcᵀ Xc / (n - 1) of the mean-centred cloud and its
 * eigen-decomposition (LAPACK syevd). Components are unit rows with a deterministic sign:
 * the entry of largest magnitude (the first one on a tie) is positive. */
struct pca {
    int M;            /* dimension */
    int n;            /* points the fit used */
    real *mean;       /* (M) */
    real *eigval;     /* (M) variance along each component, descending, clamped at >= 0 */
    real *ratio;      /* (M) explained-variance ratios eigval / Σ eigval (0 if Σ = 0) */
    real *components; /* (M, M) row j = component j */
};

/* Needs n >= 2. */
void pca_fit(struct pca *p, const real *X /* (n, M) */, int n, int M);
/* Y = (X - mean) · components[0:k]ᵀ, the coordinates of any points on the first k PCs. */
void pca_project(const struct pca *p, const real *X /* (n, M) */, int n, int k,
                 real *Y /* (n, k) */);
void pca_free(struct pca *p);

/* ---- cycles of autonomous trajectories ------------------------------------------------ */

/* The smallest period k <= max_period such that the last `window` steps satisfy
 *     ||z_t - z_{t-k}|| <= tol (1 + ||z_t||)      (Euclidean norms)
 * A fixed point is period 1. The window must cover every phase of the cycle, so the search
 * uses max(window, k) steps; window = 0 means 2k. tol must be well below the distance the
 * state moves per step on the orbit, or a slow orbit passes as a fixed point. */
struct cycle_params {
    int max_period; /* largest period tried */
    int window;     /* steps checked at the end of the trajectory; 0 = 2k */
    double tol;     /* relative tolerance, see above */
};

struct cycle_params cycle_default_params(void); /* max_period 1000, window 0, tol 1e-5 */

struct cycle_result {
    int period;      /* k, or 0 when no period <= max_period fits (or too few steps) */
    int settle;      /* first step s with z_{t} ≈ z_{t-k} for every t >= s + k; -1 if none */
    int P;           /* bits per code */
    int W;           /* words per code */
    uint64_t *codes; /* (period, W) bitcodes of the last period, steps n_steps-k .. n_steps-1 */
    int n_distinct;  /* distinct subregions among those codes; 0 if none found */
};

void cycle_find(struct cycle_result *r, const real *z /* (n_steps, M) */, int n_steps, int M,
                int P, const struct cycle_params *prm);
void cycle_result_free(struct cycle_result *r);

#endif
