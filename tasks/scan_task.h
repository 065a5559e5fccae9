/* scan_task.h: the SCAN encoder-decoder experiment (PAPER.md §2.9).
 *
 * task_scan names the task in experiment rows and run files (loss cross-entropy, a readout at
 * every decoder step, the metrics of scan_model.h). Its runs do not go through
 * experiment_run: every SCAN row sets .runner = scan_run (experiments/scan_run.c), which reads
 * the split files, trains the encoder-decoder (tasks/scan_model.h) and writes the run file.
 * dims() reports the command length, the embedding width and the action vocabulary;
 * make_data() and metrics() die with a pointer to the runner if anything calls them.
 *
 * Options in the row's data.opts ("key=value,..."):
 *   split=NAME    simple | length | addprim_jump (| addprim_turn_left), scan_data.h's table
 *   P_dec=32      ReLU units of the decoder        emb=64     embedding width
 *   tf=0          teacher-forcing probability per decoder step (0 = free-running, §2.9)
 *   end_weight=5  CE class weight of <end>         decode=50  greedy decoding limit
 * data.n_train / data.n_test > 0 subsample the split (seeded by the run's seed).
 */
#ifndef ALRNN_SCAN_TASK_H
#define ALRNN_SCAN_TASK_H

#include "task.h"

extern const struct task_type task_scan;

struct resolved;
/* The runner of the SCAN rows (experiment.runner). */
void scan_run(const struct resolved *r, int P, int seed, const char *out);

#endif
