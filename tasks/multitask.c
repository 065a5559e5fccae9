/* multitask.c: the 11-task cognitive suite of PAPER.md §2.8 ([C-seq] multi_task_training/
 * Dataset.py, itself in the style of Yang et al. 2019), as a fixed, pre-generated data set.
 *
 * Input per step (N = 18): 7 task channels [fixation, cos θ, sin θ, rule_a, rule_b,
 * rule_mod1, rule_mod2] and an 11-d one-hot task id (synthetic.h, MT_IN_*). Output (K = 3):
 * [fixation, cos, sin], MSE.
 *
 * A trial is a sequence of periods (mt_defs[] below) with uniform integer durations
 * [lo, hi) from the "hard" table (context 10-19, stimulus 10-39, delay 20-49, response 10-19,
 * DMS second delay 5-14, CtxInt delay 10-19). In every step of a trial:
 *   - the task-id channel and the task's rule channel are 1 (all periods, response included);
 *   - fixation input is 1 in every period before the response and 0 in the response period
 *     (React: 0 from stimulus onset, the stimulus period is the response period);
 *   - stimulus channels carry the stimulus only during stimulus periods.
 * Trials end after their response period; the data set pads every trial with all-zero input
 * (task id included) to T = the longest possible trial (179 steps, Match2Sample, hard).
 *
 * Loss. The reference trains on the output of the final step only, mse(fix) + mse(cos, sin),
 * with batches padded to the longest trial *of the batch*, so a short trial is read out after
 * some zero-input steps whose number depends on its batch mates. Here the readout is
 * READOUT_ALL (T_out = T) with mask = 1 only at the trial's own last step t = len-1 (the
 * last response step). Deliberate difference: the read-out step no longer depends on the
 * batch; the zero-input tail after it gets no loss. Note on weights: the reference's
 * mse(fix) + mse(cos, sin) = e_fix² + (e_cos² + e_sin²)/2 per trial, i.e. the fixation error
 * counts twice as much as each direction component; a plain mean over the K = 3 outputs
 * weighs them equally (the loss itself lives in the trainer, not here).
 * Targets y (T, 3) at unmasked steps are filled for inspection only: (1, 0, 0) "fixate"
 * before the response period, the response target during it, 0 in the padding.
 *
 * The reference's conventions as options (data.opts; PAPER.md §2.8 audit notes), recorded in
 * the run file's /config task_opts:
 *   padded=1           the scored step is t = T-1 for every trial, after the zero-input tail
 *                      (the response target is copied there). T = the longest possible trial
 *                      is the closest fixed-layout analogue of the reference's padding to the
 *                      longest trial of each batch (its tail length varies with the batch
 *                      mates; here it is fixed per trial). analysis_multitask.c's trial-phase
 *                      bitcode statistics then count the tail states too, as the reference's.
 *   authors_weights=1  MSE weights (fix, cos, sin) = (1, ½, ½) (loss.h): e_fix² + (e_cos² +
 *                      e_sin²)/2, the reference's mse(fix) + mse(cos, sin); default ⅓ each.
 *   resample=1         a fresh training set every epoch (task resample hook; its stream
 *                      depends on seed and epoch only), n trials per task per epoch: the
 *                      reference's data set draws a new trial on every access, which makes
 *                      "trials per task" an epoch size instead of a data-set size.
 *
 * Task definitions (PAPER.md §2.8 where it speaks; the rest follows [C-seq] Dataset.py):
 *   Delay{Pro,Anti}   context, stimulus θ, delay, response: target θ (pro) / θ + π (anti).
 *   React{Pro,Anti}   context, then stimulus θ with fixation off (stimulus duration range) =
 *                     response period: target θ / θ + π.
 *   Cat{Pro,Anti}     context, stimulus θ, response: pro 0 if θ < π else π; anti reversed.
 *   (Non)Match2Sample context, stimulus θ1, delay, stimulus θ2, delay2 (5-14), response.
 *                     p = 0.5 match: θ2 = θ1 + U(-π/8, π/8); else θ2 = θ1 + U(π/4, 7π/4).
 *                     Match2Sample: 0 on match, π on non-match; NonMatch2Sample reversed.
 *   CtxIntMod{1,2}    context, stimulus 1, stimulus 2, delay (10-19), response. Relevant
 *                     direction θ_r with coherence 0.8, irrelevant θ_i (independent, uniform)
 *                     with 0.3. Modality 1 on inputs 1-2, modality 2 on inputs 3-4 (the
 *                     rule_a/rule_b slots, unused by these tasks, as in [C-seq]); rule on
 *                     rule_mod1 / rule_mod2. Both stimulus periods show the same noise-free
 *                     values ([C-seq]). Target θ_r.
 *   GoNogo            context, stimulus amp·(cos θ, sin θ), amp ~ U(0.2, 1), response. Go
 *                     (amp > 0.5): target (0, 1, 0); nogo: (1, 0, 0) (keep fixating). Rule on
 *                     rule_a ([C-seq]).
 *   Pro / Match / GoNogo use rule_a, Anti / NonMatch rule_b. All θ ~ U[0, 2π).
 *
 * Sizes (all per task; group = task index): train exactly n_per_group trials per task
 * (default 50; n ∈ {20, 50, 500} in the paper), or n_train / 11 when only n_train is given;
 * val n_val per task (default 50, ours: the reference has no validation set); test n_test per
 * task (default 1000; the reference's 1000 test trials were drawn at random over tasks, ours
 * are 1000 per task). Each (split, task) has its own rng stream split off in a fixed order,
 * so a task's first n trials do not depend on n: the n = 20 training set is a subset of the
 * n = 50 one, and n_test never changes the training set.
 * Options: simple=1 uses the "simple" timings (context 5-9, stimulus 10-14, delay 10-14,
 * response 5-9; the two fixed delays unchanged). params->T, when set, must be >= the longest
 * trial (extra padding).
 *
 * Accuracy (metrics): a trial is scored at its masked step. Targets with fixation 0 (every
 * task but nogo): |wrap(angle(ŷ_cos, ŷ_sin) - angle(y))| < π/6, the paper's criterion (the
 * fixation output is not checked, as in [C-seq]). Nogo (target fixation 1, no direction):
 * correct when ŷ_fix > 0.5 and ||(ŷ_cos, ŷ_sin)|| < 0.5, thresholds halfway between the go and
 * nogo targets ([C-seq] scores nogo by atan2(0, 0) = 0, which is meaningless).
 * "acc_<Task>" per task and "accuracy" = mean over the tasks present.
 */
