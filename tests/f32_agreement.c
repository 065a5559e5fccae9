/* f32_agreement.c: the agreement tests in the production precision (float32, cblas_sgemm),
 * built as build/tests32 from build/f32/ objects. The double build (build/tests) carries the
 * gradient checks; this binary checks that what the production build runs agrees with
 * itself: the GEMM path against the plain loops (AL-RNN forward and backward, every layer,
 * every encoder stack, the tanh / LSTM / GRU baselines) and the step-by-step AL-RNN (free-running decoders use it) against the
 * batch forward, at float tolerances. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "agree.h"
#include "alrnn.h"
#include "enc_realdata.h"
#include "kernels.h"
#include "layers.h"
#include "loss.h"
#include "model_rnn.h"
#include "scan_data.h"
#include "scan_model.h"

#ifdef ALRNN_DOUBLE
#error "f32_agreement.c tests the float32 build (no -DALRNN_DOUBLE)"
#endif

static void fill_normal(real *a, size_t n, rng_t *r, double sd) {
    for (size_t i = 0; i < n; i++) a[i] = (real)(sd * rng_normal(r));
}

/* An AL-RNN with random O(1) parameters, inputs and targets; N = K = 3. */
struct problem {
    struct alrnn m;
    struct alrnn_work w;
    int T, B;
    real *x;        /* (T, B, N) */
    int32_t *label; /* (T_out, B) */
    real *mask;     /* (T_out, B) */
};

static void problem_init(struct problem *p, alrnn_form form, int M, int P, readout_kind ro, int T,
                         int B, uint64_t seed) {
    memset(p, 0, sizeof *p);
    const struct alrnn_config c = {.M = M, .P = P, .N = 3, .K = 3, .form = form,
                                   .init = ALRNN_INIT_SEQ, .z0 = Z0_UNIFORM, .readout = ro,
                                   .readout_bias = 1};
    alrnn_create(&p->m, &c, NULL);
    rng_t r;
    rng_init(&r, seed, 99);
    fill_normal(p->m.params, p->m.n_params, &r, 0.5);
    p->T = T, p->B = B;
    alrnn_work_alloc(&p->w, &p->m, T, B);
    const int To = p->w.T_out;
    p->x = malloc(sizeof(real) * T * B * 3);
    p->label = malloc(sizeof(int32_t) * To * B);
    p->mask = malloc(sizeof(real) * To * B);
    fill_normal(p->x, (size_t)T * B * 3, &r, 1);
    for (int i = 0; i < To * B; i++) p->label[i] = (int32_t)rng_below(&r, 3), p->mask[i] = 1;
}

static void problem_free(struct problem *p) {
    alrnn_work_free(&p->w);
    alrnn_free(&p->m);
    free(p->x), free(p->label), free(p->mask);
}

/* Forward from the seeded z_0, cross-entropy, and (grad non-NULL) the backward pass. */
static void run(struct problem *p, real *grad, real *dx) {
    rng_t r;
    rng_init(&r, 4242, 1);
    alrnn_set_z0(&p->m, &p->w, &r);
    alrnn_forward(&p->m, &p->w, p->x);
    loss_eval(LOSS_CE, p->w.T_out * p->B, 3, p->w.Y, NULL, p->label, p->mask,
              grad ? p->w.dY : NULL);
    if (grad) {
        memset(grad, 0, sizeof(real) * p->m.n_params);
        alrnn_backward(&p->m, &p->w, p->x, grad, dx, NULL);
    }
}

/* For each fast kernel set (cblas; AVX2 and AVX-512 small-product kernels where the CPU has
 * them, core/kernels.h). */
