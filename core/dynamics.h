/* dynamics.h: fixed points, k-cycles and subregion graphs of an AL-RNN under constant input.
 *
 * With the input held at s the AL-RNN (PAPER.md §1.1, §1.3) is the autonomous map
 *     F(z) = a ⊙ z + W Φ*(z) + c,        c = h + C s,
 * a = A on units a0..M-1 and 0 below (a0 = M-P in the sequence paper's form, 0 in the DSR
 * form). Inside the subregion Ω of code d (d_i = 1[z_{M-P+i} > 0], PAPER.md §4) it is affine:
 *     F(z) = W_Ω z + c,    W_Ω = diag(a) + W D_Ω,    D_Ω = diag(1..1, d_1..d_P).
 *
 * Fixed point of Ω (PAPER.md §4): z* = (I - W_Ω)^{-1} c, real when code(z*) = Ω, virtual
 * otherwise. k-cycle with code sequence Ω_1..Ω_k: z_{j+1} = W_{Ω_j} z_j + c, z_{k+1} = z_1, so
 *     (I - M_k) z_1 = b_k,   M_k = W_{Ω_k}···W_{Ω_1},   b_1 = c, b_j = W_{Ω_j} b_{j-1} + c,
 * and the solution is a cycle of the map exactly when code(z_j) = Ω_j for every j. Its
 * multipliers are the eigenvalues of M_k. When I - M_k is singular and the system consistent
 * (a rotation by 2π/k in a subregion, a line attractor), the cycles form a family: we report
 * the member nearest a reference point and its dimension.
 *
 * Search (dyn_cycle_try): Eisenmann et al. (NeurIPS 2023, SCYFI): from a guessed code
 * sequence, solve the linear equation, read off the codes of the solution, and move to them
 * until they agree (a cycle) or an iteration budget runs out. Callers supply the guesses:
 * code windows of trajectories, the tails of iterated orbits, random sequences.
 *
 * Every result is verified on the map itself, in double precision: F applied k times to z_1
 * must return to it, ||F^k(z_1) - z_1|| <= DYN_CLOSE_TOL · max(1, ||z_1||), and the codes met on
 * the way must be Ω_1..Ω_k.
 *
 * Deliberately not here: reading run files and writing results (experiments/analyze.c), the
 * float32 training model (alrnn.h); everything here is double.
 */
#ifndef ALRNN_DYNAMICS_H
#define ALRNN_DYNAMICS_H

#include "common.h"

/* Closure tolerance of a verified fixed point or cycle (relative; absolute below norm 1). */
#define DYN_CLOSE_TOL 1e-9

/* The map F under one constant input, in double. Codes are packed as in analysis.h:
 * bit i (unit M-P+i) of word i/64; bitcode_words(P) words. */
struct dyn_map {
    int M, P;  /* latent units, ReLU units (the last P) */
    int a0;    /* first unit the A term acts on */
    int CW;    /* words per code */
    double *a; /* (M) diagonal self-coupling, 0 on units < a0 */
    double *W; /* (M, M) row-major, row = receiving unit */
    double *c; /* (M) h + C s */
};

/* From raw parameters: A (M - a0), W (M, M), h (M), C (M, N), s (N) (C, s may be NULL with
 * N = 0). Copies everything. */
void dyn_map_init(struct dyn_map *f, int M, int P, int a0, const double *A, const double *W,
                  const double *h, const double *C, int N, const double *s);
void dyn_map_free(struct dyn_map *f);

/* z_next (M) = F(z) (M), the map with its ReLU (never the affine pieces). */
void dyn_step(const struct dyn_map *f, const double *z, double *z_next);
/* code (CW words) of z (M). */
void dyn_code(const struct dyn_map *f, const double *z, uint64_t *code);
/* J (M, M) row-major = W_Ω = diag(a) + W D_Ω for code (CW). */
void dyn_region_matrix(const struct dyn_map *f, const uint64_t *code, double *J);

/* Eigenvalues of a general n×n row-major matrix (LAPACK dgeev): re, im (n), sorted by
 * modulus, descending (ties: larger real part first). Dies if dgeev fails. */
void dyn_eig(int n, const double *Arow, double *re, double *im);

