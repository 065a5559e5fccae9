/* realdata.h: tasks on real data (PAPER.md §2.1–2.3). */
#ifndef ALRNN_REALDATA_H
#define ALRNN_REALDATA_H

#include "task.h"

#endif
