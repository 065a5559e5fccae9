/* test_claims.c: the claims' verdicts follow the run files (experiments/claims.c), and
 * `make verify PROFILE=smoke` writes a row for every claim.
 *
 * The C1 tests write synthetic addition run files (just /test/mse, and the root attribute
 * diverged where a test needs it) under a scratch results folder at the verify profile
 * (6 seeds per arm), then change them: one seed's metric, deleted runs, diverged runs, the
 * arm that must fail succeeding, the effect reversed. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "claims.h"
#include "dynamics.h"
#include "h5io.h"
#include "testutil.h"

static char root[256];

static void put_run(int P, int seed, double mse, int diverged) {
    char path[512];
    snprintf(path, sizeof path, "%s/verify/addition/P%d_seed%d.h5", root, P, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_write_scalar(&f, "/test/mse", mse, "test MSE", "1");
    if (diverged) h5_attr_int(&f, "/", "diverged", 1);
    h5_close(&f);
}

/* P = 0 at the constant predictor's MSE, P = 2 solved: C1 should hold */
static void put_c1_sweep(void) {
    tu_tmpdir(root, sizeof root, "claims");
    for (int s = 0; s < 6; s++) {
        put_run(0, s, 0.160 + 0.001 * s, 0);
        put_run(2, s, 0.0020 + 0.0001 * s, 0);
    }
}

static struct claim_result res[64];
static const struct claim_result *eval_c1(void) {
    claims_free(res);
    memset(res, 0, sizeof res);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    return &res[claim_find("C1") - claims];
}

static void cleanup(void) {
    claims_free(res);
    memset(res, 0, sizeof res);
    tu_rm_rf(root);
}

/* Holm's family at the verify profile: the claims neither pending nor paper-only */
static int family_size(void) {
    int m = 0;
    for (int i = 0; i < n_claims; i++) m += !claims[i].pending && !claims[i].paper_only;
    return m;
}

Test(claims, c1_reproduced_on_separated_arms) {
    put_c1_sweep();
    const struct claim_result *r = eval_c1();
    cr_assert_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    cr_expect_eq(r->arm[0].n_used, 6);
    cr_expect_eq(r->arm[1].n_used, 6);
    cr_expect_eq(r->n_files, 12);
    /* exact Mann-Whitney of complete separation, 6 vs 6: 1/924; Holm: x family size, the
     * other claims having no runs (p = 1) */
    cr_expect_float_eq(r->p, 1.0 / 924, 1e-12);
    cr_expect_float_eq(r->p_holm, family_size() / 924.0, 1e-12);
    /* effect = mean MSE(P=0) - mean MSE(P=2) = 0.1625 - 0.00225 */
    cr_expect_float_eq(r->effect, 0.1625 - 0.00225, 1e-12);
    cr_expect(r->lo > 0 && r->hi > r->lo, "[%g, %g]", r->lo, r->hi);
    cr_expect_float_eq(r->delta, 1.0, 1e-12);
    cleanup();
}

Test(claims, editing_one_metric_moves_the_statistic_and_the_verdict) {
    put_c1_sweep();
    const double p0 = eval_c1()->p, e0 = res[claim_find("C1") - claims].effect;
    /* one P = 2 seed fails (MSE above every P = 0 seed): U drops from 36 to 30 */
    put_run(2, 0, 0.5, 0);
    const struct claim_result *r = eval_c1();
    cr_expect_gt(r->p, p0);
    cr_expect_lt(r->effect, e0);
    cr_expect_float_eq(r->delta, 24.0 / 36, 1e-12); /* (30 - 6) / 36 */
    /* resamples holding that seed twice or more (26 %) turn the difference negative */
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE, "%s", r->reason);
    cr_expect(strstr(r->reason, "interval spans zero"), "%s", r->reason);
    cleanup();
}

Test(claims, deleted_runs_make_it_inconclusive_with_the_reason) {
    put_c1_sweep();
    char path[512];
    for (int s = 0; s < 2; s++) {
        snprintf(path, sizeof path, "%s/verify/addition/P2_seed%d.h5", root, s);
        cr_assert_eq(unlink(path), 0);
    }
    const struct claim_result *r = eval_c1();
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE);
    cr_expect(strstr(r->reason, "fewer than 5 usable seeds") &&
                  strstr(r->reason, "addition P=2 has 4 (2 missing"),
              "%s", r->reason);
    cr_expect(!r->have_stats);
    cleanup();
}

Test(claims, diverged_runs_are_counted_and_left_out) {
    put_c1_sweep();
    put_run(2, 3, 0.002, 1);
    put_run(2, 4, NAN, 0); /* a non-finite metric counts as diverged too */
    const struct claim_result *r = eval_c1();
    cr_expect_eq(r->arm[0].n_diverged, 2);
    cr_expect_eq(r->arm[0].n_used, 4);
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE);
    cr_expect(strstr(r->reason, "2 diverged"), "%s", r->reason);
    cleanup();
}

Test(claims, the_arm_that_should_fail_succeeds) {
    put_c1_sweep();
    for (int s = 0; s < 6; s++) put_run(0, s, 0.010 + 0.001 * s, 0); /* P = 0 below 0.04 */
    const struct claim_result *r = eval_c1();
    cr_expect_eq(r->verdict, VERDICT_NOT_REPRODUCED, "%s", r->reason);
    cr_expect(strstr(r->reason, "should fail succeeds"), "%s", r->reason);
    cleanup();
}

Test(claims, effect_the_other_way) {
    put_c1_sweep();
    for (int s = 0; s < 6; s++) put_run(2, s, 0.30 + 0.001 * s, 0);
    const struct claim_result *r = eval_c1();
    cr_expect_eq(r->verdict, VERDICT_NOT_REPRODUCED, "%s", r->reason);
    cr_expect(strstr(r->reason, "other way"), "%s", r->reason);
    cr_expect(r->hi < 0);
    cleanup();
}

/* the table itself: unique ids, a quoted statement, a source, a figure and a rule each */
Test(claims, table_is_complete) {
    cr_assert_eq(n_claims, 14);
    for (int i = 0; i < n_claims; i++) {
        const struct claim *c = &claims[i];
        char id[8];
        snprintf(id, sizeof id, "C%d", i + 1);
        cr_expect_str_eq(c->id, id);
        cr_expect(c->statement && c->source && c->figure && c->rule && c->quantity, "%s", id);
        const struct figure *f = figure_find(c->figure);
        cr_expect_not_null(f, "%s rests on unknown figure %s", id, c->figure);
    }
}

/* make verify PROFILE=smoke: trains the claims' smoke runs and writes every claim's row;
 * nothing is decided at smoke (1 seed per arm) */
