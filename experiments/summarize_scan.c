/* summarize_scan.c: figure-scan (PAPER.md §2.9, SCAN) from the three splits' sweeps.
 *
 * figure-scan_acc_<split>.tsv   per P_enc: mean and sample std over seeds of the four test
 *                               metrics (lenient / strict sequence and token accuracy)
 * figure-scan_raster<k>.tsv     decoder bitcodes of raster command k, one line per (position,
 *                               unit), blocks per position (gnuplot `with image`)
 * figure-scan_tokens<k>.tsv     position, target token, greedy token, whether they agree
 * figure-scan_bounds<k>.tsv     construct boundaries of command k: x = position - 0.5, kind
 * figure-scan_align.tsv         per offset from a boundary: mean Hamming distance and switch
 *                               rate of the decoder bitcode, per construct, pooled over seeds
 * figure-scan_units.tsv         per decoder ReLU unit: sign-change probability at construct
 *                               boundaries (offset 0) and at positions without one
 * figure-scan_clause.tsv        and / after: decoder units constant within each clause and
 *                               flipping between them, at the boundary vs other split points
 * figure-scan_bylength.tsv      length split: sequence accuracies by target length
 * figure-scan_labels.gp         titles for the plot (string assignments only)
 * The raster and the alignment come from the simple split at the P_enc with the best mean
 * lenient sequence accuracy (the first seed that did not diverge for the raster, all such
 * seeds for the alignment); the by-length panel from the length split at its best P_enc.
 * Diverged runs (summary.h) are counted (n_diverged) and left out everywhere.
 */
#include <math.h>
#include <string.h>

#include "figures.h"
#include "scan_model.h"
#include "summary.h"

enum { N_SPLITS = 3 };

/* Short names for the raster's tick labels. */
static const char *short_token(const char *t) {
    static const char *const map[][2] = {
        {"I_WALK", "WALK"}, {"I_LOOK", "LOOK"},  {"I_RUN", "RUN"},     {"I_JUMP", "JUMP"},
        {"I_TURN_LEFT", "TL"}, {"I_TURN_RIGHT", "TR"}, {"<end>", "END"}, {"<pad>", "PAD"},
        {"<unk>", "UNK"}, {"<start>", "START"}};
    for (size_t i = 0; i < ARRAY_LEN(map); i++)
        if (!strcmp(t, map[i][0])) return map[i][1];
    return t;
}

/* Split the space-separated vocabulary into tokens (pointers into buf). */
static int split_words(char *buf, const char **tok, int cap) {
    int n = 0;
    for (char *s = strtok(buf, " "); s && n < cap; s = strtok(NULL, " ")) tok[n++] = s;
    return n;
}

/* The four test metrics of every run of r's sweep (shared helper: a run diverged in one is
 * diverged in all, and left out), into sw[SCAN_M__COUNT]; writes the TSV of means over seeds. */
static void acc_table(const struct resolved *r, const char *root, const char *out,
                      const char *tsv_name, struct sweep *sw) {
    for (int k = 0; k < SCAN_M__COUNT; k++) {
        char path[64];
        snprintf(path, sizeof path, "/test/%s", scan_metric_names[k]);
        sweep_read(&sw[k], r, root, path);
    }
    sweep_union(sw, SCAN_M__COUNT);
    struct tsv t;
    char hdr[256];
    snprintf(hdr, sizeof hdr, "%s: test accuracies vs P_enc over %d seeds (std = sample std; "
             "n_diverged runs left out)", r->exp->name, r->s.seeds);
    tsv_open(&t, out, tsv_name, hdr);
    fprintf(t.fp, "P_enc\tn_seeds");
    for (int k = 0; k < SCAN_M__COUNT; k++)
        fprintf(t.fp, "\tmean_%s\tstd_%s", scan_metric_names[k], scan_metric_names[k]);
    fprintf(t.fp, "\tn_diverged\n");
    for (int i = 0; i < r->n_P; i++) {
        fprintf(t.fp, "%d\t%d", r->P[i], sw[0].st[i].n);
        for (int k = 0; k < SCAN_M__COUNT; k++)
            fprintf(t.fp, "\t%.6g\t%.6g", sw[k].st[i].mean, sw[k].st[i].std);
        fprintf(t.fp, "\t%d\n", sw[0].n_diverged[i]);
    }
    tsv_close(&t);
}

