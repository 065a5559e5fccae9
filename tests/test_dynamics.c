/* test_dynamics.c: fixed points and k-cycles of the AL-RNN map (core/dynamics.h) on hand-built
 * maps whose answers are known in closed form (each derivation sits next to its test), the
 * code-sequence helpers, and `bin/alrnn analyze` end to end: a run file holding the 2-cycle
 * map, and bad input (no model, wrong input size, P too large for exhaustive search).
 *
 * Map under constant input (PAPER.md §1.1, §4): F(z) = a ⊙ z + W Φ*(z) + h + C s, inside the
 * subregion of code d affine with W_Ω = diag(a) + W D_Ω. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dynamics.h"
#include "h5io.h"
#include "testutil.h"

/* Closed-form values are O(1); LU in double on 1..3 unknowns is exact to ~1e-15. */
#define KA_TOL 1e-12

static const double pi = 3.14159265358979323846;

static void solve1(const struct dyn_map *f, uint64_t code, struct dyn_cycle *c, int *ok) {
    struct dyn_work w;
    dyn_work_init(&w, f, 1);
    dyn_cycle_init(c, f, 1);
    *ok = dyn_cycle_solve(f, &w, &code, 1, NULL, c, 1);
    dyn_work_free(&w);
}

/* M = 2, P = 1, sequence form (A on the ReLU unit 1 only, a0 = 1):
 *   z0' = 0.5 z0 + relu(z1) + h0 + s,   z1' = 0.5 z1 + h1,   h = (1, 1), C = (1, 0)ᵀ, s = -1,
 * so c = (0, 1). Unit 1 settles at z1* = 1 / (1 - 0.5) = 2 > 0 in either subregion.
 *   code 1: W_Ω = [[.5, 1], [0, .5]], z0* = (0 + 2) / 0.5 = 4: z* = (4, 2), code 1: REAL,
 *           eigenvalues 0.5, 0.5: stable.
 *   code 0: W_Ω = diag(.5, .5), z0* = 0 / 0.5 = 0: z* = (0, 2), code 1 ≠ 0: VIRTUAL. */
Test(dynamics, real_and_virtual_fixed_point) {
    const double A[1] = {0.5}, W[4] = {0.5, 1, 0, 0}, h[2] = {1, 1}, C[2] = {1, 0}, s[1] = {-1};
    struct dyn_map f;
    dyn_map_init(&f, 2, 1, 1, A, W, h, C, 1, s);
    cr_assert(fabs(f.c[0]) < KA_TOL && fabs(f.c[1] - 1) < KA_TOL, "c = h + C s");
    struct dyn_cycle c;
    int ok;
    solve1(&f, 1, &c, &ok);
    cr_expect(ok && c.consistent && c.solvable && c.family == 0, "code 1: a real fixed point");
    cr_expect(fabs(c.z[0] - 4) < KA_TOL && fabs(c.z[1] - 2) < KA_TOL, "z* = (%g, %g), want (4, 2)",
              c.z[0], c.z[1]);
    cr_expect(c.stability == DYN_STABLE && fabs(c.rho - 0.5) < 1e-7, "stable, rho %g", c.rho);
    cr_expect(c.closure <= DYN_CLOSE_TOL && fabs(c.margin - 2) < KA_TOL);
    dyn_cycle_free(&c);
    solve1(&f, 0, &c, &ok);
    cr_expect(!ok && !c.consistent && c.solvable, "code 0: virtual");
    cr_expect(fabs(c.z[0]) < KA_TOL && fabs(c.z[1] - 2) < KA_TOL, "virtual z* = (%g, %g), want (0, 2)",
              c.z[0], c.z[1]);
    dyn_cycle_free(&c);
    dyn_map_free(&f);
}

/* M = 1, P = 1, DSR form (a0 = 0): F(z) = 0.5 z - 2 relu(z) + 1. Slopes: 0.5 for z <= 0 (code
 * 0), 0.5 - 2 = -1.5 for z > 0 (code 1). The 2-cycle z1 <= 0 < z2:
 *   z2 = 0.5 z1 + 1,  z1 = -1.5 z2 + 1  =>  z1 = -0.75 z1 - 0.5  =>  z1 = -2/7, z2 = 6/7,
 * multiplier 0.5 · (-1.5) = -0.75: stable. Fixed points: code 1, z = 1 / 2.5 = 0.4 real with
 * slope -1.5 (a repeller); code 0, z = 1 / 0.5 = 2 > 0 virtual. */
