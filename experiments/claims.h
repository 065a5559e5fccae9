/* claims.h: the paper's claims as a declarative table, and their verdicts from run files.
 *
 * A claim (experiments/claims.c) quotes the paper's statement with its source, names the
 * figure it rests on, the per-seed quantity read from each run file, and its test:
 *   CLAIM_COMPARE    arm `hi` should exceed arm `lo` in the oriented quantity, for every
 *                    listed comparison (an intersection-union test: the claim's p is the
 *                    largest of the comparisons' p, its effect that comparison's);
 *   CLAIM_THRESHOLD  one arm's quantity should lie beyond a fixed threshold (sign test).
 * An arm is (experiment, P list); with several P the per-seed value is the mean over them,
 * and "M" stands for the profile's M. Thresholds and rules are fixed in the table, before
 * any run (never tuned to results).
 *
 * Decision rule (claims_evaluate): with >= CLAIM_MIN_SEEDS usable seeds per arm (a run file
 * with root attribute diverged = 1, or a non-finite quantity, is counted and excluded),
 *   not reproduced  some comparison's 95 % bootstrap interval lies wholly on the wrong side
 *                   of zero, or the arm that should fail succeeds (fail_at);
 *   reproduced      every comparison's interval lies wholly on the right side and the Holm-
 *                   adjusted p (over every claim the table can test) is below CLAIM_ALPHA;
 *   inconclusive    otherwise, with the reason (too few seeds, runs missing, interval spans
 *                   zero, Holm p too large, or an analysis the run files do not have yet).
 */
#ifndef ALRNN_CLAIMS_H
#define ALRNN_CLAIMS_H

#include <stdint.h>

#include "experiments.h"
#include "h5io.h"
#include "stats.h"

enum { CLAIM_MAX_CMP = 6, CLAIM_MIN_SEEDS = 5, CLAIM_BOOT = 10000 };
#define CLAIM_ALPHA 0.05
#define CLAIM_LEVEL 0.95

typedef enum { CLAIM_COMPARE, CLAIM_THRESHOLD } claim_kind;
typedef enum { VERDICT_REPRODUCED, VERDICT_NOT_REPRODUCED, VERDICT_INCONCLUSIVE } claim_verdict;
extern const char *const claim_verdict_names[3];

struct claim_arm {
    const char *experiment; /* a row of the experiment table */
    const char *P;          /* "2", "1,2,4,8" (per-seed mean over them), "M" = the profile's M */
};
struct claim_cmp {
    struct claim_arm hi, lo; /* hi's oriented quantity should exceed lo's */
};

/* A per-seed quantity derived from a run file; returns NAN and a reason (why) when the file
 * lacks what it needs. It may also write a short note beside the quantity (e.g. the period
 * found) into note[nn] for the report; note starts empty. */
typedef double (*claim_derive_fn)(const struct h5file *f, char *why, size_t n, char *note,
                                  size_t nn);

struct claim {
    const char *id;        /* "C1" ... */
    const char *statement; /* the paper's statement, quoted */
    const char *source;    /* caption / Proposition, PAPER.md section */
    const char *figure;    /* the figure target it rests on */
    claim_kind kind;
    const char *quantity;  /* run-file dataset read as a scalar, or the derived quantity's name */
    claim_derive_fn derive; /* NULL: read `quantity` as a scalar dataset */
    int lower_is_better;    /* orient the quantity: effects are then "larger is the claim" */
    const char *units;
    struct claim_cmp cmp[CLAIM_MAX_CMP]; /* CLAIM_COMPARE; ends at hi.experiment == NULL */
    struct claim_arm arm;                /* CLAIM_THRESHOLD */
    double threshold;                    /* CLAIM_THRESHOLD, in the quantity's units */
    /* Optional: cmp[0].lo "succeeds" (so the claim is not reproduced) when its mean
     * quantity is on the good side of fail_at (below it when lower_is_better). */
    int has_fail;
    double fail_at;
    const char *rule;    /* the decision rule in words, for the report */
    const char *pending; /* non-NULL: not testable yet, the reason (inconclusive) */
    int paper_only;      /* decided by the paper profile only: no training at other profiles */
};
extern const struct claim claims[];
extern const int n_claims;
const struct claim *claim_find(const char *id); /* NULL if unknown */

