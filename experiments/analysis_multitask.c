/* analysis_multitask.c: the 11-task suite's training-time analysis (PAPER.md §2.8, §4): the
 * analyze hook of the multitask rows, written into the run file on the kept parameters and
 * read by summarize_multitask.c (Figure 5).
 *
 * The hook, on the kept parameters over the whole test set (group = task):
 *   /analysis/n_per_task          training trials per task (the row's n)
 *   for each phase in {trial, response}: the states z_1..z_len of each test trial (its own
 *   steps, not the zero padding after it; with the task option padded=1 every step up to
 *   T, tail included, as the reference counts), or only those of its response period
 *   (fixation input off, task id on):
 *   /analysis/jsd/<phase>         (11, 11) JSD between the tasks' code distributions, natural
 *                                 log (nats), over the union of their codes (Fig 5b)
 *   /analysis/bitcode/<phase>/codes (K, P), prob (11, K): the aligned distributions on the K
 *                                 codes of highest mean frequency; n_codes (all distinct codes),
 *                                 task_codes (11) distinct codes per task, total (11) steps
 * Per-task test accuracy is /test/acc_<Task> and the mean over tasks /test/accuracy (the
 * task's metrics); n is also /config n_per_group.
 *
 */
#include <math.h>
#include <string.h>

#include "analyses.h"
#include "summary.h"
#include "synthetic.h"

enum { MT_PH_TRIAL, MT_PH_RESPONSE, MT_PH__COUNT, MT_ALIGN_TOP = 64 };
static const char *const mt_phase_names[] = {"trial", "response"};
_Static_assert(ARRAY_LEN(mt_phase_names) == MT_PH__COUNT,
               "mt_phase_names: one entry per enum value");

struct mt_ctx {
    const struct dataset *d;
    int M;
    struct bitcode_counter c[MT_PH__COUNT][MT__COUNT];
};

static void mt_visit(void *vctx, int first, int B, int T, const real *Z) {
    struct mt_ctx *c = vctx;
    const struct dataset *d = c->d;
    const int M = c->M;
    for (int b = 0; b < B; b++) {
        const int i = first + b, g = d->group[i];
        ASSERT(g >= 0 && g < MT__COUNT);
        /* the counted steps end at the masked (scored) step: the trial's own last step, or
         * with padded=1 t = T-1, so the zero-input tail is counted as the reference does */
        int len = 0;
        for (int t = T - 1; t >= 0 && !len; t--)
            if (d->mask[(size_t)i * T + t] != 0) len = t + 1;
        for (int t = 0; t < len; t++) {
            const real *z = Z + ((size_t)(t + 1) * B + b) * M; /* z_{t+1} follows input t */
            bitcode_counter_add_states(&c->c[MT_PH_TRIAL][g], z, 1, M, NULL);
            const real *x = d->x + ((size_t)i * T + t) * d->N; /* response: not the tail */
            if (x[MT_IN_FIX] == 0 && x[MT_IN_TASK_ID + g] != 0)
                bitcode_counter_add_states(&c->c[MT_PH_RESPONSE][g], z, 1, M, NULL);
        }
    }
}

