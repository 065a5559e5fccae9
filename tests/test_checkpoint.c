/* test_checkpoint.c: checkpoints, resume and interrupted runs, through bin/alrnn.
 *
 * The run under test is the smoke addition row made longer with the test-only
 * ALRNN_TEST_OVERRIDE=epochs=N (a few seconds). Each test makes its own uninterrupted
 * reference run and compares the finished run file with it through tests/runfile_same.sh
 * (every dataset and attribute, provenance and timings aside). Interruptions: SIGKILL at
 * several random points (resume from the last periodic checkpoint), SIGTERM / SIGINT
 * (checkpoint, exit 1), SIGUSR1 (checkpoint, go on), SIGHUP (no checkpoint, no temporary
 * file left). Also: a checkpoint of other settings is refused; stale temporaries of killed
 * runs are removed; the settings hash changes with every setting it covers.
 */
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <time.h>

#include "experiments.h"
#include "h5io.h"
#include "testutil.h"

/* a few seconds on an idle core; the signal delays below are fractions of the reference
 * run's measured wall time, so every signal lands mid-run on a faster machine too */
#define LONG_RUN "ALRNN_TEST_OVERRIDE=epochs=8000"

/* Wall seconds of the last uninterrupted reference run (reference()). */
static double ref_seconds;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The run command for out, with extra options. */
static void run_args(char *buf, size_t n, const char *out, const char *extra) {
    snprintf(buf, n, "run addition --P 2 --seed 0 --profile smoke --out %s %s", out,
             extra ? extra : "");
}

/* Starts `env bin/alrnn args` in the background (stderr to errfile, removed first so that
 * what it holds is this run's); returns its pid. */
static pid_t spawn(const char *env, const char *args, const char *errfile) {
    char cmd[8192];
    unlink(errfile);
    snprintf(cmd, sizeof cmd, "exec env %s %s %s >/dev/null 2>%s", env, tu_bin(), args, errfile);
    const pid_t pid = fork();
    cr_assert(pid >= 0, "fork failed");
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits for pid; returns its exit status, or 128 + signal when a signal ended it. */
static int wait_status(pid_t pid) {
    int st;
    while (waitpid(pid, &st, 0) < 0) cr_assert_eq(errno, EINTR);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* Number of files matching pattern. */
static int count_glob(const char *pattern) {
    glob_t g;
    const int n = glob(pattern, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
    globfree(&g);
    return n;
}

/* Temporary files (run file or checkpoint) next to out. */
static int tmp_files(const char *out) {
    char pat[1200];
    snprintf(pat, sizeof pat, "%s*.tmp.*", out);
    return count_glob(pat);
}

static int same_run_file(const char *a, const char *b) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "tests/runfile_same.sh %s %s", a, b);
    return system(cmd) == 0;
}

/* The uninterrupted reference run dir/ref.h5; its wall time into ref_seconds. */
static void reference(const char *dir, char *ref, size_t n) {
    char args[2048], err[16384];
    snprintf(ref, n, "%s/ref.h5", dir);
    run_args(args, sizeof args, ref, NULL);
    const double t0 = now_s();
    cr_assert_eq(tu_alrnn(LONG_RUN, args, err, sizeof err), 0, "%s", err);
    ref_seconds = now_s() - t0;
}

/* A fresh temporary directory dir for tag (256 bytes), its run file out (512), out's
 * checkpoint ck (600) and the run's stderr file errf (600), each skipped when NULL; with ref
 * (512) not NULL, also the uninterrupted reference run there. */
static void paths(const char *tag, char *dir, char *ref, char *out, char *ck, char *errf) {
    tu_tmpdir(dir, 256, tag);
    if (ref) reference(dir, ref, 512);
    snprintf(out, 512, "%s/run.h5", dir);
    if (ck) snprintf(ck, 600, "%s.ckpt", out);
    if (errf) snprintf(errf, 600, "%s/err", dir);
}

/* The whole file into buf (n bytes), or its last n - 1 bytes when longer: the progress lines
 * of a long run come first, what the run said on exit last. */
static void read_file(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    fseek(f, size > (long)n - 1 ? size - (long)n + 1 : 0, SEEK_SET);
    const size_t k = fread(buf, 1, n - 1, f);
    buf[k] = 0;
    fclose(f);
}

/* Whether the file contains needle anywhere. */
static int file_contains(const char *path, const char *needle) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    const long size = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)size + 1);
    const size_t k = fread(buf, 1, (size_t)size, f);
    buf[k] = 0;
    fclose(f);
    const int found = strstr(buf, needle) != NULL;
    free(buf);
    return found;
}