/* Which scores a claim whose quantity is a /test/<metric> scalar reads (bin/alrnn verify
 * --select): KEPT the kept model's (/test/<metric>: the parameters the row's selection rule
 * kept), FINAL the last evaluation row's (/eval/<metric>[last], which must be at the run's
 * final epoch, /config epochs), BEST_VAL the row of the evaluation with the lowest validation
 * loss (/eval/val_loss, the first strict minimum, NaN never lowest: the rule train.c keeps
 * parameters by), so one trajectory gives both conventions whichever the run kept. Derived
 * and /analysis quantities always read the kept model. */
typedef enum {
    CLAIM_SELECT_KEPT,
    CLAIM_SELECT_FINAL,
    CLAIM_SELECT_BEST_VAL,
    CLAIM_SELECT__COUNT
} claim_select;
extern const char *const claim_select_names[CLAIM_SELECT__COUNT];
/* 1 when claim c reads an /eval row (not the kept model) under selection s */
int claim_reads_eval(const struct claim *c, claim_select s);

/* A run file read for a claim, with the FNV-1a 64 hash of its bytes. */
struct claim_file {
    char path[512];
    uint64_t fnv;
};

struct claim_arm_result {
    char label[96];   /* "addition P=2" */
    int n_used, n_diverged, n_missing, n_bad; /* seeds */
    double mean, sd;
    double v[STATS_MAX_N]; /* oriented per-seed values used */
    int seed[STATS_MAX_N];       /* the seed of each value used */
    char note[STATS_MAX_N][64];  /* its note when the claim has a note hook, else "" */
};

struct claim_cmp_result {
    double effect, lo, hi;  /* oriented difference of means (or mean - threshold), interval */
    double delta, dlo, dhi; /* Cliff's delta (or the sign share), interval */
    double p;               /* exact one-sided */
};

struct claim_result {
    const struct claim *c;
    claim_verdict verdict;
    char reason[512];
    int tested;       /* the table can test it (counts in Holm's family) */
    int have_stats;   /* effect, interval and p below are set */
    double effect, lo, hi;          /* oriented difference of means (or mean - threshold) */
    double delta, dlo, dhi;         /* Cliff's delta (or sign share), with its interval */
    double p, p_holm;
    int n_cmp, decisive; /* comparisons (1 for a threshold claim); the one reported above */
    struct claim_cmp_result cmp[CLAIM_MAX_CMP];
    /* a claim left inconclusive for want of seeds in some arm: its comparisons whose two arms
     * have enough are still computed and shown (cmp_shown[k]); they decide nothing */
    int partial;
    int cmp_shown[CLAIM_MAX_CMP];
    int any_wrong, all_right, fail_hit; /* intervals wholly < 0 / all > 0; fail arm succeeded */
    double fail_mean;                   /* the fail arm's mean when fail_hit */
    int n_arms;
    struct claim_arm_result arm[2 * CLAIM_MAX_CMP];
    int n_files;
    struct claim_file *files; /* malloc'd */
};

/* The arms' run files of a claim at a profile (those that would be trained), appended to
 * `emit` one path at a time; returns how many. Arms whose P exceeds the profile's M and
 * pending claims give none; paper_only claims give none unless p is PROFILE_PAPER; a claim
 * with an arm the profile cannot train (P > M) gives none. */
int claim_run_paths(const struct claim *c, profile_kind p,
                    void (*emit)(void *ctx, const char *experiment, int P, int seed), void *ctx);

/* C4's reading of a copy run at P = 1 (experiments/claims.c, above the table): the kept model
 * run autonomously (zero input) from the state before the first zero input of stored test
 * sequence 0, and the exact cycle its settled code sequence names (dynamics.h). */