Test(claims, make_verify_smoke_writes_every_row, .timeout = 300) {
    char err[8192];
    const int st = tu_sh("make --no-print-directory verify PROFILE=smoke", err, sizeof err);
    cr_assert_eq(st, 0, "make verify PROFILE=smoke failed: %s", err);
    FILE *f = fopen("plots/out/smoke/claims.tsv", "r");
    cr_assert_not_null(f, "no plots/out/smoke/claims.tsv");
    char line[4096];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strncmp(line, "row\t", 4)) continue;
        char id[16];
        snprintf(id, sizeof id, "C%d\t", rows + 1);
        cr_expect(strstr(line, id) != NULL, "row %d: %s", rows, line);
        cr_expect(strstr(line, "\tinconclusive\t") != NULL, "decided at smoke: %s", line);
        rows++;
    }
    fclose(f);
    cr_expect_eq(rows, 14);
    cr_expect(tu_exists("plots/out/smoke/claims.md"));
    cr_expect(tu_exists("plots/out/smoke/claims.png"));
}

Test(claims, unknown_claim_is_one_line) {
    char err[4096];
    cr_expect_neq(tu_alrnn(NULL, "verify --profile smoke --claims C1,C99 --out /tmp", err,
                           sizeof err),
                  0);
    cr_expect(strstr(err, "unknown claim 'C99'") && tu_lines(err) == 1, "%s", err);
}

/* The verify profile is sized to decide: for every claim it trains, each arm's P is in its
 * row's verify grid, and the smallest p the arms' seed counts can reach (complete separation:
 * 1 / C(nx + ny, nx) for Mann-Whitney, 2^-n for the sign test) passes Holm's worst factor
 * (the family size) at CLAIM_ALPHA. */
static void count_run(void *ctx, const char *e, int P, int seed) { ++*(int *)ctx; }

Test(claims, verify_profile_can_decide_what_it_trains) {
    int family = 0;
    for (int i = 0; i < n_claims; i++) family += !claims[i].pending && !claims[i].paper_only;
    for (int i = 0; i < n_claims; i++) {
        const struct claim *c = &claims[i];
        int nruns = 0;
        claim_run_paths(c, PROFILE_VERIFY, count_run, &nruns);
        if (c->pending || c->paper_only) {
            cr_expect_eq(nruns, 0, "%s trains at verify", c->id);
            continue;
        }
        cr_expect_gt(nruns, 0, "%s trains nothing at verify", c->id);
        const struct claim_arm *arms[2 * CLAIM_MAX_CMP];
        int na = 0;
        if (c->kind == CLAIM_THRESHOLD) arms[na++] = &c->arm;
        for (int k = 0; c->kind == CLAIM_COMPARE && k < CLAIM_MAX_CMP && c->cmp[k].hi.experiment;
             k++)
            arms[na++] = &c->cmp[k].hi, arms[na++] = &c->cmp[k].lo;
        int seeds[2 * CLAIM_MAX_CMP];
        for (int a = 0; a < na; a++) {
            struct resolved r;
            experiment_resolve(experiment_find(arms[a]->experiment), PROFILE_VERIFY, &r);
            seeds[a] = r.s.seeds;
            cr_expect_geq(seeds[a], CLAIM_MIN_SEEDS, "%s: %s", c->id, arms[a]->experiment);
            /* every P of the arm is in the row's verify grid */
            for (const char *s = arms[a]->P; *s;) {
                char *end;
                const int P = *s == 'M' ? r.s.M : (int)strtol(s, &end, 10);
                if (*s == 'M') end = (char *)s + 1;
                int in = 0;
                for (int g = 0; g < r.n_P; g++) in |= r.P[g] == P;
                cr_expect(in, "%s: %s P=%d not in its verify grid", c->id, r.exp->name, P);
                s = *end ? end + 1 : end;
            }
        }
        for (int a = 0; a < na; a += c->kind == CLAIM_COMPARE ? 2 : 1) {
            double pmin;
            if (c->kind == CLAIM_THRESHOLD) pmin = ldexp(1.0, -seeds[a]);
            else {
                const int nx = seeds[a], ny = seeds[a + 1];
                double comb = 1;
                for (int j = 1; j <= nx; j++) comb = comb * (ny + j) / j;
                pmin = 1 / comb;
            }
            cr_expect_lt(pmin * family, CLAIM_ALPHA, "%s: smallest p %g x %d >= alpha", c->id,
                         pmin, family);
        }
    }
}

Test(claims, show_resolves_every_row_at_verify) {
    for (int i = 0; i < n_experiments; i++) {
        char args[256], err[4096];
        snprintf(args, sizeof args, "show %s --profile verify", experiments[i].name);
        cr_expect_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s: %s", args, err);
    }
}

/* C10 on synthetic IMDb runs (M = 100, P = 10 as at verify): W = diag(w), A = 0, the most
 * visited code all ones, so W_Ω = diag(w); final states spread along unit `pc`. With w_0 = 1
 * (leading eigenvector e_0) and PC1 = e_0 the score is min(1, 1) = 1; with PC1 = e_1 it is
 * min(1, (0 - 0.8) / 0.2) = -4. A small offset on unit 2 tilts PC1 by ~1.4e-3 rad, which
 * moves the score by ~5e-6: hence the 1e-4 tolerance. */
static void put_imdb_run(int seed, int pc) {
    enum { M = 100, P = 10, NZ = 6 };
    char path[512];
    snprintf(path, sizeof path, "%s/verify/imdb/P10_seed%d.h5", root, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_attr_int(&f, "/", "M", M);
    h5_attr_int(&f, "/", "P", P);
    static double W[M * M], A[P], z[NZ * M];
    memset(W, 0, sizeof W), memset(z, 0, sizeof z);
    for (int i = 0; i < M; i++) W[i * M + i] = i == 0 ? 1.0 : 0.5;
    const double spread[NZ] = {-2, -1, -0.5, 0.5, 1, 2};
    for (int r = 0; r < NZ; r++) z[r * M + pc] = spread[r], z[r * M + 2] = 0.01 * (r % 2);
    uint8_t code[P];
    memset(code, 1, sizeof code);
    const size_t dw[2] = {M, M}, da[1] = {P}, dc[2] = {1, P}, dz[2] = {NZ, M};
    h5_write(&f, "/model/W", H5K_F64, 2, dw, W, "W", "1");
    h5_write(&f, "/model/A", H5K_F64, 1, da, A, "A", "1");
    h5_write(&f, "/analysis/bitcode/code", H5K_U8, 2, dc, code, "codes", "bit");
    h5_write(&f, "/analysis/final_z", H5K_F64, 2, dz, z, "final states", "1");
    h5_close(&f);
}

Test(claims, c10_slow_mode_score_from_the_model_and_final_states) {
    tu_tmpdir(root, sizeof root, "claims10");
    for (int s = 0; s < 8; s++) put_imdb_run(s, 0);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    const struct claim_result *r = &res[claim_find("C10") - claims];
    cr_assert_eq(r->arm[0].n_used, 8, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 1.0, 1e-4);
    cr_expect_float_eq(r->p, 1.0 / 256, 1e-12); /* 8 of 8 above 0 */
    cr_expect_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    /* one seed's PC1 turns to e_1: score -4, 7 of 8 above: p = 9/256, fails Holm */
    put_imdb_run(3, 1);
    claims_free(res);
    memset(res, 0, sizeof res);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    r = &res[claim_find("C10") - claims];
    cr_expect_float_eq(r->arm[0].mean, (7 * 1.0 - 4.0) / 8, 1e-4);
    cr_expect_float_eq(r->p, 9.0 / 256, 1e-12);
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE, "%s", r->reason);
    cleanup();
}

