/* table.c: the experiment table and profile resolution.
 *
 * How to add an experiment:
 *   1. write its task in tasks/ (see core/task.h) and declare it in tasks/tasks.h;
 *   2. add a row below: name, task, parameterisation, the paper's settings (PAPER.md, with
 *      the section in the description), then smoke (seconds, used by tests) and quick (the
 *      whole figure on one 2-core machine) overrides; a zero field keeps the paper's value;
 *      a row that a claim of experiments/claims.c reads also gets a verify override (the
 *      arms the claim compares, >= 5 seeds, trained to converge; applied on top of quick);
 *   3. name it in a figure (experiments/figures.c) to get `make figureN` for free.
 */
#include <stdio.h>
#include <string.h>

#include "experiments.h"
#include "figures.h"
#include "tasks.h"

const char *const profile_names[PROFILE__COUNT] = {
    [PROFILE_SMOKE] = "smoke", [PROFILE_QUICK] = "quick", [PROFILE_PAPER] = "paper",
    [PROFILE_VERIFY] = "verify"};
_Static_assert(ARRAY_LEN(profile_names) == PROFILE__COUNT, "a profile without a name");

profile_kind profile_parse(const char *s) {
    for (int i = 0; i < PROFILE__COUNT; i++)
        if (strcmp(s, profile_names[i]) == 0) return (profile_kind)i;
    die("unknown profile '%s' (use smoke, quick, paper or verify)", s);
}

const struct experiment experiments[] = {
    /* PAPER.md §2.5: addition (Fig 4) */
    {
        .name = "addition",
        .description = "addition problem, Fig 4 / Proposition 1 (PAPER.md 2.5)",
        .task = &task_addition,
        .form = ALRNN_FORM_SEQ,
        .init = ALRNN_INIT_SEQ,
        .z0 = Z0_UNIFORM,
        .paper = {.M = 50,
                  .P_grid = "0,1,2,3,5,10,20,50",
                  .seeds = 10,
                  .train = {.epochs = 2000, .batch = 128, .lr = 1e-3, .tau = 0.1, .M_reg = 25,
                            .eval_every = 100, .select = SELECT_FINAL},
                  .data = {.T = 100, .n_train = 10000, .n_test = 1000}},
        .override = {
            [PROFILE_SMOKE] = {.M = 8, .P_grid = "0,2", .seeds = 1,
                               .train = {.epochs = 3, .M_reg = 4, .eval_every = 1},
                               .data = {.T = 20, .n_train = 256, .n_test = 64}},
            [PROFILE_QUICK] = {.P_grid = "0,1,2,5,10,50", .seeds = 3,
                               .train = {.epochs = 250, .eval_every = 10, .cosine = 1}},
            /* claim C1: P = 0 against P = 2 (Fig 4b's P), 6 seeds each (the smallest n whose
             * exact one-sided Mann-Whitney p, 1/924, survives Holm over 14 claims), quick's
             * 250 cosine epochs, after which all 3 quick seeds of P = 2 had left the plateau
             * (REPRODUCE.md); one run takes 98 CPU-s */
            [PROFILE_VERIFY] = {.P_grid = "0,2", .seeds = 6},
        },
    },
/* The other sections' rows, one file per group of tasks (same designated-initializer form). */
#include "rows_synthetic.inc" /* §2.4 copy, §2.6 contextual integration, §2.8 multi-task */
#include "rows_realdata.inc"  /* §2.1 IMDb, §2.2 sMNIST, §2.3 audio */
#include "rows_scan.inc"      /* §2.9 SCAN */
};
const int n_experiments = (int)ARRAY_LEN(experiments);

const struct experiment *experiment_find(const char *name) {
    for (int i = 0; i < n_experiments; i++)
        if (strcmp(experiments[i].name, name) == 0) return &experiments[i];
    return NULL;
}

#define KEEP(field) \
    if (o->field) s->field = o->field
static void settings_merge(struct settings *s, const struct settings *o) {
    KEEP(M);
    KEEP(P_grid);
    KEEP(seeds);
    KEEP(train.epochs);
    KEEP(train.batch);
    KEEP(train.lr);
    KEEP(train.lr_min);
    KEEP(train.cosine);
    KEEP(train.clip);
    KEEP(train.tau);
    KEEP(train.M_reg);
    KEEP(train.eval_every);
    KEEP(train.select);
    KEEP(data.T);
    KEEP(data.n_train);
    KEEP(data.n_val);
    KEEP(data.n_test);
    KEEP(data.n_per_group);
    KEEP(data.opts);
    KEEP(data.data_dir);
}
#undef KEEP

void experiment_resolve(const struct experiment *e, profile_kind p, struct resolved *r) {
    memset(r, 0, sizeof *r);
    r->exp = e;
    r->profile = p;
    r->s = e->paper;
    /* verify layers its override over quick's (experiments.h) */
    if (p == PROFILE_VERIFY) settings_merge(&r->s, &e->override[PROFILE_QUICK]);
    settings_merge(&r->s, &e->override[p]);
    /* parse the P grid; the table is ours, so a bad grid is a programmer error */
    for (const char *c = r->s.P_grid; c && *c;) {
        ASSERT(r->n_P < MAX_GRID);
        char *end;
        long v = strtol(c, &end, 10);
        ASSERT(end != c && v >= 0 && v <= r->s.M);
        r->P[r->n_P++] = (int)v;
        c = *end == ',' ? end + 1 : end;
        ASSERT(*end == ',' || *end == 0);
    }
    ASSERT(r->n_P > 0 && r->s.seeds > 0);
}

void run_default_path(const struct resolved *r, int P, int seed, char *buf, size_t n) {
    snprintf(buf, n, "results/%s/%s/P%d_seed%d.h5", profile_names[r->profile], r->exp->name, P,
             seed);
}
