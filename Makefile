# zava: two commands to know. `make run` sets everything up (idempotently) and opens the REPL;
# `make test` runs the whole test suite against real PostgreSQL 18 + pgvector.
SHELL := /bin/bash
SWIFT ?= swift
ZAVA_HOME ?= $(CURDIR)/.zava
export ZAVA_HOME

.PHONY: run test build release bootstrap bench clean-db image image-test image-clean

run: bootstrap release
	./.build/release/zava $(ARGS)

# The fast tier (no PostgreSQL, Python or tmux) first, then the integration tier; see scripts/test.sh.
test: build release
	@bash scripts/bootstrap.sh --test
	SWIFT=$(SWIFT) bash scripts/test.sh

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	$(SWIFT) build

# The release binary is rebuilt only when a source changed: a no-op `make run` never waits
# for SwiftPM (nor for another build holding .build's lock), and reaches the prompt in a second.
RELEASE_INPUTS := Package.swift $(wildcard Package.resolved) $(shell find Sources Packages -type f 2>/dev/null)

release: .build/release/zava

.build/release/zava: $(RELEASE_INPUTS) | bootstrap
	$(SWIFT) build -c release --product zava
	@touch $@

bench: release
	$(SWIFT) build -c release --product zava-bench
	$(SWIFT) build -c release --product minilm-bench
	bash bench/run.sh

clean-db:
	-./.build/release/zava db stop
	rm -rf $(ZAVA_HOME)/data $(ZAVA_HOME)/run $(ZAVA_HOME)/log $(ZAVA_HOME)/cluster.json $(ZAVA_HOME)/pgpass

# The container image (docs/deploy.md): podman here, base images made locally with debootstrap,
# zava built from source in the image's build stage. `image-test` runs it against PostgreSQL 18 +
# pgvector in a second container, drives it with the Python MCP client, then runs compose.yaml.
image: bootstrap
	bash scripts/image.sh

image-test: image
	@bash scripts/bootstrap.sh --test
	bash scripts/image-test.sh
	bash scripts/compose-test.sh

# Everything `make image` stored (images, layers, the Debian tarball): several GB with vfs.
image-clean:
	-bash -c 'source scripts/podman-env.sh && podman_setup && podman system reset -f'
	rm -rf $(ZAVA_HOME)/image
