/* summary.c: run-file reading and checking, statistics and TSV files for the summarizers. */
#include "summary.h"

#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

void summary_run_path(const struct resolved *r, const char *results_root, int P, int seed,
                      char *buf, size_t n) {
    snprintf(buf, n, "%s/%s/%s/P%d_seed%d.h5", results_root, profile_names[r->profile],
             r->exp->name, P, seed);
}

static int attr_exists(const struct h5file *f, const char *name) {
    return H5Aexists_by_name(f->id, "/", name, H5P_DEFAULT) > 0;
}

/* NULL when the root attributes of f match the row, P, seed and the row's hash; else why not
 * (in buf). *stale is set when only the row hash differs (the row changed since training). */
static const char *run_mismatch(const struct resolved *r, const struct h5file *f, int P,
                                int seed, char *buf, size_t n, int *stale) {
    static const char *const str_attrs[] = {"experiment", "profile", "row_hash"};
    static const char *const int_attrs[] = {"P", "seed", "M"};
    const struct row_hash_hex hex = resolved_hash_hex(r);
    const char *want_s[3] = {r->exp->name, profile_names[r->profile], hex.s};
    const long want_i[3] = {P, seed, r->s.M};
    *stale = 0;
    for (int i = 0; i < 3; i++) {
        if (!attr_exists(f, str_attrs[i])) {
            *stale = i == 2;
            snprintf(buf, n, "has no root attribute %s%s", str_attrs[i],
                     i == 2 ? " (written before run files recorded their row)" : "");
            return buf;
        }
        char *v = h5_read_attr_str(f, "/", str_attrs[i]);
        const int ok = !strcmp(v, want_s[i]);
        if (!ok) {
            *stale = i == 2;
            snprintf(buf, n, "%s is '%s', expected '%s'%s", str_attrs[i], v, want_s[i],
                     i == 2 ? " (the row's settings changed since it was trained)" : "");
        }
        free(v);
        if (!ok) return buf;
    }
    for (int i = 0; i < 3; i++) {
        if (!attr_exists(f, int_attrs[i])) {
            snprintf(buf, n, "has no root attribute %s", int_attrs[i]);
            return buf;
        }
        const long v = h5_read_attr_int(f, "/", int_attrs[i]);
        if (v != want_i[i]) {
            snprintf(buf, n, "%s is %ld, expected %ld", int_attrs[i], v, want_i[i]);
            return buf;
        }
    }
    return NULL;
}

void summary_open_run(const struct resolved *r, const char *results_root, int P, int seed,
                      struct h5file *f) {
    char path[4096], why[512];
    summary_run_path(r, results_root, P, seed, path, sizeof path);
    if (access(path, R_OK) != 0)
        die("missing run file %s (train it with: bin/alrnn run %s --P %d --seed %d --profile %s)",
            path, r->exp->name, P, seed, profile_names[r->profile]);
    h5_open_read(f, path);
    int stale;
    if (run_mismatch(r, f, P, seed, why, sizeof why, &stale))
        die("%s run file %s: %s; retrain it with: bin/alrnn run %s --P %d --seed %d --profile %s",
            stale ? "stale" : "foreign", path, why, r->exp->name, P, seed,
            profile_names[r->profile]);
}

