/* run.c: one training run, end to end, and its HDF5 run file.
 *
 * Run file layout (the contract later tools rely on; README.md documents it):
 *   /                 attrs experiment, task, profile, seed, M, P, git_revision, created_utc,
 *                     cpu, kernels, blas (where it ran)
 *   /config           attrs: every setting of the run (model, training, data)
 *   /model/<name>     the kept parameters (A, W, C, h, D, b; a baseline's Wx, Wh, bx, bh, D,
 *                     b: core/model_rnn.h), float32; /config model and n_params say which
 *   /train/loss, /train/reg_loss, /train/lr, /train/grad_norm     per epoch
 *   /eval/epoch, /eval/loss, /eval/<metric> (test set), /eval/val_loss, /eval/val_<metric>
 *   /test/<metric>, /test/loss            scalars, for the kept parameters
 *   /test/sample/...  a few test sequences: inputs, states z_0..z_T (a baseline's hidden
 *                     states h_0..h_T), bitcodes (AL-RNN only), readout at every step, targets
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

#include <cblas.h>

#include "experiments.h"
#include "kernels.h"
#include "h5io.h"
#include "tasks.h"

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

/* "<model name>, x86 family F model M" from /proc/cpuinfo ("unknown" where it cannot be read):
 * the same seed gives other runs on another CPU or kernel set, so a run file names both. */
static void cpu_description(char *buf, size_t n) {
    snprintf(buf, n, "unknown");
    FILE *fp = fopen("/proc/cpuinfo", "r");
    if (!fp) return;
    char line[512], name[256] = "", family[32] = "", model[32] = "";
    while (fgets(line, sizeof line, fp) && !(name[0] && family[0] && model[0])) {
        char *colon = strchr(line, ':');
        if (!colon) continue;
        const char *v = colon + 1 + strspn(colon + 1, " \t");
        const size_t len = strcspn(v, "\n");
        if (!strncmp(line, "model name", 10) && !name[0])
            snprintf(name, sizeof name, "%.*s", (int)len, v);
        else if (!strncmp(line, "cpu family", 10) && !family[0])
            snprintf(family, sizeof family, "%.*s", (int)len, v);
        else if (!strncmp(line, "model\t", 6) && !model[0])
            snprintf(model, sizeof model, "%.*s", (int)len, v);
    }
    fclose(fp);
    if (name[0] && family[0] && model[0])
        snprintf(buf, n, "%s, x86 family %s model %s", name, family, model);
    else if (name[0])
        snprintf(buf, n, "%s", name);
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
    /* the divergence stop (train.h): 0 = relative to the first loss, > 0 absolute, < 0 none */
    h5_attr_double(f, g, "blowup_loss", tc->blowup_loss);
    h5_attr_str(f, g, "blowup_rule",
                tc->blowup_loss > 0   ? "absolute: a step loss above blowup_loss"
                : tc->blowup_loss < 0 ? "none: only a non-finite loss or gradient"
                                      : "relative: a step loss above 1e6 x max(1, first-step "
                                        "loss)");
    h5_attr_str(f, g, "optimizer", "adam(beta1=0.9,beta2=0.999,eps=1e-8)");
    h5_attr_str(f, g, "task_opts", r->s.data.opts ? r->s.data.opts : "");
    h5_attr_str(f, g, "P_grid", r->s.P_grid);
    h5_attr_int(f, g, "seeds", r->s.seeds);
    h5_attr_str(f, g, "precision", REAL_NAME);
    h5_attr_str(f, "/", "row_hash", resolved_hash_hex(r).s);
}

/* The /config attributes of the model: the AL-RNN's parameterisation, or the baseline's
 * cell (form is then absent; init and z0 say what the baseline does). */
static int is_csv_task(const struct task_type *t) {
    return t == &task_csv_class_last || t == &task_csv_class_all || t == &task_csv_reg_last ||
           t == &task_csv_reg_all;
}

/* n_train, n_val, n_test: the row's settings, or for CSV data (whose files decide) the
 * sizes of the splits trained on, with the folder in `data_dir`. */
