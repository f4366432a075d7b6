# The kata's commands; the README documents each one. The first run creates .venv and
# installs the project into it, so a fresh clone needs nothing but `make`.
#
#   make check day3                 grade Day 3 (also: day03, 3, an exercise id, all)
#   make check day3 IMPL=solutions  grade the reference, or IMPL=path/to/submission
#   make hint day03.affine_backward make progress   make compare day3   make plots day3
#   make watch day3                 make verify     make test           make bench   make clean

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
IMPL   ?= exercises
KATA   := $(PY) -m grader

# `make check day3`: the words after the command are its arguments, not targets.
WITH_ARGS := check hint compare plots watch verify
ifneq ($(filter $(firstword $(MAKECMDGOALS)),$(WITH_ARGS)),)
  ARGS := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
  ifneq ($(ARGS),)
    $(eval $(ARGS):;@:)
  endif
endif

.DEFAULT_GOAL := help
.PHONY: help check hint progress compare plots watch capstone verify test grade gradescope bench clean

help:
	@echo "make check day1      grade a day (or an exercise id, or all); IMPL=solutions grades the reference"
	@echo "make hint ID         the next hint for an exercise (no ID: your next unfinished exercise)"
	@echo "make progress        the whole course, from your last checks"
	@echo "make compare day1    your outputs vs the reference's on the same inputs"
	@echo "make plots day1      draw a day's figures with your code (reports/figures/)"
	@echo "make watch day1      re-check every time you save"
	@echo "make capstone        train your capstone on the full MNIST; deliverables in reports/capstone/"
	@echo "make verify          maintainers: the kata proves itself (stubs, solutions, checks, catalog)"
	@echo "make test            maintainers: the linter, the project's own tests, then verify"
	@echo "make grade SUBMISSIONS=dir  instructors: grade a class (one folder or zip per learner)"
	@echo "make gradescope      instructors: build dist/autograder.zip for Gradescope (EXTRA=dir: hidden checks)"
	@echo "make bench           benchmarks: each day's checks, class grading, the capstone vs PyTorch"
	@echo "make clean           remove .venv and caches (keeps reports/ and your progress in .kata/)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || \
	  { echo "error: the kata needs Python 3.10 or newer as '$(PYTHON)'; run: make PYTHON=python3.11 ..." >&2; exit 2; }
	@echo "Setting up $(VENV) (first run only, about a minute)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# For the learner's loop, exit status 1 ("not everything passes yet") is not an error of make;
# scripts that need it call the grader directly (.venv/bin/kata check ...).
check: $(STAMP)
	@$(KATA) check $(or $(ARGS),all) --impl $(IMPL) $(FLAGS) || [ $$? -eq 1 ]

hint: $(STAMP)
	@$(KATA) hint $(ARGS)

progress: $(STAMP)
	@$(KATA) progress

compare: $(STAMP)
	@$(KATA) compare $(or $(ARGS),all) --impl $(IMPL) || [ $$? -eq 1 ]

plots: $(STAMP)
	@$(KATA) plots $(or $(ARGS),all) --impl $(IMPL) || [ $$? -eq 1 ]

watch: $(STAMP)
	@$(KATA) watch $(ARGS) --impl $(IMPL)

verify: $(STAMP)
	@$(KATA) verify $(ARGS)

test: $(STAMP)
	@$(PY) -m ruff check .
	@$(PY) -m pytest
	@$(KATA) verify

capstone: $(STAMP)
	@$(KATA) capstone --impl $(IMPL) $(FLAGS)

grade: $(STAMP)
	@$(KATA) grade $(or $(SUBMISSIONS),$(error give the class folder: make grade SUBMISSIONS=path/to/submissions)) $(FLAGS)

gradescope: $(STAMP)
	@$(KATA) gradescope $(if $(EXTRA),--extra $(EXTRA))

bench: $(STAMP)
	@$(KATA) bench $(FLAGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
