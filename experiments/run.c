/* run.c: one training run, end to end, and its HDF5 run file.
 *
 * Run file layout (the contract later tools rely on; README.md documents it):
 *   /                 attrs experiment, task, profile, seed, M, P, git_revision, created_utc
 *   /config           attrs: every setting of the run (model, training, data)
 *   /model/<name>     the kept parameters (A, W, C, h, D, b), float32
 *   /train/loss, /train/reg_loss, /train/lr, /train/grad_norm     per epoch
 *   /eval/epoch, /eval/loss, /eval/<metric> (test set), /eval/val_loss, /eval/val_<metric>
 *   /test/<metric>, /test/loss            scalars, for the kept parameters
 *   /test/sample/...  a few test sequences: inputs, states z_0..z_T, bitcodes, readout at
 *                     every step, targets
 * The file is written as <out>.tmp.<pid> and renamed onto <out> when complete. SIGINT,
 * SIGTERM and SIGHUP outside training remove it and end the process; during training
 * train_run() handles SIGINT / SIGTERM (checkpoint, then die(), which removes it too). A
 * temporary file of a killed earlier run of the same output (its pid no longer running) is
 * removed when the next run of that output begins. Training checkpoints go to <out>.ckpt
 * (train.h), carry the hash of the resolved settings (rowhash.c), are resumed by the next run
 * of the same output, and are deleted once the run file is complete.
 */
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "experiments.h"
#include "h5io.h"

enum { SAMPLE_MAX = 16 }; /* test sequences stored with full trajectories */

static char tmp_path[4200];
static char ckpt_path[4200];
static int ckpt_every_epochs;          /* --checkpoint-every */
static double ckpt_every_seconds = 120; /* --checkpoint-seconds */

