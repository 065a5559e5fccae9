/* figures.h: the summarize functions the figure table points to, one file per figure. */
#ifndef ALRNN_FIGURES_H
#define ALRNN_FIGURES_H

#include "experiments.h"

void summarize_figure4(const struct figure *f, profile_kind p, const char *root, const char *out);
void summarize_figure1(const struct figure *f, profile_kind p, const char *root, const char *out);

#include "fig_synthetic.h"
#include "fig_realdata.h"
#include "fig_scan.h"

#endif