/* Stability from the multipliers (eigenvalues of W_Ω or M_k). */
typedef enum {
    DYN_STABLE,   /* every |λ| < 1: an attractor */
    DYN_SADDLE,   /* some |λ| < 1, some > 1 */
    DYN_REPELLER, /* every |λ| > 1 */
    DYN_NEUTRAL,  /* some |λ| within DYN_NEUTRAL_TOL of 1 and none above it */
    DYN_STAB__COUNT
} dyn_stability;
extern const char *const dyn_stability_names[DYN_STAB__COUNT];
/* |λ| - 1 within this counts as on the unit circle (a rotation, a line attractor). */
#define DYN_NEUTRAL_TOL 1e-9
dyn_stability dyn_classify(int n, const double *re, const double *im);

/* Solution of the fixed-point / cycle equation of one code sequence. */
struct dyn_cycle {
    int k;            /* period (1 = fixed point) */
    int CW;           /* words per code */
    uint64_t *codes;  /* (k, CW) the code sequence Ω_1..Ω_k */
    double *z;        /* (k, M) z_1..z_k, z_{j+1} = W_{Ω_j} z_j + c */
    double *mult_re;  /* (M) multipliers: eigenvalues of M_k, by modulus descending */
    double *mult_im;  /* (M) */
    int solvable;     /* 0: I - M_k singular and the equation inconsistent (no point) */
    int family;       /* dimension of the solution set (0: isolated) */
    int consistent;   /* 1: code(z_j) = Ω_j for every j (a real cycle / fixed point) */
    int minimal;      /* 1: z_1..z_k pairwise distinct (the orbit's least period is k) */
    double closure;   /* ||F^k(z_1) - z_1|| / max(1, ||z_1||), applying F itself; for an
                       * inconsistent solution the same on the affine pieces W_Ω z + c */
    double margin;    /* min over j, i of |z_{j, M-P+i}|: distance to the nearest boundary */
    dyn_stability stability;
    double rho;       /* largest multiplier modulus */
};

/* Workspace for cycle solves up to period k_max (reused across candidates; it belongs to the
 * map it was made for, whose products it caches). */
struct dyn_work {
    int M, k_max;
    double *Mk, *tmp, *J;   /* (M, M) each */
    double *Js;             /* (k_max, M, M) the W_Ω along the sequence */
    double *lu;             /* (M, M) column-major */
    double *rhs, *res, *zz; /* (M) each */
    double *traj;           /* (k_max + 1, M) */
    int *ipiv;              /* (M) */
    double *svd_work;       /* LAPACK scratch */
    int n_svd_work;
    /* The products of the last solve, reused for the prefix the next sequence shares with it
     * (a SCYFI move often keeps the first codes): Mpre[j] = W_{Ω_{j+1}}···W_{Ω_1},
     * bpre[j] = b_{j+1}, for the sequence prev (prev_k codes). */
    double *Mpre;           /* (k_max, M, M) */
    double *bpre;           /* (k_max, M) */
    uint64_t *prev;         /* (k_max, CW) */
    int prev_k, CW;
};
void dyn_work_init(struct dyn_work *w, const struct dyn_map *f, int k_max);
void dyn_work_free(struct dyn_work *w);

void dyn_cycle_init(struct dyn_cycle *c, const struct dyn_map *f, int k);
void dyn_cycle_free(struct dyn_cycle *c);

/* Solve for the code sequence codes (k, CW): fills c (codes copied) and verifies it on F.
 * zref (M) or NULL: the point a family member is chosen nearest to (NULL: the origin).
 * Multipliers are computed only for consistent solutions (want_mult = 1 forces them).
 * Returns c->consistent && c->minimal && closure <= DYN_CLOSE_TOL. */
int dyn_cycle_solve(const struct dyn_map *f, struct dyn_work *w, const uint64_t *codes, int k,
                    const double *zref, struct dyn_cycle *c, int want_mult);

/* SCYFI iteration from the guess codes (k, CW): solve, and while the solution's own codes
 * differ from the guess, take them as the next guess, at most max_iter solves. On success c
 * holds the verified cycle. *n_solves receives the linear solves done. Returns 1 on success. */
int dyn_cycle_try(const struct dyn_map *f, struct dyn_work *w, const uint64_t *codes, int k,
                  const double *zref, int max_iter, struct dyn_cycle *c, int *n_solves);

/* Canonical form of a code sequence up to rotation: the rotation whose sequence of words is
 * lexicographically smallest, written to out (k, CW). Two cycles are the same orbit iff their
 * canonical sequences agree. */
void dyn_codes_canonical(const uint64_t *codes, int k, int CW, uint64_t *out);
/* Smallest p dividing k with codes periodic under shift p. */
int dyn_codes_period(const uint64_t *codes, int k, int CW);

#endif