static void on_signal(int sig) {
    if (tmp_path[0]) unlink(tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void git_revision(char *buf, size_t n) {
    snprintf(buf, n, "unknown");
    FILE *p = popen("git rev-parse --short=12 HEAD 2>/dev/null", "r");
    if (!p) return;
    char rev[64] = "";
    if (fgets(rev, sizeof rev, p)) rev[strcspn(rev, "\n")] = 0;
    pclose(p);
    if (!rev[0]) return;
    int dirty = 0;
    p = popen("git status --porcelain --untracked-files=no 2>/dev/null", "r");
    if (p) {
        char line[8];
        dirty = fgets(line, sizeof line, p) != NULL;
        pclose(p);
    }
    snprintf(buf, n, "%s%s", rev, dirty ? "-dirty" : "");
}

void run_file_training_config(const struct resolved *r, const struct h5file *f) {
    const struct train_config *tc = &r->s.train;
    const char *g = "/config";
    h5_attr_int(f, g, "epochs", tc->epochs);
    h5_attr_int(f, g, "batch", tc->batch);
    h5_attr_double(f, g, "lr", tc->lr);
    h5_attr_double(f, g, "lr_min", tc->lr_min);
    h5_attr_int(f, g, "cosine", tc->cosine);
    h5_attr_double(f, g, "clip", tc->clip);
    h5_attr_double(f, g, "tau", tc->tau);
    h5_attr_int(f, g, "M_reg", tc->M_reg);
    h5_attr_int(f, g, "eval_every", tc->eval_every);
    h5_attr_double(f, g, "blowup_loss", tc->blowup_loss != 0 ? tc->blowup_loss : TRAIN_BLOWUP_LOSS);
    h5_attr_str(f, g, "optimizer", "adam(beta1=0.9,beta2=0.999,eps=1e-8)");
    h5_attr_str(f, g, "task_opts", r->s.data.opts ? r->s.data.opts : "");
    h5_attr_str(f, g, "P_grid", r->s.P_grid);
    h5_attr_int(f, g, "seeds", r->s.seeds);
    h5_attr_str(f, g, "precision", REAL_NAME);
    h5_attr_str(f, "/", "row_hash", resolved_hash_hex(r).s);
}

static void write_config(const struct h5file *f, const struct resolved *r,
                         const struct alrnn *m, int T) {
    const struct settings *s = &r->s;
    const struct train_config *tc = &s->train;
    const char *g = "/config";
    h5_attr_str(f, g, "form", alrnn_form_names[m->cfg.form]);
    h5_attr_str(f, g, "init", alrnn_init_names[m->cfg.init]);
    h5_attr_str(f, g, "z0", z0_kind_names[m->cfg.z0]);
    h5_attr_str(f, g, "readout", readout_kind_names[m->cfg.readout]);
    h5_attr_int(f, g, "readout_bias", m->cfg.readout_bias);
    h5_attr_str(f, g, "loss", loss_kind_names[r->exp->task->loss]);
    h5_attr_int(f, g, "M", m->cfg.M);
    h5_attr_int(f, g, "P", m->cfg.P);
    h5_attr_int(f, g, "N", m->cfg.N);
    h5_attr_int(f, g, "K", m->cfg.K);
    h5_attr_int(f, g, "T", T);
    h5_attr_str(f, g, "select", select_kind_names[tc->select]);
    h5_attr_int(f, g, "n_train", s->data.n_train);
    h5_attr_int(f, g, "n_val", s->data.n_val);
    h5_attr_int(f, g, "n_test", s->data.n_test);
    h5_attr_int(f, g, "n_per_group", s->data.n_per_group);
    run_file_training_config(r, f);
}

/* Trajectories of the first S test sequences, converted to sequence-major. */
static void write_sample(const struct h5file *f, const struct alrnn *m, const struct dataset *d,
                         uint64_t seed) {
    const int S = d->n < SAMPLE_MAX ? d->n : SAMPLE_MAX;
    if (S == 0) return;
    const int Tin = d->T, N = d->N, M = m->cfg.M, P = m->cfg.P, K = m->cfg.K, To = d->T_out;
    struct alrnn_work w;
    alrnn_work_alloc(&w, m, Tin, S);
    const int T = w.T; /* recurrence steps (fewer than Tin after a pooling encoder) */
    int idx[SAMPLE_MAX];
    for (int i = 0; i < S; i++) idx[i] = i;
    real *x = xmalloc((size_t)Tin * S * N * sizeof(real));
    real *mask = xmalloc((size_t)To * S * sizeof(real));
    dataset_gather(d, idx, S, x, NULL, NULL, mask);
    rng_t r;
    rng_init(&r, seed, RNG_STREAM_EVAL);
    alrnn_set_z0(m, &w, &r);
    alrnn_forward(m, &w, x);

    struct alrnn_views v = alrnn_views(m, m->params);
    real *z = xmalloc((size_t)S * (T + 1) * M * sizeof(real));
    uint8_t *code = xmalloc((size_t)S * (T + 1) * (P ? P : 1));
    real *ro = xmalloc((size_t)S * T * K * sizeof(real));
    for (int i = 0; i < S; i++)
        for (int t = 0; t <= T; t++) {
            const real *zt = w.Z + ((size_t)t * S + i) * M;
            memcpy(z + ((size_t)i * (T + 1) + t) * M, zt, M * sizeof(real));
            alrnn_bitcode(m, zt, code + ((size_t)i * (T + 1) + t) * P);
            if (t == 0) continue;
            for (int k = 0; k < K; k++) { /* readout D z_t (+ b) at every step, for plots */
                double s = v.b ? v.b[k] : 0;
                for (int j = 0; j < M; j++) s += (double)v.D[(size_t)k * M + j] * zt[j];
                ro[((size_t)i * T + t - 1) * K + k] = (real)s;
            }
        }
    const size_t dx[3] = {S, Tin, N}, dz[3] = {S, T + 1, M}, dc[3] = {S, T + 1, P},
                 dr[3] = {S, T, K}, dy[3] = {S, To, K}, dl[2] = {S, To};
    h5_write(f, "/test/sample/x", H5K_REAL, 3, dx, d->x, "inputs s_t of the first test sequences",
             "task units");
    h5_write(f, "/test/sample/z", H5K_REAL, 3, dz, z,
             "latent states z_0..z_T (z_0 is the initial state)", "latent units");
    h5_write(f, "/test/sample/bitcode", H5K_U8, 3, dc, code,
             "bitcode 1[z_{M-P+i} > 0] of each state, i = 0..P-1", "bit");
    h5_write(f, "/test/sample/readout", H5K_REAL, 3, dr, ro,
             "readout D z_t (+ b) at every step t = 1..T", "task units (logits for CE)");
    if (d->y)
        h5_write(f, "/test/sample/target", H5K_REAL, 3, dy, d->y, "targets at the target steps",
                 "task units");
    else
        h5_write(f, "/test/sample/label", H5K_I32, 2, dl, d->label,
                 "class labels at the target steps", "class index");
    h5_write(f, "/test/sample/mask", H5K_REAL, 2, dl, d->mask, "loss weight of each target step",
             "1");
    free(x);
    free(mask);
    free(z);
    free(code);
    free(ro);
    alrnn_work_free(&w);
}

/* Removes <prefix>.tmp.<pid> files whose process is gone (SIGKILLed earlier runs). */
static void remove_stale_tmp(const char *prefix) {
    char pat[4300];
    snprintf(pat, sizeof pat, "%s.tmp.*", prefix);
    glob_t g;
    if (glob(pat, GLOB_NOSORT, NULL, &g) != 0) return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *p = g.gl_pathv[i] + strlen(prefix) + 5;
        char *end;
        const long pid = strtol(p, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH && unlink(g.gl_pathv[i]) == 0)
            fprintf(stderr, "alrnn: removed %s, left by an interrupted run\n", g.gl_pathv[i]);
    }
    globfree(&g);
}

void run_file_begin(const char *out, struct h5file *f) {
    make_parent_dirs(out);
    snprintf(tmp_path, sizeof tmp_path, "%s.tmp.%ld", out, (long)getpid());
    snprintf(ckpt_path, sizeof ckpt_path, "%s.ckpt", out);
    remove_stale_tmp(out);
    remove_stale_tmp(ckpt_path);
    die_register_tmpfile(tmp_path);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGUSR1, SIG_IGN); /* a checkpoint request outside training: nothing to save */
    h5_create(f, tmp_path);
}

