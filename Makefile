# ligerdata — build, test and demo targets. Two commands matter:
#   make demo   runs every pipeline on the recorded data, then serves the site
#   make test   runs the test suite
GO      ?= go
BIN     := bin/ligerdata
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
PKGS    := ./...
# duckdb-go compiles its Arrow interface (used by the indicators engine) only
# with this build tag; GOFLAGS keeps whatever `go env` already sets.
export GOFLAGS := $(shell $(GO) env GOFLAGS) -tags=duckdb_arrow

.PHONY: all linkdir build test race lint demo bench docs fuzz crash faults clean

all: build

# DuckDB is C++ and duckdb-go asks the linker for -lstdc++. LINKDIR offers
# it first: the static archive when the machine has it (g++ installed), so
# that the binary needs nothing but glibc (libc, libm) at run time; else the
# runtime library libstdc++.so.6, which every Debian system has (apt needs
# it), so that a machine with only Go, gcc, make and git builds too (the
# binary then also loads libstdc++.so.6). LIBSTDCXX=shared forces the latter.
LINKDIR   := $(CURDIR)/bin/.link
LIBSTDCXX ?= auto
export CGO_LDFLAGS := $(CGO_LDFLAGS) -L$(LINKDIR)
linkdir:
	@mkdir -p $(LINKDIR); rm -f $(LINKDIR)/libstdc++.*; \
	a="$$($(CC) -print-file-name=libstdc++.a)"; \
	if [ "$(LIBSTDCXX)" != shared ] && [ -f "$$a" ]; then ln -s "$$a" $(LINKDIR)/libstdc++.a; \
	else ln -s "$$($(CC) -print-file-name=libstdc++.so.6)" $(LINKDIR)/libstdc++.so; fi

build: linkdir
	$(GO) build -ldflags '$(LDFLAGS) -extldflags "-static-libgcc"' -o $(BIN) ./cmd/ligerdata

# The whole suite, with the race detector: connectors against recorded
# responses, the engine, publication, and the site in headless Chromium.
test: linkdir
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

# N runs killed with SIGKILL at random points, each followed by a run and a
# consistency check (CRASH_TRIALS=100 make crash); prints the figures.
CRASH_TRIALS ?= 20
crash: linkdir
	LIGERDATA_CRASH_TRIALS=$(CRASH_TRIALS) $(GO) test -count=1 -timeout 30m -run '^TestCrashTrials$$' -v ./cmd/ligerdata

# Every connector that reads over HTTP, run through its pipeline against a
# server replaying its recordings with one fault at a time (connection
# reset, 503 then OK, 429 + Retry-After, slow body, truncated body, HTML
# page, invalid encoding, gzip bomb, repeated page, schema drift), each
# followed by a clean run; prints a table of outcomes and the figures.
faults: linkdir
	LIGERDATA_FAULT_TRIALS=1 $(GO) test -count=1 -timeout 30m -run '^TestFaultTrials$$' -v ./pipelines

lint: build
	@test -z "$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go'))" || { gofmt -l $$(git ls-files -co --exclude-standard '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)
	./$(BIN) lint
	./$(BIN) connectors --markdown | diff -u docs/connectors.md - || { echo "docs/connectors.md is stale: run make docs"; exit 1; }

demo: build
	./$(BIN) demo --store data --replay testdata/replay

docs: build
	./$(BIN) connectors --markdown > docs/connectors.md

# What users run, against DuckDB in the same run: `ligerdata run` end to end
# (first release, 1 % of rows changed, unchanged) on generated files served on
# 127.0.0.1, then validation + publication called as a library, then the
# site under load, then every indicator computed on the demo data (time and
# peak RSS of `ligerdata indicators --force`). About 15 minutes on 2 idle cores with the default sizes;
# BENCH_ROWS=200000 make bench takes about 2. BENCH_REPEAT runs each
# measurement several times and prints medians.
BENCH_ROWS   ?= 1000000,5000000
BENCH_REPEAT ?= 1
comma := ,
bench: build
	$(GO) run ./bench/runbench -rows $(BENCH_ROWS) -repeat $(BENCH_REPEAT)
	$(GO) run ./bench/publishbench -rows $(firstword $(subst $(comma), ,$(BENCH_ROWS)))
	$(GO) run ./bench/sitebench -datasets 500 -releases 20 -conns 50 -duration 5s
	$(GO) run ./bench/apibench -rows $(firstword $(subst $(comma), ,$(BENCH_ROWS))) -conns 8 -duration 5s
	$(GO) run ./bench/indicatorbench -repeat $(BENCH_REPEAT)

# A short run of every fuzz target (FUZZTIME=1m make fuzz for longer).
FUZZTIME ?= 15s
# Minimising a new corpus entry defaults to 60 s, longer than the run itself:
# bounded so that each target spends its time fuzzing.
FUZZMINTIME ?= 3s
# The packages whose fuzz targets run (FUZZPKGS=./schemas/... for one).
FUZZPKGS ?= ./...
fuzz: linkdir
	@n=0; execs=0; failed=""; out=$$(mktemp); \
	for pkg in $$($(GO) list $(FUZZPKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    n=$$((n+1)); echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) $$pkg > $$out 2>&1 || failed="$$failed $$pkg.$$f"; \
	    cat $$out; e=$$(grep -o 'execs: [0-9]*' $$out | tail -1 | cut -d' ' -f2); execs=$$((execs + $${e:-0})); \
	  done; \
	done; rm -f $$out; \
	echo "fuzz targets: $$n, executions: $$execs, failures: $$(echo $$failed | wc -w)$${failed:+ (}$$failed$${failed:+)}"; \
	test -z "$$failed"

clean:
	rm -rf bin data
