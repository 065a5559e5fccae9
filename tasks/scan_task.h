/* scan_task.h: the SCAN encoder-decoder experiment (PAPER.md §2.9). */
#ifndef ALRNN_SCAN_TASK_H
#define ALRNN_SCAN_TASK_H

#include "task.h"

#endif
