/* test_scan_model.c: the SCAN encoder-decoder (tasks/scan_model.h) and its runner.
 *
 * Families (STYLE.md 10): element-wise five-point gradient checks of the whole encoder-
 * decoder (both AL-RNNs, both embeddings, MAR on both) in free-running, teacher-forced and
 * mixed modes, in the double-precision build; the step-by-step decoder against the core's
 * batch forward; batch independence and causality of greedy decoding; known answers for the
 * two metric readings and for the construct boundaries (worked by hand from the grammar in
 * shared/datasets/README.md), plus agreement with scan_interpret on all 20,910 commands; a
 * tiny training run that must fit; the bench's SCAN step against the training step composed
 * by hand; the smoke-profile runner end to end (skipped without the SCAN files). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "experiments.h"
#include "h5io.h"
#include "optim.h"
#include "scan_bench.h"
#include "scan_data.h"
#include "scan_model.h"
#include "gradcheck.h"
#include "testutil.h"

/* Problems are drawn until every ReLU pre-activation is at least KINK_MARGIN from 0 and
 * every fed argmax beats the runner-up by ARGMAX_MARGIN: the ±2h steps (times the
 * O(1) sensitivities of these small models) then never cross a kink or flip a choice.
 * Crossings are still detected (the pattern hash) and skipped, and must stay rare. */
#define KINK_MARGIN 0.02
#define ARGMAX_MARGIN 0.02

struct problem {
    struct scan_model m;
    struct scan_work w;
    int T_in, T, B;
    int32_t *src; /* (T_in, B) */
    int32_t *tgt; /* (T, B) */
    double tf;
    uint64_t tf_seed;
    double tau;
    int M_reg;
};

static void problem_setup(struct problem *p, int M, int P_enc, int P_dec, double tf,
                          uint64_t seed) {
    memset(p, 0, sizeof *p);
    const struct scan_model_config c = {.M = M, .P_enc = P_enc, .P_dec = P_dec, .E = 3,
                                        .V_in = 6, .V_out = 7};
    scan_model_create(&p->m, &c);
    rng_t r;
    rng_init(&r, seed, 99);
    scan_model_init(&p->m, &r);
    /* large random parameters (the hand-off D stays the identity) so ReLUs visit both sides */
    for (int i = 0; i < p->m.n_tensors; i++) {
        const struct alrnn_tensor *t = &p->m.tensors[i];
        for (size_t k = 0; k < t->size; k++) p->m.params[t->offset + k] = 0.5 * rng_normal(&r);
    }
    p->T_in = 3, p->T = 5, p->B = 3, p->tf = tf, p->tf_seed = seed + 5;
    p->tau = 0.1, p->M_reg = M / 2 + 1;
    scan_work_alloc(&p->w, &p->m, p->T_in, p->T, p->B);
    p->src = malloc(sizeof(int32_t) * p->T_in * p->B);
    p->tgt = malloc(sizeof(int32_t) * p->T * p->B);
    for (int b = 0; b < p->B; b++) {
        const int n_in = 1 + (int)rng_below(&r, p->T_in);       /* then pads */
        const int n_out = 1 + (int)rng_below(&r, p->T - 1);     /* then <end>, then pads */
        for (int t = 0; t < p->T_in; t++)
            p->src[t * p->B + b] = t < n_in ? SCAN_N_SPECIAL + (int)rng_below(&r, 2) : SCAN_PAD;
        for (int t = 0; t < p->T; t++)
            p->tgt[t * p->B + b] = t < n_out    ? SCAN_N_SPECIAL + (int)rng_below(&r, 3)
                                   : t == n_out ? SCAN_END
                                                : SCAN_PAD;
    }
}

static void problem_free(struct problem *p) {
    scan_work_free(&p->w);
    scan_model_free(&p->m);
    free(p->src);
    free(p->tgt);
}

static uint64_t last_pattern;

