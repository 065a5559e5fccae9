/* slurm.c: `bin/alrnn slurm FIGURE|EXPERIMENT`, the sweep of a figure (or of one experiment)
 * as Slurm jobs.
 *
 * It lists the runs of the target still to train (the run file does not exist, or is stale:
 * its row_hash says the row's settings changed since, as `make <figure>` would retrain) and
 * writes two sbatch scripts under results/<profile>/slurm/ (temporary name, then renamed):
 *
 *   <target>.array.sbatch   a job array with one task per run to train. Every task runs
 *                           `bin/alrnn run` in the background and waits for it. The batch
 *                           shell gets SIGUSR1 --signal=B:USR1@<lead> seconds before the time
 *                           limit; it sends the run SIGTERM (the run writes its checkpoint
 *                           and exits), then requeues the task (`scontrol requeue`), and the
 *                           run resumes from the checkpoint. SIGTERM (scancel, preemption)
 *                           is passed on; --requeue lets Slurm requeue the task after a
 *                           preemption or node failure. Logs are appended
 *                           (--open-mode=append): Slurm's per-task log
 *                           results/<profile>/logs/<target>-<array job>_<task>.log and the
 *                           run's own output in results/<profile>/logs/<experiment>/P<N>_seed<S>.log.
 *   <target>.figure.sbatch  (<target>.check.sbatch for an experiment) submitted with
 *                           --dependency=afterany:<array job>: it checks that every run
 *                           file of the target exists (naming each missing run and exiting 1
 *                           otherwise) and, for a figure, does what `make <figure>` does
 *                           after training: bin/alrnn summarize and gnuplot.
 *
 * It submits both with `sbatch --parsable` and prints the job ids. A run file is written
 * only when the run completes, so after a failure, a cancellation or a time limit the same
 * command submits exactly the runs that are still to train. --dry-run prints the scripts and
 * the sbatch commands and writes nothing; --wait waits for the figure job (sbatch --wait) and
 * exits 1 naming every run that is still missing.
 *
 * Bad input (unknown target, malformed --time, --mem, --partition or --max-parallel, no
 * sbatch on the PATH, an earlier submission of the same target still queued) prints one line
 * and exits 1 before anything is written or submitted. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>

#include "experiments.h"
#include "h5io.h"
#include "slurm.h"

enum { PATH_N = 4096, MAX_RUNS = 8192 };

struct run {
    const char *exp;
    int P, seed;
    char path[256];
    long mtime; /* of a stale run file (0: missing): the task trains until the file changes */
};

struct slurm_opts {
    const char *target, *profile, *partition, *time, *mem, *max_parallel, *threads;
    int dry_run, wait;
};

/* ---- option checks ------------------------------------------------------------------- */

static int all_in(const char *s, const char *allowed_extra) {
    if (!*s) return 0;
    for (const char *c = s; *c; c++) {
        const int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                       (*c >= '0' && *c <= '9') || strchr(allowed_extra, *c);
        if (!ok) return 0;
    }
    return 1;
}