void run_set_checkpoint_options(int every_epochs, double every_seconds) {
    ckpt_every_epochs = every_epochs, ckpt_every_seconds = every_seconds;
}

struct train_checkpoint run_file_checkpoint(const struct resolved *r, int P, int seed) {
    ASSERT(ckpt_path[0]); /* after run_file_begin */
    const struct train_checkpoint ck = {.path = ckpt_path,
                                        .settings_hash = run_settings_hash(r, P, seed),
                                        .every_epochs = ckpt_every_epochs,
                                        .every_seconds = ckpt_every_seconds};
    return ck;
}

void run_file_provenance(const struct resolved *r, const struct h5file *f, int P, int seed) {
    char rev[96], when[32];
    git_revision(rev, sizeof rev);
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    h5_attr_str(f, "/", "experiment", r->exp->name);
    h5_attr_str(f, "/", "task", r->exp->task->name);
    h5_attr_str(f, "/", "profile", profile_names[r->profile]);
    h5_attr_int(f, "/", "seed", seed);
    h5_attr_int(f, "/", "M", r->s.M);
    h5_attr_int(f, "/", "P", P);
    h5_attr_str(f, "/", "git_revision", rev);
    h5_attr_str(f, "/", "created_utc", when);
    h5_attr_str(f, "/", "description", r->exp->description);
}

void run_file_commit(const char *out, struct h5file *f) {
    h5_close(f);
    if (rename(tmp_path, out) != 0) die("cannot rename %s to %s", tmp_path, out);
    die_register_tmpfile(NULL);
    tmp_path[0] = 0;
    if (ckpt_path[0] && unlink(ckpt_path) != 0 && errno != ENOENT)
        die("cannot remove the finished run's checkpoint %s", ckpt_path);
    ckpt_path[0] = 0;
}

void resolved_test_override(struct resolved *r) {
    const char *v = getenv("ALRNN_TEST_OVERRIDE");
    if (!v || !*v) return;
    const struct task_params opts = {.opts = v};
    const int epochs = task_opt_int(&opts, "epochs", r->s.train.epochs);
    const double lr = task_opt_double(&opts, "lr", r->s.train.lr);
    if (epochs < 1 || !(lr > 0)) die("ALRNN_TEST_OVERRIDE='%s': need epochs >= 1, lr > 0", v);
    r->s.train.epochs = epochs, r->s.train.lr = lr;
    fprintf(stderr, "alrnn: test override ALRNN_TEST_OVERRIDE='%s': epochs %d, lr %g\n", v, epochs,
            lr);
}

void experiment_dispatch(const struct resolved *r, int P, int seed, const char *out) {
    /* refuse a checkpoint of other settings before any data is read */
    char ck_path[4200];
    snprintf(ck_path, sizeof ck_path, "%s.ckpt", out);
    const struct train_checkpoint ck = {.path = ck_path,
                                        .settings_hash = run_settings_hash(r, P, seed)};
    train_checkpoint_probe(&ck);
    if (r->exp->runner) r->exp->runner(r, P, seed, out);
    else experiment_run(r, P, seed, out);
}

/* The per-epoch data hook (train.h) for a task with a resample hook: epoch e's trials come
 * from stream (seed, RNG_STREAM_RESAMPLE) split by e, so they depend on seed and e only. */
struct resample_ctx {
    const struct task_type *task;
    const struct task_params *p;
    struct dataset *train;
    uint64_t seed;
};

