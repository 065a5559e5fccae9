/* rowhash.c: the identity of a resolved experiment row, for provenance (STYLE.md 17).
 *
 * resolved_dump() writes every resolved setting of a row and profile as canonical text (the
 * text `bin/alrnn show` prints); resolved_hash() is FNV-1a 64 over that text. A run file
 * stores the hash as the root attribute `row_hash` (16 hex digits); `summarize` refuses run
 * files whose hash differs from the row it summarises, and the generated make rules depend on
 * a stamp file holding the hash, so editing a row retrains its runs. The data directory is not
 * part of the row: where the data lives does not change what the run computes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "experiments.h"

void resolved_dump(const struct resolved *r, FILE *fp) {
    const struct experiment *e = r->exp;
    const struct train_config *t = &r->s.train;
    const struct task_params *d = &r->s.data;
    fprintf(fp, "experiment %s (%s), profile %s\n", e->name, e->description,
            profile_names[r->profile]);
    fprintf(fp, "task %s: %s\n", e->task->name, e->task->description);
    fprintf(fp, "model: M %d, P grid %s, form %s, init %s, z0 %s, readout_bias %d, seeds 0..%d\n",
            r->s.M, r->s.P_grid, alrnn_form_names[e->form], alrnn_init_names[e->init],
            z0_kind_names[e->z0], e->readout_bias, r->s.seeds - 1);
    fprintf(fp, "encoder: %s", e->encoder ? e->encoder->name : "none");
    if (e->encoder)
        for (int i = 0; i < ENCODER_MAX_OPTS; i++) fprintf(fp, "%s%d", i ? "," : " opts ", e->encoder_opt[i]);
    fprintf(fp, "\n");
    fprintf(fp,
            "training: epochs %d, batch %d, lr %.15g, lr_min %.15g, cosine %d, clip %.15g, "
            "tau %.15g, M_reg %d, eval_every %d, select %s\n",
            t->epochs, t->batch, t->lr, t->lr_min, t->cosine, t->clip, t->tau, t->M_reg,
            t->eval_every, select_kind_names[t->select]);
    fprintf(fp, "data: T %d, n_train %d, n_val %d, n_test %d, n_per_group %d, opts '%s'\n", d->T,
            d->n_train, d->n_val, d->n_test, d->n_per_group, d->opts ? d->opts : "");
}

uint64_t resolved_hash(const struct resolved *r) {
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp) die("out of memory hashing experiment row %s", r->exp->name);
    resolved_dump(r, fp);
    if (fclose(fp) != 0) die("out of memory hashing experiment row %s", r->exp->name);
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 offset basis */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ull; /* FNV 64 prime */
    }
    free(text);
    return h;
}

struct row_hash_hex resolved_hash_hex(const struct resolved *r) {
    struct row_hash_hex x;
    snprintf(x.s, sizeof x.s, "%016llx", (unsigned long long)resolved_hash(r));
    return x;
}
