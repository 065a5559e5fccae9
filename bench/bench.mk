# bench/bench.mk: `make bench` (engine throughput) and `make bench-peer` (PyTorch side by side).

bin/bench: build/f32/bench/bench.o $(LIB32)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

bench: bin/bench ## time training steps on the smnist/addition/imdb shapes (TSV on stdout)
	OPENBLAS_NUM_THREADS=1 bin/bench --scaling

.PHONY: bench-peer
bench-peer: bin/bench ## the same shapes in PyTorch (needs python3-torch) and the ratios
	OPENBLAS_NUM_THREADS=1 bin/bench > build/bench_engine.tsv
	OMP_NUM_THREADS=1 $(PYTHON) bench/peer_torch.py --engine build/bench_engine.tsv
-include build/f32/bench/bench.d