/* C2 from /test/sample of synthetic addition runs (paper profile, 10 seeds): T = 12, marks
 * at inputs 2 and 5; the code switches at t = 3 and 4 (input 2 drives z_3) and at t = 11,
 * three steps past nothing marked, so 2 of 3 switches are at a mark. A switch at t = 1
 * (from the random z_0) is not counted. */
static void put_sample_run(int seed) {
    enum { S = 1, T = 12, P = 2 };
    char path[512];
    snprintf(path, sizeof path, "%s/paper/addition/P2_seed%d.h5", root, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    double x[S * T * 2] = {0};
    x[2 * 2 + 1] = 1, x[5 * 2 + 1] = 1;
    uint8_t c[S * (T + 1) * P] = {0};
    c[0] = 1;                             /* z_0: differs from z_1 */
    c[3 * P] = 1;                         /* z_3 on */
    for (int t = 11; t <= T; t++) c[t * P + 1] = 1; /* z_11.. */
    const size_t dx[3] = {S, T, 2}, dc[3] = {S, T + 1, P};
    h5_write(&f, "/test/sample/x", H5K_F64, 3, dx, x, "inputs", "1");
    h5_write(&f, "/test/sample/bitcode", H5K_U8, 3, dc, c, "codes", "bit");
    h5_close(&f);
}

Test(claims, c2_switch_share_at_marks) {
    tu_tmpdir(root, sizeof root, "claims2");
    for (int s = 0; s < 10; s++) put_sample_run(s);
    claims_evaluate(PROFILE_PAPER, root, CLAIM_SELECT_KEPT, res);
    const struct claim_result *r = &res[claim_find("C2") - claims];
    cr_assert_eq(r->arm[0].n_used, 10, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 2.0 / 3, 1e-12);
    cr_expect_float_eq(r->p, 1.0 / 1024, 1e-12);
    cr_expect_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    /* the same runs read at verify (6 seeds): statistics shown, not decided */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/verify && cp -r %s/paper/addition %s/verify/", root,
             root, root);
    cr_assert_eq(system(cmd), 0);
    claims_free(res);
    memset(res, 0, sizeof res);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    r = &res[claim_find("C2") - claims];
    cr_expect(r->have_stats && r->verdict == VERDICT_INCONCLUSIVE && isnan(r->p_holm), "%s",
              r->reason);
    cr_expect(strstr(r->reason, "paper profile"), "%s", r->reason);
    cleanup();
}

/* C4 on synthetic copy runs at P = 1: a delay line y_{t+1} = 1 - 3 relu(y_{t-L}) in M = L + 1
 * units (x_i = y_{t-i} linear, x_L = y_{t-L} the ReLU unit; seq form, A = 0):
 *   W[i+1][i] = 1 (i < L), W[0][L] = -3, h_0 = 1.
 * Each residue class of y mod L + 1 follows v -> 1 - 3 relu(v): from -2 it alternates 1, -2,
 * so the sign pattern of y flips every L + 1 steps and the orbit from a window of -2 is an
 * exact cycle of least period 2 (L + 1) (100 at L = 49, 8 at L = 3). Its multipliers are all
 * 0 (a class's perturbation is multiplied by -3 on and by 0 off, and meets both within a
 * period): stable. A class started at 0.2 runs 0.2, 0.4, -0.2, 1, -2, ...: its codes (on,
 * on, off, on, off) repeat with period 2 class steps from the second on, so with u = 0.2
 * the transient is z_0 alone, one code. Started at 0.26 it runs 0.26, 0.22, 0.34, -0.02,
 * 1, ...: the codes turn periodic only at class step 2, after z_0 (on) and z_1..z_L (the
 * other classes at -2: off): two codes. The start is the state before the first zero input
 * of stored test sequence 0 (x: (0,1), (1,0), (0,0): z_2). */
