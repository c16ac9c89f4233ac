# The seed's walkthrough on a real Kubernetes cluster (tests/cluster/, see k8s/README.md).
#   make test-cluster   production images (`make image-tars`) + test-only MariaDB/NSQ images on the
#                       cluster behind KUBECONFIG, or on ../shared/k8s/cluster.sh started (and stopped)
#                       for the test; walkthrough, rolling updates, canary, pod kills; a results table
CLUSTER_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
CLUSTER_VENV := $(CLUSTER_ROOT)/.cache/cluster-venv
REGISTRY ?= face-pipeline
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git -C $(CLUSTER_ROOT) describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
endif
PYTHON3 ?= python3

# Part of `make test`: about 7 minutes on 2 cores once `make image-tars` has run (cluster up 25 s, test
# images 5 s, loading the tars, 6 min of walkthrough and table, down 4 s); image-tars needs `make release`.
TEST_TARGETS += test-cluster

.PHONY: test-cluster

$(CLUSTER_VENV)/.installed: $(CLUSTER_ROOT)/mk/cluster.mk
	rm -rf $(CLUSTER_VENV) && $(PYTHON3) -m venv $(CLUSTER_VENV)
	$(CLUSTER_VENV)/bin/pip install --quiet --disable-pip-version-check pytest==9.0.3
	touch $@

test-cluster: setup test-data image-tars $(CLUSTER_VENV)/.installed
	@REGISTRY='$(REGISTRY)' VERSION='$(VERSION)' PYTHON='$(CLUSTER_VENV)/bin/python' \
	  IMAGE_TARS_DIR='$(IMAGE_TARS_DIR)' $(CLUSTER_ROOT)/tests/cluster/run.sh
