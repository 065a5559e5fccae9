/* train.c: the one training loop, evaluation cadence, model selection, divergence and the
 * run file's history (see train.h). Model specifics live behind struct model_type. */
#include "train.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "h5io.h"
#include "kernels.h"
#include "pool.h"

const char *const select_kind_names[] = {[SELECT_FINAL] = "final",
                                         [SELECT_BEST_VAL] = "best_val"};
_Static_assert(ARRAY_LEN(select_kind_names) == SELECT__COUNT,
               "select_kind_names: one entry per enum value");
const char *const train_status_names[] = {
    [TRAIN_OK] = "ok",
    [TRAIN_LOSS_NONFINITE] = "loss_nonfinite",
    [TRAIN_LOSS_BLOWUP] = "loss_above_1e6", /* the stored name; the limit is train_blowup_limit */
    [TRAIN_GRAD_NONFINITE] = "grad_norm_nonfinite",
};
_Static_assert(ARRAY_LEN(train_status_names) == TRAIN__COUNT,
               "train_status_names: one entry per enum value");

double train_blowup_limit(const struct train_config *cfg, double first_loss) {
    if (cfg->blowup_loss > 0) return cfg->blowup_loss;
    if (cfg->blowup_loss < 0) return INFINITY;
    return TRAIN_BLOWUP_FACTOR * (first_loss > 1 ? first_loss : 1);
}

/* The step's checks on its loss L (train_step, above train_step in train.h). */
static train_status check_loss(const struct train_config *cfg, double first_loss, double L) {
    if (!isfinite(L)) return TRAIN_LOSS_NONFINITE;
    if (L > train_blowup_limit(cfg, isnan(first_loss) ? L : first_loss)) return TRAIN_LOSS_BLOWUP;
    return TRAIN_OK;
}

/* The rest of a step once grad holds the loss's gradient: + MAR, clip, check, Adam. */
static train_status apply_gradient(const struct model *m, const struct train_config *cfg,
                                   double lr, struct adam *opt, real *grad, double *grad_norm) {
    m->type->regularizer(m, cfg->tau, cfg->M_reg, grad);
    const double gn = clip_global_norm(grad, m->n_params, cfg->clip);
    *grad_norm = gn;
    if (!isfinite(gn)) return TRAIN_GRAD_NONFINITE;
    adam_step(opt, m->params, grad, lr);
    return TRAIN_OK;
}

train_status train_step(const struct model *m, void *work, const void *data, const int *idx,
                        int B, rng_t *r, const struct train_config *cfg, double lr,
                        double first_loss, struct adam *opt, real *grad, double *loss,
                        double *grad_norm) {
    const struct model_type *t = m->type;
    const double L = t->forward_loss(m, work, data, idx, B, r, 1);
    *loss = L, *grad_norm = NAN;
    const train_status st = check_loss(cfg, first_loss, L);
    if (st != TRAIN_OK) return st;
    memset(grad, 0, m->n_params * sizeof(real));
    t->backward(m, work, grad);
    return apply_gradient(m, cfg, lr, opt, grad, grad_norm);
}

/* ---- sharded steps (train_config.threads > 1) -------------------------------------------- */

/* A batch of B is cut into S consecutive parts, part s on thread s: forward_part and backward
 * into its own gradient buffer (part 0 into grad). The parts' losses and gradients are then
 * added in part order, so a step depends on S, never on which thread finished first. */
struct shards {
    int S;
    struct pool *pool;
    void **work[2];  /* (S) workspaces for the parts of [0] a full batch, [1] the last one */
    int *off[2];     /* (S + 1) first row of each part; off[k][S] = the batch size */
    real **grad;     /* (S) part s >= 1's gradient (grad[0] unused) */
    double *loss;    /* (S) */
    /* the current step */
    const struct model *m;
    const void *data;
    const int *idx;
    int which;
    rng_t r;         /* the batch stream before the step */
    real *grad0;     /* part 0's gradient: the step's */
};

static void shards_alloc(struct shards *sh, const struct model *m, const void *data, int S,
                         const int size[2]) {
    memset(sh, 0, sizeof *sh);
    sh->S = S;
    sh->pool = pool_create(S);
    for (int k = 0; k < 2; k++) {
        sh->work[k] = xcalloc(S, sizeof(void *));
        sh->off[k] = xcalloc((size_t)S + 1, sizeof(int));
        for (int s = 0; s < S; s++) { /* the first size % S parts one row longer */
            const int b = size[k] / S + (s < size[k] % S);
            sh->off[k][s + 1] = sh->off[k][s] + b;
            if (b) sh->work[k][s] = m->type->work_alloc(m, data, b);
        }
    }
    sh->grad = xcalloc(S, sizeof(real *));
    for (int s = 1; s < S; s++) sh->grad[s] = xmalloc(m->n_params * sizeof(real));
    sh->loss = xcalloc(S, sizeof(double));
}

