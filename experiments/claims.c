/* claims.c: the claims table (C1-C14) and their verdicts (claims.h).
 *
 * How to add a claim: quote the paper's statement and its source from ../shared/PAPER.md,
 * name the figure target it rests on, pick the per-seed quantity (a scalar dataset of the run
 * file, or a claim_derive_fn over its /analysis groups, documented at the top of the
 * experiment's analysis_*.c), the arms and the rule. Fix every threshold here before any run of
 * the claim exists, and give each arm's experiment a verify override (experiments/table.c)
 * with the arm's P and >= CLAIM_MIN_SEEDS seeds. A claim whose quantity needs an
 * analysis the run files do not have says so in .pending (it stays inconclusive).
 *
 * Choices fixed here (before any verify run):
 *  - "sparse P" of the real-data claims is P = 10 (10 % of M = 100) for IMDb, sMNIST and
 *    audio alike; "P = M" is the profile's M.
 *  - the addition "solved" criterion for the arm that must fail: mean test MSE below 0.04
 *    (Hochreiter & Schmidhuber's success threshold, on our MSE scale).
 *  - contextual integration: P = 0 "succeeds" if its mean test accuracy exceeds 0.9.
 *  - "few codes" (C5): fewer than 64 (1/16) of the 1024 codes of P = 10 visited in recall.
 *  - "concentrate on few subregions" (C9): the 8 most frequent of the 1024 codes of P = 10
 *    hold more than half of all IMDb steps.
 *  - "close to one" / "aligns closely" (C10): |lambda| within 0.05 of 1, |cos| above 0.8.
 *  - "a 100-cycle whose transient stays in one subregion" (C4): per seed 1 or 0, 1 when the
 *    zero-input orbit of the kept P = 1 model from the state before the first zero input of
 *    test sequence 0 (analysis_copy.c's start; the copy row's z_0 is random, so z = 0 is no
 *    convention of it) settles, within 5000 steps, on a code sequence of least period exactly
 *    100 whose cycle equation has an exact, consistent, stable solution, and every state
 *    before the codes turn periodic for good has one code. Threshold 0.5: a seed counts when
 *    it has the property.
 */
#include "claims.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "alrnn.h"
#include "analysis.h"
#include "dynamics.h"
#include "rng.h"
#include "summary.h"

const char *const claim_verdict_names[3] = {
    [VERDICT_REPRODUCED] = "reproduced",
    [VERDICT_NOT_REPRODUCED] = "not reproduced",
    [VERDICT_INCONCLUSIVE] = "inconclusive",
};

const char *const claim_select_names[CLAIM_SELECT__COUNT] = {
    [CLAIM_SELECT_KEPT] = "kept",
    [CLAIM_SELECT_FINAL] = "final",
    [CLAIM_SELECT_BEST_VAL] = "best_val",
};

/* ---- derived per-seed quantities ------------------------------------------------------- */

static int need(const struct h5file *f, const char *path, char *why, size_t n) {
    if (h5_exists(f, path)) return 1;
    snprintf(why, n, "%.400s lacks %.100s", f->path, path);
    return 0;
}

/* C2: of the subregion switches of the stored test sequences of an addition run
 * (/test/sample: x (S, T, 2) with the mark in channel 1, bitcode (S, T+1, P) of z_0..z_T),
 * the share that happen when a marked input arrives or in the two steps after it. A switch
 * is code(z_t) != code(z_{t-1}) for t = 2..T (z_0 is a random initial state); input x_{t-1}
 * (0-based t-1) drives z_t. A run that never switches scores 0. */
static double derive_switch_share_at_marks(const struct h5file *f, char *why, size_t n, char *note,
                                           size_t nn) {
    if (!need(f, "/test/sample/x", why, n) || !need(f, "/test/sample/bitcode", why, n))
        return NAN;
    size_t k, dx[4], dc[4];
    int rx, rc;
    double *x = h5_read_f64(f, "/test/sample/x", &k, &rx, dx);
    uint8_t *c = h5_read_u8(f, "/test/sample/bitcode", &k, &rc, dc);
    double v = NAN;
    if (rx != 3 || rc != 3 || dx[2] != 2 || dc[0] != dx[0] || dc[1] != dx[1] + 1 || dc[2] < 1)
        snprintf(why, n, "%s: /test/sample/x or bitcode has an unexpected shape", f->path);
    else {
        const size_t S = dx[0], T = dx[1], P = dc[2];
        long at = 0, all = 0;
        for (size_t i = 0; i < S; i++)
            for (size_t t = 2; t <= T; t++) {
                const uint8_t *a = c + (i * (T + 1) + t) * P, *b = a - P;
                if (!memcmp(a, b, P)) continue;
                all++;
                int near = 0; /* a mark at input t-1, t-2 or t-3 */
                for (size_t back = 1; back <= 3 && back <= t; back++)
                    near |= x[(i * T + t - back) * 2 + 1] > 0.5;
                at += near;
            }
        v = all ? (double)at / all : 0;
    }
    free(x);
    free(c);
    return v;
}

/* C9: share of all analysed IMDb steps in the 8 most frequent codes (analysis_realdata.c). */
static double derive_top8_share(const struct h5file *f, char *why, size_t n, char *note,
                                size_t nn) {
    if (!need(f, "/analysis/bitcode/count", why, n) || !need(f, "/analysis/bitcode/total", why, n))
        return NAN;
    size_t k;
    double *c = h5_read_f64(f, "/analysis/bitcode/count", &k, NULL, NULL);
    const double total = h5_read_scalar(f, "/analysis/bitcode/total");
    double top = 0;
    for (int pick = 0; pick < 8 && pick < (int)k; pick++) { /* the largest remaining count */
        size_t best = 0;
        for (size_t i = 1; i < k; i++) best = c[i] > c[best] ? i : best;
        top += c[best];
        c[best] = -1;
    }
    free(c);
    return total > 0 ? top / total : NAN;
}

/* C12: mean JSD between a pro and an anti task minus the mean JSD within the pro group and
 * within the anti group (Delay, React, Cat; tasks 0-5 in MULTITASK_LIST order, pro even),
 * from /analysis/jsd/trial (11, 11) (analysis_multitask.c). > 0: pro and anti form two groups. */
static double derive_pro_anti_contrast(const struct h5file *f, char *why, size_t n, char *note,
                                       size_t nn) {
    if (!need(f, "/analysis/jsd/trial", why, n)) return NAN;
    size_t k, dims[4];
    int rank;
    double *j = h5_read_f64(f, "/analysis/jsd/trial", &k, &rank, dims);
    if (rank != 2 || dims[0] != 11 || dims[1] != 11) {
        free(j);
        snprintf(why, n, "%s: /analysis/jsd/trial is not 11 x 11", f->path);
        return NAN;
    }
    double across = 0, within = 0;
    int na = 0, nw = 0;
    for (int a = 0; a < 6; a++)
        for (int b = a + 1; b < 6; b++) {
            if (a % 2 != b % 2) across += j[a * 11 + b], na++;
            else within += j[a * 11 + b], nw++;
        }
    free(j);
    return across / na - within / nw;
}

/* C14: decoder subregion switch rate at construct boundaries (offset 0, row "any") minus the
 * rate at boundary-free interior positions (scan_run.c /analysis/boundary). The note gives
 * the alignment against the shuffled-boundary null when the run has it
 * (/analysis/boundary_null): the one-sided permutation p of the boundary switch rate, and the
 * decoder units flipping more (p < 0.05) and less (p > 0.95) often at boundaries than at
 * shuffled positions. */
static double derive_boundary_switch_excess(const struct h5file *f, char *why, size_t n, char *note,
                                            size_t nn) {
    const char *need_p[] = {"/analysis/boundary/offset", "/analysis/boundary/switch_rate",
                            "/analysis/boundary/nonboundary_switch_rate"};
    for (int i = 0; i < 3; i++)
        if (!need(f, need_p[i], why, n)) return NAN;
    size_t ko, ks, dims[4];
    int rank;
    int32_t *off = h5_read_i32(f, "/analysis/boundary/offset", &ko, NULL, NULL);
    double *sw = h5_read_f64(f, "/analysis/boundary/switch_rate", &ks, &rank, dims);
    int k0 = -1;
    for (size_t i = 0; i < ko; i++)
        if (off[i] == 0) k0 = (int)i;
    double v = NAN;
    if (rank == 2 && k0 >= 0 && dims[1] == ko)
        v = sw[(dims[0] - 1) * dims[1] + (size_t)k0] -
            h5_read_scalar(f, "/analysis/boundary/nonboundary_switch_rate");
    else snprintf(why, n, "%s: unexpected /analysis/boundary layout", f->path);
    free(off);
    free(sw);
    if (isfinite(v) && h5_exists(f, "/analysis/boundary_null/switch_p") &&
        h5_exists(f, "/analysis/boundary_null/unit_p")) {
        size_t nu;
        double *up = h5_read_f64(f, "/analysis/boundary_null/unit_p", &nu, NULL, NULL);
        int more = 0, less = 0;
        for (size_t i = 0; i < nu; i++) more += up[i] < 0.05, less += up[i] > 0.95;
        snprintf(note, nn, "null p %.2g; units more/less %d/%d of %zu",
                 h5_read_scalar(f, "/analysis/boundary_null/switch_p"), more, less, nu);
        free(up);
    }
    return v;
}

