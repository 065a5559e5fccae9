/* summarize_realdata.c: the figures of the real-data experiments (PAPER.md §3 Fig 2, §4
 * Hamming heatmaps, §2.3 audio) from the sweeps' run files and the /analysis groups
 * analysis_realdata.c wrote into them.
 *
 * Summarizers (TSV into plots/data/<profile>/; the gnuplot scripts only draw):
 *   figure2        figure2a.tsv (IMDb accuracy vs P; figure2a_seeds.tsv and
 *                  figure2e_seeds.tsv every run), figure2c.tsv (PC1 histogram by
 *                  sentiment), figure2d.tsv (bitcode frequencies), figure2e.tsv (sMNIST
 *                  accuracy vs P), figure2f.tsv (final states on 3 PCs with the digit),
 *                  figure2_spectra.tsv (eigenvalues of the shown models' most frequent
 *                  subregions, write_spectra), figure2_summary.tsv; figure2a_baselines.tsv
 *                  and figure2e_baselines.tsv (with .gp): the baseline rows of the figure
 *                  beside each sweep (figure2-baselines), summary_write_bands
 *   figure-hamming figure-hamming.tsv (per digit, 28x28: Hamming distance of the step that
 *                  reads each pixel, and the mean image), figure-hamming-curves.tsv,
 *                  figure-hamming_summary.tsv
 *   figure-audio   <name>-a.tsv (accuracy vs P; <name>-a_seeds.tsv every run), <name>-b.tsv (final states on 2 PCs),
 *                  <name>_summary.tsv, with <name> the figure's name
 * The analysed model of (c), (d), (f), the heatmaps and the audio PCs is seed 0 (or the first
 * seed that did not diverge) at the "shown P": the P with the best mean test accuracy among
 * 0 < P < M (PAPER.md gives none). Diverged runs (summary.h) are counted (n_diverged) and
 * left out of every mean and choice.
 */
#include <math.h>
#include <string.h>

#include "analysis.h"
#include "figures.h"
#include "summary.h"
#include "tasks.h"

enum {
    FIG2D_CODES = 20,    /* codes drawn in Fig 2d */
    PC1_BINS = 30,       /* histogram bins of Fig 2c */
    SPEC_CODES = 10      /* subregions whose spectra figure2_spectra.tsv lists */
};

/* The accuracy sweep (shared helper: diverged runs counted and left out) into name (…x.tsv):
 * P, n_seeds, mean, std, min, max, n_diverged; every run's accuracy into …x_seeds.tsv.
 * Returns the shown P: the best mean among 0 < P < M, else the largest P > 0 with a run that
 * did not diverge, else P[0]; dies when every run diverged. */
static int write_accuracy(const struct sweep *sw, const char *out, const char *name,
                          const char *title) {
    const struct resolved *r = sw->r;
    char hdr[512], seeds_name[256];
    snprintf(hdr, sizeof hdr, "%s; over the seeds that did not diverge (n_diverged left out)", title);
    const size_t stem = strlen(name) > 4 ? strlen(name) - 4 : strlen(name); /* drop ".tsv" */
    snprintf(seeds_name, sizeof seeds_name, "%.*s_seeds.tsv", (int)stem, name);
    sweep_write_tsv(sw, out, name, hdr, seeds_name, hdr, "accuracy", "%.6f");
    int show = -1, fallback = -1;
    double best = -1;
    printf("%s test accuracy (mean ± std over %d seeds):", r->exp->name, r->s.seeds);
    for (int k = 0; k < r->n_P; k++) {
        const struct stats st = sw->st[k];
        printf(" P=%d %.3f±%.3f", r->P[k], st.mean, st.std);
        if (sw->n_diverged[k]) printf(" (%d diverged)", sw->n_diverged[k]);
        if (st.n == 0) continue;
        if (r->P[k] > 0 && r->P[k] < r->s.M && st.mean > best) best = st.mean, show = r->P[k];
        if (r->P[k] > 0) fallback = r->P[k];
    }
    printf("\n");
    if (show >= 0) return show;
    if (fallback >= 0) return fallback;
    if (sw->st[0].n == 0) die("%s: every run diverged; nothing to analyse", r->exp->name);
    return r->P[0];
}