/* ReLU signs of both AL-RNNs and every fed token: the piece of the loss we are on. */
static uint64_t pattern_hash(const struct problem *p) {
    const int M = p->m.cfg.M, B = p->B;
    uint64_t h = 1469598103934665603ULL;
    for (int r = 0; r < (p->T_in + 1) * B; r++)
        for (int i = M - p->m.cfg.P_enc; i < M; i++)
            h = (h ^ (p->w.enc.Z[(size_t)r * M + i] > 0)) * 1099511628211ULL;
    for (int r = 0; r < (p->w.T + 1) * B; r++)
        for (int i = M - p->m.cfg.P_dec; i < M; i++)
            h = (h ^ (p->w.dec.Z[(size_t)r * M + i] > 0)) * 1099511628211ULL;
    for (int r = 0; r < p->w.T * B; r++) h = (h ^ (uint64_t)p->w.fed[r]) * 1099511628211ULL;
    return h;
}

/* Loss + MAR of both; gradient into grad when non-NULL. */
static double objective(struct problem *p, real *grad) {
    rng_t r;
    rng_init(&r, p->tf_seed, 3);
    scan_forward(&p->m, &p->w, p->src, p->tgt, p->T, p->T, p->tf, &r);
    last_pattern = pattern_hash(p);
    double L = scan_loss(&p->m, &p->w, p->tgt, p->T, 5.0, grad != NULL, NULL);
    struct scan_views g = {0};
    if (grad) {
        memset(grad, 0, sizeof(real) * p->m.n_params);
        scan_backward(&p->m, &p->w, grad);
        g = scan_model_views(&p->m, grad);
    }
    L += alrnn_mar(&p->m.enc, p->tau, p->M_reg, grad ? g.enc : NULL);
    L += alrnn_mar(&p->m.dec, p->tau, p->M_reg, grad ? g.dec : NULL);
    return L;
}

/* Smallest distance of a ReLU pre-activation from 0 (in units of KINK_MARGIN) and of a fed
 * argmax from its runner-up (in units of ARGMAX_MARGIN); > 1 means clear of both. */
static double margins(struct problem *p) {
    objective(p, NULL);
    const int M = p->m.cfg.M, B = p->B, V = p->m.cfg.V_out;
    double mn = INFINITY;
    for (int r = B; r < (p->T_in + 1) * B; r++) /* z^e_0 = 0 is fixed, not a crossing risk */
        for (int i = M - p->m.cfg.P_enc; i < M; i++)
            mn = fmin(mn, fabs(p->w.enc.Z[(size_t)r * M + i]) / KINK_MARGIN);
    for (int r = 0; r < (p->T + 1) * B; r++)
        for (int i = M - p->m.cfg.P_dec; i < M; i++)
            mn = fmin(mn, fabs(p->w.dec.Z[(size_t)r * M + i]) / KINK_MARGIN);
    for (int r = 0; r < (p->T - 1) * B; r++) { /* the last step's argmax is never fed */
        const real *y = p->w.dec.Y + (size_t)r * V;
        const int best = p->w.pred[r];
        for (int k = 0; k < V; k++)
            if (k != best) mn = fmin(mn, (y[best] - y[k]) / ARGMAX_MARGIN);
    }
    return mn;
}

static void problem_init(struct problem *p, int M, int P_enc, int P_dec, double tf,
                         uint64_t seed) {
    for (int attempt = 0;; attempt++) {
        cr_assert(attempt < 2000, "no problem with clear margins found");
        problem_setup(p, M, P_enc, P_dec, tf, seed + 7919 * (uint64_t)attempt);
        if (margins(p) > 1) return;
        problem_free(p);
    }
}

static double objective_f(void *ctx) { return objective(ctx, NULL); }

/* Every element of every trained tensor against five-point differences. */
static void gradcheck(int M, int P_enc, int P_dec, double tf, uint64_t seed) {
    struct problem p;
    problem_init(&p, M, P_enc, P_dec, tf, seed);
    real *grad = calloc(p.m.n_params, sizeof(real));
    objective(&p, grad);
    /* the fixed hand-off D receives no gradient */
    struct alrnn_views ge = alrnn_views(&p.m.enc, grad + p.m.off_enc);
    for (int i = 0; i < M * M; i++) cr_expect(ge.D[i] == 0, "encoder D[%d] got a gradient", i);
    const struct grad_objective o = {objective_f, &p, &last_pattern};
    for (int ti = 0; ti < p.m.n_tensors; ti++) {
        const struct alrnn_tensor *t = &p.m.tensors[ti];
        char what[128];
        snprintf(what, sizeof what, "M=%d P_enc=%d P_dec=%d tf=%g %s", M, P_enc, P_dec, tf,
                 t->name);
        grad_check_expect(&o, p.m.params + t->offset, t->size, grad + t->offset, what);
    }
    free(grad);
    problem_free(&p);
}