#include "synthetic.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double mt_pi = 3.14159265358979323846;

#define MT_NAME_(id, name) [id] = name,
const char *const multitask_task_names[] = {MULTITASK_LIST(MT_NAME_)};
_Static_assert(ARRAY_LEN(multitask_task_names) == MT__COUNT,
               "multitask_task_names: one entry per enum value");
#undef MT_NAME_

#define MT_METRIC_(id, name) [id] = "acc_" name,
static const char *const mt_metric_names[] = {
    MULTITASK_LIST(MT_METRIC_)[MT__COUNT] = "accuracy",
};
_Static_assert(ARRAY_LEN(mt_metric_names) == MT__COUNT + 1,
               "mt_metric_names: one per task, then the mean");
#undef MT_METRIC_

double multitask_angle_diff(double a, double b) {
    double d = fmod(a - b, 2 * mt_pi); /* (-2π, 2π) */
    if (d > mt_pi) d -= 2 * mt_pi;
    if (d < -mt_pi) d += 2 * mt_pi;
    return d;
}

/* --- trial structure -------------------------------------------------------------------- */

/* What a period shows: fixation on (all but the response kinds), stimulus (STIM, REACT). */
enum mt_period {
    PER_CONTEXT,
    PER_STIM,
    PER_DELAY,
    PER_DMS_DELAY2,   /* Match2Sample's delay between second stimulus and response */
    PER_CTXINT_DELAY, /* CtxInt's delay before the response */
    PER_RESPONSE,
    PER_REACT, /* React: stimulus on, fixation off, response period */
    PER__COUNT
};

