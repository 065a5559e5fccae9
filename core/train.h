/* train.h: minibatch training of an AL-RNN on a task, with evaluation and model selection.
 *
 * One epoch = one pass over the shuffled training set in minibatches of B (the last, partial
 * batch included). Per batch: forward, masked loss, BPTT, + MAR gradient, global-norm clip,
 * Adam. Every eval_every epochs (and after the last) the model is evaluated on val and test;
 * SELECT_BEST_VAL keeps the parameters of the evaluation with the lowest validation loss,
 * SELECT_FINAL keeps the last. Evaluation draws its random initial states from a stream that
 * restarts at every evaluation, so an evaluation is a pure function of the parameters.
 * Progress (epoch, loss, rate, ETA) goes to stderr.
 */
#ifndef ALRNN_TRAIN_H
#define ALRNN_TRAIN_H

#include "alrnn.h"
#include "task.h"

typedef enum { SELECT_FINAL, SELECT_BEST_VAL, SELECT__COUNT } select_kind;
extern const char *const select_kind_names[]; /* SELECT__COUNT entries */

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
};

struct train_history {
    int epochs;             /* epochs run */
    double *loss;           /* (epochs) mean task loss over the epoch's batches */
    double *reg;            /* (epochs) MAR value at the epoch's end */
    double *lr;             /* (epochs) step size used */
    double *grad_norm;      /* (epochs) mean pre-clip gradient norm */
    int n_metrics;
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
};

/* Loss and metrics of the model on d in batches of B; yhat (d->n, T_out, K) is filled if
 * non-NULL. Returns the mean masked loss (weighted by mask sums). */
double train_evaluate(const struct alrnn *m, const struct task_type *task,
                      const struct dataset *d, int B, uint64_t seed, real *yhat, double *metrics);

/* Called once per batch of train_forward_each(): sequences first .. first+B-1 of the data
 * set, states Z (T+1, B, M) time-major, Z[0] = z_0 (T: the recurrence steps, after any
 * encoder). */
typedef void (*train_batch_fn)(void *ctx, int first, int B, int T, const real *Z);

/* Forward the model over the first n sequences of d (n <= 0 or n > d->n: all) in batches of
 * at most B, initial states drawn as in train_evaluate() (the RNG_STREAM_EVAL stream of
 * seed, so the states are those the metrics saw for the same B), and hand each batch's
 * states to visit. For the analyses that read latent trajectories. */
void train_forward_each(const struct alrnn *m, const struct dataset *d, int n, int B,
                        uint64_t seed, train_batch_fn visit, void *ctx);

/* Train m (initialised by the caller) and leave the selected parameters in m->params. */
void train_run(struct alrnn *m, const struct task_type *task, const struct train_config *cfg,
               const struct dataset *train, const struct dataset *val,
               const struct dataset *test, uint64_t seed, const char *label,
               struct train_history *h);
void train_history_free(struct train_history *h);

#endif