static void shards_free(struct shards *sh, const struct model *m) {
    pool_free(sh->pool);
    for (int k = 0; k < 2; k++) {
        for (int s = 0; s < sh->S; s++)
            if (sh->work[k][s]) m->type->work_free(sh->work[k][s]);
        free(sh->work[k]);
        free(sh->off[k]);
    }
    for (int s = 1; s < sh->S; s++) free(sh->grad[s]);
    free(sh->grad);
    free(sh->loss);
}

static void shard_task(void *ctx, int s) {
    struct shards *sh = ctx;
    const struct model *m = sh->m;
    const int *off = sh->off[sh->which];
    real *g = s ? sh->grad[s] : sh->grad0;
    memset(g, 0, m->n_params * sizeof(real));
    sh->loss[s] = 0;
    if (off[s + 1] == off[s]) return; /* an empty part (a batch shorter than S) */
    void *w = sh->work[sh->which][s];
    sh->loss[s] = m->type->forward_part(m, w, sh->data, sh->idx, off[sh->S], off[s], sh->r, 1);
    if (isfinite(sh->loss[s])) m->type->backward(m, w, g);
}

/* train_step over the parts: the same checks and update, on the summed loss and gradient. */
static train_status shards_step(struct shards *sh, const struct model *m, int which,
                                const void *data, const int *idx, rng_t *r,
                                const struct train_config *cfg, double lr, double first_loss,
                                struct adam *opt, real *grad, double *loss, double *grad_norm) {
    sh->m = m, sh->data = data, sh->idx = idx, sh->which = which, sh->r = *r, sh->grad0 = grad;
    pool_run(sh->pool, shard_task, sh);
    m->type->skip_batch(m, sh->off[which][sh->S], r);
    double L = 0;
    for (int s = 0; s < sh->S; s++) L += sh->loss[s];
    *loss = L, *grad_norm = NAN;
    const train_status st = check_loss(cfg, first_loss, L);
    if (st != TRAIN_OK) return st;
    for (int s = 1; s < sh->S; s++) {
        const real *restrict g = sh->grad[s];
        for (size_t i = 0; i < m->n_params; i++) grad[i] += g[i];
    }
    return apply_gradient(m, cfg, lr, opt, grad, grad_norm);
}

static void progress(const char *label, int e, int E, double loss, const char *split,
                     double held, const char *metric, double mval, double rate, double eta,
                     int final_line) {
    char buf[32];
    int tty = isatty(STDERR_FILENO);
    fprintf(stderr, "%s[%s] epoch %d/%d  loss %.4g", tty ? "\r\033[K" : "", label, e, E, loss);
    if (!isnan(held)) fprintf(stderr, "  %s %.4g", split, held);
    if (metric && !isnan(mval)) fprintf(stderr, " (%s %.4g)", metric, mval);
    fprintf(stderr, "  %.0f seq/s  ETA %s", rate, format_duration(eta, buf, sizeof buf));
    if (!tty || final_line) fputc('\n', stderr);
    fflush(stderr);
}

static void history_alloc(struct train_history *h, int E, int max_eval, int nm) {
    memset(h, 0, sizeof *h);
    h->loss = xcalloc(E, sizeof(double));
    h->reg = xcalloc(E, sizeof(double));
    h->lr = xcalloc(E, sizeof(double));
    h->grad_norm = xcalloc(E, sizeof(double));
    h->n_metrics = nm;
    h->eval_epoch = xcalloc(max_eval, sizeof(int));
    h->eval_val_loss = xcalloc(max_eval, sizeof(double));
    h->eval_test_loss = xcalloc(max_eval, sizeof(double));
    h->eval_val = xcalloc((size_t)max_eval * (nm ? nm : 1), sizeof(double));
    h->eval_test = xcalloc((size_t)max_eval * (nm ? nm : 1), sizeof(double));
}

/* Loss and metrics of a split; NAN for an empty one. */
static double evaluate(const struct model *m, const void *data, int n, int B, uint64_t seed,
                       double *metrics) {
    if (n == 0) {
        for (int i = 0; i < m->n_metrics; i++) metrics[i] = NAN;
        return NAN;
    }
    return m->type->evaluate(m, data, B, seed, metrics);
}

