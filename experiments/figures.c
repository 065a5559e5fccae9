/* figures.c: the figure table. A figure names the experiments whose sweeps it reads, its
 * summarizer (C, writes TSV) and its gnuplot script (draws only).
 * How to add a figure: write experiments/fig_<name>.c with a summarize function, declare it
 * in figures.h, add a row here and write plots/<name>.gp reading the TSV files. `make <name>`
 * then exists (build/mk/runs-<profile>.mk is generated from this table). */
#include <string.h>

#include "figures.h"

const struct figure figures[] = {
    /* figure4: the AL-RNN sweep first, then the baselines drawn as reference bands */
    {.name = "figure4",
     .description = "addition problem: test MSE vs P with tanh/LSTM/GRU reference bands, PWL "
                    "trajectories, readout over time (Fig 4)",
     .experiments = {"addition", "addition-tanh", "addition-lstm", "addition-gru"},
     .script = "plots/figure4.gp",
     .summarize = summarize_figure4},
#include "figures_synthetic.inc" /* figure3, figure5, figure-context */
#include "figures_realdata.inc"  /* figure2, figure-audio, ... */
#include "figures_scan.inc"      /* figure-scan */
};
const int n_figures = (int)ARRAY_LEN(figures);

const struct figure *figure_find(const char *name) {
    for (int i = 0; i < n_figures; i++)
        if (strcmp(figures[i].name, name) == 0) return &figures[i];
    return NULL;
}
