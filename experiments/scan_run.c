/* scan_run.c: one SCAN run (PAPER.md §2.9), end to end: the split files, the encoder-decoder
 * as a model type (model.h) that core/train.c's one loop trains, greedy-decoding metrics, the
 * bitcode/construct analysis and the run file.
 *
 * Data. The split is read from DATA_DIR/scan (make datasets-scan). The length and add-jump
 * splits are also regenerated from the grammar (scan_split_make) and must equal the files as
 * multisets, or the run dies; the simple split exists only as its file. Vocabularies come from
 * the training file. Commands are padded at the end to the longest command of the split (9
 * words), and the encoder runs over the pads: the authors pad to each batch's longest
 * command, which for batches of 64 is 9 in all but ~3e-5 of batches (15% of commands have 9
 * words), so the two agree while ours does not depend on the batch a command lands in.
 *
 * Training (PAPER.md §2.9; the n + 1 targets are our deviation, see scan_model.h), in
 * core/train.c's loop: per batch of B shuffled pairs, the decoder runs as many steps as the
 * batch's longest target (its actions plus <end>), free-running (tf = 0) or teacher-forced per step with probability tf;
 * loss = weighted CE + MAR of both AL-RNNs on their first M_reg units; global-norm clipping
 * when clip > 0 (off in the paper); Adam. The final parameters are kept (no validation split).
 *
 * Evaluation: greedy decoding of the test split up to `decode` tokens (stopping a batch once
 * every row has produced <end>), scored both ways (scan_model.h metrics); the test loss is
 * the training objective's CE on those same free-running logits.
 *
 * Analysis (/analysis): the decoder is teacher-forced on each test target, so its state at
 * step j+1 is the one that emits target token j, and the construct boundaries of the
 * command (scan_boundaries) index the same positions. For every interior position j
 * (1 <= j <= n-1) the bitcode change code(z_{j+1}) vs code(z_j) is recorded: whether it
 * switched subregion and the Hamming distance; both are averaged at offsets -3..3 from each
 * construct's boundaries, and over all / boundary-free interior positions as baselines, also
 * per decoder unit (sign-change probability). For commands joined by and / after, the units
 * that hold one bit through each clause's output and flip between the clauses are counted at
 * the clause boundary and, as a control, at every other split point of the same output.
 * A raster of a few commands (bitcodes per step with their boundaries) is stored for the
 * figure. Run file layout: experiments/run.c's contract, plus the groups listed in
 * write_run_file().
 *
 * Bench (scan_bench.h): the same model object and network with one batch of grammar-generated
 * pairs, for bin/bench to time train_step without the split files.
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "experiments.h"
#include "h5io.h"
#include "scan_bench.h"
#include "scan_data.h"
#include "scan_model.h"
#include "scan_task.h"

/* ---- the task object ------------------------------------------------------------------ */

static void scan_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = SCAN_MAX_WORDS;
    *N = task_opt_int(p, "emb", 64);
    *K = SCAN_N_SPECIAL + SCAN_ACTION__COUNT;
}

static void scan_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                           struct dataset *val, struct dataset *test) {
    die("the SCAN task is trained by its runner (experiments/scan_run.c), not experiment_run");
}

static void scan_metrics(const struct dataset *d, const real *yhat, double *out) {
    die("SCAN metrics come from greedy decoding in experiments/scan_run.c");
}

const struct task_type task_scan = {
    .name = "scan",
    .description = "SCAN commands -> action sequences, AL-RNN encoder-decoder (PAPER.md 2.9)",
    .loss = LOSS_CE,
    .readout = READOUT_ALL,
    .dims = scan_dims,
    .make_data = scan_make_data,
    .metrics = scan_metrics,
    .n_metrics = SCAN_M__COUNT,
    .metric_names = scan_metric_names,
};

/* ---- settings --------------------------------------------------------------------------- */

struct scan_opts {
    char split[32];
    int P_dec, E, decode;
    double tf, end_weight;
};

/* String option `key` of the comma-separated opts into buf ("" when absent). */
static void opt_str(const char *opts, const char *key, char *buf, size_t cap) {
    buf[0] = 0;
    const size_t kl = strlen(key);
    for (const char *s = opts; s && *s;) {
        if (!strncmp(s, key, kl) && s[kl] == '=') {
            const size_t n = strcspn(s + kl + 1, ",");
            if (n >= cap) die("option %s: value too long", key);
            memcpy(buf, s + kl + 1, n);
            buf[n] = 0;
            return;
        }
        s = strchr(s, ',');
        s = s ? s + 1 : NULL;
    }
}

static struct scan_opts scan_opts_of(const struct resolved *r) {
    const struct task_params *p = &r->s.data;
    struct scan_opts o;
    opt_str(p->opts, "split", o.split, sizeof o.split);
    if (!o.split[0]) snprintf(o.split, sizeof o.split, "simple");
    o.P_dec = task_opt_int(p, "P_dec", 32);
    o.E = task_opt_int(p, "emb", 64);
    o.decode = task_opt_int(p, "decode", 50);
    o.tf = task_opt_double(p, "tf", 0);
    o.end_weight = task_opt_double(p, "end_weight", 5);
    if (o.P_dec < 0 || o.P_dec > r->s.M)
        die("%s: P_dec = %d is out of range 0..M = %d", r->exp->name, o.P_dec, r->s.M);
    if (o.E < 1 || o.decode < 1 || o.tf < 0 || o.tf > 1 || o.end_weight < 0)
        die("%s: invalid options '%s'", r->exp->name, p->opts ? p->opts : "");
    return o;
}

/* ---- data ------------------------------------------------------------------------------- */

/* One side of a split, encoded. Sequence-major. */
struct scan_data {
    int n;
    int T_in, T_tgt;   /* padded widths: longest command; longest target + <end> */
    int32_t *src;      /* (n, T_in) command ids, SCAN_PAD after the command */
    int32_t *tgt;      /* (n, T_tgt) action ids, SCAN_END, then SCAN_PAD */
    int32_t *len;      /* (n) target length n_out + 1 (with <end>) */
    const char **cmd;  /* (n) the command text (owned by the scan_set) */
};

static void data_encode(struct scan_data *d, const struct scan_set *s, const int *pick, int n,
                        const struct scan_vocab *vin, const struct scan_vocab *vout, int T_in,
                        int T_tgt) {
    d->n = n, d->T_in = T_in, d->T_tgt = T_tgt;
    d->src = xmalloc((size_t)n * T_in * sizeof(int32_t));
    d->tgt = xmalloc((size_t)n * T_tgt * sizeof(int32_t));
    d->len = xmalloc((size_t)n * sizeof(int32_t));
    d->cmd = xmalloc((size_t)n * sizeof(char *));
    for (int i = 0; i < n; i++) {
        const struct scan_pair *p = &s->pair[pick ? pick[i] : i];
        scan_encode(vin, p->in, 0, T_in, d->src + (size_t)i * T_in);
        d->len[i] = scan_encode(vout, p->out, 1, T_tgt, d->tgt + (size_t)i * T_tgt);
        d->cmd[i] = p->in;
    }
}

static void data_free(struct scan_data *d) {
    free(d->src);
    free(d->tgt);
    free(d->len);
    free(d->cmd);
}

/* The first n of a seeded permutation of 0..total-1 (sorted back into file order), or NULL
 * for "all" (n <= 0 or n >= total). */
