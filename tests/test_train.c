/* test_train.c: the one training loop (core/train.c) through the model interface: a step
 * that finds a non-finite or exploding loss updates nothing and says why; a diverging run
 * finishes with its history and the last finite parameters; bin/alrnn turns an absurd
 * learning rate into a complete run file marked diverged, exit status 0. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "h5io.h"
#include "model.h"
#include "tasks.h"
#include "testutil.h"
#include "train.h"

/* The smoke addition problem: data, an initialised AL-RNN and its model object. */
struct setup {
    struct dataset tr, va, te;
    struct alrnn net;
    struct model mo;
    struct train_data td;
};

static void setup_init(struct setup *s, uint64_t seed) {
    struct task_params tp = {.T = 12, .n_train = 96, .n_test = 32};
    rng_t dr, ir;
    rng_init(&dr, seed, RNG_STREAM_DATA);
    rng_init(&ir, seed, RNG_STREAM_INIT);
    task_addition.make_data(&tp, &dr, &s->tr, &s->va, &s->te);
    struct alrnn_config c = {.M = 8, .P = 2, .N = 2, .K = 1, .z0 = Z0_UNIFORM,
                             .readout = READOUT_LAST};
    alrnn_create(&s->net, &c, NULL);
    alrnn_init_params(&s->net, &ir);
    model_alrnn(&s->mo, &s->net, &task_addition);
    s->td = (struct train_data){.train = &s->tr, .val = &s->va, .test = &s->te,
                                .n_train = s->tr.n, .n_val = s->va.n, .n_test = s->te.n};
}

static void setup_free(struct setup *s) {
    alrnn_free(&s->net);
    dataset_free(&s->tr), dataset_free(&s->va), dataset_free(&s->te);
}

/* The gradient train_step() applies (backward + regulariser through the model interface)
 * is that of forward_loss + regularizer: element-wise five-point differences on the smoke
 * addition problem with P = 0 (no ReLU kinks, so no element is skipped), random initial
 * states drawn from the same stream state at every evaluation. */
Test(train, model_interface_gradient_matches_differences) {
    enum { B = 8 };
    struct task_params tp = {.T = 6, .n_train = B, .n_test = 4};
    rng_t dr, ir;
    rng_init(&dr, 11, RNG_STREAM_DATA);
    rng_init(&ir, 11, RNG_STREAM_INIT);
    struct dataset tr, va, te;
    task_addition.make_data(&tp, &dr, &tr, &va, &te);
    struct alrnn net;
    struct alrnn_config c = {.M = 5, .P = 0, .N = 2, .K = 1, .z0 = Z0_UNIFORM,
                             .readout = READOUT_LAST, .init = ALRNN_INIT_MULTITASK};
    alrnn_create(&net, &c, NULL);
    alrnn_init_params(&net, &ir);
    struct model mo;
    model_alrnn(&mo, &net, &task_addition);
    int idx[B];
    for (int i = 0; i < B; i++) idx[i] = i;
    void *w = mo.type->work_alloc(&mo, &tr, B);
    const double tau = 0.3;
    const int M_reg = 3;
    const size_t n = mo.n_params;
    double *g = malloc(n * sizeof(double));
    rng_t r;
    rng_init(&r, 2, RNG_STREAM_BATCH);
    mo.type->forward_loss(&mo, w, &tr, idx, B, &r, 1);
    memset(g, 0, n * sizeof(double));
    mo.type->backward(&mo, w, g);
    mo.type->regularizer(&mo, tau, M_reg, g);
    for (size_t i = 0; i < n; i++) {
        const double p0 = mo.params[i];
        double f[4];
        const double off[4] = {-2, -1, 1, 2};
        for (int k = 0; k < 4; k++) {
            mo.params[i] = p0 + off[k] * GRAD_STEP;
            rng_init(&r, 2, RNG_STREAM_BATCH);
            f[k] = mo.type->forward_loss(&mo, w, &tr, idx, B, &r, 0) +
                   mo.type->regularizer(&mo, tau, M_reg, NULL);
        }
        mo.params[i] = p0;
        const double num = five_point(f);
        cr_assert(rel_err(g[i], num) < GRAD_RTOL, "parameter %zu: analytic %.10g, numeric %.10g",
                  i, g[i], num);
    }
    free(g);
    mo.type->work_free(w);
    alrnn_free(&net);
    dataset_free(&tr), dataset_free(&va), dataset_free(&te);
}

/* One train_step on the first B training sequences, in a run whose first-step loss was
 * first_loss (NAN: this is the first step), under the divergence stop blowup_loss (train.h);
 * params and Adam checked unchanged unless the step is TRAIN_OK. */
