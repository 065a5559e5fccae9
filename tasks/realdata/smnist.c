/* smnist.c: sequential MNIST (PAPER.md §2.2): each 28×28 image is read row by row as 784
 * steps of one pixel value in [0, 1] (torchvision ToTensor, no normalisation, no
 * permutation); the label is read out from the last state (CE, 10 classes). The sMNIST
 * encoder (1-D CNN, tasks/realdata/enc_smnist.c) shortens the 784 steps to 196 before the AL-RNN.
 *
 * Data: params->data_dir/mnist/ (`make datasets-mnist`): 60 000 training images, cut 90/10
 * into 54 000 train / 6 000 validation per seed, and the 10 000 test images. Splits and
 * subsampling: tasks/realdata/realdata.h.
 *
 * Options (params->opts):
 *   fashion=1  Fashion-MNIST instead of MNIST (the same IDX format, file names and sizes),
 *              read in place from $ALRNN_FASHION_DIR, else /usr/share/datasets/fashion-mnist:
 *              Debian's package dataset-fashion-mnist (`make datasets-fashion-mnist`
 *              installs it; apt verifies the package).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data_mnist.h"
#include "tasks.h"

enum { SMNIST_T = 784 };

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

static void smnist_dims(const struct task_params *p, int *T, int *N, int *K) {
    if (p->T && p->T != SMNIST_T) die("smnist: T is fixed at 784 pixels (got T = %d)", p->T);
    *T = SMNIST_T;
    *N = 1;
    *K = MNIST_CLASSES;
}

/* Images idx[0..n) of s into d (allocated here). */
static void fill(struct dataset *d, const struct mnist_set *s, const int *idx, int n) {
    dataset_alloc(d, n, SMNIST_T, 1, MNIST_CLASSES, 1, LOSS_CE, 0);
    for (int i = 0; i < n; i++) {
        const uint8_t *px = s->pixels + (size_t)idx[i] * SMNIST_T;
        real *x = d->x + (size_t)i * SMNIST_T;
        for (int t = 0; t < SMNIST_T; t++) x[t] = (real)(px[t] / 255.0);
        d->label[i] = s->labels[idx[i]];
    }
}

static void smnist_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                             struct dataset *val, struct dataset *test) {
    char dir[4096], file[4200];
    if (task_opt_int(p, "fashion", 0)) {
        const char *env = getenv("ALRNN_FASHION_DIR");
        snprintf(dir, sizeof dir, "%s", env && *env ? env : FASHION_DIR);
        snprintf(file, sizeof file, "%s/%s", dir, MNIST_TRAIN_IMAGES);
        if (access(file, R_OK) != 0)
            die("%s is missing: Fashion-MNIST comes from Debian's dataset-fashion-mnist "
                "(`make datasets-fashion-mnist` installs it; ALRNN_FASHION_DIR points elsewhere)",
                file);
    } else {
        snprintf(dir, sizeof dir, "%s/mnist", p->data_dir ? p->data_dir : "data");
        snprintf(file, sizeof file, "%s/%s", dir, MNIST_TRAIN_IMAGES);
        realdata_need(file, "datasets-mnist");
    }
    struct mnist_set tr, te;
    mnist_load_dir(&tr, dir, 1);
    mnist_load_dir(&te, dir, 0);
    if (tr.n != MNIST_TRAIN_COUNT || te.n != MNIST_TEST_COUNT)
        die("%s/%s: %zu images, expected %d: the file is incomplete; rerun `make datasets-mnist`",
            dir, tr.n != MNIST_TRAIN_COUNT ? MNIST_TRAIN_IMAGES : MNIST_TEST_IMAGES,
            tr.n != MNIST_TRAIN_COUNT ? tr.n : te.n,
            tr.n != MNIST_TRAIN_COUNT ? MNIST_TRAIN_COUNT : MNIST_TEST_COUNT);
    if (tr.rows * tr.cols != SMNIST_T || te.rows * te.cols != SMNIST_T)
        die("%s: images are %dx%d, sMNIST needs 28x28", dir, tr.rows, tr.cols);

    int *idx = xmalloc(tr.n * sizeof(int));
    int n_train, val_start, n_val;
    realdata_split((int)tr.n, r, p->n_train, p->n_val, idx, &n_train, &val_start, &n_val);
    fill(train, &tr, idx, n_train);
    fill(val, &tr, idx + val_start, n_val);
    int *tidx = xmalloc(te.n * sizeof(int));
    const int n_test = realdata_test_order((int)te.n, p->n_test, tidx);
    fill(test, &te, tidx, n_test);
    free(idx);
    free(tidx);
    mnist_free(&tr);
    mnist_free(&te);
}

const struct task_type task_smnist = {
    .name = "smnist",
    .description = "sequential MNIST, 784 pixels row by row, 10 classes, CE (PAPER.md 2.2)",
    .loss = LOSS_CE,
    .readout = READOUT_LAST,
    .dims = smnist_dims,
    .make_data = smnist_make_data,
};