static int *subsample(int total, int n, rng_t *r) {
    if (n <= 0 || n >= total) return NULL;
    int *perm = xmalloc((size_t)total * sizeof(int));
    for (int i = 0; i < total; i++) perm[i] = i;
    rng_shuffle_int(r, perm, total);
    uint8_t *keep = xcalloc((size_t)total, 1);
    for (int i = 0; i < n; i++) keep[perm[i]] = 1;
    for (int i = 0, k = 0; i < total; i++)
        if (keep[i]) perm[k++] = i;
    free(keep);
    return perm;
}

/* Read the split's files; regenerable splits must equal their regeneration. */
static void load_split(const char *dir, const struct scan_split *sp, struct scan_set *train,
                       struct scan_set *test) {
    scan_read_in(dir, sp->train_path, train);
    scan_read_in(dir, sp->test_path, test);
    if (sp->kind == SCAN_SPLIT_RANDOM) return;
    struct scan_set all, rtrain, rtest;
    scan_set_init(&all), scan_set_init(&rtrain), scan_set_init(&rtest);
    scan_grammar_generate(&all);
    scan_split_make(sp, &all, &rtrain, &rtest);
    char msg[512];
    if (scan_set_compare(&rtrain, train, msg, sizeof msg))
        die("SCAN split %s: %s/%s differs from the grammar's regeneration: %s", sp->name, dir,
            sp->train_path, msg);
    if (scan_set_compare(&rtest, test, msg, sizeof msg))
        die("SCAN split %s: %s/%s differs from the grammar's regeneration: %s", sp->name, dir,
            sp->test_path, msg);
    scan_set_free(&all), scan_set_free(&rtrain), scan_set_free(&rtest);
}

/* Batch idx[0..B) into time-major src (T_in, B) and tgt (T, B); returns T, the longest
 * target (with <end>) of the batch. */
static int gather(const struct scan_data *d, const int *idx, int B, int32_t *src, int32_t *tgt) {
    int T = 1;
    for (int b = 0; b < B; b++) T = d->len[idx[b]] > T ? d->len[idx[b]] : T;
    for (int b = 0; b < B; b++) {
        const int i = idx[b];
        for (int t = 0; t < d->T_in; t++) src[(size_t)t * B + b] = d->src[(size_t)i * d->T_in + t];
        for (int t = 0; t < T; t++) tgt[(size_t)t * B + b] = d->tgt[(size_t)i * d->T_tgt + t];
    }
    return T;
}

/* Workspaces by batch size (the full batch, the last partial one, B = 1 for the raster). */
enum { WORK_CACHE = 6 };
struct work_cache {
    const struct scan_model *m;
    int T_in, T_max, n;
    struct scan_work w[WORK_CACHE];
};

static struct scan_work *work_for(struct work_cache *c, int B) {
    for (int i = 0; i < c->n; i++)
        if (c->w[i].B == B) return &c->w[i];
    ASSERT(c->n < WORK_CACHE);
    scan_work_alloc(&c->w[c->n], c->m, c->T_in, c->T_max, B);
    return &c->w[c->n++];
}

static void work_cache_free(struct work_cache *c) {
    for (int i = 0; i < c->n; i++) scan_work_free(&c->w[i]);
    c->n = 0;
}

/* ---- evaluation ------------------------------------------------------------------------- */

struct eval_out {
    double loss;
    double metric[SCAN_M__COUNT];
    uint8_t *ok;  /* (n, 2) lenient / strict sequence correctness, or NULL */
    int32_t *pred; /* (n, decode) greedy tokens (pad after the decoded steps), or NULL */
};

static void evaluate(const struct scan_model *m, const struct scan_data *d, int B, int decode,
                     double end_weight, struct work_cache *wc, struct eval_out *o) {
    int32_t *src = xmalloc((size_t)d->T_in * B * sizeof(int32_t));
    int32_t *tgt = xmalloc((size_t)d->T_tgt * B * sizeof(int32_t));
    int32_t *row = xmalloc((size_t)decode * sizeof(int32_t));
    int *idx = xmalloc((size_t)B * sizeof(int));
    long counts[4] = {0};
    long seq[2] = {0};
    double lsum = 0, wsum = 0;
    for (int start = 0; start < d->n; start += B) {
        const int nb = d->n - start < B ? d->n - start : B;
        for (int b = 0; b < nb; b++) idx[b] = start + b;
        const int T = gather(d, idx, nb, src, tgt);
        struct scan_work *w = work_for(wc, nb);
        const int steps = scan_forward(m, w, src, tgt, T, decode, 0, NULL);
        double ws;
        lsum += scan_loss(m, w, tgt, T, end_weight, 0, &ws) * ws;
        wsum += ws;
        for (int b = 0; b < nb; b++) {
            for (int t = 0; t < decode; t++) row[t] = t < steps ? w->pred[(size_t)t * nb + b] : SCAN_PAD;
            int sl, ss;
            const int i = start + b;
            scan_score_one(row, steps, d->tgt + (size_t)i * d->T_tgt, d->T_tgt, counts, &sl, &ss);
            seq[0] += sl, seq[1] += ss;
            if (o->ok) o->ok[2 * i] = (uint8_t)sl, o->ok[2 * i + 1] = (uint8_t)ss;
            if (o->pred) memcpy(o->pred + (size_t)i * decode, row, (size_t)decode * sizeof(int32_t));
        }
    }
    o->loss = wsum > 0 ? lsum / wsum : NAN;
    o->metric[SCAN_M_SEQ_LENIENT] = (double)seq[0] / d->n;
    o->metric[SCAN_M_SEQ_STRICT] = (double)seq[1] / d->n;
    o->metric[SCAN_M_TOKEN_LENIENT] = counts[1] ? (double)counts[0] / counts[1] : NAN;
    o->metric[SCAN_M_TOKEN_STRICT] = counts[3] ? (double)counts[2] / counts[3] : NAN;
    free(src), free(tgt), free(row), free(idx);
}

/* ---- the model type -------------------------------------------------------------------- */

/* What the SCAN model type's hooks need besides the network: its options and the evaluation
 * workspaces. */
struct scan_impl {
    struct scan_model *m;
    const struct scan_opts *o;
    struct work_cache *wc;
};

/* A training workspace: the network's workspace and the gathered batch. */
struct scan_batch {
    struct scan_work w;
    int T;        /* decoder steps of the last batch (its longest target with <end>) */
    int32_t *src; /* (T_in, B) */
    int32_t *tgt; /* (T_tgt, B) */
};

static void *sm_work_alloc(const struct model *mo, const void *data, int B) {
    const struct scan_impl *s = mo->impl;
    const struct scan_data *d = data;
    struct scan_batch *b = xmalloc(sizeof *b);
    scan_work_alloc(&b->w, s->m, s->wc->T_in, s->wc->T_max, B);
    b->src = xmalloc((size_t)d->T_in * B * sizeof(int32_t));
    b->tgt = xmalloc((size_t)d->T_tgt * B * sizeof(int32_t));
    return b;
}

static void sm_work_free(void *work) {
    struct scan_batch *b = work;
    scan_work_free(&b->w);
    free(b->src), free(b->tgt), free(b);
}

static double sm_forward_loss(const struct model *mo, void *work, const void *data,
                              const int *idx, int B, rng_t *r, int want_grad) {
    const struct scan_impl *s = mo->impl;
    struct scan_batch *b = work;
    ASSERT(B == b->w.B);
    b->T = gather(data, idx, B, b->src, b->tgt);
    scan_forward(s->m, &b->w, b->src, b->tgt, b->T, b->T, s->o->tf, r);
    return scan_loss(s->m, &b->w, b->tgt, b->T, s->o->end_weight, want_grad, NULL);
}

