/* train.c: the one training loop, evaluation cadence, model selection, divergence and the
 * run file's history (see train.h). Model specifics live behind struct model_type. */
#include "train.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "h5io.h"

const char *const select_kind_names[SELECT__COUNT] = {[SELECT_FINAL] = "final",
                                                      [SELECT_BEST_VAL] = "best_val"};
const char *const train_status_names[TRAIN__COUNT] = {
    [TRAIN_OK] = "ok",
    [TRAIN_LOSS_NONFINITE] = "loss_nonfinite",
    [TRAIN_LOSS_BLOWUP] = "loss_above_1e6",
    [TRAIN_GRAD_NONFINITE] = "grad_norm_nonfinite",
};
_Static_assert(TRAIN__COUNT == 4, "train_status_names must name every status");

train_status train_step(const struct model *m, void *work, const void *data, const int *idx,
                        int B, rng_t *r, const struct train_config *cfg, double lr,
                        struct adam *opt, real *grad, double *loss, double *grad_norm) {
    const struct model_type *t = m->type;
    const double L = t->forward_loss(m, work, data, idx, B, r, 1);
    *loss = L, *grad_norm = NAN;
    if (!isfinite(L)) return TRAIN_LOSS_NONFINITE;
    if (L > TRAIN_BLOWUP_LOSS) return TRAIN_LOSS_BLOWUP;
    memset(grad, 0, m->n_params * sizeof(real));
    t->backward(m, work, grad);
    t->regularizer(m, cfg->tau, cfg->M_reg, grad);
    const double gn = clip_global_norm(grad, m->n_params, cfg->clip);
    *grad_norm = gn;
    if (!isfinite(gn)) return TRAIN_GRAD_NONFINITE;
    adam_step(opt, m->params, grad, lr);
    return TRAIN_OK;
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

void train_run(const struct model *m, const struct train_config *cfg, const struct train_data *d,
               uint64_t seed, const char *label, struct train_history *h) {
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

    rng_t br;
    rng_init(&br, seed, RNG_STREAM_BATCH);
    void *full = ty->work_alloc(m, d->train, B);
    void *rest = n % B ? ty->work_alloc(m, d->train, n % B) : NULL;
    real *grad = xmalloc(m->n_params * sizeof(real));
    real *best = xmalloc(m->n_params * sizeof(real));
    memcpy(best, m->params, m->n_params * sizeof(real));
    double best_val = INFINITY;
    struct adam opt;
    adam_init(&opt, m->n_params);
    int *order = xmalloc((size_t)n * sizeof(int));
    for (int i = 0; i < n; i++) order[i] = i;

    const double t0 = now_seconds();
    double last_print = t0, last_held = NAN, last_metric = NAN;
    long seqs = 0, step = 0;
    for (int e = 0; e < E && !h->diverged; e++) {
        const double lr = cfg->cosine ? cosine_lr(cfg->lr, cfg->lr_min, e, E) : cfg->lr;
        rng_shuffle_int(&br, order, n);
        double lsum = 0, gsum = 0;
        int nb = 0;
        for (int start = 0; start < n; start += B) {
            const int bs = n - start >= B ? B : n % B;
            double L, gn;
            step++;
            const train_status st = train_step(m, bs == B ? full : rest, d->train, order + start,
                                               bs, &br, cfg, lr, &opt, grad, &L, &gn);
            if (st != TRAIN_OK) {
                h->diverged = 1, h->diverged_epoch = e + 1, h->diverged_step = step;
                h->diverged_cause = st, h->diverged_loss = L;
                fprintf(stderr, "[%s] diverged at epoch %d, step %ld (%s, loss %g); stopping\n",
                        label, e + 1, step, train_status_names[st], L);
                break;
            }
            gsum += gn, lsum += L, nb++;
            seqs += bs;
        }
        if (h->diverged) break;
        h->loss[e] = lsum / nb;
        h->grad_norm[e] = gsum / nb;
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
            const int has_val = d->n_val > 0;
            last_held = has_val ? h->eval_val_loss[k] : h->eval_test_loss[k];
            last_metric = nm ? (has_val ? h->eval_val : h->eval_test)[k * nm] : NAN;
            if (cfg->select == SELECT_BEST_VAL && has_val && h->eval_val_loss[k] < best_val) {
                best_val = h->eval_val_loss[k];
                memcpy(best, m->params, m->n_params * sizeof(real));
                h->selected_epoch = e + 1;
            }
        }
        const double now = now_seconds();
        const double interval = isatty(STDERR_FILENO) ? 0.5 : 10.0;
        if (is_eval || now - last_print >= interval || e + 1 == E) {
            const double el = now - t0;
            progress(label, e + 1, E, h->loss[e], d->n_val ? "val" : "test", last_held,
                     nm ? model_metric_name(m, 0) : NULL, last_metric, seqs / el,
                     el / (e + 1) * (E - e - 1), e + 1 == E);
            last_print = now;
        }
    }
    h->wall_seconds = now_seconds() - t0;
    h->train_seq_per_s = h->wall_seconds > 0 ? seqs / h->wall_seconds : 0;
    if (cfg->select == SELECT_BEST_VAL && d->n_val && h->selected_epoch > 0)
        memcpy(m->params, best, m->n_params * sizeof(real));
    else
        h->selected_epoch = h->epochs;
    h->val_loss = evaluate(m, d->val, d->n_val, B, seed, h->val);
    h->test_loss = evaluate(m, d->test, d->n_test, B, seed, h->test);

    adam_free(&opt);
    free(order);
    free(grad);
    free(best);
    ty->work_free(full);
    if (rest) ty->work_free(rest);
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
    h5_write_scalar(f, "/train/wall_seconds", h->wall_seconds, "training wall time", "s");
    h5_write_scalar(f, "/train/seq_per_s", h->train_seq_per_s, "training throughput",
                    "sequences/s");
    h5_write_scalar(f, "/train/selected_epoch", h->selected_epoch,
                    "epoch whose parameters were kept", "epoch");
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
