/* rowhash.c: a hash of everything that determines a run's result, for checkpoints (a
 * checkpoint resumes only the run that wrote it) and for summaries that check a run file
 * against the row it claims to come from.
 *
 * The hash is 64-bit FNV-1a over a canonical text dump of the resolved row for (P, seed):
 * one `key=value` line per setting, in a fixed order, reals printed with %.17g (round-trip
 * exact), plus the numeric precision of the build. The dump is deliberately blind to
 * provenance (time, git revision) and to settings that do not change the result (threads,
 * output path, checkpoint cadence). Changing what is dumped changes every hash: checkpoints
 * then refuse to resume, which is the safe direction.
 */
#include <stdarg.h>
#include <string.h>

#include "experiments.h"

struct dump {
    char *buf;
    size_t n, cap;
};

static void put(struct dump *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put(struct dump *d, const char *key, const char *fmt, ...) {
    char val[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    const int len = snprintf(d->buf + d->n, d->cap - d->n, "%s=%s\n", key, val);
    if (len < 0 || (size_t)len >= d->cap - d->n) die("resolved_dump: buffer too small");
    d->n += (size_t)len;
}

size_t resolved_dump(const struct resolved *r, int P, int seed, char *buf, size_t cap) {
    const struct experiment *e = r->exp;
    const struct settings *s = &r->s;
    const struct train_config *t = &s->train;
    const struct task_params *p = &s->data;
    struct dump d = {.buf = buf, .cap = cap};
    ASSERT(cap > 0);
    buf[0] = 0;
    put(&d, "experiment", "%s", e->name);
    put(&d, "task", "%s", e->task->name);
    put(&d, "profile", "%s", profile_names[r->profile]);
    put(&d, "P", "%d", P);
    put(&d, "seed", "%d", seed);
    put(&d, "precision", "%s", REAL_NAME);
    put(&d, "form", "%s", alrnn_form_names[e->form]);
    put(&d, "init", "%s", alrnn_init_names[e->init]);
    put(&d, "z0", "%s", z0_kind_names[e->z0]);
    put(&d, "readout_bias", "%d", e->readout_bias);
    put(&d, "encoder", "%s", e->encoder ? e->encoder->name : "");
    for (int i = 0; i < ENCODER_MAX_OPTS; i++) put(&d, "encoder_opt", "%d", e->encoder_opt[i]);
    put(&d, "M", "%d", s->M);
    put(&d, "P_grid", "%s", s->P_grid ? s->P_grid : "");
    put(&d, "seeds", "%d", s->seeds);
    put(&d, "epochs", "%d", t->epochs);
    put(&d, "batch", "%d", t->batch);
    put(&d, "lr", "%.17g", t->lr);
    put(&d, "lr_min", "%.17g", t->lr_min);
    put(&d, "cosine", "%d", t->cosine);
    put(&d, "clip", "%.17g", t->clip);
    put(&d, "tau", "%.17g", t->tau);
    put(&d, "M_reg", "%d", t->M_reg);
    put(&d, "eval_every", "%d", t->eval_every);
    put(&d, "select", "%s", select_kind_names[t->select]);
    put(&d, "T", "%d", p->T);
    put(&d, "n_train", "%d", p->n_train);
    put(&d, "n_val", "%d", p->n_val);
    put(&d, "n_test", "%d", p->n_test);
    put(&d, "n_per_group", "%d", p->n_per_group);
    put(&d, "opts", "%s", p->opts ? p->opts : "");
    put(&d, "data_dir", "%s", p->data_dir ? p->data_dir : "");
    return d.n;
}

uint64_t fnv1a64(const void *data, size_t n) {
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64-bit offset basis and prime */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

uint64_t resolved_hash(const struct resolved *r, int P, int seed) {
    char buf[8192];
    const size_t n = resolved_dump(r, P, seed, buf, sizeof buf);
    return fnv1a64(buf, n);
}