/* ---- the loop's state and its checkpoint ------------------------------------------------ */

/* Everything the loop carries from one batch to the next besides the parameters and the
 * history: exactly what a checkpoint stores. */
struct loop {
    int e;           /* current epoch, 0-based */
    int start;       /* position in order of the epoch's next batch; 0: not yet shuffled */
    int nb;          /* batches done in the epoch */
    double lsum, gsum; /* sums of their losses and pre-clip gradient norms */
    long seqs, step; /* sequences and steps (batches) since the start of the run */
    double elapsed;  /* training wall seconds of earlier processes (resumed runs) */
    rng_t br;        /* the batch stream */
    int *order;      /* (n_train) the epoch's shuffled order */
    struct adam opt;
    real *best;      /* (n_params) best-so-far parameters (SELECT_BEST_VAL) */
    double best_val;
    double first_loss; /* the run's first-step loss, the divergence stop's reference; NAN
                        * before step 1 */
};

#define CKPT_FORMAT "alrnn-checkpoint-1"

static volatile sig_atomic_t ckpt_signal; /* set by the handler, read at batch boundaries */
static void on_ckpt_signal(int sig) { ckpt_signal = sig; }

static void hash_text(uint64_t h, char *buf, size_t n) {
    snprintf(buf, n, "%016llx", (unsigned long long)h);
}

static void read_real(const struct h5file *f, const char *path, real *dst, size_t n) {
    size_t k;
    double *v = h5_read_f64(f, path, &k, NULL, NULL);
    if (k != n) die("%s: %s has %zu values, expected %zu", f->path, path, k, n);
    for (size_t i = 0; i < n; i++) dst[i] = (real)v[i];
    free(v);
}

static void read_f64(const struct h5file *f, const char *path, double *dst, size_t n) {
    size_t k;
    double *v = h5_read_f64(f, path, &k, NULL, NULL);
    if (k != n) die("%s: %s has %zu values, expected %zu", f->path, path, k, n);
    memcpy(dst, v, n * sizeof(double));
    free(v);
}

static void read_i32(const struct h5file *f, const char *path, int *dst, size_t n) {
    size_t k;
    int32_t *v = h5_read_i32(f, path, &k, NULL, NULL);
    if (k != n) die("%s: %s has %zu values, expected %zu", f->path, path, k, n);
    for (size_t i = 0; i < n; i++) dst[i] = v[i];
    free(v);
}

/* Writes path through a temporary name, fsync and rename, so a reader sees either the old
 * checkpoint or the new one, never a torn one. */