static void put_copy_run_rot(const char *profile, int seed, int L, double u0, int P, int rot) {
    const int M = L + 1 + 2 * rot, u = M - 1;
    char path[512];
    snprintf(path, sizeof path, "%s/%s/copy/P1_seed%d.h5", root, profile, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_attr_int(&f, "/", "M", M);
    h5_attr_int(&f, "/", "P", P);
    double *W = calloc((size_t)M * M, sizeof *W), *h = calloc((size_t)M, sizeof *h);
    double *z = calloc((size_t)4 * M, sizeof *z), A[2] = {0, 0};
    for (int i = 0; i + 1 < L; i++) W[(i + 1) * M + i] = 1;
    W[u * M + L - 1] = 1;
    W[0 * M + u] = -3;
    h[0] = 1;
    for (int i = 0; i < M; i++) z[2 * M + i] = -2, z[i] = z[M + i] = z[3 * M + i] = 5;
    z[2 * M + u] = u0;
    if (rot) { /* units L, L+1: a rotation by 2 pi / 100, started at (1, 0) */
        const double th = 2 * acos(-1.0) / 100, c = cos(th), sn = sin(th);
        W[L * M + L] = c, W[L * M + L + 1] = -sn, W[(L + 1) * M + L] = sn;
        W[(L + 1) * M + L + 1] = c;
        z[2 * M + L] = 1, z[2 * M + L + 1] = 0;
    }
    const double x[3 * 2] = {0, 1, 1, 0, 0, 0};
    const size_t dw[2] = {M, M}, da[1] = {P}, dh[1] = {M}, dx[3] = {1, 3, 2}, dz[3] = {1, 4, M};
    h5_write(&f, "/model/W", H5K_F64, 2, dw, W, "W", "1");
    h5_write(&f, "/model/A", H5K_F64, 1, da, A, "A", "1");
    h5_write(&f, "/model/h", H5K_F64, 1, dh, h, "h", "1");
    h5_write(&f, "/test/sample/x", H5K_F64, 3, dx, x, "inputs", "1");
    h5_write(&f, "/test/sample/z", H5K_F64, 3, dz, z, "states", "1");
    h5_attr_str(&f, "/config", "form", "seq");
    h5_close(&f);
    free(W), free(h), free(z);
}

static void put_copy_run(const char *profile, int seed, int L, double u0, int P) {
    put_copy_run_rot(profile, seed, L, u0, P, 0);
}

static double c4_read(const char *profile, int seed, int period, struct claim_cycle *cy,
                      char *why, size_t n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s/copy/P1_seed%d.h5", root, profile, seed);
    struct h5file f;
    h5_open_read(&f, path);
    why[0] = 0;
    const double v = claim_autonomous_cycle(&f, period, cy, why, n);
    h5_close(&f);
    return v;
}

Test(claims, c4_exact_stable_100_cycle_with_a_one_code_transient) {
    tu_tmpdir(root, sizeof root, "claims4");
    put_copy_run("paper", 0, 49, 0.2, 1);
    struct claim_cycle cy;
    char why[512];
    cr_expect_eq(c4_read("paper", 0, 100, &cy, why, sizeof why), 1.0, "%s", why);
    cr_expect_eq(cy.period, 100);
    cr_expect(cy.exact);
    cr_expect_eq(cy.stability, DYN_STABLE);
    cr_expect_lt(cy.rho, 1e-9);
    cr_expect_eq(cy.transient, 1);
    cr_expect_eq(cy.transient_codes, 1);
    /* the same orbit is not a 50-cycle */
    cr_expect_eq(c4_read("paper", 0, 50, &cy, why, sizeof why), 0.0);
    cleanup();
}

Test(claims, c4_transient_in_two_subregions_scores_0) {
    tu_tmpdir(root, sizeof root, "claims4t");
    put_copy_run("paper", 0, 49, 0.26, 1);
    struct claim_cycle cy;
    char why[512];
    cr_expect_eq(c4_read("paper", 0, 100, &cy, why, sizeof why), 0.0, "%s", why);
    cr_expect_eq(cy.period, 100);
    cr_expect(cy.exact);
    cr_expect_eq(cy.stability, DYN_STABLE);
    cr_expect_eq(cy.transient, 51);
    cr_expect_eq(cy.transient_codes, 2);
    cleanup();
}

/* Stability is required: two more linear units rotating by 2 pi / 100 keep the period, the
 * codes and the exactness, but the cycle then comes in a family (M_100 has the rotation's
 * R^100 = I block): multipliers on the unit circle, neutral, so the seed scores 0. */
Test(claims, c4_neutral_cycle_scores_0) {
    tu_tmpdir(root, sizeof root, "claims4r");
    put_copy_run_rot("paper", 0, 49, 0.2, 1, 1);
    struct claim_cycle cy;
    char why[512];
    cr_expect_eq(c4_read("paper", 0, 100, &cy, why, sizeof why), 0.0, "%s", why);
    cr_expect_eq(cy.period, 100);
    cr_expect(cy.exact);
    cr_expect_eq(cy.stability, DYN_NEUTRAL, "%d", cy.stability);
    cr_expect_float_eq(cy.rho, 1.0, 1e-9);
    cr_expect_eq(cy.transient_codes, 1);
    cleanup();
}

/* The claim reads period 100: ten paper-profile seeds of the L = 49 line give 1 each and C4
 * is reproduced (sign test 2^-10, Holm x 14 < 0.05); the L = 3 line (an exact stable
 * 8-cycle, which the internal reading at period 8 accepts) gives 0. */
Test(claims, c4_claim_reads_period_100) {
    tu_tmpdir(root, sizeof root, "claims4c");
    for (int s = 0; s < 10; s++) put_copy_run("paper", s, 49, 0.2, 1);
    claims_evaluate(PROFILE_PAPER, root, CLAIM_SELECT_KEPT, res);
    const struct claim_result *r = &res[claim_find("C4") - claims];
    cr_assert_eq(r->arm[0].n_used, 10, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 1.0, 1e-12);
    cr_expect_float_eq(r->p, 1.0 / 1024, 1e-12);
    cr_expect_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    struct claim_cycle cy;
    char why[512];
    for (int s = 0; s < 10; s++) put_copy_run("paper", s, 3, 0.2, 1);
    cr_expect_eq(c4_read("paper", 0, 8, &cy, why, sizeof why), 1.0, "%s", why);
    cr_expect_eq(cy.period, 8);
    claims_free(res);
    memset(res, 0, sizeof res);
    claims_evaluate(PROFILE_PAPER, root, CLAIM_SELECT_KEPT, res);
    r = &res[claim_find("C4") - claims];
    cr_assert_eq(r->arm[0].n_used, 10, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 0.0, 1e-12);
    cr_expect_eq(r->verdict, VERDICT_NOT_REPRODUCED, "%s", r->reason);
    cleanup();
}

/* At verify the six C3 runs at P = 1 are read: statistics shown, not decided (paper-only). */
Test(claims, c4_at_verify_is_shown_not_decided) {
    tu_tmpdir(root, sizeof root, "claims4v");
    for (int s = 0; s < 6; s++) put_copy_run("verify", s, 49, 0.2, 1);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    const struct claim_result *r = &res[claim_find("C4") - claims];
    cr_expect(r->have_stats && r->verdict == VERDICT_INCONCLUSIVE && isnan(r->p_holm), "%s",
              r->reason);
    cr_expect_eq(r->arm[0].n_used, 6);
    cr_expect(strstr(r->reason, "paper profile"), "%s", r->reason);
    /* the per-seed note the report prints */
    cr_expect_str_eq(r->arm[0].note[0], "period 100, stable; transient 1 step, 1 code");
    cr_expect_eq(r->arm[0].seed[5], 5);
    cleanup();
}

/* NAN with the reason: P != 1, no stored test sequence; an orbit that diverges scores 0. */
Test(claims, c4_nan_with_the_reason) {
    tu_tmpdir(root, sizeof root, "claims4n");
    struct claim_cycle cy;
    char why[512];
    put_copy_run("paper", 0, 49, 0.2, 2);
    cr_expect(isnan(c4_read("paper", 0, 100, &cy, why, sizeof why)));
    cr_expect(strstr(why, "P = 2"), "%s", why);

    put_copy_run("paper", 1, 3, 0.2, 1); /* then make unit 1 double itself: x_1' = 2 x_1 */
    char path[512];
    snprintf(path, sizeof path, "%s/paper/copy/P1_seed1.h5", root);
    {
        double W[16] = {0};
        W[0 * 4 + 3] = -3, W[1 * 4 + 1] = 2, W[2 * 4 + 1] = 1, W[3 * 4 + 2] = 1;
        struct h5file f;
        h5_create(&f, path);
        h5_attr_int(&f, "/", "P", 1);
        const double A[1] = {0}, h[4] = {1, 1, 0, 0}, x[6] = {0, 1, 1, 0, 0, 0};
        double z[16] = {0};
        const size_t dw[2] = {4, 4}, da[1] = {1}, dh[1] = {4}, dx[3] = {1, 3, 2},
                     dz[3] = {1, 4, 4};
        h5_write(&f, "/model/W", H5K_F64, 2, dw, W, "W", "1");
        h5_write(&f, "/model/A", H5K_F64, 1, da, A, "A", "1");
        h5_write(&f, "/model/h", H5K_F64, 1, dh, h, "h", "1");
        h5_write(&f, "/test/sample/x", H5K_F64, 3, dx, x, "inputs", "1");
        h5_write(&f, "/test/sample/z", H5K_F64, 3, dz, z, "states", "1");
        h5_close(&f);
    }
    why[0] = 0; /* a diverging orbit has no cycle: 0, flagged, no reason */
    cr_expect_eq(c4_read("paper", 1, 100, &cy, why, sizeof why), 0);
    cr_expect(cy.diverged && !why[0], "diverged %d, why '%s'", cy.diverged, why);

    snprintf(path, sizeof path, "%s/paper/copy/P1_seed2.h5", root);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_attr_int(&f, "/", "P", 1);
    h5_write_scalar(&f, "/test/symbol_accuracy", 0.9, "acc", "1");
    h5_close(&f);
    cr_expect(isnan(c4_read("paper", 2, 100, &cy, why, sizeof why)));
    cr_expect(strstr(why, "lacks /model/W"), "%s", why);
    cleanup();
}

/* C14 on synthetic SCAN runs: the boundary row "any" (the last) at offset 0 minus the
 * boundary-free rate; every other cell is 0.9, so a wrong row or column shows. The note
 * counts the units against the shuffled null. */
static void put_scan_run(const char *profile, int seed, double at_boundary, double elsewhere,
                         int with_null) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s/scan_simple/P16_seed%d.h5", root, profile, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    int32_t off[7];
    double sw[7 * 7];
    for (int i = 0; i < 7; i++) off[i] = i - 3;
    for (int i = 0; i < 49; i++) sw[i] = 0.9;
    sw[6 * 7 + 3] = at_boundary;
    const size_t d1[1] = {7}, d2[2] = {7, 7}, du[1] = {4};
    h5_write(&f, "/analysis/boundary/offset", H5K_I32, 1, d1, off, "offset", "steps");
    h5_write(&f, "/analysis/boundary/switch_rate", H5K_F64, 2, d2, sw, "rate", "1");
    h5_write_scalar(&f, "/analysis/boundary/nonboundary_switch_rate", elsewhere, "rate", "1");
    if (with_null) {
        const double up[4] = {0.01, 0.04, 0.97, 0.5};
        h5_write_scalar(&f, "/analysis/boundary_null/switch_p", 0.25, "p", "1");
        h5_write(&f, "/analysis/boundary_null/unit_p", H5K_F64, 1, du, up, "p", "1");
    }
    h5_close(&f);
}

