# AK1 Denpasar. `make run` starts everything locally; `make test` runs every check CI runs.
GO      ?= go
FUZZTIME ?= 5s

.PHONY: all build run test deps vet fmt-check unit fuzz bench clean

all: build

build:
	$(GO) build -o bin/ak1-server ./server

run: build
	AK1_DEMO=true ./bin/ak1-server

deps:
	bash .ci/deps.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l server agent views static); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -count=1 ./...

# Each fuzz target runs on its own for FUZZTIME (go test -fuzz takes one target at a time).
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParseNIK$$' -fuzztime=$(FUZZTIME) ./server/domain
	$(GO) test -run='^$$' -fuzz='^FuzzFormDecode$$' -fuzztime=$(FUZZTIME) ./server/domain

test: deps vet fmt-check unit fuzz

bench:
	$(GO) test -run='^$$' -bench=. -benchtime=2s ./server/...

clean:
	rm -rf bin
