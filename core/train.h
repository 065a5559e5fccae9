/* train.h: the one training loop, for every model type (model.h), with evaluation, model
 * selection, divergence handling and the run file's history.
 *
 * One epoch = one pass over the shuffled training set in minibatches of B (the last, partial
 * batch included). Per batch, train_step(): forward, loss, backward (BPTT), + MAR gradient,
 * global-norm clip, Adam. Every eval_every epochs (and after the last) the model is evaluated
 * on val and test; SELECT_BEST_VAL keeps the parameters of the evaluation with the lowest
 * validation loss, SELECT_FINAL keeps the last. Evaluation is a pure function of the
 * parameters (model.h). Progress (epoch, loss, held-out loss and first metric, rate, ETA)
 * goes to stderr.
 *
 * Divergence is data, not an error. A step whose loss is non-finite or above the blow-up
 * limit (train_blowup_limit: by default TRAIN_BLOWUP_FACTOR times the run's first-step loss,
 * at least 1), or whose gradient norm is non-finite, updates nothing; the run stops
 * there and finishes normally with h->diverged set (the cause, the epoch it happened in, the
 * step). The kept parameters are then: with SELECT_BEST_VAL, the best evaluation so far if
 * there was one; otherwise the last finite state, i.e. the parameters before the failing
 * step (selected_epoch then counts the completed epochs, 0 when it failed in the first). The
 * history holds the completed epochs only (it may be empty); the final evaluation runs on the
 * kept parameters as usual.
 *
 * Checkpoints (struct train_checkpoint). A checkpoint holds the whole state of the loop at a
 * batch boundary: parameters, Adam moments and step, the batch stream's RNG state (the only
 * random stream training draws from: evaluation restarts its own, data and initialisation
 * are done before training), the epoch's shuffled order and position in it, the partial
 * epoch sums, the history so far, the best-so-far parameters and validation loss, and the
 * settings hash of the run. A resumed run therefore takes exactly the steps the interrupted
 * one would have, and its run file equals an uninterrupted run's (provenance and timings
 * aside). It is written atomically (a temporary name, fsync, rename, fsync of the folder):
 *   - after every `every_epochs` completed epochs, and at any batch boundary once
 *     `every_seconds` have passed since the last checkpoint (either may be 0 = off), as
 *     long as checkpoints stay within 2 % of the training time (CKPT_MAX_SHARE, train.c);
 *   - on SIGTERM, SIGINT or SIGUSR1: the handler only sets a flag; the next batch boundary
 *     writes the checkpoint; SIGUSR1 then continues, SIGTERM / SIGINT end the process with
 *     status 1 through die() (which removes the registered temporary run file).
 * The signal handlers are installed for the duration of train_run only. train_run resumes
 * from ck->path when it exists and carries the same settings hash (and dies, naming the
 * file, when the hash differs); the caller deletes the checkpoint once its run file is
 * complete.
 */
#ifndef ALRNN_TRAIN_H
#define ALRNN_TRAIN_H

#include "alrnn.h"
#include "model.h"
#include "optim.h"
#include "task.h"

typedef enum { SELECT_FINAL, SELECT_BEST_VAL, SELECT__COUNT } select_kind;
extern const char *const select_kind_names[]; /* SELECT__COUNT entries */

/* The default divergence stop is relative: a step's loss counts as a blow-up when it exceeds
 * TRAIN_BLOWUP_FACTOR x max(1, the run's first-step loss). Most losses of the project are
 * O(1) at initialisation (CE <= log K + small logits; MSE of targets of unit scale), where
 * this is a loss of 1e6: the states or logits have exploded and Adam, whose steps are bounded
 * by lr, cannot bring them back in any useful time. Some inits start far higher (the
 * multi-task init's first losses are 1e6-1e12 at P >= 2) and come down: a limit relative to
 * the first loss does not end those at step 1. */
#define TRAIN_BLOWUP_FACTOR 1e6
/* The absolute limit a row's blowup_loss = TRAIN_BLOWUP_LOSS sets (the rule before the
 * relative default; a run whose first loss is <= 1 sees the same limit under both). */
#define TRAIN_BLOWUP_LOSS 1e6

