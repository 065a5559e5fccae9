# scan.mk: the SCAN data step (included by the Makefile, like datasets.mk). fetch.sh copies the
# split files from $(DATA_MIRROR)/scan/ or downloads them from brendenlake/SCAN at the pinned
# commit, checks every SHA-256 against datasets/manifest/scan.sha256 and installs them into
# $(DATA_DIR)/scan/ (tasks.txt, simple_split/, length_split/, add_prim_split/, LICENSE).

.PHONY: datasets-scan

datasets: datasets-scan

datasets-scan: ## SCAN split files (Lake & Baroni 2018), 24 MB -> $(DATA_DIR)/scan/
	@$(FETCH_SH) $(MANIFEST_DIR)/scan.sha256 "$(DATA_DIR)" "$(DATA_MIRROR)"
