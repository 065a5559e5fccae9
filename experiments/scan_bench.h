/* scan_bench.h: one training step of the SCAN encoder–decoder (PAPER.md §2.9) without the
 * split files, for bin/bench (experiments/scan_run.c).
 *
 * scan_bench_init builds what the SCAN runner trains for a resolved SCAN row at encoder width
 * P_enc: the same model type object (its hooks are what core/train.c's train_step calls), the
 * same network configuration (M, P_dec, embedding width from the row's options, vocabularies
 * of 17 command and 10 action ids) initialised from the seed's init stream as the runner does,
 * and a one-batch split of the row's batch size B. The batch is B commands drawn without
 * replacement (the seed's data stream) from all 20,910 commands the grammar generates
 * (scan_grammar_generate), with their actions: the simple split is a uniform 80 % of those, so
 * its batches look alike (command lengths, target lengths). Commands are padded to the
 * grammar's longest (9 words) as the runner pads them; the decoder runs the batch's longest
 * target + <end> steps, as a training batch does.
 *
 * One step is then train_step(&sb.mo, work, sb.data, idx = 0..B-1, B, ...) with work from
 * sb.mo.type->work_alloc(&sb.mo, sb.data, B) and sb.tc.
 *
 * Not here: evaluation, analysis, run files (the runner's).
 */
#ifndef ALRNN_SCAN_BENCH_H
#define ALRNN_SCAN_BENCH_H

#include <stdint.h>

#include "experiments.h"
#include "model.h"

struct scan_bench {
    struct model mo;        /* the SCAN encoder–decoder as the runner builds it */
    const void *data;       /* the one-batch training split (read by mo's type only) */
    struct train_config tc; /* the row's training settings */
    int B;                  /* batch: the row's */
    int T_in;               /* encoder steps: the longest command (SCAN_MAX_WORDS) */
    int T_dec;              /* decoder steps of the batch: its longest target + <end> */
    int E;                  /* embedding width, the AL-RNNs' N */
    const int32_t *src;     /* (T_in, B) command ids of the batch, time-major */
    const int32_t *tgt;     /* (T_dec, B) target ids (actions, <end>, pads), time-major */
    void *own;              /* everything above points into this (private) */
};

/* r: a resolved row with runner scan_run; P_enc in 0..M. Dies on a row that is not SCAN. */
void scan_bench_init(struct scan_bench *sb, const struct resolved *r, int P_enc, uint64_t seed);
void scan_bench_free(struct scan_bench *sb);

#endif
