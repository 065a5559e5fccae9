/* realdata.h: tasks on real data (PAPER.md §2.1–2.3), their encoders, and the split rules
 * the three tasks share.
 *
 *   task_smnist  sequential MNIST, 784 pixels in [0, 1] one per step, 10 classes   (§2.2)
 *   task_imdb    IMDb sentiment, 128 token ids one per step, 2 classes              (§2.1)
 *   task_audio   spoken words as 40 z-scored MFCCs per frame, 10 classes           (§2.3)
 *                (FSDD offline; Google Speech Commands with opts "sc=1")
 * Each reads its files from params->data_dir (`make datasets` fills data/), has CE on the
 * last step, and pairs with an encoder of tasks/realdata/enc_realdata.h in its experiment row.
 *
 * Splits (all tasks):
 *   - train/validation: the training pool is shuffled with the run's data generator and cut
 *     90/10 (PAPER.md: random_split seeded by the run index), so each seed has its own split;
 *   - subsampling (the quick and smoke profiles): n_train / n_val keep the first n of each
 *     shuffled part; 0 keeps all;
 *   - test: the official test set in a FIXED shuffled order (a generator independent of the
 *     seed), truncated to n_test when set; every run of a sweep is scored on the same
 *     sequences, and the first sequences (run-file samples, analyses) mix the classes.
 */
#ifndef ALRNN_REALDATA_H
#define ALRNN_REALDATA_H

#include <unistd.h>

#include "enc_realdata.h"
#include "task.h"

extern const struct task_type task_smnist; /* tasks/realdata/smnist.c, PAPER.md §2.2 */
extern const struct task_type task_imdb;   /* tasks/realdata/imdb.c, PAPER.md §2.1 */
extern const struct task_type task_audio;  /* tasks/realdata/audio.c, PAPER.md §2.3 */

/* Stream of the fixed test-order generator (rng_init(&r, 0, REALDATA_TEST_STREAM)). */
#define REALDATA_TEST_STREAM 0x7e57

/* Seeded 90/10 split of a pool of n, then subsampling. idx (n) receives the shuffled pool;
 * the training part is idx[0 .. *n_train), the validation part idx[*val_start ..
 * *val_start + *n_val). want_* = 0 keeps the whole part. */
static inline void realdata_split(int n, rng_t *r, int want_train, int want_val, int *idx,
                                  int *n_train, int *val_start, int *n_val) {
    for (int i = 0; i < n; i++) idx[i] = i;
    rng_shuffle_int(r, idx, n);
    const int nv = n / 10, nt = n - nv;
    *n_train = want_train > 0 && want_train < nt ? want_train : nt;
    *val_start = nt;
    *n_val = want_val > 0 && want_val < nv ? want_val : nv;
}

/* The test order: a fixed permutation of 0..n-1; returns how many are kept (want, or n). */
static inline int realdata_test_order(int n, int want, int *idx) {
    rng_t t;
    rng_init(&t, 0, REALDATA_TEST_STREAM);
    for (int i = 0; i < n; i++) idx[i] = i;
    rng_shuffle_int(&t, idx, n);
    return want > 0 && want < n ? want : n;
}

/* Dies with a hint when a data file or folder is absent. */
static inline void realdata_need(const char *path, const char *make_target) {
    if (access(path, R_OK) != 0)
        die("%s is missing: fetch the data with `make %s` (the runs read ALRNN_DATA_DIR, "
            "default data/)",
            path, make_target);
}

#endif