/* C10: in the most visited subregion Ω of the run (/analysis/bitcode/code row 0; P = 0:
 * the one region), the modulus |λ| of W_Ω's leading eigenvalue and |cos| between its
 * eigenvector and PC1 of the analysed final states (/analysis/final_z), as figure2's
 * write_spectra computes them for the shown model. Score = min((0.05 - ||λ| - 1|) / 0.05,
 * (|cos| - 0.8) / 0.2): > 0 exactly when |λ| is within 0.05 of 1 and |cos| > 0.8. A complex
 * leading eigenvalue has no real eigenvector to align: cos = 0. */
static double derive_slow_mode_pc1(const struct h5file *f, char *why, size_t n, char *note,
                                   size_t nn) {
    const char *need_p[] = {"/model/W", "/analysis/final_z"};
    for (int i = 0; i < 2; i++)
        if (!need(f, need_p[i], why, n)) return NAN;
    const int P = (int)h5_read_attr_int(f, "/", "P");
    if (P > 0 && !need(f, "/analysis/bitcode/code", why, n)) return NAN;
    size_t k, dw[4], dz[4], dc[4];
    int rank;
    double *W = h5_read_f64(f, "/model/W", &k, &rank, dw);
    const int M = (int)dw[0];
    double *A = NULL;
    size_t na = 0;
    if (h5_exists(f, "/model/A")) A = h5_read_f64(f, "/model/A", &na, NULL, NULL);
    const int nw = bitcode_words(P);
    uint64_t *code = xcalloc((size_t)nw, sizeof *code);
    if (P > 0) {
        uint8_t *bits = h5_read_u8(f, "/analysis/bitcode/code", &k, NULL, dc);
        for (int i = 0; i < P; i++)
            if (bits[i]) code[i >> 6] |= (uint64_t)1 << (i & 63);
        free(bits);
    }
    double *z64 = h5_read_f64(f, "/analysis/final_z", &k, NULL, dz);
    const int nz = (int)dz[0];
    real *z = xmalloc(sizeof *z * k);
    for (size_t i = 0; i < k; i++) z[i] = (real)z64[i];
    double *mod = xmalloc(sizeof *mod * (size_t)M), *ang = xmalloc(sizeof *ang * (size_t)M),
           *lead = xmalloc(sizeof *lead * (size_t)M);
    double v = NAN;
    if (rank != 2 || (int)dw[1] != M || (int)dz[1] != M || nz < 2)
        snprintf(why, n, "%s: /model/W or /analysis/final_z has an unexpected shape", f->path);
    else {
        const int real_lead = subregion_spectrum(M, P, M - (int)na, A, W, code, mod, ang, lead);
        struct pca pc;
        pca_fit(&pc, z, nz, M);
        double cs = 0;
        for (int i = 0; real_lead && i < M; i++) cs += lead[i] * pc.components[i];
        pca_free(&pc);
        const double a = (0.05 - fabs(mod[0] - 1)) / 0.05, b = (fabs(cs) - 0.8) / 0.2;
        v = a < b ? a : b;
    }
    free(W), free(A), free(code), free(z64), free(z), free(mod), free(ang), free(lead);
    return v;
}

/* C4: the autonomous P = 1 copy model (PAPER.md 2.4, 4). From z_0 = the state before the
 * first all-zero input of stored test sequence 0 (/test/sample/z, x; the start of
 * analysis_copy.c's autonomous runs: the copy row draws z_0 at random, so z = 0 is no
 * convention of it), the kept model is iterated in double with zero input, z_{t+1} = F(z_t),
 * c = h (dynamics.h; A on the units the form says), for C4_SETTLE + 2 C4_MAX_PERIOD steps.
 *   period     the least k <= C4_MAX_PERIOD with code(z_t) = code(z_{t+k}) for every t of the
 *              last 2 C4_MAX_PERIOD steps (0: none, no cycle);
 *   exact      dyn_cycle_solve on the codes of z_{C4_SETTLE}..z_{C4_SETTLE+k-1} finds a
 *              consistent cycle of least period k that closes on F (DYN_CLOSE_TOL);
 *   stability  of its multipliers (eigenvalues of M_k);
 *   transient  the states z_0..z_{s-1} before the code sequence turns k-periodic for good
 *              (s the least step with code(z_t) = code(z_{t+k}) for every later t of the run);
 *              an orbit whose codes repeat with period k converges to the stable cycle of
 *              those codes, so s is where the orbit has entered it.
 * Quantity: 1 when the cycle is exact, stable, of period `period`, and every transient state
 * has the same code (an empty transient included); else 0, also when the orbit leaves the
 * finite range (a diverging orbit has no 100-cycle: the model lacks the property, the run is
 * not broken). NAN: no model, P != 1, or no stored test sequence with a zero input. */
enum { C4_SETTLE = 5000, C4_MAX_PERIOD = 1000 };
/* an iterated state beyond this norm has diverged (affine per region: growth is exponential) */
static const double c4_diverge_norm = 1e12;

double claim_autonomous_cycle(const struct h5file *f, int period, struct claim_cycle *out,
                              char *why, size_t n) {
    memset(out, 0, sizeof *out);
    out->stability = -1;
    const char *need_p[] = {"/model/W", "/model/A", "/model/h", "/test/sample/z",
                            "/test/sample/x"};
    for (int i = 0; i < 5; i++)
        if (!need(f, need_p[i], why, n)) return NAN;
    const int P = h5_has_attr(f, "/", "P") ? (int)h5_read_attr_int(f, "/", "P") : -1;
    if (P != 1) {
        snprintf(why, n, "%.400s: P = %d, the autonomous cycle is read at P = 1", f->path, P);
        return NAN;
    }
    size_t k, dw[4], dz[4], dx[4];
    int rw, rz, rx;
    double *W = h5_read_f64(f, "/model/W", &k, &rw, dw);
    size_t nA, nh;
    double *A = h5_read_f64(f, "/model/A", &nA, NULL, NULL);
    double *h = h5_read_f64(f, "/model/h", &nh, NULL, NULL);
    double *zs = h5_read_f64(f, "/test/sample/z", &k, &rz, dz);
    double *xs = h5_read_f64(f, "/test/sample/x", &k, &rx, dx);
    const int M = (int)dw[0];
    char *form = h5_exists(f, "/config") && h5_has_attr(f, "/config", "form")
                     ? h5_read_attr_str(f, "/config", "form")
                     : NULL;
    /* PAPER.md 1.2/1.3: A acts on the P ReLU units (seq) or on all M (dsr) */
    const int want_A = form ? (!strcmp(form, "dsr") ? M : P) : (int)nA;
    free(form);
    int t0 = -1; /* the first all-zero input of sequence 0 */
    if (rz == 3 && rx == 3 && dz[1] == dx[1] + 1)
        for (size_t t = 0; t < dx[1] && t0 < 0; t++) {
            int zero = 1;
            for (size_t c = 0; c < dx[2]; c++) zero &= xs[t * dx[2] + c] == 0;
            if (zero) t0 = (int)t;
        }
    double v = NAN;
    if (rw != 2 || (int)dw[1] != M || (int)nh != M || (int)nA != want_A || (int)nA < P)
        snprintf(why, n, "%.400s: /model/W, A or h do not fit M = %d, P = %d", f->path, M, P);
    else if (rz != 3 || (int)dz[2] != M || t0 < 0)
        snprintf(why, n, "%.400s: no stored test sequence with a zero input in /test/sample",
                 f->path);
    else {
        struct dyn_map map;
        dyn_map_init(&map, M, P, M - (int)nA, A, W, h, NULL, 0, NULL);
        const int T = C4_SETTLE + 2 * C4_MAX_PERIOD; /* steps */
        double *z = xmalloc(sizeof *z * (size_t)(T + 1) * M);
        uint64_t *code = xcalloc((size_t)T + 1, sizeof *code); /* P = 1: one word */
        memcpy(z, zs + (size_t)t0 * M, sizeof *z * (size_t)M);
        int done = 1;
        for (int t = 0; t <= T && done; t++) {
            const double *zt = z + (size_t)t * M;
            double nn = 0;
            for (int i = 0; i < M; i++) nn += zt[i] * zt[i];
            done = isfinite(nn) && sqrt(nn) <= c4_diverge_norm;
            dyn_code(&map, zt, code + t);
            if (t < T && done) dyn_step(&map, zt, z + (size_t)(t + 1) * M);
        }
        if (!done) {
            out->diverged = 1;
            v = 0;
        } else {
            for (int p = 1; p <= C4_MAX_PERIOD && !out->period; p++) {
                int ok = 1;
                for (int t = C4_SETTLE; ok && t + p <= T; t++) ok = code[t] == code[t + p];
                if (ok) out->period = p;
            }
            const int kp = out->period;
            if (kp) {
                int s = T - kp; /* the least step from which the codes repeat with period kp */
                while (s > 0 && code[s - 1] == code[s - 1 + kp]) s--;
                out->transient = s;
                out->transient_codes = s > 0; /* P = 1: one or two codes */
                for (int t = 1; t < s; t++)
                    if (code[t] != code[0]) out->transient_codes = 2;
                struct dyn_work w;
                struct dyn_cycle cyc;
                dyn_work_init(&w, &map, kp);
                dyn_cycle_init(&cyc, &map, kp);
                out->exact = dyn_cycle_solve(&map, &w, code + C4_SETTLE, kp,
                                             z + (size_t)C4_SETTLE * M, &cyc, 1);
                out->stability = (int)cyc.stability;
                out->rho = cyc.rho;
                if (!out->exact) out->stability = -1;
                dyn_cycle_free(&cyc);
                dyn_work_free(&w);
            }
            v = kp == period && out->exact && out->stability == DYN_STABLE &&
                out->transient_codes <= 1;
        }
        free(z);
        free(code);
        dyn_map_free(&map);
    }
    free(W), free(A), free(h), free(zs), free(xs);
    return v;
}

