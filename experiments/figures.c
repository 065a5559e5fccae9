/* figures.c: the figure table. A figure names the experiments whose sweeps it reads, its
 * summarizer (C, writes TSV) and its gnuplot script (draws only).
 * How to add a figure: add a row here (name starting with "figure") and write
 * plots/<name>.gp reading the TSV files. A metric against P needs no C: name the generic
 * summarizer, `.summarize = summarize_metric_vs_P, .metric = "/test/accuracy"` (figure-xor
 * below); anything else gets a summarizer in experiments/summarize_<task>.c, declared in
 * figures.h. `make <name>` then exists (build/mk/runs-<profile>.mk is generated from this
 * table). docs/ADDING_A_TASK.md has the whole walk. */
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
    /* the worked example of docs/ADDING_A_TASK.md: a figure without C of its own */
    {.name = "figure-xor",
     .description = "XOR of two marked bits: test accuracy vs P (the worked example of "
                    "docs/ADDING_A_TASK.md)",
     .experiments = {"xor"},
     .script = "plots/figure-xor.gp",
     .summarize = summarize_metric_vs_P,
     .metric = "/test/accuracy"},
};
const int n_figures = (int)ARRAY_LEN(figures);

const struct figure *figure_find(const char *name) {
    for (int i = 0; i < n_figures; i++)
        if (strcmp(figures[i].name, name) == 0) return &figures[i];
    return NULL;
}