/* Uniform integer durations [lo, hi) per period kind (PAPER.md §2.8, "hard" / "simple"). */
typedef int mt_timing[PER__COUNT][2];
static const mt_timing mt_timing_hard = {
    [PER_CONTEXT] = {10, 20},
    [PER_STIM] = {10, 40},
    [PER_DELAY] = {20, 50},
    [PER_DMS_DELAY2] = {5, 15},
    [PER_CTXINT_DELAY] = {10, 20},
    [PER_RESPONSE] = {10, 20},
    [PER_REACT] = {10, 40}, /* React's stimulus/response period uses the stimulus range */
};
static const mt_timing mt_timing_simple = {
    [PER_CONTEXT] = {5, 10},
    [PER_STIM] = {10, 15},
    [PER_DELAY] = {10, 15},
    [PER_DMS_DELAY2] = {5, 15},    /* fixed in [C-seq], not part of the timing table */
    [PER_CTXINT_DELAY] = {10, 20}, /* likewise */
    [PER_RESPONSE] = {5, 10},
    [PER_REACT] = {10, 15},
};

enum { MT_MAX_PERIODS = 6, MT_MAX_STIMS = 2 };

/* How to add a task: a row in MULTITASK_LIST (synthetic.h), a row here (periods in order and
 * the rule channel), and a case in mt_sample() that sets the stimuli and the target. */
struct mt_task_def {
    int n_periods;
    enum mt_period period[MT_MAX_PERIODS];
    int rule; /* input channel held at 1 for the whole trial */
};

#define MT_DELAYED {PER_CONTEXT, PER_STIM, PER_DELAY, PER_RESPONSE}
#define MT_REACT {PER_CONTEXT, PER_REACT}
#define MT_STIM_RESP {PER_CONTEXT, PER_STIM, PER_RESPONSE}
#define MT_DMS {PER_CONTEXT, PER_STIM, PER_DELAY, PER_STIM, PER_DMS_DELAY2, PER_RESPONSE}
#define MT_CTXINT {PER_CONTEXT, PER_STIM, PER_STIM, PER_CTXINT_DELAY, PER_RESPONSE}

static const struct mt_task_def mt_defs[] = {
    [MT_DELAY_PRO] = {4, MT_DELAYED, MT_IN_RULE_A},
    [MT_DELAY_ANTI] = {4, MT_DELAYED, MT_IN_RULE_B},
    [MT_REACT_PRO] = {2, MT_REACT, MT_IN_RULE_A},
    [MT_REACT_ANTI] = {2, MT_REACT, MT_IN_RULE_B},
    [MT_CAT_PRO] = {3, MT_STIM_RESP, MT_IN_RULE_A},
    [MT_CAT_ANTI] = {3, MT_STIM_RESP, MT_IN_RULE_B},
    [MT_MATCH2SAMPLE] = {6, MT_DMS, MT_IN_RULE_A},
    [MT_NONMATCH2SAMPLE] = {6, MT_DMS, MT_IN_RULE_B},
    [MT_CTXINT_MOD1] = {5, MT_CTXINT, MT_IN_RULE_MOD1},
    [MT_CTXINT_MOD2] = {5, MT_CTXINT, MT_IN_RULE_MOD2},
    [MT_GONOGO] = {3, MT_STIM_RESP, MT_IN_RULE_A},
};
_Static_assert(ARRAY_LEN(mt_defs) == MT__COUNT, "mt_defs: one entry per enum value");

/* One sampled trial before it is written out. */
struct mt_trial {
    int dur[MT_MAX_PERIODS];      /* steps of each period of mt_defs[task] */
    double stim[MT_MAX_STIMS][4]; /* inputs 1..4 in the first / second stimulus period */
    int n_stim_ch;                /* 2, or 4 for CtxInt (modality 2 on inputs 3..4) */
    double target[MT_N_OUTPUTS];  /* response-period target */
};

static int mt_is_response(enum mt_period k) { return k == PER_RESPONSE || k == PER_REACT; }
static int mt_has_stim(enum mt_period k) { return k == PER_STIM || k == PER_REACT; }

/* Longest possible trial of `task`: every duration at hi - 1. */
static int mt_max_len(int task, const mt_timing tm) {
    int len = 0;
    for (int j = 0; j < mt_defs[task].n_periods; j++) len += tm[mt_defs[task].period[j]][1] - 1;
    return len;
}

static void mt_set_dir(double *v, double amp, double angle) {
    v[0] = amp * cos(angle);
    v[1] = amp * sin(angle);
}

static void mt_set_response(struct mt_trial *tr, double angle) {
    tr->target[MT_OUT_FIX] = 0;
    mt_set_dir(&tr->target[MT_OUT_COS], 1, angle);
}