/* The first seed at P that did not diverge, -1 when none. */
static int first_ok_seed(const struct sweep *sw, int P) {
    const int k = sweep_index(sw, P);
    for (int s = 0; k >= 0 && s < sw->S; s++)
        if (!sw->diverged[(size_t)k * sw->S + s]) return s;
    return -1;
}

static int run_ok(const struct sweep *sw, int P, int s) {
    return !sw->diverged[(size_t)sweep_index(sw, P) * sw->S + s];
}

/* Raster panels of one run: bitcodes, tokens and boundaries of each stored command. */
static int raster_tables(const struct resolved *r, const char *root, int P, int seed,
                         const char *out, char titles[][512], int max_titles, int *P_dec) {
    if (seed < 0) return 0; /* every run at P diverged */
    struct h5file f;
    summary_open_run(r, root, P, seed, &f);
    if (!h5_exists(&f, "/analysis/raster/bitcode")) {
        h5_close(&f);
        return 0;
    }
    size_t db[4];
    uint8_t *bits = summary_read_u8(&f, "/analysis/raster/bitcode", 3, SHAPE(-1, -1, -1), db);
    const int R = (int)db[0], Tr = (int)db[1], Pd = (int)db[2];
    if (R > max_titles)
        die("%s: /analysis/raster holds %d commands, at most %d expected", f.path, R, max_titles);
    int32_t *tgt = summary_read_i32(&f, "/analysis/raster/target", 2, SHAPE(R, Tr), NULL);
    int32_t *pred = summary_read_i32(&f, "/analysis/raster/pred", 2, SHAPE(R, Tr), NULL);
    uint8_t *mask = summary_read_u8(&f, "/analysis/raster/boundary", 2, SHAPE(R, Tr), NULL);
    int32_t *len = summary_read_i32(&f, "/analysis/raster/length", 1, SHAPE(R), NULL);
    int32_t *ok = summary_read_i32(&f, "/analysis/raster/strict_correct", 1, SHAPE(R), NULL);
    for (int k = 0; k < R; k++)
        if (len[k] < 0 || len[k] > Tr)
            die("%s: /analysis/raster/length[%d] = %d is outside 0..%d", f.path, k, len[k], Tr);
    char *vocab = h5_read_attr_str(&f, "/analysis/raster", "vocab_out");
    char *cons = h5_read_attr_str(&f, "/analysis/raster", "constructs");
    const char *tok[64], *cname[16];
    const int nv = split_words(vocab, tok, 64);
    for (char *c = cons; *c; c++)
        if (*c == ',') *c = ' ';
    const int nc = split_words(cons, cname, 16);
    *P_dec = Pd;
    for (int k = 0; k < R; k++) {
        char key[32], name[64];
        snprintf(key, sizeof key, "command_%d", k);
        char *cmd = h5_read_attr_str(&f, "/analysis/raster", key);
        snprintf(titles[k], 512, "%s%s", cmd, ok[k] ? "" : " (greedy output wrong)");
        free(cmd);
        struct tsv t;
        snprintf(name, sizeof name, "figure-scan_raster%d.tsv", k + 1);
        tsv_open(&t, out, name, "decoder bitcode per output position (teacher-forced), P_dec units");
        fprintf(t.fp, "position\tunit\tbit\n");
        for (int j = 0; j < len[k]; j++) {
            for (int u = 0; u < Pd; u++)
                fprintf(t.fp, "%d\t%d\t%d\n", j, u, bits[((size_t)k * Tr + j) * Pd + u]);
            fprintf(t.fp, "\n");
        }
        tsv_close(&t);
        snprintf(name, sizeof name, "figure-scan_tokens%d.tsv", k + 1);
        tsv_open(&t, out, name, "target and greedy token at each output position");
        fprintf(t.fp, "position\ttarget\tpred\tagree\n");
        for (int j = 0; j < len[k]; j++) {
            const int a = tgt[(size_t)k * Tr + j], b = pred[(size_t)k * Tr + j];
            fprintf(t.fp, "%d\t%s\t%s\t%d\n", j, a >= 0 && a < nv ? short_token(tok[a]) : "?",
                    b >= 0 && b < nv ? short_token(tok[b]) : "?", a == b);
        }
        tsv_close(&t);
        snprintf(name, sizeof name, "figure-scan_bounds%d.tsv", k + 1);
        tsv_open(&t, out, name, "construct boundaries: a new unit of the construct starts at "
                                "position x + 0.5");
        fprintf(t.fp, "x\tconstruct_index\tconstruct\n");
        for (int j = 0; j < len[k]; j++)
            for (int c = 0; c < nc && c < 8; c++)
                if (mask[(size_t)k * Tr + j] & (1u << c))
                    fprintf(t.fp, "%.1f\t%d\t%s\n", j - 0.5, c, cname[c]);
        tsv_close(&t);
    }
    free(bits), free(tgt), free(pred), free(mask), free(len), free(ok), free(vocab), free(cons);
    h5_close(&f);
    return R;
}