void summary_check_figure(const struct figure *fig, profile_kind p, const char *results_root) {
    char *msg = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&msg, &len);
    if (!m) die("out of memory");
    int n_bad = 0, n_stale = 0, n_missing = 0;
    for (int e = 0; fig->experiments[e]; e++) {
        struct resolved r;
        experiment_resolve(experiment_find(fig->experiments[e]), p, &r);
        for (int k = 0; k < r.n_P; k++)
            for (int s = 0; s < r.s.seeds; s++) {
                char path[4096], why[512];
                summary_run_path(&r, results_root, r.P[k], s, path, sizeof path);
                const char *bad = NULL;
                int stale = 0;
                struct h5file f;
                if (access(path, R_OK) != 0) {
                    bad = "missing";
                    n_missing++;
                } else {
                    h5_open_read(&f, path);
                    bad = run_mismatch(&r, &f, r.P[k], s, why, sizeof why, &stale);
                    h5_close(&f);
                    n_stale += bad && stale;
                }
                if (!bad) continue;
                if (n_bad < 8) fprintf(m, "%s%s (%s)", n_bad ? "; " : "", path, bad);
                n_bad++;
            }
    }
    if (n_bad > 8) fprintf(m, "; and %d more", n_bad - 8);
    fclose(m);
    if (n_bad)
        die("%s: %d run file%s cannot be summarised (%d missing, %d stale, %d foreign): %s; "
            "retrain with: make %s PROFILE=%s (stale files are retrained because their row "
            "changed; or remove them and run bin/alrnn run for each)",
            fig->name, n_bad, n_bad > 1 ? "s" : "", n_missing, n_stale,
            n_bad - n_missing - n_stale, msg, fig->name, profile_names[p]);
    free(msg);
}

int summary_run_diverged(const struct h5file *f) {
    if (!attr_exists(f, "diverged")) return 0;
    return h5_read_attr_int(f, "/", "diverged") != 0;
}

static void check_shape(const struct h5file *f, const char *path, int rank, const long *want,
                        int got_rank, const size_t *dims) {
    int ok = got_rank == rank;
    for (int i = 0; ok && i < rank; i++) ok = want[i] < 0 || (size_t)want[i] == dims[i];
    if (ok) return;
    char w[128] = "", g[128] = "";
    size_t a = 0, b = 0;
    for (int i = 0; i < rank; i++)
        a += snprintf(w + a, sizeof w - a, "%s%ld", i ? "," : "", want[i]);
    for (int i = 0; i < got_rank && i < 4; i++)
        b += snprintf(g + b, sizeof g - b, "%s%zu", i ? "," : "", dims[i]);
    die("%s: dataset %s has shape (%s), expected (%s) (-1: any size); the run file is damaged "
        "or from another version: retrain it",
        f->path, path, g, w);
}

#define CHECKED_READ(fn, type, reader)                                                          \
    type *fn(const struct h5file *f, const char *path, int rank, const long *want,              \
             size_t *dims) {                                                                    \
        size_t n, d[4] = {0};                                                                   \
        int got;                                                                                \
        type *v = reader(f, path, &n, &got, d);                                                 \
        check_shape(f, path, rank, want, got, d);                                               \
        if (dims) memcpy(dims, d, sizeof d);                                                    \
        return v;                                                                               \
    }
CHECKED_READ(summary_read_f64, double, h5_read_f64)
CHECKED_READ(summary_read_i32, int32_t, h5_read_i32)
CHECKED_READ(summary_read_u8, uint8_t, h5_read_u8)
#undef CHECKED_READ

double summary_read_scalar(const struct h5file *f, const char *path) {
    size_t n;
    double *v = h5_read_f64(f, path, &n, NULL, NULL);
    if (n != 1) die("%s: dataset %s holds %zu values, expected one", f->path, path, n);
    const double x = v[0];
    free(v);
    return x;
}

long summary_attr_int(const struct h5file *f, const char *obj, const char *name, long lo, long hi) {
    const long v = h5_read_attr_int(f, obj, name);
    if (v < lo || v > hi)
        die("%s: attribute %s on %s is %ld, outside [%ld, %ld]", f->path, name, obj, v, lo, hi);
    return v;
}

struct stats stats_of(const double *v, int n) {
    struct stats s = {.n = 0, .mean = NAN, .std = NAN, .min = NAN, .max = NAN};
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i])) continue;
        if (s.n == 0) s.min = s.max = v[i];
        sum += v[i];
        s.min = v[i] < s.min ? v[i] : s.min;
        s.max = v[i] > s.max ? v[i] : s.max;
        s.n++;
    }
    if (s.n == 0) return s;
    s.mean = sum / s.n;
    double ss = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) ss += (v[i] - s.mean) * (v[i] - s.mean);
    s.std = s.n > 1 ? sqrt(ss / (s.n - 1)) : 0;
    return s;
}

