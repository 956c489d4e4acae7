# AK1 Denpasar. `make run` starts everything locally; `make test` runs every check CI runs.
GO       ?= go
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all build run test deps cups vet fmt-check unit fuzz bench bench-card bench-storage bench-load bench-latency bench-ipk bench-go bench-scale agent-latency clean

all: build

build:
	$(GO) build -o bin/ak1-server ./server
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/ak1-agent ./agent

# Server and a local print agent with a file "printer" (cards land in data/cetak/), demo accounts
# printed on the console. Ctrl-C stops both.
run: build
	bash server/scripts/run-local.sh

# Debian packages for the tests (Chromium, poppler), installed only when missing.
deps:
	bash .ci/deps.sh

# A real CUPS with the cups-pdf virtual printer AK1-PDF, started when not running.
cups:
	bash .ci/cups.sh >/dev/null

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l server agent views static); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit:
	set -a && eval "$$(bash .ci/cups.sh 2>/dev/null)" && set +a && $(GO) test -race -count=1 -timeout 20m ./...

# Each fuzz target runs on its own (go test -fuzz takes one target at a time) for a fixed number of
# inputs, about 5 s each here: a time limit (-fuzztime=5s) sometimes ends the run with "context
# deadline exceeded" while the fuzzer is still shrinking a new input, failing a clean run.
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParseNIK$$' -fuzztime=200000x ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzFormDecode$$' -fuzztime=25000x ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzParsePrintOptions$$' -fuzztime=150000x ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzParseFigure$$' -fuzztime=50000x ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzKioskHolderInput$$' -fuzztime=50000x ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzCleanStoredJSON$$' -fuzztime=60000x ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzVerify$$' -fuzztime=150000x ./server/card
	$(GO) test -run='^$$' -fuzz='^FuzzPhotoHeader$$' -fuzztime=20000x ./server/web
	$(GO) test -run='^$$' -fuzz='^FuzzParseLine$$' -fuzztime=300000x ./agent/internal/journal

test: deps cups vet fmt-check unit fuzz

# One table of the figures that matter, printed and written into docs/benchmarks.md (about 5 minutes
# on 2 cores). Each piece appends rows (what, figure, aim, command, conditions) to $(BENCH_ROWS);
# another measurement joins with its own target and BENCH_PIECES += its-target.
BENCH_ROWS   := bin/bench/rows.tsv
BENCH_PIECES := bench-card bench-storage bench-load bench-latency bench-ipk
BENCHTABLE   := $(GO) run ./server/internal/benchtable

bench:
	@rm -rf bin/bench && mkdir -p bin/bench
	@cut -d' ' -f1-3 /proc/loadavg > bin/bench/load-at-start
	$(MAKE) --no-print-directory $(BENCH_PIECES)
	@$(BENCHTABLE) render -rows $(BENCH_ROWS) -doc docs/benchmarks.md \
		-note "Load average when it started: $$(cat bin/bench/load-at-start) (other work on the machine shows in every figure)."

bench-card:
	@mkdir -p bin/bench
	$(GO) test -run='^$$' -bench='^BenchmarkRender(PDF|PNG)StoredPhoto$$' -benchtime=200x -count=5 ./server/card > bin/bench/card.txt; \
		status=$$?; cat bin/bench/card.txt; exit $$status
	@$(BENCHTABLE) gobench -rows $(BENCH_ROWS) -in bin/bench/card.txt \
		-cmd "go test -run='^\$$' -bench='^BenchmarkRender(PDF|PNG)StoredPhoto\$$' -benchtime=200x -count=5 ./server/card" \
		-cond "sample card with the photo as stored (354×472 JPEG), one goroutine" \
		'BenchmarkRenderPDFStoredPhoto|ns/op|card PDF render (2 CR80 pages, photo, QR, barcode)|< 5 ms' \
		'BenchmarkRenderPDFStoredPhoto|cpu-ms/op|card PDF render: CPU time (counts no wait for a busy core)|' \
		'BenchmarkRenderPNGStoredPhoto|ns/op|card PNG preview (one face, 1011×638)|< 20 ms' \
		'BenchmarkRenderPNGStoredPhoto|cpu-ms/op|card PNG preview: CPU time (counts no wait for a busy core)|'

