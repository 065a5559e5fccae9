/* task.h: the task interface (a GSL-style type object) and the data set every task fills.
 *
 * A task is a `static const struct task_type` in tasks/<name>.c, exported as a pointer
 * (`extern const struct task_type task_addition;`). It says what the model sees (N inputs
 * per step), what it must produce (K outputs, MSE or cross-entropy, on the last step or on
 * every step), and it builds its train/val/test sets deterministically from an rng_t.
 * Optional hooks are NULL; the core then uses the generic default for the loss kind.
 *
 * To add a task: write tasks/<name>.c (or tasks/<domain>/<name>.c beside the readers and
 * encoders only it uses) with one task_type, declare it in tasks/tasks.h, and
 * add an experiment row that points to it (experiments/table.c). Nothing in core/ changes.
 *
 * Layouts. Stored data sets are sequence-major: x is (n, T, N). Minibatches handed to the
 * model are time-major, (T, B, N), because the recurrence walks t and each step is one GEMM
 * over the batch. dataset_gather() converts.
 */
#ifndef ALRNN_TASK_H
#define ALRNN_TASK_H

#include "common.h"
#include "rng.h"

typedef enum { LOSS_MSE, LOSS_CE, LOSS__COUNT } loss_kind;
typedef enum { READOUT_LAST, READOUT_ALL, READOUT__COUNT } readout_kind;
extern const char *const loss_kind_names[]; /* LOSS__COUNT entries */
extern const char *const readout_kind_names[]; /* READOUT__COUNT entries */

/* n sequences padded to T steps. Targets exist at T_out steps: T_out = 1 means the readout of
 * the last step (t = T-1), T_out = T means one target per step. `mask` weights each target
 * step (0 = ignored), which is how tasks put the loss on a recall window or a trial's end. */
struct dataset {
    int n;          /* number of sequences */
    int T;          /* steps per sequence (after padding) */
    int N;          /* input dimensions per step */
    int K;          /* MSE: target dimensions; CE: number of classes */
    int T_out;      /* 1 or T, see above */
    loss_kind loss; /* which of y / label is used */
    real *x;        /* (n, T, N) inputs; token inputs store the integer id as a real */
    real *y;        /* (n, T_out, K) MSE targets; NULL for CE */
    int32_t *label; /* (n, T_out) CE class in [0, K); NULL for MSE */
    real *mask;     /* (n, T_out) loss weight per target step, 0 = no loss */
    int32_t *group; /* (n) optional sub-task / class id for per-group metrics, or NULL */
    real *out_weight; /* (K) optional MSE weight c_k of each output (loss.h), owned by the
                       * data set; NULL: 1/K each */
};

/* Allocates every array (zeroed; mask set to 1). `with_group` also allocates group. */
void dataset_alloc(struct dataset *d, int n, int T, int N, int K, int T_out, loss_kind loss,
                   int with_group);
void dataset_free(struct dataset *d);

/* Copy sequences idx[0..B) into time-major batch buffers:
 * x (T, B, N); y (T_out, B, K) or NULL; label (T_out, B) or NULL; mask (T_out, B). */
void dataset_gather(const struct dataset *d, const int *idx, int B, real *x, real *y,
                    int32_t *label, real *mask);

/* A gathered minibatch of B sequences of a data set, the buffers a model's batch forward
 * reads (time-major, as dataset_gather() writes them). Every model type over struct dataset
 * (the AL-RNN, the baselines) uses one per batch size. */
struct data_batch {
    int B;          /* 0: an empty batch, nothing allocated */
    real *x;        /* (T, B, N) */
    real *y;        /* (T_out, B, K) MSE targets */
    int32_t *label; /* (T_out, B) CE classes */
    real *mask;     /* (T_out, B) */
};
void data_batch_alloc(struct data_batch *b, const struct dataset *d, int B);
void data_batch_free(struct data_batch *b);
/* Gathers sequences idx[0..b->B) of d into b. */
void data_batch_gather(struct data_batch *b, const struct dataset *d, const int *idx);
/* Sum of the batch's loss weights (the weight of its mean loss in a data-set mean). */
double data_batch_weight(const struct data_batch *b, int T_out);
/* The same for sequences idx[0..B) of d without gathering them: their mask sum, added in the
 * gathered batch's order (step-major), so it equals the gathered batch's weight exactly. */
double dataset_weight(const struct dataset *d, const int *idx, int B);
/* Copies the batch's outputs Y (T_out, B, K), time-major, to out (n, T_out, K) as sequences
 * first .. first + B - 1. */
void data_batch_scatter(const struct data_batch *b, const real *Y, int T_out, int K, int first,
                        real *out);

/* Settings an experiment row passes to its task. Zero / NULL means "the task's default". */
struct task_params {
    int T;                /* sequence length */
    int n_train, n_val, n_test;
    int n_per_group;      /* e.g. multi-task: trials per sub-task */
    const char *opts;     /* task-specific "key=value,key=value" (see task_opt_int) */
    const char *data_dir; /* where file-backed tasks read their data (make datasets) */
};

/* Look up an integer / real option in params->opts; `def` when absent; die when malformed. */
int task_opt_int(const struct task_params *p, const char *key, int def);
double task_opt_double(const struct task_params *p, const char *key, double def);

#define TASK_MAX_METRICS 24

struct task_type {
    const char *name;        /* what the command line and run files call it */
    const char *description; /* one line, with the PAPER.md section */
    loss_kind loss;
    readout_kind readout;

    /* Dimensions for these params (defaults applied): steps T, inputs N, outputs K. */
    void (*dims)(const struct task_params *p, int *T, int *N, int *K);

    /* Build the three splits deterministically from r (same r state -> same bytes).
     * val may be left empty (n = 0) when the task has no validation split. */
    void (*make_data)(const struct task_params *p, rng_t *r, struct dataset *train,
                      struct dataset *val, struct dataset *test);

    /* Optional. Metrics of predictions yhat (n, T_out, K) (MSE outputs or CE logits) on d.
     * Writes n_metrics values named metric_names. When NULL the core computes the default:
     * MSE -> "mse" (masked mean squared error), CE -> "accuracy" (masked argmax). */
    void (*metrics)(const struct dataset *d, const real *yhat, double *out);
    int n_metrics;
    const char *const *metric_names;

    /* Optional. A fresh training set for one epoch (a reference whose data set draws a new
     * trial on every access): overwrite train's sequences in place, same n and shapes, from
     * r, which depends only on the run's seed and the epoch. experiment_run wires it to the
     * training loop's per-epoch hook (train.h) when the row's opts say resample=1. */
    void (*resample)(const struct task_params *p, rng_t *r, struct dataset *train);
};

/* The metric names / count a task reports, with the defaults filled in. */
int task_metric_count(const struct task_type *t);
const char *task_metric_name(const struct task_type *t, int i);
void task_compute_metrics(const struct task_type *t, const struct dataset *d, const real *yhat,
                          double *out);

#endif
