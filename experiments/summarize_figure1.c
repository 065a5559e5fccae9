/* summarize_figure1.c: Figure 1 (PAPER.md §3 Fig 1) drawn from a trained model instead of a
 * schematic: the AL-RNN with M = 6 units, the last P = 2 of them ReLU, trained on contextual
 * integration (row context_m6, PAPER.md §2.6). The two ReLU units' signs split state space into
 * 2^2 = 4 subregions (bitcodes 00, 01, 10, 11; bit i = 1[z_{M-P+i} > 0], first character unit
 * M-P), each with its own linear map W_Ω = diag(a) + W D_Ω (PAPER.md §4, core/dynamics.h).
 *
 * TSV files written (all computed here; plots/figure1.gp draws only):
 *   figure1_regions.tsv  the four quadrants of the PWL plane (z_{M-1}, z_M) to shade: centre,
 *                        bounds, bitcode, share of all stored test states in it
 *   figure1_traj.tsv     one stored test sequence (the one visiting the most subregions; ties:
 *                        the first): t, the two ReLU units, code index d_1 + 2 d_2, bitcode,
 *                        1 where the code differs from the step before (a switch)
 *   figure1_spectra.tsv  per subregion (one gnuplot index each, in code order 00, 10, 01, 11):
 *                        the eigenvalues of W_Ω, real and imaginary parts, modulus
 *   figure1_fixed.tsv    per subregion: the fixed point z* = (I - W_Ω)^{-1} h under zero input
 *                        (no cue, no evidence) on the PWL plane, real (in its own subregion) or
 *                        virtual, spectral radius, stability
 *   figure1_summary.tsv  test loss and accuracy, the chosen sequence, its switches, subregions
 *                        visited, the share of all stored states in each subregion
 */
#include <math.h>
#include <string.h>

#include "dynamics.h"
#include "figures.h"
#include "summary.h"

enum { FIG1_P = 2 };

static const char *const code_str[4] = {"00", "10", "01", "11"}; /* index d_1 + 2 d_2 */

