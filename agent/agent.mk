# Print-station agent targets. The top-level Makefile includes this file:
#     include agent/agent.mk
# and runs `cups` before `unit` in `test`, and `agent-fuzz` with the other fuzz targets.
GO       ?= go
FUZZTIME ?= 5s

.PHONY: agent-build agent-run cups agent-test agent-fuzz agent-latency

agent-build:
	$(GO) build -ldflags "-X main.version=$$(git describe --always --dirty 2>/dev/null || echo dev)" -o bin/ak1-agent ./agent

# Without a printer: cards land as data/print-out/ak1-job-<id>.pdf. AK1_TOKEN must be a
# station token known to the server; dev-station-token is only a placeholder default.
agent-run: agent-build
	AK1_SERVER=$${AK1_SERVER:-http://127.0.0.1:8080} \
	AK1_TOKEN=$${AK1_TOKEN:-dev-station-token} \
	AK1_PRINTER=$${AK1_PRINTER:-file:data/print-out} \
	AK1_JOURNAL=$${AK1_JOURNAL:-data/agent-journal} \
	./bin/ak1-agent

# Real CUPS with the cups-pdf queue AK1-PDF (root; installs packages when missing). Tests read
# the same defaults, so exporting the printed lines is only needed when overriding them.
cups:
	bash .ci/cups.sh

agent-test: cups
	set -a && eval "$$(bash .ci/cups.sh 2>/dev/null)" && set +a && $(GO) test -race -count=1 ./agent/...

agent-fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzParseLine$$' -fuzztime=$(FUZZTIME) ./agent/internal/journal

agent-latency: cups
	$(GO) test -count=1 -run '^TestClaimToCUPSLatency$$' -v ./agent/
