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
    claims_evaluate(PROFILE_VERIFY, root, res);
    return &res[claim_find("C1") - claims];
}

static void cleanup(void) {
    claims_free(res);
    memset(res, 0, sizeof res);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    cr_assert_eq(system(cmd), 0);
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
