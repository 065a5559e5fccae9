/* fig_scan.h: summarize functions of these figures. */
#ifndef ALRNN_FIG_SCAN_H
#define ALRNN_FIG_SCAN_H

#include "experiments.h"

#endif