/* C4: the quantity, and a note of what the orbit settled on. */
static double derive_autonomous_100_cycle(const struct h5file *f, char *why, size_t n,
                                          char *note, size_t nn) {
    struct claim_cycle cy;
    const double v = claim_autonomous_cycle(f, CLAIM_C4_PERIOD, &cy, why, n);
    if (isnan(v)) snprintf(note, nn, "no reading");
    else if (cy.diverged) snprintf(note, nn, "orbit diverges (norm > %g)", c4_diverge_norm);
    else if (!cy.period) snprintf(note, nn, "no period <= %d", C4_MAX_PERIOD);
    else
        snprintf(note, nn, "period %d, %s; transient %d step%s, %d code%s", cy.period,
                 cy.exact ? dyn_stability_names[cy.stability] : "not exact", cy.transient,
                 cy.transient == 1 ? "" : "s", cy.transient_codes,
                 cy.transient_codes == 1 ? "" : "s");
    return v;
}

/* ---- the table ------------------------------------------------------------------------- */

#define ARM(e, p) {.experiment = (e), .P = (p)}
#define REAL_SPARSE_CLAIM(id_, exp_, fig_, stmt_, src_, paper_only_)                           \
    {                                                                                          \
        .id = id_, .statement = stmt_, .source = src_, .figure = fig_, .kind = CLAIM_COMPARE,  \
        .quantity = "/test/accuracy", .units = "accuracy",                                     \
        .cmp = {{ARM(exp_, "10"), ARM(exp_, "0")}, {ARM(exp_, "10"), ARM(exp_, "M")}},         \
        .rule = "test accuracy at P = 10 above both P = 0 and P = M: each one-sided exact "    \
                "Mann-Whitney, claim p = the larger (intersection-union)",                     \
        .paper_only = paper_only_,                                                             \
    }

const struct claim claims[] = {
    {.id = "C1",
     .statement = "An AL-RNN without ReLU nonlinearity cannot solve the addition problem. "
                  "(P = 0 fails; P >= 1 solves it.)",
     .source = "Proposition 1; Fig 4a caption (PAPER.md 2.5, 3)",
     .figure = "figure4",
     .kind = CLAIM_COMPARE,
     .quantity = "/test/mse",
     .lower_is_better = 1,
     .units = "test MSE",
     .cmp = {{ARM("addition", "2"), ARM("addition", "0")}},
     .has_fail = 1,
     .fail_at = 0.04,
     .rule = "test MSE at P = 2 (Fig 4b's P) below P = 0, one-sided exact Mann-Whitney; not "
             "reproduced if P = 0's mean MSE < 0.04 (solved)"},
    {.id = "C2",
     .statement = "Addition: the latent state stays in one linear subregion except at the two "
                  "marked inputs, where the PWL units switch.",
     .source = "Fig 4b,c captions (PAPER.md 2.5, 3)",
     .figure = "figure4",
     .kind = CLAIM_THRESHOLD,
     .quantity = "share of subregion switches at a marked input or the 2 steps after it",
     .derive = derive_switch_share_at_marks,
     .units = "share of switches",
     .arm = ARM("addition", "2"),
     .threshold = 0.5,
     .rule = "per seed, over the 16 stored test sequences, the share of bitcode changes at a "
             "marked input or the 2 steps after it, above 0.5, one-sided exact sign test "
             "(>= 8 seeds to pass Holm: a paper-profile claim; at verify its statistics on "
             "the 6 C1 runs are shown)",
     .paper_only = 1},
    {.id = "C3",
     .statement = "Copy-task recall improves from P = 0 to small P.",
     .source = "Fig 3c caption, symbol-wise recall accuracy vs P (PAPER.md 2.4, 3)",
     .figure = "figure3",
     .kind = CLAIM_COMPARE,
     .quantity = "/test/symbol_accuracy",
     .units = "recall accuracy",
     .cmp = {{ARM("copy", "1"), ARM("copy", "0")}},
     .rule = "symbol-wise recall accuracy at P = 1 (Fig 3a,b's P) above P = 0, one-sided "
             "exact Mann-Whitney"},
    {.id = "C4",
     .statement = "Run autonomously without input, the P = 1 model shows a 100-cycle whose "
                  "transient stays in one subregion.",
     .source = "Fig 3b caption (PAPER.md 2.4, 3)",
     .figure = "figure3",
     .kind = CLAIM_THRESHOLD,
     .quantity = "exact stable autonomous 100-cycle after a one-subregion transient",
     .derive = derive_autonomous_100_cycle,
     .units = "1 if the seed has it, else 0",
     .arm = ARM("copy", "1"),
     .threshold = 0.5,
     .rule = "per seed, the kept model run with zero input from the state before the first "
             "zero input of test sequence 0 (the start of analysis_copy.c's autonomous runs) "
             "for 7000 steps: 1 if the code sequence of the last 2000 steps repeats with least "
             "period 100, the linear system of those 100 codes (dynamics.h) has an exact, "
             "consistent, stable solution (every multiplier inside the unit circle), and "
             "every state before the codes turn periodic lies in one subregion; else 0. Above "
             "0.5, one-sided exact sign test (>= 8 seeds to pass Holm: a paper-profile claim; "
             "at verify its statistics on the 6 C3 runs at P = 1 are shown)",
     .paper_only = 1},
    {.id = "C5",
     .statement = "At P = 10, recall uses only a few of the 1024 possible bitcodes.",
     .source = "Fig 3d caption (PAPER.md 2.4, 3)",
     .figure = "figure3",
     .kind = CLAIM_THRESHOLD,
     .quantity = "/analysis/bitcode/recall/n_codes",
     .lower_is_better = 1,
     .units = "distinct recall codes",
     .arm = ARM("copy", "10"),
     .threshold = 64,
     .rule = "distinct codes visited in the recall phase below 64 (1/16 of 1024), one-sided "
             "exact sign test (>= 8 seeds to pass Holm; copy's 8000 epochs make that a paper-"
             "profile claim)",
     .paper_only = 1},
    REAL_SPARSE_CLAIM("C6", "imdb", "figure2",
                      "Sparse nonlinearity beats both the linear and the fully nonlinear model "
                      "(IMDb).",
                      "Fig 2a caption; abstract (PAPER.md 2.1, 3)", 0),
    REAL_SPARSE_CLAIM("C7", "smnist", "figure2",
                      "Classification accuracy is non-monotone in P: sparse P beats both P = 0 "
                      "and P = M (sMNIST).",
                      "Fig 2e caption, mean +- std over 10 seeds (PAPER.md 2.2, 3)", 1),
    REAL_SPARSE_CLAIM("C8", "audio", "figure-audio",
                      "Classification accuracy is non-monotone in P: sparse P beats both P = 0 "
                      "and P = M (audio).",
                      "PAPER.md 2.3 and 3 (appendix figure, not readable; FSDD stands in for "
                      "Speech Commands)", 0),
    {.id = "C9",
     .statement = "Bitcode frequencies concentrate on a few subregions (IMDb).",
     .source = "Fig 2d caption (PAPER.md 2.1, 3)",
     .figure = "figure2",
     .kind = CLAIM_THRESHOLD,
     .quantity = "share of steps in the 8 most frequent codes",
     .derive = derive_top8_share,
     .units = "share",
     .arm = ARM("imdb", "10"),
     .threshold = 0.5,
     .rule = "share of analysed steps in the 8 most frequent of 1024 codes above 0.5, "
             "one-sided exact sign test"},
    {.id = "C10",
     .statement = "The eigenvalue spectrum has a maximum value close to one whose eigenvector "
                  "aligns closely with the first PC (IMDb).",
     .source = "Fig 2 caption, v1 (PAPER.md 2.1, 3)",
     .figure = "figure2",
     .kind = CLAIM_THRESHOLD,
     .quantity = "slow-mode score min((0.05 - abs(abs(lambda_max) - 1)) / 0.05, "
                 "(abs(cos(v_max, PC1)) - 0.8) / 0.2)",
     .derive = derive_slow_mode_pc1,
     .units = "score, > 0 when both hold",
     .arm = ARM("imdb", "10"),
     .threshold = 0,
     .rule = "per seed, in the most visited subregion: leading eigenvalue modulus within 0.05 "
             "of 1 and its eigenvector's |cos| with PC1 of the final states above 0.8 (score "
             "> 0), one-sided exact sign test"},
    {.id = "C11",
     .statement = "20 per task: P = 1-8 beat both linear and fully nonlinear; 50 per task: "
                  "P = 4-16 are best; 500 per task: full nonlinearity (P = 64) is best, with "
                  "sparse models competitive.",
     .source = "Fig 5a caption, mean over 5 models (PAPER.md 2.8, 3)",
     .figure = "figure5",
     .kind = CLAIM_COMPARE,
     .quantity = "/test/accuracy",
     .units = "mean test accuracy over the 11 tasks",
     .cmp = {{ARM("multitask_n20", "1,2,4,8"), ARM("multitask_n20", "0")},
             {ARM("multitask_n20", "1,2,4,8"), ARM("multitask_n20", "M")},
             {ARM("multitask_n50", "4,8,16"), ARM("multitask_n50", "0")},
             {ARM("multitask_n50", "4,8,16"), ARM("multitask_n50", "M")},
             {ARM("multitask_n500", "M"), ARM("multitask_n500", "0")}},
     .rule = "per seed the mean accuracy over the sparse P band; five one-sided exact "
             "Mann-Whitney comparisons, claim p = the largest; 'sparse competitive at 500' "
             "(an equivalence without a margin) is not tested"},
    {.id = "C12",
     .statement = "JSD between tasks' bitcode distributions: at P = 2 and 4 the pro variants "
                  "cluster and the anti variants form a separate group; at large P the "
                  "structure disappears.",
     .source = "Fig 5b caption, mean over 5 runs (PAPER.md 2.8, 3)",
     .figure = "figure5",
     .kind = CLAIM_COMPARE,
     .quantity = "pro/anti JSD contrast (across minus within, nats)",
     .derive = derive_pro_anti_contrast,
     .units = "nats",
     .cmp = {{ARM("multitask_n50", "2,4"), ARM("multitask_n50", "M")}},
     .rule = "per seed JSD(pro, anti) minus within-group JSD over Delay/React/Cat, mean of "
             "P = 2 and 4, above P = M, at 50 trials per task (the caption names no n), "
             "one-sided exact Mann-Whitney"},
    {.id = "C13",
     .statement = "Single PWL units route the two rules into distinct linear subregions, "
                  "implementing a context-dependent sign switch that linear dynamics cannot "
                  "produce.",
     .source = "PAPER.md 2.6 (appendix figure not readable)",
     .figure = "figure-context",
     .kind = CLAIM_COMPARE,
     .quantity = "/test/accuracy",
     .units = "test accuracy",
     .cmp = {{ARM("context", "1"), ARM("context", "0")}},
     .has_fail = 1,
     .fail_at = 0.9,
     .rule = "test accuracy at P = 1 above P = 0, one-sided exact Mann-Whitney; not reproduced "
             "if P = 0's mean accuracy > 0.9; the routing itself is drawn by figure-context, "
             "not tested"},
    {.id = "C14",
     .statement = "Subregion switches of the decoder are synchronised with switches between "
                  "linguistic constructs (SCAN).",
     .source = "PAPER.md 2.9 (appendix figure not readable)",
     .figure = "figure-scan",
     .kind = CLAIM_THRESHOLD,
     .quantity = "decoder switch rate at construct boundaries minus elsewhere",
     .derive = derive_boundary_switch_excess,
     .units = "switch rate",
     .arm = ARM("scan_simple", "16"),
     .threshold = 0,
     .rule = "switch rate at boundary offset 0 (all constructs) minus the boundary-free rate, "
             "above 0, one-sided exact sign test",
     .paper_only = 1},
};
const int n_claims = (int)ARRAY_LEN(claims);