static void sm_backward(const struct model *mo, void *work, real *grad) {
    const struct scan_impl *s = mo->impl;
    scan_backward(s->m, &((struct scan_batch *)work)->w, grad);
}

/* MAR of both AL-RNNs on their first M_reg units each. */
static double sm_regularizer(const struct model *mo, double tau, int M_reg, real *grad) {
    const struct scan_impl *s = mo->impl;
    const struct scan_views gv = scan_model_views(s->m, grad);
    return alrnn_mar(&s->m->enc, tau, M_reg, grad ? gv.enc : NULL) +
           alrnn_mar(&s->m->dec, tau, M_reg, grad ? gv.dec : NULL);
}

static double sm_evaluate(const struct model *mo, const void *data, int B, uint64_t seed,
                          double *metrics) {
    const struct scan_impl *s = mo->impl;
    struct eval_out ev = {0};
    evaluate(s->m, data, B, s->o->decode, s->o->end_weight, s->wc, &ev);
    memcpy(metrics, ev.metric, sizeof ev.metric);
    return ev.loss;
}

static void write_model(const struct h5file *f, const struct scan_model *m);

static void sm_write_params(const struct model *mo, const struct h5file *f) {
    write_model(f, ((const struct scan_impl *)mo->impl)->m);
}

static const struct model_type model_type_scan = {
    .name = "scan_encoder_decoder",
    .work_alloc = sm_work_alloc,
    .work_free = sm_work_free,
    .forward_loss = sm_forward_loss,
    .backward = sm_backward,
    .regularizer = sm_regularizer,
    .evaluate = sm_evaluate,
    .write_params = sm_write_params,
    .reg_description = "manifold-attractor regulariser, encoder + decoder, at the epoch's end",
    .eval_loss_description = "test loss (free-running, as trained) at each evaluation",
    .eval_metric_description = "test-set metric at each evaluation (greedy)",
    .metric_units = "fraction",
};

/* The model object over impl, and the network a run of row r at P_enc = P builds: shared by
 * the runner and scan_bench_init, so that the bench times what the runner trains. */
static struct model model_of(struct scan_impl *impl) {
    const struct scan_model *m = impl->m;
    return (struct model){.type = &model_type_scan, .impl = impl, .n_params = m->n_params,
                          .params = m->params, .M = m->cfg.M,
                          .loss_units = loss_kind_names[LOSS_CE],
                          .n_metrics = SCAN_M__COUNT, .metric_names = scan_metric_names};
}

static struct scan_model_config model_config(const struct resolved *r, const struct scan_opts *o,
                                              int P, const struct scan_vocab *vin,
                                              const struct scan_vocab *vout) {
    return (struct scan_model_config){.M = r->s.M, .P_enc = P, .P_dec = o->P_dec, .E = o->E,
                                      .V_in = vin->n, .V_out = vout->n};
}

/* ---- analysis: decoder bitcodes against construct boundaries ------------------------------ */

enum { ALIGN_K = 3, ALIGN_W = 2 * ALIGN_K + 1, ALIGN_ROWS = SCAN_C__COUNT + 1 /* + any */ };

struct align {
    int P;
    double cnt[ALIGN_ROWS][ALIGN_W], sw[ALIGN_ROWS][ALIGN_W], ham[ALIGN_ROWS][ALIGN_W];
    double *uflip;                   /* (ALIGN_ROWS, ALIGN_W, P) flips of each unit */
    double all_cnt, all_sw, all_ham; /* interior positions */
    double nb_cnt, nb_sw, nb_ham;    /* interior positions without a boundary */
    double *nb_uflip;                /* (P) flips of each unit there */
    long commands;
    /* and / after: units whose bit is constant over each clause's output and differs between
     * them, at the clause boundary and (mean) at every other split point of the same output */
    double conj_n[2], conj_at[2], conj_other[2];
};

/* Units constant over the states emitting tokens [0, j) and over [j, n), different between. */
static int clause_units(const uint64_t *codes, int W, int P, int n, int j) {
    int count = 0;
    for (int i = 0; i < P; i++) {
        const int w = i / 64, sh = i % 64;
#define BITAT(t) ((int)((codes[(size_t)(t) * W + w] >> sh) & 1u))
        const int a = BITAT(1), b = BITAT(j + 1);
        int ok = a != b;
        for (int t = 1; ok && t <= j; t++) ok = BITAT(t) == a;
        for (int t = j + 1; ok && t <= n; t++) ok = BITAT(t) == b;
#undef BITAT
        count += ok;
    }
    return count;
}

/* Accumulate one command: codes (n + 2, W) of z_0..z_{n+1}, mask (n) of its boundaries. */
static void align_add(struct align *a, const uint64_t *codes, int W, const uint8_t *mask, int n) {
    const int P = a->P;
    double sw[SCAN_MAX_ACTIONS + 1], ham[SCAN_MAX_ACTIONS + 1];
    for (int j = 0; j <= n; j++) { /* change into the state that emits token j */
        const int hd = bitcode_hamming(codes + (size_t)(j + 1) * W, codes + (size_t)j * W, P);
        ham[j] = hd;
        sw[j] = hd > 0;
    }
    /* does unit i flip between the states emitting tokens j-1 and j? */
#define FLIP(j, i)                                                                            \
    ((((codes[(size_t)((j) + 1) * W + (i) / 64] ^ codes[(size_t)(j) * W + (i) / 64]) >>        \
       ((i) % 64)) & 1u) != 0)
    for (int j = 1; j <= n - 1; j++) {
        a->all_cnt++, a->all_sw += sw[j], a->all_ham += ham[j];
        if (mask[j]) continue;
        a->nb_cnt++, a->nb_sw += sw[j], a->nb_ham += ham[j];
        for (int i = 0; i < P; i++) a->nb_uflip[i] += FLIP(j, i);
    }
    for (int jb = 1; jb <= n - 1; jb++) {
        if (!mask[jb]) continue;
        for (int c = 0; c < ALIGN_ROWS; c++) {
            if (c < SCAN_C__COUNT && !(mask[jb] & (1u << c))) continue;
            for (int k = -ALIGN_K; k <= ALIGN_K; k++) {
                const int j = jb + k;
                if (j < 1 || j > n - 1) continue;
                a->cnt[c][k + ALIGN_K]++;
                a->sw[c][k + ALIGN_K] += sw[j];
                a->ham[c][k + ALIGN_K] += ham[j];
                double *u = a->uflip + ((size_t)c * ALIGN_W + k + ALIGN_K) * P;
                for (int i = 0; i < P; i++) u[i] += FLIP(j, i);
            }
        }
    }
#undef FLIP
    for (int jb = 1; jb <= n - 1; jb++) {
        const int c = (mask[jb] & (1u << SCAN_C_AND))     ? 0
                      : (mask[jb] & (1u << SCAN_C_AFTER)) ? 1
                                                           : -1;
        if (c < 0 || n < 3) continue;
        double other = 0;
        for (int j = 1; j <= n - 1; j++)
            if (j != jb) other += clause_units(codes, W, P, n, j);
        a->conj_n[c]++;
        a->conj_at[c] += clause_units(codes, W, P, n, jb);
        a->conj_other[c] += other / (n - 2);
    }
    a->commands++;
}

/* The alignment as a statistic against a null (PAPER.md §2.9 claim: subregion switches are
 * synchronised with switches between constructs). Observed: the switch rate (any bit) and
 * each unit's flip rate at the boundary positions (offset 0, any construct, interior
 * positions 1..n-1). Null: in each command the same number of boundary positions drawn
 * uniformly without replacement from its interior positions (boundaries shuffled within the
 * sequence, which keeps each command's length and boundary count), NULL_SHUFFLES times from
 * a fixed stream; p = (1 + #{null >= observed}) / (1 + NULL_SHUFFLES), one-sided. */
