/* analysis_copy.c: the copy task's training-time analysis (PAPER.md §2.4, §4): the analyze
 * hook of the copy row, run on the kept parameters and written into the run file (read by
 * summarize_copy.c for Figure 3):
 *   /analysis/bitcode/<phase>/   histograms of the codes of the test states z_{t+1}, t = the
 *                                input step, by phase: all | encode (symbols and cue) | delay
 *                                (all-zero input) | recall (loss steps). summary_write_hist().
 *   /analysis/pca/               PCA of every test state z_1..z_T: eigval, ratio (M), mean,
 *                                components (3, M), sample_proj (S, T, 3) of the first S
 *                                test sequences.
 *   /analysis/autonomous/        the model run with zero input (Fig 3b) from the state at
 *                                the start of the delay of test sequences 0 and 1, for
 *                                AUTO_STEPS steps: z (2, AUTO_KEEP+1, M) the first states,
 *                                pc (2, AUTO_KEEP+1, 3), and per start i the settled orbit
 *                                (analysis.h cycle_find): period, settle, n_distinct (codes
 *                                on the cycle), transient_codes (distinct codes before it
 *                                settles), diverged, and cycle_z_<i> (period, M),
 *                                cycle_pc_<i> (period, 3), cycle_codes_<i> (period, P),
 *                                final_norm (the state's norm at the last step).
 *   /analysis/autonomous_loose/  the paper's reading of Fig 3b: zero-input runs from z_0 and
 *                                from the delay onset, periodicity of the bitcode and of the
 *                                PWL units' trace over a window (copy_loose_periodicity)
 *   /analysis/spectrum/          eigenvalues of the subregion matrices W_Ω = diag(a) + W D_Ω
 *                                (PAPER.md §1.4, §4) of the SPEC_TOP most frequent delay-phase
 *                                codes: codes (k, P), freq (k), modulus (k, M) descending,
 *                                angle (k, M) in [0, π] (a pair at ±θ rotates with period 2π/θ)
 */
#include <math.h>
#include <string.h>

#include "analyses.h"
#include "summary.h"

/* ---- copy analyses ------------------------------------------------------------------------- */

enum { PH_ALL, PH_ENCODE, PH_DELAY, PH_RECALL, PH__COUNT };
static const char *const phase_names[] = {"all", "encode", "delay", "recall"};
_Static_assert(ARRAY_LEN(phase_names) == PH__COUNT, "phase_names: one entry per enum value");
static const char *const phase_what[] = {
    "every test state z_1..z_T", "the encoding states (symbol and cue inputs)",
    "the delay states (zero input)", "the recall states (loss steps)"};
_Static_assert(ARRAY_LEN(phase_what) == PH__COUNT, "phase_what: one entry per enum value");

enum {
    HIST_TOP = 256,     /* codes stored per histogram */
    AUTO_STARTS = 2,    /* autonomous runs, from test sequences 0 and 1 */
    AUTO_STEPS = 20000, /* steps of each autonomous run */
    AUTO_KEEP = 1000,   /* states of it stored */
    AUTO_MAX_PERIOD = 2000,
    N_PC = 3,
};
/* Relative tolerance of the cycle test: float32 states on an attracting orbit repeat to
 * ~1e-6 relative; 1e-4 is far below the per-step motion on the orbits seen in the copy runs. */
static const double auto_tol = 1e-4;
enum { SPEC_TOP = 8 }; /* delay-phase subregions whose spectra are stored */