/* Draws durations (in period order), then the task's stimulus parameters. */
static void mt_sample(int task, const mt_timing tm, rng_t *r, struct mt_trial *tr) {
    const double two_pi = 2 * mt_pi;
    const struct mt_task_def *def = &mt_defs[task];
    memset(tr, 0, sizeof *tr);
    for (int j = 0; j < def->n_periods; j++) {
        const enum mt_period k = def->period[j];
        tr->dur[j] = rng_int_range(r, tm[k][0], tm[k][1]);
    }
    tr->n_stim_ch = 2;
    const double theta = rng_uniform_range(r, 0, two_pi);
    mt_set_dir(tr->stim[0], 1, theta);
    switch ((enum multitask_id)task) {
    case MT_DELAY_PRO:
    case MT_REACT_PRO: mt_set_response(tr, theta); break;
    case MT_DELAY_ANTI:
    case MT_REACT_ANTI: mt_set_response(tr, theta + mt_pi); break;
    case MT_CAT_PRO: mt_set_response(tr, theta < mt_pi ? 0 : mt_pi); break;
    case MT_CAT_ANTI: mt_set_response(tr, theta < mt_pi ? mt_pi : 0); break;
    case MT_MATCH2SAMPLE:
    case MT_NONMATCH2SAMPLE: {
        const int match = rng_uniform(r) < 0.5;
        const double off = match ? rng_uniform_range(r, -mt_pi / 8, mt_pi / 8)
                                 : rng_uniform_range(r, mt_pi / 4, two_pi - mt_pi / 4);
        mt_set_dir(tr->stim[1], 1, theta + off);
        const int zero = (task == MT_MATCH2SAMPLE) == match; /* respond at 0, else at π */
        mt_set_response(tr, zero ? 0 : mt_pi);
        break;
    }
    case MT_CTXINT_MOD1:
    case MT_CTXINT_MOD2: {
        const double coh_rel = 0.8, coh_irr = 0.3; /* PAPER.md §2.8 */
        const double theta_irr = rng_uniform_range(r, 0, two_pi);
        double *mod_rel = tr->stim[0] + (task == MT_CTXINT_MOD1 ? 0 : 2);
        double *mod_irr = tr->stim[0] + (task == MT_CTXINT_MOD1 ? 2 : 0);
        mt_set_dir(mod_rel, coh_rel, theta);
        mt_set_dir(mod_irr, coh_irr, theta_irr);
        memcpy(tr->stim[1], tr->stim[0], sizeof tr->stim[0]);
        tr->n_stim_ch = 4;
        mt_set_response(tr, theta);
        break;
    }
    case MT_GONOGO: {
        const double amp = rng_uniform_range(r, 0.2, 1.0);
        mt_set_dir(tr->stim[0], amp, theta);
        if (amp > 0.5)
            mt_set_response(tr, 0);
        else
            tr->target[MT_OUT_FIX] = 1; /* nogo: keep fixating, no direction */
        break;
    }
    case MT__COUNT: ASSERT(0);
    }
}

/* Writes one trial into x (T, N) and y (T, K) (both zeroed) and returns its length. */
static int mt_render(int task, const struct mt_trial *tr, int T, real *x, real *y) {
    const struct mt_task_def *def = &mt_defs[task];
    int t = 0, n_stim = 0;
    for (int j = 0; j < def->n_periods; j++) {
        const enum mt_period k = def->period[j];
        const int resp = mt_is_response(k), stim = mt_has_stim(k);
        ASSERT(!stim || n_stim < MT_MAX_STIMS);
        for (int s = 0; s < tr->dur[j]; s++, t++) {
            ASSERT(t < T);
            real *xt = x + (size_t)t * MT_N_INPUTS;
            real *yt = y + (size_t)t * MT_N_OUTPUTS;
            if (!resp) xt[MT_IN_FIX] = 1;
            if (stim)
                for (int c = 0; c < tr->n_stim_ch; c++)
                    xt[MT_IN_COS + c] = (real)tr->stim[n_stim][c];
            xt[def->rule] = 1; /* after the stimulus: never shares a channel with it */
            xt[MT_IN_TASK_ID + task] = 1;
            if (resp)
                for (int c = 0; c < MT_N_OUTPUTS; c++) yt[c] = (real)tr->target[c];
            else
                yt[MT_OUT_FIX] = 1;
        }
        n_stim += stim;
    }
    return t;
}