/* Digits only, 1..max digits; returns the value or -1. */
static long digits(const char *s, size_t n) {
    if (n == 0 || n > 7) return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S. Returns seconds, or -1. */
long slurm_time_seconds(const char *s) {
    long days = 0;
    const char *rest = s;
    const char *dash = strchr(s, '-');
    int have_days = 0;
    if (dash) {
        days = digits(s, (size_t)(dash - s));
        if (days < 0) return -1;
        rest = dash + 1;
        have_days = 1;
    }
    long f[3];
    int nf = 0;
    const char *p = rest;
    for (;;) {
        const char *colon = strchr(p, ':');
        const size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (nf == 3) return -1;
        f[nf] = digits(p, len);
        if (f[nf] < 0) return -1;
        nf++;
        if (!colon) break;
        p = colon + 1;
    }
    long sec;
    if (have_days) { /* D-H, D-H:M, D-H:M:S */
        sec = days * 86400 + f[0] * 3600 + (nf > 1 ? f[1] * 60 : 0) + (nf > 2 ? f[2] : 0);
    } else if (nf == 1) { /* M */
        sec = f[0] * 60;
    } else if (nf == 2) { /* M:S */
        sec = f[0] * 60 + f[1];
    } else { /* H:M:S */
        sec = f[0] * 3600 + f[1] * 60 + f[2];
    }
    return sec > 0 ? sec : -1;
}

/* Seconds before the time limit at which Slurm sends SIGUSR1: a tenth of the limit, between
 * 60 s and 15 min, and at most half the limit; 5 min when the limit is the partition's. */
long slurm_signal_lead(long limit_s) {
    if (limit_s <= 0) return 300;
    long lead = limit_s / 10;
    if (lead < 60) lead = 60;
    if (lead > 900) lead = 900;
    if (lead > limit_s / 2) lead = limit_s / 2;
    return lead > 0 ? lead : 1;
}

static void check_opts(const struct slurm_opts *o) {
    if (o->time && slurm_time_seconds(o->time) < 0)
        die("bad --time '%s': use minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS "
            "(more than zero)",
            o->time);
    if (o->mem) {
        const size_t n = strlen(o->mem);
        const char last = n ? o->mem[n - 1] : 0;
        const size_t nd = strchr("KMGTkmgt", last) && last ? n - 1 : n;
        long v = -1;
        if (nd > 0 && nd <= 9) {
            v = 0;
            for (size_t i = 0; i < nd; i++) {
                if (o->mem[i] < '0' || o->mem[i] > '9') {
                    v = -1;
                    break;
                }
                v = v * 10 + (o->mem[i] - '0');
            }
        }
        if (v <= 0) die("bad --mem '%s': a positive whole number with an optional K, M, G or T", o->mem);
    }
    if (o->partition && !all_in(o->partition, "_.,-"))
        die("bad --partition '%s': letters, digits and _ . , - only", o->partition);
    if (o->max_parallel) parse_long(o->max_parallel, "--max-parallel", 1, 1000000);
    if (o->threads) parse_long(o->threads, "--threads", 1, 256);
}

/* CPUs per array task: the runs' training threads (--threads, train.h). */
static long task_cpus(const struct slurm_opts *o) {
    return o->threads ? parse_long(o->threads, "--threads", 1, 256) : 1;
}

/* ---- the runs ------------------------------------------------------------------------ */

/* 1 when path is a run file trained with other settings of its row (its root attribute
 * row_hash differs from the row's, or is absent): `make <figure>` retrains those, and summarize
 * refuses them. Files that are not HDF5 are left to summarize to name. */
static int run_is_stale(const struct resolved *r, const char *path) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (H5Fis_hdf5(path) <= 0) return 0;
    struct h5file f;
    h5_open_read(&f, path);
    int stale = 1;
    if (H5Aexists_by_name(f.id, "/", "row_hash", H5P_DEFAULT) > 0) {
        char *v = h5_read_attr_str(&f, "/", "row_hash");
        stale = strcmp(v, resolved_hash_hex(r).s) != 0;
        free(v);
    }
    h5_close(&f);
    return stale;
}

static int collect_runs(const char *const *exps, profile_kind p, struct run *all, int *n_all,
                        int *missing_idx, int *n_missing, int *n_stale) {
    *n_all = *n_missing = *n_stale = 0;
    for (int k = 0; exps[k]; k++) {
        const struct experiment *e = experiment_find(exps[k]);
        if (!e) die("figure names unknown experiment '%s'", exps[k]);
        struct resolved r;
        experiment_resolve(e, p, &r);
        for (int i = 0; i < r.n_P; i++)
            for (int s = 0; s < r.s.seeds; s++) {
                if (*n_all >= MAX_RUNS) die("more than %d runs", MAX_RUNS);
                struct run *u = &all[(*n_all)++];
                u->exp = e->name;
                u->P = r.P[i];
                u->seed = s;
                run_default_path(&r, u->P, s, u->path, sizeof u->path);
                struct stat st;
                u->mtime = 0;
                if (stat(u->path, &st) == 0) {
                    if (!run_is_stale(&r, u->path)) continue;
                    u->mtime = (long)st.st_mtime;
                    (*n_stale)++;
                }
                missing_idx[(*n_missing)++] = *n_all - 1;
            }
    }
    return *n_all;
}