/* Free-running (the paper's mode), teacher-forced, and a mixture; P at 0, mid and M. */
Test(scan_model, gradcheck_free_running) {
    gradcheck(5, 2, 2, 0.0, 11);
    gradcheck(5, 0, 5, 0.0, 12);
    gradcheck(5, 5, 0, 0.0, 13);
}

Test(scan_model, gradcheck_teacher_forcing) {
    gradcheck(5, 2, 3, 1.0, 21);
    gradcheck(4, 4, 4, 0.5, 22);
}

/* The check must be able to fail: the real checker, on every tensor, with one analytic entry
 * off by GRAD_PLANTED_ERROR (relative) reports exactly that entry; and with the embedding
 * gradient's sign flipped in a row fed at t = 2 (as if the gradient went through the argmax
 * choice the wrong way) it fails too. Each tensor passes unperturbed. */
Test(scan_model, gradcheck_detects_wrong_gradient) {
    struct problem p;
    problem_init(&p, 5, 2, 2, 0.0, 31);
    real *grad = calloc(p.m.n_params, sizeof(real)), *bad = malloc(p.m.n_params * sizeof(real));
    objective(&p, grad);
    const struct grad_objective o = {objective_f, &p, &last_pattern};
    for (int ti = 0; ti < p.m.n_tensors; ti++) {
        const struct alrnn_tensor *t = &p.m.tensors[ti];
        grad_expect_catches_planted_error(&o, p.m.params + t->offset, t->size,
                                          grad + t->offset, t->name);
    }
    const size_t row = p.m.off_emb_out + (size_t)p.w.fed[p.B] * p.m.cfg.E; /* fed at t = 2 */
    memcpy(bad, grad, p.m.n_params * sizeof(real));
    for (int e = 0; e < p.m.cfg.E; e++) bad[row + e] = -bad[row + e];
    const struct grad_result r = grad_check(&o, p.m.params + row, p.m.cfg.E, bad + row);
    cr_assert(!grad_ok(&r), "a sign-flipped embedding row passed the check");
    free(grad), free(bad);
    problem_free(&p);
}

/* The step-by-step decoder equals the core's batch forward of the same AL-RNN over the same
 * inputs from the encoder's final state, and the encoder's state is the batch forward's. */
Test(scan_model, step_decoder_matches_batch_forward) {
    struct problem p;
    problem_setup(&p, 6, 3, 2, 1.0, 41);
    objective(&p, NULL);
    const int M = p.m.cfg.M, B = p.B, T = p.w.T, V = p.m.cfg.V_out;
    struct alrnn_work w;
    alrnn_work_alloc(&w, &p.m.dec, T, B);
    memcpy(w.Z, p.w.enc.Z + (size_t)p.T_in * B * M, sizeof(real) * B * M);
    alrnn_forward(&p.m.dec, &w, p.w.x_dec);
    for (int i = 0; i < T * B * V; i++)
        cr_expect(fabs(w.Y[i] - p.w.dec.Y[i]) < 1e-12, "logit %d: %g vs %g", i, w.Y[i],
                  p.w.dec.Y[i]);
    for (int i = 0; i < (T + 1) * B * M; i++)
        cr_expect(fabs(w.Z[i] - p.w.dec.Z[i]) < 1e-12, "state %d", i);
    /* teacher-forced inputs: <start>, then the targets */
    for (int b = 0; b < B; b++) {
        cr_expect_eq(p.w.fed[b], SCAN_START);
        for (int t = 1; t < T; t++) cr_expect_eq(p.w.fed[t * B + b], p.tgt[(t - 1) * B + b]);
    }
    alrnn_work_free(&w);
    problem_free(&p);
}

