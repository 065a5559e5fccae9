/* experiments.h: the declarative experiment table, profiles, runs and figures.
 *
 * An experiment is one row of a static table (experiments/table.c): a task, the model's
 * parameterisation, the paper's settings, and per-profile overrides in which a zero field
 * keeps the paper's value. `bin/alrnn run EXPERIMENT --P N --seed S --profile X` resolves
 * the row for the profile, trains one model and writes one HDF5 run file.
 *
 * A figure (experiments/figures.c) names the experiments it draws from, a summarize
 * function that reads their run files and writes TSV (all aggregation happens in C), and a
 * gnuplot script that only draws.
 */
#ifndef ALRNN_EXPERIMENTS_H
#define ALRNN_EXPERIMENTS_H

#include "alrnn.h"
#include "model_rnn.h"
#include "task.h"
#include "train.h"

/* verify: sized to decide the claims of experiments/claims.c (make verify). It is resolved
 * on top of quick: paper settings, then the quick override, then the verify override, so a
 * row without a verify override runs exactly as in quick. */
typedef enum { PROFILE_SMOKE, PROFILE_QUICK, PROFILE_PAPER, PROFILE_VERIFY, PROFILE__COUNT } profile_kind;
extern const char *const profile_names[]; /* PROFILE__COUNT entries */
profile_kind profile_parse(const char *s); /* dies on an unknown name */

/* Settings that scale with the profile. In an override a zero / NULL field keeps the value.
 * A field that can legitimately be zero (train.lr_min, cosine, clip, tau, M_reg, eval_every;
 * data.n_val) is switched off in an override with SETTING_ZERO, e.g. `.train = {.cosine =
 * SETTING_ZERO}`: experiment_resolve turns it into 0. None of these fields is ever negative. */
#define SETTING_ZERO (-1)
struct settings {
    int M;              /* latent units */
    const char *P_grid; /* the sweep, e.g. "0,1,2,5,10,50" */
    int seeds;          /* the sweep uses seeds 0..seeds-1 */
    struct train_config train;
    struct task_params data;
};

struct resolved;
struct h5file;
struct dataset;

struct experiment {
    const char *name;        /* command-line name; also the results/ folder */
    const char *description; /* one line, citing PAPER.md */
    const struct task_type *task;
    /* The model trained: MODEL_ALRNN (zero, the default) or a baseline (MODEL_TANH,
     * MODEL_LSTM, MODEL_GRU; core/model_rnn.h), M units either way. A baseline row has no P:
     * its P grid is "0", `run` refuses any other --P, and its run files are P0_seed<S>.h5
     * with /config model naming the cell. form, init and z0 are the AL-RNN's and are ignored
     * (baselines start from h_0 = 0 with PyTorch's initialisation); analyze and runner must
     * be NULL. */
    model_kind model;
    alrnn_form form;
    alrnn_init init;
    z0_kind z0;
    int readout_bias;
    const struct encoder_type *encoder;   /* NULL: raw inputs enter through C */
    int encoder_opt[ENCODER_MAX_OPTS];    /* the encoder type's sizes (see its file) */
    struct settings paper;                    /* PAPER.md's settings (the `paper` profile) */
    struct settings override[PROFILE__COUNT]; /* smoke / quick / verify scale-downs */
    const char *needs_data; /* make target that fetches its data first, e.g. "datasets-mnist" */
    /* Optional: analyses of the trained model written into the run file before it is closed
     * (bitcode histograms, autonomous runs, PCA ...). test is the task's test split. */
    void (*analyze)(const struct resolved *r, const struct alrnn *m, const struct dataset *test,
                    uint64_t seed, const struct h5file *f);
    /* Optional: a whole run done differently (e.g. an encoder-decoder); it must honour the
     * run-file contract of experiment_run. NULL = experiment_run. */
    void (*runner)(const struct resolved *r, int P, int seed, const char *out);
};

/* An experiment row resolved for one profile. */
enum { MAX_GRID = 32 };
struct resolved {
    const struct experiment *exp;
    profile_kind profile;
    struct settings s;
    int n_P;
    int P[MAX_GRID];
};

extern const struct experiment experiments[];
extern const int n_experiments;
const struct experiment *experiment_find(const char *name); /* NULL if unknown */
void experiment_resolve(const struct experiment *e, profile_kind p, struct resolved *r);

/* Test-only: ALRNN_TEST_OVERRIDE="epochs=N,lr=X" (either or both) replaces those training
 * settings of r, so that tests can make a smoke run long enough to interrupt, or make it
 * diverge; says so on stderr, dies on a malformed value. The run file's /config and the
 * settings hash see the overridden values. No effect when the variable is unset or empty. */
void resolved_test_override(struct resolved *r);
/* results/<profile>/<experiment>/P<N>_seed<S>.h5 */
void run_default_path(const struct resolved *r, int P, int seed, char *buf, size_t n);

/* Train one model and write its run file to `out` (temporary name, renamed when complete). */
void experiment_run(const struct resolved *r, int P, int seed, const char *out);
/* What `bin/alrnn run` calls: the row's runner, or experiment_run. */
void experiment_dispatch(const struct resolved *r, int P, int seed, const char *out);

/* Run-file helpers for runners and analyses (experiments/run.c). */
void run_file_begin(const char *out, struct h5file *f);      /* temp file; dies if unwritable */
void run_file_provenance(const struct resolved *r, const struct h5file *f, int P, int seed);
/* /config attributes every runner shares: the training settings, task options, P grid,
 * seeds and precision. */
void run_file_training_config(const struct resolved *r, const struct h5file *f);
/* close and rename into place; deletes the run's checkpoint */
void run_file_commit(const char *out, struct h5file *f);
/* The checkpoint of the run begun by run_file_begin: <out>.ckpt, the settings hash of (r, P,
 * seed) and the cadence set by run_set_checkpoint_options (defaults: no epoch count, 120 s). */
struct train_checkpoint run_file_checkpoint(const struct resolved *r, int P, int seed);
void run_set_checkpoint_options(int every_epochs, double every_seconds);

/* The identity of a resolved row (experiments/rowhash.c): resolved_dump() prints every resolved
 * setting (what `bin/alrnn show` prints); resolved_hash() is FNV-1a 64 of that text; run files
 * carry it as the root attribute `row_hash` (16 lower-case hex digits). */
void resolved_dump(const struct resolved *r, FILE *fp);
uint64_t resolved_hash(const struct resolved *r);
struct row_hash_hex {
    char s[17];
};
struct row_hash_hex resolved_hash_hex(const struct resolved *r);
/* The settings that determine one run's result: the row hash plus P, seed and the build's
 * precision. Checkpoints store it and resume only a run with the same. */
uint64_t run_settings_hash(const struct resolved *r, int P, int seed);
uint64_t fnv1a64(const void *data, size_t n); /* FNV-1a, 64 bit */

struct figure {
    const char *name;        /* make target, e.g. "figure4" */
    const char *description;
    const char *experiments[16]; /* the rows whose sweeps it needs (NULL-terminated) */
    const char *script;      /* plots/<name>.gp */
    /* read results/<profile>/..., write TSV files into out_dir */
    void (*summarize)(const struct figure *f, profile_kind p, const char *results_root,
                      const char *out_dir);
    /* For the generic summarizers (figures.h), e.g. summarize_metric_vs_P: the scalar
     * run-file dataset to draw against P, e.g. "/test/accuracy". NULL otherwise. */
    const char *metric;
};
extern const struct figure figures[];
extern const int n_figures;
const struct figure *figure_find(const char *name);

#endif