enum { NULL_SHUFFLES = 200 };
struct align_null {
    int P;
    double cnt;                   /* boundary positions (observed = each shuffle's count) */
    double sw, *uflip;            /* observed: switches and (P) unit flips there */
    double nsw[NULL_SHUFFLES];    /* each shuffle's switches */
    double *nuflip;               /* (NULL_SHUFFLES, P) */
    rng_t r;
};

static void align_null_add(struct align_null *a, const uint64_t *codes, int W,
                           const uint8_t *mask, int n) {
    const int P = a->P;
    int pos[SCAN_MAX_ACTIONS], m = 0, nb = 0;
#define FLIP(j, i)                                                                            \
    ((((codes[(size_t)((j) + 1) * W + (i) / 64] ^ codes[(size_t)(j) * W + (i) / 64]) >>        \
       ((i) % 64)) & 1u) != 0)
#define SWITCH(j) (bitcode_hamming(codes + (size_t)((j) + 1) * W, codes + (size_t)(j) * W, P) > 0)
    for (int j = 1; j <= n - 1; j++) {
        pos[m++] = j;
        if (!mask[j]) continue;
        nb++;
        a->sw += SWITCH(j);
        for (int i = 0; i < P; i++) a->uflip[i] += FLIP(j, i);
    }
    a->cnt += nb;
    for (int s = 0; s < NULL_SHUFFLES && nb > 0; s++)
        for (int q = 0; q < nb; q++) { /* partial Fisher-Yates: pos[0..nb) a random subset */
            const int k = q + (int)rng_below(&a->r, (uint32_t)(m - q));
            const int t = pos[q];
            pos[q] = pos[k], pos[k] = t;
            const int j = pos[q];
            a->nsw[s] += SWITCH(j);
            double *u = a->nuflip + (size_t)s * P;
            for (int i = 0; i < P; i++) u[i] += FLIP(j, i);
        }
#undef SWITCH
#undef FLIP
}

static void align_null_write(const struct h5file *f, const struct align_null *a) {
    const int P = a->P;
    const double c = a->cnt;
    double obs = c ? a->sw / c : NAN, mean = 0, ge = 0;
    for (int s = 0; s < NULL_SHUFFLES; s++) {
        mean += a->nsw[s] / (c ? c : NAN) / NULL_SHUFFLES;
        ge += a->nsw[s] >= a->sw;
    }
    const char *g = "/analysis/boundary_null";
    h5_write_scalar(f, "/analysis/boundary_null/switch_rate", obs,
                    "switch rate (any bit) at the construct boundaries", "1");
    h5_write_scalar(f, "/analysis/boundary_null/switch_rate_null", mean,
                    "mean over the shuffles of the same rate at shuffled positions", "1");
    h5_write_scalar(f, "/analysis/boundary_null/switch_p", (1 + ge) / (1.0 + NULL_SHUFFLES),
                    "one-sided permutation p of the boundary switch rate", "1");
    double *uo = xmalloc((size_t)(P ? P : 1) * sizeof(double));
    double *um = xcalloc((size_t)(P ? P : 1), sizeof(double));
    double *up = xmalloc((size_t)(P ? P : 1) * sizeof(double));
    for (int i = 0; i < P; i++) {
        double gi = 0;
        for (int s = 0; s < NULL_SHUFFLES; s++) {
            const double v = a->nuflip[(size_t)s * P + i];
            um[i] += v / (c ? c : NAN) / NULL_SHUFFLES;
            gi += v >= a->uflip[i];
        }
        uo[i] = c ? a->uflip[i] / c : NAN;
        up[i] = (1 + gi) / (1.0 + NULL_SHUFFLES);
    }
    const size_t dp[1] = {P};
    h5_write(f, "/analysis/boundary_null/unit_flip", H5K_F64, 1, dp, uo,
             "each decoder ReLU unit's flip rate at the construct boundaries", "1");
    h5_write(f, "/analysis/boundary_null/unit_flip_null", H5K_F64, 1, dp, um,
             "the same at shuffled positions, mean over the shuffles", "1");
    h5_write(f, "/analysis/boundary_null/unit_p", H5K_F64, 1, dp, up,
             "one-sided permutation p of each unit's boundary flip rate (no multiplicity "
             "correction)", "1");
    h5_attr_int(f, g, "shuffles", NULL_SHUFFLES);
    h5_attr_str(f, g, "null", "boundary positions redrawn uniformly without replacement among "
                              "each command's interior positions 1..n-1 (count kept)");
    h5_write_scalar(f, "/analysis/boundary_null/positions", c, "boundary positions", "positions");
    free(uo), free(um), free(up);
}

/* Commands shown in the raster: the first test command holding each pair of words, so that
 * each panel crosses several constructs; missing ones fall back to the longest outputs. */
static const char *const raster_words[][2] = {
    {"twice", "and"}, {"around", "after"}, {"opposite", "thrice"}};
enum { N_RASTER = (int)ARRAY_LEN(raster_words) };

static int has_word(const char *cmd, const char *word) {
    const size_t l = strlen(word);
    for (const char *p = cmd; (p = strstr(p, word)) != NULL; p++)
        if ((p == cmd || p[-1] == ' ') && (p[l] == 0 || p[l] == ' ')) return 1;
    return 0;
}

static void pick_raster(const struct scan_data *d, int *pick) {
    for (int k = 0; k < N_RASTER; k++) {
        pick[k] = -1;
        for (int i = 0; i < d->n && pick[k] < 0; i++)
            if (has_word(d->cmd[i], raster_words[k][0]) && has_word(d->cmd[i], raster_words[k][1]))
                pick[k] = i;
        if (pick[k] < 0) { /* fallback: the longest unused command */
            int best = -1;
            for (int i = 0; i < d->n; i++) {
                int used = 0;
                for (int q = 0; q < k; q++) used |= pick[q] == i;
                if (!used && (best < 0 || d->len[i] > d->len[best])) best = i;
            }
            pick[k] = best >= 0 ? best : 0;
        }
    }
}

/* The raster of N_RASTER test commands (pick_raster): the decoder bitcode of the state that
 * emits each target token (teacher-forced), the targets, the greedy predictions and the
 * construct boundaries, under /analysis/raster. src, tgt: gather() buffers of >= 1 sequence. */