static void two_cycle_map(struct dyn_map *f) {
    const double A[1] = {0.5}, W[1] = {-2}, h[1] = {1};
    dyn_map_init(f, 1, 1, 0, A, W, h, NULL, 0, NULL);
}

Test(dynamics, two_cycle) {
    struct dyn_map f;
    two_cycle_map(&f);
    struct dyn_work w;
    dyn_work_init(&w, &f, 4);
    struct dyn_cycle c;
    dyn_cycle_init(&c, &f, 2);
    const uint64_t seq[2] = {0, 1};
    cr_assert(dyn_cycle_solve(&f, &w, seq, 2, NULL, &c, 0), "codes (0, 1) give a 2-cycle");
    cr_expect(fabs(c.z[0] + 2.0 / 7) < KA_TOL && fabs(c.z[1] - 6.0 / 7) < KA_TOL,
              "cycle (%g, %g), want (-2/7, 6/7)", c.z[0], c.z[1]);
    cr_expect(fabs(c.mult_re[0] + 0.75) < KA_TOL && c.mult_im[0] == 0, "multiplier %g, want -0.75",
              c.mult_re[0]);
    cr_expect(c.stability == DYN_STABLE && c.closure <= DYN_CLOSE_TOL);
    /* SCYFI from the rotated guess (1, 0) lands on the same orbit */
    const uint64_t rot[2] = {1, 0};
    int solves = 0;
    cr_expect(dyn_cycle_try(&f, &w, rot, 2, NULL, 4, &c, &solves) && solves == 1);
    cr_expect(fabs(c.z[0] - 6.0 / 7) < KA_TOL);
    /* (1, 1) is the fixed point 0.4 twice: consistent but not a 2-cycle */
    const uint64_t same[2] = {1, 1};
    cr_expect(!dyn_cycle_solve(&f, &w, same, 2, NULL, &c, 0) && c.consistent && !c.minimal);
    dyn_cycle_free(&c);
    /* the map itself converges onto it from 0.1 */
    double z = 0.1, zn;
    for (int t = 0; t < 200; t++) dyn_step(&f, &z, &zn), z = zn;
    cr_expect(fabs(z + 2.0 / 7) < 1e-12 || fabs(z - 6.0 / 7) < 1e-12, "iterate ends at %g", z);
    struct dyn_cycle fp;
    int ok;
    solve1(&f, 1, &fp, &ok);
    cr_expect(ok && fabs(fp.z[0] - 0.4) < KA_TOL && fp.stability == DYN_REPELLER);
    dyn_cycle_free(&fp);
    solve1(&f, 0, &fp, &ok);
    cr_expect(!ok && fabs(fp.z[0] - 2) < KA_TOL, "code 0 virtual at 2");
    dyn_cycle_free(&fp);
    dyn_work_free(&w);
    dyn_map_free(&f);
}

/* M = 3, P = 1, sequence form (a0 = 2): units 0, 1 linear, rotated by θ = 2π/k about the
 * origin; unit 2 ReLU, z2' = 0.5 z2 + 1 -> 2 (code 1 throughout). W_Ω^k = diag(1, 1, 0.5^k), so
 * I - M_k is singular on the rotation plane and every point (r cos φ, r sin φ, 2) lies on a
 * k-cycle: a 2-dimensional family. From zref = (1, 0, 2) the cycle is
 * z_j = (cos(2π(j-1)/k), sin(2π(j-1)/k), 2), multipliers 1, 1, 2^-k (neutral). */
