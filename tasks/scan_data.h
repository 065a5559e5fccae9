/* scan_data.h: SCAN (Lake & Baroni 2018) as data: the grammar and its interpretation, the
 * regenerable splits, a strict reader for the `IN: ... OUT: ...` files, multiset comparison,
 * and the vocabulary / token-id encoding the encoder-decoder of PAPER.md §2.9 consumes.
 *
 * The grammar and the interpretation rules are the ones written out in
 * shared/datasets/README.md (section SCAN); generating from them reproduces tasks.txt.
 * The module splits "what a command is" (scan_grammar_generate enumerates commands) from
 * "what it means" (scan_interpret parses one command and returns its actions), so the
 * interpreter is also a checker for any file.
 *
 * Not here: batching, the task_type, anything random. The simple (random 80/20) split cannot
 * be regenerated and is only read from its files.
 */
#ifndef ALRNN_SCAN_DATA_H
#define ALRNN_SCAN_DATA_H

#include <stdint.h>
#include <stdio.h>

#include "common.h"

/* Bounds of the grammar: "x around dir thrice and x around dir thrice" is the longest
 * command (9 words) and has the longest meaning (2 x 3 x 8 = 48 actions). */
#define SCAN_MAX_WORDS 9
#define SCAN_MAX_ACTIONS 48
#define SCAN_N_COMMANDS 20910 /* 102 + 2 x 102^2, README "Counts" */

/* The 13 command words and 6 actions, in the order the README lists the grammar. The name
 * tables below are tied to these enums by static_assert in scan_data.c. */
enum scan_word {
    SCAN_W_WALK, SCAN_W_LOOK, SCAN_W_RUN, SCAN_W_JUMP, SCAN_W_TURN,
    SCAN_W_LEFT, SCAN_W_RIGHT, SCAN_W_OPPOSITE, SCAN_W_AROUND,
    SCAN_W_TWICE, SCAN_W_THRICE, SCAN_W_AND, SCAN_W_AFTER,
    SCAN_WORD__COUNT
};
enum scan_action {
    SCAN_I_WALK, SCAN_I_LOOK, SCAN_I_RUN, SCAN_I_JUMP, SCAN_I_TURN_LEFT, SCAN_I_TURN_RIGHT,
    SCAN_ACTION__COUNT
};
extern const char *const scan_word_names[];   /* SCAN_WORD__COUNT: "walk", ... */
extern const char *const scan_action_names[]; /* SCAN_ACTION__COUNT: "I_WALK", ... */

/* ---- pairs and sets ------------------------------------------------------------------ */

/* One example. Both sides are stored as text (tokens separated by single spaces) because
 * that is what files, printing and multiset comparison work on; the vocabulary turns them
 * into ids. The strings live in the owning set's text blocks. */
struct scan_pair {
    const char *in;  /* command words, e.g. "jump left twice" */
    const char *out; /* actions, e.g. "I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP" */
    int n_in;        /* number of words in `in` (>= 1) */
    int n_out;       /* number of actions in `out` (>= 1) */
};

struct scan_text_block; /* private: a chain of fixed blocks, so pair pointers never move */

/* An ordered list of pairs (a multiset once order is ignored). Owns its strings. */
struct scan_set {
    int n;                          /* number of pairs */
    int cap;                        /* allocated pairs */
    struct scan_pair *pair;         /* (n) */
    struct scan_text_block *blocks; /* storage of every pair's strings */
};

enum scan_side { SCAN_SIDE_IN, SCAN_SIDE_OUT };

void scan_set_init(struct scan_set *s); /* empty set */
void scan_set_free(struct scan_set *s);
/* Append a copy of (in, out). Both must be well-formed token lists (ASSERT): non-empty,
 * printable non-space tokens separated by single spaces, no token "IN:" or "OUT:". */
void scan_set_add(struct scan_set *s, const char *in, const char *out);
int scan_set_max_len(const struct scan_set *s, enum scan_side side); /* longest n_in / n_out */

