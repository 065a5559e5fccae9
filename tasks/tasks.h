/* tasks.h: every task type the experiments can name. One line per task file in tasks/. */
#ifndef ALRNN_TASKS_H
#define ALRNN_TASKS_H

#include "task.h"

extern const struct task_type task_addition; /* tasks/addition.c, PAPER.md §2.5 */
extern const struct task_type task_xor;      /* tasks/xor.c, docs/ADDING_A_TASK.md */

#include "synthetic.h" /* copy, contextual integration, multi-task (§2.4, §2.6, §2.8) */
#include "realdata.h"  /* IMDb, sMNIST, audio (§2.1–2.3) */
#include "scan_task.h" /* SCAN (§2.9) */
#include "csv_task.h" /* sequences from CSV files (docs/CSV_DATA.md) */

#endif