Test(dynamics, rotation_k_cycle_family) {
    const int k = 5;
    const double th = 2 * pi / k;
    const double A[1] = {0.5}, h[3] = {0, 0, 1};
    const double W[9] = {cos(th), -sin(th), 0, sin(th), cos(th), 0, 0, 0, 0};
    struct dyn_map f;
    dyn_map_init(&f, 3, 1, 2, A, W, h, NULL, 0, NULL);
    struct dyn_work w;
    dyn_work_init(&w, &f, k);
    struct dyn_cycle c;
    dyn_cycle_init(&c, &f, k);
    uint64_t seq[5] = {1, 1, 1, 1, 1};
    const double zref[3] = {1, 0, 2};
    cr_assert(dyn_cycle_solve(&f, &w, seq, k, zref, &c, 0), "a verified 5-cycle");
    cr_expect(c.family == 2, "family dimension %d, want 2", c.family);
    for (int j = 0; j < k; j++) {
        const double *z = c.z + 3 * j;
        cr_expect(fabs(z[0] - cos(th * j)) < 1e-10 && fabs(z[1] - sin(th * j)) < 1e-10 &&
                      fabs(z[2] - 2) < 1e-10,
                  "z_%d = (%g, %g, %g)", j + 1, z[0], z[1], z[2]);
    }
    cr_expect(fabs(hypot(c.mult_re[0], c.mult_im[0]) - 1) < 1e-10 &&
              fabs(hypot(c.mult_re[2], c.mult_im[2]) - pow(0.5, k)) < 1e-10);
    cr_expect(c.stability == DYN_NEUTRAL, "stability %s", dyn_stability_names[c.stability]);
    /* a period that is not a multiple of 2π/θ: I - M_k invertible on the plane, the only
     * solution is the centre (0, 0, 2), a fixed point, so no 3-cycle */
    struct dyn_cycle c3;
    dyn_cycle_init(&c3, &f, 3);
    cr_expect(!dyn_cycle_solve(&f, &w, seq, 3, zref, &c3, 0) && !c3.minimal && c3.family == 0);
    dyn_cycle_free(&c3);
    dyn_cycle_free(&c);
    dyn_work_free(&w);
    dyn_map_free(&f);
}

/* P = 0, M = 2: a pure rotation by 2π/7 about the origin. W^7 = I up to rounding, so I - W^7
 * is rounding noise (scale-free condition numbers call it well conditioned): every point but
 * the origin lies on a 7-cycle, a 2-dimensional family; from zref = (0, 2) the cycle is
 * 2 (-sin(2πj/7), cos(2πj/7)), multipliers e^{±2πi·7/7} = 1, 1. */
Test(dynamics, p0_pure_rotation_family) {
    const int k = 7;
    const double th = 2 * pi / k, W[4] = {cos(th), -sin(th), sin(th), cos(th)}, h[2] = {0, 0};
    struct dyn_map f;
    dyn_map_init(&f, 2, 0, 2, NULL, W, h, NULL, 0, NULL);
    struct dyn_work w;
    dyn_work_init(&w, &f, k);
    struct dyn_cycle c;
    dyn_cycle_init(&c, &f, k);
    const uint64_t seq[7] = {0};
    const double zref[2] = {0, 2};
    cr_assert(dyn_cycle_solve(&f, &w, seq, k, zref, &c, 0), "a verified 7-cycle");
    cr_expect(c.family == 2, "family %d", c.family);
    for (int j = 0; j < k; j++)
        cr_expect(fabs(c.z[2 * j] + 2 * sin(th * j)) < 1e-10 && fabs(c.z[2 * j + 1] - 2 * cos(th * j)) < 1e-10,
                  "z_%d = (%g, %g)", j + 1, c.z[2 * j], c.z[2 * j + 1]);
    cr_expect(c.stability == DYN_NEUTRAL);
    dyn_cycle_free(&c);
    dyn_work_free(&w);
    dyn_map_free(&f);
}

/* M = 1, P = 1, DSR form: F(z) = 0.5 z + w relu(z) + 1.
 *   w = 1: slopes 0.5 (code 0) and 1.5 (code 1). Code 0: z* = 1 / 0.5 = 2 > 0, virtual. Code 1:
 *          z* = 1 / (1 - 1.5) = -2 <= 0, virtual. No fixed point in its region at all.
 *   w = 0.5: code 1 is the translation z -> z + 1: I - W_Ω = 0 and c = 1 ≠ 0, no solution. */