Test(f32, alrnn_blas_matches_plain_loops) {
    const struct { int M, P, T, B; readout_kind ro; alrnn_form f; } cases[] = {
        {7, 3, 9, 4, READOUT_LAST, ALRNN_FORM_SEQ}, {5, 0, 1, 1, READOUT_ALL, ALRNN_FORM_SEQ},
        {5, 5, 4, 3, READOUT_ALL, ALRNN_FORM_DSR},  {32, 8, 20, 16, READOUT_LAST, ALRNN_FORM_DSR}, {19, 4, 6, 7, READOUT_ALL, ALRNN_FORM_SEQ}};
    const kern_kind keep = kern_default();
    for (int kind = KERN_BLAS; kind < KERN__COUNT; kind++) {
    if (!kern_available((kern_kind)kind)) continue;
    kern_set_default((kern_kind)kind);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct problem p;
        problem_init(&p, cases[c].f, cases[c].M, cases[c].P, cases[c].ro, cases[c].T, cases[c].B,
                     77 + c);
        const size_t nz = (size_t)(p.T + 1) * p.B * p.m.cfg.M, nx = (size_t)p.T * p.B * 3,
                     ny = (size_t)p.w.T_out * p.B * 3;
        real *g[2], *dx[2], *Z[2], *Y[2];
        for (int k = 0; k < 2; k++) {
            p.m.use_blas = k == 0;
            g[k] = calloc(p.m.n_params, sizeof(real));
            dx[k] = calloc(nx, sizeof(real));
            run(&p, g[k], dx[k]);
            Z[k] = malloc(nz * sizeof(real)), Y[k] = malloc(ny * sizeof(real));
            memcpy(Z[k], p.w.Z, nz * sizeof(real));
            memcpy(Y[k], p.w.Y, ny * sizeof(real));
        }
        char what[64];
        snprintf(what, sizeof what, "%s case %zu z", kern_kind_names[kind], c);
        agree_expect_close(Z[0], Z[1], nz, what);
        snprintf(what, sizeof what, "%s case %zu y", kern_kind_names[kind], c);
        agree_expect_close(Y[0], Y[1], ny, what);
        snprintf(what, sizeof what, "%s case %zu grad", kern_kind_names[kind], c);
        agree_expect_close(g[0], g[1], p.m.n_params, what);
        snprintf(what, sizeof what, "%s case %zu dx", kern_kind_names[kind], c);
        agree_expect_close(dx[0], dx[1], nx, what);
        for (int k = 0; k < 2; k++) free(g[k]), free(dx[k]), free(Z[k]), free(Y[k]);
        problem_free(&p);
    }
    }
    kern_set_default(keep);
}

/* The baselines (core/model_rnn.c): hidden states, readout and gradient, GEMM against plain
 * loops, with random O(1) parameters; the last case feeds them through an encoder. */
Test(f32, baselines_blas_match_plain_loops) {
    const model_kind kinds[] = {MODEL_TANH, MODEL_LSTM, MODEL_GRU};
    const struct { int M, T, B, enc_H; readout_kind ro; } cases[] = {
        {7, 9, 4, 0, READOUT_LAST}, {5, 1, 1, 0, READOUT_ALL}, {32, 20, 16, 0, READOUT_ALL},
        {6, 5, 3, 4, READOUT_LAST}};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const struct rnn_config rc = {.kind = kinds[k], .M = cases[c].M, .N = 3, .K = 3,
                                          .readout = cases[c].ro, .readout_bias = 1};
            const struct encoder enc = {.type = &encoder_audio_cnn, .N_in = 3, .M = cases[c].M,
                                        .opt = {cases[c].enc_H}};
            struct rnn m;
            rnn_create(&m, &rc, cases[c].enc_H ? &enc : NULL);
            rng_t r;
            rng_init(&r, 90 + c, 99);
            fill_normal(m.params, m.n_params, &r, 0.5);
            const int T = cases[c].T, B = cases[c].B;
            real *x = malloc(sizeof(real) * T * B * 3);
            fill_normal(x, (size_t)T * B * 3, &r, 1);
            struct rnn_work w;
            rnn_work_alloc(&w, &m, T, B);
            const int To = w.T_out;
            int32_t *label = malloc(sizeof(int32_t) * To * B);
            real *mask = malloc(sizeof(real) * To * B);
            for (int i = 0; i < To * B; i++) label[i] = (int32_t)rng_below(&r, 3), mask[i] = 1;
            const size_t nh = (size_t)(T + 1) * B * m.cfg.M, ny = (size_t)To * B * 3;
            real *g[2], *H[2], *Y[2];
            for (int b = 0; b < 2; b++) {
                m.use_blas = b == 0;
                rnn_forward(&m, &w, x);
                loss_eval(LOSS_CE, To * B, 3, w.Y, NULL, label, mask, w.dY);
                g[b] = calloc(m.n_params, sizeof(real));
                rnn_backward(&m, &w, x, g[b]);
                H[b] = malloc(nh * sizeof(real)), Y[b] = malloc(ny * sizeof(real));
                memcpy(H[b], w.H, nh * sizeof(real));
                memcpy(Y[b], w.Y, ny * sizeof(real));
            }
            char what[64];
            snprintf(what, sizeof what, "%s case %zu h", model_kind_names[kinds[k]], c);
            agree_expect_close(H[0], H[1], nh, what);
            snprintf(what, sizeof what, "%s case %zu y", model_kind_names[kinds[k]], c);
            agree_expect_close(Y[0], Y[1], ny, what);
            snprintf(what, sizeof what, "%s case %zu grad", model_kind_names[kinds[k]], c);
            agree_expect_close(g[0], g[1], m.n_params, what);
            for (int b = 0; b < 2; b++) free(g[b]), free(H[b]), free(Y[b]);
            free(x), free(label), free(mask);
            rnn_work_free(&w);
            rnn_free(&m);
        }
}

