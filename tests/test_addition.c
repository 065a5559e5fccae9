/* test_addition.c: invariants of the addition generator (PAPER.md §2.5). */
#include <criterion/criterion.h>
#include <string.h>

#include "tasks.h"

static void make(uint64_t seed, int n_test, struct dataset d[3]) {
    struct task_params p = {.T = 100, .n_train = 500, .n_val = 20, .n_test = n_test};
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_DATA);
    task_addition.make_data(&p, &r, &d[0], &d[1], &d[2]);
}

Test(addition, two_marks_in_first_half_target_is_their_sum) {
    struct dataset d[3];
    make(1, 300, d);
    for (int s = 0; s < 3; s++) {
        const struct dataset *ds = &d[s];
        cr_assert_eq(ds->T, 100);
        cr_assert_eq(ds->N, 2);
        cr_assert_eq(ds->T_out, 1);
        for (int i = 0; i < ds->n; i++) {
            int marks = 0;
            double sum = 0;
            for (int t = 0; t < ds->T; t++) {
                const real *x = ds->x + ((size_t)i * ds->T + t) * 2;
                cr_assert(x[0] >= 0 && x[0] < 1);
                cr_assert(x[1] == 0 || x[1] == 1);
                if (x[1] == 1) {
                    marks++;
                    sum += x[0];
                    cr_assert(t < ds->T / 2, "mark at t = %d in the second half", t);
                }
            }
            cr_assert_eq(marks, 2, "sequence %d has %d marks", i, marks);
            cr_assert_float_eq(ds->y[i], sum, 1e-6);
            cr_assert_eq(ds->mask[i], 1);
        }
    }
    for (int s = 0; s < 3; s++) dataset_free(&d[s]);
}

Test(addition, marks_cover_the_first_half) {
    struct dataset d[3];
    make(2, 10, d);
    int seen[50] = {0};
    for (int i = 0; i < d[0].n; i++)
        for (int t = 0; t < 50; t++) seen[t] += d[0].x[((size_t)i * 100 + t) * 2 + 1] == 1;
    for (int t = 0; t < 50; t++) cr_assert(seen[t] > 0, "no mark ever at t = %d", t);
    for (int s = 0; s < 3; s++) dataset_free(&d[s]);
}

Test(addition, deterministic_and_splits_independent) {
    struct dataset a[3], b[3], c[3];
    make(5, 100, a);
    make(5, 37, b); /* another test size must not change train or val */
    make(6, 100, c);
    cr_assert(memcmp(a[0].x, b[0].x, sizeof(real) * a[0].n * 200) == 0);
    cr_assert(memcmp(a[1].x, b[1].x, sizeof(real) * a[1].n * 200) == 0);
    cr_assert(memcmp(a[2].x, b[2].x, sizeof(real) * 37 * 200) == 0);
    cr_assert(memcmp(a[0].x, c[0].x, sizeof(real) * a[0].n * 200) != 0);
    for (int s = 0; s < 3; s++) dataset_free(&a[s]), dataset_free(&b[s]), dataset_free(&c[s]);
}
