/* figures.c: the figure table, one declarative table of every figure. A figure names the
 * experiments whose sweeps it reads, its summarizer (C, writes TSV) and its gnuplot script
 * (draws only).
 * How to add a figure: add a row here (name starting with "figure") and write
 * plots/<name>.gp reading the TSV files. A metric against P needs no C: name the generic
 * summarizer, `.summarize = summarize_metric_vs_P, .metric = "/test/accuracy"` (figure-xor
 * below); anything else gets a summarizer in experiments/summarize_<task>.c, declared in
 * figures.h. `make <name>` then exists (build/mk/runs-<profile>.mk is generated from this
 * table). docs/ADDING_A_TASK.md has the whole walk. */
#include <string.h>

#include "figures.h"

const struct figure figures[] = {
    /* figure4: the AL-RNN sweep (the main job: minutes at the quick profile) */
    {.name = "figure4",
     .description = "addition problem: test MSE vs P, PWL trajectories, readout over time "
                    "(Fig 4)",
     .experiments = {"addition"},
     .script = "plots/figure4.gp",
     .summarize = summarize_figure4},
    /* the same figure with the baselines drawn as reference bands: the experiments after the
     * first are the baseline rows. Separate because the gated baselines cost far more than
     * the AL-RNN sweep (an LSTM quick run takes about 8x an AL-RNN one) */
    {.name = "figure4-baselines",
     .description = "Fig 4 (a) with tanh/LSTM/GRU reference bands beside the P curve (same "
                    "data, seeds and budget)",
     .experiments = {"addition", "addition-tanh", "addition-lstm", "addition-gru"},
     .script = "plots/figure4.gp",
     .summarize = summarize_figure4},
    /* The synthetic experiments' figures (PAPER.md §3 Figs 3 and 5, and
     * the contextual-integration figure). */
    {.name = "figure3",
     .description = "copy task: PWL unit and autonomous cycle, recall accuracy vs P, recall "
                    "bitcodes, PCA spectrum (Fig 3)",
     .experiments = {"copy"},
     .script = "plots/figure3.gp",
     .summarize = summarize_figure3},
    /* figure3 with the copy baselines (copy-tanh, -lstm, -gru: copy's data, seeds, budget
     * and selection, M units each) as reference bands in (c) */
    {.name = "figure3-baselines",
     .description = "Fig 3 with tanh/LSTM/GRU reference bands beside the recall accuracy vs P "
                    "in (c) (same data, seeds and budget; M units each)",
     .experiments = {"copy", "copy-tanh", "copy-lstm", "copy-gru"},
     .script = "plots/figure3.gp",
     .summarize = summarize_figure3},
    {.name = "figure5",
     .description = "11-task suite: mean test accuracy vs P per training-set size, JSD between "
                    "the tasks' bitcode distributions (Fig 5)",
     .experiments = {"multitask_n20", "multitask_n50", "multitask_n500"},
     .script = "plots/figure5.gp",
     .summarize = summarize_figure5},
    /* figure5 with baseline bands in (a): the summarizer draws every baseline row the figure
     * lists, each beside the AL-RNN row of its n */
    {.name = "figure5-baselines",
     .description = "Fig 5 with tanh/LSTM/GRU reference bands beside the accuracy vs P in (a), "
                    "per n (same trials, seeds and budget; M units)",
     .experiments = {"multitask_n20", "multitask_n50", "multitask_n500", "multitask_n20-tanh",
                     "multitask_n20-lstm", "multitask_n20-gru", "multitask_n50-tanh",
                     "multitask_n50-lstm", "multitask_n50-gru", "multitask_n500-tanh",
                     "multitask_n500-lstm", "multitask_n500-gru"},
     .script = "plots/figure5.gp",
     .summarize = summarize_figure5},
    {.name = "figure-context",
     .description = "contextual integration: accuracy vs P, PWL bitcode over time per context "
                    "(PAPER.md 2.6)",
     .experiments = {"context"},
     .script = "plots/figure-context.gp",
     .summarize = summarize_figure_context},
    {.name = "figure1",
     .description = "AL-RNN with M = 6, P = 2: the four subregions of the PWL plane with a test "
                    "trajectory, its bitcode over time, each subregion's W_Omega spectrum (Fig 1)",
     .experiments = {"context_m6"},
     .script = "plots/figure1.gp",
     .summarize = summarize_figure1},
    /* The real-data figures (PAPER.md §3 Fig 2, §4 Hamming heatmaps, the
     * audio accuracy figure). */
    {.name = "figure2",
     .description = "IMDb and sMNIST: test accuracy vs P, PC1 of final states by sentiment, "
                    "bitcode frequencies, final states on 3 PCs by digit (Fig 2)",
     .experiments = {"imdb", "smnist"},
     .script = "plots/figure2.gp",
     .summarize = summarize_figure2},
    /* figure2 with baseline bands in (a) and (e), each beside the sweep of its task */
    {.name = "figure2-baselines",
     .description = "Fig 2 with tanh/LSTM/GRU reference bands beside the IMDb (a) and sMNIST "
                    "(e) accuracy vs P (same encoder, data, seeds and budget; M units)",
     .experiments = {"imdb", "smnist", "imdb-tanh", "imdb-lstm", "imdb-gru", "smnist-tanh",
                     "smnist-lstm", "smnist-gru"},
     .script = "plots/figure2.gp",
     .summarize = summarize_figure2},
    {.name = "figure-hamming",
     .description = "sMNIST: mean Hamming distance of the bitcode from a reference code, per "
                    "digit, mapped onto the 28x28 pixels (PAPER.md 4)",
     .experiments = {"smnist"},
     .script = "plots/figure-hamming.gp",
     .summarize = summarize_figure_hamming},
    {.name = "figure-audio",
     .description = "spoken digits (FSDD): test accuracy vs P, final states on 2 PCs by class "
                    "(PAPER.md 2.3)",
     .experiments = {"audio"},
     .script = "plots/figure-audio.gp",
     .summarize = summarize_figure_audio},
    {.name = "figure-audio-sc",
     .description = "Speech Commands: test accuracy vs P, final states on 2 PCs by class "
                    "(PAPER.md 2.3; opt-in data)",
     .experiments = {"audio-sc"},
     .script = "plots/figure-audio.gp",
     .summarize = summarize_figure_audio},
    /* The SCAN figure (PAPER.md §2.9). */
    {.name = "figure-scan",
     .description = "SCAN: sequence accuracy (lenient and strict) vs P_enc on the simple, length "
                    "and add-jump splits; decoder bitcode rasters with construct boundaries",
     .experiments = {"scan_simple", "scan_length", "scan_addjump"},
     .script = "plots/figure-scan.gp",
     .summarize = summarize_figure_scan},
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