/* The analysed run at P: seed 0, or the first seed that did not diverge. */
static int shown_seed(const struct sweep *sw, int P) {
    const int k = sweep_index(sw, P);
    ASSERT(k >= 0);
    for (int s = 0; s < sw->S; s++)
        if (!sw->diverged[(size_t)k * sw->S + s]) return s;
    die("%s: every run at P=%d diverged; nothing to analyse", sw->r->exp->name, P);
}

/* The analysis of one run: final states as reals, labels, and the dimensions. */
struct run_analysis {
    int n, M, K;
    real *z;       /* (n, M) */
    int32_t *label; /* (n) */
};

static void read_analysis(const struct resolved *r, const char *root, int P, int seed,
                          struct run_analysis *a) {
    struct h5file f;
    summary_open_run(r, root, P, seed, &f);
    size_t dims[4];
    double *z = summary_read_f64(&f, "/analysis/final_z", 2, SHAPE(-1, r->s.M), dims);
    a->n = (int)dims[0], a->M = (int)dims[1];
    if (a->n < 2) die("%s: /analysis/final_z holds %d states, too few for a PCA", f.path, a->n);
    const size_t n = (size_t)a->n * a->M;
    a->z = xmalloc(n * sizeof(real));
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(z[i]))
            die("%s: /analysis/final_z holds a non-finite value (state %zu): the run file is "
                "damaged or its run diverged unnoticed; retrain it", f.path, i / (size_t)a->M);
        a->z[i] = (real)z[i];
    }
    free(z);
    a->label = summary_read_i32(&f, "/analysis/label", 1, SHAPE(a->n), NULL);
    a->K = (int)summary_attr_int(&f, "/config", "K", 2, 1 << 20);
    for (int i = 0; i < a->n; i++)
        if (a->label[i] < 0 || a->label[i] >= a->K)
            die("%s: /analysis/label[%d] = %d is not a class 0..%d", f.path, i, a->label[i],
                a->K - 1);
    h5_close(&f);
}

static void free_analysis(struct run_analysis *a) {
    free(a->z);
    free(a->label);
}

/* Projections of a run's final states on its first k PCs: y (n, k); ratio[j] explained;
 * dir1 (M, may be NULL) receives PC1's unit direction. */
