# AK1 Denpasar. `make run` starts everything locally; `make test` runs every check CI runs.
GO       ?= go
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all build run test deps cups vet fmt-check unit fuzz bench bench-scale agent-latency clean

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
	$(GO) test -run='^$$' -fuzz='^FuzzVerify$$' -fuzztime=150000x ./server/card
	$(GO) test -run='^$$' -fuzz='^FuzzPhotoHeader$$' -fuzztime=20000x ./server/web
	$(GO) test -run='^$$' -fuzz='^FuzzParseLine$$' -fuzztime=300000x ./agent/internal/journal

test: deps cups vet fmt-check unit fuzz

bench:
	$(GO) test -run='^$$' -bench=. -benchtime=2s ./server/...
	$(MAKE) bench-scale

# Every screen at 1,000 and at 1,000,000 applications (issue 11), written into docs/benchmarks.md.
# The first run generates the large database (minutes) and keeps it in $$AK1_SCALE_CACHE (default:
# the temp folder) for later runs.
bench-scale:
	AK1_SCALE=1 AK1_SCALE_DOC=$(CURDIR)/docs/benchmarks.md $(GO) test -run='^$$' -bench='^BenchmarkScale$$' -benchtime=100x -timeout 60m ./server/web

# Approval-to-CUPS latency with an idle agent and the real CUPS queue.
agent-latency: cups
	$(GO) test -count=1 -run '^TestClaimToCUPSLatency$$' -v ./agent/

clean:
	rm -rf bin
