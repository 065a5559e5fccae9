/* tasks.h: every task type the experiments can name. One line per task file in tasks/. */
#ifndef ALRNN_TASKS_H
#define ALRNN_TASKS_H

#include "task.h"

extern const struct task_type task_addition; /* tasks/addition.c, PAPER.md §2.5 */

#endif