static real *final_state_pcs(const struct run_analysis *a, int k, double *ratio, double *dir1) {
    struct pca p;
    pca_fit(&p, a->z, a->n, a->M);
    real *y = xmalloc((size_t)a->n * k * sizeof(real));
    pca_project(&p, a->z, a->n, k, y);
    for (int j = 0; j < k; j++) ratio[j] = j < a->M ? p.ratio[j] : 0;
    for (int i = 0; dir1 && i < a->M; i++) dir1[i] = p.components[i];
    pca_free(&p);
    return y;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Best accuracy of a single threshold on v (either orientation) for binary labels. */
static double threshold_accuracy(const real *v, int stride, const int32_t *label, int n) {
    double *pair = xmalloc((size_t)n * 2 * sizeof(double)); /* (value, label) sorted by value */
    int n1 = 0;
    for (int i = 0; i < n; i++) pair[2 * i] = v[(size_t)i * stride], pair[2 * i + 1] = label[i], n1 += label[i] == 1;
    qsort(pair, n, 2 * sizeof(double), cmp_double);
    /* cut after i: left predicted 0 (or 1), right the other */
    int left1 = 0;
    double best = fmax(n1, n - n1) / (double)n;
    for (int i = 0; i < n; i++) {
        left1 += pair[2 * i + 1] == 1;
        const int left0 = i + 1 - left1, right1 = n1 - left1, right0 = n - n1 - left0;
        best = fmax(best, fmax(left0 + right1, left1 + right0) / (double)n);
    }
    free(pair);
    return best;
}

/* Subregion spectra of a run's kept model (PAPER.md §1.4, §4: "eigenvalues near 1",
 * IMDb: "a maximum value close to one whose eigenvector aligns closely with the first PC"):
 * for the SPEC_CODES most frequent codes of the analysed test steps (P = 0: the one linear
 * region), the two largest eigenvalue moduli of W_Ω, the angle of the largest, how many
 * moduli exceed 0.9, and |cos| between its eigenvector (when real) and dir1, PC1 of the
 * final states (M). One block of rows per call into the open TSV; returns the values of the
 * most frequent code through lead_mod / lead_cos. */
static void write_spectra(const struct resolved *r, const char *root, int P, int seed,
                          const double *dir1, const char *label, FILE *fp, double *lead_mod,
                          double *lead_cos) {
    struct h5file f;
    summary_open_run(r, root, P, seed, &f);
    const int M = r->s.M;
    double *W = summary_read_f64(&f, "/model/W", 2, SHAPE(M, M), NULL);
    double *A = NULL;
    size_t na = 0, da[4];
    if (h5_exists(&f, "/model/A")) {
        A = summary_read_f64(&f, "/model/A", 1, SHAPE(-1), da);
        na = da[0];
        if (na > (size_t)M) die("%s: /model/A has %zu entries, more than M = %d", f.path, na, M);
    }
    const int nw = bitcode_words(P);
    int n_codes = 1;
    uint64_t *codes = xcalloc((size_t)SPEC_CODES * nw, sizeof(uint64_t)); /* P = 0: one all-zero code */
    double freq[SPEC_CODES] = {1};
    if (P > 0) {
        size_t dc[4];
        uint8_t *bits = summary_read_u8(&f, "/analysis/bitcode/code", 2, SHAPE(-1, P), dc);
        double *count = summary_read_f64(&f, "/analysis/bitcode/count", 1, SHAPE(dc[0]), NULL);
        const double total = summary_read_scalar(&f, "/analysis/bitcode/total");
        if (!(total > 0)) die("%s: /analysis/bitcode/total is %g, expected > 0", f.path, total);
        n_codes = (int)dc[0] < SPEC_CODES ? (int)dc[0] : SPEC_CODES;
        for (int c = 0; c < n_codes; c++) {
            freq[c] = count[c] / total;
            for (int i = 0; i < P; i++)
                if (bits[(size_t)c * P + i]) codes[(size_t)c * nw + (i >> 6)] |= (uint64_t)1 << (i & 63);
        }
        free(bits), free(count);
    }
    h5_close(&f);
    double *mod = xmalloc((size_t)M * sizeof(double)), *ang = xmalloc((size_t)M * sizeof(double));
    double *lead = xmalloc((size_t)M * sizeof(double));
    for (int c = 0; c < n_codes; c++) {
        const int real_lead =
            subregion_spectrum(M, P, M - (int)na, A, W, codes + (size_t)c * nw, mod, ang, lead);
        double cs = NAN;
        if (real_lead) {
            cs = 0;
            for (int i = 0; i < M; i++) cs += lead[i] * dir1[i];
            cs = fabs(cs);
        }
        int above = 0;
        for (int i = 0; i < M; i++) above += mod[i] > 0.9;
        fprintf(fp, "%s\t%d\t%d\t%.6g\t%.6g\t%.6g\t%.6g\t%d\t%.6g\n", label, P, c + 1, freq[c],
                mod[0], M > 1 ? mod[1] : NAN, ang[0], above, cs);
        if (c == 0) *lead_mod = mod[0], *lead_cos = cs;
    }
    free(mod), free(ang), free(lead), free(codes), free(A), free(W);
}

void summarize_figure2(const struct figure *fig, profile_kind p, const char *root,
                       const char *out) {
    struct resolved ri, rs;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &ri);
    experiment_resolve(experiment_find(fig->experiments[1]), p, &rs);
    struct sweep swi, sws;
    sweep_read(&swi, &ri, root, "/test/accuracy");
    sweep_read(&sws, &rs, root, "/test/accuracy");
    const int Pi = write_accuracy(&swi, out, "figure2a.tsv",
                                  "IMDb test accuracy against P over seeds (Fig 2a)");
    const int Ps = write_accuracy(&sws, out, "figure2e.tsv",
                                  "sMNIST test accuracy against P over seeds (Fig 2e)");
    const int si = shown_seed(&swi, Pi), ss = shown_seed(&sws, Ps);
    /* "figure2": the TSV names of both Fig 2 figures (figure2, figure2-baselines) */
    summary_write_notes(out, "figure2", sweep_total_diverged(&swi) + sweep_total_diverged(&sws),
                        ri.n_P * ri.s.seeds + rs.n_P * rs.s.seeds);
    /* (a), (e): the baseline rows of the figure beside each sweep (figure2-baselines) */
    const char *bi[1] = {ri.exp->name}, *bs[1] = {rs.exp->name};
    summary_write_bands(fig, p, root, out, "figure2a_baselines", "bands_a", "/test/accuracy",
                        "IMDb test accuracy (Fig 2a)", bi, NULL, 1);
    summary_write_bands(fig, p, root, out, "figure2e_baselines", "bands_e", "/test/accuracy",
                        "sMNIST test accuracy (Fig 2e)", bs, NULL, 1);
    struct tsv t;
    char hdr[512];

    /* (c) PC1 of the final states by sentiment */
    struct run_analysis a;
    read_analysis(&ri, root, Pi, si, &a);
    if (a.K != 2) die("IMDb run P=%d seed %d has K = %d classes, expected 2", Pi, si, a.K);
    double ri1[1];
    double *imdb_dir1 = xmalloc((size_t)a.M * sizeof(double));
    real *pc1 = final_state_pcs(&a, 1, ri1, imdb_dir1);
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < a.n; i++) lo = fmin(lo, pc1[i]), hi = fmax(hi, pc1[i]);
    if (hi <= lo) hi = lo + 1;
    double hist[2][PC1_BINS] = {{0}}, nk[2] = {0};
    for (int i = 0; i < a.n; i++) {
        int b = (int)((pc1[i] - lo) / (hi - lo) * PC1_BINS);
        b = b < 0 ? 0 : b >= PC1_BINS ? PC1_BINS - 1 : b;
        hist[a.label[i]][b] += 1;
        nk[a.label[i]] += 1;
    }
    const double pc1_acc = threshold_accuracy(pc1, 1, a.label, a.n);
    snprintf(hdr, sizeof hdr,
             "IMDb P=%d seed %d: PC1 of the final states of %d test reviews, fraction of each "
             "class per bin (Fig 2c)",
             Pi, si, a.n);
    tsv_open(&t, out, "figure2c.tsv", hdr);
    fprintf(t.fp, "pc1_center\tfrac_negative\tfrac_positive\n");
    for (int b = 0; b < PC1_BINS; b++)
        fprintf(t.fp, "%.6g\t%.6g\t%.6g\n", lo + (b + 0.5) * (hi - lo) / PC1_BINS,
                nk[0] ? hist[0][b] / nk[0] : 0, nk[1] ? hist[1][b] / nk[1] : 0);
    tsv_close(&t);
    free(pc1);
    free_analysis(&a);

    /* (d) bitcode frequencies, overall and per sentiment */
    double top1 = NAN, top10 = NAN, n_codes = NAN;
    {
        struct h5file f;
        summary_open_run(&ri, root, Pi, si, &f);
        snprintf(hdr, sizeof hdr,
                 "IMDb P=%d seed %d: most frequent bitcodes over all steps of the analysed test "
                 "reviews (Fig 2d); freq = steps in the code / steps counted",
                 Pi, si);
        tsv_open(&t, out, "figure2d.tsv", hdr);
        fprintf(t.fp, "rank\tfreq_all\tfreq_negative\tfreq_positive\tcode\n");
        if (h5_exists(&f, "/analysis/bitcode/code")) {
            size_t dc[4];
            uint8_t *code = summary_read_u8(&f, "/analysis/bitcode/code", 2, SHAPE(-1, Pi), dc);
            const int n_top = (int)dc[0], P = (int)dc[1];
            if (n_top < 1) die("%s: /analysis/bitcode/code holds no code", f.path);
            double *count = summary_read_f64(&f, "/analysis/bitcode/count", 1, SHAPE(n_top), NULL);
            double *byc =
                summary_read_f64(&f, "/analysis/bitcode/count_by_class", 2, SHAPE(n_top, 2), NULL);
            double *cs = summary_read_f64(&f, "/analysis/class_steps", 1, SHAPE(2), NULL);
            const double total = summary_read_scalar(&f, "/analysis/bitcode/total");
            if (!(total > 0)) die("%s: /analysis/bitcode/total is %g, expected > 0", f.path, total);
            n_codes = summary_read_scalar(&f, "/analysis/bitcode/n_codes");
            char *s = xmalloc((size_t)P + 1);
            top1 = count[0] / total, top10 = 0;
            for (int c = 0; c < n_top && c < 10; c++) top10 += count[c] / total;
            for (int c = 0; c < n_top && c < FIG2D_CODES; c++) {
                for (int i = 0; i < P; i++) s[i] = code[(size_t)c * P + i] ? '1' : '0';
                s[P] = 0;
                fprintf(t.fp, "%d\t%.6g\t%.6g\t%.6g\t%s\n", c + 1, count[c] / total,
                        byc[(size_t)c * 2] / cs[0], byc[(size_t)c * 2 + 1] / cs[1], s);
            }
            free(s), free(code), free(count), free(byc), free(cs);
        }
        tsv_close(&t);
        h5_close(&f);
    }

    /* (f) sMNIST final states on 3 PCs */
    read_analysis(&rs, root, Ps, ss, &a);
    double rs3[3];
    double *sm_dir1 = xmalloc((size_t)a.M * sizeof(double));
    real *pcs = final_state_pcs(&a, 3, rs3, sm_dir1);
    snprintf(hdr, sizeof hdr,
             "sMNIST P=%d seed %d: final states of %d test digits on PC1-3 (explained %.3f %.3f "
             "%.3f) (Fig 2f)",
             Ps, ss, a.n, rs3[0], rs3[1], rs3[2]);
    tsv_open(&t, out, "figure2f.tsv", hdr);
    fprintf(t.fp, "pc1\tpc2\tpc3\tdigit\n");
    for (int i = 0; i < a.n; i++)
        fprintf(t.fp, "%.6g\t%.6g\t%.6g\t%d\n", pcs[3 * i], pcs[3 * i + 1], pcs[3 * i + 2], a.label[i]);
    tsv_close(&t);
    free(pcs);
    free_analysis(&a);

    double imdb_lmod, imdb_lcos, sm_lmod, sm_lcos;
    snprintf(hdr, sizeof hdr,
             "subregion matrices W_Omega of the shown models (IMDb seed %d, sMNIST seed %d) for their most frequent "
             "codes: the two largest eigenvalue moduli, the angle of the largest, how many "
             "moduli exceed 0.9, |cos| of its eigenvector (if real) with PC1 of the final states",
             si, ss);
    tsv_open(&t, out, "figure2_spectra.tsv", hdr);
    fprintf(t.fp, "experiment\tP\tcode_rank\tfreq\tmodulus1\tmodulus2\tangle1\tn_above_0.9\tcos_pc1\n");
    write_spectra(&ri, root, Pi, si, imdb_dir1, "imdb", t.fp, &imdb_lmod, &imdb_lcos);
    write_spectra(&rs, root, Ps, ss, sm_dir1, "smnist", t.fp, &sm_lmod, &sm_lcos);
    free(imdb_dir1), free(sm_dir1);
    tsv_close(&t);

    tsv_open(&t, out, "figure2_summary.tsv", "Fig 2: the shown models and their analyses");
    fprintf(t.fp, "key\tvalue\n");
    fprintf(t.fp, "imdb_shown_P\t%d\nimdb_pc1_explained\t%.6f\nimdb_pc1_threshold_accuracy\t%.6f\n",
            Pi, ri1[0], pc1_acc);
    fprintf(t.fp, "imdb_distinct_codes\t%.0f\nimdb_top1_code_freq\t%.6f\nimdb_top10_code_freq\t%.6f\n",
            n_codes, top1, top10);
    fprintf(t.fp, "smnist_shown_P\t%d\nsmnist_pc1_explained\t%.6f\nsmnist_pc2_explained\t%.6f\n"
                  "smnist_pc3_explained\t%.6f\n",
            Ps, rs3[0], rs3[1], rs3[2]);
    fprintf(t.fp, "imdb_top_code_max_modulus\t%.6f\nimdb_top_code_lead_cos_pc1\t%.6f\n"
                  "smnist_top_code_max_modulus\t%.6f\nsmnist_top_code_lead_cos_pc1\t%.6f\n",
            imdb_lmod, imdb_lcos, sm_lmod, sm_lcos);
    tsv_close(&t);
    printf("figure2: IMDb P=%d: PC1 explains %.3f, a threshold on PC1 separates the sentiments "
           "with accuracy %.3f; top code %.3f, top 10 codes %.3f of the steps (%.0f distinct); "
           "largest |eigenvalue| in the top code's subregion %.4f, |cos| of its eigenvector with "
           "PC1 %.3f; sMNIST P=%d: PC1-3 explain %.3f %.3f %.3f, largest |eigenvalue| in the top "
           "code's subregion %.4f\n",
           Pi, ri1[0], pc1_acc, top1, top10, n_codes, imdb_lmod, imdb_lcos, Ps, rs3[0], rs3[1],
           rs3[2], sm_lmod);
    sweep_free(&swi);
    sweep_free(&sws);
}