static void ckpt_write(const struct train_checkpoint *ck, const struct model *m, int n,
                       const struct loop *ls, const struct train_history *h, double elapsed) {
    char tmp[4200], hs[32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", ck->path, (long)getpid());
    struct h5file f;
    h5_create(&f, tmp);
    hash_text(ck->settings_hash, hs, sizeof hs);
    h5_attr_str(&f, "/", "format", CKPT_FORMAT);
    h5_attr_str(&f, "/", "settings_hash", hs);
    h5_attr_int(&f, "/", "n_params", (long)m->n_params);
    h5_attr_int(&f, "/", "n_train", n);
    h5_attr_int(&f, "/", "epoch", ls->e);
    h5_attr_int(&f, "/", "start", ls->start);
    h5_attr_int(&f, "/", "nb", ls->nb);
    h5_attr_int(&f, "/", "seqs", ls->seqs);
    h5_attr_int(&f, "/", "step", ls->step);
    h5_attr_int(&f, "/", "adam_t", ls->opt.t);
    h5_attr_double(&f, "/", "lsum", ls->lsum);
    h5_attr_double(&f, "/", "gsum", ls->gsum);
    h5_attr_double(&f, "/", "elapsed", elapsed);
    h5_attr_double(&f, "/", "best_val", ls->best_val);
    h5_attr_double(&f, "/", "first_loss", ls->first_loss);
    h5_attr_int(&f, "/", "epochs_done", h->epochs);
    h5_attr_int(&f, "/", "n_eval", h->n_eval);
    h5_attr_int(&f, "/", "selected_epoch", h->selected_epoch);
    const size_t dp[1] = {m->n_params}, dn[1] = {(size_t)n}, dr[1] = {sizeof ls->br.s},
                 de[1] = {(size_t)h->epochs}, dv[1] = {(size_t)h->n_eval},
                 dm[1] = {(size_t)h->n_eval * h->n_metrics};
    h5_write(&f, "/params", H5K_REAL, 1, dp, m->params, "parameters", "1");
    h5_write(&f, "/adam_m", H5K_REAL, 1, dp, ls->opt.m, "Adam first moment", "1");
    h5_write(&f, "/adam_v", H5K_REAL, 1, dp, ls->opt.v, "Adam second moment", "1");
    h5_write(&f, "/best", H5K_REAL, 1, dp, ls->best, "best-so-far parameters", "1");
    int32_t *ord = xmalloc((size_t)n * sizeof(int32_t));
    for (int i = 0; i < n; i++) ord[i] = ls->order[i];
    h5_write(&f, "/order", H5K_I32, 1, dn, ord, "the epoch's shuffled order", "index");
    free(ord);
    h5_write(&f, "/rng_batch", H5K_U8, 1, dr, ls->br.s, "batch stream state (xoshiro256**)",
             "bytes");
    h5_write(&f, "/history/loss", H5K_F64, 1, de, h->loss, "", "");
    h5_write(&f, "/history/reg", H5K_F64, 1, de, h->reg, "", "");
    h5_write(&f, "/history/lr", H5K_F64, 1, de, h->lr, "", "");
    h5_write(&f, "/history/grad_norm", H5K_F64, 1, de, h->grad_norm, "", "");
    h5_write(&f, "/history/eval_epoch", H5K_I32, 1, dv, h->eval_epoch, "", "");
    h5_write(&f, "/history/eval_val_loss", H5K_F64, 1, dv, h->eval_val_loss, "", "");
    h5_write(&f, "/history/eval_test_loss", H5K_F64, 1, dv, h->eval_test_loss, "", "");
    h5_write(&f, "/history/eval_val", H5K_F64, 1, dm, h->eval_val, "", "");
    h5_write(&f, "/history/eval_test", H5K_F64, 1, dm, h->eval_test, "", "");
    h5_close(&f);
    const int fd = open(tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) die("cannot sync checkpoint %s", tmp);
    close(fd);
    if (rename(tmp, ck->path) != 0) die("cannot rename %s to %s", tmp, ck->path);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", ck->path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    const int dfd = open(slash ? (dir[0] ? dir : "/") : ".", O_RDONLY);
    if (dfd >= 0) fsync(dfd), close(dfd);
}

/* Opens ck->path and checks it belongs to this run; 0 when there is none. */
static int ckpt_open(const struct train_checkpoint *ck, struct h5file *f) {
    if (!ck || !ck->path || access(ck->path, F_OK) != 0) return 0;
    h5_open_read(f, ck->path);
    char want[32];
    hash_text(ck->settings_hash, want, sizeof want);
    char *fmt = h5_read_attr_str(f, "/", "format");
    char *have = h5_read_attr_str(f, "/", "settings_hash");
    const int ok = !strcmp(fmt, CKPT_FORMAT) && !strcmp(have, want);
    if (!ok)
        die("checkpoint %s was written by a run with other settings (%s %s; this run: %s %s); "
            "it cannot be resumed: delete it (rm '%s') to start this run afresh",
            ck->path, fmt, have, CKPT_FORMAT, want, ck->path);
    free(fmt), free(have);
    return 1;
}

int train_checkpoint_probe(const struct train_checkpoint *ck) {
    struct h5file f;
    if (!ckpt_open(ck, &f)) return 0;
    h5_close(&f);
    return 1;
}

/* Restores the loop, the parameters and the history from an open checkpoint. */
static void ckpt_read(struct h5file *f, const struct model *m, int n, struct loop *ls,
                      struct train_history *h) {
    if (h5_read_attr_int(f, "/", "n_params") != (long)m->n_params ||
        h5_read_attr_int(f, "/", "n_train") != n)
        die("checkpoint %s does not fit this model (parameters or training set differ); "
            "delete it (rm '%s') to start afresh", f->path, f->path);
    ls->e = (int)h5_read_attr_int(f, "/", "epoch");
    ls->start = (int)h5_read_attr_int(f, "/", "start");
    ls->nb = (int)h5_read_attr_int(f, "/", "nb");
    ls->seqs = h5_read_attr_int(f, "/", "seqs");
    ls->step = h5_read_attr_int(f, "/", "step");
    ls->opt.t = h5_read_attr_int(f, "/", "adam_t");
    ls->lsum = h5_read_attr_double(f, "/", "lsum");
    ls->gsum = h5_read_attr_double(f, "/", "gsum");
    ls->elapsed = h5_read_attr_double(f, "/", "elapsed");
    ls->best_val = h5_read_attr_double(f, "/", "best_val");
    /* a checkpoint written before the relative divergence stop has no first_loss: its run
     * began under the absolute limit 1e6, which a reference of 1 reproduces (a NAN would make
     * the next step the reference) */
    ls->first_loss = h5_has_attr(f, "/", "first_loss") ? h5_read_attr_double(f, "/", "first_loss")
                     : ls->step > 0                    ? 1
                                                       : NAN;
    h->epochs = (int)h5_read_attr_int(f, "/", "epochs_done");
    h->n_eval = (int)h5_read_attr_int(f, "/", "n_eval");
    h->selected_epoch = (int)h5_read_attr_int(f, "/", "selected_epoch");
    read_real(f, "/params", m->params, m->n_params);
    read_real(f, "/adam_m", ls->opt.m, m->n_params);
    read_real(f, "/adam_v", ls->opt.v, m->n_params);
    read_real(f, "/best", ls->best, m->n_params);
    read_i32(f, "/order", ls->order, (size_t)n);
    size_t k;
    uint8_t *rs = h5_read_u8(f, "/rng_batch", &k, NULL, NULL);
    if (k != sizeof ls->br.s) die("%s: bad /rng_batch", f->path);
    memcpy(ls->br.s, rs, sizeof ls->br.s);
    free(rs);
    const size_t E = (size_t)h->epochs, V = (size_t)h->n_eval, VM = V * h->n_metrics;
    read_f64(f, "/history/loss", h->loss, E);
    read_f64(f, "/history/reg", h->reg, E);
    read_f64(f, "/history/lr", h->lr, E);
    read_f64(f, "/history/grad_norm", h->grad_norm, E);
    read_i32(f, "/history/eval_epoch", h->eval_epoch, V);
    read_f64(f, "/history/eval_val_loss", h->eval_val_loss, V);
    read_f64(f, "/history/eval_test_loss", h->eval_test_loss, V);
    read_f64(f, "/history/eval_val", h->eval_val, VM);
    read_f64(f, "/history/eval_test", h->eval_test, VM);
}

/* Periodic checkpoints take at most this share of the process's training time: one is
 * written only when the time spent on checkpoints so far plus the last write's duration (the
 * estimate of this one's) stays within the share of the time trained so far. A
 * write costs ~10 ms for a small model (mostly the two fsyncs) and ~0.1 s for 2M
 * parameters; this bound keeps `--checkpoint-every 1` on millisecond epochs from dominating
 * the run. Signals are always served. */
#define CKPT_MAX_SHARE 0.02

/* When the last checkpoint was written and what writing them costs. */
struct ckpt_clock {
    const struct train_checkpoint *ck; /* NULL: no checkpoints */
    double t0;                         /* this process's training start */
    double last;                       /* end of the last checkpoint (or t0) */
    double cost;                       /* duration of the last write (0 before the first) */
    double total;                      /* seconds spent writing checkpoints */
    int count;                         /* checkpoints written */
    const char *label;
};

/* Writes a checkpoint at a batch boundary when one is due or a signal asked for it, and ends
 * the process after it for SIGTERM / SIGINT. epoch_end: the boundary ends an epoch (the
 * epoch count applies there only). */
static void checkpoint_if_due(struct ckpt_clock *c, const struct model *m, int n,
                              const struct loop *ls, const struct train_history *h,
                              int epoch_end) {
    const struct train_checkpoint *ck = c->ck;
    if (!ck) return;
    const double now = now_seconds();
    const int sig = ckpt_signal;
    const int periodic =
        (ck->every_seconds > 0 && now - c->last >= ck->every_seconds) ||
        (epoch_end && ck->every_epochs > 0 && ls->e % ck->every_epochs == 0);
    const int affordable = c->total + c->cost <= CKPT_MAX_SHARE * (now - c->t0);
    if (!sig && !(periodic && affordable)) return;
    ckpt_signal = 0;
    ckpt_write(ck, m, n, ls, h, ls->elapsed + now - c->t0);
    c->last = now_seconds();
    c->cost = c->last - now;
    c->total += c->cost, c->count++;
    if (sig == SIGTERM || sig == SIGINT)
        die("%s: interrupted (signal %d) at epoch %d, step %ld; checkpoint written to %s; run "
            "the same command again to resume",
            c->label, sig, ls->e + 1, ls->step, ck->path);
    if (sig) fprintf(stderr, "[%s] checkpoint written to %s (signal %d)\n", c->label, ck->path, sig);
}

/* ---- the loop ---------------------------------------------------------------------------- */

void train_run(const struct model *m, const struct train_config *cfg, const struct train_data *d,
               uint64_t seed, const char *label, const struct train_checkpoint *ck,
               struct train_history *h) {
    const struct model_type *ty = m->type;
    const int E = cfg->epochs, n = d->n_train;
    const int B = cfg->batch < n ? cfg->batch : n;
    const int nm = m->n_metrics;
    ASSERT(E >= 1 && B >= 1 && n >= 1 && nm <= TASK_MAX_METRICS);
    fp_flush_subnormals(); /* no subnormal slow path in any training (common.h) */
    if (cfg->M_reg > m->M)
        die("M_reg = %d exceeds M = %d (the regulariser acts on the first M_reg units)",
            cfg->M_reg, m->M);
    const int eval_every = cfg->eval_every > 0 ? cfg->eval_every : E;
    history_alloc(h, E, E / eval_every + 2, nm);
    h->has_val = d->n_val > 0;
    const int has_ckpt = ck && ck->path;

    struct loop ls = {.best_val = INFINITY, .first_loss = NAN};
    rng_init(&ls.br, seed, RNG_STREAM_BATCH);
    adam_init(&ls.opt, m->n_params);
    ls.best = xmalloc(m->n_params * sizeof(real));
    memcpy(ls.best, m->params, m->n_params * sizeof(real));
    ls.order = xmalloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) ls.order[i] = i;
    struct h5file cf;
    if (ckpt_open(ck, &cf)) {
        ckpt_read(&cf, m, n, &ls, h);
        h5_close(&cf);
        fprintf(stderr, "[%s] resuming from checkpoint %s: epoch %d/%d, step %ld\n", label,
                ck->path, ls.e + 1 > E ? E : ls.e + 1, E, ls.step);
    }
    /* threads: parts of each batch, one per thread (train.h); one without the model's hooks */
    int S = cfg->threads > 1 ? cfg->threads : 1;
    if (S > B) S = B;
    if (S > 1 && !ty->forward_part) {
        fprintf(stderr, "[%s] note: model type %s trains on one thread (asked for %d)\n", label,
                ty->name, cfg->threads);
        S = 1;
    }
    h->threads = S;
    struct shards sh;
    if (S > 1) {
        kern_default(); /* decided once, before the threads read it */
        shards_alloc(&sh, m, d->train, S, (const int[2]){B, n % B});
    }
    void *full = S == 1 ? ty->work_alloc(m, d->train, B) : NULL;
    void *rest = S == 1 && n % B ? ty->work_alloc(m, d->train, n % B) : NULL;
    real *grad = xmalloc(m->n_params * sizeof(real));

    struct sigaction sa = {.sa_handler = on_ckpt_signal, .sa_flags = SA_RESTART}, old[3];
    const int sigs[3] = {SIGTERM, SIGINT, SIGUSR1};
    ckpt_signal = 0;
    if (has_ckpt) {
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 3; i++) sigaction(sigs[i], &sa, &old[i]);
    }

    const double t0 = now_seconds();
    double last_print = t0, last_held = NAN, last_metric = NAN;
    if (h->n_eval) {
        const int k = h->n_eval - 1;
        last_held = h->has_val ? h->eval_val_loss[k] : h->eval_test_loss[k];
        last_metric = nm ? (h->has_val ? h->eval_val : h->eval_test)[k * nm] : NAN;
    }
    struct ckpt_clock cc = {.ck = has_ckpt ? ck : NULL, .t0 = t0, .last = t0, .label = label};
    while (ls.e < E && !h->diverged) {
        const int e = ls.e;
        const double lr = cfg->cosine ? cosine_lr(cfg->lr, cfg->lr_min, e, E) : cfg->lr;
        if (d->resample) d->resample(d->resample_ctx, e); /* fresh trials (train.h) */
        if (ls.start == 0) rng_shuffle_int(&ls.br, ls.order, n);
        while (ls.start < n) {
            const int bs = n - ls.start >= B ? B : n % B;
            double L, gn;
            ls.step++;
            const train_status st =
                S > 1 ? shards_step(&sh, m, bs != B, d->train, ls.order + ls.start, &ls.br, cfg,
                                    lr, ls.first_loss, &ls.opt, grad, &L, &gn)
                      : train_step(m, bs == B ? full : rest, d->train, ls.order + ls.start, bs,
                                   &ls.br, cfg, lr, ls.first_loss, &ls.opt, grad, &L, &gn);
            if (isnan(ls.first_loss)) ls.first_loss = L; /* the stop's reference (train.h) */
            if (st != TRAIN_OK) {
                h->diverged = 1, h->diverged_epoch = e + 1, h->diverged_step = ls.step;
                h->diverged_cause = st, h->diverged_loss = L;
                fprintf(stderr, "[%s] diverged at epoch %d, step %ld (%s, loss %g); stopping\n",
                        label, e + 1, ls.step, train_status_names[st], L);
                break;
            }
            ls.gsum += gn, ls.lsum += L, ls.nb++;
            ls.seqs += bs;
            ls.start += bs;
            if (ls.start < n) checkpoint_if_due(&cc, m, n, &ls, h, 0);
        }
        if (h->diverged) break;
        h->loss[e] = ls.lsum / ls.nb;
        h->grad_norm[e] = ls.gsum / ls.nb;
        h->lr[e] = lr;
        h->reg[e] = ty->regularizer(m, cfg->tau, cfg->M_reg, NULL);
        h->epochs = e + 1;

        const int is_eval = (e + 1) % eval_every == 0 || e + 1 == E;
        if (is_eval) {
            const int k = h->n_eval++;
            h->eval_epoch[k] = e + 1;
            h->eval_val_loss[k] = evaluate(m, d->val, d->n_val, B, seed, h->eval_val + k * nm);
            h->eval_test_loss[k] =
                evaluate(m, d->test, d->n_test, B, seed, h->eval_test + k * nm);
            last_held = h->has_val ? h->eval_val_loss[k] : h->eval_test_loss[k];
            last_metric = nm ? (h->has_val ? h->eval_val : h->eval_test)[k * nm] : NAN;
            if (cfg->select == SELECT_BEST_VAL && h->has_val && h->eval_val_loss[k] < ls.best_val) {
                ls.best_val = h->eval_val_loss[k];
                memcpy(ls.best, m->params, m->n_params * sizeof(real));
                h->selected_epoch = e + 1;
            }
        }
        ls.e++, ls.start = 0, ls.nb = 0, ls.lsum = ls.gsum = 0;
        const double now = now_seconds();
        const double interval = isatty(STDERR_FILENO) ? 0.5 : 10.0;
        if (is_eval || now - last_print >= interval || e + 1 == E) {
            const double el = now - t0;
            progress(label, e + 1, E, h->loss[e], h->has_val ? "val" : "test", last_held,
                     nm ? model_metric_name(m, 0) : NULL, last_metric,
                     el > 0 ? ls.seqs / (ls.elapsed + el) : 0,
                     (ls.elapsed + el) / (e + 1) * (E - e - 1), e + 1 == E);
            last_print = now;
        }
        if (ls.e < E) checkpoint_if_due(&cc, m, n, &ls, h, 1);
    }
    /* a SIGTERM / SIGINT during the last epoch's evaluation: save the finished loop */
    if (!h->diverged && (ckpt_signal == SIGTERM || ckpt_signal == SIGINT))
        checkpoint_if_due(&cc, m, n, &ls, h, 0);
    if (has_ckpt)
        for (int i = 0; i < 3; i++) sigaction(sigs[i], &old[i], NULL);
    h->first_loss = ls.first_loss;
    h->wall_seconds = ls.elapsed + now_seconds() - t0;
    if (cc.count)
        fprintf(stderr, "[%s] %d checkpoints written in %.3f s (%.2f%% of this process's training)\n",
                label, cc.count, cc.total, 100 * cc.total / (now_seconds() - t0));
    h->train_seq_per_s = h->wall_seconds > 0 ? ls.seqs / h->wall_seconds : 0;
    if (cfg->select == SELECT_BEST_VAL && h->has_val && h->selected_epoch > 0)
        memcpy(m->params, ls.best, m->n_params * sizeof(real));
    else
        h->selected_epoch = h->epochs;
    /* The kept parameters' scores. An evaluation is a pure function of the parameters, so when
     * the kept ones were evaluated in the loop (the selected epoch's evaluation; for the final
     * model, the last epoch's, unless a diverged step ended the run after it) that row is
     * reused instead of a second pass over val and test. */
    int kept = -1;
    for (int k = 0; k < h->n_eval; k++)
        if (h->eval_epoch[k] == h->selected_epoch) kept = k;
    if (kept >= 0 && (h->selected_epoch < h->epochs || !h->diverged)) {
        h->val_loss = h->eval_val_loss[kept];
        h->test_loss = h->eval_test_loss[kept];
        memcpy(h->val, h->eval_val + (size_t)kept * nm, nm * sizeof(double));
        memcpy(h->test, h->eval_test + (size_t)kept * nm, nm * sizeof(double));
    } else {
        h->val_loss = evaluate(m, d->val, d->n_val, B, seed, h->val);
        h->test_loss = evaluate(m, d->test, d->n_test, B, seed, h->test);
    }

    adam_free(&ls.opt);
    free(ls.order);
    free(ls.best);
    free(grad);
    if (full) ty->work_free(full);
    if (rest) ty->work_free(rest);
    if (S > 1) shards_free(&sh, m);
}

