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
#include <stdlib.h>
#include <string.h>

#include "experiments.h"
#include "figures.h"
#include "tasks.h"

const char *const profile_names[] = {
    [PROFILE_SMOKE] = "smoke", [PROFILE_QUICK] = "quick", [PROFILE_PAPER] = "paper",
    [PROFILE_VERIFY] = "verify"};
_Static_assert(ARRAY_LEN(profile_names) == PROFILE__COUNT,
               "profile_names: one entry per enum value");

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
    KEEP(train.blowup_loss);
    KEEP(data.T);
    KEEP(data.n_train);
    KEEP(data.n_val);
    KEEP(data.n_test);
    KEEP(data.n_per_group);
    KEEP(data.opts);
    KEEP(data.data_dir);
}
#undef KEEP

/* The settings every row must end up with after the merge (a zero there has no default):
 * a missing one is a mistake in the table, reported as one line naming the row, the field
 * and the profile instead of an abort deep inside training. */
static void settings_check(const struct experiment *e, profile_kind p, const struct settings *s) {
    const char *missing = NULL;
    if (!e->task) missing = "task";
    else if (s->M < 1) missing = "M";
    else if (!s->P_grid || !*s->P_grid) missing = "P_grid";
    else if (s->seeds < 1) missing = "seeds";
    else if (s->train.epochs < 1) missing = "epochs";
    else if (s->train.batch < 1) missing = "batch";
    else if (!(s->train.lr > 0)) missing = "lr";
    if (missing)
        die("experiment '%s': %s is not set for profile %s", e->name, missing, profile_names[p]);
}

void experiment_resolve(const struct experiment *e, profile_kind p, struct resolved *r) {
    memset(r, 0, sizeof *r);
    r->exp = e;
    r->profile = p;
    r->s = e->paper;
    /* verify layers its override over quick's (experiments.h) */
    if (p == PROFILE_VERIFY) settings_merge(&r->s, &e->override[PROFILE_QUICK]);
    settings_merge(&r->s, &e->override[p]);
    settings_check(e, p, &r->s);
    /* the P grid: comma-separated integers in [0, M], at most MAX_GRID of them */
    for (const char *c = r->s.P_grid; *c;) {
        char *end;
        const long v = strtol(c, &end, 10);
        if (end == c || (*end != ',' && *end != 0) || r->n_P == MAX_GRID)
            die("experiment '%s': P grid '%s' for profile %s is not a list of at most %d "
                "integers", e->name, r->s.P_grid, profile_names[p], MAX_GRID);
        if (v < 0 || v > r->s.M)
            die("experiment '%s': P = %ld in the P grid for profile %s is outside [0, M = %d]",
                e->name, v, profile_names[p], r->s.M);
        r->P[r->n_P++] = (int)v;
        c = *end == ',' ? end + 1 : end;
    }
}

void run_default_path(const struct resolved *r, int P, int seed, char *buf, size_t n) {
    snprintf(buf, n, "results/%s/%s/P%d_seed%d.h5", profile_names[r->profile], r->exp->name, P,
             seed);
}
