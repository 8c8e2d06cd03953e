# Workflow of the original scaffold, for the Swift server. `make help` lists the targets.
# Everything here is a thin wrapper: the commands are the ones the README and docs name.

SHELL := /bin/sh
IMAGE ?= awesome-mcp-server:latest
HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
DOCC ?= docc
VENV ?= .venv
RELEASE_FLAGS := -c release --static-swift-stdlib --product mcp-server -Xlinker --strip-debug --traits OAuth,PostgreSQL,TLS \
	-Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
	-Xlinker --symbol-ordering-file=deploy/docker/code-order.txt -Xlinker --no-warn-symbol-ordering
# As the Dockerfile does: the macro plug-in and swift-syntax (host tools) compiled without -O.
RELEASE_SWIFTC := SWIFT_EXEC="$(CURDIR)/deploy/docker/swiftc-unoptimised-host-tools"

.PHONY: help init install dev inspect test lint format build ceiling run docker-build docker-run health info bench docs clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

init: ## Create .env from env.example (an existing .env is kept)
	@if [ -e .env ]; then echo ".env exists; left as it is"; else cp env.example .env && echo "created .env from env.example"; fi

install: ## Resolve Swift packages; venv with the official MCP SDK for the interop tests
	swift package resolve
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet 'mcp==2.3.0' openapi-spec-validator pyyaml

dev: ## Development server: rebuild and restart when Sources/ changes
	swift run mcp-server dev

inspect: ## Development server with the demo tools; open the inspector page it prints
	@echo "inspector: http://$(HOST):$(PORT)/inspector (the status page is http://$(HOST):$(PORT)/)"
	ENVIRONMENT=development INSPECTOR=true ENABLE_DEMO_TOOLS=true HOST=$(HOST) PORT=$(PORT) swift run mcp-server

test: ## The tests (what the README names)
	swift test

lint: ## swift-format (strict) and shellcheck on the shell scripts
	swift format lint --strict -r Sources Tests Examples Package.swift
	shellcheck deploy/docker/docker-entrypoint.sh deploy/docker/swiftc-unoptimised-host-tools bench/run.sh .ci/run Templates/server/.ci/run

format: ## Format the Swift sources in place
	swift format -i -r --parallel Sources Tests Examples Package.swift

build: ## Release binary, built like the Docker image builds it
	$(RELEASE_SWIFTC) swift build $(RELEASE_FLAGS)

ceiling: ## The benchmark's Hummingbird ceiling, with the release binary's flags (reuses its build)
	$(RELEASE_SWIFTC) swift build $(subst --product mcp-server,--product HBCeiling,$(RELEASE_FLAGS))

run: build ## Run the release binary in production mode (workers, JSON logs)
	ENVIRONMENT=production HOST=$(HOST) PORT=$(PORT) .build/release/mcp-server

docker-build: ## Build the image (needs a Docker engine)
	docker build -t $(IMAGE) .

docker-run: ## Run the image on port $(PORT)
	docker run --rm -p $(PORT):8000 --cpus 2 --memory 512m $(IMAGE)

health: ## Ask a running server for /health and /ready
	@curl -fsS http://$(HOST):$(PORT)/health && echo
	@curl -fsS http://$(HOST):$(PORT)/ready && echo

info: ## What a running server is: /info and the worker count it would use here
	@curl -fsS http://$(HOST):$(PORT)/info && echo
	@if [ -x .build/release/mcp-server ]; then .build/release/mcp-server workers --explain; \
	else swift run mcp-server workers --explain; fi

bench: ## Side-by-side load test against the Python peer (DURATION=seconds)
	bench/run.sh

docs: ## Render the DocC catalogue (API and the guide, English and Chinese) into .build/docs
	swift build --target MCPCore
	rm -rf .build/symbol-graphs && mkdir -p .build/symbol-graphs
	swift symbolgraph-extract -module-name MCPCore -I "$$(swift build --show-bin-path)/Modules" \
		-minimum-access-level public -output-dir .build/symbol-graphs
	$(DOCC) convert Sources/MCPCore/MCPCore.docc --additional-symbol-graph-dir .build/symbol-graphs \
		--output-path .build/docs
	@echo "docs: .build/docs — python3 -m http.server -d .build/docs 8080, then open" \
		"http://127.0.0.1:8080/documentation/mcpcore/"

clean: ## Remove build products
	swift package clean