/* alrnn_step for t = 1..T reproduces alrnn_forward, on both paths. */
Test(f32, alrnn_step_by_step_equals_forward) {
    for (int blas = 0; blas < 2; blas++)
        for (int ro = 0; ro < 2; ro++) {
            struct problem p;
            problem_init(&p, ALRNN_FORM_SEQ, 6, 3, (readout_kind)ro, 5, 2, 31);
            p.m.use_blas = blas;
            run(&p, NULL, NULL);
            const int M = 6, N = 3, B = 2, K = 3;
            const size_t nz = (size_t)(p.T + 1) * B * M, ny = (size_t)p.w.T_out * B * K;
            real *Z = malloc(nz * sizeof(real)), *Y = malloc(ny * sizeof(real));
            memcpy(Z, p.w.Z, nz * sizeof(real));
            memcpy(Y, p.w.Y, ny * sizeof(real));
            memset(p.w.Z + (size_t)B * M, 0, (nz - (size_t)B * M) * sizeof(real));
            memset(p.w.Y, 0, ny * sizeof(real));
            for (int t = 1; t <= p.T; t++) alrnn_step(&p.m, &p.w, t, p.x + (size_t)(t - 1) * B * N);
            agree_expect_close(Z, p.w.Z, nz, blas ? "states (blas)" : "states (plain)");
            agree_expect_close(Y, p.w.Y, ny, blas ? "readouts (blas)" : "readouts (plain)");
            free(Z), free(Y);
            problem_free(&p);
        }
}