const struct claim *claim_find(const char *id) {
    for (int i = 0; i < n_claims; i++)
        if (strcmp(claims[i].id, id) == 0) return &claims[i];
    return NULL;
}

/* ---- arms and run files ---------------------------------------------------------------- */

/* The arms of a claim in order (compare: hi0, lo0, hi1, lo1, ...). */
static int claim_arms(const struct claim *c, const struct claim_arm **out) {
    int n = 0;
    if (c->kind == CLAIM_THRESHOLD) out[n++] = &c->arm;
    else
        for (int k = 0; k < CLAIM_MAX_CMP && c->cmp[k].hi.experiment; k++) {
            out[n++] = &c->cmp[k].hi;
            out[n++] = &c->cmp[k].lo;
        }
    return n;
}

/* Parse an arm's P list at a resolved row; returns the count, or -1 with the offending P in
 * *bad when one exceeds M. */
static int arm_P(const struct claim_arm *a, const struct resolved *r, int *P, int *bad) {
    int n = 0;
    for (const char *s = a->P; *s;) {
        ASSERT(n < MAX_GRID);
        char *end;
        int v;
        if (*s == 'M') {
            v = r->s.M;
            end = (char *)s + 1;
        } else {
            v = (int)strtol(s, &end, 10);
            ASSERT(end != s && v >= 0);
        }
        if (v > r->s.M) {
            *bad = v;
            return -1;
        }
        P[n++] = v;
        ASSERT(*end == ',' || *end == 0);
        s = *end ? end + 1 : end;
    }
    return n;
}

static int claim_trained_at(const struct claim *c, profile_kind p) {
    return !c->pending && (!c->paper_only || p == PROFILE_PAPER);
}

/* ---- row substitution (--row from=to) ------------------------------------------------------ */

enum { MAX_ROW_SUB = 8 };
static struct {
    char from[64], to[64];
} row_sub[MAX_ROW_SUB];
static int n_row_sub;
static char row_sub_text[MAX_ROW_SUB * 136];

void claims_substitute_rows(const char *spec) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq || eq == t || !eq[1]) die("--row %s: write FROM=TO (two rows of the table)", t);
        *eq = 0;
        const struct experiment *a = experiment_find(t), *b = experiment_find(eq + 1);
        if (!a) die("--row: unknown row '%s' (bin/alrnn list shows the rows)", t);
        if (!b) die("--row: unknown row '%s' (bin/alrnn list shows the rows)", eq + 1);
        if (a->task != b->task)
            die("--row %s=%s: the rows train different tasks (%s, %s)", t, eq + 1, a->task->name,
                b->task->name);
        if (n_row_sub == MAX_ROW_SUB) die("--row: at most %d substitutions", MAX_ROW_SUB);
        snprintf(row_sub[n_row_sub].from, sizeof row_sub[0].from, "%s", a->name);
        snprintf(row_sub[n_row_sub].to, sizeof row_sub[0].to, "%s", b->name);
        const size_t len = strlen(row_sub_text);
        snprintf(row_sub_text + len, sizeof row_sub_text - len, "%s%s -> %s", len ? ", " : "",
                 a->name, b->name);
        n_row_sub++;
    }
}

const char *claims_row_substitutions(void) { return row_sub_text; }

/* The row whose runs an arm reads (its own, or the --row substitute). */
static const struct experiment *arm_experiment(const struct claim_arm *a) {
    for (int i = 0; i < n_row_sub; i++)
        if (!strcmp(a->experiment, row_sub[i].from)) return experiment_find(row_sub[i].to);
    return experiment_find(a->experiment);
}

int claim_run_paths(const struct claim *c, profile_kind p,
                    void (*emit)(void *ctx, const char *experiment, int P, int seed), void *ctx) {
    if (!claim_trained_at(c, p)) return 0;
    const struct claim_arm *arms[2 * CLAIM_MAX_CMP];
    const int na = claim_arms(c, arms);
    /* a claim with an arm this profile cannot train (P > M) cannot be decided: no runs */
    for (int a = 0; a < na; a++) {
        struct resolved r;
        experiment_resolve(arm_experiment(arms[a]), p, &r);
        int P[MAX_GRID], bad;
        if (arm_P(arms[a], &r, P, &bad) < 0) return 0;
    }
    int count = 0;
    for (int a = 0; a < na; a++) {
        const struct experiment *e = arm_experiment(arms[a]);
        ASSERT(e);
        struct resolved r;
        experiment_resolve(e, p, &r);
        int P[MAX_GRID], bad, nP = arm_P(arms[a], &r, P, &bad);
        for (int k = 0; k < nP; k++)
            for (int s = 0; s < r.s.seeds; s++, count++) emit(ctx, e->name, P[k], s);
    }
    return count;
}

int claim_reads_eval(const struct claim *c, claim_select s) {
    return s != CLAIM_SELECT_KEPT && !c->derive && !strncmp(c->quantity, "/test/", 6);
}

/* The evaluation row of the lowest validation loss (the first strict minimum; NaN is never
 * lower), as train.c's best_val rule keeps parameters; -1 with the reason when no row has a
 * finite one. */