/* Boundary-aligned Hamming distance and switch rate, pooled over seeds (count-weighted). */
static void align_table(const struct sweep *acc, const char *root, int P, const char *out) {
    const struct resolved *r = acc->r;
    double *ham = NULL, *sw = NULL, nb_ham = 0, nb_sw = 0, all_ham = 0, all_sw = 0;
    double *wsum = NULL, *uf = NULL, *uw = NULL, *nbu = NULL;
    int rows = 0, W = 0, n_runs = 0, Pu = 0;
    char *cons = NULL;
    int32_t *offs = NULL;
    for (int s = 0; s < r->s.seeds; s++) {
        if (!run_ok(acc, P, s)) continue; /* diverged: left out */
        struct h5file f;
        summary_open_run(r, root, P, s, &f);
        if (!h5_exists(&f, "/analysis/boundary/hamming")) {
            h5_close(&f);
            continue;
        }
        size_t d[4];
        /* the first run fixes the shapes (rows, W, Pu); every later run must match them */
        double *h = summary_read_f64(&f, "/analysis/boundary/hamming", 2,
                                     ham ? SHAPE(rows, W) : SHAPE(-1, -1), d);
        if (!ham) {
            rows = (int)d[0], W = (int)d[1];
            if (rows < 1 || W < 1) die("%s: /analysis/boundary/hamming is empty", f.path);
        }
        double *w = summary_read_f64(&f, "/analysis/boundary/switch_rate", 2, SHAPE(rows, W), NULL);
        double *c = summary_read_f64(&f, "/analysis/boundary/count", 2, SHAPE(rows, W), NULL);
        if (!ham) {
            const size_t n = (size_t)rows * W;
            ham = xcalloc(n, sizeof(double));
            sw = xcalloc(n, sizeof(double));
            wsum = xcalloc(n, sizeof(double));
            offs = summary_read_i32(&f, "/analysis/boundary/offset", 1, SHAPE(W), NULL);
            cons = h5_read_attr_str(&f, "/analysis/boundary", "constructs");
            size_t du[4];
            free(summary_read_f64(&f, "/analysis/boundary/unit_flip", 3, SHAPE(rows, W, -1), du));
            Pu = (int)du[2];
            uf = xcalloc((size_t)rows * Pu, sizeof(double));
            uw = xcalloc((size_t)rows, sizeof(double));
            nbu = xcalloc((size_t)Pu, sizeof(double));
        }
        {   /* per-unit flip probabilities at the boundary (offset 0), count-weighted */
            double *u = summary_read_f64(&f, "/analysis/boundary/unit_flip", 3, SHAPE(rows, W, Pu), NULL);
            double *nb = summary_read_f64(&f, "/analysis/boundary/nonboundary_unit_flip", 1,
                                          SHAPE(Pu), NULL);
            const int k0 = W / 2;
            for (int cc = 0; cc < rows; cc++) {
                const double q = c[cc * W + k0];
                if (q <= 0) continue;
                for (int i = 0; i < Pu; i++)
                    uf[(size_t)cc * Pu + i] += u[((size_t)cc * W + k0) * Pu + i] * q;
                uw[cc] += q;
            }
            for (int i = 0; i < Pu; i++) nbu[i] += nb[i];
            free(u), free(nb);
        }
        for (int i = 0; i < rows * W; i++)
            if (c[i] > 0) ham[i] += h[i] * c[i], sw[i] += w[i] * c[i], wsum[i] += c[i];
        nb_ham += summary_read_scalar(&f, "/analysis/boundary/nonboundary_hamming");
        nb_sw += summary_read_scalar(&f, "/analysis/boundary/nonboundary_switch_rate");
        all_ham += summary_read_scalar(&f, "/analysis/boundary/all_hamming");
        all_sw += summary_read_scalar(&f, "/analysis/boundary/all_switch_rate");
        n_runs++;
        free(h), free(w), free(c);
        h5_close(&f);
    }
    struct tsv t;
    char hdr[256];
    snprintf(hdr, sizeof hdr,
             "%s P_enc=%d, %d runs: decoder bitcode change at offset k from construct boundaries "
             "(ham_* = mean Hamming distance, sw_* = switch rate); baselines at positions "
             "without a boundary", r->exp->name, P, n_runs);
    tsv_open(&t, out, "figure-scan_align.tsv", hdr);
    if (!n_runs) {
        fprintf(t.fp, "offset\n");
        tsv_close(&t);
        return;
    }
    const char *cname[16];
    for (char *c = cons; *c; c++)
        if (*c == ',') *c = ' ';
    const int nc = split_words(cons, cname, 16);
    if (nc != rows)
        die("%s P=%d: /analysis/boundary names %d constructs for %d rows", r->exp->name, P, nc,
            rows);
    fprintf(t.fp, "offset");
    for (int c = 0; c < rows; c++) fprintf(t.fp, "\tham_%s", cname[c]);
    for (int c = 0; c < rows; c++) fprintf(t.fp, "\tsw_%s", cname[c]);
    fprintf(t.fp, "\tham_nonboundary\tsw_nonboundary\tham_all\tsw_all\n");
    for (int k = 0; k < W; k++) {
        fprintf(t.fp, "%d", offs[k]);
        for (int c = 0; c < rows; c++) {
            const double q = wsum[c * W + k];
            fprintf(t.fp, "\t%.6g", q > 0 ? ham[c * W + k] / q : NAN);
        }
        for (int c = 0; c < rows; c++) {
            const double q = wsum[c * W + k];
            fprintf(t.fp, "\t%.6g", q > 0 ? sw[c * W + k] / q : NAN);
        }
        fprintf(t.fp, "\t%.6g\t%.6g\t%.6g\t%.6g\n", nb_ham / n_runs, nb_sw / n_runs,
                all_ham / n_runs, all_sw / n_runs);
    }
    tsv_close(&t);

    snprintf(hdr, sizeof hdr,
             "%s P_enc=%d, %d runs: per decoder ReLU unit, probability that it changes sign at a "
             "construct boundary (offset 0) and at positions without one", r->exp->name, P, n_runs);
    tsv_open(&t, out, "figure-scan_units.tsv", hdr);
    fprintf(t.fp, "unit\tnonboundary");
    for (int c = 0; c < rows; c++) fprintf(t.fp, "\t%s", cname[c]);
    fprintf(t.fp, "\n");
    for (int i = 0; i < Pu; i++) {
        fprintf(t.fp, "%d\t%.6g", i, nbu[i] / n_runs);
        for (int c = 0; c < rows; c++)
            fprintf(t.fp, "\t%.6g", uw[c] > 0 ? uf[(size_t)c * Pu + i] / uw[c] : NAN);
        fprintf(t.fp, "\n");
    }
    tsv_close(&t);
    free(ham), free(sw), free(wsum), free(offs), free(cons), free(uf), free(uw), free(nbu);
}