void train_history_free(struct train_history *h) {
    free(h->loss);
    free(h->reg);
    free(h->lr);
    free(h->grad_norm);
    free(h->eval_epoch);
    free(h->eval_val_loss);
    free(h->eval_test_loss);
    free(h->eval_val);
    free(h->eval_test);
    memset(h, 0, sizeof *h);
}

/* Column k of an (n_eval, nm) table as /eval/<prefix><metric>. */
static void write_metrics(const struct h5file *f, const struct model *m, int n_eval,
                          const double *vals, const char *prefix, const char *description) {
    const int nm = m->n_metrics;
    double *col = xmalloc((n_eval ? n_eval : 1) * sizeof(double));
    const size_t dims[1] = {n_eval};
    for (int k = 0; k < nm; k++) {
        char path[256];
        for (int e = 0; e < n_eval; e++) col[e] = vals[(size_t)e * nm + k];
        snprintf(path, sizeof path, "/eval/%s%s", prefix, model_metric_name(m, k));
        h5_write(f, path, H5K_F64, 1, dims, col, description, m->type->metric_units);
    }
    free(col);
}

void train_history_write(const struct h5file *f, const struct model *m,
                         const struct train_history *h) {
    const struct model_type *t = m->type;
    const size_t de[1] = {h->epochs}, dv[1] = {h->n_eval};
    h5_attr_int(f, "/", "diverged", h->diverged);
    if (h->diverged) {
        h5_attr_int(f, "/", "diverged_epoch", h->diverged_epoch);
        h5_attr_int(f, "/", "diverged_step", h->diverged_step);
        h5_attr_str(f, "/", "diverged_cause", train_status_names[h->diverged_cause]);
    }
    h5_write(f, "/train/loss", H5K_F64, 1, de, h->loss, "mean task loss over each epoch's batches",
             m->loss_units);
    h5_write(f, "/train/reg_loss", H5K_F64, 1, de, h->reg, t->reg_description, "loss");
    h5_write(f, "/train/lr", H5K_F64, 1, de, h->lr, "Adam step size per epoch", "1");
    h5_write(f, "/train/grad_norm", H5K_F64, 1, de, h->grad_norm,
             "mean global gradient norm before clipping", "1");
    h5_write_scalar(f, "/train/first_loss", h->first_loss,
                    "task loss of the first step, the reference of the default divergence stop "
                    "(train.h)", m->loss_units);
    h5_write_scalar(f, "/train/wall_seconds", h->wall_seconds, "training wall time", "s");
    h5_write_scalar(f, "/train/seq_per_s", h->train_seq_per_s, "training throughput",
                    "sequences/s");
    h5_write_scalar(f, "/train/selected_epoch", h->selected_epoch,
                    "epoch whose parameters were kept", "epoch");
    h5_write_scalar(f, "/train/threads", h->threads ? h->threads : 1,
                    "threads of the training steps, each on its part of every batch (train.h); "
                    "the run's bytes depend on it", "1");
    h5_write(f, "/eval/epoch", H5K_I32, 1, dv, h->eval_epoch,
             "epoch after which each evaluation ran", "epoch");
    h5_write(f, "/eval/loss", H5K_F64, 1, dv, h->eval_test_loss, t->eval_loss_description,
             m->loss_units);
    write_metrics(f, m, h->n_eval, h->eval_test, "", t->eval_metric_description);
    if (h->has_val) {
        h5_write(f, "/eval/val_loss", H5K_F64, 1, dv, h->eval_val_loss,
                 "validation loss at each evaluation", m->loss_units);
        write_metrics(f, m, h->n_eval, h->eval_val, "val_",
                      "metric on the validation set at each evaluation");
    }
}