/* ---- small process helpers ----------------------------------------------------------- */

/* 1 when `name` is an executable on the PATH. */
static int on_path(const char *name) {
    const char *path = getenv("PATH");
    if (!path) return 0;
    char buf[PATH_N];
    while (*path) {
        const char *colon = strchr(path, ':');
        const size_t len = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)len, len ? path : ".", name);
        if (access(buf, X_OK) == 0) return 1;
        path += len + (colon ? 1 : 0);
    }
    return 0;
}

/* Runs cmd (a shell command), reads the first line of its stdout into line (may be NULL),
 * echoes the rest of stdout to our stdout, returns the exit status (-1 if killed). */
static int run_cmd(const char *cmd, char *line, size_t n) {
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (!p) die("cannot run '%s'", cmd);
    char buf[256];
    int first = 1;
    if (line) line[0] = 0;
    while (fgets(buf, sizeof buf, p)) {
        if (first && line) {
            snprintf(line, n, "%s", buf);
            line[strcspn(line, "\r\n")] = 0;
        } else {
            fputs(buf, stdout);
            fflush(stdout);
        }
        first = 0;
    }
    const int st = pclose(p);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void mkdirs(const char *dir) {
    char buf[PATH_N + 8];
    snprintf(buf, sizeof buf, "%s/x", dir);
    make_parent_dirs(buf);
}

/* Writes text to path under a temporary name and renames it into place. */
static void write_atomic(const char *path, const char *text) {
    char tmp[PATH_N + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    make_parent_dirs(path);
    FILE *f = fopen(tmp, "w");
    if (!f) die("cannot write %s: %s", tmp, strerror(errno));
    die_register_tmpfile(tmp);
    const int bad = fputs(text, f) < 0;
    if (fclose(f) != 0 || bad) die("error writing %s", tmp);
    if (chmod(tmp, 0755) != 0 || rename(tmp, path) != 0) die("cannot rename %s to %s", tmp, path);
    die_register_tmpfile(NULL);
}

/* ---- the scripts --------------------------------------------------------------------- */

static void common_header(FILE *s, const struct slurm_opts *o, const char *cwd, long cpus) {
    fprintf(s, "#SBATCH --chdir=%s\n#SBATCH --open-mode=append\n#SBATCH --requeue\n", cwd);
    fprintf(s, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=%ld\n", cpus);
    if (o->partition) fprintf(s, "#SBATCH --partition=%s\n", o->partition);
    if (o->time) fprintf(s, "#SBATCH --time=%s\n", o->time);
    if (o->mem) fprintf(s, "#SBATCH --mem=%s\n", o->mem);
}

static void command_line(FILE *s, const struct slurm_opts *o, const char *pn) {
    fprintf(s, "bin/alrnn slurm %s --profile %s", o->target, pn);
    if (o->partition) fprintf(s, " --partition %s", o->partition);
    if (o->time) fprintf(s, " --time %s", o->time);
    if (o->mem) fprintf(s, " --mem %s", o->mem);
    if (o->max_parallel) fprintf(s, " --max-parallel %s", o->max_parallel);
    if (o->threads) fprintf(s, " --threads %s", o->threads);
}

static char *array_script(const struct slurm_opts *o, const char *pn, const char *cwd,
                          const struct run *all, const int *miss, int n_miss, const char *utc) {
    char *text = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&text, &len);
    if (!s) die("out of memory");
    const long lead = slurm_signal_lead(o->time ? slurm_time_seconds(o->time) : 0);
    fprintf(s, "#!/bin/bash\n# Generated by `");
    command_line(s, o, pn);
    fprintf(s, "` at %s:\n# one array task per run whose file was missing then (%d).\n", utc,
            n_miss);
    fprintf(s, "#SBATCH --job-name=alrnn-%s-%s\n", pn, o->target);
    fprintf(s, "#SBATCH --array=0-%d", n_miss - 1);
    if (o->max_parallel) fprintf(s, "%%%s", o->max_parallel);
    fprintf(s, "\n#SBATCH --output=results/%s/logs/%s-%%A_%%a.log\n", pn, o->target);
    fprintf(s, "#SBATCH --signal=B:USR1@%ld\n", lead);
    common_header(s, o, cwd, task_cpus(o));
    fprintf(s, "set -u\nprofile=%s\nthreads=%ld\nmax_restarts=20\nruns=(\n", pn, task_cpus(o));
    for (int i = 0; i < n_miss; i++) {
        const struct run *u = &all[miss[i]];
        fprintf(s, "  \"%s %d %d %s %ld\"\n", u->exp, u->P, u->seed, u->path, u->mtime);
    }
    fputs(")\n"
          "# old: the mtime of a stale run file to replace (0: none); done means written since\n"
          "read -r exp P seed out old <<<\"${runs[$SLURM_ARRAY_TASK_ID]}\"\n"
          "log=results/$profile/logs/$exp/P${P}_seed${seed}.log\n"
          "task=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\n"
          "restarts=${SLURM_RESTART_COUNT:-0}\n"
          "note() { echo \"[$(date -u +%FT%TZ) task $task restart $restarts] $*\"; }\n"
          "written() { [ -e \"$out\" ] && [ \"$(stat -c %Y \"$out\")\" != \"$old\" ]; }\n"
          "export OPENBLAS_NUM_THREADS=1\n"
          "mkdir -p \"${log%/*}\"\n"
          "if written; then note \"$out exists: nothing to do\"; exit 0; fi\n"
          "if [ \"$restarts\" -gt \"$max_restarts\" ]; then\n"
          "  note \"FAILED: $exp P=$P seed=$seed was requeued $restarts times; give it a longer --time\"\n"
          "  exit 1\n"
          "fi\n"
          "# Slurm sends SIGUSR1 to this shell only (--signal=B:...) before the time limit: the run\n"
          "# gets SIGTERM (it writes its checkpoint and exits), then the task requeues itself and\n"
          "# the run resumes. SIGTERM (scancel, preemption) is passed on as it is.\n"
          "child= signalled=\n"
          "forward() {\n"
          "  signalled=$1\n"
          "  note \"SIG$1: asking bin/alrnn run (pid ${child:-none}) to checkpoint and stop (SIGTERM)\"\n"
          "  [ -n \"$child\" ] && kill -TERM \"$child\" 2>/dev/null\n"
          "}\n"
          "trap 'forward USR1' USR1\n"
          "trap 'forward TERM' TERM\n"
          "note \"start: $exp P=$P seed=$seed on $(hostname) -> $out (output in $log)\"\n"
          "echo \"=== $(date -u +%FT%TZ) Slurm task $task restart $restarts on $(hostname)\" >>\"$log\"\n"
          "bin/alrnn run \"$exp\" --P \"$P\" --seed \"$seed\" --profile \"$profile\" --threads \"$threads\" --out \"$out\" >>\"$log\" 2>&1 &\n"
          "child=$!\n"
          "# wait returns early when a trapped signal arrives: wait again until the run has ended\n"
          "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; done\n"
          "wait \"$child\"\n"
          "rc=$?\n"
          "rm -f \"$out.tmp.$child\"  # what a run stopped by a signal leaves (bin/alrnn run writes <out>.tmp.<pid>)\n"
          "if written; then note \"done: $out\"; exit 0; fi\n"
          "if [ \"$signalled\" = USR1 ]; then\n"
          "  note \"bin/alrnn run stopped (exit $rc) before the time limit: requeueing the task\"\n"
          "  if scontrol requeue \"$task\"; then exit 0; fi\n"
          "  note \"scontrol requeue $task failed\"\n"
          "fi\n"
          "[ \"$rc\" = 0 ] && rc=1\n"
          "if [ \"$signalled\" = TERM ]; then\n"
          "  note \"stopped by SIGTERM (scancel, preemption or the time limit; exit $rc)\"\n"
          "  exit \"$rc\"\n"
          "fi\n"
          "note \"FAILED: $exp P=$P seed=$seed (exit $rc); the end of $log:\"\n"
          "tail -n 15 \"$log\"\n"
          "exit \"$rc\"\n",
          s);
    if (fclose(s) != 0) die("out of memory");
    return text;
}

static char *figure_script(const struct slurm_opts *o, const char *pn, const char *cwd,
                           const struct figure *fig, const struct run *all, int n_all,
                           const char *utc) {
    char *text = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&text, &len);
    if (!s) die("out of memory");
    fprintf(s, "#!/bin/bash\n# Generated by `");
    command_line(s, o, pn);
    fprintf(s, "` at %s:\n# after the array: check the %d run files%s.\n", utc, n_all,
            fig ? ", then summarize and draw the figure (what `make <figure>` does)" : "");
    const char *kind = fig ? "figure" : "check";
    fprintf(s, "#SBATCH --job-name=alrnn-%s-%s-%s\n", pn, o->target, kind);
    fprintf(s, "#SBATCH --output=results/%s/logs/%s-%s-%%j.log\n", pn, o->target, kind);
    common_header(s, o, cwd, 1);
    fprintf(s, "set -euo pipefail\nexport OPENBLAS_NUM_THREADS=1\nmissing=0\nfor r in");
    for (int i = 0; i < n_all; i++) fprintf(s, " \\\n  %s", all[i].path);
    fprintf(s, "; do\n"
               "  if [ ! -e \"$r\" ]; then\n"
               "    exp=${r%%/*}; exp=${exp#results/%s/}; run=${r##*/}\n"
               "    echo \"missing run: $r (its output: results/%s/logs/$exp/${run%%.h5}.log)\"\n"
               "    missing=$((missing + 1))\n"
               "  fi\n"
               "done\n",
            pn, pn);
    fprintf(s, "if [ \"$missing\" -gt 0 ]; then\n"
               "  echo \"$missing of %d runs of %s (profile %s) are missing; \\`",
            n_all, o->target, pn);
    command_line(s, o, pn);
    fprintf(s, "\\` submits just those\"\n  exit 1\nfi\n");
    if (fig) {
        fprintf(s, "bin/alrnn summarize %s --profile %s --out plots/data/%s\n", fig->name, pn, pn);
        fprintf(s, "mkdir -p plots/out/%s\n", pn);
        fprintf(s,
                "gnuplot -e \"datadir='plots/data/%s'; outbase='plots/out/%s/%s'; profile='%s'\" "
                "%s\n",
                pn, pn, fig->name, pn, fig->script);
        fprintf(s, "echo \"wrote plots/out/%s/%s.png and .pdf\"\n", pn, fig->name);
    } else {
        fprintf(s, "echo \"all %d runs of %s (profile %s) are present\"\n", n_all, o->target, pn);
    }
    if (fclose(s) != 0) die("out of memory");
    return text;
}

/* ---- the command --------------------------------------------------------------------- */

static void parse_slurm_opts(int argc, char **argv, struct slurm_opts *o) {
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (!strcmp(a, "--dry-run")) {
            o->dry_run = 1;
            continue;
        }
        if (!strcmp(a, "--wait")) {
            o->wait = 1;
            continue;
        }
        if (!strcmp(a, "--profile")) slot = &o->profile;
        else if (!strcmp(a, "--partition")) slot = &o->partition;
        else if (!strcmp(a, "--time")) slot = &o->time;
        else if (!strcmp(a, "--mem")) slot = &o->mem;
        else if (!strcmp(a, "--max-parallel")) slot = &o->max_parallel;
        else if (!strcmp(a, "--threads")) slot = &o->threads;
        else die("slurm: unknown option '%s' (see bin/alrnn help)", a);
        if (i + 1 >= argc) die("option %s needs a value", a);
        *slot = argv[++i];
    }
}