static void write_config(const struct h5file *f, const struct resolved *r, const struct model *mo,
                         int T, const struct train_data *td) {
    const struct settings *s = &r->s;
    const struct train_config *tc = &s->train;
    const char *g = "/config";
    const model_kind kind = r->exp->model;
    h5_attr_str(f, g, "model", model_kind_names[kind]);
    h5_attr_int(f, g, "n_params", (long)mo->n_params);
    if (kind == MODEL_ALRNN) {
        const struct alrnn *m = mo->impl;
        h5_attr_str(f, g, "form", alrnn_form_names[m->cfg.form]);
        h5_attr_str(f, g, "init", alrnn_init_names[m->cfg.init]);
        h5_attr_str(f, g, "z0", z0_kind_names[m->cfg.z0]);
        h5_attr_str(f, g, "readout", readout_kind_names[m->cfg.readout]);
        h5_attr_int(f, g, "readout_bias", m->cfg.readout_bias);
        h5_attr_int(f, g, "M", m->cfg.M);
        h5_attr_int(f, g, "P", m->cfg.P);
        h5_attr_int(f, g, "N", m->cfg.N);
        h5_attr_int(f, g, "K", m->cfg.K);
    } else {
        const struct rnn *m = mo->impl;
        h5_attr_str(f, g, "init", "pytorch");
        h5_attr_str(f, g, "z0", "zero");
        h5_attr_str(f, g, "readout", readout_kind_names[m->cfg.readout]);
        h5_attr_int(f, g, "readout_bias", m->cfg.readout_bias);
        h5_attr_int(f, g, "M", m->cfg.M);
        h5_attr_int(f, g, "P", 0);
        h5_attr_int(f, g, "N", m->cfg.N);
        h5_attr_int(f, g, "K", m->cfg.K);
    }
    h5_attr_str(f, g, "loss", loss_kind_names[r->exp->task->loss]);
    h5_attr_int(f, g, "T", T);
    h5_attr_str(f, g, "select", select_kind_names[tc->select]);
    const int csv = is_csv_task(r->exp->task);
    h5_attr_int(f, g, "n_train", csv ? td->n_train : s->data.n_train);
    h5_attr_int(f, g, "n_val", csv ? td->n_val : s->data.n_val);
    h5_attr_int(f, g, "n_test", csv ? td->n_test : s->data.n_test);
    if (csv) h5_attr_str(f, g, "data_dir", s->data.data_dir ? s->data.data_dir : "");
    h5_attr_int(f, g, "n_per_group", s->data.n_per_group);
    run_file_training_config(r, f);
}

/* The sample datasets every model writes: inputs, readout ro (S, T, K) at every step,
 * targets or labels, mask. */
static void write_sample_io(const struct h5file *f, const struct dataset *d, int S, int T, int K,
                            const real *ro, const char *readout_description) {
    const size_t dx[3] = {S, d->T, d->N}, dr[3] = {S, T, K}, dy[3] = {S, d->T_out, K},
                 dl[2] = {S, d->T_out};
    h5_write(f, "/test/sample/x", H5K_REAL, 3, dx, d->x, "inputs s_t of the first test sequences",
             "task units");
    h5_write(f, "/test/sample/readout", H5K_REAL, 3, dr, ro, readout_description,
             "task units (logits for CE)");
    if (d->y)
        h5_write(f, "/test/sample/target", H5K_REAL, 3, dy, d->y, "targets at the target steps",
                 "task units");
    else
        h5_write(f, "/test/sample/label", H5K_I32, 2, dl, d->label,
                 "class labels at the target steps", "class index");
    h5_write(f, "/test/sample/mask", H5K_REAL, 2, dl, d->mask, "loss weight of each target step",
             "1");
}

/* The first S test sequences of a baseline: inputs, hidden states h_0..h_T, readout at
 * every step, targets (no bitcodes: a baseline has no ReLU units). */
static void write_sample_rnn(const struct h5file *f, const struct rnn *m,
                             const struct dataset *d) {
    const int S = d->n < SAMPLE_MAX ? d->n : SAMPLE_MAX;
    if (S == 0) return;
    const int Tin = d->T, N = d->N, M = m->cfg.M, K = m->cfg.K, To = d->T_out;
    struct rnn_work w;
    rnn_work_alloc(&w, m, Tin, S);
    const int T = w.T;
    int idx[SAMPLE_MAX];
    for (int i = 0; i < S; i++) idx[i] = i;
    real *x = xmalloc((size_t)Tin * S * N * sizeof(real));
    real *mask = xmalloc((size_t)To * S * sizeof(real));
    dataset_gather(d, idx, S, x, NULL, NULL, mask);
    rnn_forward(m, &w, x);
    const struct rnn_views v = rnn_views(m, m->params);
    real *z = xmalloc((size_t)S * (T + 1) * M * sizeof(real));
    real *ro = xmalloc((size_t)S * T * K * sizeof(real));
    for (int i = 0; i < S; i++)
        for (int t = 0; t <= T; t++) {
            const real *ht = w.H + ((size_t)t * S + i) * M;
            memcpy(z + ((size_t)i * (T + 1) + t) * M, ht, M * sizeof(real));
            if (t == 0) continue;
            for (int k = 0; k < K; k++) {
                double s = v.b ? v.b[k] : 0;
                for (int j = 0; j < M; j++) s += (double)v.D[(size_t)k * M + j] * ht[j];
                ro[((size_t)i * T + t - 1) * K + k] = (real)s;
            }
        }
    const size_t dz[3] = {S, T + 1, M};
    h5_write(f, "/test/sample/z", H5K_REAL, 3, dz, z,
             "hidden states h_0..h_T (h_0 = 0 is the initial state)", "latent units");
    write_sample_io(f, d, S, T, K, ro, "readout D h_t (+ b) at every step t = 1..T");
    free(x), free(mask), free(z), free(ro);
    rnn_work_free(&w);
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
    const size_t dz[3] = {S, T + 1, M}, dc[3] = {S, T + 1, P};
    h5_write(f, "/test/sample/z", H5K_REAL, 3, dz, z,
             "latent states z_0..z_T (z_0 is the initial state)", "latent units");
    h5_write(f, "/test/sample/bitcode", H5K_U8, 3, dc, code,
             "bitcode 1[z_{M-P+i} > 0] of each state, i = 0..P-1", "bit");
    write_sample_io(f, d, S, T, K, ro, "readout D z_t (+ b) at every step t = 1..T");
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
    /* where it ran: the CPU, the engine's kernel set (core/kernels.h) and OpenBLAS's build
     * and core type; provenance like git_revision, not settings (row_hash ignores them) */
    char cpu[384], blas[384];
    cpu_description(cpu, sizeof cpu);
    snprintf(blas, sizeof blas, "%s; core %s", openblas_get_config(), openblas_get_corename());
    h5_attr_str(f, "/", "cpu", cpu);
    h5_attr_str(f, "/", "kernels", kern_kind_names[kern_default()]);
    h5_attr_str(f, "/", "blas", blas);
}