static void analyze_raster(const struct h5file *f, const struct scan_model *m,
                           const struct scan_data *d, const struct scan_vocab *vout,
                           struct work_cache *wc, const struct eval_out *ev, int decode,
                           const char *names, int32_t *src, int32_t *tgt) {
    const int P = m->cfg.P_dec, M = m->cfg.M;
    int actions[SCAN_MAX_ACTIONS];
    uint8_t mask[SCAN_MAX_ACTIONS];
    int pick[N_RASTER];
    pick_raster(d, pick);
    int Tr = 1;
    for (int k = 0; k < N_RASTER; k++) Tr = d->len[pick[k]] > Tr ? d->len[pick[k]] : Tr;
    uint8_t *rb = xcalloc((size_t)N_RASTER * Tr * P, 1);
    int32_t *rtok = xcalloc((size_t)N_RASTER * Tr, sizeof(int32_t));
    int32_t *rpred = xcalloc((size_t)N_RASTER * Tr, sizeof(int32_t));
    uint8_t *rmask = xcalloc((size_t)N_RASTER * Tr, 1);
    int32_t rlen[N_RASTER], rok[N_RASTER];
    struct scan_work *w1 = work_for(wc, 1);
    for (int k = 0; k < N_RASTER; k++) {
        const int i = pick[k], n = d->len[i] - 1;
        const int T = gather(d, &i, 1, src, tgt);
        scan_forward(m, w1, src, tgt, T, T, 1.0, NULL);
        scan_boundaries(d->cmd[i], actions, mask);
        for (int j = 0; j <= n; j++) { /* column j: the state that emits token j */
            alrnn_bitcode(&m->dec, w1->dec.Z + (size_t)(j + 1) * M, rb + ((size_t)k * Tr + j) * P);
            rtok[(size_t)k * Tr + j] = tgt[j];
            rmask[(size_t)k * Tr + j] = j < n ? mask[j] : 0;
            rpred[(size_t)k * Tr + j] = ev->pred[(size_t)i * decode + (j < decode ? j : 0)];
        }
        rlen[k] = n + 1;
        rok[k] = ev->ok[2 * i + 1];
        char key[32];
        snprintf(key, sizeof key, "command_%d", k);
        h5_attr_str(f, "/analysis/raster", key, d->cmd[i]);
    }
    char vocab[512] = "";
    for (int v = 0; v < vout->n; v++)
        snprintf(vocab + strlen(vocab), sizeof vocab - strlen(vocab), "%s%s", v ? " " : "",
                 vout->tok[v]);
    h5_attr_str(f, "/analysis/raster", "vocab_out", vocab);
    h5_attr_str(f, "/analysis/raster", "constructs", names);
    const size_t r3[3] = {N_RASTER, Tr, P}, r2[2] = {N_RASTER, Tr}, r1[1] = {N_RASTER};
    h5_write(f, "/analysis/raster/bitcode", H5K_U8, 3, r3, rb,
             "decoder bitcode of the state emitting target token j (teacher-forced)", "bit");
    h5_write(f, "/analysis/raster/target", H5K_I32, 2, r2, rtok,
             "target token ids (actions, then <end>), vocab_out order", "token id");
    h5_write(f, "/analysis/raster/pred", H5K_I32, 2, r2, rpred,
             "greedy (free-running) prediction at the same positions", "token id");
    h5_write(f, "/analysis/raster/boundary", H5K_U8, 2, r2, rmask,
             "construct boundaries before token j: bit c = constructs[c]", "bitmask");
    h5_write(f, "/analysis/raster/length", H5K_I32, 1, r1, rlen, "target length with <end>",
             "tokens");
    h5_write(f, "/analysis/raster/strict_correct", H5K_I32, 1, r1, rok,
             "1 if greedy decoding reproduced the target and <end> exactly", "1");
    free(rb), free(rtok), free(rpred), free(rmask);
}

/* Teacher-forced decoder states of test commands: the alignment statistics over all of them
 * and the raster of a few, written to /analysis. */