/* Waits until the run's stderr shows its first progress line (training has begun, so its
 * signal handlers are in place), at most 20 s. */
static void wait_for_training(const char *errf) {
    for (int i = 0; i < 4000; i++) {
        if (tu_exists(errf) && file_contains(errf, "] epoch ")) return;
        sleep_s(0.005);
    }
    cr_assert_fail("the run did not start training within 20 s");
}

Test(checkpoint, sigkill_at_random_points_then_resume_is_identical, .timeout = 600) {
    char dir[256], ref[512], out[512], ck[600], args[2048], err[16384], errf[600];
    paths("ckpt-kill", dir, ref, out, ck, errf);
    /* checkpoints every 5 epochs and every 50 ms (so also in the middle of epochs) */
    run_args(args, sizeof args, out, "--checkpoint-every 5 --checkpoint-seconds 0.05");
    unsigned seed = (unsigned)time(NULL);
    char delays[256] = "";
    int resumed = 0;
    /* A killed run advances at most its delay past the last checkpoint it resumed from, so
     * four delays of at most a tenth of the reference's wall time leave more than half of the
     * training for the last run, even if the machine runs twice as fast as during the
     * reference. */
    for (int k = 0; k < 4; k++) {
        const double delay = ref_seconds * (0.02 + 0.08 * rand_r(&seed) / RAND_MAX);
        snprintf(delays + strlen(delays), sizeof delays - strlen(delays), " %.3f", delay);
        const pid_t pid = spawn(LONG_RUN, args, errf);
        wait_for_training(errf);
        sleep_s(delay);
        kill(pid, SIGKILL);
        cr_assert_eq(wait_status(pid), 128 + SIGKILL,
                     "the run ended before SIGKILL (delays%s; reference %.2f s)", delays,
                     ref_seconds);
        read_file(errf, err, sizeof err);
        resumed += file_contains(errf, "resuming from checkpoint");
        cr_assert(tu_exists(ck), "no checkpoint after %.3f s (delays%s): %s", delay, delays, err);
    }
    cr_assert(resumed >= 3, "killed runs did not resume (%d of 3; delays%s)", resumed, delays);
    cr_assert_eq(tu_alrnn(LONG_RUN, args, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(err, "resuming from checkpoint"), "the last run did not resume: %s", err);
    cr_assert(same_run_file(ref, out), "resumed run file differs from the reference (delays%s)",
              delays);
    cr_assert(!tu_exists(ck), "the checkpoint outlived the finished run");
    cr_assert_eq(tmp_files(out), 0, "a temporary file of a killed run was not removed");
    tu_rm_rf(dir);
}

/* SIGTERM and SIGINT: checkpoint, exit status 1, no temporary run file; the rerun resumes
 * and finishes with the reference's run file. */
Test(checkpoint, sigterm_and_sigint_checkpoint_then_resume, .timeout = 600) {
    char dir[256], ref[512], out[512], ck[600], args[2048], err[16384], errf[600];
    paths("ckpt-term", dir, ref, out, ck, errf);
    run_args(args, sizeof args, out, "--checkpoint-seconds 0"); /* only the signals write */
    const int sigs[2] = {SIGTERM, SIGINT};
    for (int k = 0; k < 2; k++) {
        const pid_t pid = spawn(LONG_RUN, args, errf);
        wait_for_training(errf);
        sleep_s(ref_seconds * (0.05 + 0.1 * k));
        kill(pid, sigs[k]);
        const int st = wait_status(pid);
        read_file(errf, err, sizeof err);
        cr_assert_eq(st, 1, "signal %d: exit status %d: %s", sigs[k], st, err);
        cr_assert(strstr(err, "checkpoint written") && strstr(err, "resume"), "%s", err);
        cr_assert(tu_exists(ck), "signal %d wrote no checkpoint", sigs[k]);
        /* the divergence stop's reference travels in the loop state (train.h): the first-step
         * loss the uninterrupted run recorded */
        struct h5file cf;
        h5_open_read(&cf, ck);
        const double first = h5_read_attr_double(&cf, "/", "first_loss");
        h5_close(&cf);
        size_t n1, d1[4];
        double *want = tu_h5_read(ref, "/train/first_loss", &n1, d1);
        cr_assert(n1 == 1 && first == want[0], "checkpoint first_loss %g, the run's %g", first,
                  want[0]);
        free(want);
        cr_assert(!tu_exists(out), "an interrupted run left a run file");
        cr_assert_eq(tmp_files(out), 0, "signal %d left a temporary file", sigs[k]);
    }
    cr_assert_eq(tu_alrnn(LONG_RUN, args, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(err, "resuming from checkpoint"), "%s", err);
    cr_assert(same_run_file(ref, out), "resumed run file differs from the reference");
    cr_assert(!tu_exists(ck), "the checkpoint outlived the finished run");
    tu_rm_rf(dir);
}

/* SIGUSR1: a checkpoint appears while the run goes on to finish normally. */
Test(checkpoint, sigusr1_checkpoints_and_continues, .timeout = 600) {
    char dir[256], ref[512], out[512], ck[600], args[2048], err[16384], errf[600];
    paths("ckpt-usr1", dir, ref, out, ck, errf);
    run_args(args, sizeof args, out, "--checkpoint-seconds 0");
    const pid_t pid = spawn(LONG_RUN, args, errf);
    wait_for_training(errf);
    sleep_s(0.1 * ref_seconds);
    cr_assert(!tu_exists(ck), "a checkpoint before any was asked for");
    kill(pid, SIGUSR1);
    int seen = 0;
    for (int i = 0; i < 200 && !seen; i++) seen = tu_exists(ck), sleep_s(0.005);
    const int st = wait_status(pid);
    read_file(errf, err, sizeof err);
    cr_assert(seen, "SIGUSR1 wrote no checkpoint: %s", err);
    cr_assert_eq(st, 0, "exit status %d: %s", st, err);
    cr_assert(file_contains(errf, "checkpoint written"), "%s", err);
    cr_assert(same_run_file(ref, out), "run file differs from the reference");
    cr_assert(!tu_exists(ck), "the checkpoint outlived the finished run");
    tu_rm_rf(dir);
}

/* SIGHUP ends the run with no checkpoint and no temporary file. */
Test(checkpoint, sighup_leaves_no_temporary_file, .timeout = 60) {
    char dir[256], out[512], args[2048], errf[600];
    paths("ckpt-hup", dir, NULL, out, NULL, errf);
    run_args(args, sizeof args, out, "--checkpoint-seconds 0");
    const pid_t pid = spawn(LONG_RUN, args, errf);
    wait_for_training(errf);
    sleep_s(0.1);
    kill(pid, SIGHUP);
    cr_assert_eq(wait_status(pid), 128 + SIGHUP);
    cr_assert_eq(tmp_files(out), 0, "SIGHUP left a temporary file");
    cr_assert(!tu_exists(out));
    tu_rm_rf(dir);
}

/* A checkpoint of other settings (another learning rate) is refused, naming the file and how
 * to delete it; nothing is written and the checkpoint stays. */
Test(checkpoint, other_settings_are_refused, .timeout = 60) {
    char dir[256], out[512], ck[600], args[2048], err[16384], errf[600];
    paths("ckpt-hash", dir, NULL, out, ck, errf);
    run_args(args, sizeof args, out, "--checkpoint-seconds 0");
    const pid_t pid = spawn(LONG_RUN, args, errf);
    wait_for_training(errf);
    sleep_s(0.1);
    kill(pid, SIGTERM);
    cr_assert_eq(wait_status(pid), 1);
    cr_assert(tu_exists(ck));
    cr_assert_eq(tu_alrnn(LONG_RUN ",lr=0.002", args, err, sizeof err), 1, "%s", err);
    cr_assert(strstr(err, ck) && strstr(err, "rm '") && strstr(err, "other settings"),
              "unclear refusal: %s", err);
    cr_assert_eq(tu_lines(err), 2, "one line of refusal after the override note: %s", err);
    cr_assert(!tu_exists(out) && tu_exists(ck) && tmp_files(out) == 0);
    tu_rm_rf(dir);
}

/* Temporary files of SIGKILLed runs (a pid that no longer exists) are removed by the next run
 * of the same output; a live process's temporary file is not touched. */
Test(checkpoint, stale_temporaries_are_removed, .timeout = 60) {
    char dir[256], out[512], path[700], args[2048], err[16384];
    paths("ckpt-stale", dir, NULL, out, NULL, NULL);
    const char *stale[2] = {"%s.tmp.2147483", "%s.ckpt.tmp.2147483"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, stale[i], out);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s.tmp.1", out); /* pid 1 (init) is alive */
    fclose(fopen(path, "w"));
    run_args(args, sizeof args, out, NULL);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tmp_files(out), 1, "stale temporaries were not removed: %s", err);
    cr_assert(tu_exists(path), "the temporary file of a live process was removed");
    tu_rm_rf(dir);
}

/* A run started while a killed run's process is still being torn down finds its pid alive and
 * keeps its temporary file at start; the run removes it when it finishes. Here the "killed
 * run" is a child that lives until the new run trains, then is killed and reaped. */
Test(checkpoint, temporaries_of_runs_that_die_meanwhile_are_removed_at_the_end, .timeout = 60) {
    char dir[256], out[512], path[700], args[2048], errf[600];
    paths("ckpt-late", dir, NULL, out, NULL, errf);
    const pid_t victim = fork();
    cr_assert(victim >= 0, "fork failed");
    if (victim == 0) {
        pause();
        _exit(0);
    }
    snprintf(path, sizeof path, "%s.tmp.%ld", out, (long)victim);
    fclose(fopen(path, "w"));
    run_args(args, sizeof args, out, NULL);
    const pid_t pid = spawn("ALRNN_TEST_OVERRIDE=epochs=300", args, errf);
    wait_for_training(errf);
    cr_assert(tu_exists(path), "the file of a live process was removed at start");
    kill(victim, SIGKILL);
    wait_status(victim);
    cr_assert_eq(wait_status(pid), 0);
    cr_assert(tu_exists(out));
    cr_assert_eq(tmp_files(out), 0, "the dead run's temporary file outlived the run");
    tu_rm_rf(dir);
}

/* A run on two threads: its checkpoint resumes on two threads only (the parts of a batch
 * change the rounding, train.h), into the uninterrupted two-thread run's file, which records
 * the threads; a one-thread resume is refused. */
Test(checkpoint, threads_resume_only_with_their_thread_count, .timeout = 600) {
    char dir[256], ref[512], out[512], ck[600], args[2048], err[16384], errf[600];
    paths("ckpt-threads", dir, NULL, out, ck, errf);
    snprintf(ref, sizeof ref, "%s/ref.h5", dir);
    run_args(args, sizeof args, ref, "--threads 2");
    const double t0 = now_s();
    cr_assert_eq(tu_alrnn(LONG_RUN, args, err, sizeof err), 0, "%s", err);
    const double ref_s = now_s() - t0;
    cr_assert_eq(tu_h5_scalar(ref, "/train/threads"), 2);
    run_args(args, sizeof args, out, "--threads 2 --checkpoint-seconds 0");
    const pid_t pid = spawn(LONG_RUN, args, errf);
    wait_for_training(errf);
    sleep_s(ref_s * 0.1);
    kill(pid, SIGTERM);
    cr_assert_eq(wait_status(pid), 1);
    cr_assert(tu_exists(ck), "SIGTERM wrote no checkpoint");
    char one[2048];
    run_args(one, sizeof one, out, "--threads 1 --checkpoint-seconds 0");
    cr_assert_eq(tu_alrnn(LONG_RUN, one, err, sizeof err), 1, "%s", err);
    cr_assert(strstr(err, "other settings"), "unclear refusal: %s", err);
    cr_assert_eq(tu_alrnn(LONG_RUN, args, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(err, "resuming from checkpoint"), "%s", err);
    cr_assert(same_run_file(ref, out), "resumed two-thread run differs from the uninterrupted one");
    tu_rm_rf(dir);
}

/* The settings hash: equal for equal settings, different when any covered setting changes. */
Test(checkpoint, settings_hash_covers_the_settings) {
    struct resolved r;
    experiment_resolve(experiment_find("addition"), PROFILE_SMOKE, &r);
    const uint64_t h0 = run_settings_hash(&r, 2, 0);
    cr_assert_eq(h0, run_settings_hash(&r, 2, 0));
    cr_assert_neq(h0, run_settings_hash(&r, 1, 0), "P");
    cr_assert_neq(h0, run_settings_hash(&r, 2, 1), "seed");
    struct resolved s = r;
    s.s.train.lr *= 1 + 1e-15;
    cr_assert_neq(h0, run_settings_hash(&s, 2, 0), "lr (to the last digit)");
    s = r, s.s.train.epochs++;
    cr_assert_neq(h0, run_settings_hash(&s, 2, 0), "epochs");
    s = r, s.s.data.opts = "x=1";
    cr_assert_neq(h0, run_settings_hash(&s, 2, 0), "task options");
    s = r, s.profile = PROFILE_QUICK;
    cr_assert_neq(h0, run_settings_hash(&s, 2, 0), "profile");
    s = r, s.s.train.threads = 1;
    cr_assert_eq(h0, run_settings_hash(&s, 2, 0), "one thread: the hash as without the option");
    s = r, s.s.train.threads = 2;
    cr_assert_neq(h0, run_settings_hash(&s, 2, 0), "threads");
    /* FNV-1a 64 known answers (Fowler/Noll/Vo test vectors: "" and "a") */
    cr_assert_eq(fnv1a64("", 0), 0xcbf29ce484222325ull);
    cr_assert_eq(fnv1a64("a", 1), 0xaf63dc4c8601ec8cull);
}