/* "IN: <in> OUT: <out>" (no newline) into buf; returns its length. ASSERTs that it fits. */
int scan_pair_format(const struct scan_pair *p, char *buf, size_t cap);
/* One formatted line per pair, in set order, each ending in '\n'; dies on a write error. */
void scan_set_print(FILE *f, const struct scan_set *s);

/* ---- grammar --------------------------------------------------------------------------- */

/* Actions of one command, into out (SCAN_MAX_ACTIONS). Returns the number of actions, or -1
 * when the command is not a sentence of the grammar (unknown word, bare "turn", trailing
 * words, ...). Words must be separated by single spaces. README, SCAN "Interpretation". */
int scan_interpret(const char *command, enum scan_action *out);

/* All 20,910 commands with their actions, appended to `all` (which must be empty), in this
 * order (the "grammar order", also scan_grammar_print's):
 *   C: first the 102 bare S, then "S1 and S2" for every (S1, S2), then "S1 after S2";
 *      pairs run S1-major (S1 outer loop, S2 inner), both over the S order;
 *   S: for each V in the V order: "V", "V twice", "V thrice";
 *   V: walk, look, run, jump; then for X in walk look run jump turn, for DIR in left right:
 *      "X DIR", "X opposite DIR", "X around DIR".
 * So the first line is "IN: walk OUT: I_WALK" and the last is
 * "IN: turn around right thrice after turn around right thrice OUT: I_TURN_RIGHT x 24". */
void scan_grammar_generate(struct scan_set *all);
/* scan_grammar_generate, printed with scan_set_print (the dataset's line format). */
void scan_grammar_print(FILE *f);

/* ---- splits ---------------------------------------------------------------------------- */

/* Length split: train = pairs with n_out <= max_train_len, test = the rest; both keep the
 * order of `all`. The published split is max_train_len = 22 (no command has 23 actions, so
 * test = 24..48). train and test must be empty. */
#define SCAN_LENGTH_MAX_TRAIN 22
void scan_split_length(const struct scan_set *all, int max_train_len, struct scan_set *train,
                       struct scan_set *test);

/* Add-primitive split for the primitive command `prim` ("jump", "turn left"): train = every
 * pair whose command does not contain the word sequence `prim`, in the order of `all`,
 * followed by n_copies copies of the bare pair `prim`; test = every other pair containing
 * `prim`. n_copies = 0 means the published ratio: the bare primitive is 10% of the training
 * lines, i.e. round(n_without / 9) copies (1,467 for jump, 2,189 for turn left; both exact).
 * ASSERTs that `all` holds the bare pair `prim`. */
void scan_split_add_prim(const struct scan_set *all, const char *prim, int n_copies,
                         struct scan_set *train, struct scan_set *test);

/* The published split files this module knows, relative to the SCAN directory
 * (shared/datasets/scan). To add one: a row here (scan_data.c), and if it is regenerable a
 * kind with its rule in scan_split_make(). */
enum scan_split_kind { SCAN_SPLIT_RANDOM, SCAN_SPLIT_LENGTH, SCAN_SPLIT_ADD_PRIM };
struct scan_split {
    const char *name;          /* "simple", "length", "addprim_jump", "addprim_turn_left" */
    enum scan_split_kind kind; /* RANDOM = file only, not regenerable */
    const char *train_path;    /* relative to the SCAN directory */
    const char *test_path;
    const char *prim;          /* ADD_PRIM: the held-out primitive command; else NULL */
    int train_lines, test_lines; /* lines of the published files (brendenlake/SCAN) */
};
#define SCAN_TASKS_LINES 20910 /* lines of tasks.txt: every command of the grammar */
extern const struct scan_split scan_splits[];
extern const int scan_n_splits;
const struct scan_split *scan_split_find(const char *name); /* NULL when unknown */
/* Regenerate a LENGTH or ADD_PRIM split (published parameters) from the full set. */
void scan_split_make(const struct scan_split *sp, const struct scan_set *all,
                     struct scan_set *train, struct scan_set *test);

