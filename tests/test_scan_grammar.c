/* test_scan_grammar.c: the SCAN grammar, interpreter, splits, reader and vocabulary.
 *
 * Known answers come from two places, cited per test: the interpretation rules and counts in
 * shared/datasets/README.md (section SCAN, "README" below), worked by hand; and the published
 * files in the SCAN directory (../shared/datasets/scan from the repo root, or ALRNN_SCAN_DIR).
 * Tests that need the files skip with a message when they are absent. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scan_data.h"

static const char *scan_dir(void) {
    const char *d = getenv("ALRNN_SCAN_DIR");
    return d && *d ? d : "../shared/datasets/scan";
}

/* Skip the calling test unless every listed file (relative to scan_dir()) is readable. */
static void require_files(const char *const *rel, int n) {
    char path[4096];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", scan_dir(), rel[i]);
        if (access(path, R_OK) != 0)
            cr_skip_test("SCAN file %s not found (run from the repo root, or set ALRNN_SCAN_DIR "
                         "to shared/datasets/scan)", path);
    }
}

/* "A x k" in the hand-written answers below: the action a repeated k times, as text. */
static void actions_text(const enum scan_action *a, int n, char *buf, size_t cap) {
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? " " : "", scan_action_names[a[i]]);
}

static void expect_meaning(const char *cmd, const char *want) {
    enum scan_action a[SCAN_MAX_ACTIONS];
    char got[1024];
    int n = scan_interpret(cmd, a);
    cr_assert(n > 0, "\"%s\" rejected by the interpreter", cmd);
    actions_text(a, n, got, sizeof got);
    cr_expect_str_eq(got, want, "\"%s\"", cmd);
}

#define TL "I_TURN_LEFT"
#define TR "I_TURN_RIGHT"

/* README "Interpretation", worked by hand:
 *   [jump around left] = (TL J) x 4, twice -> (TL J) x 8 = 16 actions;
 *   [walk opposite right after run] = [run][walk opposite right] = RUN TR TR WALK;
 *   [turn around right] = TR x 4 ([turn] is nothing); [turn opposite left thrice] = TL x 6;
 *   [run left thrice after turn right] = TR (TL RUN) x 3;
 *   [jump opposite left and look around right thrice] = TL TL J (TR LOOK) x 12 = 27 actions;
 *   "jump left twice" is also SOURCE.txt's format example. */
Test(scan, interpret_known_answers) {
    expect_meaning("walk", "I_WALK");
    expect_meaning("turn left", TL);
    expect_meaning("jump left twice", TL " I_JUMP " TL " I_JUMP");
    expect_meaning("jump around left twice",
                   TL " I_JUMP " TL " I_JUMP " TL " I_JUMP " TL " I_JUMP "
                   TL " I_JUMP " TL " I_JUMP " TL " I_JUMP " TL " I_JUMP");
    expect_meaning("walk opposite right after run", "I_RUN " TR " " TR " I_WALK");
    expect_meaning("turn around right", TR " " TR " " TR " " TR);
    expect_meaning("turn opposite left thrice", TL " " TL " " TL " " TL " " TL " " TL);
    expect_meaning("look right and walk", TR " I_LOOK I_WALK");
    expect_meaning("run left thrice after turn right",
                   TR " " TL " I_RUN " TL " I_RUN " TL " I_RUN");

    enum scan_action a[SCAN_MAX_ACTIONS];
    cr_expect_eq(scan_interpret("jump around left twice", a), 16);
    int n = scan_interpret("jump opposite left and look around right thrice", a);
    cr_assert_eq(n, 27);
    cr_expect(a[0] == SCAN_I_TURN_LEFT && a[1] == SCAN_I_TURN_LEFT && a[2] == SCAN_I_JUMP);
    for (int k = 3; k < 27; k++)
        cr_expect_eq(a[k], (k % 2) ? SCAN_I_TURN_RIGHT : SCAN_I_LOOK, "position %d", k);
    /* the longest meaning: 2 x 3 x 8 */
    cr_expect_eq(scan_interpret("walk around left thrice and turn around right thrice", a), 36);
    cr_expect_eq(scan_interpret("walk around left thrice and run around right thrice", a),
                 SCAN_MAX_ACTIONS);
}

/* Strings outside the grammar (README "Grammar"): bare turn, doubled repetition, dangling
 * conjunction, two conjunctions, missing direction, unknown or miscased word, bad spacing. */