static void copy_write_spectra(const struct alrnn *m, const struct bitcode_hist *h,
                               const struct h5file *f) {
    const int M = m->cfg.M, P = m->cfg.P, k = h->n_codes < SPEC_TOP ? h->n_codes : SPEC_TOP;
    double *mod = xmalloc((size_t)(k ? k : 1) * M * sizeof(double));
    double *ang = xmalloc((size_t)(k ? k : 1) * M * sizeof(double));
    uint8_t *bits = xmalloc((size_t)(k ? k : 1) * (P ? P : 1));
    for (int j = 0; j < k; j++) {
        alrnn_subregion_spectrum(m, h->codes + (size_t)j * h->W, mod + (size_t)j * M,
                                 ang + (size_t)j * M, NULL);
        summary_unpack_code(h->codes + (size_t)j * h->W, P, bits + (size_t)j * P);
    }
    const size_t dk[1] = {k}, dm[2] = {k, M}, dc[2] = {k, P};
    h5_write(f, "/analysis/spectrum/codes", H5K_U8, 2, dc, bits,
             "the most frequent delay-phase subregions (bitcodes)", "bit");
    h5_write(f, "/analysis/spectrum/freq", H5K_F64, 1, dk, h->freq,
             "their frequency among the delay-phase states", "1");
    h5_write(f, "/analysis/spectrum/modulus", H5K_F64, 2, dm, mod,
             "moduli of the eigenvalues of W_Ω, descending", "1");
    h5_write(f, "/analysis/spectrum/angle", H5K_F64, 2, dm, ang,
             "|arg| of the same eigenvalues (a pair at ±θ rotates with period 2π/θ)", "rad");
    free(mod);
    free(ang);
    free(bits);
}

struct copy_ctx {
    const struct dataset *d;
    int M, P, S; /* S: sequences whose PCA projections are stored */
    struct bitcode_counter phase[PH__COUNT];
    unsigned char *sel[PH__COUNT]; /* (T * B) scratch: which rows of a batch each phase counts */
    real *cloud;                   /* (n, T, M) states z_1..z_T of every test sequence */
    real *start;                   /* (AUTO_STARTS, M) states at the start of the delay */
    int n_start;
    real *init;                    /* (AUTO_STARTS, M) initial states z_0 */
};

/* Phase of input step t of sequence i: recall (loss step), delay (all-zero input), encode. */
static int copy_phase(const struct dataset *d, int i, int t) {
    if (d->mask[(size_t)i * d->T_out + t] != 0) return PH_RECALL;
    const real *x = d->x + ((size_t)i * d->T + t) * d->N;
    for (int c = 0; c < d->N; c++)
        if (x[c] != 0) return PH_ENCODE;
    return PH_DELAY;
}

static void copy_visit(void *vctx, int first, int B, int T, const real *Z) {
    struct copy_ctx *c = vctx;
    const struct dataset *d = c->d;
    const int M = c->M;
    ASSERT(T == d->T && d->T_out == d->T);
    for (int p = 0; p < PH__COUNT; p++) memset(c->sel[p], 0, (size_t)T * B);
    for (int b = 0; b < B; b++) {
        const int i = first + b;
        int seen_delay = 0;
        if (i < AUTO_STARTS) memcpy(c->init + (size_t)i * M, Z + (size_t)b * M, M * sizeof(real));
        for (int t = 0; t < T; t++) {
            const int ph = copy_phase(d, i, t);
            const size_t row = (size_t)t * B + b; /* state z_{t+1} */
            c->sel[PH_ALL][row] = 1;
            c->sel[ph][row] = 1;
            memcpy(c->cloud + ((size_t)i * T + t) * M, Z + (row + B) * M, M * sizeof(real));
            if (ph == PH_DELAY && !seen_delay) {
                seen_delay = 1;
                if (i < AUTO_STARTS) { /* the state before the first zero input: z_t */
                    memcpy(c->start + (size_t)i * M, Z + row * M, M * sizeof(real));
                    c->n_start = i + 1 > c->n_start ? i + 1 : c->n_start;
                }
            }
        }
    }
    for (int p = 0; p < PH__COUNT; p++)
        bitcode_counter_add_states(&c->phase[p], Z + (size_t)B * M, T * B, M, c->sel[p]);
}

/* Zero-input run from z (M) for n steps; states (n+1, M) into out. Returns the steps done
 * before the state left the finite range (n if it never did). */
static int copy_autonomous(const struct alrnn *m, const real *z, int n, real *out) {
    const int M = m->cfg.M;
    struct alrnn_work w;
    alrnn_work_alloc(&w, m, n, 1);
    memcpy(w.Z, z, M * sizeof(real));
    real *zero = xcalloc((size_t)m->cfg.N, sizeof(real));
    int done = n;
    for (int t = 1; t <= n && done == n; t++) {
        alrnn_step(m, &w, t, zero);
        for (int j = 0; j < M; j++)
            if (!isfinite(w.Z[(size_t)t * M + j]) || fabs(w.Z[(size_t)t * M + j]) > 1e30)
                done = t - 1;
    }
    memcpy(out, w.Z, (size_t)(done + 1) * M * sizeof(real));
    free(zero);
    alrnn_work_free(&w);
    return done;
}

