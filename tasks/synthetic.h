/* synthetic.h: the generated (file-free) tasks of PAPER.md §2.4, §2.6 and §2.8, and the
 * helpers their tests use.
 *
 *   task_copy        copy 8 symbols over a 100-step delay, CE on every recall step (§2.4)
 *   task_context     Mante-style context-dependent sign of summed evidence, CE at T-1 (§2.6)
 *   task_multitask   11 Yang-style cognitive tasks, fixed n trials per task, MSE (§2.8)
 */
#ifndef ALRNN_SYNTHETIC_H
#define ALRNN_SYNTHETIC_H

#include "task.h"

extern const struct task_type task_copy;
extern const struct task_type task_context;
extern const struct task_type task_multitask;

/* The 11 sub-tasks of §2.8 in the paper's order, as an X-macro so the enum and the name
 * table cannot drift apart. The enum value is the dataset's group id and picks the one-hot
 * task-id input channel (MT_IN_TASK_ID + id). To add a sub-task: add a row here, a row to
 * mt_defs[] in multitask.c and a case to mt_sample(). */
#define MULTITASK_LIST(X)                    \
    X(MT_DELAY_PRO, "DelayPro")              \
    X(MT_DELAY_ANTI, "DelayAnti")            \
    X(MT_REACT_PRO, "ReactPro")              \
    X(MT_REACT_ANTI, "ReactAnti")            \
    X(MT_CAT_PRO, "CatPro")                  \
    X(MT_CAT_ANTI, "CatAnti")                \
    X(MT_MATCH2SAMPLE, "Match2Sample")       \
    X(MT_NONMATCH2SAMPLE, "NonMatch2Sample") \
    X(MT_CTXINT_MOD1, "CtxIntMod1")          \
    X(MT_CTXINT_MOD2, "CtxIntMod2")          \
    X(MT_GONOGO, "GoNogo")

#define MT_ENUM_(id, name) id,
enum multitask_id { MULTITASK_LIST(MT_ENUM_) MT__COUNT };
#undef MT_ENUM_

/* Input channels of one multitask step: 7 task channels, then the one-hot task id. */
enum {
    MT_IN_FIX,      /* fixation cue */
    MT_IN_COS,      /* stimulus cos θ (CtxInt: modality 1) */
    MT_IN_SIN,      /* stimulus sin θ (CtxInt: modality 1) */
    MT_IN_RULE_A,   /* pro / match / GoNogo rule; CtxInt: modality 2 cos */
    MT_IN_RULE_B,   /* anti / non-match rule;    CtxInt: modality 2 sin */
    MT_IN_RULE_MOD1,
    MT_IN_RULE_MOD2,
    MT_IN_TASK_ID,  /* first of MT__COUNT one-hot channels */
    MT_N_INPUTS = MT_IN_TASK_ID + MT__COUNT
};

/* Output / target channels: fixation, response cos, response sin. */
enum { MT_OUT_FIX, MT_OUT_COS, MT_OUT_SIN, MT_N_OUTPUTS };

/* "DelayPro", ... "GoNogo": the names the metrics (acc_<name>) and figures use. */
extern const char *const multitask_task_names[]; /* MT__COUNT entries */

/* a - b wrapped to [-π, π]. */
double multitask_angle_diff(double a, double b);

#endif