/* Convolution and dense layers: forward and every gradient, GEMM against plain loops. */
Test(f32, layers_blas_match_plain_loops) {
    static const int cases[][6] = {
        /* Cin Cout K pad T B */
        {4, 8, 5, 2, 16, 4}, {40, 64, 3, 1, 30, 3}, {16, 32, 7, 3, 49, 2}, {3, 5, 4, 0, 9, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const int Cin = cases[i][0], Cout = cases[i][1], K = cases[i][2], pad = cases[i][3],
                  T = cases[i][4], B = cases[i][5];
        const int To = conv1d_T_out(T, K, pad);
        const size_t nw = (size_t)Cout * K * Cin, nx = (size_t)T * B * Cin,
                     ny = (size_t)(To > T ? To : T) * B * Cout;
        rng_t rg;
        rng_init(&rg, 300 + i, 1);
        real *w = malloc(nw * sizeof(real)), *b = malloc(Cout * sizeof(real)),
             *x = malloc(nx * sizeof(real)), *dy = malloc(ny * sizeof(real));
        fill_normal(w, nw, &rg, 1), fill_normal(b, Cout, &rg, 1), fill_normal(x, nx, &rg, 1);
        fill_normal(dy, ny, &rg, 1);
        real *y[2], *dw[2], *db[2], *dx[2];
        for (int p = 0; p < 2; p++) {
            y[p] = malloc(ny * sizeof(real));
            dw[p] = calloc(nw, sizeof(real)), db[p] = calloc(Cout, sizeof(real));
            dx[p] = calloc(nx, sizeof(real));
            conv1d_forward(Cin, Cout, K, pad, w, b, x, T, B, y[p], p);
            conv1d_backward(Cin, Cout, K, pad, w, x, T, B, dy, dw[p], db[p], dx[p], p);
        }
        const size_t nyc = (size_t)To * B * Cout;
        agree_expect_close(y[0], y[1], nyc, "conv y");
        agree_expect_close(dw[0], dw[1], nw, "conv dw");
        agree_expect_close(db[0], db[1], Cout, "conv db");
        agree_expect_close(dx[0], dx[1], nx, "conv dx");
        for (int p = 0; p < 2; p++) {
            memset(dw[p], 0, nw * sizeof(real)), memset(db[p], 0, Cout * sizeof(real));
            memset(dx[p], 0, nx * sizeof(real));
            dense_forward(Cin, Cout, w, b, x, T * B, y[p], p);
            dense_backward(Cin, Cout, w, x, T * B, dy, dw[p], db[p], dx[p], p);
        }
        agree_expect_close(y[0], y[1], (size_t)T * B * Cout, "dense y");
        agree_expect_close(dw[0], dw[1], (size_t)Cout * Cin, "dense dw");
        agree_expect_close(db[0], db[1], Cout, "dense db");
        agree_expect_close(dx[0], dx[1], nx, "dense dx");
        for (int p = 0; p < 2; p++) free(y[p]), free(dw[p]), free(db[p]), free(dx[p]);
        free(w), free(b), free(x), free(dy);
    }
}

/* Every encoder stack at the shapes the smoke and quick rows use, forward and backward. */
Test(f32, encoders_blas_match_plain_loops) {
    const int smnist[4] = {2}, audio[4] = {64}, token[4] = {300, 16, 32, 0};
    agree_encoder_stack(&encoder_smnist_cnn, smnist, 1, 8, 784, 3, 0);
    agree_encoder_stack(&encoder_audio_cnn, audio, 40, 8, 40, 4, 0);
    agree_encoder_stack(&encoder_token_mlp, token, 1, 8, 32, 5, 300);
}

/* The SCAN decoder, stepped token by token under teacher forcing, equals the core's batch
 * forward of the same AL-RNN over the same inputs from the encoder's final state. */
Test(f32, scan_step_decoder_matches_batch_forward) {
    const struct scan_model_config c = {.M = 6, .P_enc = 3, .P_dec = 2, .E = 3, .V_in = 6,
                                        .V_out = 7};
    struct scan_model m;
    scan_model_create(&m, &c);
    rng_t r;
    rng_init(&r, 41, 99);
    scan_model_init(&m, &r);
    const int T_in = 3, T = 5, B = 3, M = c.M, V = c.V_out;
    struct scan_work w;
    scan_work_alloc(&w, &m, T_in, T, B);
    int32_t src[3 * 3], tgt[5 * 3];
    for (int i = 0; i < T_in * B; i++) src[i] = SCAN_N_SPECIAL + (int)rng_below(&r, 2);
    for (int i = 0; i < T * B; i++) tgt[i] = SCAN_N_SPECIAL + (int)rng_below(&r, 3);
    rng_t tf;
    rng_init(&tf, 5, 3);
    scan_forward(&m, &w, src, tgt, T, T, 1.0, &tf);
    struct alrnn_work bw;
    alrnn_work_alloc(&bw, &m.dec, w.T, B);
    memcpy(bw.Z, w.enc.Z + (size_t)T_in * B * M, sizeof(real) * B * M);
    alrnn_forward(&m.dec, &bw, w.x_dec);
    agree_expect_close(bw.Y, w.dec.Y, (size_t)w.T * B * V, "decoder logits");
    agree_expect_close(bw.Z, w.dec.Z, (size_t)(w.T + 1) * B * M, "decoder states");
    alrnn_work_free(&bw);
    scan_work_free(&w);
    scan_model_free(&m);
}
