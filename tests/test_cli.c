/* test_cli.c: bin/alrnn's contract on the command line (README.md): bad input gives one
 * line naming the problem, a non-zero exit and no result file; a good smoke run gives a
 * complete run file and no temporary left behind. Needs bin/alrnn (make test builds it). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5io.h"
#include "kernels.h"
#include "testutil.h"

static void expect_failure(const char *args, const char *needle, const char *out) {
    char err[4096];
    if (out) unlink(out);
    int st =  tu_alrnn(NULL, args, err, sizeof err);
    cr_expect_neq(st, 0, "'%s' exited 0", args);
    cr_expect_eq(tu_lines(err), 1, "'%s' printed %d lines: %s", args, tu_lines(err), err);
    cr_expect(strstr(err, needle) != NULL, "'%s': message '%s' lacks '%s'", args, err, needle);
    if (out) cr_expect(!tu_exists(out), "'%s' left %s behind", args, out);
}

Test(cli, bad_input_is_one_line_nonzero_and_no_file) {
    const char *out = "/tmp/alrnn_cli_out.h5";
    expect_failure("run nosuchexperiment --P 1 --profile smoke --out /tmp/alrnn_cli_out.h5",
                   "unknown experiment 'nosuchexperiment'", out);
    expect_failure("run addition --P 9 --profile smoke --out /tmp/alrnn_cli_out.h5",
                   "out of range", out);
    expect_failure("run addition --P -1 --profile smoke --out /tmp/alrnn_cli_out.h5",
                   "out of range", out);
    expect_failure("run addition --P two --profile smoke --out /tmp/alrnn_cli_out.h5",
                   "not an integer", out);
    expect_failure("run addition --P 1 --seed 1x --profile smoke --out /tmp/alrnn_cli_out.h5",
                   "not an integer", out);
    expect_failure("run addition --P 1 --profile huge --out /tmp/alrnn_cli_out.h5",
                   "unknown profile", out);
    expect_failure("run addition --profile smoke --out /tmp/alrnn_cli_out.h5", "--P is required",
                   out);
    expect_failure("frobnicate", "unknown command", NULL);
    expect_failure("summarize figure99", "unknown figure", NULL);
}

Test(cli, unwritable_output_path) {
    /* a path whose parent is a regular file cannot be created, even by root */
    FILE *f = fopen("/tmp/alrnn_cli_notadir", "w");
    fclose(f);
    expect_failure("run addition --P 1 --profile smoke --out /tmp/alrnn_cli_notadir/x.h5",
                   "/tmp/alrnn_cli_notadir", NULL);
    unlink("/tmp/alrnn_cli_notadir");
}

Test(cli, list_names_experiments_first) {
    char cmd[512], line[512];
    snprintf(cmd, sizeof cmd, "%s list", tu_bin());
    FILE *p = popen(cmd, "r");
    int found = 0;
    while (fgets(line, sizeof line, p)) found |= strncmp(line, "addition\t", 9) == 0;
    cr_assert_eq(pclose(p), 0);
    cr_assert(found, "addition missing from bin/alrnn list");
}