void run_file_commit(const char *out, struct h5file *f) {
    h5_close(f);
    if (rename(tmp_path, out) != 0) die("cannot rename %s to %s", tmp_path, out);
    die_register_tmpfile(NULL);
    tmp_path[0] = 0;
    if (ckpt_path[0] && unlink(ckpt_path) != 0 && errno != ENOENT)
        die("cannot remove the finished run's checkpoint %s", ckpt_path);
    /* again at the end: a run started right after a SIGKILL can find the killed process
     * still being torn down (its pid alive for a moment), and skip its tmp file at start */
    remove_stale_tmp(out);
    if (ckpt_path[0]) remove_stale_tmp(ckpt_path);
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

    const int baseline = e->model != MODEL_ALRNN;
    if (baseline && P != 0)
        die("%s trains the %s baseline, which has no ReLU units: use --P 0 (not %d)", e->name,
            model_kind_names[e->model], P);
    if (baseline && (e->analyze || e->runner))
        die("%s: a %s row takes no analysis or runner (they read AL-RNN states)", e->name,
            model_kind_names[e->model]);
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

    /* the model: the AL-RNN or a baseline of M units, with the row's encoder either way */
    struct alrnn m;
    struct rnn rb;
    struct model mo;
    struct encoder enc = {.type = e->encoder, .N_in = mc.N, .M = mc.M};
    memcpy(enc.opt, e->encoder_opt, sizeof enc.opt);
    if (baseline) {
        const struct rnn_config rc = {.kind = e->model, .M = mc.M, .N = mc.N, .K = mc.K,
                                      .readout = mc.readout, .readout_bias = mc.readout_bias};
        rnn_create(&rb, &rc, e->encoder ? &enc : NULL);
        rnn_init_params(&rb, &init_rng);
        model_rnn(&mo, &rb, task);
    } else {
        alrnn_create(&m, &mc, e->encoder ? &enc : NULL);
        alrnn_init_params(&m, &init_rng);
        model_alrnn(&mo, &m, task);
    }

    char label[128];
    snprintf(label, sizeof label, "%s P=%d seed=%d %s", e->name, P, seed,
             profile_names[r->profile]);
    fprintf(stderr,
            "[%s] %s M=%d T=%d N=%d K=%d%s%s, %zu parameters, %d train / %d val / %d test "
            "sequences, %d epochs\n",
            label, model_kind_names[e->model], mc.M, T, mc.N, mc.K,
            e->encoder ? ", encoder " : "", e->encoder ? e->encoder->name : "", mo.n_params,
            train.n, val.n, test.n, r->s.train.epochs);
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
    mo.threads = r->s.train.threads; /* evaluations: the same bytes for any count (model.h) */
    train_run(&mo, &r->s.train, &td, (uint64_t)seed, label, &ck, &h);

    run_file_provenance(r, &f, P, seed);
    write_config(&f, r, &mo, T, &td);
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
    if (baseline) {
        write_sample_rnn(&f, &rb, &test);
    } else {
        write_sample(&f, &m, &test, (uint64_t)seed);
        if (e->analyze) e->analyze(r, &m, &test, (uint64_t)seed, &f);
    }
    run_file_commit(out, &f);

    char dur[32];
    fprintf(stderr, "[%s] done in %s: test", label, format_duration(h.wall_seconds, dur, sizeof dur));
    for (int k = 0; k < nm; k++) fprintf(stderr, " %s %.4g", task_metric_name(task, k), h.test[k]);
    fprintf(stderr, " (epoch %d kept%s) -> %s\n", h.selected_epoch,
            h.diverged ? "; training diverged" : "", out);

    train_history_free(&h);
    if (baseline) rnn_free(&rb);
    else alrnn_free(&m);
    dataset_free(&train);
    dataset_free(&val);
    dataset_free(&test);
}