Test(claims, c14_boundary_excess_and_its_null_note) {
    tu_tmpdir(root, sizeof root, "claims_c14");
    for (int s = 0; s < 10; s++) put_scan_run("paper", s, 0.5 + 0.01 * s, 0.45, s != 3);
    claims_evaluate(PROFILE_PAPER, root, CLAIM_SELECT_KEPT, res);
    const struct claim_result *r = &res[claim_find("C14") - claims];
    cr_assert_eq(r->arm[0].n_used, 10, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 0.095, 1e-12);
    cr_expect_float_eq(r->p, 1.0 / 1024, 1e-15);
    cr_expect_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    cr_expect_str_eq(r->arm[0].note[0], "null p 0.25; units more/less 2/1 of 4");
    cr_expect_str_eq(r->arm[0].note[3], ""); /* no null stored: no note */
    /* the same runs at the verify profile's files: shown, not decided */
    claims_free(res);
    memset(res, 0, sizeof res);
    for (int s = 0; s < 10; s++) put_scan_run("verify", s, 0.44 - 0.001 * s, 0.45, 1);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    r = &res[claim_find("C14") - claims];
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE);
    cr_expect(strstr(r->reason, "paper profile"), "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, -0.0145, 1e-12);
    cr_expect(r->hi < 0, "interval [%g, %g] should lie below zero", r->lo, r->hi);
    cleanup();
}

/* --select final: C1's /test/mse (the kept model's) against /eval/mse of the last evaluation.
 * Addition runs whose kept scores separate the arms the paper's way (P = 2 ~0.002, P = 0
 * ~0.16) while the final evaluation, after `epochs` = 250, has them the other way round
 * (P = 2 ~0.30): the two selections give different statistics and verdicts. */
static void put_eval_run(int P, int seed, double test_mse, double final_mse, int last_epoch) {
    char path[512];
    snprintf(path, sizeof path, "%s/verify/addition/P%d_seed%d.h5", root, P, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_write_scalar(&f, "/test/mse", test_mse, "test MSE", "1");
    const int32_t ep[3] = {last_epoch - 200, last_epoch - 100, last_epoch};
    const double mse[3] = {0.5, 0.25, final_mse};
    const size_t d[1] = {3};
    h5_write(&f, "/eval/epoch", H5K_I32, 1, d, ep, "epoch", "epoch");
    h5_write(&f, "/eval/mse", H5K_F64, 1, d, mse, "test MSE per evaluation", "1");
    h5_attr_int(&f, "/config", "epochs", 250);
    h5_close(&f);
}

static void put_select_sweep(void) {
    tu_tmpdir(root, sizeof root, "claims_sel");
    for (int s = 0; s < 6; s++) {
        put_eval_run(0, s, 0.160 + 0.001 * s, 0.150 + 0.001 * s, 250);
        put_eval_run(2, s, 0.0020 + 0.0001 * s, 0.30 + 0.001 * s, 250);
    }
}

static const struct claim_result *eval_c1_sel(claim_select s) {
    claims_free(res);
    memset(res, 0, sizeof res);
    claims_evaluate(PROFILE_VERIFY, root, s, res);
    return &res[claim_find("C1") - claims];
}

Test(claims, select_final_reads_the_last_evaluation) {
    put_select_sweep();
    const struct claim_result *r = eval_c1_sel(CLAIM_SELECT_KEPT);
    cr_expect_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 0.00225, 1e-12);
    cr_expect_float_eq(r->effect, 0.1625 - 0.00225, 1e-12);
    r = eval_c1_sel(CLAIM_SELECT_FINAL);
    cr_expect_eq(r->arm[0].n_used, 6, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 0.3025, 1e-12);
    cr_expect_float_eq(r->arm[1].mean, 0.1525, 1e-12);
    cr_expect_float_eq(r->effect, 0.1525 - 0.3025, 1e-12);
    cr_expect_float_eq(r->delta, -1.0, 1e-12);
    cr_expect_eq(r->verdict, VERDICT_NOT_REPRODUCED, "%s", r->reason);
    cr_expect(claim_reads_eval(claim_find("C1"), CLAIM_SELECT_FINAL));
    cr_expect(!claim_reads_eval(claim_find("C1"), CLAIM_SELECT_KEPT));
    cr_expect(!claim_reads_eval(claim_find("C4"), CLAIM_SELECT_FINAL)); /* derived: kept */
    cleanup();
}