/* Clause-coding units (and / after), mean over seeds, into at[2] / other[2]; returns runs. */
static int clause_table(const struct sweep *acc, const char *root, int P, const char *out,
                        double *at, double *other) {
    const struct resolved *r = acc->r;
    int n_runs = 0;
    at[0] = at[1] = other[0] = other[1] = 0;
    double cmds[2] = {0, 0};
    for (int s = 0; s < r->s.seeds; s++) {
        if (!run_ok(acc, P, s)) continue; /* diverged: left out */
        struct h5file f;
        summary_open_run(r, root, P, s, &f);
        if (h5_exists(&f, "/analysis/clause/units_at_boundary")) {
            double *a = summary_read_f64(&f, "/analysis/clause/units_at_boundary", 1, SHAPE(2), NULL);
            double *o = summary_read_f64(&f, "/analysis/clause/units_at_other_splits", 1, SHAPE(2), NULL);
            double *c = summary_read_f64(&f, "/analysis/clause/commands", 1, SHAPE(2), NULL);
            for (int k = 0; k < 2; k++) at[k] += a[k], other[k] += o[k], cmds[k] += c[k];
            free(a), free(o), free(c);
            n_runs++;
        }
        h5_close(&f);
    }
    struct tsv t;
    char hdr[256];
    snprintf(hdr, sizeof hdr,
             "%s P_enc=%d, mean over %d runs: decoder units constant within each clause and "
             "flipping between them, at the clause boundary vs at other split points",
             r->exp->name, P, n_runs);
    tsv_open(&t, out, "figure-scan_clause.tsv", hdr);
    fprintf(t.fp, "conjunction\tcommands_per_run\tunits_at_boundary\tunits_at_other_splits\n");
    static const char *const name[2] = {"and", "after"};
    for (int k = 0; k < 2 && n_runs; k++) {
        at[k] /= n_runs, other[k] /= n_runs;
        fprintf(t.fp, "%s\t%.0f\t%.6g\t%.6g\n", name[k], cmds[k] / n_runs, at[k], other[k]);
    }
    tsv_close(&t);
    return n_runs;
}