void sweep_read(struct sweep *sw, const struct resolved *r, const char *root, const char *metric) {
    memset(sw, 0, sizeof *sw);
    sw->r = r;
    sw->n_P = r->n_P;
    sw->S = r->s.seeds;
    sw->v = xmalloc((size_t)sw->n_P * sw->S * sizeof(double));
    sw->diverged = xcalloc((size_t)sw->n_P * sw->S, sizeof(int));
    for (int k = 0; k < sw->n_P; k++) {
        for (int s = 0; s < sw->S; s++) {
            const size_t i = (size_t)k * sw->S + s;
            struct h5file f;
            summary_open_run(r, root, r->P[k], s, &f);
            sw->diverged[i] = summary_run_diverged(&f);
            sw->v[i] = sw->diverged[i] ? NAN : summary_read_scalar(&f, metric);
            h5_close(&f);
            if (!isfinite(sw->v[i])) {
                sw->diverged[i] = 1;
                sw->v[i] = NAN;
            }
            sw->n_diverged[k] += sw->diverged[i];
        }
        sw->st[k] = stats_of(sw->v + (size_t)k * sw->S, sw->S);
    }
}

static void sweep_restat(struct sweep *sw) {
    for (int k = 0; k < sw->n_P; k++) {
        sw->n_diverged[k] = 0;
        for (int s = 0; s < sw->S; s++) sw->n_diverged[k] += sw->diverged[(size_t)k * sw->S + s];
        sw->st[k] = stats_of(sw->v + (size_t)k * sw->S, sw->S);
    }
}

void sweep_union(struct sweep *sw, int n) {
    const size_t m = (size_t)sw[0].n_P * sw[0].S;
    for (size_t i = 0; i < m; i++) {
        int d = 0;
        for (int j = 0; j < n; j++) d |= sw[j].diverged[i];
        for (int j = 0; j < n; j++) {
            sw[j].diverged[i] = d;
            if (d) sw[j].v[i] = NAN;
        }
    }
    for (int j = 0; j < n; j++) sweep_restat(&sw[j]);
}

int sweep_index(const struct sweep *sw, int P) {
    for (int k = 0; k < sw->n_P; k++)
        if (sw->r->P[k] == P) return k;
    return -1;
}

void sweep_free(struct sweep *sw) {
    free(sw->v);
    free(sw->diverged);
    sw->v = NULL;
    sw->diverged = NULL;
}

int sweep_total_diverged(const struct sweep *sw) {
    int n = 0;
    for (int k = 0; k < sw->n_P; k++) n += sw->n_diverged[k];
    return n;
}

int sweep_best_P(const struct sweep *sw, int min_P, int higher_better) {
    int kb = -1;
    for (int k = 0; k < sw->n_P; k++) {
        if (sw->r->P[k] < min_P || sw->st[k].n == 0) continue;
        const double m = sw->st[k].mean, b = kb < 0 ? 0 : sw->st[kb].mean;
        if (kb < 0 || (higher_better ? m > b : m < b)) kb = k;
    }
    return kb;
}

int sweep_best_seed(const struct sweep *sw, int k, int higher_better) {
    int sb = -1;
    for (int s = 0; s < sw->S; s++) {
        const size_t i = (size_t)k * sw->S + s;
        if (sw->diverged[i]) continue;
        const double b = sb < 0 ? 0 : sw->v[(size_t)k * sw->S + sb];
        if (sb < 0 || (higher_better ? sw->v[i] > b : sw->v[i] < b)) sb = s;
    }
    return sb;
}

/* The TSVs of this process: written under their tmp names and renamed all together by
 * summary_commit(), so a summarize that fails part-way changes no TSV and leaves no tmp file
 * (the exit handler removes them). */
struct pending {
    char *tmp, *path;
};
static struct pending *pending;
static int n_pending, cap_pending;

static void tsv_cleanup(void) {
    for (int i = 0; i < n_pending; i++) {
        unlink(pending[i].tmp);
        free(pending[i].tmp);
        free(pending[i].path);
    }
    n_pending = 0;
}

/* Ctrl-C or a kill during a summary: remove the tmp files (unlink is async-signal-safe), then
 * die of the signal as before. */