Test(claims, select_final_without_an_evaluation_at_the_last_epoch) {
    put_select_sweep();
    put_eval_run(2, 3, 0.0023, 0.30, 240); /* last evaluation at epoch 240 of 250 */
    const struct claim_result *r = eval_c1_sel(CLAIM_SELECT_FINAL);
    cr_expect_eq(r->arm[0].n_used, 5);
    cr_expect_eq(r->arm[0].n_bad, 1);
    /* the seed's reason reaches the claim once the arm is short of seeds */
    put_eval_run(2, 4, 0.0024, 0.30, 240);
    r = eval_c1_sel(CLAIM_SELECT_FINAL);
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE);
    cr_expect(strstr(r->reason, "no evaluation at the final epoch"), "%s", r->reason);
    /* the kept model's scores are untouched */
    r = eval_c1_sel(CLAIM_SELECT_KEPT);
    cr_expect_eq(r->arm[0].n_used, 6, "%s", r->reason);
    cleanup();
}

/* --select best_val: the /eval row of the lowest /eval/val_loss, the first strict minimum,
 * NaN never lowest, whichever model the run kept (here /test/mse is 1, neither arm's).
 * P = 2's tied minimum at rows 1 and 2 must pick row 1 (0.003 + 0.001 s; row 2 would be
 * 0.30), P = 0's NaN in row 0 must not (row 0 would be 0.16 + 0.001 s; row 1 is 0.17). */
static void put_val_run(int P, int seed, const double mse[3], const double val[3]) {
    char path[512];
    snprintf(path, sizeof path, "%s/verify/addition/P%d_seed%d.h5", root, P, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_write_scalar(&f, "/test/mse", 1.0, "test MSE", "1");
    const int32_t ep[3] = {50, 100, 150};
    const size_t d[1] = {3};
    h5_write(&f, "/eval/epoch", H5K_I32, 1, d, ep, "epoch", "epoch");
    h5_write(&f, "/eval/mse", H5K_F64, 1, d, mse, "test MSE per evaluation", "1");
    if (val) h5_write(&f, "/eval/val_loss", H5K_F64, 1, d, val, "validation loss", "1");
    h5_close(&f);
}

Test(claims, select_best_val_reads_the_lowest_validation_loss_row) {
    tu_tmpdir(root, sizeof root, "claims_bv");
    for (int s = 0; s < 6; s++) {
        const double m2[3] = {0.40, 0.003 + 0.001 * s, 0.30}, v2[3] = {0.5, 0.1, 0.1};
        const double m0[3] = {0.16 + 0.001 * s, 0.17, 0.18}, v0[3] = {NAN, 0.2, 0.3};
        put_val_run(2, s, m2, v2);
        put_val_run(0, s, m0, v0);
    }
    const struct claim_result *r = eval_c1_sel(CLAIM_SELECT_BEST_VAL);
    cr_expect_eq(r->arm[0].n_used, 6, "%s", r->reason);
    cr_expect_float_eq(r->arm[0].mean, 0.0055, 1e-12);
    cr_expect_float_eq(r->arm[1].mean, 0.17, 1e-12);
    cr_expect_float_eq(r->effect, 0.17 - 0.0055, 1e-12);
    cr_expect_eq(r->verdict, VERDICT_REPRODUCED, "%s", r->reason);
    cr_expect(claim_reads_eval(claim_find("C1"), CLAIM_SELECT_BEST_VAL));
    cr_expect(!claim_reads_eval(claim_find("C4"), CLAIM_SELECT_BEST_VAL)); /* derived: kept */
    /* the kept model's scores are the files' /test/mse */
    r = eval_c1_sel(CLAIM_SELECT_KEPT);
    cr_expect_float_eq(r->arm[0].mean, 1.0, 1e-12);
    /* without a validation loss, or with none finite, the seed has no quantity */
    const double m[3] = {0.1, 0.1, 0.1}, nan3[3] = {NAN, NAN, NAN};
    put_val_run(2, 4, m, NULL);
    put_val_run(2, 5, m, nan3);
    r = eval_c1_sel(CLAIM_SELECT_BEST_VAL);
    cr_expect_eq(r->arm[0].n_used, 4);
    cr_expect_eq(r->arm[0].n_bad, 2);
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE);
    cr_expect(strstr(r->reason, "no finite validation loss") ||
                  strstr(r->reason, "lacks /eval/val_loss"),
              "%s", r->reason);
    cleanup();
}

/* The premise of --select best_val, on a real run: a best-validation row keeps the parameters
 * of the /eval row with the lowest validation loss, so its /test scores are that row's
 * /eval scores (copy at smoke, 40 noisy epochs: the minimum falls before the end here). */