/* Sequence accuracies by target length, mean over the seeds that did not diverge (lengths as
 * stored by the first of them; every other must store the same lengths). */
static void bylength_table(const struct sweep *acc, const char *root, int P, const char *out) {
    const struct resolved *r = acc->r;
    const int n_ok = acc->st[sweep_index(acc, P)].n;
    struct tsv t;
    char hdr[160];
    snprintf(hdr, sizeof hdr, "%s P_enc=%d: sequence accuracy by target length, mean over %d seeds",
             r->exp->name, P, n_ok);
    tsv_open(&t, out, "figure-scan_bylength.tsv", hdr);
    fprintf(t.fp, "length\tcount\tseq_acc_lenient\tseq_acc_strict\n");
    int32_t *len0 = NULL, *cnt0 = NULL;
    double *l = NULL, *s = NULL;
    size_t nl = 0;
    for (int sd = 0; sd < r->s.seeds; sd++) {
        if (!run_ok(acc, P, sd)) continue; /* diverged: left out */
        struct h5file f;
        summary_open_run(r, root, P, sd, &f);
        size_t d[4];
        int32_t *len = summary_read_i32(&f, "/test/by_length/length", 1,
                                        len0 ? SHAPE((long)nl) : SHAPE(-1), d);
        const long n = (long)d[0];
        double *a = summary_read_f64(&f, "/test/by_length/seq_acc_lenient", 1, SHAPE(n), NULL);
        double *b = summary_read_f64(&f, "/test/by_length/seq_acc_strict", 1, SHAPE(n), NULL);
        if (!len0) {
            nl = (size_t)n;
            len0 = len;
            cnt0 = summary_read_i32(&f, "/test/by_length/count", 1, SHAPE(n), NULL);
            l = xcalloc(nl ? nl : 1, sizeof(double));
            s = xcalloc(nl ? nl : 1, sizeof(double));
        } else {
            for (size_t i = 0; i < nl; i++)
                if (len[i] != len0[i])
                    die("%s: /test/by_length/length differs from the other seeds' at entry %zu",
                        f.path, i);
            free(len);
        }
        for (size_t i = 0; i < nl; i++) l[i] += a[i] / n_ok, s[i] += b[i] / n_ok;
        free(a), free(b);
        h5_close(&f);
    }
    for (size_t i = 0; i < nl; i++)
        fprintf(t.fp, "%d\t%d\t%.6g\t%.6g\n", len0[i], cnt0[i], l[i], s[i]);
    tsv_close(&t);
    free(len0), free(cnt0), free(l), free(s);
}