/* What one step found; the names are what run files store as diverged_cause. */
typedef enum {
    TRAIN_OK,
    TRAIN_LOSS_NONFINITE, /* NaN or ±inf loss */
    TRAIN_LOSS_BLOWUP,    /* finite loss > the blow-up limit (train_blowup_limit) */
    TRAIN_GRAD_NONFINITE, /* finite loss, NaN or inf gradient norm */
    TRAIN__COUNT
} train_status;
extern const char *const train_status_names[]; /* TRAIN__COUNT entries */

struct train_config {
    int epochs;         /* passes over the training set */
    int batch;          /* B */
    double lr;          /* Adam step size (start of the cosine schedule) */
    double lr_min;      /* cosine floor */
    int cosine;         /* 1: CosineAnnealingLR(T_max = epochs), stepped per epoch */
    double clip;        /* global-norm clipping threshold, 0 = off */
    double tau;         /* MAR strength, 0 = off */
    int M_reg;          /* MAR acts on units 0..M_reg-1 */
    int eval_every;     /* epochs between evaluations (0: only at the end) */
    select_kind select; /* which parameters the run keeps */
    /* The divergence stop on a finite loss (train_blowup_limit): 0 = the default, relative
     * rule (TRAIN_BLOWUP_FACTOR x max(1, first-step loss)); > 0 = this absolute limit; < 0 =
     * never (only a non-finite loss or gradient stops the run: the reference's loops have no
     * such stop, and Adam's bounded steps can bring a huge initial loss down) */
    double blowup_loss;
    /* Threads for the training steps (0 or 1: one). With S > 1 each batch is cut into S
     * consecutive parts (the first B % S one row longer), each run forward and backward on its
     * own thread (model_type.forward_part; types without it train on one thread, with a note),
     * and the parts' losses and gradients are added in part order. A step then computes the
     * same sums as with one thread in another order: a run's bytes depend on S (not on the
     * scheduling), and differ from a one-thread run's in rounding. Evaluation stays on one
     * thread. */
    int threads;
};

/* The three splits, opaque to the loop (the model type reads them), with their sizes. */
struct train_data {
    const void *train, *val, *test;
    int n_train, n_val, n_test; /* sequences; n_val = 0: no validation split */
    /* Optional per-epoch data hook (NULL: a fixed training set). Called at the start of
     * every epoch e (0-based; again for an epoch resumed from a checkpoint) before its
     * batches; it may rewrite the training split in place, keeping n_train sequences. It
     * must depend on (ctx, e) only, so that a run stays the same bytes per seed and a
     * resumed run sees the data the interrupted one saw. */
    void (*resample)(void *ctx, int epoch);
    void *resample_ctx;
};

struct train_history {
    int epochs;             /* epochs completed */
    double *loss;           /* (epochs) mean task loss over the epoch's batches */
    double *reg;            /* (epochs) MAR value at the epoch's end */
    double *lr;             /* (epochs) step size used */
    double *grad_norm;      /* (epochs) mean pre-clip gradient norm */
    int n_metrics;
    int has_val;            /* 1: there is a validation split (the eval_val* columns) */
    int n_eval;
    int *eval_epoch;        /* (n_eval) epoch after which each evaluation ran */
    double *eval_val_loss;  /* (n_eval) NAN without a validation set */
    double *eval_test_loss; /* (n_eval) */
    double *eval_val;       /* (n_eval, n_metrics) */
    double *eval_test;      /* (n_eval, n_metrics) */
    int selected_epoch;     /* epoch of the kept parameters */
    double test_loss;       /* of the kept parameters */
    double test[TASK_MAX_METRICS];
    double val_loss;
    double val[TASK_MAX_METRICS];
    double wall_seconds;
    double train_seq_per_s;
    int diverged;              /* 1: the run stopped at a diverging step (see the top) */
    int diverged_epoch;        /* 1-based epoch it happened in */
    long diverged_step;        /* 1-based step (batch) of the run that failed */
    train_status diverged_cause;
    double diverged_loss;      /* the loss of that step */
    double first_loss;         /* the loss of step 1, the divergence stop's reference */
    int threads;               /* the training steps' threads (train_config.threads, as used) */
};

