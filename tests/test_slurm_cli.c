/* test_slurm_cli.c: `bin/alrnn slurm` without a cluster: bad input is one line, exit 1 and
 * nothing written; --dry-run shows scripts that bash accepts, with one array task per missing
 * run only, the requeue / signal / append directives and a signal lead that follows --time;
 * a failing sbatch is reported. The cluster tests are tests/test_slurm.sh (make test-slurm). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slurm.h"
#include "testutil.h"

/* A scratch project folder: bin/alrnn linked to the binary under test. */
static void project(char *dir, size_t n) {
    tu_tmpdir(dir, n, "slurmcli");
    char bin[2048], cwd[1024], cmd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(bin, sizeof bin, "%s%s%s", tu_bin()[0] == '/' ? "" : cwd, tu_bin()[0] == '/' ? "" : "/",
             tu_bin());
    cr_assert(tu_exists(bin), "no %s", bin);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/bin' && ln -s '%s' '%s/bin/alrnn'", dir, bin, dir);
    cr_assert_eq(system(cmd), 0);
}

/* Runs `bin/alrnn slurm <args>` in dir with the given PATH (NULL: ours); stdout to out_file
 * when given. Returns the exit status; stderr in err. */
static int slurm_in(const char *dir, const char *path, const char *args, const char *out_file,
                    char *err, size_t n) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "(cd '%s' && %s%s%s bin/alrnn slurm %s%s%s)", dir,
             path ? "env PATH='" : "", path ? path : "", path ? "'" : "", args,
             out_file ? " >" : "", out_file ? out_file : "");
    return tu_sh(cmd, err, n);
}

static void expect_bad(const char *dir, const char *args, const char *needle) {
    char err[4096];
    const int st = slurm_in(dir, NULL, args, NULL, err, sizeof err);
    cr_expect_eq(st, 1, "'slurm %s' exited %d", args, st);
    cr_expect_eq(tu_lines(err), 1, "'slurm %s' printed %d lines: %s", args, tu_lines(err), err);
    cr_expect(strstr(err, needle) != NULL, "'slurm %s': '%s' lacks '%s'", args, err, needle);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/results", dir);
    cr_expect(!tu_exists(probe), "'slurm %s' wrote %s", args, probe);
}

Test(slurm_cli, bad_input_is_one_line_exit_1_and_nothing_written) {
    char dir[256];
    project(dir, sizeof dir);
    expect_bad(dir, "figure99", "unknown figure or experiment 'figure99'");
    expect_bad(dir, "", "name a figure");
    expect_bad(dir, "figure4 --profile huge", "unknown profile 'huge'");
    expect_bad(dir, "figure4 --time 1:2:3:4", "bad --time '1:2:3:4'");
    expect_bad(dir, "figure4 --time 2h", "bad --time '2h'");
    expect_bad(dir, "figure4 --time 0", "bad --time '0'");
    expect_bad(dir, "figure4 --time 1-", "bad --time '1-'");
    expect_bad(dir, "figure4 --mem 2X", "bad --mem '2X'");
    expect_bad(dir, "figure4 --mem G", "bad --mem 'G'");
    expect_bad(dir, "figure4 --partition 'a b'", "bad --partition 'a b'");
    expect_bad(dir, "figure4 --max-parallel 0", "--max-parallel");
    expect_bad(dir, "figure4 --threads 0", "--threads");
    expect_bad(dir, "figure4 --nodes 3", "unknown option '--nodes'");
    expect_bad(dir, "figure4 --time", "needs a value");
    tu_rm_rf(dir);
}

Test(slurm_cli, no_sbatch_is_one_line_and_nothing_written) {
    char dir[256];
    project(dir, sizeof dir);
    char err[4096];
    const int st = slurm_in(dir, "/nonexistent", "figure4 --profile smoke", NULL, err, sizeof err);
    cr_expect_eq(st, 1);
    cr_expect_eq(tu_lines(err), 1, "%s", err);
    cr_expect(strstr(err, "sbatch not found"), "%s", err);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/results", dir);
    cr_expect(!tu_exists(probe), "wrote %s", probe);
    tu_rm_rf(dir);
}