static void analyze(const struct h5file *f, const struct scan_model *m, const struct scan_data *d,
                    const struct scan_vocab *vout, int B, struct work_cache *wc,
                    const struct eval_out *ev, int decode) {
    const int P = m->cfg.P_dec, M = m->cfg.M, W = bitcode_words(P);
    h5_attr_int(f, "/analysis", "P_dec", P);
    h5_attr_str(f, "/analysis", "states",
                "decoder teacher-forced on the test targets: z_{j+1} emits target token j");
    if (P == 0) return; /* a linear decoder has one subregion: nothing to align */
    struct align *a = xcalloc(1, sizeof *a);
    a->P = P;
    a->uflip = xcalloc((size_t)ALIGN_ROWS * ALIGN_W * P, sizeof(double));
    a->nb_uflip = xcalloc((size_t)P, sizeof(double));
    struct bitcode_set distinct;
    bitcode_set_init(&distinct, P);
    struct align_null an = {.P = P};
    an.uflip = xcalloc((size_t)P, sizeof(double));
    an.nuflip = xcalloc((size_t)NULL_SHUFFLES * P, sizeof(double));
    rng_init(&an.r, 20260611, 1); /* fixed: the null is a function of the parameters */
    int32_t *src = xmalloc((size_t)d->T_in * B * sizeof(int32_t));
    int32_t *tgt = xmalloc((size_t)d->T_tgt * B * sizeof(int32_t));
    int *idx = xmalloc((size_t)B * sizeof(int));
    real *zrow = xmalloc((size_t)(d->T_tgt + 1) * M * sizeof(real));
    uint64_t *codes = xmalloc((size_t)(d->T_tgt + 1) * W * sizeof(uint64_t));
    int actions[SCAN_MAX_ACTIONS];
    uint8_t mask[SCAN_MAX_ACTIONS];
    for (int start = 0; start < d->n; start += B) {
        const int nb = d->n - start < B ? d->n - start : B;
        for (int b = 0; b < nb; b++) idx[b] = start + b;
        const int T = gather(d, idx, nb, src, tgt);
        struct scan_work *w = work_for(wc, nb);
        scan_forward(m, w, src, tgt, T, T, 1.0, NULL);
        for (int b = 0; b < nb; b++) {
            const int i = start + b, n = d->len[i] - 1;
            const int n_grammar = scan_boundaries(d->cmd[i], actions, mask);
            ASSERT(n_grammar == n);
            for (int t = 0; t <= n + 1; t++)
                memcpy(zrow + (size_t)t * M, w->dec.Z + ((size_t)t * nb + b) * M, M * sizeof(real));
            bitcode_compute(zrow, n + 2, M, P, codes);
            for (int t = 1; t <= n + 1; t++) bitcode_set_insert(&distinct, codes + (size_t)t * W);
            align_add(a, codes, W, mask, n);
            align_null_add(&an, codes, W, mask, n);
        }
    }
    double sw[ALIGN_ROWS][ALIGN_W], ham[ALIGN_ROWS][ALIGN_W];
    int32_t cnt[ALIGN_ROWS][ALIGN_W], offs[ALIGN_W];
    for (int k = 0; k < ALIGN_W; k++) offs[k] = k - ALIGN_K;
    for (int c = 0; c < ALIGN_ROWS; c++)
        for (int k = 0; k < ALIGN_W; k++) {
            cnt[c][k] = (int32_t)a->cnt[c][k];
            sw[c][k] = a->cnt[c][k] ? a->sw[c][k] / a->cnt[c][k] : NAN;
            ham[c][k] = a->cnt[c][k] ? a->ham[c][k] / a->cnt[c][k] : NAN;
        }
    char names[256] = "";
    for (int c = 0; c < SCAN_C__COUNT; c++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s,", scan_construct_names[c]);
    strcat(names, "any");
    const char *g = "/analysis/boundary";
    const size_t d1[1] = {ALIGN_W}, d2[2] = {ALIGN_ROWS, ALIGN_W};
    h5_write(f, "/analysis/boundary/offset", H5K_I32, 1, d1, offs,
             "offset k of the output position from a construct boundary (0 = first token of the "
             "new unit)", "tokens");
    h5_write(f, "/analysis/boundary/switch_rate", H5K_F64, 2, d2, sw,
             "fraction of positions boundary+k whose emitting state has another bitcode than the "
             "previous step's; rows = constructs (attr constructs)", "1");
    h5_write(f, "/analysis/boundary/hamming", H5K_F64, 2, d2, ham,
             "mean Hamming distance between the bitcodes of the states emitting tokens j and "
             "j-1, at j = boundary+k; rows = constructs", "bits");
    h5_write(f, "/analysis/boundary/count", H5K_I32, 2, d2, cnt,
             "positions averaged in each cell (interior positions 1..n-1 only)", "positions");
    h5_attr_str(f, g, "constructs", names);
    h5_write_scalar(f, "/analysis/boundary/all_switch_rate", a->all_sw / a->all_cnt,
                    "switch rate over all interior positions", "1");
    h5_write_scalar(f, "/analysis/boundary/all_hamming", a->all_ham / a->all_cnt,
                    "mean Hamming distance over all interior positions", "bits");
    h5_write_scalar(f, "/analysis/boundary/nonboundary_switch_rate",
                    a->nb_cnt ? a->nb_sw / a->nb_cnt : NAN,
                    "switch rate at interior positions with no construct boundary", "1");
    h5_write_scalar(f, "/analysis/boundary/nonboundary_hamming",
                    a->nb_cnt ? a->nb_ham / a->nb_cnt : NAN,
                    "mean Hamming distance at interior positions with no construct boundary",
                    "bits");
    for (int c = 0; c < ALIGN_ROWS; c++)
        for (int k = 0; k < ALIGN_W; k++)
            for (int i = 0; i < P; i++)
                a->uflip[((size_t)c * ALIGN_W + k) * P + i] /= a->cnt[c][k] ? a->cnt[c][k] : NAN;
    for (int i = 0; i < P; i++) a->nb_uflip[i] /= a->nb_cnt ? a->nb_cnt : NAN;
    const size_t d3[3] = {ALIGN_ROWS, ALIGN_W, P}, dp[1] = {P};
    h5_write(f, "/analysis/boundary/unit_flip", H5K_F64, 3, d3, a->uflip,
             "probability that decoder ReLU unit i changes sign between the states emitting "
             "tokens j-1 and j, at j = boundary+k; (construct, offset, unit)", "1");
    h5_write(f, "/analysis/boundary/nonboundary_unit_flip", H5K_F64, 1, dp, a->nb_uflip,
             "the same at interior positions with no construct boundary", "1");
    double at[2], other[2], cn[2];
    for (int c = 0; c < 2; c++) {
        cn[c] = a->conj_n[c];
        at[c] = cn[c] ? a->conj_at[c] / cn[c] : NAN;
        other[c] = cn[c] ? a->conj_other[c] / cn[c] : NAN;
    }
    const size_t d2c[1] = {2};
    h5_attr_str(f, "/analysis/clause", "rows", "and,after");
    h5_attr_str(f, "/analysis/clause", "definition",
                "units whose bit is constant over the states emitting each clause's output "
                "tokens and differs between the two clauses (the <end> step excluded)");
    h5_write(f, "/analysis/clause/units_at_boundary", H5K_F64, 1, d2c, at,
             "mean such units per command when splitting at the clause boundary", "units");
    h5_write(f, "/analysis/clause/units_at_other_splits", H5K_F64, 1, d2c, other,
             "the same when splitting at any other interior position (mean over positions)",
             "units");
    h5_write(f, "/analysis/clause/commands", H5K_F64, 1, d2c, cn,
             "test commands with that conjunction and >= 3 actions", "commands");
    align_null_write(f, &an);
    free(an.uflip), free(an.nuflip);
    h5_write_scalar(f, "/analysis/boundary/commands", (double)a->commands,
                    "test commands analysed", "commands");
    h5_write_scalar(f, "/analysis/distinct_codes", distinct.n,
                    "distinct decoder bitcodes over the teacher-forced test steps", "codes");

    analyze_raster(f, m, d, vout, wc, ev, decode, names, src, tgt);
    free(src), free(tgt), free(idx), free(zrow), free(codes);
    free(a->uflip), free(a->nb_uflip), free(a);
    bitcode_set_free(&distinct);
}

/* ---- run file ------------------------------------------------------------------------------ */

static void write_config(const struct h5file *f, const struct resolved *r, const struct scan_opts *o,
                         const struct scan_model *m, const struct scan_data *tr,
                         const struct scan_data *te, int n_train_file, int n_test_file,
                         const char *data_dir) {
    const char *g = "/config";
    h5_attr_str(f, g, "split", o->split);
    h5_attr_str(f, g, "data_dir", data_dir);
    h5_attr_str(f, g, "form", "seq");
    h5_attr_str(f, g, "init", "seq");
    h5_attr_str(f, g, "z0", "zero (encoder); encoder final state (decoder)");
    h5_attr_str(f, g, "readout", "all (decoder logits D z_t, no bias)");
    h5_attr_str(f, g, "loss", "cross_entropy (class weight end_weight on <end>, pad ignored)");
    h5_attr_str(f, g, "targets", "n actions + <end> (n+1 decoder steps)");
    h5_attr_int(f, g, "M", m->cfg.M);
    h5_attr_int(f, g, "P", m->cfg.P_enc);
    h5_attr_int(f, g, "P_enc", m->cfg.P_enc);
    h5_attr_int(f, g, "P_dec", m->cfg.P_dec);
    h5_attr_int(f, g, "emb", m->cfg.E);
    h5_attr_int(f, g, "V_in", m->cfg.V_in);
    h5_attr_int(f, g, "V_out", m->cfg.V_out);
    h5_attr_int(f, g, "N", m->cfg.E);
    h5_attr_int(f, g, "K", m->cfg.V_out);
    h5_attr_int(f, g, "T", tr->T_in);
    h5_attr_int(f, g, "T_in", tr->T_in);
    h5_attr_int(f, g, "T_tgt_train", tr->T_tgt);
    h5_attr_int(f, g, "decode", o->decode);
    h5_attr_double(f, g, "tf", o->tf);
    h5_attr_double(f, g, "end_weight", o->end_weight);
    run_file_training_config(r, f);
    h5_attr_str(f, g, "mar_on", "encoder and decoder, first M_reg units each");
    h5_attr_str(f, g, "select", "final");
    h5_attr_int(f, g, "n_train", tr->n);
    h5_attr_int(f, g, "n_val", 0);
    h5_attr_int(f, g, "n_test", te->n);
    h5_attr_int(f, g, "n_train_file", n_train_file);
    h5_attr_int(f, g, "n_test_file", n_test_file);
}

static void write_model(const struct h5file *f, const struct scan_model *m) {
    for (int i = 0; i < m->n_tensors; i++) {
        const struct alrnn_tensor *t = &m->tensors[i];
        char path[128];
        snprintf(path, sizeof path, "/model/%s", t->name);
        for (char *p = path + 7; *p; p++)
            if (*p == '.') *p = '/'; /* enc.W -> /model/enc/W */
        const size_t dims[2] = {(size_t)t->rows, (size_t)t->cols};
        h5_write(f, path, H5K_REAL, t->cols == 1 ? 1 : 2, dims, m->params + t->offset,
                 t->description, "1");
    }
    h5_attr_str(f, "/model", "handoff",
                "decoder z_0 = encoder z_T (identity; the encoder has no trained readout)");
}

/* Accuracy by target length (the length split's interesting axis). */
static void write_by_length(const struct h5file *f, const struct scan_data *d, const uint8_t *ok) {
    int cnt[SCAN_MAX_ACTIONS + 1] = {0}, cl[SCAN_MAX_ACTIONS + 1] = {0}, cs[SCAN_MAX_ACTIONS + 1] = {0};
    for (int i = 0; i < d->n; i++) {
        const int n = d->len[i] - 1;
        cnt[n]++, cl[n] += ok[2 * i], cs[n] += ok[2 * i + 1];
    }
    int32_t lens[SCAN_MAX_ACTIONS + 1], ns[SCAN_MAX_ACTIONS + 1];
    double al[SCAN_MAX_ACTIONS + 1], as[SCAN_MAX_ACTIONS + 1];
    int k = 0;
    for (int n = 1; n <= SCAN_MAX_ACTIONS; n++)
        if (cnt[n]) lens[k] = n, ns[k] = cnt[n], al[k] = (double)cl[n] / cnt[n],
                    as[k] = (double)cs[n] / cnt[n], k++;
    const size_t dk[1] = {k};
    h5_write(f, "/test/by_length/length", H5K_I32, 1, dk, lens, "target length (actions)", "tokens");
    h5_write(f, "/test/by_length/count", H5K_I32, 1, dk, ns, "test commands of that length",
             "commands");
    h5_write(f, "/test/by_length/seq_acc_lenient", H5K_F64, 1, dk, al,
             "lenient sequence accuracy at that length", "fraction");
    h5_write(f, "/test/by_length/seq_acc_strict", H5K_F64, 1, dk, as,
             "strict sequence accuracy at that length", "fraction");
}

/* The first test sequences, greedy: commands, targets, predictions, decoder states, bitcodes
 * and logits (the generic /test/sample names: x, label, mask, z, bitcode, readout). */
static void write_sample(const struct h5file *f, const struct scan_model *m,
                         const struct scan_data *d, int decode, struct work_cache *wc) {
    const int S = d->n < 16 ? d->n : 16, M = m->cfg.M, P = m->cfg.P_dec, V = m->cfg.V_out;
    int idx[16];
    for (int i = 0; i < S; i++) idx[i] = i;
    int32_t *src = xmalloc((size_t)d->T_in * S * sizeof(int32_t));
    int32_t *tgt = xmalloc((size_t)d->T_tgt * S * sizeof(int32_t));
    const int T = gather(d, idx, S, src, tgt);
    struct scan_work *w = work_for(wc, S);
    const int steps = scan_forward(m, w, src, tgt, T, decode, 0, NULL);
    real *z = xmalloc((size_t)S * (steps + 1) * M * sizeof(real));
    uint8_t *code = xcalloc((size_t)S * (steps + 1) * (P ? P : 1), 1);
    real *ro = xmalloc((size_t)S * steps * V * sizeof(real));
    int32_t *pred = xmalloc((size_t)S * steps * sizeof(int32_t));
    real *mask = xmalloc((size_t)S * d->T_tgt * sizeof(real));
    for (int i = 0; i < S; i++) {
        for (int t = 0; t <= steps; t++) {
            const real *zt = w->dec.Z + ((size_t)t * S + i) * M;
            memcpy(z + ((size_t)i * (steps + 1) + t) * M, zt, M * sizeof(real));
            alrnn_bitcode(&m->dec, zt, code + ((size_t)i * (steps + 1) + t) * P);
            if (t == 0) continue;
            memcpy(ro + ((size_t)i * steps + t - 1) * V, w->dec.Y + ((size_t)(t - 1) * S + i) * V,
                   V * sizeof(real));
            pred[(size_t)i * steps + t - 1] = w->pred[(size_t)(t - 1) * S + i];
        }
        for (int t = 0; t < d->T_tgt; t++) {
            const int32_t y = d->tgt[(size_t)i * d->T_tgt + t];
            mask[(size_t)i * d->T_tgt + t] = y == SCAN_PAD ? 0 : 1;
        }
    }
    const size_t dx[2] = {S, d->T_in}, dl[2] = {S, d->T_tgt}, dz[3] = {S, steps + 1, M},
                 dc[3] = {S, steps + 1, P}, dr[3] = {S, steps, V}, dp[2] = {S, steps};
    h5_write(f, "/test/sample/x", H5K_I32, 2, dx, d->src, "command token ids (pad = 0)", "token id");
    h5_write(f, "/test/sample/label", H5K_I32, 2, dl, d->tgt,
             "target action ids, then <end> (3), then pad (0)", "token id");
    h5_write(f, "/test/sample/mask", H5K_REAL, 2, dl, mask, "1 where a target exists", "1");
    h5_write(f, "/test/sample/z", H5K_REAL, 3, dz, z,
             "decoder states z_0 (= encoder final state) .. z_T during greedy decoding",
             "latent units");
    h5_write(f, "/test/sample/bitcode", H5K_U8, 3, dc, code,
             "decoder bitcode 1[z_{M-P_dec+i} > 0] of each state", "bit");
    h5_write(f, "/test/sample/readout", H5K_REAL, 3, dr, ro, "decoder logits D z_t, t = 1..T",
             "logits");
    h5_write(f, "/test/sample/pred", H5K_I32, 2, dp, pred, "greedy tokens argmax D z_t", "token id");
    free(src), free(tgt), free(z), free(code), free(ro), free(pred), free(mask);
}

/* ---- the runner ---------------------------------------------------------------------------- */

void scan_run(const struct resolved *r, int P, int seed, const char *out) {
    const struct experiment *e = r->exp;
    const struct scan_opts o = scan_opts_of(r);
    const struct scan_split *sp = scan_split_find(o.split);
    if (!sp) die("%s: unknown SCAN split '%s' (simple, length, addprim_jump, addprim_turn_left)",
                 e->name, o.split);
    const char *base = r->s.data.data_dir ? r->s.data.data_dir
                       : getenv("ALRNN_DATA_DIR") ? getenv("ALRNN_DATA_DIR") : "data";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/scan", base);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/%s", dir, sp->train_path);
    if (access(probe, R_OK) != 0)
        die("%s: %s is missing; fetch the SCAN files with `make datasets-scan`", e->name, probe);

    struct h5file f;
    run_file_begin(out, &f); /* an unwritable path fails before any training */

    struct scan_set strain, stest;
    scan_set_init(&strain), scan_set_init(&stest);
    load_split(dir, sp, &strain, &stest);
    struct scan_vocab vin, vout;
    scan_vocab_build(&vin, &strain, SCAN_SIDE_IN);
    scan_vocab_build(&vout, &strain, SCAN_SIDE_OUT);
    const int T_in = scan_set_max_len(&strain, SCAN_SIDE_IN) > scan_set_max_len(&stest, SCAN_SIDE_IN)
                         ? scan_set_max_len(&strain, SCAN_SIDE_IN)
                         : scan_set_max_len(&stest, SCAN_SIDE_IN);
    const int T_tgt_tr = scan_set_max_len(&strain, SCAN_SIDE_OUT) + 1;
    const int T_tgt_te = scan_set_max_len(&stest, SCAN_SIDE_OUT) + 1;
    if (T_tgt_te > o.decode)
        die("%s: test targets need %d decoder steps but decode = %d", e->name, T_tgt_te, o.decode);

    rng_t data_rng, init_rng;
    rng_init(&data_rng, (uint64_t)seed, RNG_STREAM_DATA);
    rng_init(&init_rng, (uint64_t)seed, RNG_STREAM_INIT);
    int *pick_tr = subsample(strain.n, r->s.data.n_train, &data_rng);
    int *pick_te = subsample(stest.n, r->s.data.n_test, &data_rng);
    struct scan_data tr, te;
    data_encode(&tr, &strain, pick_tr, pick_tr ? r->s.data.n_train : strain.n, &vin, &vout, T_in,
                T_tgt_tr);
    data_encode(&te, &stest, pick_te, pick_te ? r->s.data.n_test : stest.n, &vin, &vout, T_in,
                T_tgt_te);

    const struct scan_model_config mc = model_config(r, &o, P, &vin, &vout);
    struct scan_model m;
    scan_model_create(&m, &mc);
    scan_model_init(&m, &init_rng);

    char label[160];
    snprintf(label, sizeof label, "%s P_enc=%d seed=%d %s", e->name, P, seed,
             profile_names[r->profile]);
    fprintf(stderr,
            "[%s] split %s: M=%d P_dec=%d emb=%d, %zu parameters, %d train / %d test pairs "
            "(files %d / %d), %d epochs, tf %g\n",
            label, sp->name, mc.M, mc.P_dec, mc.E, m.n_params, tr.n, te.n, strain.n, stest.n,
            r->s.train.epochs, o.tf);

    const int B = r->s.train.batch < tr.n ? r->s.train.batch : tr.n;
    struct work_cache wc = {.m = &m, .T_in = T_in,
                            .T_max = o.decode > T_tgt_tr ? o.decode : T_tgt_tr};
    struct scan_impl impl = {.m = &m, .o = &o, .wc = &wc};
    const struct model mo = model_of(&impl);
    const struct train_data td = {.train = &tr, .test = &te, .n_train = tr.n, .n_test = te.n};
    const struct train_checkpoint ck = run_file_checkpoint(r, P, seed);
    struct train_history h;
    train_run(&mo, &r->s.train, &td, (uint64_t)seed, label, &ck, &h);

    struct eval_out ev = {.ok = xmalloc((size_t)te.n * 2),
                          .pred = xmalloc((size_t)te.n * o.decode * sizeof(int32_t))};
    evaluate(&m, &te, B, o.decode, o.end_weight, &wc, &ev);

    run_file_provenance(r, &f, P, seed);
    write_config(&f, r, &o, &m, &tr, &te, strain.n, stest.n, dir);
    char vs[512] = "";
    for (int v = 0; v < vin.n; v++)
        snprintf(vs + strlen(vs), sizeof vs - strlen(vs), "%s%s", v ? " " : "", vin.tok[v]);
    h5_attr_str(&f, "/config", "vocab_in", vs);
    vs[0] = 0;
    for (int v = 0; v < vout.n; v++)
        snprintf(vs + strlen(vs), sizeof vs - strlen(vs), "%s%s", v ? " " : "", vout.tok[v]);
    h5_attr_str(&f, "/config", "vocab_out", vs);
    mo.type->write_params(&mo, &f);
    train_history_write(&f, &mo, &h);
    for (int k = 0; k < SCAN_M__COUNT; k++) {
        char path[128];
        snprintf(path, sizeof path, "/test/%s", scan_metric_names[k]);
        h5_write_scalar(&f, path, ev.metric[k],
                        k == SCAN_M_SEQ_LENIENT || k == SCAN_M_TOKEN_LENIENT
                            ? "greedy decoding, prediction truncated to the target length "
                              "(the paper's test)"
                            : "greedy decoding, exact match of the target followed by <end>",
                        "fraction");
    }
    h5_write_scalar(&f, "/test/loss", ev.loss, "test loss of the kept parameters (free-running)",
                    "cross_entropy");
    write_by_length(&f, &te, ev.ok);
    write_sample(&f, &m, &te, o.decode, &wc);
    analyze(&f, &m, &te, &vout, B, &wc, &ev, o.decode);
    run_file_commit(out, &f);

    char dur[32];
    fprintf(stderr, "[%s] done in %s: test", label, format_duration(h.wall_seconds, dur, sizeof dur));
    for (int k = 0; k < SCAN_M__COUNT; k++)
        fprintf(stderr, " %s %.4f", scan_metric_names[k], ev.metric[k]);
    fprintf(stderr, "%s -> %s\n", h.diverged ? " (training diverged)" : "", out);

    free(ev.ok), free(ev.pred);
    train_history_free(&h);
    work_cache_free(&wc);
    scan_model_free(&m);
    data_free(&tr), data_free(&te);
    free(pick_tr), free(pick_te);
    scan_vocab_free(&vin), scan_vocab_free(&vout);
    scan_set_free(&strain), scan_set_free(&stest);
}

