/* encoder.h: input encoders, the layers that turn a task's raw per-step input into the
 * features entering the AL-RNN through C (PAPER.md §2.1–2.3: the sMNIST 1-D CNN, the IMDb
 * token embedding + MLP, the audio convolutions).
 *
 * An encoder is a type object (a `static const struct encoder_type`, GSL style) plus a small
 * instance holding its sizes. Its parameters live in the model's flat vector, after the
 * AL-RNN's own, so Adam, clipping, gradient checks and run files treat them like any other.
 * The model calls forward before the recurrence and backward after BPTT, with dL/dfeatures.
 * Encoders may change the number of steps (pooling): T_in raw steps -> T_out feature steps.
 *
 * To add an encoder: write tasks/<domain>/enc_<name>.c with one encoder_type (built from
 * the generic layers of layers.h), declare it in a header of its domain, and
 * name it in an experiment row. Gradients must pass the same finite-difference checks as the
 * AL-RNN (tests/test_alrnn.c shows the pattern).
 */
#ifndef ALRNN_ENCODER_H
#define ALRNN_ENCODER_H

#include "common.h"
#include "rng.h"

/* One named tensor of a flat parameter layout (row-major; vectors have cols = 1). */
struct alrnn_tensor {
    const char *name;        /* "A", "W", ..., "enc.conv1.w" */
    const char *description; /* for the run file */
    size_t offset, size;     /* within the flat vector */
    int rows, cols;
};

enum { ENCODER_MAX_OPTS = 8 };

struct encoder {
    const struct encoder_type *type;
    int N_in;                  /* raw input values per step */
    int M;                     /* latent units of the AL-RNN the features feed */
    int opt[ENCODER_MAX_OPTS]; /* type-specific sizes; each type documents its slots */
};

struct encoder_type {
    const char *name;
    /* Features for a raw input of T_in steps: T_out steps of N_out values. */
    void (*shape)(const struct encoder *e, int T_in, int *T_out, int *N_out);
    /* Parameter tensors: count, and the i-th (offset relative to the encoder's block). */
    int (*n_tensors)(const struct encoder *e);
    struct alrnn_tensor (*tensor)(const struct encoder *e, int i);
    void (*init)(const struct encoder *e, real *params, rng_t *r);
    /* Scratch bytes forward and backward need for a batch (kept from forward to backward). */
    size_t (*work_size)(const struct encoder *e, int T_in, int B);
    /* x (T_in, B, N_in) -> feat (T_out, B, N_out); saves what backward needs in work. */
    void (*forward)(const struct encoder *e, const real *params, const real *x, int T_in, int B,
                    real *feat, void *work, int use_blas);
    /* Accumulates dL/dparams into dparams from dfeat (T_out, B, N_out). */
    void (*backward)(const struct encoder *e, const real *params, const real *x, int T_in,
                     int B, const real *dfeat, real *dparams, void *work, int use_blas);
};

/* Total parameter count of an encoder (sum of its tensors). */
size_t encoder_n_params(const struct encoder *e);
/* Features per step the encoder hands the recurrence: the model's input width N. */
int encoder_features(const struct encoder *e);

#endif