/* The paper's reading of Fig 3b (PAPER.md §2.4: "run autonomously without input, the model
 * shows a 100-cycle"), tested loosely beside the strict full-state test above: a zero-input
 * run from the initial state z_0 (what "autonomous" means in the reference) and from the
 * delay onset, LOOSE_BURN steps discarded, then over the LOOSE_WIN steps after them:
 *   code_period  the smallest k <= LOOSE_WIN/2 with d_{t+k} = d_t for every t of the window
 *                (the bitcode sequence repeats; 0 = none);
 *   pwl_period   the smallest such k with |z_{t+k,i} - z_{t,i}| <= LOOSE_TOL · (range of unit
 *                i over the window) for the P PWL units (their trace repeats to a few %);
 *   free_period  the same on the units outside the MAR block (M_reg..M-1: the MAR units are
 *                pushed towards a line attractor and may drift without breaking the cycle).
 * A growing rotation (|λ| slightly above 1) passes the loose tests only if its relative shape
 * repeats to LOOSE_TOL; the growth per period is stored beside (pwl_growth). */
enum { LOOSE_BURN = 2000, LOOSE_WIN = 400, LOOSE_STARTS = 2 };
static const double LOOSE_TOL = 0.05; /* a 5 % repeat of each unit's swing: "periodic" by eye */

int analysis_copy_period_trace(const real *traj, int M, int lo, int hi, int t0, int win) {
    if (hi <= lo) return 0;
    double *range = xmalloc((size_t)M * sizeof(double));
    for (int i = lo; i < hi; i++) {
        double mn = INFINITY, mx = -INFINITY;
        for (int t = t0; t < t0 + win; t++) {
            const double v = traj[(size_t)t * M + i];
            mn = v < mn ? v : mn, mx = v > mx ? v : mx;
        }
        range[i] = mx - mn;
    }
    for (int k = 1; k <= win / 2; k++) {
        int ok = 1;
        for (int t = t0; ok && t + k < t0 + win; t++)
            for (int i = lo; ok && i < hi; i++)
                ok = fabs(traj[(size_t)(t + k) * M + i] - traj[(size_t)t * M + i]) <=
                     LOOSE_TOL * range[i];
        if (ok) {
            free(range);
            return k;
        }
    }
    free(range);
    return 0;
}

int analysis_copy_period_code(const real *traj, int M, int P, int t0, int win) {
    if (P == 0) return 1;
    for (int k = 1; k <= win / 2; k++) {
        int ok = 1;
        for (int t = t0; ok && t + k < t0 + win; t++)
            for (int i = M - P; ok && i < M; i++)
                ok = (traj[(size_t)(t + k) * M + i] > 0) == (traj[(size_t)t * M + i] > 0);
        if (ok) return k;
    }
    return 0;
}

/* /analysis/autonomous_loose/: per start (0, 1 = initial state of test sequences 0, 1; 2, 3 =
 * their delay onsets) code_period, pwl_period, free_period, diverged (left the finite range
 * before the window ended), pwl_growth (ratio of the PWL units' RMS over the window's second
 * half to its first half), and z (4, LOOSE_WIN, M) the window's states. */