Test(slurm_cli, failing_sbatch_is_reported) {
    char dir[256], cmd[2048], path[1024], err[4096];
    project(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/fake' && printf '#!/bin/sh\\necho \"sbatch: error: invalid partition\" >&2\\n"
             "exit 1\\n' > '%s/fake/sbatch' && chmod +x '%s/fake/sbatch'",
             dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/fake:/usr/bin:/bin", dir);
    const int st = slurm_in(dir, path, "figure4 --profile smoke", NULL, err, sizeof err);
    cr_expect_eq(st, 1);
    cr_expect(strstr(err, "sbatch failed for results/smoke/slurm/figure4.array.sbatch"), "%s", err);
    tu_rm_rf(dir);
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    static char buf[1 << 16];
    const size_t k = fread(buf, 1, sizeof buf - 1, f);
    buf[k] = 0;
    fclose(f);
    return buf;
}

Test(slurm_cli, dry_run_lists_only_missing_runs_and_writes_nothing) {
    char dir[256], cmd[2048], out[512], err[4096];
    project(dir, sizeof dir);
    /* P=0 exists (any file counts), P=2 is missing (figure4 draws the AL-RNN sweep only) */
    snprintf(cmd, sizeof cmd,
             "cd '%s/results/smoke' 2>/dev/null || mkdir -p '%s/results/smoke'; cd '%s/results/smoke' && "
             "for e in addition addition-tanh addition-lstm addition-gru; do mkdir -p $e && "
             ": > $e/P0_seed0.h5; done",
             dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(out, sizeof out, "%s/dry.txt", dir);
    const int st = slurm_in(dir, "/nonexistent",
                            "figure4 --profile smoke --time 1:00:00 --partition cpu --mem 2G "
                            "--max-parallel 3 --dry-run",
                            out, err, sizeof err);
    cr_assert_eq(st, 0, "%s", err);
    const char *s = slurp(out);
    const char *want[] = {"1 of 2 runs to train (1 missing, 0 stale)",
                          "#SBATCH --array=0-0%3\n",
                          "\"addition 2 0 results/smoke/addition/P2_seed0.h5 0\"",
                          "#SBATCH --requeue\n",
                          "#SBATCH --open-mode=append\n",
                          "#SBATCH --signal=B:USR1@360\n",
                          "#SBATCH --output=results/smoke/logs/figure4-%A_%a.log\n",
                          "#SBATCH --partition=cpu\n",
                          "#SBATCH --time=1:00:00\n",
                          "#SBATCH --mem=2G\n",
                          "trap 'forward USR1' USR1",
                          "scontrol requeue",
                          "--dependency=afterany:<array job id>",
                          "bin/alrnn summarize figure4 --profile smoke --out plots/data/smoke",
                          "plots/figure4.gp"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect(strstr(s, want[i]), "dry run lacks '%s'", want[i]);
    cr_expect(!strstr(s, "\"addition 0 0 "), "dry run lists the present run P=0");
    /* both scripts are valid bash */
    snprintf(cmd, sizeof cmd,
             "cd '%s' && awk '/^# --- /{n++; next} {print > (\"script\" n \".sh\")}' dry.txt && "
             "bash -n script1.sh && bash -n script2.sh && grep -q '^#!/bin/bash' script2.sh",
             dir);
    cr_expect_eq(system(cmd), 0, "a dry-run script does not parse");
    char probe[4300];
    snprintf(probe, sizeof probe, "%s/results/smoke/slurm", dir);
    cr_expect(!tu_exists(probe), "--dry-run wrote %s", probe);
    tu_rm_rf(dir);
}

/* --threads K: each array task asks for K CPUs and runs on K training threads; the figure
 * job stays on one CPU. Without it: one CPU, one thread. */
Test(slurm_cli, threads_ask_for_cpus_per_task) {
    char dir[256], out[512], err[4096];
    project(dir, sizeof dir);
    snprintf(out, sizeof out, "%s/dry.txt", dir);
    cr_assert_eq(slurm_in(dir, "/nonexistent", "addition --profile smoke --threads 2 --dry-run",
                          out, err, sizeof err), 0, "%s", err);
    const char *s = slurp(out);
    const char *array = strstr(s, "--array=");
    const char *check = strstr(s, "--job-name=alrnn-smoke-addition-check");
    cr_assert(array && check && array < check, "%s", s);
    const char *cpus2 = strstr(s, "#SBATCH --cpus-per-task=2\n");
    cr_expect(cpus2 && cpus2 < check, "the array does not ask for 2 CPUs per task");
    cr_expect(strstr(check, "#SBATCH --cpus-per-task=1\n"), "the check job asks for more than one");
    cr_expect(strstr(s, "\nthreads=2\n") && strstr(s, "--threads \"$threads\""),
              "the runs are not given their threads");
    cr_expect(strstr(s, "bin/alrnn slurm addition --profile smoke --threads 2"),
              "the generating command omits --threads");
    cr_assert_eq(slurm_in(dir, "/nonexistent", "addition --profile smoke --dry-run", out, err,
                          sizeof err), 0, "%s", err);
    s = slurp(out);
    cr_expect(strstr(s, "\nthreads=1\n") && !strstr(s, "--cpus-per-task=2"), "%s", s);
    tu_rm_rf(dir);
}

/* A run file of other settings of its row (here: 1 epoch instead of 3) is stale: it is
 * submitted again with its mtime, so that the task replaces it; a current one is not. */
Test(slurm_cli, stale_run_files_are_trained_again) {
    char dir[256], cmd[2048], out[512], err[4096];
    project(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && ALRNN_TEST_OVERRIDE=epochs=1 bin/alrnn run addition --P 0 --profile smoke "
             "--out results/smoke/addition/P0_seed0.h5 2>/dev/null && "
             "bin/alrnn run addition --P 2 --profile smoke --out results/smoke/addition/P2_seed0.h5 "
             "2>/dev/null",
             dir);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    snprintf(out, sizeof out, "%s/dry.txt", dir);
    cr_assert_eq(slurm_in(dir, NULL, "figure4 --profile smoke --dry-run", out, err, sizeof err), 0,
                 "%s", err);
    const char *s = slurp(out);
    cr_expect(strstr(s, "1 of 2 runs to train (0 missing, 1 stale)"), "%s", s);
    struct stat st;
    snprintf(cmd, sizeof cmd, "%s/results/smoke/addition/P0_seed0.h5", dir);
    cr_assert_eq(stat(cmd, &st), 0);
    char line[256];
    snprintf(line, sizeof line, "\"addition 0 0 results/smoke/addition/P0_seed0.h5 %ld\"",
             (long)st.st_mtime);
    cr_expect(strstr(s, line), "dry run lacks %s", line);
    cr_expect(!strstr(s, "\"addition 2 0 "), "the current run P=2 is listed");
    tu_rm_rf(dir);
}

Test(slurm_cli, time_limits_and_signal_lead) {
    cr_expect_eq(slurm_time_seconds("90"), 5400);
    cr_expect_eq(slurm_time_seconds("1:30"), 90);
    cr_expect_eq(slurm_time_seconds("2:00:00"), 7200);
    cr_expect_eq(slurm_time_seconds("1-12"), 129600);
    cr_expect_eq(slurm_time_seconds("1-0:30"), 88200);
    cr_expect_eq(slurm_time_seconds("2-03:04:05"), 183845);
    cr_expect_eq(slurm_time_seconds(""), -1);
    cr_expect_eq(slurm_time_seconds("1:2:3:4"), -1);
    cr_expect_eq(slurm_time_seconds("-5"), -1);
    cr_expect_eq(slurm_time_seconds("0:00"), -1);
    cr_expect_eq(slurm_signal_lead(0), 300);     /* the partition's limit */
    cr_expect_eq(slurm_signal_lead(60), 30);     /* at most half the limit */
    cr_expect_eq(slurm_signal_lead(600), 60);    /* at least a minute */
    cr_expect_eq(slurm_signal_lead(3600), 360);  /* a tenth */
    cr_expect_eq(slurm_signal_lead(86400), 900); /* at most 15 min */
}