Test(dynamics, no_fixed_point_in_its_region) {
    const double A[1] = {0.5}, h[1] = {1};
    double W[1] = {1};
    struct dyn_map f;
    dyn_map_init(&f, 1, 1, 0, A, W, h, NULL, 0, NULL);
    struct dyn_cycle c;
    int ok;
    solve1(&f, 0, &c, &ok);
    cr_expect(!ok && c.solvable && fabs(c.z[0] - 2) < KA_TOL, "code 0: virtual at 2");
    dyn_cycle_free(&c);
    solve1(&f, 1, &c, &ok);
    cr_expect(!ok && c.solvable && fabs(c.z[0] + 2) < KA_TOL, "code 1: virtual at -2");
    cr_expect(c.stability == DYN_REPELLER);
    dyn_cycle_free(&c);
    dyn_map_free(&f);
    W[0] = 0.5;
    dyn_map_init(&f, 1, 1, 0, A, W, h, NULL, 0, NULL);
    solve1(&f, 1, &c, &ok);
    cr_expect(!ok && !c.solvable, "translation: no fixed point");
    dyn_cycle_free(&c);
    dyn_map_free(&f);
}

/* P = 0: one linear system z' = W z + h, W = [[.5, .2], [0, .8]], h = (1, 1):
 *   z2* = 1 / 0.2 = 5, z1* = (1 + 0.2 · 5) / 0.5 = 4; eigenvalues 0.8, 0.5 (stable).
 * The only code is the empty one; a "2-cycle" on it is that fixed point again. */
Test(dynamics, p0_one_linear_system) {
    const double W[4] = {0.5, 0.2, 0, 0.8}, h[2] = {1, 1};
    struct dyn_map f;
    dyn_map_init(&f, 2, 0, 2, NULL, W, h, NULL, 0, NULL);
    cr_assert(f.CW == 1);
    struct dyn_cycle c;
    int ok;
    solve1(&f, 0, &c, &ok);
    cr_expect(ok && fabs(c.z[0] - 4) < KA_TOL && fabs(c.z[1] - 5) < KA_TOL, "z* = (%g, %g)", c.z[0],
              c.z[1]);
    cr_expect(fabs(c.mult_re[0] - 0.8) < KA_TOL && fabs(c.mult_re[1] - 0.5) < KA_TOL &&
              c.stability == DYN_STABLE);
    dyn_cycle_free(&c);
    struct dyn_work w;
    dyn_work_init(&w, &f, 2);
    dyn_cycle_init(&c, &f, 2);
    const uint64_t seq[2] = {0, 0};
    cr_expect(!dyn_cycle_solve(&f, &w, seq, 2, NULL, &c, 0) && c.consistent && !c.minimal);
    dyn_cycle_free(&c);
    dyn_work_free(&w);
    dyn_map_free(&f);
}

Test(dynamics, code_sequence_helpers) {
    const uint64_t a[3] = {1, 0, 0}, b[4] = {0, 1, 0, 1}, e[3] = {0, 0, 1};
    uint64_t out[4];
    dyn_codes_canonical(a, 3, 1, out);
    cr_expect(!memcmp(out, e, sizeof e), "canonical rotation of 100 is 001");
    cr_expect(dyn_codes_period(b, 4, 1) == 2 && dyn_codes_period(a, 3, 1) == 3);
    const double re[3] = {0.5, 2, 0}, im[3] = {0, 0, 0.3};
    cr_expect(dyn_classify(3, re, im) == DYN_SADDLE);
    cr_expect(dyn_classify(1, re + 1, im + 1) == DYN_REPELLER);
}

/* ---- bin/alrnn analyze ------------------------------------------------------------------ */