static long best_val_row(const struct h5file *f, size_t ne, char *why, size_t n) {
    if (!need(f, "/eval/val_loss", why, n)) return -1;
    size_t nl;
    double *vl = h5_read_f64(f, "/eval/val_loss", &nl, NULL, NULL);
    long k = -1;
    double best = INFINITY;
    for (size_t i = 0; i < nl && nl == ne; i++)
        if (vl[i] < best) best = vl[i], k = (long)i;
    if (nl != ne) snprintf(why, n, "%.400s: /eval/val_loss has %zu rows, /eval/epoch %zu", f->path, nl, ne);
    else if (k < 0) snprintf(why, n, "%.400s: no finite validation loss in /eval/val_loss", f->path);
    free(vl);
    return k;
}

/* /eval/<metric> for the quantity /test/<metric> at the row selection s picks: FINAL the last,
 * when it ran after the run's final epoch (/config epochs; train.c evaluates at the last
 * epoch unless the run diverged); BEST_VAL the lowest validation loss's (best_val_row). NAN
 * with the reason otherwise. */
static double read_eval(const struct h5file *f, const char *quantity, claim_select s, char *why,
                        size_t n) {
    char path[256];
    snprintf(path, sizeof path, "/eval/%s", quantity + 6);
    if (!need(f, "/eval/epoch", why, n) || !need(f, path, why, n)) return NAN;
    if (s == CLAIM_SELECT_FINAL &&
        (!h5_exists(f, "/config") || !h5_has_attr(f, "/config", "epochs"))) {
        snprintf(why, n, "%.400s lacks the attribute /config epochs", f->path);
        return NAN;
    }
    size_t ne, nv;
    int32_t *ep = h5_read_i32(f, "/eval/epoch", &ne, NULL, NULL);
    double *val = h5_read_f64(f, path, &nv, NULL, NULL);
    double v = NAN;
    if (nv != ne) {
        snprintf(why, n, "%.300s: %.100s has %zu rows, /eval/epoch %zu", f->path, path, nv, ne);
    } else if (s == CLAIM_SELECT_FINAL) {
        const long E = h5_read_attr_int(f, "/config", "epochs");
        if (ne == 0 || ep[ne - 1] != E)
            snprintf(why, n,
                     "%.400s: no evaluation at the final epoch (epochs %ld, last /eval/epoch %d)",
                     f->path, E, ne ? ep[ne - 1] : -1);
        else v = val[ne - 1];
    } else {
        const long k = best_val_row(f, ne, why, n);
        if (k >= 0) v = val[k];
    }
    free(ep);
    free(val);
    return v;
}

/* FNV-1a 64 of a file's bytes (provenance in the report, not security). */
static uint64_t fnv1a_file(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (!fp) die("cannot read %s to hash it", path);
    uint64_t h = 1469598103934665603ULL;
    unsigned char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, fp)) > 0)
        for (size_t i = 0; i < k; i++) h = (h ^ buf[i]) * 1099511628211ULL;
    fclose(fp);
    return h;
}

static void add_file(struct claim_result *res, const char *path) {
    for (int i = 0; i < res->n_files; i++) /* an arm in two comparisons is read twice */
        if (!strcmp(res->files[i].path, path)) return;
    res->files = xrealloc(res->files, sizeof *res->files * (size_t)(res->n_files + 1));
    struct claim_file *cf = &res->files[res->n_files++];
    snprintf(cf->path, sizeof cf->path, "%.511s", path);
    cf->fnv = fnv1a_file(path);
}

/* Read one arm's per-seed values (oriented: negated when lower is better). Returns 0, or -1
 * with a reason when the arm cannot be read at this profile at all. */
static int read_arm(const struct claim *c, const struct claim_arm *a, profile_kind p,
                    const char *root, claim_select sel, struct claim_arm_result *ar, struct claim_result *res,
                    char *why, size_t nwhy) {
    const struct experiment *e = arm_experiment(a);
    ASSERT(e);
    struct resolved r;
    experiment_resolve(e, p, &r);
    memset(ar, 0, sizeof *ar);
    snprintf(ar->label, sizeof ar->label, "%s P=%s", e->name, a->P);
    int P[MAX_GRID], bad;
    const int nP = arm_P(a, &r, P, &bad);
    if (nP < 0) {
        snprintf(why, nwhy, "%s: P = %d exceeds M = %d at profile %s", ar->label, bad, r.s.M,
                 profile_names[p]);
        return -1;
    }
    ASSERT(r.s.seeds <= STATS_MAX_N);
    double raw[STATS_MAX_N];
    for (int s = 0; s < r.s.seeds; s++) {
        double sum = 0;
        int state = 0; /* 0 ok, 1 missing, 2 diverged, 3 lacks the quantity */
        char note[sizeof ar->note[0]] = ""; /* the derived quantity's note (one P only) */
        for (int k = 0; k < nP && state == 0; k++) {
            char path[4096];
            summary_run_path(&r, root, P[k], s, path, sizeof path);
            if (access(path, R_OK) != 0) {
                state = 1;
                break;
            }
            add_file(res, path);
            struct h5file f;
            h5_open_read(&f, path);
            double v = NAN;
            char w[512] = "";
            if (summary_run_diverged(&f)) state = 2;
            else if (c->derive) v = c->derive(&f, w, sizeof w, note, sizeof note);
            else if (claim_reads_eval(c, sel)) v = read_eval(&f, c->quantity, sel, w, sizeof w);
            else if (h5_exists(&f, c->quantity)) v = h5_read_scalar(&f, c->quantity);
            else snprintf(w, sizeof w, "%.400s lacks %s", path, c->quantity);
            h5_close(&f);
            if (state == 0 && w[0]) {
                state = 3;
                snprintf(why, nwhy, "%s", w);
            } else if (state == 0 && !isfinite(v)) state = 2;
            sum += v;
        }
        if (state == 1) ar->n_missing++;
        else if (state == 2) ar->n_diverged++;
        else if (state == 3) ar->n_bad++;
        else {
            ar->seed[ar->n_used] = s;
            if (nP == 1) snprintf(ar->note[ar->n_used], sizeof ar->note[0], "%s", note);
            raw[ar->n_used] = sum / nP;
            ar->v[ar->n_used] = c->lower_is_better ? -raw[ar->n_used] : raw[ar->n_used];
            ar->n_used++;
        }
    }
    ar->mean = stats_mean(raw, ar->n_used);
    ar->sd = stats_sd(raw, ar->n_used);
    return 0;
}

/* Share of values above m minus share below, and its bootstrap interval (the one-arm
 * analogue of Cliff's delta, for the forest plot). */
static double sign_share(const double *x, int n, double m) {
    int d = 0;
    for (int i = 0; i < n; i++) d += (x[i] > m) - (x[i] < m);
    return (double)d / n;
}
static void boot_sign_share(const double *x, int n, double m, uint64_t seed, double *lo,
                            double *hi) {
    double xs[STATS_MAX_N], *v = xmalloc(sizeof *v * CLAIM_BOOT);
    rng_t r;
    rng_init(&r, seed, 0);
    for (int b = 0; b < CLAIM_BOOT; b++) {
        for (int i = 0; i < n; i++) xs[i] = x[rng_below(&r, (uint32_t)n)];
        v[b] = sign_share(xs, n, m);
    }
    stats_percentile_interval(v, CLAIM_BOOT, CLAIM_LEVEL, lo, hi);
    free(v);
}

/* ---- evaluation ------------------------------------------------------------------------ */

/* Comparison k of a two-arm claim: arm 2k against arm 2k+1 (exact one-sided Mann-Whitney,
 * difference of means and Cliff's delta with their bootstrap intervals). */
static void compare_values(const struct claim_arm_result *hi, const struct claim_arm_result *lo,
                           uint64_t seed, struct claim_cmp_result *r) {
    r->p = stats_mw_p_greater(hi->v, hi->n_used, lo->v, lo->n_used);
    r->effect = stats_mean(hi->v, hi->n_used) - stats_mean(lo->v, lo->n_used);
    stats_boot_diff(hi->v, hi->n_used, lo->v, lo->n_used, seed, CLAIM_BOOT, CLAIM_LEVEL, &r->lo,
                    &r->hi);
    r->delta = stats_cliff_delta(hi->v, hi->n_used, lo->v, lo->n_used);
    stats_boot_cliff(hi->v, hi->n_used, lo->v, lo->n_used, seed + 1, CLAIM_BOOT, CLAIM_LEVEL,
                     &r->dlo, &r->dhi);
}
static void compare_arms(struct claim_result *res, int k, uint64_t seed) {
    compare_values(&res->arm[2 * k], &res->arm[2 * k + 1], seed + 2 * (uint64_t)k, &res->cmp[k]);
}