/* A gnuplot string literal: double quotes and backslashes escaped. */
static void gp_string(FILE *fp, const char *var, const char *s) {
    fprintf(fp, "%s = \"", var);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', fp);
        fputc(*s, fp);
    }
    fprintf(fp, "\"\n");
}

void summarize_figure_scan(const struct figure *fig, profile_kind p, const char *root,
                           const char *out) {
    struct resolved r[N_SPLITS];
    static const char *const tsv[N_SPLITS] = {"figure-scan_acc_simple.tsv",
                                             "figure-scan_acc_length.tsv",
                                             "figure-scan_acc_addjump.tsv"};
    struct sweep sw[N_SPLITS][SCAN_M__COUNT];
    int best[N_SPLITS], n_div = 0, n_runs = 0;
    for (int k = 0; k < N_SPLITS; k++) {
        const struct experiment *e = experiment_find(fig->experiments[k]);
        ASSERT(e);
        experiment_resolve(e, p, &r[k]);
        acc_table(&r[k], root, out, tsv[k], sw[k]);
        n_div += sweep_total_diverged(&sw[k][SCAN_M_SEQ_LENIENT]);
        n_runs += r[k].n_P * r[k].s.seeds;
        best[k] = sweep_best_P(&sw[k][SCAN_M_SEQ_LENIENT], 0, 1);
        if (best[k] < 0) die("figure-scan: every run of %s diverged", r[k].exp->name);
        printf("figure-scan: %s best P_enc = %d, mean lenient sequence accuracy %.4f\n",
               r[k].exp->name, r[k].P[best[k]], sw[k][SCAN_M_SEQ_LENIENT].st[best[k]].mean);
    }
    summary_write_notes(out, fig->name, n_div, n_runs);
    const int Pr = r[0].P[best[0]], Pl = r[1].P[best[1]];
    const struct sweep *acc_r = &sw[0][SCAN_M_SEQ_LENIENT], *acc_l = &sw[1][SCAN_M_SEQ_LENIENT];
    char titles[8][512];
    int P_dec = 0;
    const int R = raster_tables(&r[0], root, Pr, first_ok_seed(acc_r, Pr), out, titles, 8, &P_dec);
    align_table(acc_r, root, Pr, out);
    bylength_table(acc_l, root, Pl, out);
    double cl_at[2], cl_other[2];
    const int cl_runs = clause_table(acc_r, root, Pr, out, cl_at, cl_other);

    struct tsv t;
    tsv_open(&t, out, "figure-scan_labels.gp", NULL);
    fprintf(t.fp, "# titles for plots/figure-scan.gp (written by bin/alrnn summarize)\n");
    fprintf(t.fp, "raster_P = %d\nbylength_P = %d\nn_raster = %d\nseeds = %d\nP_dec = %d\nM = %d\n",
            Pr, Pl, R, r[0].s.seeds, P_dec, r[0].s.M);
    if (cl_runs)
        fprintf(t.fp, "clause_label = \"units constant within each clause, flipping between them:"
                      "\\nand %.2f at the boundary vs %.2f elsewhere; after %.2f vs %.2f\"\n",
                cl_at[0], cl_other[0], cl_at[1], cl_other[1]);
    else
        fprintf(t.fp, "clause_label = \"\"\n");
    for (int k = 0; k < R; k++) {
        char var[32];
        snprintf(var, sizeof var, "raster_title%d", k + 1);
        gp_string(t.fp, var, titles[k]);
    }
    tsv_close(&t);
    for (int k = 0; k < N_SPLITS; k++)
        for (int m = 0; m < SCAN_M__COUNT; m++) sweep_free(&sw[k][m]);
}
