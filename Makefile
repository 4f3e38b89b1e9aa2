# tonghop: `make run` and `make test` are all a newcomer needs; both build .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
# pytest-xdist workers for make test; each test file runs whole on one worker (its module fixtures once)
TEST_JOBS ?= auto

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME ?= $(CURDIR)/.prefect
export DO_NOT_TRACK := 1

.PHONY: run test lint eval eval-ocr bench bench-scale samples lock clean-venv

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# `make run` shows the job: the five seed reports (one format each; their other formats are the
# readers' test files) and one district's communes for one period, with the officer's list of the
# units that must report; then the workbook. OUT=DIR writes somewhere else (a test uses it).
OUT            ?= output
STORE          ?= sqlite:///$(OUT)/tonghop.db
MAIN_BATCH     := samples/000_064a08cc418c8552.docx samples/001_5efdf61d82cdb014.pdf \
                  samples/002_bb16b2840fea809a.txt samples/003_f4169d506d3930e4.docx \
                  samples/004_386d69b07cae7cb5.pdf
DISTRICT_BATCH := samples/batches/huyen_phu_ninh_2024

run: $(STAMP)
	mkdir -p $(OUT)
	$(BIN)/tonghop units set $(DISTRICT_BATCH)/expected_units.yaml --store $(STORE)
	$(BIN)/tonghop ingest $(MAIN_BATCH) $(DISTRICT_BATCH) --store $(STORE); test $$? -le 2
	$(BIN)/tonghop export --out $(OUT) --store $(STORE)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_JOBS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check pipeline extractors flows tests samples

eval: $(STAMP)
	$(BIN)/python -m pipeline.evaluate --gold tests/gold --samples samples --realcorpus tests/realcorpus --heldout tests/heldout
	$(BIN)/python -m pipeline.evaluate_ocr --samples samples --pages 2

eval-ocr: $(STAMP)
	$(BIN)/python -m pipeline.evaluate_ocr --samples samples

bench: $(STAMP)
	$(BIN)/python -m pipeline.bench

# the province-scale store: 1k / 10k / 100k reports (grown by copies, pipeline/bench_clone.py: about
# 35 min and 8 GB of disk to reach 100k on 2 shared cores, then about 10 min of measuring; SIZES=1000,10000
# for less); on PostgreSQL too when TONGHOP_TEST_PG names a server (a schema of its own is created)
SIZES ?= 1000,10000,100000
bench-scale: $(STAMP)
	$(BIN)/python -m pipeline.bench_scale --sizes $(SIZES)
	if [ -n "$$TONGHOP_TEST_PG" ]; then $(BIN)/python -m pipeline.bench_scale --sizes $(SIZES) --pg "$$TONGHOP_TEST_PG"; fi

samples: $(STAMP)
	$(BIN)/python samples/build_samples.py

lock:
	rm -rf /tmp/tonghop-lock && $(PYTHON) -m venv /tmp/tonghop-lock
	/tmp/tonghop-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Exact pins of every package tonghop installs (pip freeze of requirements.in on Python 3.11)."; \
	  echo "# Regenerate: make lock"; /tmp/tonghop-lock/bin/pip freeze; } > requirements.lock

clean-venv:
	rm -rf $(VENV)
