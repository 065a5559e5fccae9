# datasets.mk: the data step (included by the Makefile). Every target runs datasets/fetch.sh
# on one manifest: copy from $(DATA_MIRROR) (offline) or download, verify sha256, install
# into $(DATA_DIR)/<set>/. Targets are phony and idempotent: a rerun re-hashes what is
# present and fetches only what is missing or wrong. datasets/README.md has the details.

FETCH_SH := bash datasets/fetch.sh
MANIFEST_DIR := datasets/manifest
SPEECHCOMMANDS_VERSION ?= v0.02

.PHONY: datasets-mnist datasets-imdb datasets-fsdd datasets-speechcommands datasets-fashion-mnist

datasets: datasets-mnist datasets-imdb datasets-fsdd ## fetch + verify MNIST, IMDb, FSDD into $(DATA_DIR) (from $(DATA_MIRROR) when present)

datasets-mnist: ## MNIST, 4 IDX .gz files -> $(DATA_DIR)/mnist/
	@$(FETCH_SH) $(MANIFEST_DIR)/mnist.sha256 "$(DATA_DIR)" "$(DATA_MIRROR)"

datasets-imdb: ## IMDb train/test TSV -> $(DATA_DIR)/imdb/ (mirror only: no URL serves the TSV)
	@$(FETCH_SH) $(MANIFEST_DIR)/imdb.sha256 "$(DATA_DIR)" "$(DATA_MIRROR)"

datasets-fsdd: ## Free Spoken Digit Dataset, 3000 WAV -> $(DATA_DIR)/fsdd/recordings/
	@$(FETCH_SH) $(MANIFEST_DIR)/fsdd.sha256 "$(DATA_DIR)" "$(DATA_MIRROR)"

# Opt-in: Fashion-MNIST (experiment smnist-fashion) is a Debian package, verified by apt and
# read in place from $(ALRNN_FASHION_DIR) (bin/alrnn reads the same variable).
ALRNN_FASHION_DIR ?= /usr/share/datasets/fashion-mnist
export ALRNN_FASHION_DIR
datasets-fashion-mnist: ## Fashion-MNIST, Debian's dataset-fashion-mnist (30 MB, apt-get; read in place)
	@if [ -f "$(ALRNN_FASHION_DIR)/train-images-idx3-ubyte.gz" ]; then \
	  echo "fashion-mnist: present in $(ALRNN_FASHION_DIR)"; \
	else $(APT_GET) install -y --no-install-recommends dataset-fashion-mnist; fi

# Opt-in: 1.4 GB (v0.01) or 2.3 GB (v0.02), not in the offline mirror. The tarball is taken
# from $(DATA_MIRROR)/speechcommands/ when the user put it there, else downloaded; it is
# unpacked into $(DATA_DIR)/speechcommands/$(SPEECHCOMMANDS_VERSION)/ under a temporary name
# and renamed when tar has finished, so an interrupted unpack is never mistaken for a done one.
datasets-speechcommands: ## Google Speech Commands $(SPEECHCOMMANDS_VERSION) (opt-in; needs network or the tarball in the mirror)
	@$(FETCH_SH) $(MANIFEST_DIR)/speechcommands.sha256 "$(DATA_DIR)" "$(DATA_MIRROR)" \
	  speechcommands/speech_commands_$(SPEECHCOMMANDS_VERSION).tar.gz
	@set -e; dir="$(DATA_DIR)/speechcommands/$(SPEECHCOMMANDS_VERSION)"; \
	if [ -d "$$dir" ]; then echo "speechcommands: $$dir already unpacked"; exit 0; fi; \
	rm -rf "$$dir.unpacking"; mkdir -p "$$dir.unpacking"; \
	echo "speechcommands: unpacking into $$dir"; \
	tar -xzf "$(DATA_DIR)/speechcommands/speech_commands_$(SPEECHCOMMANDS_VERSION).tar.gz" -C "$$dir.unpacking"; \
	mv "$$dir.unpacking" "$$dir"