Test(cli, smoke_run_writes_complete_run_file) {
    char dir[] = "/tmp/alrnn_cli_run_XXXXXX", out[256], args[512], err[8192];
    cr_assert(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/sub/P2_seed1.h5", dir);
    snprintf(args, sizeof args, "run addition --P 2 --seed 1 --profile smoke --out %s", out);
    cr_assert_eq(tu_alrnn(NULL, args, err, sizeof err), 0, "%s", err);
    cr_assert(strstr(err, "epoch 3/3") && strstr(err, "seq/s"), "no progress shown: %s", err);
    struct h5file f;
    h5_open_read(&f, out);
    const char *str_attrs[] = {"experiment", "task", "profile", "git_revision", "created_utc"};
    for (size_t i = 0; i < 5; i++) free(h5_read_attr_str(&f, "/", str_attrs[i]));
    /* where it ran: a CPU description, the kernel set in use, OpenBLAS's build and core */
    char *cpu = h5_read_attr_str(&f, "/", "cpu"), *kern = h5_read_attr_str(&f, "/", "kernels");
    char *blas = h5_read_attr_str(&f, "/", "blas");
    cr_assert(cpu[0], "empty cpu attribute");
    cr_assert_str_eq(kern, kern_kind_names[kern_default()]);
    cr_assert(strstr(blas, "OpenBLAS") && strstr(blas, "; core "), "blas: %s", blas);
    free(cpu), free(kern), free(blas);
    cr_assert_eq(h5_read_attr_int(&f, "/", "P"), 2);
    cr_assert_eq(h5_read_attr_int(&f, "/", "seed"), 1);
    cr_assert_eq(h5_read_attr_int(&f, "/", "M"), 8);
    cr_assert_eq(h5_read_attr_int(&f, "/config", "epochs"), 3);
    const char *sets[] = {"/model/A", "/model/W", "/model/C", "/model/h", "/model/D",
                          "/train/loss", "/eval/mse", "/test/mse", "/test/sample/z",
                          "/test/sample/bitcode"};
    for (size_t i = 0; i < ARRAY_LEN(sets); i++) cr_assert(h5_exists(&f, sets[i]), "%s", sets[i]);
    size_t n, dims[4];
    free(h5_read_f64(&f, "/model/A", &n, NULL, dims));
    cr_assert_eq(n, 2, "A must have P entries in the sequence parameterisation");
    free(h5_read_u8(&f, "/test/sample/bitcode", &n, NULL, dims));
    cr_assert_eq(dims[2], 2);
    h5_close(&f);
    /* nothing but the run file in its folder */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "test $(ls %s/sub | wc -l) -eq 1 && rm -rf %s", dir, dir);
    cr_assert_eq(system(cmd), 0, "temporary files left next to the run file");
}

/* `bin/alrnn scan-grammar` prints the 20,910 commands; as a multiset they equal SCAN's
 * tasks.txt (when the mirror is beside the checkout). */
Test(cli, scan_grammar_prints_every_command) {
    char cmd[1024], line[256];
    snprintf(cmd, sizeof cmd, "%s scan-grammar | wc -l", tu_bin());
    FILE *p = popen(cmd, "r");
    cr_assert(fgets(line, sizeof line, p));
    cr_assert_eq(pclose(p), 0);
    cr_assert_eq(atoi(line), 20910);
    const char *dir = getenv("ALRNN_SCAN_DIR") ? getenv("ALRNN_SCAN_DIR") : "../shared/datasets/scan";
    snprintf(cmd, sizeof cmd, "%s/tasks.txt", dir);
    if (!tu_exists(cmd)) cr_skip_test("SCAN files not found in %s", dir);
    snprintf(cmd, sizeof cmd,
             "bash -c 'diff <(%s scan-grammar | LC_ALL=C sort) <(tr -d \"\\r\" < %s/tasks.txt | "
             "LC_ALL=C sort) > /dev/null'",
             tu_bin(), dir);
    cr_assert_eq(system(cmd), 0, "generated commands differ from tasks.txt");
}

/* The generated make rules: one rule per run of the profile, and figures drawn into the
 * profile's own folder, so a smoke build never overwrites a quick figure. */
Test(cli, makefile_rules_per_profile) {
    char cmd[512], line[1024];
    const char *prof[2] = {"smoke", "quick"};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "%s makefile --profile %s", tu_bin(), prof[k]);
        FILE *p = popen(cmd, "r");
        cr_assert_not_null(p);
        char run_rule[128], out_dir[128], other[128];
        snprintf(run_rule, sizeof run_rule, "results/%s/addition/P0_seed0.h5:", prof[k]);
        snprintf(out_dir, sizeof out_dir, "outbase='plots/out/%s/figure4'", prof[k]);
        snprintf(other, sizeof other, "plots/out/%s/", prof[1 - k]);
        int has_rule = 0, has_out = 0, has_other = 0;
        while (fgets(line, sizeof line, p)) {
            has_rule |= strncmp(line, run_rule, strlen(run_rule)) == 0;
            has_out |= strstr(line, out_dir) != NULL;
            has_other |= strstr(line, other) != NULL;
        }
        cr_assert_eq(pclose(p), 0, "%s failed", cmd);
        cr_expect(has_rule, "%s: no rule for %s", cmd, run_rule);
        cr_expect(has_out, "%s: figure4 not drawn into plots/out/%s/", cmd, prof[k]);
        cr_expect(!has_other, "%s mentions %s", cmd, other);
    }
}
