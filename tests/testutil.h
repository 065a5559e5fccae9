/* testutil.h: helpers shared by the tests that run bin/alrnn or scripts, or need scratch
 * folders. Header-only: each test file is one translation unit and includes it once.
 * The tests run from the repository root (make test does). */
#ifndef ALRNN_TESTUTIL_H
#define ALRNN_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The command-line program under test: $ALRNN_BIN, else bin/alrnn. */
static inline const char *tu_bin(void) {
    const char *b = getenv("ALRNN_BIN");
    return b && *b ? b : "bin/alrnn";
}

/* Runs the shell command cmd with stdout discarded and stderr captured into err (n bytes,
 * NUL-terminated). Returns the exit status, or -1 when the command was killed. */
static inline int tu_sh(const char *cmd, char *err, size_t n) {
    char errf[] = "/tmp/alrnn_test_err_XXXXXX", full[8192];
    const int fd = mkstemp(errf);
    cr_assert(fd >= 0, "mkstemp failed");
    close(fd);
    snprintf(full, sizeof full, "%s >/dev/null 2>%s", cmd, errf);
    const int st = system(full);
    FILE *f = fopen(errf, "r");
    cr_assert_not_null(f);
    const size_t k = fread(err, 1, n - 1, f);
    err[k] = 0;
    fclose(f);
    unlink(errf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* `env bin/alrnn args` (env: NULL or "NAME=value ..." assignments); as tu_sh. */
static inline int tu_alrnn(const char *env, const char *args, char *err, size_t n) {
    char cmd[6144];
    snprintf(cmd, sizeof cmd, "%s %s %s", env ? env : "", tu_bin(), args);
    return tu_sh(cmd, err, n);
}

/* A fresh folder /tmp/alrnn-test-<tag>-XXXXXX; dir holds n bytes. */
static inline void tu_tmpdir(char *dir, size_t n, const char *tag) {
    snprintf(dir, n, "/tmp/alrnn-test-%s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(dir), "mkdtemp %s failed", dir);
}

static inline void tu_rm_rf(const char *dir) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
}

static inline int tu_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static inline int tu_lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* The first data directory holding `probe` (a path inside it, e.g. "mnist/..."), or NULL:
 * $ALRNN_DATA_DIR, data/ (`make datasets`), $DATA_MIRROR, ../shared/datasets (the offline
 * mirror, laid out like data/, which the readers read in place). Tests never download. */
static inline const char *tu_data_dir_with(const char *probe) {
    const char *cand[4] = {getenv("ALRNN_DATA_DIR"), "data", getenv("DATA_MIRROR"),
                           "../shared/datasets"};
    static char found[4096];
    for (int i = 0; i < 4; i++) {
        if (!cand[i] || !*cand[i]) continue;
        snprintf(found, sizeof found, "%s/%s", cand[i], probe);
        if (access(found, R_OK) == 0) {
            snprintf(found, sizeof found, "%s", cand[i]);
            return found;
        }
    }
    return NULL;
}

#endif