static void tsv_on_signal(int sig) {
    for (int i = 0; i < n_pending; i++) unlink(pending[i].tmp);
    signal(sig, SIG_DFL);
    raise(sig);
}

void tsv_open(struct tsv *t, const char *out_dir, const char *name, const char *header_comment) {
    static int registered;
    if (!registered) {
        atexit(tsv_cleanup);
        signal(SIGINT, tsv_on_signal);
        signal(SIGTERM, tsv_on_signal);
        registered = 1;
    }
    snprintf(t->path, sizeof t->path, "%s/%s", out_dir, name);
    snprintf(t->tmp, sizeof t->tmp, "%s.tmp.%ld", t->path, (long)getpid());
    make_parent_dirs(t->path);
    if (n_pending == cap_pending) {
        cap_pending = cap_pending ? 2 * cap_pending : 16;
        pending = xrealloc(pending, cap_pending * sizeof *pending);
    }
    t->fp = fopen(t->tmp, "w");
    if (!t->fp) die("cannot write %s", t->tmp);
    pending[n_pending++] = (struct pending){xstrdup(t->tmp), xstrdup(t->path)};
    if (header_comment) fprintf(t->fp, "# %s\n", header_comment);
}

void tsv_close(struct tsv *t) {
    if (fclose(t->fp) != 0) die("error writing %s", t->tmp);
    t->fp = NULL;
}

void summary_commit(void) {
    for (int i = 0; i < n_pending; i++) {
        if (rename(pending[i].tmp, pending[i].path) != 0)
            die("cannot rename %s to %s", pending[i].tmp, pending[i].path);
        fprintf(stderr, "wrote %s\n", pending[i].path);
        free(pending[i].tmp);
        free(pending[i].path);
        pending[i].tmp = pending[i].path = NULL;
        pending[i] = pending[n_pending - 1];
        n_pending--;
        i--;
    }
}

void summary_write_notes(const char *out_dir, const char *figure, int n_diverged, int n_runs) {
    char name[256];
    snprintf(name, sizeof name, "%s_notes.gp", figure);
    struct tsv t;
    tsv_open(&t, out_dir, name, "gnuplot variables the figure's script prints");
    if (n_diverged)
        fprintf(t.fp, "diverged_note = \"%d of %d runs diverged (left out of means and of best choices)\"\n",
                n_diverged, n_runs);
    else
        fprintf(t.fp, "diverged_note = \"\"\n");
    tsv_close(&t);
}

/* ---- bitcodes and the P a figure shows ------------------------------------------------- */

void summary_unpack_code(const uint64_t *c, int P, uint8_t *bits) {
    for (int i = 0; i < P; i++) bits[i] = (uint8_t)((c[i >> 6] >> (i & 63)) & 1);
}

void summary_write_hist(const struct h5file *f, const char *g, const struct bitcode_hist *h,
                    int n_top, const char *what) {
    const int k = h->n_codes < n_top ? h->n_codes : n_top, P = h->P;
    uint8_t *bits = xmalloc((size_t)(k ? k : 1) * (P ? P : 1));
    int32_t *cnt = xmalloc((size_t)(k ? k : 1) * sizeof(int32_t));
    double mass = 0;
    for (int j = 0; j < k; j++) {
        summary_unpack_code(h->codes + (size_t)j * h->W, P, bits + (size_t)j * P);
        ASSERT(h->counts[j] <= INT32_MAX);
        cnt[j] = (int32_t)h->counts[j];
        mass += h->freq[j];
    }
    char path[256], desc[256];
    const size_t dc[2] = {k, P}, dk[1] = {k};
    snprintf(path, sizeof path, "%s/codes", g);
    snprintf(desc, sizeof desc, "most frequent bitcodes of %s, most frequent first; bit i = "
                                "1[z_{M-P+i} > 0]", what);
    h5_write(f, path, H5K_U8, 2, dc, bits, desc, "bit");
    snprintf(path, sizeof path, "%s/counts", g);
    h5_write(f, path, H5K_I32, 1, dk, cnt, "steps in each stored code", "steps");
    snprintf(path, sizeof path, "%s/freq", g);
    h5_write(f, path, H5K_F64, 1, dk, h->freq, "count / total steps of each stored code", "1");
    snprintf(path, sizeof path, "%s/n_codes", g);
    h5_write_scalar(f, path, h->n_codes, "distinct codes visited (stored or not)", "codes");
    snprintf(path, sizeof path, "%s/total", g);
    h5_write_scalar(f, path, (double)h->total, "steps counted", "steps");
    snprintf(path, sizeof path, "%s/top_mass", g);
    h5_write_scalar(f, path, mass, "summed frequency of the stored codes", "1");
    free(bits);
    free(cnt);
}