Test(claims, best_val_run_keeps_the_lowest_validation_loss_row, .timeout = 120) {
    char dir[256], args[1024], path[512], err[8192];
    tu_tmpdir(dir, sizeof dir, "claims_bv_run");
    snprintf(path, sizeof path, "%s/run.h5", dir);
    snprintf(args, sizeof args, "run copy --P 1 --seed 0 --profile smoke --out %s", path);
    cr_assert_eq(tu_alrnn("ALRNN_TEST_OVERRIDE=epochs=40,lr=0.03", args, err, sizeof err), 0,
                 "%s", err);
    size_t ne, nv, n1;
    double *ep = tu_h5_read(path, "/eval/epoch", &ne, NULL);
    double *vl = tu_h5_read(path, "/eval/val_loss", &nv, NULL);
    cr_assert(ne == 40 && nv == 40, "%zu evaluations, %zu validation losses", ne, nv);
    size_t k = 0;
    for (size_t i = 1; i < nv; i++)
        if (vl[i] < vl[k]) k = i;
    double *sel = tu_h5_read(path, "/train/selected_epoch", &n1, NULL);
    cr_expect_eq(sel[0], ep[k], "kept epoch %g, lowest validation loss at %g", sel[0], ep[k]);
    const char *metric[2] = {"symbol_accuracy", "sequence_accuracy"};
    for (int m = 0; m < 2; m++) {
        char dt[64], de[64];
        snprintf(dt, sizeof dt, "/test/%s", metric[m]);
        snprintf(de, sizeof de, "/eval/%s", metric[m]);
        size_t nt, nr;
        double *t = tu_h5_read(path, dt, &nt, NULL), *e = tu_h5_read(path, de, &nr, NULL);
        cr_expect(nr == ne && t[0] == e[k], "%s %g, %s at row %zu %g", dt, t[0], de, k, e[k]);
        free(t);
        free(e);
    }
    free(ep);
    free(vl);
    free(sel);
    tu_rm_rf(dir);
}