/* ---- files ----------------------------------------------------------------------------- */

/* Read a SCAN file: one "IN: <words> OUT: <actions>" per LF-terminated line (the last
 * newline may be missing). Appends to s. Dies with "path:line: reason" on any malformed
 * line (missing prefix or separator, empty side, doubled / leading / trailing space, CR,
 * tab or other control bytes, a token "IN:" / "OUT:"), and when the file has no lines.
 * Does not check the grammar: see scan_interpret / scan_check_dir. */
void scan_read(const char *path, struct scan_set *s);
/* scan_read of the file dir/rel. When rel is a published file (tasks.txt or a split file of
 * scan_splits), its line count must match and its last line must end in a newline: a cut or
 * incomplete file is fatal, naming it. */
void scan_read_in(const char *dir, const char *rel, struct scan_set *s);

/* ---- multiset comparison --------------------------------------------------------------- */

/* Compare two arrays of lines as multisets. Sorts both arrays in place (strcmp order).
 * Returns the number of unmatched lines (only in a + only in b; 0 = equal). When unequal and
 * msg != NULL, writes a one-line summary with the first unmatched line of each side. */
long scan_lines_compare(char **a, long na, char **b, long nb, char *msg, size_t cap);
/* The same on sets, comparing their formatted lines. */
long scan_set_compare(const struct scan_set *a, const struct scan_set *b, char *msg, size_t cap);

/* --check: regenerate tasks.txt and every regenerable split from the grammar and compare
 * them with the files in dir as multisets; check that every line of every file is the
 * interpretation of its command, and that each split's train + test = tasks.txt. One
 * "ok"/"FAIL" line per check on log (may be NULL). Returns the number of failed checks;
 * a missing or malformed file dies (scan_read). */
int scan_check_dir(const char *dir, FILE *log);

/* ---- vocabulary and encoding (PAPER.md §2.9) ------------------------------------------- */

/* Ids 0..3 are the specials; batches are padded with 0. */
enum { SCAN_PAD = 0, SCAN_UNK = 1, SCAN_START = 2, SCAN_END = 3, SCAN_N_SPECIAL = 4 };
/* SCAN_N_SPECIAL entries: "<pad>" "<unk>" "<start>" "<end>" */
extern const char *const scan_special_names[];

/* Ids SCAN_N_SPECIAL.. are the distinct tokens of one side of a (training) set in strcmp
 * order, so the ids do not depend on line order: 13 + 4 = 17 inputs, 6 + 4 = 10 outputs. */
struct scan_vocab {
    int n;     /* tokens including the specials */
    char **tok; /* (n) token strings; tok[SCAN_PAD] = "<pad>", ... */
};
void scan_vocab_build(struct scan_vocab *v, const struct scan_set *s, enum scan_side side);
void scan_vocab_free(struct scan_vocab *v);
/* Id of the token tok[0..len) (need not be NUL-terminated); SCAN_UNK when absent. Text equal
 * to a special's name is not looked up as that special: it is data, so SCAN_UNK. */
int32_t scan_vocab_id(const struct scan_vocab *v, const char *tok, size_t len);

/* Encode a token list (single-space separated) into ids (T): the token ids, then SCAN_END
 * when add_end, then SCAN_PAD up to T. Returns the length before padding. Dies when it does
 * not fit in T (the caller sized T from the data, so this is bad input). */
int scan_encode(const struct scan_vocab *v, const char *text, int add_end, int T, int32_t *ids);
/* Encode one side of every pair: ids (n, T), len (n) or NULL. Targets use add_end = 1. */
void scan_encode_set(const struct scan_vocab *v, const struct scan_set *s, enum scan_side side,
                     int add_end, int T, int32_t *ids, int32_t *len);
/* Inverse for printing: tokens of ids[0..T) up to the first SCAN_END or SCAN_PAD, joined by
 * single spaces into buf (other specials print by name). Returns the number of tokens. */
int scan_decode(const struct scan_vocab *v, const int32_t *ids, int T, char *buf, size_t cap);

#endif
