# slurm.mk: the Slurm targets (included by the Makefile with the other plots/*.mk).
#
#   make slurm-figure4 PROFILE=paper SLURM_ARGS="--partition cpu --time 8:00:00"
#       bin/alrnn slurm figure4 --profile paper ...: the figure's missing runs as a job array
#       plus a job that summarizes and draws it (REPRODUCE.md, "Paper profile on a cluster")
#   make test-slurm
#       tests/test_slurm.sh against the one-node cluster of tests/slurm/start.sh (or the
#       cluster ALRNN_TEST_SLURM_CONF names); skipped with a message when none answers.
#       `make test` runs it after the Criterion tests' prerequisites.

SLURM_ARGS ?=
ALRNN_SLURM_DIR ?= /tmp/alrnn-slurm
export ALRNN_SLURM_DIR

.PHONY: test-slurm deps-slurm slurm-start slurm-stop

slurm-%: bin/alrnn ## submit a figure's (or experiment's) missing runs to Slurm: make slurm-figure4 PROFILE=paper SLURM_ARGS="--time 8:00:00"
	bin/alrnn slurm $* --profile $(PROFILE) $(SLURM_ARGS)

test: test-slurm
test-slurm: bin/alrnn ## the Slurm tests (tests/test_slurm.sh; needs tests/slurm/start.sh's cluster, else skipped)
	ALRNN_BIN=$(abspath bin/alrnn) OPENBLAS_NUM_THREADS=1 tests/test_slurm.sh

# after deps: its apt-get update, and never two apt-gets at once under make's default -j
deps-slurm: deps ## install Slurm and munge from Debian (apt-get, as root) for tests/slurm/start.sh
	$(APT_GET) install -y --no-install-recommends \
	  slurmctld slurmd slurm-client munge

slurm-start: ## start a one-node Slurm on localhost (tests/slurm/start.sh, as root)
	tests/slurm/start.sh

slurm-stop: ## stop what slurm-start started
	tests/slurm/stop.sh
