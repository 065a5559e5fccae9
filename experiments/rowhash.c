/* rowhash.c: the identity of a resolved experiment row and of one run of it.
 *
 * resolved_dump() prints every resolved setting of a row and profile (what `bin/alrnn show`
 * prints, descriptions included). The hashes cover only what determines a run's result:
 *   resolved_hash(r)              the row at its profile: task, model, training and data
 *                                 settings, reals in exact hexadecimal (%a). Run files carry it
 *                                 as the root attribute `row_hash` (16 hex digits); `summarize`
 *                                 refuses run files whose hash differs from the row, and the
 *                                 generated make rules depend on a stamp holding it, so editing
 *                                 a row retrains its runs. The P grid, the seed count and the
 *                                 descriptions are not covered: widening a sweep or rewording a
 *                                 row keeps the runs already made.
 *   run_settings_hash(r, P, seed) the row hash plus P, seed, the build's precision and the
 *                                 training threads when more than one: a checkpoint
 *                                 resumes only the run that wrote it.
 * Neither covers provenance (time, git revision), the data directory (the data's checksums
 * are verified; where it lives does not change the result; except for `run csv`, whose
 * folder is hashed), the output path or the
 * checkpoint cadence. Changing what is hashed changes every hash: summaries then ask for
 * retraining and checkpoints refuse to resume, which is the safe direction. Hash: FNV-1a 64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments.h"

uint64_t fnv1a64(const void *data, size_t n) {
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64-bit offset basis and prime */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* The hashed settings, one `key value` line each; reals exact (%a). */
static void dump_identity(const struct resolved *r, FILE *fp) {
    const struct experiment *e = r->exp;
    const struct train_config *t = &r->s.train;
    const struct task_params *d = &r->s.data;
    fprintf(fp, "experiment %s\nprofile %s\ntask %s\n", e->name, profile_names[r->profile],
            e->task->name);
    /* the model line only for baselines, so that the AL-RNN rows keep the hashes (and the
     * run files) they had before there was a choice */
    if (e->model != MODEL_ALRNN) fprintf(fp, "model %s\n", model_kind_names[e->model]);
    fprintf(fp, "M %d\nform %s\ninit %s\nz0 %s\nreadout_bias %d\n", r->s.M,
            alrnn_form_names[e->form], alrnn_init_names[e->init], z0_kind_names[e->z0],
            e->readout_bias);
    fprintf(fp, "encoder %s", e->encoder ? e->encoder->name : "none");
    for (int i = 0; e->encoder && i < ENCODER_MAX_OPTS; i++)
        fprintf(fp, "%s%d", i ? "," : " ", e->encoder_opt[i]);
    fprintf(fp, "\nepochs %d\nbatch %d\nlr %a\nlr_min %a\ncosine %d\nclip %a\ntau %a\nM_reg %d\n"
                "eval_every %d\nselect %s\n",
            t->epochs, t->batch, t->lr, t->lr_min, t->cosine, t->clip, t->tau, t->M_reg,
            t->eval_every, select_kind_names[t->select]);
    /* only when it differs from the default (0, the relative stop), so that the rows without
     * it keep their hashes */
    if (t->blowup_loss != 0)
        fprintf(fp, "blowup_loss %a\n", t->blowup_loss);
    fprintf(fp, "T %d\nn_train %d\nn_val %d\nn_test %d\nn_per_group %d\nopts %s\n", d->T,
            d->n_train, d->n_val, d->n_test, d->n_per_group, d->opts ? d->opts : "");
    /* CSV data (`run csv`) carries no checksums: its folder is part of the identity, so a
     * checkpoint of another folder is not resumed */
    if (!strncmp(e->task->name, "csv-", 4))
        fprintf(fp, "csv_data %s\n", d->data_dir ? d->data_dir : "");
}

void resolved_dump(const struct resolved *r, FILE *fp) {
    const struct experiment *e = r->exp;
    const struct train_config *t = &r->s.train;
    const struct task_params *d = &r->s.data;
    fprintf(fp, "experiment %s (%s), profile %s\n", e->name, e->description,
            profile_names[r->profile]);
    fprintf(fp, "task %s: %s\n", e->task->name, e->task->description);
    fprintf(fp, "model %s: M %d, P grid %s, form %s, init %s, z0 %s, readout_bias %d, seeds 0..%d\n",
            model_kind_names[e->model], r->s.M, r->s.P_grid, alrnn_form_names[e->form],
            alrnn_init_names[e->init], z0_kind_names[e->z0], e->readout_bias, r->s.seeds - 1);
    fprintf(fp, "encoder: %s", e->encoder ? e->encoder->name : "none");
    for (int i = 0; e->encoder && i < ENCODER_MAX_OPTS; i++)
        fprintf(fp, "%s%d", i ? "," : " opts ", e->encoder_opt[i]);
    fprintf(fp, "\n");
    fprintf(fp,
            "training: epochs %d, batch %d, lr %.15g, lr_min %.15g, cosine %d, clip %.15g, "
            "tau %.15g, M_reg %d, eval_every %d, select %s\n",
            t->epochs, t->batch, t->lr, t->lr_min, t->cosine, t->clip, t->tau, t->M_reg,
            t->eval_every, select_kind_names[t->select]);
    if (t->blowup_loss != 0)
        fprintf(fp, "training: blowup_loss %.15g (%s)\n", t->blowup_loss,
                t->blowup_loss < 0 ? "no divergence stop on a finite loss"
                                   : "absolute divergence stop");
    fprintf(fp, "data: T %d, n_train %d, n_val %d, n_test %d, n_per_group %d, opts '%s'\n", d->T,
            d->n_train, d->n_val, d->n_test, d->n_per_group, d->opts ? d->opts : "");
}

/* FNV-1a 64 of the identity text, followed by `extra` (may be NULL). */
static uint64_t hash_identity(const struct resolved *r, const char *extra) {
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp) die("out of memory hashing experiment row %s", r->exp->name);
    dump_identity(r, fp);
    if (extra) fputs(extra, fp);
    if (fclose(fp) != 0) die("out of memory hashing experiment row %s", r->exp->name);
    const uint64_t h = fnv1a64(text, len);
    free(text);
    return h;
}

uint64_t resolved_hash(const struct resolved *r) { return hash_identity(r, NULL); }

uint64_t run_settings_hash(const struct resolved *r, int P, int seed) {
    char extra[128];
    int k = snprintf(extra, sizeof extra, "P %d\nseed %d\nprecision %s\n", P, seed, REAL_NAME);
    /* threads cut every batch into parts, which changes a run's rounding (train.h): a
     * checkpoint resumes with the thread count that wrote it (one thread: the hash as before) */
    if (r->s.train.threads > 1)
        snprintf(extra + k, sizeof extra - k, "threads %d\n", r->s.train.threads);
    return hash_identity(r, extra);
}

struct row_hash_hex resolved_hash_hex(const struct resolved *r) {
    struct row_hash_hex x;
    snprintf(x.s, sizeof x.s, "%016llx", (unsigned long long)resolved_hash(r));
    return x;
}