static train_status one_step_stop(struct setup *s, double lr, double first_loss,
                                  double blowup_loss, double *L) {
    enum { B = 16 };
    int idx[B];
    for (int i = 0; i < B; i++) idx[i] = i;
    const struct train_config cfg = {.epochs = 1, .batch = B, .lr = lr, .tau = 0.1, .M_reg = 4,
                                     .blowup_loss = blowup_loss};
    void *w = s->mo.type->work_alloc(&s->mo, &s->tr, B);
    struct adam opt;
    adam_init(&opt, s->mo.n_params);
    real *grad = malloc(s->mo.n_params * sizeof(real));
    real *before = malloc(s->mo.n_params * sizeof(real));
    memcpy(before, s->mo.params, s->mo.n_params * sizeof(real));
    rng_t r;
    rng_init(&r, 1, RNG_STREAM_BATCH);
    double gn;
    const train_status st =
        train_step(&s->mo, w, &s->tr, idx, B, &r, &cfg, lr, first_loss, &opt, grad, L, &gn);
    const int same = memcmp(before, s->mo.params, s->mo.n_params * sizeof(real)) == 0;
    if (st == TRAIN_OK) {
        cr_assert(!same && opt.t == 1, "a good step did not update the parameters");
        cr_assert(isfinite(gn) && gn > 0);
    } else {
        cr_assert(same, "a failing step (%s) changed the parameters", train_status_names[st]);
        cr_assert_eq(opt.t, 0, "a failing step advanced Adam");
    }
    s->mo.type->work_free(w);
    adam_free(&opt);
    free(grad), free(before);
    return st;
}

static train_status one_step(struct setup *s, double lr, double first_loss, double *L) {
    return one_step_stop(s, lr, first_loss, 0, L);
}

Test(train, step_ok_then_nonfinite_and_blowup_update_nothing) {
    struct setup s;
    setup_init(&s, 5);
    double L0, L;
    cr_assert_eq(one_step(&s, 1e-3, NAN, &L0), TRAIN_OK);
    cr_assert(isfinite(L0) && L0 < 10);
    /* a readout 1e6 times too large: MSE ~ 1e8, finite but above 1e6 x max(1, L0) */
    struct alrnn_views v = alrnn_views(&s.net, s.net.params);
    for (int j = 0; j < 8; j++) v.D[j] *= 1e6;
    cr_assert_eq(one_step(&s, 1e-3, L0, &L), TRAIN_LOSS_BLOWUP, "loss %g", L);
    cr_assert(isfinite(L) && L > TRAIN_BLOWUP_FACTOR * (L0 > 1 ? L0 : 1));
    v.W[3] = NAN;
    cr_assert_eq(one_step(&s, 1e-3, L0, &L), TRAIN_LOSS_NONFINITE, "loss %g", L);
    setup_free(&s);
}

/* The default stop is relative to the run's first-step loss: a first loss of 1e6-1e12 (the
 * multi-task init at P >= 2) is the run's own scale, not a blow-up; blowup_loss > 0 is an
 * absolute limit, < 0 none. */
Test(train, blowup_limit_is_relative_to_the_first_loss) {
    const struct train_config def = {0}, abs6 = {.blowup_loss = 1e6}, never = {.blowup_loss = -1};
    cr_assert_eq(train_blowup_limit(&def, 0.3), 1e6, "first losses below 1 count as 1");
    cr_assert_eq(train_blowup_limit(&def, 1e9), 1e15);
    cr_assert_eq(train_blowup_limit(&abs6, 1e9), 1e6);
    cr_assert(isinf(train_blowup_limit(&never, 1)));

    struct setup s;
    setup_init(&s, 5);
    struct alrnn_views v = alrnn_views(&s.net, s.net.params);
    for (int j = 0; j < 8; j++) v.D[j] *= 1e6; /* MSE ~ 1e8 from the first step on */
    double L0, L;
    /* the first step is its own reference: never a blow-up, and the run goes on */
    cr_assert_eq(one_step(&s, 1e-3, NAN, &L0), TRAIN_OK, "loss %g", L0);
    cr_assert(L0 > 1e6, "first loss %g", L0);
    cr_assert_eq(one_step(&s, 1e-3, L0, &L), TRAIN_OK, "loss %g after first %g", L, L0);
    /* the absolute limit ends the same step; with no stop it goes on */
    cr_assert_eq(one_step_stop(&s, 1e-3, L0, 1e6, &L), TRAIN_LOSS_BLOWUP, "loss %g", L);
    cr_assert_eq(one_step_stop(&s, 1e-3, L0, -1, &L), TRAIN_OK, "loss %g", L);
    /* a run that started at L0 blows up 1e6 x L0 later */
    for (int j = 0; j < 8; j++) v.D[j] *= 1e4; /* loss x 1e8 */
    cr_assert_eq(one_step(&s, 1e-3, L0, &L), TRAIN_LOSS_BLOWUP, "loss %g after first %g", L, L0);
    setup_free(&s);

    /* a whole run from a huge first loss trains and records that loss */
    setup_init(&s, 5);
    v = alrnn_views(&s.net, s.net.params);
    for (int j = 0; j < 8; j++) v.D[j] *= 1e6;
    const struct train_config cfg = {.epochs = 2, .batch = 32, .lr = 1e-3, .eval_every = 1};
    struct train_history h;
    train_run(&s.mo, &cfg, &s.td, 5, "huge-first-loss", NULL, &h);
    cr_assert_eq(h.diverged, 0, "cause %s at step %ld", train_status_names[h.diverged_cause],
                 h.diverged_step);
    cr_assert_eq(h.epochs, 2);
    cr_assert(h.first_loss > 1e6, "first loss %g", h.first_loss);
    train_history_free(&h);
    setup_free(&s);
}

