/* addition.c: the addition problem of PAPER.md §2.5 (Fig 4, Proposition 1).
 *
 * Each sequence has T steps (default 100) of input s_t = (x_t, m_t): x_t ~ U(0, 1) and a mask
 * m_t that is 1 at exactly two distinct steps, both in the first half (t < T/2), and 0
 * elsewhere. The target, read out from the last state, is y = x_i + x_j ∈ [0, 2]; loss MSE.
 * (Not Hochreiter's protocol: no rescaling of the target, no values in [-1, 1].)
 * Splits come from independent child streams, so changing n_test leaves the training set
 * unchanged. Defaults: 10 000 train (commit 2568d9f), no validation, 1 000 test.
 */
#include "tasks.h"

static void addition_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = p->T ? p->T : 100;
    *N = 2;
    *K = 1;
}

static void addition_fill(struct dataset *d, rng_t *r) {
    const int T = d->T, half = T / 2;
    for (int i = 0; i < d->n; i++) {
        real *x = d->x + (size_t)i * T * 2;
        for (int t = 0; t < T; t++) x[2 * t] = (real)rng_uniform(r);
        const int a = rng_int_range(r, 0, half);
        int b = rng_int_range(r, 0, half - 1);
        if (b >= a) b++; /* distinct from a, uniform over the other half-1 positions */
        x[2 * a + 1] = 1;
        x[2 * b + 1] = 1;
        d->y[i] = x[2 * a] + x[2 * b];
    }
}

static void addition_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                               struct dataset *val, struct dataset *test) {
    int T, N, K;
    addition_dims(p, &T, &N, &K);
    if (T < 4) die("addition: T = %d is too short (two marks in the first half need T >= 4)", T);
    const int n[3] = {p->n_train ? p->n_train : 10000, p->n_val, p->n_test ? p->n_test : 1000};
    struct dataset *d[3] = {train, val, test};
    for (int s = 0; s < 3; s++) {
        rng_t child = rng_split(r, (uint64_t)s + 1);
        dataset_alloc(d[s], n[s], T, N, K, 1, LOSS_MSE, 0);
        addition_fill(d[s], &child);
    }
}

const struct task_type task_addition = {
    .name = "addition",
    .description = "addition problem, two marked values in the first half, MSE (PAPER.md 2.5)",
    .loss = LOSS_MSE,
    .readout = READOUT_LAST,
    .dims = addition_dims,
    .make_data = addition_make_data,
};