/* A row's decoding does not depend on the other rows of its batch; greedy decoding is causal
 * (stopping early changes nothing before the stop) and free-running feeds the argmax. */
Test(scan_model, batch_independence_and_causality) {
    struct problem p;
    problem_setup(&p, 6, 3, 3, 0.0, 51);
    const int B = p.B, V = p.m.cfg.V_out, T = p.T;
    scan_forward(&p.m, &p.w, p.src, p.tgt, T, T, 0, NULL);
    for (int b = 0; b < B; b++)
        for (int t = 1; t < T; t++) cr_expect_eq(p.w.fed[t * B + b], p.w.pred[(t - 1) * B + b]);
    struct scan_work w1;
    scan_work_alloc(&w1, &p.m, p.T_in, 12, 1);
    int32_t src1[3], tgt1[5];
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < p.T_in; t++) src1[t] = p.src[t * B + b];
        for (int t = 0; t < T; t++) tgt1[t] = p.tgt[t * B + b];
        const int steps = scan_forward(&p.m, &w1, src1, tgt1, 2, 12, 0, NULL);
        cr_assert(steps >= 2 && steps <= 12);
        const int n = steps < T ? steps : T;
        for (int t = 0; t < n; t++) {
            cr_expect_eq(w1.pred[t], p.w.pred[t * B + b], "row %d step %d", b, t);
            for (int k = 0; k < V; k++)
                cr_expect(fabs(w1.dec.Y[(size_t)t * V + k] - p.w.dec.Y[((size_t)t * B + b) * V + k]) <
                          1e-12);
        }
        /* it stopped either at the limit or right after the first <end> */
        int first_end = -1;
        for (int t = 0; t < steps && first_end < 0; t++)
            if (w1.pred[t] == SCAN_END) first_end = t;
        cr_expect(steps == 12 || (first_end >= 0 && steps == (first_end + 1 > 2 ? first_end + 1 : 2)));
    }
    scan_work_free(&w1);
    problem_free(&p);
}

/* Known answers for both readings, by hand (scan_model.h). Actions 4..9, <end> = 3, pad = 0. */
Test(scan_model, metrics_known_answers) {
    const int32_t tgt[6] = {4, 5, 6, SCAN_END, 0, 0}; /* n = 3 */
    struct { int32_t pred[6]; int Tp; long c[4]; int sl, ss; } cases[] = {
        {{4, 5, 6, 3, 9, 9}, 6, {3, 3, 4, 4}, 1, 1},  /* exact */
        {{4, 5, 6, 7, 3, 0}, 6, {3, 3, 3, 4}, 1, 0},  /* over-generation: lenient only */
        {{4, 5, 6, 7, 8, 9}, 6, {3, 3, 3, 4}, 1, 0},  /* no <end> at all */
        {{4, 5, 3, 6, 3, 0}, 6, {2, 3, 2, 4}, 0, 0},  /* early <end>: cut before 6 */
        {{4, 9, 6, 3, 0, 0}, 6, {2, 3, 3, 4}, 0, 0},  /* one wrong token, <end> on time */
        {{3, 4, 5, 6, 3, 0}, 6, {0, 3, 0, 4}, 0, 0},  /* immediate <end> */
        {{4, 5}, 2, {2, 3, 2, 4}, 0, 0},              /* too short, decoding limit hit */
    };
    for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
        long c[4] = {0};
        int sl = -1, ss = -1;
        scan_score_one(cases[k].pred, cases[k].Tp, tgt, 6, c, &sl, &ss);
        for (int i = 0; i < 4; i++) cr_expect_eq(c[i], cases[k].c[i], "case %zu count %d", k, i);
        cr_expect_eq(sl, cases[k].sl, "case %zu lenient", k);
        cr_expect_eq(ss, cases[k].ss, "case %zu strict", k);
    }
}

/* Boundaries by hand from the README interpretation:
 *   jump around left twice and walk = (TL J)x4 (TL J)x4 WALK: around at 2,4,6,10,12,14;
 *     twice at 8; and at 16 (17 actions);
 *   walk opposite right after run thrice = [run thrice][walk opposite right]
 *     = RUN RUN RUN TR TR WALK: thrice at 1,2; after at 3; opposite at 5;
 *   turn around right = TR x4: around at 1,2,3; turn opposite left = TL TL: none;
 *   look twice after jump left = TL JUMP LOOK LOOK: after at 2, twice at 3. */