static void eval_claim(int ci, profile_kind p, const char *root, claim_select sel,
                       struct claim_result *res) {
    const struct claim *c = &claims[ci];
    memset(res, 0, sizeof *res);
    res->c = c;
    res->verdict = VERDICT_INCONCLUSIVE;
    res->p = res->p_holm = NAN;
    /* Holm's family: the claims this table can decide at this profile (fixed by the table
     * and the profile, never by the results) */
    res->tested = claim_trained_at(c, p);
    if (c->pending) {
        snprintf(res->reason, sizeof res->reason, "not testable yet: %s", c->pending);
        return;
    }
    const struct claim_arm *arms[2 * CLAIM_MAX_CMP];
    res->n_arms = claim_arms(c, arms);
    char why[512] = "";
    for (int a = 0; a < res->n_arms; a++)
        if (read_arm(c, arms[a], p, root, sel, &res->arm[a], res, why, sizeof why) != 0) {
            res->n_arms = a + 1;
            snprintf(res->reason, sizeof res->reason, "%s", why);
            return;
        }
    const char *paper_note = c->paper_only && p != PROFILE_PAPER
                                 ? "; decided by the paper profile (make verify PROFILE=paper)"
                                 : "";
    const uint64_t seed = 20260000u + 100u * (uint64_t)ci;
    for (int a = 0; a < res->n_arms; a++) {
        const struct claim_arm_result *ar = &res->arm[a];
        if (ar->n_used >= CLAIM_MIN_SEEDS) continue;
        snprintf(res->reason, sizeof res->reason,
                 "fewer than %d usable seeds: %s has %d (%d missing, %d diverged, %d without "
                 "the quantity%s%s)%s",
                 CLAIM_MIN_SEEDS, ar->label, ar->n_used, ar->n_missing, ar->n_diverged,
                 ar->n_bad, why[0] ? ": " : "", why, paper_note);
        if (c->kind == CLAIM_COMPARE) { /* shown, not decided: the verdict stays inconclusive */
            res->n_cmp = res->n_arms / 2;
            for (int k = 0; k < res->n_cmp; k++)
                if (res->arm[2 * k].n_used >= CLAIM_MIN_SEEDS &&
                    res->arm[2 * k + 1].n_used >= CLAIM_MIN_SEEDS) {
                    compare_arms(res, k, seed);
                    res->cmp_shown[k] = res->partial = 1;
                }
        }
        return;
    }
    if (c->kind == CLAIM_THRESHOLD) {
        const struct claim_arm_result *ar = &res->arm[0];
        const double t = c->lower_is_better ? -c->threshold : c->threshold;
        struct claim_cmp_result *r = &res->cmp[0];
        r->p = stats_sign_p_greater(ar->v, ar->n_used, t);
        r->effect = stats_mean(ar->v, ar->n_used) - t;
        stats_boot_mean(ar->v, ar->n_used, seed, CLAIM_BOOT, CLAIM_LEVEL, &r->lo, &r->hi);
        r->lo -= t;
        r->hi -= t;
        r->delta = sign_share(ar->v, ar->n_used, t);
        boot_sign_share(ar->v, ar->n_used, t, seed + 1, &r->dlo, &r->dhi);
        res->n_cmp = 1;
    } else {
        for (int k = 0; k < res->n_arms / 2; k++) compare_arms(res, k, seed);
        res->n_cmp = res->n_arms / 2;
    }
    /* the claim holds only if every comparison does: its p is the largest (ties: the
     * comparison with the lowest interval bound), and that comparison is reported */
    res->all_right = 1;
    for (int k = 0; k < res->n_cmp; k++) {
        const struct claim_cmp_result *r = &res->cmp[k], *d = &res->cmp[res->decisive];
        if (r->p > d->p || (r->p == d->p && r->lo < d->lo)) res->decisive = k;
        res->any_wrong |= r->hi < 0;
        res->all_right &= r->lo > 0;
    }
    const struct claim_cmp_result *d = &res->cmp[res->decisive];
    res->effect = d->effect, res->lo = d->lo, res->hi = d->hi;
    res->delta = d->delta, res->dlo = d->dlo, res->dhi = d->dhi;
    res->p = d->p;
    res->have_stats = 1;
    if (c->has_fail) {
        const double m = res->arm[1].mean; /* cmp[0].lo */
        res->fail_mean = m;
        res->fail_hit = c->lower_is_better ? m < c->fail_at : m > c->fail_at;
    }
}

void claims_evaluate(profile_kind p, const char *results_root, claim_select s,
                     struct claim_result *res) {
    for (int i = 0; i < n_claims; i++) eval_claim(i, p, results_root, s, &res[i]);
    /* Holm over every claim the table can decide at this profile; one without statistics
     * (runs missing, too few seeds) enters with p = 1, so the family does not shrink as
     * runs go missing */
    double pv[64], adj[64];
    ASSERT(n_claims <= 64);
    for (int i = 0; i < n_claims; i++)
        pv[i] = !res[i].tested ? NAN : res[i].have_stats ? res[i].p : 1.0;
    stats_holm(pv, n_claims, adj);
    for (int i = 0; i < n_claims; i++) {
        struct claim_result *r = &res[i];
        if (!r->have_stats) continue;
        if (!r->tested) { /* a paper-profile claim whose runs exist here: shown, not decided */
            snprintf(r->reason, sizeof r->reason,
                     "decided by the paper profile only (make verify PROFILE=paper); the "
                     "statistics are shown for information and are not in Holm's family");
            continue;
        }
        r->p_holm = adj[i];
        const struct claim_cmp_result *d = &r->cmp[r->decisive];
        const char *what = r->c->kind == CLAIM_COMPARE ? r->arm[2 * r->decisive].label : "";
        if (r->fail_hit) {
            r->verdict = VERDICT_NOT_REPRODUCED;
            snprintf(r->reason, sizeof r->reason,
                     "the arm that should fail succeeds: %s mean %s %.4g, %s %g", r->arm[1].label,
                     r->c->units, r->fail_mean, r->c->lower_is_better ? "<" : ">", r->c->fail_at);
        } else if (r->any_wrong) {
            r->verdict = VERDICT_NOT_REPRODUCED;
            for (int k = 0; k < r->n_cmp; k++)
                if (r->cmp[k].hi < 0)
                    snprintf(r->reason, sizeof r->reason,
                             "effect significantly the other way: comparison %d interval "
                             "[%.4g, %.4g] below zero", k + 1, r->cmp[k].lo, r->cmp[k].hi);
        } else if (!r->all_right) {
            for (int k = 0; k < r->n_cmp; k++)
                if (r->cmp[k].lo <= 0)
                    snprintf(r->reason, sizeof r->reason,
                             "interval spans zero: comparison %d [%.4g, %.4g]", k + 1,
                             r->cmp[k].lo, r->cmp[k].hi);
        } else if (r->p_holm >= CLAIM_ALPHA) {
            snprintf(r->reason, sizeof r->reason,
                     "Holm-adjusted p = %.3g >= %g (raw p = %.3g%s%s)", r->p_holm, CLAIM_ALPHA,
                     d->p, what[0] ? ", " : "", what);
        } else {
            r->verdict = VERDICT_REPRODUCED;
            snprintf(r->reason, sizeof r->reason, "every interval above zero, Holm p < %g",
                     CLAIM_ALPHA);
        }
    }
}

void claims_free(struct claim_result *res) {
    for (int i = 0; i < n_claims; i++) free(res[i].files);
}

/* ---- beside the baselines -------------------------------------------------------------- */

static void quantity_label(const struct claim *c, claim_select s, char *buf, size_t n);

/* The AL-RNN rows with gated baseline rows (experiments/table.c, BASELINE_ROWS) and the
 * metric their figures draw. */
static const struct {
    const char *row, *metric;
    int lower_is_better;
} beside_table[] = {
    {"addition", "/test/mse", 1},          {"copy", "/test/symbol_accuracy", 0},
    {"imdb", "/test/accuracy", 0},         {"smnist", "/test/accuracy", 0},
    {"multitask_n20", "/test/accuracy", 0}, {"multitask_n50", "/test/accuracy", 0},
    {"multitask_n500", "/test/accuracy", 0},
};
_Static_assert(ARRAY_LEN(beside_table) <= BESIDE_MAX, "BESIDE_MAX too small");
static const char *const beside_models[] = {"tanh", "lstm", "gru"};

/* Read one arm of a pseudo-claim that reads c->quantity; 1 when it has >= 2 usable seeds. */
static int beside_arm(const struct claim *c, const char *exp, const char *P, profile_kind p,
                      const char *root, claim_select sel, struct claim_arm_result *ar,
                      struct claim_result *files) {
    const struct claim_arm a = {exp, P};
    char why[512];
    if (read_arm(c, &a, p, root, sel, ar, files, why, sizeof why) != 0) return 0;
    return ar->n_used >= 2;
}

