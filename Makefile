# Monazite: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck bench clean browser eval eval-unseen eval-agreement

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Bring the whole embedded stack up (broker, PostgreSQL, processor, gateway) and load the reference data.
run: install
	$(BIN)/monazite up

## Debian's Chromium for the dashboard test (tests/e2e/test_dashboard.py), installed when missing.
browser:
	@test -x /usr/bin/chromium || { \
		SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

## Unit, contract, integration and end-to-end tests on the real broker and PostgreSQL, then lint.
test: install browser
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory lint

lint: install
	$(BIN)/ruff check libs services tests tools
	$(BIN)/ruff format --check libs services tests tools
	$(BIN)/mypy libs services tests tools
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy libs services tests tools

## Benchmarks, each printed as a ratio against a baseline measured in the same run: all of them
## with a summary (bench), or one (bench-<name>). Options: BENCH_ARGS='--events 5000' and the like.
.PHONY: bench-processor bench-freshness bench-gateway bench-scenario bench-stream bench-memory
bench: install
	$(BIN)/python -m tests.bench.run_all $(BENCH_ARGS)

bench-processor: install
	$(BIN)/python -m tests.bench.processor_throughput $(BENCH_ARGS)

bench-freshness: install
	$(BIN)/python -m tests.bench.freshness $(BENCH_ARGS)

bench-gateway: install
	$(BIN)/python -m tests.bench.gateway_requests $(BENCH_ARGS)

bench-scenario: install
	$(BIN)/python -m tests.bench.scenario_latency $(BENCH_ARGS)

bench-stream: install
	$(BIN)/python -m tests.bench.stream_fanout $(BENCH_ARGS)

bench-memory: install
	$(BIN)/python -m tests.bench.memory_growth $(BENCH_ARGS)

## Precision and recall of the news extractor: the main labelled corpus, then every held-out set
## and every development set (a folder $(NEWS_DATA)/heldout*/ or dev*/ with its
## $(NEWS_DATA)/<folder>_expected.jsonl). A set listed in $(NEWS_DATA)/unseen.txt (nobody working
## on the rules has read it) is scored in summary: no fact, kind, field or event is named.
NEWS_DATA ?= data/news
eval: install
	$(BIN)/python -m monazite_producer.news_eval --title "Main corpus ($(NEWS_DATA)/corpus)" \
		--corpus $(NEWS_DATA)/corpus --expected $(NEWS_DATA)/expected.jsonl
	@for dir in $(NEWS_DATA)/heldout*/ $(NEWS_DATA)/dev*/; do \
		name=$$(basename "$$dir"); expected="$(NEWS_DATA)/$${name}_expected.jsonl"; \
		case "$$name" in dev*) kind="Development set";; *) kind="Held-out set";; esac; \
		summary=""; \
		if grep -qx "$$name" $(NEWS_DATA)/unseen.txt 2>/dev/null; then \
			kind="Unseen held-out set (summary only)"; summary="--summary"; \
		fi; \
		if [ -f "$$expected" ]; then \
			echo; \
			$(BIN)/python -m monazite_producer.news_eval --corpus "$$dir" --expected "$$expected" \
				--title "$$kind: $$name" $$summary || exit 1; \
		fi; \
	done

## The sets nobody working on the rules has read, one row each and pooled: the honest measure.
eval-unseen: install
	$(BIN)/python -m monazite_producer.news_eval --unseen --data $(NEWS_DATA)

## Second, independent labellings of read sets against their first: what two careful readers
## agree on, the ceiling the extractor's scores are read against.
eval-agreement: install
	$(BIN)/python -m monazite_producer.news_eval --agreement --data $(NEWS_DATA)

clean:
	rm -rf $(VENV) .monazite .mypy_cache .ruff_cache