Test(scan, interpret_rejects_non_sentences) {
    static const char *const bad[] = {
        "", "turn", "turn twice", "walk twice twice", "walk and", "and walk", "walk around",
        "walk opposite", "walk left right", "walk and run and look", "walk after run after look",
        "walk  twice", " walk", "walk ", "Walk", "fly", "walk left opposite", "twice",
        "walk around left twice thrice", "walk around left twice and jump around left twice and",
    };
    enum scan_action a[SCAN_MAX_ACTIONS];
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        cr_expect_eq(scan_interpret(bad[i], a), -1, "\"%s\" accepted", bad[i]);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* README "Counts" and the action-length histogram; scan_data.h documents the order. */
Test(scan, grammar_counts_histogram_order) {
    static const int hist[][2] = {
        {1, 6}, {2, 88}, {3, 398}, {4, 860}, {5, 1184}, {6, 1178}, {7, 1104}, {8, 1450},
        {9, 1256}, {10, 1696}, {11, 1072}, {12, 1578}, {13, 432}, {14, 848}, {15, 688},
        {16, 304}, {17, 512}, {18, 784}, {19, 448}, {20, 464}, {21, 64}, {22, 576}, {24, 336},
        {25, 448}, {26, 512}, {27, 448}, {28, 448}, {30, 576}, {32, 448}, {33, 256}, {36, 64},
        {40, 256}, {48, 128},
    };
    struct scan_set all;
    scan_set_init(&all);
    scan_grammar_generate(&all);
    cr_assert_eq(all.n, 20910);

    int count[SCAN_MAX_ACTIONS + 1] = {0}, want[SCAN_MAX_ACTIONS + 1] = {0}, sum = 0;
    for (int i = 0; i < all.n; i++) {
        cr_assert(all.pair[i].n_out >= 1 && all.pair[i].n_out <= SCAN_MAX_ACTIONS);
        cr_assert(all.pair[i].n_in >= 1 && all.pair[i].n_in <= SCAN_MAX_WORDS);
        count[all.pair[i].n_out]++;
    }
    for (size_t k = 0; k < ARRAY_LEN(hist); k++) want[hist[k][0]] = hist[k][1], sum += hist[k][1];
    cr_assert_eq(sum, 20910, "histogram table typo");
    for (int l = 0; l <= SCAN_MAX_ACTIONS; l++)
        cr_expect_eq(count[l], want[l], "action length %d: %d commands, README says %d", l,
                     count[l], want[l]);
    cr_expect_eq(scan_set_max_len(&all, SCAN_SIDE_IN), 9);
    cr_expect_eq(scan_set_max_len(&all, SCAN_SIDE_OUT), 48);

    /* each command once */
    const char **cmds = malloc((size_t)all.n * sizeof *cmds);
    for (int i = 0; i < all.n; i++) cmds[i] = all.pair[i].in;
    qsort(cmds, (size_t)all.n, sizeof *cmds, cmp_str);
    for (int i = 1; i < all.n; i++) cr_assert_str_neq(cmds[i - 1], cmds[i], "duplicate command");
    free(cmds);

    char line[1024];
    scan_pair_format(&all.pair[0], line, sizeof line);
    cr_expect_str_eq(line, "IN: walk OUT: I_WALK");
    cr_expect_str_eq(all.pair[1].in, "walk twice");
    cr_expect_str_eq(all.pair[12].in, "walk left");   /* after 4 U x 3 */
    cr_expect_str_eq(all.pair[102].in, "walk and walk");
    cr_expect_str_eq(all.pair[102 + 102 * 102].in, "walk after walk");
    cr_expect_str_eq(all.pair[all.n - 1].in,
                     "turn around right thrice after turn around right thrice");
    cr_expect_eq(all.pair[all.n - 1].n_out, 24);
    scan_set_free(&all);
}

Test(scan, grammar_equals_tasks_txt) {
    static const char *const need[] = {"tasks.txt"};
    require_files(need, 1);
    struct scan_set gen, file;
    char msg[512] = "";
    scan_set_init(&gen), scan_set_init(&file);
    scan_grammar_generate(&gen);
    scan_read_in(scan_dir(), "tasks.txt", &file);
    cr_expect_eq(file.n, 20910);
    cr_expect_eq(scan_set_compare(&gen, &file, msg, sizeof msg), 0, "%s", msg);
    scan_set_free(&gen), scan_set_free(&file);
}

/* Regenerate a split from the grammar and compare both halves with its files. */
static void expect_split_matches(const char *name, int n_train, int n_test) {
    const struct scan_split *sp = scan_split_find(name);
    cr_assert_not_null(sp, "split %s", name);
    const char *const need[] = {sp->train_path, sp->test_path};
    require_files(need, 2);
    struct scan_set all, rtrain, rtest, ftrain, ftest;
    char msg[512] = "";
    scan_set_init(&all), scan_set_init(&rtrain), scan_set_init(&rtest);
    scan_set_init(&ftrain), scan_set_init(&ftest);
    scan_grammar_generate(&all);
    scan_split_make(sp, &all, &rtrain, &rtest);
    cr_expect_eq(rtrain.n, n_train, "%s train", name);
    cr_expect_eq(rtest.n, n_test, "%s test", name);
    scan_read_in(scan_dir(), sp->train_path, &ftrain);
    scan_read_in(scan_dir(), sp->test_path, &ftest);
    cr_expect_eq(scan_set_compare(&rtrain, &ftrain, msg, sizeof msg), 0, "%s: %s",
                 sp->train_path, msg);
    cr_expect_eq(scan_set_compare(&rtest, &ftest, msg, sizeof msg), 0, "%s: %s", sp->test_path,
                 msg);
    scan_set_free(&all), scan_set_free(&rtrain), scan_set_free(&rtest);
    scan_set_free(&ftrain), scan_set_free(&ftest);
}

/* Counts: README "Splits" and SOURCE.txt "Canonical counts". */
Test(scan, length_split_equals_files) {
    expect_split_matches("length", 16990, 3920);
}

Test(scan, addprim_jump_split_equals_files) {
    expect_split_matches("addprim_jump", 13203 + 1467, 7706);
}

Test(scan, addprim_turn_left_split_equals_files) {
    expect_split_matches("addprim_turn_left", 19701 + 2189, 1208);
}

/* The split rules themselves, without files: length boundary, and jump placement. */
Test(scan, split_rules) {
    struct scan_set all, train, test;
    scan_set_init(&all), scan_set_init(&train), scan_set_init(&test);
    scan_grammar_generate(&all);
    scan_split_length(&all, SCAN_LENGTH_MAX_TRAIN, &train, &test);
    for (int i = 0; i < train.n; i++) cr_assert_leq(train.pair[i].n_out, 22);
    for (int i = 0; i < test.n; i++) cr_assert_geq(test.pair[i].n_out, 24);
    scan_set_free(&train), scan_set_free(&test);

    scan_set_init(&train), scan_set_init(&test);
    scan_split_add_prim(&all, "jump", 0, &train, &test);
    int bare = 0;
    for (int i = 0; i < train.n; i++) {
        if (!strcmp(train.pair[i].in, "jump")) {
            bare++;
            cr_expect_str_eq(train.pair[i].out, "I_JUMP");
        } else {
            cr_expect_null(strstr(train.pair[i].in, "jump"), "%s in train", train.pair[i].in);
        }
    }
    cr_expect_eq(bare, 1467);
    for (int i = 0; i < test.n; i++) {
        cr_expect_not_null(strstr(test.pair[i].in, "jump"));
        cr_expect_str_neq(test.pair[i].in, "jump");
    }
    scan_set_free(&train), scan_set_free(&test);
    /* "turn left" is a word sequence: "turn opposite left" stays in training */
    scan_set_init(&train), scan_set_init(&test);
    scan_split_add_prim(&all, "turn left", 5, &train, &test);
    cr_expect_eq(train.n, 19701 + 5);
    int found = 0;
    for (int i = 0; i < train.n; i++) found += !strcmp(train.pair[i].in, "turn opposite left");
    cr_expect_eq(found, 1);
    scan_set_free(&train), scan_set_free(&test), scan_set_free(&all);
}

Test(scan, check_dir_passes) {
    static const char *const need[] = {"tasks.txt", "simple_split/tasks_train_simple.txt",
                                       "simple_split/tasks_test_simple.txt"};
    require_files(need, 3);
    char *buf = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&buf, &len);
    int fails = scan_check_dir(scan_dir(), log);
    fclose(log);
    cr_expect_eq(fails, 0, "scan_check_dir:\n%s", buf);
    cr_expect_not_null(strstr(buf, "ok   tasks.txt = grammar"), "%s", buf);
    free(buf);
}

