/* fig_synthetic.h: summarize functions of these figures. */
#ifndef ALRNN_FIG_SYNTHETIC_H
#define ALRNN_FIG_SYNTHETIC_H

#include "experiments.h"

#endif