/* One training step on sequences idx[0..B) of split data, with work from
 * m->type->work_alloc(m, data, B):
 *     forward + loss; if the loss is non-finite or above train_blowup_limit(cfg, first_loss)
 *     return that status (first_loss: the run's first-step loss; NAN when this step is the
 *     first, which is then its own reference and cannot blow up);
 *     grad = backward + MAR gradient (cfg->tau, cfg->M_reg); clip to cfg->clip; if the
 *     norm is non-finite return TRAIN_GRAD_NONFINITE; Adam step at lr on m->params.
 * Nothing is updated unless TRAIN_OK is returned. r is the batch stream (initial states,
 * teacher forcing); grad (n_params) is scratch. *loss and *grad_norm (pre-clip) receive the
 * step's values. This is exactly the step train_run() takes, for benchmarks to time:
 *
 *     struct model mo;  model_alrnn(&mo, &net, &task_addition);   // net: created + initialised
 *     void *w = mo.type->work_alloc(&mo, &train_set, B);
 *     struct adam opt;  adam_init(&opt, mo.n_params);
 *     real *grad = xmalloc(mo.n_params * sizeof(real));
 *     int idx[B] = {0..B-1};  rng_t r;  rng_init(&r, seed, RNG_STREAM_BATCH);
 *     double L, gn;
 *     train_step(&mo, w, &train_set, idx, B, &r, &cfg, cfg.lr, NAN, &opt, grad, &L, &gn);
 *     ...  mo.type->work_free(w);  adam_free(&opt);  free(grad);
 */
train_status train_step(const struct model *m, void *work, const void *data, const int *idx,
                        int B, rng_t *r, const struct train_config *cfg, double lr,
                        double first_loss, struct adam *opt, real *grad, double *loss,
                        double *grad_norm);

/* The loss above which a step of a run whose first-step loss was first_loss counts as a
 * blow-up: cfg->blowup_loss > 0: that; < 0: INFINITY (never); 0: TRAIN_BLOWUP_FACTOR x
 * max(1, first_loss). */
double train_blowup_limit(const struct train_config *cfg, double first_loss);

struct train_checkpoint {
    const char *path;       /* checkpoint file (the runners use <out>.ckpt); NULL: none */
    uint64_t settings_hash; /* of the resolved settings (experiments/rowhash.c) */
    int every_epochs;       /* write after every every_epochs completed epochs (0: off) */
    double every_seconds;   /* write once this long has passed since the last (0: off) */
};

/* Train m (parameters initialised by the caller) and leave the kept parameters in
 * m->params; h receives the history (train_history_free). Never dies on divergence.
 * ck: NULL or ck->path NULL for no checkpoints (and no signal handling); see the top. */
void train_run(const struct model *m, const struct train_config *cfg, const struct train_data *d,
               uint64_t seed, const char *label, const struct train_checkpoint *ck,
               struct train_history *h);

/* 1 if ck->path exists and carries ck->settings_hash, 0 if there is no checkpoint; dies with
 * a message naming the file (and how to remove it) when it belongs to other settings. */
int train_checkpoint_probe(const struct train_checkpoint *ck);
void train_history_free(struct train_history *h);

/* The history into run file f: /train/{loss, reg_loss, lr, grad_norm, wall_seconds,
 * seq_per_s, selected_epoch}, /eval/{epoch, loss, <metric>} (test split) and, with a
 * validation split, /eval/{val_loss, val_<metric>}; the root attribute diverged (0 or 1) and,
 * for a diverged run, diverged_epoch, diverged_step (integers) and diverged_cause (string,
 * train_status_names). */
void train_history_write(const struct h5file *f, const struct model *m,
                         const struct train_history *h);

/* ---- AL-RNN latent trajectories (core/model_alrnn.c) ----------------------------------- */

/* Called once per batch of train_forward_each(): sequences first .. first+B-1 of the data
 * set, states Z (T+1, B, M) time-major, Z[0] = z_0 (T: the recurrence steps, after any
 * encoder). */
typedef void (*train_batch_fn)(void *ctx, int first, int B, int T, const real *Z);

/* Forward the model over the first n sequences of d (n <= 0 or n > d->n: all) in batches of
 * at most B, initial states drawn as in evaluation (model_evaluate_dataset: the
 * RNG_STREAM_EVAL stream of seed, so the states are those the metrics saw for the same B),
 * and hand each batch's states to visit. For the analyses that read latent trajectories. */
void train_forward_each(const struct alrnn *m, const struct dataset *d, int n, int B,
                        uint64_t seed, train_batch_fn visit, void *ctx);

#endif