static void copy_loose_periodicity(const struct alrnn *m, int M_reg, const real *init,
                                   const real *onset, int n_start, const struct h5file *f) {
    const int M = m->cfg.M, P = m->cfg.P, S = 2 * LOOSE_STARTS, n = LOOSE_BURN + LOOSE_WIN;
    real *traj = xmalloc((size_t)(n + 1) * M * sizeof(real));
    real *win = xcalloc((size_t)S * LOOSE_WIN * M, sizeof(real));
    int32_t code_p[2 * LOOSE_STARTS] = {0}, pwl_p[2 * LOOSE_STARTS] = {0},
            free_p[2 * LOOSE_STARTS] = {0}, div[2 * LOOSE_STARTS] = {0};
    double growth[2 * LOOSE_STARTS];
    for (int s = 0; s < S; s++) {
        growth[s] = NAN;
        const int j = s % LOOSE_STARTS;
        if (j >= n_start) continue;
        const real *z = (s < LOOSE_STARTS ? init : onset) + (size_t)j * M;
        const int done = copy_autonomous(m, z, n, traj);
        div[s] = done < n;
        if (div[s]) continue;
        const int t0 = LOOSE_BURN + 1;
        memcpy(win + (size_t)s * LOOSE_WIN * M, traj + (size_t)t0 * M,
               (size_t)LOOSE_WIN * M * sizeof(real));
        code_p[s] = analysis_copy_period_code(traj, M, P, t0, LOOSE_WIN);
        pwl_p[s] = analysis_copy_period_trace(traj, M, M - P, M, t0, LOOSE_WIN);
        free_p[s] = analysis_copy_period_trace(traj, M, M_reg < M ? M_reg : M, M, t0, LOOSE_WIN);
        double a = 0, b = 0;
        for (int t = 0; t < LOOSE_WIN; t++)
            for (int i = M - P; i < M; i++) {
                const double v = traj[(size_t)(t0 + t) * M + i];
                *(t < LOOSE_WIN / 2 ? &a : &b) += v * v;
            }
        growth[s] = a > 0 ? sqrt(b / a) : NAN;
    }
    const size_t d1[1] = {S}, dz[3] = {S, LOOSE_WIN, M};
    const char *g = "/analysis/autonomous_loose";
    h5_write(f, "/analysis/autonomous_loose/code_period", H5K_I32, 1, d1, code_p,
             "smallest period of the bitcode sequence over the window (0 = none <= win/2); "
             "starts: z_0 of test sequences 0, 1, then their delay onsets", "steps");
    h5_write(f, "/analysis/autonomous_loose/pwl_period", H5K_I32, 1, d1, pwl_p,
             "smallest k with every PWL unit repeating to tol times its range over the window",
             "steps");
    h5_write(f, "/analysis/autonomous_loose/free_period", H5K_I32, 1, d1, free_p,
             "the same test on the units outside the MAR block (M_reg..M-1)", "steps");
    h5_write(f, "/analysis/autonomous_loose/diverged", H5K_I32, 1, d1, div,
             "1 if the run left the finite range before the window ended", "1");
    h5_write(f, "/analysis/autonomous_loose/pwl_growth", H5K_F64, 1, d1, growth,
             "RMS of the PWL units over the window's second half / first half", "1");
    h5_write(f, "/analysis/autonomous_loose/z", H5K_REAL, 3, dz, win,
             "the window's states of each run (zeros for a start not run or diverged)",
             "latent units");
    h5_attr_int(f, g, "burn", LOOSE_BURN);
    h5_attr_int(f, g, "window", LOOSE_WIN);
    h5_attr_double(f, g, "tol", LOOSE_TOL);
    h5_attr_int(f, g, "M_reg", M_reg);
    free(traj);
    free(win);
}