int claims_beside_baselines(profile_kind p, const char *root, claim_select s,
                            struct beside_result *out) {
    const int n = (int)ARRAY_LEN(beside_table);
    for (int i = 0; i < n; i++) {
        struct beside_result *b = &out[i];
        memset(b, 0, sizeof *b);
        b->row = beside_table[i].row;
        b->metric = beside_table[i].metric;
        b->lower_is_better = beside_table[i].lower_is_better;
        b->best_P = -1;
        const struct claim c = {.quantity = b->metric, .lower_is_better = b->lower_is_better};
        struct claim_result files = {0};
        const struct experiment *e = experiment_find(b->row);
        ASSERT(e); /* beside_table names rows of experiments/table.c */
        struct resolved r;
        experiment_resolve(e, p, &r);
        struct claim_arm_result ar;
        /* ties keep the first: the smallest P, the first baseline of beside_models */
        for (int k = 0; k < r.n_P; k++) {
            if (r.P[k] <= 0 || r.P[k] >= r.s.M) continue;
            char P[16];
            snprintf(P, sizeof P, "%d", r.P[k]);
            if (!beside_arm(&c, b->row, P, p, root, s, &ar, &files)) continue;
            b->n_sparse++;
            if (b->best_P < 0 ||
                stats_mean(ar.v, ar.n_used) > stats_mean(b->sparse.v, b->sparse.n_used)) {
                b->best_P = r.P[k];
                b->sparse = ar;
            }
        }
        for (size_t m = 0; m < ARRAY_LEN(beside_models); m++) {
            char name[96];
            snprintf(name, sizeof name, "%s-%s", b->row, beside_models[m]);
            if (!experiment_find(name)) continue;
            if (!beside_arm(&c, name, "0", p, root, s, &ar, &files)) continue;
            if (!b->n_base++ ||
                stats_mean(ar.v, ar.n_used) > stats_mean(b->base.v, b->base.n_used)) {
                b->base = ar;
                snprintf(b->base_row, sizeof b->base_row, "%s", name);
            }
        }
        b->n_files = files.n_files;
        b->files = files.files;
        if (b->best_P < 0 || !b->n_base) {
            snprintf(b->reason, sizeof b->reason, "%s",
                     b->best_P < 0 ? "no sparse P (0 < P < M) with >= 2 usable seeds"
                                   : "no baseline row with >= 2 usable seeds");
            continue;
        }
        compare_values(&b->sparse, &b->base, 20261200u + 10u * (uint64_t)i, &b->cmp);
        b->have = 1;
    }
    return n;
}

void claims_beside_free(struct beside_result *out, int n) {
    for (int i = 0; i < n; i++) free(out[i].files);
}

/* "" for the kept model's report, "_<selection>" for the others' (claims_final.md, ...). */
static const char *report_suffix(claim_select s, char *buf, size_t n) {
    if (s == CLAIM_SELECT_KEPT) buf[0] = 0;
    else snprintf(buf, n, "_%s", claim_select_names[s]);
    return buf;
}

/* The section of claims.md and claims_baselines.tsv (_final, _best_val under --select). */
static void write_beside(FILE *md, profile_kind p, const char *root, claim_select s,
                         const char *out_dir) {
    struct beside_result b[BESIDE_MAX];
    const int n = claims_beside_baselines(p, root, s, b);
    char name[64], sfx[32];
    snprintf(name, sizeof name, "claims_baselines%s.tsv", report_suffix(s, sfx, sizeof sfx));
    struct tsv t;
    tsv_open(&t, out_dir, name,
             "beside the baselines (not claims of the paper): per AL-RNN row, the sparse P "
             "(0 < P < M) and the gated baseline with the best mean of the metric, and sparse "
             "minus baseline (oriented: > 0 favours the sparse AL-RNN; 95 % bootstrap "
             "intervals; p one-sided Mann-Whitney); descriptive: both are the best of several "
             "on the same runs, so intervals and p are optimistic and decide nothing");
    fprintf(t.fp, "row\tmetric\tbest_P\tsparse_mean\tsparse_sd\tsparse_n\tbaseline\t"
                  "baseline_mean\tbaseline_sd\tbaseline_n\teffect\tlo\thi\tdelta\tdlo\tdhi\t"
                  "p\tnote\n");
    fprintf(md,
            "\n## Beside the baselines (not claims of the paper)\n\n"
            "For each AL-RNN row with gated baselines (rows `<row>-tanh`, `-lstm`, `-gru`: M "
            "units each, the row's data, seeds and budget; `make <figure>-baselines "
            "PROFILE=%s` trains them): the sparse P (0 < P < M) with the best mean of the "
            "figure's metric and the baseline with the best mean, over their usable seeds "
            "(>= 2 each), and sparse minus baseline, oriented so that > 0 favours the sparse "
            "AL-RNN. **Descriptive only**: both arms are picked as the best of several on these "
            "same runs, so the intervals and p are optimistic; no verdict, not in Holm's "
            "family.\n\n"
            "| AL-RNN row | quantity | best sparse P: mean ± std (seeds) | best baseline: mean ± "
            "std (seeds) | effect [95 %% CI] | Cliff's δ [95 %% CI] | p |\n"
            "|---|---|---|---|---|---|---|\n",
            profile_names[p]);
    for (int i = 0; i < n; i++) {
        const struct beside_result *r = &b[i];
        const struct claim qc = {.quantity = r->metric};
        char q[128];
        quantity_label(&qc, s, q, sizeof q);
        if (!r->have) {
            fprintf(md, "| %s | %s | %s | | | | |\n", r->row, q, r->reason);
            fprintf(t.fp, "%s\t%s\tNaN\tNaN\tNaN\t0\t-\tNaN\tNaN\t0\tNaN\tNaN\tNaN\tNaN\tNaN\t"
                          "NaN\tNaN\t%s\n",
                    r->row, r->metric, r->reason);
            continue;
        }
        const struct claim_cmp_result *c = &r->cmp;
        fprintf(md, "| %s | %s | P = %d: %.4g ± %.3g (%d) | %s: %.4g ± %.3g (%d) | %.4g "
                    "[%.4g, %.4g] | %.3f [%.3f, %.3f] | %.3g |\n",
                r->row, q, r->best_P, r->sparse.mean, r->sparse.sd, r->sparse.n_used,
                r->base_row, r->base.mean, r->base.sd, r->base.n_used, c->effect, c->lo, c->hi,
                c->delta, c->dlo, c->dhi, c->p);
        fprintf(t.fp, "%s\t%s\t%d\t%.9g\t%.9g\t%d\t%s\t%.9g\t%.9g\t%d\t%.9g\t%.9g\t%.9g\t"
                      "%.9g\t%.9g\t%.9g\t%.9g\tbest of %d sparse P and %d baselines\n",
                r->row, r->metric, r->best_P, r->sparse.mean, r->sparse.sd, r->sparse.n_used,
                r->base_row, r->base.mean, r->base.sd, r->base.n_used, c->effect, c->lo, c->hi,
                c->delta, c->dlo, c->dhi, c->p, r->n_sparse, r->n_base);
    }
    int nf = 0;
    for (int i = 0; i < n; i++) nf += b[i].n_files;
    if (nf) {
        fprintf(md, "\nRun files read for this section (FNV-1a 64 of the bytes), under `%s`:\n\n",
                root);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < b[i].n_files; k++)
                fprintf(md, "- `%s` %016llx\n", b[i].files[k].path,
                        (unsigned long long)b[i].files[k].fnv);
    }
    tsv_close(&t);
    claims_beside_free(b, n);
}

/* ---- the report ------------------------------------------------------------------------ */

static void fmt_num(char *buf, size_t n, double v) {
    if (isnan(v)) snprintf(buf, n, "NaN");
    else snprintf(buf, n, "%.4g", v);
}

static void arm_counts(const struct claim_result *r, char *buf, size_t n) {
    buf[0] = 0;
    for (int a = 0; a < r->n_arms; a++) {
        int seen = 0; /* an arm in several comparisons is listed once */
        for (int b = 0; b < a; b++) seen |= !strcmp(r->arm[a].label, r->arm[b].label);
        if (seen) continue;
        const size_t k = strlen(buf);
        snprintf(buf + k, n - k, "%s%s: %d", k ? "; " : "", r->arm[a].label, r->arm[a].n_used);
    }
    if (!r->n_arms) snprintf(buf, n, "-");
}

/* The quantity as the report names it under selection s. */
static void quantity_label(const struct claim *c, claim_select s, char *buf, size_t n) {
    if (claim_reads_eval(c, s))
        snprintf(buf, n, "/eval/%s at the %s", c->quantity + 6,
                 s == CLAIM_SELECT_FINAL ? "final epoch" : "lowest validation loss");
    else if (s != CLAIM_SELECT_KEPT) snprintf(buf, n, "%s (kept model)", c->quantity);
    else snprintf(buf, n, "%s", c->quantity);
}