/* --- data sets -------------------------------------------------------------------------- */

struct mt_cfg {
    const int (*timing)[2];     /* mt_timing_hard or mt_timing_simple */
    int T;                      /* padded length */
    int n_train, n_val, n_test; /* trials per task */
    int padded;                 /* 1: read out at t = T-1, after the zero-input tail */
    int authors_weights;        /* 1: MSE weights (1, 1/2, 1/2) on (fix, cos, sin) */
};

static int mt_size(int v, int def, const char *what) {
    if (v < 0) die("task multitask: %s=%d must not be negative", what, v);
    return v > 0 ? v : def;
}

static struct mt_cfg mt_config(const struct task_params *p) {
    struct mt_cfg c;
    const int simple = task_opt_int(p, "simple", 0);
    if (simple != 0 && simple != 1) die("task multitask: option simple=%d must be 0 or 1", simple);
    c.timing = simple ? mt_timing_simple : mt_timing_hard;
    c.padded = task_opt_int(p, "padded", 0);
    c.authors_weights = task_opt_int(p, "authors_weights", 0);
    const int resample = task_opt_int(p, "resample", 0);
    if ((c.padded | c.authors_weights | resample) & ~1)
        die("task multitask: options padded, authors_weights and resample must be 0 or 1");
    int T_max = 0;
    for (int k = 0; k < MT__COUNT; k++) {
        const int len = mt_max_len(k, c.timing);
        if (len > T_max) T_max = len;
    }
    if (p->T != 0 && p->T < T_max)
        die("task multitask: T=%d is shorter than the longest trial (%d steps)", p->T, T_max);
    c.T = p->T ? p->T : T_max;
    if (p->n_per_group < 0)
        die("task multitask: n_per_group=%d must not be negative", p->n_per_group);
    if (p->n_per_group > 0) {
        c.n_train = p->n_per_group;
    } else if (p->n_train > 0) {
        if (p->n_train % MT__COUNT != 0)
            die("task multitask: n_train=%d is not a multiple of %d tasks (or set n_per_group)",
                p->n_train, MT__COUNT);
        c.n_train = p->n_train / MT__COUNT;
    } else {
        c.n_train = mt_size(p->n_train, 50, "n_train");
    }
    c.n_val = mt_size(p->n_val, 50, "n_val");
    c.n_test = mt_size(p->n_test, 1000, "n_test");
    return c;
}

static void mt_dims(const struct task_params *p, int *T, int *N, int *K) {
    *T = mt_config(p).T;
    *N = MT_N_INPUTS;
    *K = MT_N_OUTPUTS;
}

/* Draws d->n / 11 trials of each task into the allocated d, task-major; group = task; mask 1
 * at the scored step: the trial's own last step, or t = T-1 with padded=1 (the response
 * target is then copied there, the tail's other targets stay 0). */
static void mt_draw(const struct mt_cfg *c, rng_t *r, struct dataset *d) {
    const int T = c->T, n_per_task = d->n / MT__COUNT;
    ASSERT(d->n == MT__COUNT * n_per_task && d->T == T);
    memset(d->x, 0, (size_t)d->n * T * MT_N_INPUTS * sizeof(real));
    memset(d->y, 0, (size_t)d->n * T * MT_N_OUTPUTS * sizeof(real));
    memset(d->mask, 0, (size_t)d->n * T * sizeof(real));
    for (int k = 0; k < MT__COUNT; k++) {
        rng_t rk = rng_split(r, (uint64_t)k + 1);
        for (int j = 0; j < n_per_task; j++) {
            const size_t i = (size_t)k * n_per_task + j;
            struct mt_trial tr;
            mt_sample(k, c->timing, &rk, &tr);
            real *y = d->y + i * T * MT_N_OUTPUTS;
            const int len = mt_render(k, &tr, T, d->x + i * T * MT_N_INPUTS, y);
            const int t_read = c->padded ? T - 1 : len - 1;
            if (t_read != len - 1)
                memcpy(y + (size_t)t_read * MT_N_OUTPUTS, y + (size_t)(len - 1) * MT_N_OUTPUTS,
                       MT_N_OUTPUTS * sizeof(real));
            d->mask[i * T + t_read] = 1;
            d->group[i] = k;
        }
    }
}

