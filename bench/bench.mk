# bench/bench.mk: `make bench` (engine throughput) and `make bench-peer` (PyTorch side by side).

# BENCH_CLOCK=cpu times steps by the process's CPU time (both sides), for a loaded machine;
# PEER_FLAGS=--fused-only skips the slow Python-loop AL-RNN on the PyTorch side
BENCH_CLOCK ?= wall
PEER_FLAGS ?=

bin/bench: build/f32/bench/bench.o $(LIB32)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

bench: bin/bench ## time training steps of the three fixed and the paper's shapes at P = 0, M/4, M (TSV on stdout)
	OPENBLAS_NUM_THREADS=1 bin/bench --scaling --clock $(BENCH_CLOCK)

.PHONY: bench-peer
bench-peer: bin/bench ## the same shapes in PyTorch (needs python3-torch) and the ratios
	OPENBLAS_NUM_THREADS=1 bin/bench --peer --clock $(BENCH_CLOCK) > build/bench_engine.tsv
	OMP_NUM_THREADS=1 $(PYTHON) bench/peer_torch.py --clock $(BENCH_CLOCK) $(PEER_FLAGS) \
	  --engine build/bench_engine.tsv
-include build/f32/bench/bench.d

# A sweep of 4 independent quick addition runs (P 2 and 10, seeds 0 and 1), once with one
# job and once with two: the ratio of the wall times is the sweep speed-up from make -j2.
SWEEP_RUNS := P2_seed0 P2_seed1 P10_seed0 P10_seed1
build/sweep/%.h5: | bin/alrnn
	@mkdir -p $(@D)
	bin/alrnn run addition --P $(word 1,$(subst _seed, ,$(subst P,,$(notdir $*)))) \
	  --seed $(word 2,$(subst _seed, ,$(notdir $*))) --profile quick --out $@ 2> $@.log

.PHONY: bench-sweep
bench-sweep: bin/alrnn ## time a 4-run sweep with make -j1 and -j2 (about 7 minutes)
	rm -rf build/sweep
	@s=$$(date +%s.%N); $(MAKE) --no-print-directory -j1 $(SWEEP_RUNS:%=build/sweep/j1/%.h5); \
	 m=$$(date +%s.%N); $(MAKE) --no-print-directory -j2 $(SWEEP_RUNS:%=build/sweep/j2/%.h5); \
	 e=$$(date +%s.%N); \
	 awk -v s=$$s -v m=$$m -v e=$$e 'BEGIN { printf "sweep\truns\tj1_seconds\tj2_seconds\tspeedup\n"; \
	   printf "addition_quick\t4\t%.1f\t%.1f\t%.2f\n", m - s, e - m, (m - s) / (e - m) }'