/* Lines compare as a multiset: order is ignored, multiplicity is not. */
Test(scan, multiset_compare) {
    char x[] = "IN: walk OUT: I_WALK", y[] = "IN: run OUT: I_RUN", z[] = "IN: run OUT: I_WALK";
    char *a[] = {x, y, y}, *b[] = {y, x, y}, *c[] = {x, y, x}, *d[] = {x, y, z};
    char msg[512] = "";
    cr_expect_eq(scan_lines_compare(a, 3, b, 3, msg, sizeof msg), 0);
    cr_expect_eq(scan_lines_compare(a, 3, b, 2, msg, sizeof msg), 1);
    cr_expect_eq(scan_lines_compare(a, 3, c, 3, msg, sizeof msg), 2);
    cr_expect_eq(scan_lines_compare(a, 3, d, 3, msg, sizeof msg), 2);
    cr_expect_not_null(strstr(msg, "I_WALK"), "%s", msg);

    struct scan_set s1, s2;
    scan_set_init(&s1), scan_set_init(&s2);
    scan_set_add(&s1, "walk", "I_WALK");
    scan_set_add(&s1, "run", "I_RUN");
    scan_set_add(&s2, "run", "I_RUN");
    scan_set_add(&s2, "walk", "I_WALK");
    cr_expect_eq(scan_set_compare(&s1, &s2, msg, sizeof msg), 0);
    scan_set_add(&s2, "walk", "I_WALK");
    cr_expect_eq(scan_set_compare(&s1, &s2, msg, sizeof msg), 1);
    cr_expect_not_null(strstr(msg, "1 only in second"), "%s", msg);
    scan_set_free(&s1), scan_set_free(&s2);
}