static void mt_fill(const struct mt_cfg *c, rng_t *r, int n_per_task, struct dataset *d) {
    dataset_alloc(d, MT__COUNT * n_per_task, c->T, MT_N_INPUTS, MT_N_OUTPUTS, c->T, LOSS_MSE, 1);
    mt_draw(c, r, d);
    if (c->authors_weights) { /* [C-seq] mse(fix) + mse(cos, sin), PAPER.md §2.8 audit */
        static const real w[MT_N_OUTPUTS] = {[MT_OUT_FIX] = 1, [MT_OUT_COS] = 0.5,
                                             [MT_OUT_SIN] = 0.5};
        d->out_weight = xmalloc(sizeof w);
        memcpy(d->out_weight, w, sizeof w);
    }
}

/* resample=1: the epoch's training set, n_train fresh trials per task (the reference's
 * MultiTaskDataset draws a new trial on every access). */
static void mt_resample(const struct task_params *p, rng_t *r, struct dataset *train) {
    const struct mt_cfg c = mt_config(p);
    mt_draw(&c, r, train);
}

static void mt_make_data(const struct task_params *p, rng_t *r, struct dataset *train,
                         struct dataset *val, struct dataset *test) {
    const struct mt_cfg c = mt_config(p);
    rng_t r_train = rng_split(r, 1), r_val = rng_split(r, 2), r_test = rng_split(r, 3);
    mt_fill(&c, &r_train, c.n_train, train);
    mt_fill(&c, &r_val, c.n_val, val);
    mt_fill(&c, &r_test, c.n_test, test);
}

/* --- metrics ---------------------------------------------------------------------------- */

/* o, y: (K) prediction and target at the scored step. See the file comment for the rule. */
static int mt_trial_correct(const real *o, const real *y) {
    if (y[MT_OUT_FIX] > 0.5)
        return o[MT_OUT_FIX] > 0.5 && hypot(o[MT_OUT_COS], o[MT_OUT_SIN]) < 0.5;
    const double err = multitask_angle_diff(atan2(o[MT_OUT_SIN], o[MT_OUT_COS]),
                                            atan2(y[MT_OUT_SIN], y[MT_OUT_COS]));
    return fabs(err) < mt_pi / 6;
}

/* yhat: (n, T, K). Each trial is scored at its last masked step (there is exactly one). */
static void mt_metrics(const struct dataset *d, const real *yhat, double *out) {
    ASSERT(d->loss == LOSS_MSE && d->T_out == d->T && d->K == MT_N_OUTPUTS && d->group);
    const int T = d->T;
    long ok[MT__COUNT] = {0}, tot[MT__COUNT] = {0};
    for (int i = 0; i < d->n; i++) {
        int t_end = -1;
        for (int t = T - 1; t >= 0 && t_end < 0; t--)
            if (d->mask[(size_t)i * T + t] != 0) t_end = t;
        if (t_end < 0) continue;
        const size_t s = (size_t)i * T + t_end;
        const int g = d->group[i];
        ASSERT(g >= 0 && g < MT__COUNT);
        tot[g]++;
        ok[g] += mt_trial_correct(yhat + s * MT_N_OUTPUTS, d->y + s * MT_N_OUTPUTS);
    }
    double sum = 0;
    int present = 0;
    for (int k = 0; k < MT__COUNT; k++) {
        out[k] = tot[k] > 0 ? (double)ok[k] / (double)tot[k] : NAN;
        if (tot[k] > 0) sum += out[k], present++;
    }
    out[MT__COUNT] = present > 0 ? sum / present : NAN;
}

const struct task_type task_multitask = {
    .name = "multitask",
    .description = "11 Yang-style cognitive tasks, n fixed trials per task, MSE at each "
                   "trial's last step (PAPER.md 2.8)",
    .loss = LOSS_MSE,
    .readout = READOUT_ALL,
    .dims = mt_dims,
    .make_data = mt_make_data,
    .metrics = mt_metrics,
    .n_metrics = (int)ARRAY_LEN(mt_metric_names),
    .metric_names = mt_metric_names,
    .resample = mt_resample,
};
