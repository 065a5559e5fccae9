/* fig_realdata.h: summarize functions of these figures. */
#ifndef ALRNN_FIG_REALDATA_H
#define ALRNN_FIG_REALDATA_H

#include "experiments.h"

#endif