void analysis_multitask(const struct resolved *r, const struct alrnn *m,
                           const struct dataset *test, uint64_t seed, const struct h5file *f) {
    const int M = m->cfg.M, P = m->cfg.P;
    ASSERT(test->group && test->T_out == test->T);
    struct mt_ctx c = {.d = test, .M = M};
    for (int ph = 0; ph < MT_PH__COUNT; ph++)
        for (int k = 0; k < MT__COUNT; k++) bitcode_counter_init(&c.c[ph][k], P);
    train_forward_each(m, test, 0, r->s.train.batch, seed, mt_visit, &c);

    h5_write_scalar(f, "/analysis/n_per_task", r->s.data.n_per_group,
                    "training trials per task (fixed set, generated once from the seed)",
                    "trials");
    char names[512] = "";
    for (int k = 0; k < MT__COUNT; k++) {
        strcat(names, k ? "," : "");
        strcat(names, multitask_task_names[k]);
    }
    for (int ph = 0; ph < MT_PH__COUNT; ph++) {
        struct bitcode_hist h[MT__COUNT];
        double total[MT__COUNT], ncodes[MT__COUNT];
        for (int k = 0; k < MT__COUNT; k++) {
            bitcode_counter_hist(&c.c[ph][k], &h[k]);
            total[k] = (double)h[k].total;
            ncodes[k] = h[k].n_codes;
        }
        struct bitcode_aligned a;
        bitcode_align(&a, h, MT__COUNT);
        double jsd[MT__COUNT * MT__COUNT];
        /* a task with no counted step (not in the test set) has a zero row: JSD undefined */
        int all_rows = 1;
        for (int k = 0; k < MT__COUNT; k++) all_rows &= h[k].total > 0;
        if (all_rows) jsd_matrix(a.prob, MT__COUNT, a.n_codes, jsd);
        else
            for (int j = 0; j < MT__COUNT * MT__COUNT; j++) jsd[j] = NAN;
        char path[128], g[96];
        snprintf(path, sizeof path, "/analysis/jsd/%s", mt_phase_names[ph]);
        const size_t dj[2] = {MT__COUNT, MT__COUNT};
        h5_write(f, path, H5K_F64, 2, dj, jsd,
                 ph == MT_PH_TRIAL
                     ? "JSD (natural log) between the tasks' bitcode distributions over each "
                       "test trial's own states; rows/columns in the order of attribute tasks"
                     : "JSD (natural log) between the tasks' bitcode distributions over the "
                       "response-period states; rows/columns in the order of attribute tasks",
                 "nats");
        h5_attr_str(f, path, "tasks", names);

        const int K = a.n_codes < MT_ALIGN_TOP ? a.n_codes : MT_ALIGN_TOP;
        uint8_t *bits = xmalloc((size_t)(K ? K : 1) * (P ? P : 1));
        double *prob = xmalloc((size_t)MT__COUNT * (K ? K : 1) * sizeof(double));
        for (int j = 0; j < K; j++) summary_unpack_code(a.codes + (size_t)j * a.W, P, bits + (size_t)j * P);
        for (int k = 0; k < MT__COUNT; k++)
            memcpy(prob + (size_t)k * K, a.prob + (size_t)k * a.n_codes, K * sizeof(double));
        snprintf(g, sizeof g, "/analysis/bitcode/%s", mt_phase_names[ph]);
        const size_t dc[2] = {K, P}, dp[2] = {MT__COUNT, K}, dt[1] = {MT__COUNT};
        snprintf(path, sizeof path, "%s/codes", g);
        h5_write(f, path, H5K_U8, 2, dc, bits,
                 "codes of highest mean frequency over the tasks, most frequent first", "bit");
        snprintf(path, sizeof path, "%s/prob", g);
        h5_write(f, path, H5K_F64, 2, dp, prob,
                 "each task's frequency of each stored code (rows: tasks, attribute tasks)", "1");
        h5_attr_str(f, path, "tasks", names);
        snprintf(path, sizeof path, "%s/n_codes", g);
        h5_write_scalar(f, path, a.n_codes, "distinct codes over all tasks", "codes");
        snprintf(path, sizeof path, "%s/task_codes", g);
        h5_write(f, path, H5K_F64, 1, dt, ncodes, "distinct codes of each task", "codes");
        snprintf(path, sizeof path, "%s/total", g);
        h5_write(f, path, H5K_F64, 1, dt, total, "states counted for each task", "states");
        free(bits);
        free(prob);
        bitcode_aligned_free(&a);
        for (int k = 0; k < MT__COUNT; k++) {
            bitcode_hist_free(&h[k]);
            bitcode_counter_free(&c.c[ph][k]);
        }
    }
}