/* The job id in sbatch --parsable's "id" or "id;cluster". */
static int parse_job_id(const char *line, char *id, size_t n) {
    const size_t k = strcspn(line, ";");
    if (k == 0 || k >= n) return 0;
    for (size_t i = 0; i < k; i++)
        if (line[i] < '0' || line[i] > '9') return 0;
    snprintf(id, n, "%.*s", (int)k, line);
    return 1;
}

int cmd_slurm(int argc, char **argv) {
    if (argc < 3 || argv[2][0] == '-')
        die("slurm: name a figure (bin/alrnn figures) or an experiment (bin/alrnn list)");
    struct slurm_opts o = {.target = argv[2]};
    const struct figure *fig = figure_find(o.target);
    const struct experiment *exp = fig ? NULL : experiment_find(o.target);
    if (!fig && !exp)
        die("unknown figure or experiment '%s' (bin/alrnn figures, bin/alrnn list)", o.target);
    parse_slurm_opts(argc, argv, &o);
    const profile_kind p = o.profile ? profile_parse(o.profile) : PROFILE_QUICK;
    const char *pn = profile_names[p];
    check_opts(&o);

    char cwd[PATH_N];
    if (!getcwd(cwd, sizeof cwd)) die("cannot read the working directory: %s", strerror(errno));
    if (!all_in(cwd, "/_.+-@:,"))
        die("the working directory '%s' has characters the job scripts cannot carry "
            "(letters, digits and / _ . + - @ : , only)",
            cwd);
    if (access("bin/alrnn", X_OK) != 0)
        die("run this from the project directory: the jobs run bin/alrnn from '%s'", cwd);

    static struct run all[MAX_RUNS];
    static int miss[MAX_RUNS];
    int n_all, n_miss, n_stale;
    const char *single[2] = {exp ? exp->name : NULL, NULL};
    collect_runs(fig ? fig->experiments : single, p, all, &n_all, miss, &n_miss, &n_stale);

    char utc[32];
    const time_t now = time(NULL);
    strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    char *arr = n_miss ? array_script(&o, pn, cwd, all, miss, n_miss, utc) : NULL;
    char *fin = figure_script(&o, pn, cwd, fig, all, n_all, utc);
    char arr_path[PATH_N], fin_path[PATH_N];
    snprintf(arr_path, sizeof arr_path, "results/%s/slurm/%s.array.sbatch", pn, o.target);
    const char *kind = fig ? "figure" : "check";
    snprintf(fin_path, sizeof fin_path, "results/%s/slurm/%s.%s.sbatch", pn, o.target, kind);

    if (o.dry_run) {
        printf("# %s, profile %s: %d of %d runs to train (%d missing, %d stale)\n", o.target, pn,
               n_miss, n_all, n_miss - n_stale, n_stale);
        if (arr)
            printf("# --- %s (sbatch --parsable %s) ---\n%s", arr_path, arr_path, arr);
        printf("# --- %s (sbatch --parsable%s %s) ---\n%s", fin_path,
               arr ? " --dependency=afterany:<array job id>" : "", fin_path, fin);
        free(arr);
        free(fin);
        return 0;
    }

    if (!on_path("sbatch"))
        die("sbatch not found on the PATH: submit from a Slurm login node (or use --dry-run to "
            "see the scripts)");
    if (on_path("squeue")) {
        char cmd[1024], line[256];
        snprintf(cmd, sizeof cmd, "squeue -h -o %%F -n alrnn-%s-%s,alrnn-%s-%s-%s 2>/dev/null",
                 pn, o.target, pn, o.target, kind);
        if (run_cmd(cmd, line, sizeof line) == 0 && line[0])
            die("job %s from an earlier submission of %s (profile %s) is still queued or "
                "running: wait for it, or scancel it, before submitting again",
                line, o.target, pn);
    }
    /* the data the missing runs read: fetched here, since compute nodes may be offline */
    const char *fetched[16];
    int n_fetched = 0;
    for (int i = 0; i < n_miss; i++) {
        const struct experiment *e = experiment_find(all[miss[i]].exp);
        if (!e->needs_data) continue;
        int seen = 0;
        for (int k = 0; k < n_fetched; k++) seen |= !strcmp(fetched[k], e->needs_data);
        if (seen || n_fetched == 16) continue;
        fetched[n_fetched++] = e->needs_data;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "make --no-print-directory %s 1>&2", e->needs_data);
        if (run_cmd(cmd, NULL, 0) != 0)
            die("'make %s' failed: the runs of %s need that data on the shared file system",
                e->needs_data, e->name);
    }

    char logdir[PATH_N];
    snprintf(logdir, sizeof logdir, "results/%s/logs", pn);
    mkdirs(logdir);
    if (arr) write_atomic(arr_path, arr);
    write_atomic(fin_path, fin);
    free(arr);
    free(fin);

    char cmd[3 * PATH_N], line[256], array_id[64] = "", fig_id[64];
    if (n_miss) {
        snprintf(cmd, sizeof cmd, "sbatch --parsable %s", arr_path);
        const int st = run_cmd(cmd, line, sizeof line);
        if (st != 0 || !parse_job_id(line, array_id, sizeof array_id))
            die("sbatch failed for %s (exit %d%s%s)", arr_path, st, line[0] ? ", said: " : "",
                line);
        printf("submitted array job %s: %d of %d runs of %s (profile %s; %d missing, %d stale); "
               "logs in %s/\n",
               array_id, n_miss, n_all, o.target, pn, n_miss - n_stale, n_stale, logdir);
    } else {
        printf("all %d runs of %s (profile %s) exist and are current: nothing to train\n", n_all,
               o.target, pn);
        if (!fig) return 0;
    }
    snprintf(cmd, sizeof cmd, "sbatch --parsable%s%s%s %s", o.wait ? " --wait" : "",
             array_id[0] ? " --dependency=afterany:" : "", array_id, fin_path);
    FILE *pp;
    fflush(stdout);
    if (!(pp = popen(cmd, "r"))) die("cannot run '%s'", cmd);
    if (!fgets(line, sizeof line, pp)) line[0] = 0;
    line[strcspn(line, "\r\n")] = 0;
    if (!parse_job_id(line, fig_id, sizeof fig_id)) {
        pclose(pp);
        die("sbatch failed for %s%s%s%s", fin_path, array_id[0] ? " (array job " : "", array_id,
            array_id[0] ? " stays queued)" : "");
    }
    printf("submitted job %s: %s %s%s%s; log results/%s/logs/%s-%s-%s.log\n", fig_id,
           fig ? "summarize and draw" : "check the runs of", o.target,
           array_id[0] ? " after array job " : "", array_id, pn, o.target, kind, fig_id);
    fflush(stdout);
    char rest[1024];
    while (fgets(rest, sizeof rest, pp)) fputs(rest, stdout);
    const int st = pclose(pp);
    if (!o.wait) return st == 0 ? 0 : 1;

    /* --wait: the figure job has ended; report what is still missing or stale */
    collect_runs(fig ? fig->experiments : single, p, all, &n_all, miss, &n_miss, &n_stale);
    const int still = n_miss;
    for (int i = 0; i < n_miss; i++) {
        const struct run *u = &all[miss[i]];
        if (!i) fprintf(stderr, "alrnn: runs that failed or did not finish:\n");
        fprintf(stderr, "  %s P=%d seed=%d: %s %s; see results/%s/logs/%s/P%d_seed%d.log\n", u->exp,
                u->P, u->seed, u->path, u->mtime ? "stale" : "missing", pn, u->exp, u->P, u->seed);
    }
    const int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (still) {
        fprintf(stderr, "alrnn: %d of %d runs of %s (profile %s) still to train; the same "
                        "command submits just those\n", still, n_all, o.target, pn);
        return 1;
    }
    if (!ok) {
        fprintf(stderr, "alrnn: job %s failed; see results/%s/logs/%s-%s-%s.log\n", fig_id,
                pn, o.target, kind, fig_id);
        return 1;
    }
    printf("job %s done: all %d runs of %s (profile %s)%s\n", fig_id, n_all, o.target, pn,
           fig ? " summarized and drawn" : " present");
    return 0;
}