void analysis_copy(const struct resolved *r, const struct alrnn *m, const struct dataset *test,
                      uint64_t seed, const struct h5file *f) {
    const int M = m->cfg.M, P = m->cfg.P, T = test->T, n = test->n;
    struct copy_ctx c = {.d = test, .M = M, .P = P, .S = n < 16 ? n : 16};
    for (int p = 0; p < PH__COUNT; p++) {
        bitcode_counter_init(&c.phase[p], P);
        c.sel[p] = xmalloc((size_t)T * r->s.train.batch);
    }
    c.cloud = xmalloc((size_t)n * T * M * sizeof(real));
    c.start = xcalloc((size_t)AUTO_STARTS * M, sizeof(real));
    c.init = xcalloc((size_t)AUTO_STARTS * M, sizeof(real));
    train_forward_each(m, test, 0, r->s.train.batch, seed, copy_visit, &c);

    for (int p = 0; p < PH__COUNT; p++) {
        struct bitcode_hist h;
        bitcode_counter_hist(&c.phase[p], &h);
        char g[64];
        snprintf(g, sizeof g, "/analysis/bitcode/%s", phase_names[p]);
        summary_write_hist(f, g, &h, HIST_TOP, phase_what[p]);
        if (p == PH_DELAY) copy_write_spectra(m, &h, f);
        bitcode_hist_free(&h);
        bitcode_counter_free(&c.phase[p]);
        free(c.sel[p]);
    }

    /* PCA of every test state (Fig 3e) */
    struct pca pc;
    pca_fit(&pc, c.cloud, n * T, M);
    const size_t dM[1] = {M}, dC[2] = {N_PC, M};
    h5_write(f, "/analysis/pca/eigval", H5K_REAL, 1, dM, pc.eigval,
             "variance along each principal component of the test states z_1..z_T, descending",
             "latent units^2");
    h5_write(f, "/analysis/pca/ratio", H5K_REAL, 1, dM, pc.ratio,
             "explained-variance ratio of each principal component", "1");
    h5_write(f, "/analysis/pca/mean", H5K_REAL, 1, dM, pc.mean, "mean test state", "latent units");
    real *comp = xcalloc((size_t)N_PC * M, sizeof(real));
    memcpy(comp, pc.components, (size_t)(M < N_PC ? M : N_PC) * M * sizeof(real));
    h5_write(f, "/analysis/pca/components", H5K_REAL, 2, dC, comp,
             "the first principal components (rows, unit norm; zero rows when M < 3)", "1");
    free(comp);
    h5_write_scalar(f, "/analysis/pca/n_points", (double)n * T, "states in the fit", "states");
    const int k_pc = M < N_PC ? M : N_PC;
    real *proj = xcalloc((size_t)c.S * T * N_PC, sizeof(real));
    real *tmp = xmalloc((size_t)T * (k_pc ? k_pc : 1) * sizeof(real));
    for (int i = 0; i < c.S; i++) {
        pca_project(&pc, c.cloud + (size_t)i * T * M, T, k_pc, tmp);
        for (int t = 0; t < T; t++)
            memcpy(proj + ((size_t)i * T + t) * N_PC, tmp + (size_t)t * k_pc, k_pc * sizeof(real));
    }
    const size_t dp[3] = {c.S, T, N_PC};
    h5_write(f, "/analysis/pca/sample_proj", H5K_REAL, 3, dp, proj,
             "z_1..z_T of the first test sequences on the first 3 principal components",
             "latent units");
    free(proj);
    free(tmp);

    /* autonomous runs (Fig 3b, the 100-cycle) */
    const int ns = c.n_start;
    real *traj = xmalloc((size_t)(AUTO_STEPS + 1) * M * sizeof(real));
    real *keep = xcalloc((size_t)(ns ? ns : 1) * (AUTO_KEEP + 1) * M, sizeof(real));
    real *keep_pc = xcalloc((size_t)(ns ? ns : 1) * (AUTO_KEEP + 1) * N_PC, sizeof(real));
    int32_t period[AUTO_STARTS], settle[AUTO_STARTS], ndist[AUTO_STARTS], ntrans[AUTO_STARTS],
        diverged[AUTO_STARTS];
    double final_norm[AUTO_STARTS];
    const struct cycle_params cp = {.max_period = AUTO_MAX_PERIOD, .window = 0, .tol = auto_tol};
    for (int s = 0; s < ns; s++) {
        const int done = copy_autonomous(m, c.start + (size_t)s * M, AUTO_STEPS, traj);
        diverged[s] = done < AUTO_STEPS;
        double nn = 0;
        for (int j = 0; j < M; j++) nn += (double)traj[(size_t)done * M + j] * traj[(size_t)done * M + j];
        final_norm[s] = sqrt(nn);
        const int nk = done < AUTO_KEEP ? done + 1 : AUTO_KEEP + 1;
        memcpy(keep + (size_t)s * (AUTO_KEEP + 1) * M, traj, (size_t)nk * M * sizeof(real));
        real *kp = keep_pc + (size_t)s * (AUTO_KEEP + 1) * N_PC;
        real *pt = xmalloc((size_t)nk * (k_pc ? k_pc : 1) * sizeof(real));
        pca_project(&pc, traj, nk, k_pc, pt);
        for (int t = 0; t < nk; t++) memcpy(kp + (size_t)t * N_PC, pt + (size_t)t * k_pc,
                                            k_pc * sizeof(real));
        free(pt);
        struct cycle_result cr;
        cycle_find(&cr, traj, done + 1, M, P, &cp);
        period[s] = cr.period, settle[s] = cr.settle, ndist[s] = cr.n_distinct;
        /* distinct codes on the transient, before the orbit settles */
        const int ntr = cr.period ? cr.settle : done + 1;
        struct bitcode_counter tc;
        bitcode_counter_init(&tc, P);
        bitcode_counter_add_states(&tc, traj, ntr, M, NULL);
        ntrans[s] = tc.set.n;
        bitcode_counter_free(&tc);

        char path[128];
        const int k = cr.period;
        const size_t dz[2] = {k, M}, dq[2] = {k, N_PC}, dcode[2] = {k, P};
        const real *zc = traj + (size_t)(done + 1 - k) * M;
        snprintf(path, sizeof path, "/analysis/autonomous/cycle_z_%d", s);
        h5_write(f, path, H5K_REAL, 2, dz, zc, "states of one period of the settled orbit (the "
                 "last period of the run); 0 rows when none was found", "latent units");
        real *cq = xcalloc((size_t)(k ? k : 1) * N_PC, sizeof(real));
        real *cq1 = xmalloc((size_t)(k ? k : 1) * (k_pc ? k_pc : 1) * sizeof(real));
        if (k) pca_project(&pc, zc, k, k_pc, cq1);
        for (int t = 0; t < k; t++) memcpy(cq + (size_t)t * N_PC, cq1 + (size_t)t * k_pc,
                                           k_pc * sizeof(real));
        snprintf(path, sizeof path, "/analysis/autonomous/cycle_pc_%d", s);
        h5_write(f, path, H5K_REAL, 2, dq, cq, "the settled orbit on the first 3 principal "
                 "components of the test states", "latent units");
        free(cq);
        free(cq1);
        uint8_t *bits = xmalloc((size_t)(k ? k : 1) * (P ? P : 1));
        for (int t = 0; t < k; t++)
            summary_unpack_code(cr.codes + (size_t)t * cr.W, P, bits + (size_t)t * P);
        snprintf(path, sizeof path, "/analysis/autonomous/cycle_codes_%d", s);
        h5_write(f, path, H5K_U8, 2, dcode, bits, "bitcodes along one period of the settled "
                 "orbit", "bit");
        free(bits);
        cycle_result_free(&cr);
    }
    const size_t da[3] = {ns, AUTO_KEEP + 1, M}, dq[3] = {ns, AUTO_KEEP + 1, N_PC}, d1[1] = {ns};
    h5_write(f, "/analysis/autonomous/z", H5K_REAL, 3, da, keep,
             "zero-input runs from the state at the start of the delay of test sequences 0, 1: "
             "the first states (zeros after a divergence)", "latent units");
    h5_write(f, "/analysis/autonomous/pc", H5K_REAL, 3, dq, keep_pc,
             "the same states on the first 3 principal components of the test states",
             "latent units");
    h5_write(f, "/analysis/autonomous/period", H5K_I32, 1, d1, period,
             "period of the orbit each run settles on (1 = fixed point, 0 = none found)", "steps");
    h5_write(f, "/analysis/autonomous/settle", H5K_I32, 1, d1, settle,
             "first step on the settled orbit (-1 = none found)", "steps");
    h5_write(f, "/analysis/autonomous/n_distinct", H5K_I32, 1, d1, ndist,
             "distinct subregions (bitcodes) visited along one period", "codes");
    h5_write(f, "/analysis/autonomous/transient_codes", H5K_I32, 1, d1, ntrans,
             "distinct subregions visited before the orbit settles (whole run if none)",
             "codes");
    h5_write(f, "/analysis/autonomous/diverged", H5K_I32, 1, d1, diverged,
             "1 if the state left the finite range before the last step", "1");
    h5_write(f, "/analysis/autonomous/final_norm", H5K_F64, 1, d1, final_norm,
             "Euclidean norm of the last state of each run (before a divergence)",
             "latent units");
    h5_attr_int(f, "/analysis/autonomous", "steps", AUTO_STEPS);
    h5_attr_int(f, "/analysis/autonomous", "max_period", AUTO_MAX_PERIOD);
    h5_attr_double(f, "/analysis/autonomous", "tol", auto_tol);
    free(traj);
    free(keep);
    free(keep_pc);
    copy_loose_periodicity(m, r->s.train.M_reg, c.init, c.start, c.n_start, f);
    pca_free(&pc);
    free(c.cloud);
    free(c.start);
    free(c.init);
}