/* An absurd learning rate: the run stops in epoch 1, keeps finite parameters, and the
 * history says where and why. */
Test(train, absurd_learning_rate_stops_with_last_finite_state) {
    struct setup s;
    setup_init(&s, 7);
    const struct train_config cfg = {.epochs = 5, .batch = 32, .lr = 1e4, .tau = 0.1,
                                     .M_reg = 4, .eval_every = 1};
    struct train_history h;
    train_run(&s.mo, &cfg, &s.td, 7, "diverge", NULL, &h);
    cr_assert_eq(h.diverged, 1);
    cr_assert_eq(h.diverged_epoch, 1);
    cr_assert(h.diverged_step >= 2, "the first step cannot see a diverged model");
    cr_assert(h.diverged_cause == TRAIN_LOSS_NONFINITE || h.diverged_cause == TRAIN_LOSS_BLOWUP);
    cr_assert_eq(h.epochs, 0, "the diverged epoch is not in the history");
    cr_assert_eq(h.n_eval, 0);
    for (size_t i = 0; i < s.mo.n_params; i++)
        cr_assert(isfinite(s.mo.params[i]), "parameter %zu is not finite", i);
    train_history_free(&h);

    /* a sane rate does not diverge */
    setup_free(&s);
    setup_init(&s, 7);
    const struct train_config ok = {.epochs = 2, .batch = 32, .lr = 1e-3, .eval_every = 1};
    train_run(&s.mo, &ok, &s.td, 7, "ok", NULL, &h);
    cr_assert_eq(h.diverged, 0);
    cr_assert_eq(h.epochs, 2);
    train_history_free(&h);
    setup_free(&s);
}

/* Through bin/alrnn: exit status 0 and a complete run file with diverged = 1 and its
 * epoch, step and cause; a normal run says diverged = 0. */
Test(train, cli_diverged_run_file) {
    char dir[256], out[512], args[1024], err[16384];
    tu_tmpdir(dir, sizeof dir, "diverge");
    snprintf(out, sizeof out, "%s/P2_seed0.h5", dir);
    snprintf(args, sizeof args, "run addition --P 2 --seed 0 --profile smoke --out %s", out);
    cr_assert_eq(tu_alrnn("ALRNN_TEST_OVERRIDE=lr=1e4", args, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(err, "diverged"), "no word of the divergence on stderr: %s", err);
    struct h5file f;
    h5_open_read(&f, out);
    cr_assert_eq(h5_read_attr_int(&f, "/", "diverged"), 1);
    cr_assert_eq(h5_read_attr_int(&f, "/", "diverged_epoch"), 1);
    cr_assert(h5_read_attr_int(&f, "/", "diverged_step") >= 2);
    char *cause = h5_read_attr_str(&f, "/", "diverged_cause");
    cr_assert(!strcmp(cause, train_status_names[TRAIN_LOSS_NONFINITE]) ||
                  !strcmp(cause, train_status_names[TRAIN_LOSS_BLOWUP]),
              "cause '%s'", cause);
    free(cause);
    cr_assert_float_eq(h5_read_attr_double(&f, "/config", "lr"), 1e4, 1e-9);
    const char *sets[] = {"/model/W", "/train/loss", "/eval/epoch", "/test/mse", "/test/sample/z"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
        cr_assert(h5_exists(&f, sets[i]), "%s missing from a diverged run file", sets[i]);
    h5_close(&f);

    snprintf(args, sizeof args, "run addition --P 2 --seed 0 --profile smoke --out %s", out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    h5_open_read(&f, out);
    cr_assert_eq(h5_read_attr_int(&f, "/", "diverged"), 0);
    h5_close(&f);
    tu_rm_rf(dir);
}