void claims_write(profile_kind p, const char *results_root, claim_select s,
                  const struct claim_result *res, const int *sel, const char *out_dir) {
    const char *pn = profile_names[p], *sn = claim_select_names[s];
    const int kept = s == CLAIM_SELECT_KEPT;
    char name[64], hdr[2048], sfx[32];
    struct tsv t;
    report_suffix(s, sfx, sizeof sfx);
    snprintf(name, sizeof name, "claims%s.tsv", sfx);
    snprintf(hdr, sizeof hdr,
             "claims of the paper against the run files (bin/alrnn verify --select %s); model "
             "selection: %s (%s); effects oriented so that > 0 is the paper's direction; delta: "
             "Cliff's delta (one-arm claims: share above minus share below the threshold); "
             "intervals 95 %% percentile bootstrap",
             sn, sn,
             kept ? "every quantity is the kept model's"
             : s == CLAIM_SELECT_FINAL
                 ? "/test/<metric> quantities read /eval/<metric> at the final epoch, derived "
                   "and /analysis quantities the kept model"
                 : "/test/<metric> quantities read /eval/<metric> at the lowest /eval/val_loss, "
                   "derived and /analysis quantities the kept model");
    if (n_row_sub) {
        const size_t len = strlen(hdr);
        snprintf(hdr + len, sizeof hdr - len, "; rows substituted (--row): %s", row_sub_text);
    }
    tsv_open(&t, out_dir, name, hdr);
    fprintf(t.fp, "row\tid\tverdict\teffect\tlo\thi\tdelta\tdlo\tdhi\tp\tp_holm\tn_per_arm\t"
                  "units\treason\n");
    int row = 0;
    for (int i = 0; i < n_claims; i++) {
        if (sel && !sel[i]) continue;
        const struct claim_result *r = &res[i];
        char v[9][32], counts[1024];
        const double x[9] = {r->effect, r->lo, r->hi, r->delta, r->dlo, r->dhi, r->p, r->p_holm};
        for (int k = 0; k < 8; k++) fmt_num(v[k], sizeof v[k], r->have_stats ? x[k] : NAN);
        fmt_num(v[7], sizeof v[7], r->p_holm);
        arm_counts(r, counts, sizeof counts);
        fprintf(t.fp, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", row++,
                r->c->id, claim_verdict_names[r->verdict], v[0], v[1], v[2], v[3], v[4], v[5],
                v[6], v[7], counts, r->c->units ? r->c->units : "", r->reason);
    }
    tsv_close(&t);

    snprintf(name, sizeof name, "claims%s.md", sfx);
    tsv_open(&t, out_dir, name, NULL);
    FILE *f = t.fp;
    fprintf(f, "# Claims of Brenner & Koppe (AL-RNN) against the `%s` runs (model selection: "
               "%s)\n\n", pn, sn);
    fprintf(f,
            "Written by `bin/alrnn verify --profile %s%s` from the run files under "
            "`%s/%s/` (claims table: `experiments/claims.c`). Effects are oriented so "
            "that a positive value is the paper's direction; intervals are 95 %% percentile "
            "bootstraps (%d resamples, fixed seeds); p is exact and one-sided (Mann-Whitney U "
            "over the pooled mid-ranks, or the sign test for one-arm claims); Holm's "
            "adjustment runs over every claim the table can decide at this profile, a claim "
            "without statistics counting with p = 1. A claim is *reproduced* when every comparison's interval "
            "lies above zero and its Holm p < %g, *not reproduced* when an interval lies "
            "below zero or the arm that should fail succeeds, and *inconclusive* otherwise "
            "(reason given). Arms need >= %d usable seeds; run files with `diverged` = 1 are "
            "counted and left out.\n\n",
            pn, kept ? "" : s == CLAIM_SELECT_FINAL ? " --select final" : " --select best_val",
            results_root, pn, CLAIM_BOOT, CLAIM_ALPHA, CLAIM_MIN_SEEDS);
    if (s == CLAIM_SELECT_FINAL)
        fprintf(f, "Model selection: **final** (`--select final`). A claim whose quantity is a "
                   "`/test/<metric>` score reads instead `/eval/<metric>` of the last evaluation, "
                   "which must be at the run's final epoch (`/config` epochs; a run without it "
                   "is counted without the quantity); derived and `/analysis` quantities "
                   "(bitcodes, cycles, spectra) stay on the kept model, as marked in the "
                   "quantity column. `claims.md` holds the kept model's report.\n\n");
    else if (s == CLAIM_SELECT_BEST_VAL)
        fprintf(f, "Model selection: **best_val** (`--select best_val`). A claim whose "
                   "quantity is a `/test/<metric>` score reads instead `/eval/<metric>` of the "
                   "evaluation with the lowest validation loss (`/eval/val_loss`, the first "
                   "strict minimum: the rule by which a best-validation row keeps its "
                   "parameters, applied to the same trajectory whichever model the run kept; a "
                   "run without a finite validation loss is counted without the quantity); "
                   "derived and `/analysis` quantities (bitcodes, cycles, spectra) stay on the "
                   "kept model, as marked in the quantity column. `claims.md` holds the kept "
                   "model's report.\n\n");
    else
        fprintf(f, "Model selection: **kept** (the default): every quantity is the kept "
                   "model's, i.e. the parameters the row's selection rule kept (best validation "
                   "loss or final epoch). `bin/alrnn verify --select final` writes "
                   "`claims_final.md` from the final epoch's evaluation, `--select best_val` "
                   "`claims_best_val.md` from the lowest validation loss's.\n\n");
    if (n_row_sub)
        fprintf(f, "Rows substituted (`--row`): **%s**: each arm of the first row reads the "
                   "same P and seeds of the second row's runs (another convention, same task); "
                   "the claims' rules are unchanged.\n\n",
                row_sub_text);
    fprintf(f, "| claim | quantity | effect [95 %% CI] | Cliff's δ [95 %% CI] | p | Holm p | "
               "n per arm | verdict | reason |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n_claims; i++) {
        if (sel && !sel[i]) continue;
        const struct claim_result *r = &res[i];
        char counts[1024], q[512];
        arm_counts(r, counts, sizeof counts);
        quantity_label(r->c, s, q, sizeof q);
        if (r->have_stats)
            fprintf(f, "| %s | %s | %.4g [%.4g, %.4g] | %.3f [%.3f, %.3f] | %.3g | %.3g | %s | "
                       "**%s** | %s |\n",
                    r->c->id, q, r->effect, r->lo, r->hi, r->delta, r->dlo, r->dhi,
                    r->p, r->p_holm, counts, claim_verdict_names[r->verdict], r->reason);
        else
            fprintf(f, "| %s | %s | – | – | – | – | %s | **%s** | %s |\n", r->c->id,
                    q, counts, claim_verdict_names[r->verdict], r->reason);
    }
    for (int i = 0; i < n_claims; i++) {
        if (sel && !sel[i]) continue;
        const struct claim_result *r = &res[i];
        const struct claim *c = r->c;
        fprintf(f, "\n## %s: %s\n\n> %s\n\n", c->id, claim_verdict_names[r->verdict],
                c->statement);
        fprintf(f, "- source: %s; figure: `make %s PROFILE=%s`\n", c->source, c->figure, pn);
        char q[512];
        quantity_label(c, s, q, sizeof q);
        fprintf(f, "- quantity per seed: %s%s%s%s\n", q, c->units ? " (" : "",
                c->units ? c->units : "", c->units ? ")" : "");
        fprintf(f, "- rule: %s\n", c->rule);
        fprintf(f, "- verdict: **%s**, %s\n", claim_verdict_names[r->verdict], r->reason);
        if (r->n_arms) {
            fprintf(f, "\n| arm | usable seeds | missing | diverged | mean | sample std |\n"
                       "|---|---|---|---|---|---|\n");
            for (int a = 0; a < r->n_arms; a++) {
                const struct claim_arm_result *ar = &r->arm[a];
                fprintf(f, "| %s | %d | %d | %d | %.4g | %.4g |\n", ar->label, ar->n_used,
                        ar->n_missing, ar->n_diverged, ar->mean, ar->sd);
            }
            for (int a = 0; a < r->n_arms; a++) {
                const struct claim_arm_result *ar = &r->arm[a];
                if (!ar->n_used || !ar->note[0][0]) continue;
                fprintf(f, "\nPer seed (%s):", ar->label);
                for (int k = 0; k < ar->n_used; k++)
                    fprintf(f, "%s seed %d: %s (%g)", k ? ";" : "", ar->seed[k], ar->note[k],
                            c->lower_is_better ? -ar->v[k] : ar->v[k]);
                fprintf(f, "\n");
            }
        }
        if ((r->have_stats || r->partial) && c->kind == CLAIM_COMPARE) {
            if (r->partial)
                fprintf(f, "\nThe comparisons whose two arms have enough seeds, shown for "
                           "information (the claim is inconclusive: %s):\n",
                        r->reason);
            fprintf(f, "\n| comparison | effect [95 %% CI] | Cliff's δ [95 %% CI] | p |\n"
                       "|---|---|---|---|\n");
            for (int k = 0; k < r->n_cmp; k++) {
                const struct claim_cmp_result *q = &r->cmp[k];
                if (r->have_stats || r->cmp_shown[k])
                    fprintf(f, "| %d: %s > %s | %.4g [%.4g, %.4g] | %.3f [%.3f, %.3f] | %.3g |\n",
                            k + 1, r->arm[2 * k].label, r->arm[2 * k + 1].label, q->effect,
                            q->lo, q->hi, q->delta, q->dlo, q->dhi, q->p);
                else
                    fprintf(f, "| %d: %s > %s | too few seeds | | |\n", k + 1,
                            r->arm[2 * k].label, r->arm[2 * k + 1].label);
            }
        }
        if (r->n_files) {
            fprintf(f, "\nRun files (FNV-1a 64 of the bytes):\n\n");
            for (int k = 0; k < r->n_files; k++)
                fprintf(f, "- `%s` %016llx\n", r->files[k].path,
                        (unsigned long long)r->files[k].fnv);
        }
    }
    if (!sel) write_beside(f, p, results_root, s, out_dir);
    tsv_close(&t);
}