enum { CLAIM_C4_PERIOD = 100 }; /* the paper's period (PAPER.md 2.4) */
struct claim_cycle {
    int period;          /* least period of the settled code sequence; 0: none <= 1000 */
    int exact;           /* an exact cycle of least period `period` for those codes */
    int stability;       /* its dyn_stability; -1 when not exact */
    double rho;          /* its largest multiplier modulus */
    int transient;       /* steps before the code sequence turns periodic for good */
    int transient_codes; /* distinct codes over those steps (0: none, 1, or 2) */
    int diverged;        /* the orbit left the finite range (scored 0: no cycle) */
};
/* 1 when the settled orbit is an exact, stable cycle of least period `period` entered after a
 * transient in one subregion, else 0 (an orbit that diverges has no cycle: 0, with
 * out->diverged set); NAN with a reason in why when the file lacks the model or the stored
 * start, or P != 1. */
double claim_autonomous_cycle(const struct h5file *f, int period, struct claim_cycle *out,
                              char *why, size_t n);

/* Evaluate every claim at profile p from the run files under results_root, with the model
 * selection s; res has n_claims entries (free with claims_free). */
/* Read the arms of row `from` from the runs of row `to` (same task) instead, for comparing
 * conventions on the claims' own rules: spec "from=to[,from=to...]" (bin/alrnn verify --row).
 * Dies with one line naming an unknown row or a task mismatch. The report records it. */
void claims_substitute_rows(const char *spec);
/* The substitutions in force, as "from -> to, ..." ("" when none). */
const char *claims_row_substitutions(void);

void claims_evaluate(profile_kind p, const char *results_root, claim_select s,
                     struct claim_result *res);

/* Beside the baselines (not a claim of the paper): for each AL-RNN row that has gated
 * baseline rows (<row>-tanh, -lstm, -gru: M units each, the row's data, seeds and budget),
 * the sparse P (0 < P < M, in the profile's grid) with the best mean of the row's metric and
 * the baseline with the best mean, over their usable seeds (>= 2 each), and the comparison
 * sparse against baseline (oriented: > 0 favours the sparse AL-RNN). Descriptive only: both
 * arms are picked as the best of several on the same runs, so the interval and p are
 * optimistic; nothing is decided and nothing enters Holm's family. */
struct beside_result {
    const char *row, *metric; /* the AL-RNN row and its /test/<metric> */
    int lower_is_better;
    int have;           /* both arms found with >= 2 usable seeds: cmp is set */
    char reason[256];   /* why not, when !have */
    int best_P;         /* -1 when no sparse P has >= 2 usable seeds */
    struct claim_arm_result sparse, base; /* the best of each */
    char base_row[96];                    /* the best baseline's row */
    int n_sparse, n_base;                 /* sparse P values / baseline rows with runs */
    struct claim_cmp_result cmp;
    int n_files;
    struct claim_file *files; /* every run file read (malloc'd) */
};
enum { BESIDE_MAX = 8 };
/* Fills out[0..n-1] (free with claims_beside_free); returns n. */
int claims_beside_baselines(profile_kind p, const char *results_root, claim_select s,
                            struct beside_result *out);
void claims_beside_free(struct beside_result *out, int n);
void claims_free(struct claim_result *res);

/* Write claims.md and claims.tsv (claims_final.md, .tsv under CLAIM_SELECT_FINAL,
 * claims_best_val.* under CLAIM_SELECT_BEST_VAL, so the reports can sit side by side) into out_dir (temporary name, then rename) for the claims
 * selected (sel[i] != 0; NULL = all); s is the selection res was evaluated with. With every
 * claim selected, claims.md ends with the comparisons beside the baselines
 * (claims_beside_baselines), also written as claims_baselines.tsv (_final, _best_val). */
void claims_write(profile_kind p, const char *results_root, claim_select s,
                  const struct claim_result *res, const int *sel, const char *out_dir);

#endif