static void run_resample(void *ctx, int epoch) {
    const struct resample_ctx *c = ctx;
    rng_t base, r;
    rng_init(&base, c->seed, RNG_STREAM_RESAMPLE);
    r = rng_split(&base, (uint64_t)epoch + 1);
    c->task->resample(c->p, &r, c->train);
}

void experiment_run(const struct resolved *r, int P, int seed, const char *out) {
    const struct experiment *e = r->exp;
    const struct task_type *task = e->task;
    struct task_params tp = r->s.data;
    if (!tp.data_dir) tp.data_dir = getenv("ALRNN_DATA_DIR") ? getenv("ALRNN_DATA_DIR") : "data";

    struct alrnn_config mc = {.M = r->s.M, .P = P, .form = e->form, .init = e->init,
                              .z0 = e->z0, .readout = task->readout,
                              .readout_bias = e->readout_bias};
    int T;
    task->dims(&tp, &T, &mc.N, &mc.K);
    alrnn_config_check(&mc);

    /* Create the output first, so an unwritable path fails before any training. */
    struct h5file f;
    run_file_begin(out, &f);

    rng_t data_rng, init_rng;
    rng_init(&data_rng, (uint64_t)seed, RNG_STREAM_DATA);
    rng_init(&init_rng, (uint64_t)seed, RNG_STREAM_INIT);
    struct dataset train, val, test;
    task->make_data(&tp, &data_rng, &train, &val, &test);
    ASSERT(train.T == T && train.N == mc.N && train.K == mc.K);
    if (train.n == 0) die("%s: the training set is empty", e->name);

    struct alrnn m;
    struct encoder enc = {.type = e->encoder, .N_in = mc.N, .M = mc.M};
    memcpy(enc.opt, e->encoder_opt, sizeof enc.opt);
    alrnn_create(&m, &mc, e->encoder ? &enc : NULL);
    alrnn_init_params(&m, &init_rng);

    char label[128];
    snprintf(label, sizeof label, "%s P=%d seed=%d %s", e->name, P, seed,
             profile_names[r->profile]);
    fprintf(stderr,
            "[%s] M=%d T=%d N=%d K=%d%s%s, %zu parameters, %d train / %d val / %d test sequences, "
            "%d epochs\n",
            label, mc.M, T, mc.N, mc.K, e->encoder ? ", encoder " : "",
            e->encoder ? e->encoder->name : "", m.n_params, train.n, val.n, test.n,
            r->s.train.epochs);
    struct model mo;
    model_alrnn(&mo, &m, task);
    struct train_data td = {.train = &train, .val = &val, .test = &test,
                            .n_train = train.n, .n_val = val.n, .n_test = test.n};
    struct resample_ctx rc = {.task = task, .p = &tp, .train = &train, .seed = (uint64_t)seed};
    if (task_opt_int(&tp, "resample", 0)) {
        if (!task->resample) die("%s: task %s cannot resample its training set (resample=1)",
                                 e->name, task->name);
        td.resample = run_resample, td.resample_ctx = &rc;
    }
    const struct train_checkpoint ck = run_file_checkpoint(r, P, seed);
    struct train_history h;
    train_run(&mo, &r->s.train, &td, (uint64_t)seed, label, &ck, &h);

    run_file_provenance(r, &f, P, seed);
    write_config(&f, r, &m, T);
    mo.type->write_params(&mo, &f);
    train_history_write(&f, &mo, &h);
    const int nm = task_metric_count(task);
    for (int k = 0; k < nm; k++) {
        char path[128];
        snprintf(path, sizeof path, "/test/%s", task_metric_name(task, k));
        h5_write_scalar(&f, path, h.test[k], "test-set metric of the kept parameters", "metric");
    }
    h5_write_scalar(&f, "/test/loss", h.test_loss, "test loss of the kept parameters",
                    loss_kind_names[task->loss]);
    write_sample(&f, &m, &test, (uint64_t)seed);
    if (e->analyze) e->analyze(r, &m, &test, (uint64_t)seed, &f);
    run_file_commit(out, &f);

    char dur[32];
    fprintf(stderr, "[%s] done in %s: test", label, format_duration(h.wall_seconds, dur, sizeof dur));
    for (int k = 0; k < nm; k++) fprintf(stderr, " %s %.4g", task_metric_name(task, k), h.test[k]);
    fprintf(stderr, " (epoch %d kept%s) -> %s\n", h.selected_epoch,
            h.diverged ? "; training diverged" : "", out);

    train_history_free(&h);
    alrnn_free(&m);
    dataset_free(&train);
    dataset_free(&val);
    dataset_free(&test);
}