void summarize_figure1(const struct figure *fig, profile_kind p, const char *root,
                       const char *out) {
    struct resolved r;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &r);
    const int P = r.P[0];
    if (P != FIG1_P) die("figure1: the row %s must sweep P = 2 only (it has P = %d)", r.exp->name, P);
    struct h5file f;
    summary_open_run(&r, root, P, 0, &f);
    size_t n, dz[4], dW[4], dC[4];
    double *A = h5_read_f64(&f, "/model/A", &n, NULL, NULL);
    const int nA = (int)n; /* P in the sequence form, M in the DSR form */
    double *W = h5_read_f64(&f, "/model/W", &n, NULL, dW);
    double *C = h5_read_f64(&f, "/model/C", &n, NULL, dC);
    double *h = h5_read_f64(&f, "/model/h", &n, NULL, NULL);
    double *z = h5_read_f64(&f, "/test/sample/z", &n, NULL, dz);
    const double loss = h5_read_scalar(&f, "/test/loss");
    const double acc = h5_exists(&f, "/test/accuracy") ? h5_read_scalar(&f, "/test/accuracy") : NAN;
    h5_close(&f);
    const int M = (int)dW[0], S = (int)dz[0], T1 = (int)dz[1], u = M - P;
    ASSERT((int)dz[2] == M && S > 0);

    /* the stored sequence that visits the most subregions; share of all states per code */
    int best = 0, best_n = -1;
    double share[4] = {0};
    for (int i = 0; i < S; i++) {
        int seen[4] = {0}, nv = 0;
        for (int t = 0; t < T1; t++) {
            const double *zt = z + ((size_t)i * T1 + t) * M;
            const int c = (zt[u] > 0) + 2 * (zt[u + 1] > 0);
            nv += !seen[c], seen[c] = 1;
            share[c] += 1.0 / ((double)S * T1);
        }
        if (nv > best_n) best_n = nv, best = i;
    }
    const double *zs = z + (size_t)best * T1 * M;
    double lo[2] = {0, 0}, hi[2] = {0, 0}; /* the plane's extent over every stored state */
    for (size_t q = 0; q < (size_t)S * T1; q++)
        for (int d = 0; d < 2; d++) {
            const double v = z[q * M + u + d];
            lo[d] = v < lo[d] ? v : lo[d], hi[d] = v > hi[d] ? v : hi[d];
        }

    /* fixed points and spectra under zero input */
    struct dyn_map map;
    double *s = xcalloc(dC[1], sizeof(double));
    dyn_map_init(&map, M, P, M - nA, A, W, h, C, (int)dC[1], s);
    struct dyn_work w;
    dyn_work_init(&w, &map, 1);
    struct tsv t;
    tsv_open(&t, out, "figure1_fixed.tsv",
             "Fig 1: fixed point of each subregion under zero input, on the PWL plane");
    fprintf(t.fp, "code_index\tcode\tx\ty\treal\trho\tstability\n");
    struct tsv ts;
    tsv_open(&ts, out, "figure1_spectra.tsv",
             "Fig 1: eigenvalues of W_Omega per subregion (one index block each, codes 00 10 01 11)");
    double fx[4][2];
    for (int c = 0; c < 4; c++) {
        const uint64_t code = (uint64_t)c; /* bit 0 = unit M-P, bit 1 = unit M-P+1 */
        struct dyn_cycle fp;
        dyn_cycle_init(&fp, &map, 1);
        const int real = dyn_cycle_solve(&map, &w, &code, 1, NULL, &fp, 1);
        fx[c][0] = fp.z[u], fx[c][1] = fp.z[u + 1];
        fprintf(t.fp, "%d\t%s\t%.6g\t%.6g\t%d\t%.6g\t%s\n", c, code_str[c], fp.z[u], fp.z[u + 1],
                real, fp.rho, dyn_stability_names[fp.stability]);
        fprintf(ts.fp, "%s# code %s\ncode_index\tre\tim\tmodulus\n", c ? "\n\n" : "", code_str[c]);
        for (int j = 0; j < M; j++)
            fprintf(ts.fp, "%d\t%.6g\t%.6g\t%.6g\n", c, fp.mult_re[j], fp.mult_im[j],
                    hypot(fp.mult_re[j], fp.mult_im[j]));
        dyn_cycle_free(&fp);
    }
    tsv_close(&t);
    tsv_close(&ts);
    for (int d = 0; d < 2; d++) { /* room for the trajectory, the origin and some margin */
        const double span = hi[d] - lo[d] > 0 ? hi[d] - lo[d] : 1;
        lo[d] -= 0.15 * span, hi[d] += 0.15 * span;
    }

    tsv_open(&t, out, "figure1_regions.tsv", "Fig 1: the four subregions on the PWL plane");
    fprintf(t.fp, "code_index\tcode\tx\ty\txlo\txhi\tylo\tyhi\tshare\n");
    for (int c = 0; c < 4; c++) {
        const double xl = c & 1 ? 0 : lo[0], xh = c & 1 ? hi[0] : 0;
        const double yl = c & 2 ? 0 : lo[1], yh = c & 2 ? hi[1] : 0;
        fprintf(t.fp, "%d\t%s\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%.4f\n", c, code_str[c],
                (xl + xh) / 2, (yl + yh) / 2, xl, xh, yl, yh, share[c]);
    }
    tsv_close(&t);

    char hdr[256];
    snprintf(hdr, sizeof hdr, "Fig 1: stored test sequence %d (M = %d, P = %d), ReLU units %d "
             "and %d", best, M, P, u + 1, u + 2);
    tsv_open(&t, out, "figure1_traj.tsv", hdr);
    fprintf(t.fp, "t\tz_pwl1\tz_pwl2\tcode_index\tcode\tswitch\n");
    int prev = -1, n_switch = 0;
    for (int tt = 0; tt < T1; tt++) {
        const double *zt = zs + (size_t)tt * M;
        const int c = (zt[u] > 0) + 2 * (zt[u + 1] > 0), sw = prev >= 0 && c != prev;
        n_switch += sw;
        fprintf(t.fp, "%d\t%.6g\t%.6g\t%d\t%s\t%d\n", tt, zt[u], zt[u + 1], c, code_str[c], sw);
        prev = c;
    }
    tsv_close(&t);

    tsv_open(&t, out, "figure1_summary.tsv", "Fig 1: the model and the drawn sequence");
    fprintf(t.fp, "test_loss\ttest_accuracy\tsequence\tsubregions_visited\tswitches\tshare_00\t"
                  "share_10\tshare_01\tshare_11\n");
    fprintf(t.fp, "%.6g\t%.6g\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\t%.4f\n", loss, acc, best, best_n,
            n_switch, share[0], share[1], share[2], share[3]);
    tsv_close(&t);
    printf("figure1: M=%d P=%d test loss %.4g, accuracy %.4g; sequence %d visits %d of 4 subregions with %d "
           "switches; fixed points (zero input) on the PWL plane: 00 (%.3g, %.3g) 10 (%.3g, %.3g) "
           "01 (%.3g, %.3g) 11 (%.3g, %.3g)\n", M, P, loss, acc, best, best_n, n_switch, fx[0][0],
           fx[0][1], fx[1][0], fx[1][1], fx[2][0], fx[2][1], fx[3][0], fx[3][1]);
    dyn_work_free(&w);
    dyn_map_free(&map);
    free(s), free(A), free(W), free(C), free(h), free(z);
}