/* ---- reader ---------------------------------------------------------------------------- */

static void write_file(char *path_template, const char *content) {
    int fd = mkstemp(path_template);
    cr_assert_geq(fd, 0, "mkstemp");
    size_t n = strlen(content);
    cr_assert_eq(write(fd, content, n), (ssize_t)n);
    close(fd);
}

/* Run fn(arg) in a child whose stderr goes to a file; returns its exit status (-1 when it
 * did not exit normally) and its stderr in msg. die() exits 1. */
static int run_child(void (*fn)(const void *), const void *arg, char *msg, size_t cap) {
    char errpath[] = "/tmp/alrnn_scan_err_XXXXXX";
    int efd = mkstemp(errpath);
    cr_assert_geq(efd, 0);
    fflush(stdout), fflush(stderr);
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork");
    if (pid == 0) {
        dup2(efd, 2);
        fn(arg);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    ssize_t got = pread(efd, msg, cap - 1, 0);
    msg[got > 0 ? got : 0] = 0;
    close(efd);
    unlink(errpath);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void read_into_nothing(const void *path) {
    struct scan_set s;
    scan_set_init(&s);
    scan_read(path, &s);
    scan_set_free(&s);
}

/* A file whose line `bad_line` is malformed must die naming path:line and the reason. */
static void expect_reject(const char *content, int bad_line, const char *reason) {
    char path[] = "/tmp/alrnn_scan_in_XXXXXX", msg[1024], want[256];
    write_file(path, content);
    int status = run_child(read_into_nothing, path, msg, sizeof msg);
    unlink(path);
    snprintf(want, sizeof want, "alrnn: %s:%d: malformed SCAN line", path, bad_line);
    cr_expect_eq(status, 1, "reader accepted (or crashed on) %s line %d: \"%s\"", reason,
                 bad_line, msg);
    cr_expect_not_null(strstr(msg, want), "want \"%s\", got \"%s\"", want, msg);
    cr_expect_not_null(strstr(msg, reason), "want reason \"%s\", got \"%s\"", reason, msg);
}

#define GOOD "IN: walk twice OUT: I_WALK I_WALK\n"

Test(scan, reader_rejects_malformed_lines) {
    expect_reject(GOOD "IN: walk I_WALK\n", 2, "no ' OUT: ' separator");
    expect_reject("walk OUT: I_WALK\n", 1, "does not start with 'IN: '");
    expect_reject(GOOD GOOD "IN:  OUT: I_WALK\n", 3, "empty command");
    expect_reject(GOOD "IN: walk OUT: \n", 2, "empty");
    expect_reject(GOOD "IN: walk  twice OUT: I_WALK I_WALK\n", 2, "doubled space");
    expect_reject(GOOD "IN: walk OUT: I_WALK \n", 2, "trailing space");
    expect_reject(GOOD "IN: walk OUT: I_WALK\r\n", 2, "carriage return");
    expect_reject(GOOD "\n" GOOD, 2, "empty line");
    expect_reject("IN: walk\ttwice OUT: I_WALK I_WALK\n", 1, "control");
    expect_reject(GOOD "IN: walk OUT: I_WALK IN: run OUT: I_RUN\n", 2, "token IN: or OUT:");
    expect_reject("iN: walk OUT: I_WALK\n", 1, "does not start");
}

Test(scan, reader_rejects_empty_and_missing_files) {
    char path[] = "/tmp/alrnn_scan_in_XXXXXX", msg[1024];
    write_file(path, "");
    cr_expect_eq(run_child(read_into_nothing, path, msg, sizeof msg), 1);
    cr_expect_not_null(strstr(msg, "empty file"), "%s", msg);
    unlink(path);
    cr_expect_eq(run_child(read_into_nothing, path, msg, sizeof msg), 1);
    cr_expect_not_null(strstr(msg, "cannot open"), "%s", msg);
}

/* scan_grammar_print -> file -> scan_read gives back the generated set, in order; a last line
 * without its newline is accepted. */
Test(scan, print_read_round_trip) {
    char path[] = "/tmp/alrnn_scan_in_XXXXXX", msg[512] = "";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    scan_grammar_print(f);
    fprintf(f, "IN: jump OUT: I_JUMP"); /* no final newline */
    fclose(f);

    struct scan_set gen, file;
    scan_set_init(&gen), scan_set_init(&file);
    scan_grammar_generate(&gen);
    scan_set_add(&gen, "jump", "I_JUMP");
    scan_read(path, &file);
    unlink(path);
    cr_assert_eq(file.n, 20911);
    cr_expect_eq(scan_set_compare(&gen, &file, msg, sizeof msg), 0, "%s", msg);
    for (int i = 0; i < file.n; i++) {
        cr_assert_str_eq(file.pair[i].in, gen.pair[i].in, "line %d", i + 1);
        cr_assert_str_eq(file.pair[i].out, gen.pair[i].out, "line %d", i + 1);
        cr_assert_eq(file.pair[i].n_in, gen.pair[i].n_in);
        cr_assert_eq(file.pair[i].n_out, gen.pair[i].n_out);
    }
    scan_set_free(&gen), scan_set_free(&file);
}

/* ---- vocabulary and encoding (PAPER.md §2.9) ------------------------------------------- */

Test(scan, vocab_encode_round_trip) {
    /* strcmp order of the 13 words / 6 actions (SOURCE.txt lists the same sets) */
    static const char *const words[] = {"after", "and",   "around", "jump",   "left",
                                        "look",  "opposite", "right", "run",  "thrice",
                                        "turn",  "twice", "walk"};
    static const char *const acts[] = {"I_JUMP", "I_LOOK", "I_RUN", "I_TURN_LEFT",
                                       "I_TURN_RIGHT", "I_WALK"};
    struct scan_set all;
    struct scan_vocab vin, vout;
    scan_set_init(&all);
    scan_grammar_generate(&all);
    scan_vocab_build(&vin, &all, SCAN_SIDE_IN);
    scan_vocab_build(&vout, &all, SCAN_SIDE_OUT);
    cr_assert_eq(vin.n, 17);
    cr_assert_eq(vout.n, 10);
    for (int k = 0; k < SCAN_N_SPECIAL; k++) {
        cr_expect_str_eq(vin.tok[k], scan_special_names[k]);
        cr_expect_str_eq(vout.tok[k], scan_special_names[k]);
    }
    cr_expect_str_eq(vin.tok[SCAN_PAD], "<pad>");
    cr_expect_str_eq(vout.tok[SCAN_END], "<end>");
    for (int k = 0; k < 13; k++) cr_expect_str_eq(vin.tok[SCAN_N_SPECIAL + k], words[k]);
    for (int k = 0; k < 6; k++) cr_expect_str_eq(vout.tok[SCAN_N_SPECIAL + k], acts[k]);

    enum { TI = SCAN_MAX_WORDS, TO = SCAN_MAX_ACTIONS + 1 };
    size_t n = (size_t)all.n;
    int32_t *xi = malloc(sizeof(int32_t) * n * TI); /* (n, TI) inputs, no <end> */
    int32_t *yo = malloc(sizeof(int32_t) * n * TO); /* (n, TO) targets with <end> */
    int32_t *li = malloc(sizeof(int32_t) * n), *lo = malloc(sizeof(int32_t) * n); /* (n) */
    scan_encode_set(&vin, &all, SCAN_SIDE_IN, 0, TI, xi, li);
    scan_encode_set(&vout, &all, SCAN_SIDE_OUT, 1, TO, yo, lo);
    char buf[1024];
    for (int i = 0; i < all.n; i++) {
        const int32_t *x = xi + (size_t)i * TI, *y = yo + (size_t)i * TO;
        cr_assert_eq(li[i], all.pair[i].n_in);
        cr_assert_eq(lo[i], all.pair[i].n_out + 1, "targets carry <end>");
        for (int t = 0; t < li[i]; t++)
            cr_assert_geq(x[t], SCAN_N_SPECIAL, "no <unk> for a word of the vocabulary's own set");
        for (int t = li[i]; t < TI; t++) cr_assert_eq(x[t], SCAN_PAD);
        for (int t = 0; t < all.pair[i].n_out; t++) cr_assert_geq(y[t], SCAN_N_SPECIAL);
        cr_assert_eq(y[lo[i] - 1], SCAN_END);
        for (int t = lo[i]; t < TO; t++) cr_assert_eq(y[t], SCAN_PAD);
        cr_assert_eq(scan_decode(&vin, x, TI, buf, sizeof buf), all.pair[i].n_in);
        cr_assert_str_eq(buf, all.pair[i].in);
        cr_assert_eq(scan_decode(&vout, y, TO, buf, sizeof buf), all.pair[i].n_out);
        cr_assert_str_eq(buf, all.pair[i].out);
    }
    /* spot check by hand: "jump left twice" -> jump=7 left=8 twice=15 */
    int32_t ids[5];
    cr_expect_eq(scan_encode(&vin, "jump left twice", 1, 5, ids), 4);
    cr_expect(ids[0] == 7 && ids[1] == 8 && ids[2] == 15);
    cr_expect(ids[3] == SCAN_END && ids[4] == SCAN_PAD);
    free(xi), free(li), free(yo), free(lo);
    scan_vocab_free(&vin), scan_vocab_free(&vout), scan_set_free(&all);
}

static void encode_too_long(const void *unused) {
    (void)unused;
    struct scan_set s;
    struct scan_vocab v;
    int32_t ids[2];
    scan_set_init(&s);
    scan_set_add(&s, "walk twice", "I_WALK I_WALK");
    scan_vocab_build(&v, &s, SCAN_SIDE_OUT);
    scan_encode(&v, "I_WALK I_WALK", 1, 2, ids); /* 2 actions + <end> > T = 2 */
}

/* Words never seen in training map to <unk>; so does text spelling a special's name. */
Test(scan, vocab_unknown_and_overflow) {
    struct scan_set s;
    struct scan_vocab v;
    scan_set_init(&s);
    scan_set_add(&s, "walk twice", "I_WALK I_WALK");
    scan_vocab_build(&v, &s, SCAN_SIDE_IN);
    cr_assert_eq(v.n, SCAN_N_SPECIAL + 2); /* twice = 4, walk = 5 */
    int32_t ids[4];
    cr_expect_eq(scan_encode(&v, "jump twice", 0, 4, ids), 2);
    cr_expect(ids[0] == SCAN_UNK && ids[1] == 4 && ids[2] == SCAN_PAD && ids[3] == SCAN_PAD);
    cr_expect_eq(scan_encode(&v, "<end> walk", 0, 4, ids), 2);
    cr_expect(ids[0] == SCAN_UNK && ids[1] == 5);
    cr_expect_eq(scan_vocab_id(&v, "walking", 4), 5, "length-delimited lookup");
    cr_expect_eq(scan_vocab_id(&v, "wal", 3), SCAN_UNK);
    char buf[64];
    cr_expect_eq(scan_decode(&v, ids, 4, buf, sizeof buf), 2);
    cr_expect_str_eq(buf, "<unk> walk");
    scan_vocab_free(&v), scan_set_free(&s);

    char msg[512];
    cr_expect_eq(run_child(encode_too_long, NULL, msg, sizeof msg), 1);
    cr_expect_not_null(strstr(msg, "does not fit in T = 2"), "%s", msg);
}