Test(scan_model, boundaries_known_answers) {
    const struct { const char *cmd; int n; struct { int pos, c; } b[10]; int nb; } cases[] = {
        {"jump around left twice and walk", 17,
         {{2, SCAN_C_AROUND}, {4, SCAN_C_AROUND}, {6, SCAN_C_AROUND}, {8, SCAN_C_TWICE},
          {10, SCAN_C_AROUND}, {12, SCAN_C_AROUND}, {14, SCAN_C_AROUND}, {16, SCAN_C_AND}},
         8},
        {"walk opposite right after run thrice", 6,
         {{1, SCAN_C_THRICE}, {2, SCAN_C_THRICE}, {3, SCAN_C_AFTER}, {5, SCAN_C_OPPOSITE}}, 4},
        {"turn around right", 4, {{1, SCAN_C_AROUND}, {2, SCAN_C_AROUND}, {3, SCAN_C_AROUND}}, 3},
        {"turn opposite left", 2, {{0, 0}}, 0},
        {"look twice after jump left", 4, {{2, SCAN_C_AFTER}, {3, SCAN_C_TWICE}}, 2},
    };
    for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
        int a[SCAN_MAX_ACTIONS];
        uint8_t mask[SCAN_MAX_ACTIONS], want[SCAN_MAX_ACTIONS] = {0};
        cr_assert_eq(scan_boundaries(cases[k].cmd, a, mask), cases[k].n, "%s", cases[k].cmd);
        for (int i = 0; i < cases[k].nb; i++) want[cases[k].b[i].pos] |= 1u << cases[k].b[i].c;
        for (int j = 0; j < cases[k].n; j++)
            cr_expect_eq(mask[j], want[j], "%s: position %d mask %d, want %d", cases[k].cmd, j,
                         mask[j], want[j]);
    }
    int a[SCAN_MAX_ACTIONS];
    uint8_t mask[SCAN_MAX_ACTIONS];
    cr_expect_eq(scan_boundaries("turn", a, mask), -1);
    cr_expect_eq(scan_boundaries("walk and", a, mask), -1);
    cr_expect_eq(scan_boundaries("jump twice thrice", a, mask), -1);
}

/* The boundary parser means what the interpreter means, on every command of the grammar. */
Test(scan_model, boundaries_agree_with_interpreter) {
    struct scan_set all;
    scan_set_init(&all);
    scan_grammar_generate(&all);
    long bad = 0, counts[SCAN_C__COUNT] = {0};
    for (int i = 0; i < all.n; i++) {
        enum scan_action ref[SCAN_MAX_ACTIONS];
        int a[SCAN_MAX_ACTIONS];
        uint8_t mask[SCAN_MAX_ACTIONS];
        const int n = scan_interpret(all.pair[i].in, ref);
        const int m = scan_boundaries(all.pair[i].in, a, mask);
        int ok = n == m && mask[0] == 0;
        for (int j = 0; ok && j < n; j++) ok = a[j] == (int)ref[j];
        for (int j = 0; j < m; j++)
            for (int c = 0; c < SCAN_C__COUNT; c++) counts[c] += (mask[j] >> c) & 1;
        bad += !ok;
    }
    cr_expect_eq(bad, 0, "%ld commands disagree", bad);
    /* every construct occurs (sanity: none of them is silently never marked) */
    for (int c = 0; c < SCAN_C__COUNT; c++)
        cr_expect(counts[c] > 0, "construct %s never marked", scan_construct_names[c]);
    scan_set_free(&all);
}

