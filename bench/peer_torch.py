#!/usr/bin/env python3
"""Side-by-side peer for `make bench`: the same training steps in PyTorch (1 thread).

For the three fixed shapes of bench/bench.c (same B, M, N, T, P = M/4, loss on the last step) this
times full training steps (forward, loss, backward, Adam) of
  - the AL-RNN written as a PyTorch module (a Python loop over T), and
  - PyTorch's fused nn.RNN(nonlinearity='relu') with a linear readout,
after warm-up, and prints the median sequences/s next to the engine's (read from the TSV
that bin/bench wrote, its P = M/4 rows) with the ratio engine / fused nn.RNN. The fused RNN
is timed twice: in PyTorch's default floating-point mode, and with
torch.set_flush_denormal(True), the mode the engine trains in (FTZ/DAZ; on Intel cores a
subnormal operand costs ~100x, so the default mode can be far slower there); the ratio
against the latter is the like-for-like one.

Then, for the gated baselines (BASELINES: the baseline rows of bench/bench.c, at the paper
settings of addition-<model> and copy-<model>), the same training step through PyTorch's fused
nn.RNN(tanh) / nn.LSTM / nn.GRU with a linear readout (on the last step, or at every step for
copy, CE over all T·B outputs), in the default mode and with flush-to-zero, and the ratios
engine / PyTorch: a second table after the first.
Not part of `make test`; needs Debian's python3-torch.
"""
import argparse
import statistics
import time

import torch

CONFIGS = [  # name, B, M, N, T, K, loss
    ("smnist", 32, 64, 1, 784, 10, "ce"),
    ("addition", 64, 128, 2, 100, 1, "mse"),
    ("imdb", 32, 128, 128, 200, 2, "ce"),
]  # the first three rows of bench/bench.c


class ALRNN(torch.nn.Module):
    """PAPER.md §1.3 form: A on the last P units, W full, readout from the whole state."""

    def __init__(self, M, P, N, K):
        super().__init__()
        self.M, self.P = M, P
        self.A = torch.nn.Parameter(0.01 * torch.randn(P))
        self.W = torch.nn.Parameter(0.01 * torch.randn(M, M))
        self.C = torch.nn.Parameter(0.1 * torch.randn(M, N))
        self.h = torch.nn.Parameter(0.01 * torch.randn(M))
        self.D = torch.nn.Linear(M, K)

    def forward(self, x):  # x: (T, B, N)
        T, B, _ = x.shape
        M, P = self.M, self.P
        u = x @ self.C.T + self.h
        z = torch.zeros(B, M)
        for t in range(T):
            phi = torch.cat([z[:, : M - P], torch.relu(z[:, M - P :])], dim=1)
            a = torch.cat([torch.zeros(B, M - P), self.A * z[:, M - P :]], dim=1)
            z = a + phi @ self.W.T + u[t]
        return self.D(z)


BASELINES = [  # name, model, B, M, N, T, K, loss, readout at every step
    ("addition_tanh", "tanh", 128, 50, 2, 100, 1, "mse", False),
    ("addition_lstm", "lstm", 128, 50, 2, 100, 1, "mse", False),
    ("addition_gru", "gru", 128, 50, 2, 100, 1, "mse", False),
    ("copy_lstm", "lstm", 64, 50, 5, 117, 5, "ce", True),
    ("copy_gru", "gru", 64, 50, 5, 117, 5, "ce", True),
]  # the baseline rows of bench/bench.c (experiments/table.c, paper settings)


class FusedRNN(torch.nn.Module):
    """PyTorch's fused cell (one layer) and a linear readout of h_T, or of every h_t."""

    def __init__(self, M, N, K, cell="relu", every_step=False):
        super().__init__()
        if cell in ("relu", "tanh"):
            self.rnn = torch.nn.RNN(N, M, nonlinearity=cell)
        else:
            self.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](N, M)
        self.D = torch.nn.Linear(M, K)
        self.every_step = every_step

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.D(out).flatten(0, 1) if self.every_step else self.D(out[-1])


def time_model(model, x, y, loss_fn, reps, clock, warm=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    times = []
    for i in range(warm + reps):
        t0 = clock()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        if i >= warm:
            times.append(clock() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", help="TSV written by bin/bench")
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--fused-only", action="store_true",
                    help="skip the Python-loop AL-RNN (slow; the ratios use the fused RNN)")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="wall time, or the process's CPU time (as bin/bench --clock)")
    args = ap.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    torch.set_num_threads(1)
    torch.manual_seed(0)
    engine = {}
    baseline_names = {b[0] for b in BASELINES}
    if args.engine:
        with open(args.engine) as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                if row["config"] in baseline_names or int(row["P"]) == int(row["M"]) // 4:
                    engine[row["config"]] = float(row["seq_per_s"])
    print("config\tB\tM\tN\tT\tengine_seq_per_s\ttorch_alrnn_seq_per_s\ttorch_rnn_relu_seq_per_s"
          "\ttorch_rnn_relu_ftz_seq_per_s\tratio_vs_torch_alrnn\tratio_vs_rnn_relu"
          "\tratio_vs_rnn_relu_ftz")
    for name, B, M, N, T, K, loss in CONFIGS:
        x = torch.randn(T, B, N)
        if loss == "ce":
            y, loss_fn = torch.randint(0, K, (B,)), torch.nn.functional.cross_entropy
        else:
            y, loss_fn = torch.randn(B, K), torch.nn.functional.mse_loss
        al = (float("nan") if args.fused_only else
              B / time_model(ALRNN(M, M // 4, N, K), x, y, loss_fn, args.reps, clock))
        fu = B / time_model(FusedRNN(M, N, K), x, y, loss_fn, args.reps, clock)
        torch.set_flush_denormal(True)
        fz = B / time_model(FusedRNN(M, N, K), x, y, loss_fn, args.reps, clock)
        torch.set_flush_denormal(False)
        e = engine.get(name, float("nan"))
        print(f"{name}\t{B}\t{M}\t{N}\t{T}\t{e:.0f}\t{al:.0f}\t{fu:.0f}\t{fz:.0f}\t{e / al:.2f}"
              f"\t{e / fu:.2f}\t{e / fz:.2f}", flush=True)
    print()
    print("config\tmodel\tB\tM\tN\tT\tengine_seq_per_s\ttorch_seq_per_s\ttorch_ftz_seq_per_s"
          "\tratio_vs_torch\tratio_vs_torch_ftz")
    for name, cell, B, M, N, T, K, loss, every_step in BASELINES:
        x = torch.randn(T, B, N)
        rows = T * B if every_step else B
        if loss == "ce":
            y, loss_fn = torch.randint(0, K, (rows,)), torch.nn.functional.cross_entropy
        else:
            y, loss_fn = torch.randn(rows, K), torch.nn.functional.mse_loss
        fu = B / time_model(FusedRNN(M, N, K, cell, every_step), x, y, loss_fn, args.reps, clock)
        torch.set_flush_denormal(True)
        fz = B / time_model(FusedRNN(M, N, K, cell, every_step), x, y, loss_fn, args.reps, clock)
        torch.set_flush_denormal(False)
        e = engine.get(name, float("nan"))
        print(f"{name}\t{cell}\t{B}\t{M}\t{N}\t{T}\t{e:.0f}\t{fu:.0f}\t{fz:.0f}\t{e / fu:.2f}"
              f"\t{e / fz:.2f}", flush=True)


if __name__ == "__main__":
    main()
