/* model.h: the model interface the one training loop drives (a GSL-style type object).
 *
 * A model type is a `static const struct model_type`: how to run one batch forward to its
 * loss, backward into a flat gradient, the regulariser, evaluation on a whole split, and what
 * it writes under /model of a run file. An instance (`struct model`) is {type, impl}: impl is
 * the type's own object (struct alrnn, struct scan_model, ...), whose parameters are one flat
 * vector `params` (n_params) that Adam, clipping and checkpoints walk without knowing the
 * layout. Workspaces and data splits are opaque to the loop (void *): only the type reads
 * them. The loop itself, model selection and the run file's /train and /eval are train.h's.
 *
 * Instances in this project:
 *   model_alrnn (below)            an AL-RNN, with or without an encoder, on a struct dataset
 *   the SCAN encoder–decoder       experiments/scan_run.c, on its own split struct
 * To add a model (an LSTM, a GRU): write its type object with these hooks, and a constructor
 * that fills struct model; train_run() and train_step() need no change.
 *
 * Not here: the optimiser (optim.h), the loop (train.h).
 */
#ifndef ALRNN_MODEL_H
#define ALRNN_MODEL_H

#include "alrnn.h"
#include "rng.h"
#include "task.h"

struct h5file;
struct model;

struct model_type {
    const char *name;

    /* A workspace for batches of B sequences of split `data`, reused across batches. */
    void *(*work_alloc)(const struct model *m, const void *data, int B);
    void (*work_free)(void *work);

    /* Forward and loss on sequences idx[0..B) of data (B as allocated in work). r is the
     * batch stream (random initial states, teacher-forcing draws). With want_grad the
     * workspace keeps what backward() needs. Returns the batch's mean loss. */
    double (*forward_loss)(const struct model *m, void *work, const void *data, const int *idx,
                           int B, rng_t *r, int want_grad);
    /* Backward of the last forward_loss(want_grad = 1) on work: accumulates dL/dparams
     * into grad (n_params). */
    void (*backward)(const struct model *m, void *work, real *grad);
    /* The manifold-attractor regulariser (PAPER.md §1.3) of strength tau on the first M_reg
     * latent units: returns its value, accumulates its gradient into grad if non-NULL. */
    double (*regularizer)(const struct model *m, double tau, int M_reg, real *grad);
    /* Mean loss and the n_metrics metrics on a whole split of n >= 1 sequences, in batches
     * of at most B; a pure function of the parameters (seed: any randomness it needs, drawn
     * from a stream restarted at every call). */
    double (*evaluate)(const struct model *m, const void *data, int B, uint64_t seed,
                       double *metrics);
    /* Optional (NULL: the type trains on one thread): what a sharded step (train.h,
     * train_config.threads) needs. forward_part is forward and loss of rows b0 .. b0 + b - 1
     * of the batch idx[0..B), in a workspace from work_alloc(b): what those rows of
     * forward_loss(idx, B, r, want_grad) compute, with the same random draws (r: the batch
     * stream's state before the whole batch, taken by value, so the caller's is not moved)
     * and the loss and its gradient normalised by the whole batch's weight. The parts' losses,
     * and the gradients backward() then accumulates, sum to the whole batch's (in another
     * order of the sums). skip_batch advances r past what forward_loss(idx, B) draws. */
    double (*forward_part)(const struct model *m, void *work, const void *data, const int *idx,
                           int B, int b0, rng_t r, int want_grad);
    void (*skip_batch)(const struct model *m, int B, rng_t *r);
    /* The kept parameters, under /model of the run file f. */
    void (*write_params)(const struct model *m, const struct h5file *f);

    /* Run-file wording of the history (train_history_write). */
    const char *reg_description;         /* /train/reg_loss */
    const char *eval_loss_description;   /* /eval/loss */
    const char *eval_metric_description; /* /eval/<metric> */
    const char *metric_units;            /* units of /eval/<metric> */
};

struct model {
    const struct model_type *type;
    void *impl;        /* the type's object */
    size_t n_params;
    real *params;      /* (n_params) impl's flat parameter vector */
    int M;             /* latent units the regulariser may act on (M_reg <= M) */
    const char *loss_units;         /* /train/loss, /eval/loss: "mse", "cross_entropy" */
    int n_metrics;                  /* <= TASK_MAX_METRICS */
    const char *const *metric_names; /* (n_metrics), or NULL: metric_name() asks impl's task */
    const struct task_type *task;   /* for the AL-RNN: metric names and computation */
    int threads;       /* evaluation threads (model_evaluate_dataset); 0 or 1: one */
};

const char *model_metric_name(const struct model *m, int i);

/* ---- for model types over a task's struct dataset (core/model.c) ----------------------- */

/* The outputs Y (T_out, B, K), time-major, of the last forward_loss on work, and through *in
 * the batch that forward gathered (its mask weighs the loss; its order places Y). */
typedef const real *(*model_outputs_fn)(const void *work, const struct data_batch **in);

/* Loss and metrics of m on the whole split d in batches of at most B, through the type's
 * work_alloc / forward_loss (want_grad 0); the batch stream is the RNG_STREAM_EVAL stream of
 * seed, restarted at every call (the AL-RNN draws its z_0 from it). yhat (d->n, T_out, K) is
 * filled when non-NULL; metrics (m->task's) when non-NULL. Returns the mean masked loss
 * (batches weighted by their mask sums); NAN, with NAN metrics, for an empty split.
 * The type must have skip_batch. With m->threads > 1 the batches are shared out among that
 * many threads; each batch computes exactly what it computes in one pass, and the sums are taken
 * in batch order, so the result is the same bytes for any thread count. */
double model_evaluate_dataset(const struct model *m, const struct dataset *d, int B,
                              uint64_t seed, model_outputs_fn outputs, real *yhat,
                              double *metrics);

/* Writes the n tensors of a flat parameter vector as /model/<name> of the run file f. */
void model_write_tensors(const struct h5file *f, const struct alrnn_tensor *t, int n,
                         const real *params);

/* The AL-RNN (core/alrnn.h, with its encoder if any) trained on a task's struct dataset
 * splits: the loss is the task's (masked MSE or CE), z_0 drawn per batch from the batch
 * stream, metrics the task's. a is borrowed and must outlive the model. */
extern const struct model_type model_type_alrnn;
void model_alrnn(struct model *m, struct alrnn *a, const struct task_type *task);

#endif