/* A small encoder-decoder fits a handful of pairs by free-running training. */
Test(scan_model, tiny_training_fits) {
    const struct scan_model_config c = {.M = 24, .P_enc = 8, .P_dec = 8, .E = 8, .V_in = 7,
                                        .V_out = 7};
    struct scan_model m;
    scan_model_create(&m, &c);
    rng_t r;
    rng_init(&r, 7, 1);
    scan_model_init(&m, &r);
    enum { B = 4, T_in = 2, T = 4 };
    /* time-major: command (a,b) -> actions; <end> after */
    const int32_t src[T_in * B] = {4, 4, 5, 6, 5, 6, 6, 4};
    const int32_t tgt[T * B] = {4, 6, 5, 5, 5, 3, 6, 4, 3, 0, 3, 6, 0, 0, 0, 3};
    struct scan_work w;
    scan_work_alloc(&w, &m, T_in, T, B);
    real *grad = malloc(sizeof(real) * m.n_params);
    struct adam opt;
    adam_init(&opt, m.n_params);
    double first = 0, last = 0;
    for (int it = 0; it < 300; it++) {
        scan_forward(&m, &w, src, tgt, T, T, 0, NULL);
        const double L = scan_loss(&m, &w, tgt, T, 5, 1, NULL);
        if (it == 0) first = L;
        last = L;
        memset(grad, 0, sizeof(real) * m.n_params);
        scan_backward(&m, &w, grad);
        adam_step(&opt, m.params, grad, 1e-2);
    }
    cr_expect(last < 0.05 * first, "loss %g -> %g", first, last);
    scan_forward(&m, &w, src, tgt, T, T, 0, NULL);
    long cnt[4] = {0};
    for (int b = 0; b < B; b++) {
        int32_t pr[T], tg[T];
        for (int t = 0; t < T; t++) pr[t] = w.pred[t * B + b], tg[t] = tgt[t * B + b];
        int sl, ss;
        scan_score_one(pr, T, tg, T, cnt, &sl, &ss);
        cr_expect(ss, "pair %d not reproduced exactly", b);
    }
    adam_free(&opt);
    free(grad);
    scan_work_free(&w);
    scan_model_free(&m);
}

/* The bench's SCAN step (experiments/scan_bench.h) is the runner's training step: its model
 * starts from the parameters scan_model_init gives the seed at scan_simple's paper settings
 * (M 128, P_dec 32, emb 64, 17 / 10 token ids: experiments/table.c, scan_data.h), and
 * train_step on its batch gives the loss, and leaves the parameters, of the step composed
 * here from scan_model.h (free-running, the row's end_weight 0, MAR on both AL-RNNs,
 * clipping and Adam at the row's settings). Same build, same operations: equal bits. */