/* The report records the selection, and the final one has its own file names. */
Test(claims, select_final_report_beside_the_kept_one) {
    put_select_sweep();
    char out[256], path[512], err[4096], args[1024];
    tu_tmpdir(out, sizeof out, "claims_sel_out");
    snprintf(args, sizeof args, "verify --profile verify --claims C1,C4 --results %s --out %s",
             root, out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(args + strlen(args), sizeof args - strlen(args), " --select final");
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    const char *names[4] = {"claims.tsv", "claims.md", "claims_final.tsv", "claims_final.md"};
    char text[4][16384];
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", out, names[i]);
        FILE *fp = fopen(path, "r");
        cr_assert_not_null(fp, "no %s", path);
        const size_t k = fread(text[i], 1, sizeof text[i] - 1, fp);
        text[i][k] = 0;
        fclose(fp);
    }
    cr_expect(strstr(text[0], "model selection: kept") && !strstr(text[0], "selection: final"));
    cr_expect(strstr(text[1], "Model selection: **kept**"), "%s", text[1]);
    cr_expect(strstr(text[2], "model selection: final"), "%s", text[2]);
    cr_expect(strstr(text[3], "Model selection: **final**"), "%s", text[3]);
    cr_expect(strstr(text[0], "C1\treproduced"), "%s", text[0]);
    cr_expect(strstr(text[2], "C1\tnot reproduced"), "%s", text[2]);
    /* the quantity column says which model each claim read */
    cr_expect(strstr(text[3], "/eval/mse at the final epoch"), "%s", text[3]);
    cr_expect(strstr(text[3], "(kept model)"), "%s", text[3]);
    /* best_val: its own names, beside both (the sweep has no validation loss: no quantity) */
    snprintf(args, sizeof args,
             "verify --profile verify --claims C1,C4 --results %s --out %s --select best_val",
             root, out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/claims_best_val.md", out);
    char *bv = tu_slurp(path);
    cr_assert_not_null(bv, "no %s", path);
    cr_expect(strstr(bv, "Model selection: **best_val**"), "%s", bv);
    cr_expect(strstr(bv, "/eval/mse at the lowest validation loss"), "%s", bv);
    cr_expect(strstr(bv, "lacks /eval/val_loss"), "%s", bv);
    free(bv);
    snprintf(path, sizeof path, "%s/claims_best_val.tsv", out);
    cr_expect(tu_exists(path), "no %s", path);
    snprintf(path, sizeof path, "%s/claims_final.md", out);
    cr_expect(tu_exists(path), "best_val replaced %s", path);
    cr_expect_neq(tu_alrnn(NULL, "verify --profile smoke --select best --out /tmp", err,
                           sizeof err),
                  0);
    cr_expect(strstr(err, "--select best") && tu_lines(err) == 1, "%s", err);
    tu_rm_rf(out);
    cleanup();
}

/* --row FROM=TO: the arms of FROM read TO's runs (here the tanh baseline's file names, 3 seeds
 * at verify), the report says so, and a bad spec is one line */
Test(claims, row_substitution_reads_the_other_rows_runs) {
    put_c1_sweep(); /* addition: C1 reproduced */
    for (int s = 0; s < 3; s++)
        for (int P = 0; P <= 2; P += 2) { /* the same P and seeds under addition-tanh */
            char path[512];
            snprintf(path, sizeof path, "%s/verify/addition-tanh/P%d_seed%d.h5", root, P, s);
            make_parent_dirs(path);
            struct h5file f;
            h5_create(&f, path);
            h5_write_scalar(&f, "/test/mse", 0.1, "test MSE", "1");
            h5_close(&f);
        }
    char out[256], path[512], err[4096], args[1024];
    tu_tmpdir(out, sizeof out, "claims_row_out");
    snprintf(args, sizeof args,
             "verify --profile verify --claims C1 --results %s --out %s --row addition=addition-tanh",
             root, out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/claims.tsv", out);
    char *tsv = tu_slurp(path);
    cr_assert_not_null(tsv, "no %s", path);
    cr_expect(strstr(tsv, "rows substituted (--row): addition -> addition-tanh"), "%s", tsv);
    cr_expect(strstr(tsv, "C1\tinconclusive\t") && strstr(tsv, "addition-tanh P=2 has 3"), "%s",
              tsv);
    free(tsv);
    snprintf(path, sizeof path, "%s/claims.md", out);
    char *md = tu_slurp(path);
    cr_assert_not_null(md);
    cr_expect(strstr(md, "Rows substituted (`--row`): **addition -> addition-tanh**"), "%s", md);
    cr_expect(strstr(md, "/verify/addition-tanh/P2_seed0.h5"), "the run list names the row read");
    free(md);
    const char *bad[4][2] = {
        {"--row addition=addition-tanh", "needs --out"},
        {"--out /tmp --row addition=nosuchrow", "unknown row 'nosuchrow'"},
        {"--out /tmp --row addition=copy", "different tasks"},
        {"--out /tmp --row addition", "write FROM=TO"},
    };
    for (int i = 0; i < 4; i++) {
        snprintf(args, sizeof args, "verify --profile verify --claims C1 --results %s %s", root,
                 bad[i][0]);
        cr_expect_neq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", bad[i][0]);
        cr_expect(strstr(err, bad[i][1]) && tu_lines(err) == 1, "%s: %s", bad[i][0], err);
    }
    tu_rm_rf(out);
    cleanup();
}

/* A claim one of whose arms lacks seeds stays inconclusive, but the comparisons whose two arms
 * are complete are computed and shown (here C6: P = 10 against P = 0 present, P = M missing) */
Test(claims, partial_comparisons_are_shown_not_decided) {
    tu_tmpdir(root, sizeof root, "claims_part");
    for (int s = 0; s < 8; s++)
        for (int P = 0; P <= 10; P += 10) {
            char path[512];
            snprintf(path, sizeof path, "%s/verify/imdb/P%d_seed%d.h5", root, P, s);
            make_parent_dirs(path);
            struct h5file f;
            h5_create(&f, path);
            h5_write_scalar(&f, "/test/accuracy", P ? 0.85 + 0.001 * s : 0.70 + 0.001 * s,
                            "accuracy", "1");
            h5_close(&f);
        }
    claims_free(res);
    memset(res, 0, sizeof res);
    claims_evaluate(PROFILE_VERIFY, root, CLAIM_SELECT_KEPT, res);
    const struct claim_result *r = &res[claim_find("C6") - claims];
    cr_expect_eq(r->verdict, VERDICT_INCONCLUSIVE);
    cr_expect(!r->have_stats && r->partial, "have_stats %d partial %d", r->have_stats, r->partial);
    cr_expect(strstr(r->reason, "fewer than 5 usable seeds: imdb P=M has 0"), "%s", r->reason);
    cr_expect(r->cmp_shown[0] && !r->cmp_shown[1]);
    cr_expect_float_eq(r->cmp[0].effect, 0.15, 1e-9);
    cr_expect_float_eq(r->cmp[0].p, 1.0 / 12870, 1e-12); /* C(16, 8): complete separation */
    char out[256], err[4096], args[1024];
    tu_tmpdir(out, sizeof out, "claims_part_out");
    snprintf(args, sizeof args, "verify --profile verify --claims C6 --results %s --out %s", root,
             out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    char path[512];
    snprintf(path, sizeof path, "%s/claims.md", out);
    char *md = tu_slurp(path);
    cr_assert_not_null(md);
    cr_expect(strstr(md, "| 1: imdb P=10 > imdb P=0 | 0.15 ["), "%s", md);
    cr_expect(strstr(md, "| 2: imdb P=10 > imdb P=M | too few seeds |"), "%s", md);
    free(md);
    tu_rm_rf(out);
    cleanup();
}

/* ---- beside the baselines ------------------------------------------------------------- */

static void put_quick(const char *row, int P, int seed, double mse) {
    char path[512];
    snprintf(path, sizeof path, "%s/quick/%s/P%d_seed%d.h5", root, row, P, seed);
    make_parent_dirs(path);
    struct h5file f;
    h5_create(&f, path);
    h5_write_scalar(&f, "/test/mse", mse, "test MSE", "1");
    h5_close(&f);
}

/* addition at quick (P grid 0,1,2,5,10,50; M = 50; 3 seeds): the best sparse P is the lowest
 * mean MSE among 0 < P < M (P = 50 = M is lower still and must not count), the best baseline
 * the lowest among the baseline rows with runs (the GRU has none) */
Test(claims, beside_baselines_picks_the_best_of_each_and_compares, .timeout = 60) {
    tu_tmpdir(root, sizeof root, "beside");
    const int P[] = {1, 2, 5, 10, 50};
    const double m[] = {0.10, 0.01, 0.002, 0.005, 0.0001};
    for (int s = 0; s < 3; s++) {
        for (int k = 0; k < 5; k++) put_quick("addition", P[k], s, m[k] + 1e-4 * s);
        put_quick("addition-tanh", 0, s, 0.15 + 1e-4 * s);
        put_quick("addition-lstm", 0, s, 0.008 + 1e-4 * s);
    }
    struct beside_result b[BESIDE_MAX];
    const int n = claims_beside_baselines(PROFILE_QUICK, root, CLAIM_SELECT_KEPT, b);
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(b[i].row, "addition")) {
            cr_expect(!b[i].have && strstr(b[i].reason, "no sparse P"), "%s: %s", b[i].row,
                      b[i].reason);
            continue;
        }
        seen = 1;
        cr_assert(b[i].have, "%s", b[i].reason);
        cr_expect_eq(b[i].best_P, 5);
        cr_expect_eq(b[i].n_sparse, 4);
        cr_expect_eq(b[i].n_base, 2);
        cr_expect(!strncmp(b[i].base.label, "addition-lstm", 13), "%s", b[i].base.label);
        cr_expect(fabs(b[i].sparse.mean - 0.0021) < 1e-12 && fabs(b[i].base.mean - 0.0081) < 1e-12);
        /* oriented (lower MSE is better): sparse better by 0.006, complete separation */
        cr_expect(fabs(b[i].cmp.effect - 0.006) < 1e-12, "%g", b[i].cmp.effect);
        cr_expect_gt(b[i].cmp.lo, 0);
        cr_expect_eq(b[i].cmp.delta, 1);
        cr_expect(fabs(b[i].cmp.p - 0.05) < 1e-12, "%g", b[i].cmp.p); /* 1 / C(6, 3) */
        cr_expect_eq(b[i].n_files, 18);
    }
    cr_expect(seen);
    claims_beside_free(b, n);
    /* the report: the section in claims.md, its TSV; not with a claim selection */
    char out[256], path[512], err[4096], args[1024];
    tu_tmpdir(out, sizeof out, "beside_out");
    snprintf(args, sizeof args, "verify --profile quick --results %s --out %s", root, out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/claims.md", out);
    char *md = tu_slurp(path);
    cr_assert_not_null(md);
    cr_expect(strstr(md, "## Beside the baselines (not claims of the paper)") &&
                  strstr(md, "| addition | /test/mse | P = 5: 0.0021 ± 0.0001 (3) | "
                             "addition-lstm: 0.0081 ± 0.0001 (3) | 0.006 ["),
              "%s", md);
    free(md);
    snprintf(path, sizeof path, "%s/claims_baselines.tsv", out);
    char *tsv = tu_slurp(path);
    cr_assert_not_null(tsv);
    cr_expect(strstr(tsv, "\naddition\t/test/mse\t5\t0.0021\t"), "%s", tsv);
    free(tsv);
    tu_rm_rf(out);
    tu_tmpdir(out, sizeof out, "beside_out");
    snprintf(args, sizeof args, "verify --profile quick --claims C1 --results %s --out %s", root,
             out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/claims.md", out);
    md = tu_slurp(path);
    cr_assert_not_null(md);
    cr_expect(!strstr(md, "Beside the baselines"), "a claim selection writes no section");
    free(md);
    tu_rm_rf(out);
    tu_rm_rf(root);
}