/* ---- one training step without the split files (scan_bench.h) ------------------------------ */

/* What a struct scan_bench points into. */
struct scan_bench_own {
    struct scan_opts o;           /* the row's SCAN options */
    struct scan_set all;          /* the grammar's commands (d.cmd points into it) */
    struct scan_vocab vin, vout;  /* of all: the simple split's training vocabularies */
    struct scan_data d;           /* the B drawn pairs */
    struct scan_model m;          /* the network, initialised as the runner does */
    struct work_cache wc;         /* the runner's workspace sizes (read by sm_work_alloc) */
    struct scan_impl impl;        /* the model object's impl */
    int32_t *src, *tgt;           /* (T_in, B), (d.T_tgt, B): the batch, time-major */
};

void scan_bench_init(struct scan_bench *sb, const struct resolved *r, int P_enc, uint64_t seed) {
    if (r->exp->runner != scan_run) die("%s is not a SCAN row", r->exp->name);
    if (P_enc < 0 || P_enc > r->s.M) die("%s: P_enc = %d is out of range 0..%d", r->exp->name,
                                         P_enc, r->s.M);
    struct scan_bench_own *w = xcalloc(1, sizeof *w);
    w->o = scan_opts_of(r);
    scan_set_init(&w->all);
    scan_grammar_generate(&w->all);
    scan_vocab_build(&w->vin, &w->all, SCAN_SIDE_IN);
    scan_vocab_build(&w->vout, &w->all, SCAN_SIDE_OUT);
    const int B = r->s.train.batch < w->all.n ? r->s.train.batch : w->all.n;
    const int T_in = SCAN_MAX_WORDS, T_tgt = SCAN_MAX_ACTIONS + 1;
    rng_t data_rng, init_rng;
    rng_init(&data_rng, seed, RNG_STREAM_DATA);
    rng_init(&init_rng, seed, RNG_STREAM_INIT);
    int *pick = subsample(w->all.n, B, &data_rng);
    data_encode(&w->d, &w->all, pick, B, &w->vin, &w->vout, T_in, T_tgt);
    free(pick);

    const struct scan_model_config mc = model_config(r, &w->o, P_enc, &w->vin, &w->vout);
    scan_model_create(&w->m, &mc);
    scan_model_init(&w->m, &init_rng);
    w->wc = (struct work_cache){.m = &w->m, .T_in = T_in,
                                .T_max = w->o.decode > T_tgt ? w->o.decode : T_tgt};
    w->impl = (struct scan_impl){.m = &w->m, .o = &w->o, .wc = &w->wc};

    int *idx = xmalloc((size_t)B * sizeof(int));
    for (int b = 0; b < B; b++) idx[b] = b;
    w->src = xmalloc((size_t)T_in * B * sizeof(int32_t));
    w->tgt = xmalloc((size_t)T_tgt * B * sizeof(int32_t));
    const int T_dec = gather(&w->d, idx, B, w->src, w->tgt);
    free(idx);

    *sb = (struct scan_bench){.mo = model_of(&w->impl), .data = &w->d, .tc = r->s.train, .B = B,
                              .T_in = T_in, .T_dec = T_dec, .E = mc.E, .src = w->src,
                              .tgt = w->tgt, .own = w};
}

void scan_bench_free(struct scan_bench *sb) {
    struct scan_bench_own *w = sb->own;
    work_cache_free(&w->wc);
    scan_model_free(&w->m);
    data_free(&w->d);
    scan_vocab_free(&w->vin), scan_vocab_free(&w->vout);
    scan_set_free(&w->all);
    free(w->src), free(w->tgt), free(w);
    memset(sb, 0, sizeof *sb);
}