Test(scan_model, bench_step_equals_training_step) {
    const struct experiment *e = experiment_find("scan_simple");
    cr_assert(e);
    struct resolved r;
    experiment_resolve(e, PROFILE_PAPER, &r);
    const struct train_config *tc = &r.s.train;
    enum { P_enc = 32 };
    const uint64_t seed = 3;
    struct scan_bench sb;
    scan_bench_init(&sb, &r, P_enc, seed);
    cr_assert_eq(sb.B, 64);
    cr_assert_eq(sb.T_in, SCAN_MAX_WORDS);
    cr_assert(sb.T_dec >= 2 && sb.T_dec <= SCAN_MAX_ACTIONS + 1, "T_dec %d", sb.T_dec);
    int ends = 0; /* the longest target's <end> sits at the batch's last step */
    for (int b = 0; b < sb.B; b++) ends += sb.tgt[(size_t)(sb.T_dec - 1) * sb.B + b] == SCAN_END;
    cr_expect(ends >= 1, "no target ends at step %d", sb.T_dec);

    const struct scan_model_config c = {.M = 128, .P_enc = P_enc, .P_dec = 32, .E = 64,
                                        .V_in = 17, .V_out = 10};
    struct scan_model m;
    scan_model_create(&m, &c);
    rng_t ir;
    rng_init(&ir, seed, RNG_STREAM_INIT);
    scan_model_init(&m, &ir);
    cr_assert_eq(sb.mo.n_params, m.n_params);
    cr_expect(!memcmp(sb.mo.params, m.params, m.n_params * sizeof(real)),
              "initial parameters differ");

    struct scan_work w;
    scan_work_alloc(&w, &m, sb.T_in, sb.T_dec, sb.B);
    scan_forward(&m, &w, sb.src, sb.tgt, sb.T_dec, sb.T_dec, 0, NULL);
    const double L_ref = scan_loss(&m, &w, sb.tgt, sb.T_dec, 0, 1, NULL);
    real *g = calloc(m.n_params, sizeof(real));
    scan_backward(&m, &w, g);
    const struct scan_views gv = scan_model_views(&m, g);
    alrnn_mar(&m.enc, tc->tau, tc->M_reg, gv.enc);
    alrnn_mar(&m.dec, tc->tau, tc->M_reg, gv.dec);
    clip_global_norm(g, m.n_params, tc->clip);
    struct adam opt_ref, opt;
    adam_init(&opt_ref, m.n_params);
    adam_step(&opt_ref, m.params, g, tc->lr);

    void *work = sb.mo.type->work_alloc(&sb.mo, sb.data, sb.B);
    int idx[64];
    for (int b = 0; b < sb.B; b++) idx[b] = b;
    adam_init(&opt, sb.mo.n_params);
    real *grad = malloc(sb.mo.n_params * sizeof(real));
    rng_t br;
    rng_init(&br, seed, RNG_STREAM_BATCH);
    double L, gn;
    cr_assert_eq(train_step(&sb.mo, work, sb.data, idx, sb.B, &br, &sb.tc, sb.tc.lr, NAN, &opt,
                            grad, &L, &gn),
                 TRAIN_OK);
    cr_expect(L == L_ref, "bench step loss %.17g, composed step %.17g", L, L_ref);
    cr_expect(!memcmp(sb.mo.params, m.params, m.n_params * sizeof(real)),
              "parameters after the step differ");

    sb.mo.type->work_free(work);
    adam_free(&opt), adam_free(&opt_ref);
    free(grad), free(g);
    scan_work_free(&w);
    scan_model_free(&m);
    scan_bench_free(&sb);
}

/* The runner, smoke profile, end to end: the run-file contract and the analysis groups. */
Test(scan_model, runner_smoke_writes_run_file) {
    const char *dir = tu_data_dir_with("scan/simple_split/tasks_train_simple.txt");
    if (!dir) cr_skip_test("no SCAN files (make datasets-scan, or the mirror ../shared/datasets)");
    const struct experiment *e = experiment_find("scan_simple");
    cr_assert(e && e->runner);
    struct resolved r;
    experiment_resolve(e, PROFILE_SMOKE, &r);
    r.s.data.data_dir = dir;
    char out[] = "/tmp/alrnn_scan_test_XXXXXX";
    cr_assert(mkdtemp(out));
    char path[256];
    snprintf(path, sizeof path, "%s/run.h5", out);
    experiment_dispatch(&r, r.P[r.n_P - 1], 0, path);
    struct h5file f;
    h5_open_read(&f, path);
    char *exp = h5_read_attr_str(&f, "/", "experiment");
    cr_expect_str_eq(exp, "scan_simple");
    cr_expect_eq(h5_read_attr_int(&f, "/", "P"), r.P[r.n_P - 1]);
    free(exp);
    static const char *const must[] = {
        "/config", "/model/enc/W", "/model/dec/D", "/model/emb_in", "/model/emb_out",
        "/train/loss", "/eval/epoch", "/eval/seq_acc_strict", "/test/seq_acc_lenient",
        "/test/seq_acc_strict", "/test/token_acc_lenient", "/test/token_acc_strict",
        "/test/loss", "/test/by_length/length", "/test/sample/z", "/analysis/boundary/hamming",
        "/analysis/raster/bitcode", "/analysis/boundary/unit_flip", "/analysis/clause/units_at_boundary"};
    for (size_t i = 0; i < ARRAY_LEN(must); i++)
        cr_expect(h5_exists(&f, must[i]), "%s missing", must[i]);
    const double sl = h5_read_scalar(&f, "/test/seq_acc_lenient");
    const double ss = h5_read_scalar(&f, "/test/seq_acc_strict");
    cr_expect(ss <= sl && sl >= 0 && sl <= 1, "strict %g <= lenient %g", ss, sl);
    h5_close(&f);
    unlink(path);
    rmdir(out);
}
