/* xor.c: XOR of two marked bits, the worked example of docs/ADDING_A_TASK.md (not in the
 * paper).
 *
 * Each sequence has T steps (default 20) of input s_t = (v_t, m_t): a mark m_t that is 1 at
 * exactly two distinct steps and 0 elsewhere, and at the two marked steps a fair random bit
 * b coded as v_t = 2b - 1 = ±1 (v_t = 0 elsewhere). The target, read out from the last state,
 * is the class b_i XOR b_j of the two marked bits: two classes, cross-entropy, the default
 * metric "accuracy" (task.h). The bits differ exactly when v_i + v_j = 0, in the middle of
 * {-2, 0, 2}: an affine readout of a linear model (P = 0) can separate one end only (at best
 * 3/4 of the sequences), while one ReLU, |v_i + v_j| = relu(v_i + v_j) + relu(-v_i - v_j),
 * separates all, which is what the PWL units (P >= 1, PAPER.md §1) can supply.
 * Splits come from independent child streams, so changing n_test leaves the training set
 * unchanged. Defaults: 2000 train, no validation, 500 test.
 */
#include "tasks.h"

static void xor_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = p->T ? p->T : 20;
    *N = 2; /* (v, mark) */
    *K = 2; /* classes 0 and 1 */
}

static void xor_fill(struct dataset *d, rng_t *r) {
    const int T = d->T;
    for (int i = 0; i < d->n; i++) {
        real *x = d->x + (size_t)i * T * 2; /* (T, 2), zeroed by dataset_alloc */
        const int a = rng_int_range(r, 0, T);
        int b = rng_int_range(r, 0, T - 1);
        if (b >= a) b++; /* distinct from a, uniform over the other T-1 steps */
        const int bit_a = rng_int_range(r, 0, 2), bit_b = rng_int_range(r, 0, 2);
        x[2 * a] = (real)(2 * bit_a - 1);
        x[2 * b] = (real)(2 * bit_b - 1);
        x[2 * a + 1] = 1;
        x[2 * b + 1] = 1;
        d->label[i] = bit_a ^ bit_b;
    }
}

static void xor_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                          struct dataset *val, struct dataset *test) {
    int T, N, K;
    xor_dims(p, &T, &N, &K);
    if (T < 2) die("xor: T = %d is too short (two marked steps need T >= 2)", T);
    const int n[3] = {p->n_train ? p->n_train : 2000, p->n_val, p->n_test ? p->n_test : 500};
    struct dataset *d[3] = {train, val, test};
    for (int s = 0; s < 3; s++) {
        rng_t child = rng_split(r, (uint64_t)s + 1);
        dataset_alloc(d[s], n[s], T, N, K, 1, LOSS_CE, 0);
        xor_fill(d[s], &child);
    }
}

const struct task_type task_xor = {
    .name = "xor",
    .description = "XOR of two marked bits, read out at the last step, cross-entropy (the "
                   "worked example of docs/ADDING_A_TASK.md)",
    .loss = LOSS_CE,
    .readout = READOUT_LAST,
    .dims = xor_dims,
    .make_data = xor_make_data,
};