int summary_pick_P(const struct resolved *r, int want, int min_P) {
    int best = -1;
    for (int k = 0; k < r->n_P; k++) {
        const int P = r->P[k];
        if (P < min_P) continue;
        if (best < 0 || abs(P - want) < abs(best - want) ||
            (abs(P - want) == abs(best - want) && P < best))
            best = P;
    }
    return best;
}

void sweep_write_tsv(const struct sweep *sw, const char *out_dir, const char *name,
                     const char *hdr, const char *seeds_name, const char *seeds_hdr,
                     const char *m, const char *num) {
    const struct resolved *r = sw->r;
    const int S = sw->S;
    char row[128], seed_row[64];
    snprintf(row, sizeof row, "%%d\t%%d\t%s\t%s\t%s\t%s\t%%d\n", num, num, num, num);
    snprintf(seed_row, sizeof seed_row, "%%d\t%%d\t%s\t%%d\n", num);
    struct tsv t, ts;
    tsv_open(&t, out_dir, name, hdr);
    tsv_open(&ts, out_dir, seeds_name, seeds_hdr);
    fprintf(t.fp, "P\tn_seeds\tmean_%s\tstd_%s\tmin_%s\tmax_%s\tn_diverged\n", m, m, m, m);
    fprintf(ts.fp, "P\tseed\t%s\tdiverged\n", m);
    for (int k = 0; k < r->n_P; k++) {
        for (int s = 0; s < S; s++)
            fprintf(ts.fp, seed_row, r->P[k], s, sw->v[(size_t)k * S + s],
                    sw->diverged[(size_t)k * S + s]);
        const struct stats st = sw->st[k];
        fprintf(t.fp, row, r->P[k], st.n, st.mean, st.std, st.min, st.max, sw->n_diverged[k]);
    }
    tsv_close(&t);
    tsv_close(&ts);
}

/* ---- baselines as reference bands ------------------------------------------------------ */

static int same_str(const char *a, const char *b) { return !strcmp(a ? a : "", b ? b : ""); }

/* 1 when baseline row b trains on AL-RNN row a's task, width, inputs, data and budget
 * (everything but the model, the P grid and the seed count: at the verify profile an AL-RNN
 * row runs its claims' seeds, a baseline quick's). */
static int same_setup(const struct resolved *a, const struct resolved *b) {
    const struct experiment *ea = a->exp, *eb = b->exp;
    const struct settings *sa = &a->s, *sb = &b->s;
    const struct train_config *ta = &sa->train, *tb = &sb->train;
    const struct task_params *da = &sa->data, *db = &sb->data;
    return ea->task == eb->task && ea->encoder == eb->encoder &&
           !memcmp(ea->encoder_opt, eb->encoder_opt, sizeof ea->encoder_opt) &&
           ea->readout_bias == eb->readout_bias && sa->M == sb->M &&
           ta->epochs == tb->epochs && ta->batch == tb->batch && ta->lr == tb->lr &&
           ta->lr_min == tb->lr_min && ta->cosine == tb->cosine && ta->clip == tb->clip &&
           ta->select == tb->select && ta->eval_every == tb->eval_every && da->T == db->T &&
           da->n_train == db->n_train && da->n_val == db->n_val && da->n_test == db->n_test &&
           da->n_per_group == db->n_per_group && same_str(da->opts, db->opts);
}