bench-storage:
	@mkdir -p bin/bench
	$(GO) test -run='^$$' -bench='^BenchmarkSubmitApplication$$' -benchtime=3000x -count=3 ./server/storage > bin/bench/storage.txt; \
		status=$$?; cat bin/bench/storage.txt; exit $$status
	@$(BENCHTABLE) gobench -rows $(BENCH_ROWS) -in bin/bench/storage.txt \
		-cmd "go test -run='^\$$' -bench='^BenchmarkSubmitApplication\$$' -benchtime=3000x -count=3 ./server/storage" \
		-cond "SQLite file (WAL, synchronous=NORMAL), 8 goroutines submitting at once" \
		'BenchmarkSubmitApplication|submissions/s|kiosk submissions into SQLite|'

# The monthly IPK report over 1,000,000 applications; generating them takes about 3 minutes.
bench-ipk:
	@mkdir -p bin/bench
	$(GO) test -run='^$$' -bench='^BenchmarkIPKMonth$$' -benchtime=5x -timeout 30m ./server/storage > bin/bench/ipk.txt; \
		status=$$?; cat bin/bench/ipk.txt; exit $$status
	@$(BENCHTABLE) gobench -rows $(BENCH_ROWS) -in bin/bench/ipk.txt \
		-cmd "go test -run='^\$$' -bench='^BenchmarkIPKMonth\$$' -benchtime=5x ./server/storage" \
		-cond "1,000,000 applications registered 2019–2026 through the production triggers (147,000 still registered in the month), SQLite file" \
		'BenchmarkIPKMonth/report|ns/op|IPK report of a month (III/1–III/8) over 1,000,000 applications|< 2 s' \
		'BenchmarkIPKMonth/report|cpu-ms/op|IPK report of a month: CPU time (counts no wait for a busy core)|' \
		'BenchmarkIPKMonth/people|ns/op|people behind the largest IPK figure (147,000), first page|'

bench-load:
	@mkdir -p bin/bench
	AK1_BENCH_OUT=$(CURDIR)/$(BENCH_ROWS) $(GO) test -count=1 -timeout 10m -v -run '^TestLoadBench$$' ./server/e2e

# Approval to CUPS needs the real CUPS (.ci/cups.sh, as root); without it the table says so.
bench-latency:
	@mkdir -p bin/bench
	@if cups_env=$$(bash .ci/cups.sh 2>/dev/null); then \
		set -a; eval "$$cups_env"; set +a; \
		AK1_LATENCY=1 AK1_BENCH_OUT=$(CURDIR)/$(BENCH_ROWS) $(GO) test -count=1 -v -run '^TestApprovalToCUPSLatency$$' ./server/e2e; \
	else \
		$(BENCHTABLE) row -rows $(BENCH_ROWS) "approval to CUPS" "not measured: CUPS could not be set up here (.ci/cups.sh needs root)" "p99 < 1 s" "make bench-latency" ""; \
	fi

# Every Go benchmark of the server (kiosk step under 200 kiosks and others; see docs/benchmarks.md).
bench-go:
	$(GO) test -run='^$$' -bench=. -benchtime=2s ./server/...

# Every screen at 1,000 and at 1,000,000 applications (issue 11): its own two-column table in
# docs/benchmarks.md, and a row in make bench's. The first run generates the large database
# (minutes) and keeps it in $$AK1_SCALE_CACHE (default: the temp folder) for later runs.
BENCH_PIECES += bench-scale
bench-scale:
	@mkdir -p bin/bench
	AK1_SCALE=1 AK1_SCALE_DOC=$(CURDIR)/docs/benchmarks.md $(GO) test -run='^$$' -bench='^BenchmarkScale$$' -benchtime=100x -timeout 60m ./server/web
	@$(BENCHTABLE) row -rows $(BENCH_ROWS) "desk, lobby, kiosk and print queue at 1,000,000 applications" \
		"see \"Every screen at 1,000 and at 1,000,000 applications\"" "median < 20 ms, RSS < 150 MB" "make bench-scale" \
		"generated database (storage/gen), server process of its own, loopback, one request at a time"

# Approval-to-CUPS latency with an idle agent and the real CUPS queue.
agent-latency: cups
	$(GO) test -count=1 -run '^TestClaimToCUPSLatency$$' -v ./agent/

clean:
	rm -rf bin