void summarize_figure_hamming(const struct figure *fig, profile_kind p, const char *root,
                              const char *out) {
    struct resolved r;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &r);
    struct sweep sw;
    sweep_read(&sw, &r, root, "/test/accuracy");
    summary_write_notes(out, fig->name, sweep_total_diverged(&sw), r.n_P * r.s.seeds);
    int Ps = -1;
    double best = -1;
    for (int k = 0; k < r.n_P; k++)
        if (sw.st[k].n && r.P[k] > 0 && r.P[k] < r.s.M && sw.st[k].mean > best)
            best = sw.st[k].mean, Ps = r.P[k];
    for (int k = 0; Ps < 0 && k < r.n_P; k++)
        if (r.P[k] > 0 && sw.st[k].n) Ps = r.P[k];
    if (Ps < 0)
        die("figure-hamming: the %s sweep has no run with P >= 1 that did not diverge", r.exp->name);
    const int seed = shown_seed(&sw, Ps);

    struct h5file f;
    summary_open_run(&r, root, Ps, seed, &f);
    size_t dh[4], di[4];
    const int K = (int)summary_attr_int(&f, "/config", "K", 1, 1 << 20);
    double *hf = summary_read_f64(&f, "/analysis/hamming_first", 2, SHAPE(K, -1), dh);
    const int T = (int)dh[1];
    double *hm = summary_read_f64(&f, "/analysis/hamming_mode", 2, SHAPE(K, T), NULL);
    double *img = summary_read_f64(&f, "/analysis/class_mean_x", 2, SHAPE(K, -1), di);
    const int L = (int)di[1], side = (int)lround(sqrt(L));
    if (T < 1 || L < 1 || side * side != L || L % T != 0)
        die("%s: /analysis/class_mean_x has %d pixels and /analysis/hamming_first %d steps: "
            "expected a square image read in equal windows", f.path, L, T);
    h5_close(&f);
    char hdr[512];
    snprintf(hdr, sizeof hdr,
             "sMNIST P=%d seed %d: per digit, the mean Hamming distance of the bitcode of the step "
             "that reads each pixel (%d pixels per step) from the sequence's first code (first) "
             "and from the most frequent code (mode); ink = the digit's mean image. One block per "
             "digit, 0..%d",
             Ps, seed, L / T, K - 1);
    struct tsv t;
    tsv_open(&t, out, "figure-hamming.tsv", hdr);
    for (int k = 0; k < K; k++) {
        fprintf(t.fp, "%s# digit\trow\tcol\thamming_first\thamming_mode\tink\n", k ? "\n\n" : "");
        for (int q = 0; q < L; q++) {
            const int step = q / (L / T); /* the step whose pooled window holds pixel q */
            fprintf(t.fp, "%d\t%d\t%d\t%.5g\t%.5g\t%.4g\n", k, q / side, q % side,
                    hf[(size_t)k * T + step], hm[(size_t)k * T + step], img[(size_t)k * L + q]);
        }
    }
    tsv_close(&t);
    tsv_open(&t, out, "figure-hamming-curves.tsv", hdr);
    fprintf(t.fp, "step");
    for (int k = 0; k < K; k++) fprintf(t.fp, "\tfirst_%d", k);
    for (int k = 0; k < K; k++) fprintf(t.fp, "\tmode_%d", k);
    fprintf(t.fp, "\n");
    for (int s = 0; s < T; s++) {
        fprintf(t.fp, "%d", s + 1);
        for (int k = 0; k < K; k++) fprintf(t.fp, "\t%.5g", hf[(size_t)k * T + s]);
        for (int k = 0; k < K; k++) fprintf(t.fp, "\t%.5g", hm[(size_t)k * T + s]);
        fprintf(t.fp, "\n");
    }
    tsv_close(&t);
    double mx = 0;
    for (int q = 0; q < K * T; q++) mx = fmax(mx, hf[q]);
    tsv_open(&t, out, "figure-hamming_summary.tsv", "sMNIST Hamming heatmaps: the shown model");
    fprintf(t.fp, "key\tvalue\nshown_P\t%d\nsteps\t%d\npixels_per_step\t%d\nmax_hamming_first\t%.5g\n",
            Ps, T, L / T, mx);
    tsv_close(&t);
    printf("figure-hamming: sMNIST P=%d seed %d, %d steps of %d pixels; mean distance from the "
           "first code at the last step:",
           Ps, seed, T, L / T);
    for (int k = 0; k < K; k++) printf(" %d:%.2f", k, hf[(size_t)k * T + T - 1]);
    printf("\n");
    free(hf), free(hm), free(img);
    sweep_free(&sw);
}