/* A run-file-shaped HDF5 file: /model/{A, W, C, h}, root attribute P, /config form. */
static void write_model_file(const char *path, int M, int P, const char *form, const double *A,
                             int nA, const double *W, const double *C, int N, const double *h) {
    struct h5file f;
    h5_create(&f, path);
    const size_t dA[1] = {nA}, dW[2] = {M, M}, dC[2] = {M, N}, dh[1] = {M};
    h5_write(&f, "/model/A", H5K_F64, 1, dA, A, "A", "1");
    h5_write(&f, "/model/W", H5K_F64, 2, dW, W, "W", "1");
    h5_write(&f, "/model/C", H5K_F64, 2, dC, C, "C", "1");
    h5_write(&f, "/model/h", H5K_F64, 1, dh, h, "h", "1");
    h5_attr_int(&f, "/", "P", P);
    h5_attr_int(&f, "/", "M", M);
    h5_attr_str(&f, "/config", "form", form);
    h5_close(&f);
}

/* stdout of a shell command into buf; returns the exit status. */
static int run_capture(const char *cmd, char *buf, size_t n) {
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    const size_t k = fread(buf, 1, n - 1, p);
    buf[k] = 0;
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(dynamics, cli_finds_the_two_cycle) {
    char dir[128], run[256], out[256], cmd[1024], buf[8192];
    tu_tmpdir(dir, sizeof dir, "dyn");
    snprintf(run, sizeof run, "%s/two.h5", dir);
    snprintf(out, sizeof out, "%s/two.analysis.h5", dir);
    const double A[1] = {0.5}, W[1] = {-2}, C[1] = {0}, h[1] = {1}; /* the two_cycle map */
    write_model_file(run, 1, 1, "dsr", A, 1, W, C, 1, h);
    snprintf(cmd, sizeof cmd, "%s analyze %s --max-cycle 6 2>&1", tu_bin(), run);
    cr_assert_eq(run_capture(cmd, buf, sizeof buf), 0, "analyze failed: %s", buf);
    struct h5file f;
    h5_open_read(&f, out);
    size_t n;
    int32_t *k = h5_read_i32(&f, "/cycles/k", &n, NULL, NULL);
    double *z = h5_read_f64(&f, "/cycles/z", &n, NULL, NULL);
    int32_t *real = h5_read_i32(&f, "/subregions/real", &n, NULL, NULL);
    int32_t *cov = h5_read_i32(&f, "/cycles/coverage", &n, NULL, NULL);
    h5_close(&f);
    /* exactly the real fixed point 0.4 (k = 1) and the 2-cycle; nothing else up to k = 6,
     * where every one of the 2^k sequences was tried */
    cr_expect(k[0] == 1 && k[1] == 2, "cycles k = %d, %d", k[0], k[1]);
    cr_expect(fabs(z[0] - 0.4) < KA_TOL);
    cr_expect((fabs(z[1] + 2.0 / 7) < KA_TOL && fabs(z[2] - 6.0 / 7) < KA_TOL) ||
              (fabs(z[2] + 2.0 / 7) < KA_TOL && fabs(z[1] - 6.0 / 7) < KA_TOL));
    cr_expect(real[0] == 0 && real[1] == 1, "code 0 virtual, code 1 real");
    for (int r = 0; r < 6; r++) {
        cr_expect(cov[r * 9 + 1] == 1, "k = %d exhaustive", r + 1);
        cr_expect(cov[r * 9 + 8] == (r < 2), "k = %d: %d found", r + 1, cov[r * 9 + 8]);
    }
    free(k), free(z), free(real), free(cov);
    tu_rm_rf(dir);
}

Test(dynamics, cli_bad_input) {
    char dir[128], run[256], bad[256], args[1024], err[4096];
    tu_tmpdir(dir, sizeof dir, "dynbad");
    snprintf(bad, sizeof bad, "%s/nomodel.h5", dir);
    struct h5file f;
    h5_create(&f, bad);
    h5_write_scalar(&f, "/test/loss", 1, "a run file without its model", "1");
    h5_close(&f);
    snprintf(args, sizeof args, "analyze %s", bad);
    cr_expect_eq(tu_alrnn(NULL, args, err, sizeof err), 1);
    cr_expect(strstr(err, "no AL-RNN model") && strchr(err, '\n') == strrchr(err, '\n'),
              "one line naming the problem: %s", err);
    snprintf(run, sizeof run, "%s/two.h5", dir);
    const double A[1] = {0.5}, W[1] = {-2}, C[1] = {0}, h[1] = {1};
    write_model_file(run, 1, 1, "dsr", A, 1, W, C, 1, h);
    snprintf(args, sizeof args, "analyze %s --input 1,2", run);
    cr_expect_eq(tu_alrnn(NULL, args, err, sizeof err), 1);
    cr_expect(strstr(err, "N = 1"), "names the input size: %s", err);
    snprintf(args, sizeof args, "analyze %s --input mean", run);
    cr_expect_eq(tu_alrnn(NULL, args, err, sizeof err), 1, "no stored inputs");
    snprintf(args, sizeof args, "%s/two.analysis.h5", dir);
    cr_expect(!tu_exists(args), "nothing written after a failure");
    /* A inconsistent with the form */
    double A2[2] = {0.5, 0.5};
    write_model_file(run, 1, 1, "dsr", A2, 2, W, C, 1, h);
    snprintf(args, sizeof args, "analyze %s", run);
    cr_expect_eq(tu_alrnn(NULL, args, err, sizeof err), 1);
    cr_expect(strstr(err, "/model/A"), "%s", err);
    tu_rm_rf(dir);
}

/* P = 14: 2^14 subregions are more than analyze solves one by one; it says what it did. */
Test(dynamics, cli_large_P_says_what_it_did) {
    enum { M = 20, P = 14 };
    char dir[128], run[256], cmd[1024], buf[16384];
    tu_tmpdir(dir, sizeof dir, "dynbig");
    snprintf(run, sizeof run, "%s/big.h5", dir);
    double A[P], W[M * M], C[M], h[M];
    for (int i = 0; i < M * M; i++) W[i] = 0.3 * sin(1.7 * i + 0.3); /* fixed, deterministic */
    for (int i = 0; i < P; i++) A[i] = 0.2;
    for (int i = 0; i < M; i++) C[i] = 0, h[i] = 0.1 * cos(i);
    write_model_file(run, M, P, "seq", A, P, W, C, 1, h);
    snprintf(cmd, sizeof cmd, "%s analyze %s --max-cycle 4 --tries 2 2>&1", tu_bin(), run);
    cr_assert_eq(run_capture(cmd, buf, sizeof buf), 0, "%s", buf);
    cr_expect(strstr(buf, "too many to solve each"), "says what it did instead: %s", buf);
    tu_rm_rf(dir);
}

/* Property on a random map (M = 4, P = 2, sequence form) and the code sequence (01, 10, 11):
 * the solver's z_1..z_3 follow z_{j+1} = W_{Ω_j} z_j + c and close, z_1 = W_{Ω_3} z_3 + c, and
 * the multipliers sum to tr(W_{Ω_3} W_{Ω_2} W_{Ω_1}), all recomputed here from the definition
 * (the product's order matters: the three matrices do not commute). */
Test(dynamics, random_sequence_closes_on_affine_pieces) {
    enum { M = 4, P = 2, k = 3 };
    double A[P] = {0.3, -0.2}, W[M * M], h[M];
    for (int i = 0; i < M * M; i++) W[i] = 0.6 * sin(2.1 * i + 0.5);
    for (int i = 0; i < M; i++) h[i] = cos(1.3 * i);
    struct dyn_map f;
    dyn_map_init(&f, M, P, M - P, A, W, h, NULL, 0, NULL);
    struct dyn_work w;
    dyn_work_init(&w, &f, k);
    struct dyn_cycle c;
    dyn_cycle_init(&c, &f, k);
    const uint64_t seq[k] = {1, 2, 3}; /* bit i = unit M-P+i */
    /* first a sequence sharing the prefix (1, 2): the products for it are reused */
    const uint64_t other[k] = {1, 2, 0};
    dyn_cycle_solve(&f, &w, other, k, NULL, &c, 1);
    dyn_cycle_solve(&f, &w, seq, k, NULL, &c, 1);
    cr_assert(c.solvable && c.family == 0);
    double J[k][M * M], prod[M * M], tmp[M * M];
    for (int j = 0; j < k; j++)
        for (int r = 0; r < M; r++)
            for (int q = 0; q < M; q++) {
                const double d = q < M - P ? 1 : (double)((seq[j] >> (q - (M - P))) & 1);
                J[j][r * M + q] = W[r * M + q] * d + (r == q && r >= M - P ? A[r - (M - P)] : 0);
            }
    for (int j = 0; j < k; j++) {
        const double *z = c.z + j * M, *zn = c.z + ((j + 1) % k) * M;
        for (int r = 0; r < M; r++) {
            double v = h[r];
            for (int q = 0; q < M; q++) v += J[j][r * M + q] * z[q];
            cr_expect(fabs(v - zn[r]) < 1e-10, "step %d unit %d: %g vs %g", j, r, v, zn[r]);
        }
    }
    memcpy(prod, J[0], sizeof prod);
    for (int j = 1; j < k; j++) {
        for (int r = 0; r < M; r++)
            for (int q = 0; q < M; q++) {
                double v = 0;
                for (int p = 0; p < M; p++) v += J[j][r * M + p] * prod[p * M + q];
                tmp[r * M + q] = v;
            }
        memcpy(prod, tmp, sizeof prod);
    }
    double tr = 0, sum = 0;
    for (int r = 0; r < M; r++) tr += prod[r * M + r], sum += c.mult_re[r];
    cr_expect(fabs(tr - sum) < 1e-10, "sum of multipliers %g, trace %g", sum, tr);
    dyn_cycle_free(&c);
    dyn_work_free(&w);
    dyn_map_free(&f);
}

/* Figure 1 end to end at the smoke profile: train the row, summarize, and check the TSV files
 * the script reads, including that the four subregions' shares of the stored states sum to 1. */
Test(dynamics, figure1_smoke_summarizes) {
    char dir[128], args[1024], err[8192], path[600];
    tu_tmpdir(dir, sizeof dir, "fig1");
    snprintf(args, sizeof args, "run context_m6 --P 2 --profile smoke --out "
             "%s/smoke/context_m6/P2_seed0.h5", dir);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    snprintf(args, sizeof args, "summarize figure1 --profile smoke --results %s --out %s/tsv", dir,
             dir);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    static const char *const tsv[] = {"figure1_regions.tsv", "figure1_traj.tsv",
                                      "figure1_spectra.tsv", "figure1_fixed.tsv"};
    for (size_t i = 0; i < ARRAY_LEN(tsv); i++) {
        snprintf(path, sizeof path, "%s/tsv/%s", dir, tsv[i]);
        cr_expect(tu_exists(path), "%s missing", path);
    }
    /* one row per subregion in the regions and fixed-point tables, and a drawn trajectory
     * (the spectra come in index blocks, one per subregion) */
    static const char *const table[] = {"figure1_regions.tsv", "figure1_fixed.tsv",
                                        "figure1_traj.tsv"};
    for (size_t i = 0; i < ARRAY_LEN(table); i++) {
        snprintf(path, sizeof path, "%s/tsv/%s", dir, table[i]);
        struct tu_tsv t;
        tu_tsv_read(&t, path);
        if (i < 2) cr_expect_eq(t.rows, 4, "%s: %d rows", path, t.rows);
        else cr_expect(t.rows > 1, "%s: %d rows", path, t.rows);
        tu_tsv_free(&t);
    }
    snprintf(path, sizeof path, "%s/tsv/figure1_summary.tsv", dir);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    char line[1024];
    double v[9] = {0};
    int got = 0;
    while (fgets(line, sizeof line, fp))
        if (line[0] != '#' && line[0] != 't')
            got = sscanf(line, "%lf %lf %lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3],
                         &v[4], &v[5], &v[6], &v[7], &v[8]);
    fclose(fp);
    cr_assert_eq(got, 9);
    cr_expect(fabs(v[5] + v[6] + v[7] + v[8] - 1) < 1e-3, "shares sum to %g", v[5] + v[6] + v[7] + v[8]);
    cr_expect(v[3] >= 1 && v[3] <= 4, "subregions visited %g", v[3]);
    tu_rm_rf(dir);
}
