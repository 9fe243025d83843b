# ldcli — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LDCLI  := $(VENV)/bin/ldcli
STAMP  := $(VENV)/.installed-stamp
DEMO_DB := demo/ldcli.db
TMPDIR_BASE ?= /tmp

.PHONY: demo test test-sqlite test-postgres test-slow lint docs screenshots bench mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,postgres]"
	touch $(STAMP)

## demo: set up, load the sample force into a new SQLite database, run the month's main jobs (PLT,
## requests and repayments, mandatory training, placements, cadets) and
## write the documents (board and compliance pages, the PLT calendar, a terms and a repayment letter)
## The sample's story runs through the winter of 2026/27: the demo fixes today's date (the global
## --as-of, env LDCLI_AS_OF) so its month is still to come; `make demo LDCLI_AS_OF=…` moves it.
demo: export LDCLI_AS_OF ?= 2026-12-07
demo: $(STAMP)
	rm -rf demo && mkdir -p demo
	$(LDCLI) --db $(DEMO_DB) sample load sample_data
	$(LDCLI) --db $(DEMO_DB) plt allocate --month 2027-03
	$(LDCLI) --db $(DEMO_DB) plt markers --month 2027-03 --team "Response North A"
	$(LDCLI) --db $(DEMO_DB) plt report --month 2027-03 --team "Response South B"
	$(LDCLI) --db $(DEMO_DB) repay calc 100182 --leave-date 2026-12-15 --reason retirement --final-pay-gbp 3000
	$(LDCLI) --db $(DEMO_DB) repay batch sample_data/leavers.csv
	$(LDCLI) --db $(DEMO_DB) request budget show --year 2026
	$(LDCLI) --db $(DEMO_DB) request payment void 8 --reason "keyed against the wrong request"
	$(LDCLI) --db $(DEMO_DB) request budget show --year 2026
	$(LDCLI) --db $(DEMO_DB) training compliance --by team
	$(LDCLI) --db $(DEMO_DB) training matrix --team "Response North A"
	$(LDCLI) --db $(DEMO_DB) training overdue --by-manager --format csv
	$(LDCLI) --db $(DEMO_DB) training record 100182
	$(LDCLI) --db $(DEMO_DB) people buddy list --unassigned
	$(LDCLI) --db $(DEMO_DB) placement calendar --from 2027-01-25 --to 2027-02-14
	$(LDCLI) --db $(DEMO_DB) placement insight-day list
	$(LDCLI) --db $(DEMO_DB) cadet dashboard --as-of 2019-12-17
	$(LDCLI) --db $(DEMO_DB) cadet trend --from 2019-03 --to 2019-11
	$(LDCLI) --db $(DEMO_DB) cadet dashboard --as-of 2019-12-17 -o demo/board.html
	$(LDCLI) --db $(DEMO_DB) plt compliance --from 2027-03 --to 2027-03 -o demo/compliance.html
	$(LDCLI) --db $(DEMO_DB) plt markers --month 2027-03 --format ics -o demo/plt.ics
	$(LDCLI) --db $(DEMO_DB) request terms-letter 18 -o demo/terms-letter.html
	$(LDCLI) --db $(DEMO_DB) repay letter 100182 --leave-date 2026-12-15 --reason retirement --final-pay-gbp 3000 -o demo/repay-letter.txt
	$(LDCLI) --db $(DEMO_DB) db check
	@echo "demo database: $(DEMO_DB)  (try: $(LDCLI) --db $(DEMO_DB) plt markers --month 2027-03)"
	@echo "documents: demo/board.html demo/compliance.html demo/plt.ics demo/terms-letter.html demo/repay-letter.txt"

## test: set up and run the whole suite on SQLite and, at the same time, on a throwaway PostgreSQL
## (each in its own temporary folder; the output of each is printed whole when it ends), all but the
## heavy tests (`make test-slow`, which CI runs too)
test: $(STAMP)
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-browser.sh
	bash scripts/ensure-office.sh
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(PY) -m pytest -m "not heavy" --basetemp=$(TMPDIR_BASE)/ldcli-test-sqlite

test-postgres: $(STAMP)
	bash scripts/ensure-postgres.sh
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest -m "not slow and not heavy" --basetemp=$(TMPDIR_BASE)/ldcli-test-postgres

## test-slow: the heavy tests, tens of seconds to minutes each (millions of rows, processes killed
## mid-write, many processes racing, the README run end to end, a wheel install), on both engines
test-slow: $(STAMP)
	bash scripts/ensure-postgres.sh
	$(PY) -m pytest -m heavy --basetemp=$(TMPDIR_BASE)/ldcli-test-slow-sqlite
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest -m "heavy and not slow" --basetemp=$(TMPDIR_BASE)/ldcli-test-slow-postgres

lint: $(STAMP)
	$(VENV)/bin/ruff check ldcli migrations tests scripts bench
	$(PY) -m pytest -q tests/test_layers.py

docs: $(STAMP)
	$(PY) scripts/gen_cli_docs.py > docs/cli.md

## screenshots: the pictures of the board and compliance pages in docs/ (needs chromium)
screenshots: $(STAMP)
	bash scripts/ensure-browser.sh
	$(PY) scripts/screenshots.py docs

bench: $(STAMP)
	$(PY) bench/startup.py
	$(PY) bench/plt.py
	$(PY) bench/repay.py
	$(PY) bench/audit.py
	$(PY) bench/training.py
	@if $(PY) scripts/with_postgres.py --check 2>/dev/null; then \
	  $(PY) scripts/with_postgres.py -- $(PY) bench/postgres.py; \
	else echo "PostgreSQL rows skipped: no PostgreSQL server binaries (scripts/ensure-postgres.sh installs them)"; fi

## mutation: mutation testing of ldcli/domain/ with mutmut (slow; not part of `make test`), then each
## module's score, killed / run. From scratch each time; `make mutation MUTANTS='ldcli.domain.money.*'`
## reruns only those mutants, keeping the other results.
mutation: $(STAMP)
	$(if $(MUTANTS),,rm -rf mutants)
	$(VENV)/bin/mutmut run $(foreach m,$(MUTANTS),'$(m)')
	$(PY) scripts/mutation_scores.py --survivors

clean:
	rm -rf $(VENV) demo build *.egg-info