void summarize_figure_audio(const struct figure *fig, profile_kind p, const char *root,
                            const char *out) {
    struct resolved r;
    experiment_resolve(experiment_find(fig->experiments[0]), p, &r);
    struct sweep sw;
    sweep_read(&sw, &r, root, "/test/accuracy");
    summary_write_notes(out, fig->name, sweep_total_diverged(&sw), r.n_P * r.s.seeds);
    char name[256], title[256];
    snprintf(name, sizeof name, "%s-a.tsv", fig->name);
    snprintf(title, sizeof title, "%s test accuracy against P over seeds", r.exp->name);
    const int Ps = write_accuracy(&sw, out, name, title);
    const int seed = shown_seed(&sw, Ps);
    struct run_analysis a;
    read_analysis(&r, root, Ps, seed, &a);
    double ratio[2];
    real *pcs = final_state_pcs(&a, 2, ratio, NULL);
    snprintf(name, sizeof name, "%s-b.tsv", fig->name);
    snprintf(title, sizeof title,
             "%s P=%d seed %d: final states of %d test clips on PC1-2 (explained %.3f %.3f)",
             r.exp->name, Ps, seed, a.n, ratio[0], ratio[1]);
    struct tsv t;
    tsv_open(&t, out, name, title);
    fprintf(t.fp, "pc1\tpc2\tclass\n");
    for (int i = 0; i < a.n; i++) fprintf(t.fp, "%.6g\t%.6g\t%d\n", pcs[2 * i], pcs[2 * i + 1], a.label[i]);
    tsv_close(&t);
    snprintf(name, sizeof name, "%s_summary.tsv", fig->name);
    tsv_open(&t, out, name, "audio: the shown model");
    fprintf(t.fp, "key\tvalue\nshown_P\t%d\npc1_explained\t%.6f\npc2_explained\t%.6f\n", Ps,
            ratio[0], ratio[1]);
    tsv_close(&t);
    free(pcs);
    free_analysis(&a);
    sweep_free(&sw);
}