int summary_write_bands(const struct figure *fig, profile_kind p, const char *root,
                        const char *out_dir, const char *stem, const char *var,
                        const char *metric, const char *what, const char *const *beside,
                        const char *const *suffix, int n_beside) {
    const char *m = strrchr(metric, '/') ? strrchr(metric, '/') + 1 : metric;
    char name[256], labels[1024] = "";
    struct tsv t = {0}, g;
    int n = 0;
    for (int e = 0; fig->experiments[e]; e++) {
        struct resolved rb, ra;
        experiment_resolve(experiment_find(fig->experiments[e]), p, &rb);
        if (rb.exp->model == MODEL_ALRNN) continue;
        ASSERT(rb.n_P == 1 && rb.P[0] == 0);
        int owner = -1; /* the AL-RNN row of the figure it belongs to */
        for (int k = 0; owner < 0 && fig->experiments[k]; k++) {
            experiment_resolve(experiment_find(fig->experiments[k]), p, &ra);
            if (ra.exp->model == MODEL_ALRNN && same_setup(&ra, &rb)) owner = k;
        }
        if (owner < 0)
            die("%s: baseline row %s matches no AL-RNN row of the figure at profile %s (task, "
                "M, encoder, data and budget must be the AL-RNN row's: share its settings "
                "macro in experiments/table.c)",
                fig->name, rb.exp->name, profile_names[p]);
        experiment_resolve(experiment_find(fig->experiments[owner]), p, &ra);
        int j = -1;
        for (int i = 0; i < n_beside; i++)
            if (!strcmp(beside[i], ra.exp->name)) j = i;
        if (j < 0) continue;
        if (n == 0) {
            snprintf(name, sizeof name, "%s.tsv", stem);
            char hdr[768];
            snprintf(hdr, sizeof hdr, "%s: baselines of M units each (the AL-RNN row's data, "
                     "seeds and budget), %s over the seeds that did not diverge (std = sample "
                     "std); band_lo..band_hi and x_from..x_to: the band drawn", what, metric);
            tsv_open(&t, out_dir, name, hdr);
            fprintf(t.fp, "experiment\tmodel\tbeside\tn_params\tn_seeds\tmean_%s\tstd_%s\t"
                          "min_%s\tmax_%s\tn_diverged\tband_lo\tband_hi\tx_from\tx_to\n",
                    m, m, m, m);
        }
        struct sweep sw;
        sweep_read(&sw, &rb, root, metric);
        const struct stats st = sw.st[0];
        struct h5file f;
        summary_open_run(&rb, root, 0, 0, &f);
        const long n_params = h5_read_attr_int(&f, "/config", "n_params");
        h5_close(&f);
        const char *model = model_kind_names[rb.exp->model];
        fprintf(t.fp, "%s\t%s\t%s\t%ld\t%d\t%.9g\t%.9g\t%.9g\t%.9g\t%d\t%.9g\t%.9g\t%g\t%d\n",
                rb.exp->name, model, ra.exp->name, n_params, st.n, st.mean, st.std, st.min,
                st.max, sw.n_diverged[0], st.mean - st.std, st.mean + st.std, 0.5, ra.s.M);
        printf("%s: %s baseline beside %s (%ld parameters): %s %.4g ± %.3g over %d seeds%s\n",
               fig->name, model, ra.exp->name, n_params, m, st.mean, st.std, st.n,
               sw.n_diverged[0] ? " (some diverged, left out)" : "");
        const size_t used = strlen(labels);
        snprintf(labels + used, sizeof labels - used, "%s\"%s, M = %d%s\"", n ? ", " : "",
                 model, rb.s.M, suffix ? suffix[j] : "");
        sweep_free(&sw);
        n++;
    }
    if (n) tsv_close(&t);
    snprintf(name, sizeof name, "%s.gp", stem);
    tsv_open(&g, out_dir, name, "gnuplot variables: the reference bands of the baselines");
    /* gnuplot has no empty arrays: one unused entry when there is no band */
    fprintf(g.fp, "%s_n = %d\narray %s_label[%d] = [%s]\n", var, n, var, n ? n : 1,
            n ? labels : "\"\"");
    tsv_close(&g);
    return n;
}
