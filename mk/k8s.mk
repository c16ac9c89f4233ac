# Kubernetes manifests (k8s/) and the zero-downtime proof (tests/rolling/). See k8s/README.md.
#   make test-k8s        offline: kustomize render, kubernetes-validate --strict, policy tests
#   make deploy          kubectl apply -k k8s/overlays/$(OVERLAY) with images at $(VERSION)
#   make rollout-status  waits for the migrate Job and every Deployment/StatefulSet
#   make undeploy        kubectl delete -k k8s/overlays/$(OVERLAY)
#   make test-rolling    replaces two receivers behind HAProxy under load; 0 failures required

K8S_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
OVERLAY ?= minikube
KUBECTL ?= kubectl
REGISTRY ?= face-pipeline
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git -C $(K8S_ROOT) describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
endif
CANARY_VERSION ?= $(VERSION)
K8S_VERSIONS ?= 1.30.0 1.37.0
PYTHON3 ?= python3

K8S_VENV := $(K8S_ROOT)/.cache/k8s-venv
K8S_DEPLOY_ENV = OVERLAY='$(OVERLAY)' KUBECTL='$(KUBECTL)' REGISTRY='$(REGISTRY)' VERSION='$(VERSION)' \
                 CANARY_VERSION='$(CANARY_VERSION)'

# Both run in `make test`: test-k8s is offline (about 10 s), test-rolling uses real processes (about 30 s).
TEST_TARGETS += test-k8s test-rolling

.PHONY: test-k8s k8s-render deploy rollout-status undeploy minikube-load-images test-rolling

# kubernetes-validate ships its JSON schemas inside the package: validation needs no network.
$(K8S_VENV)/.installed: $(K8S_ROOT)/mk/k8s.mk
	rm -rf $(K8S_VENV) && $(PYTHON3) -m venv $(K8S_VENV)
	$(K8S_VENV)/bin/pip install --quiet --disable-pip-version-check \
	  kubernetes-validate==1.37.0 pytest==9.2.0 PyYAML==6.0.3
	touch $@

test-k8s: setup $(K8S_VENV)/.installed
	KUBECTL='$(KUBECTL)' PYTHON='$(K8S_VENV)/bin/python' K8S_VERSIONS='$(K8S_VERSIONS)' \
	  $(K8S_ROOT)/scripts/k8s-validate.sh

k8s-render:
	@$(K8S_DEPLOY_ENV) $(K8S_ROOT)/scripts/k8s-deploy.sh render

deploy:
	$(K8S_DEPLOY_ENV) $(K8S_ROOT)/scripts/k8s-deploy.sh apply

rollout-status:
	$(K8S_DEPLOY_ENV) $(K8S_ROOT)/scripts/k8s-deploy.sh status

undeploy:
	$(K8S_DEPLOY_ENV) $(K8S_ROOT)/scripts/k8s-deploy.sh delete

# Copies the locally built images into minikube's container runtime (no registry needed).
minikube-load-images:
	for name in receiver image-processor face-recognition frontend migrate; do \
	  minikube image load $(REGISTRY)/$$name:$(VERSION) || exit 1; done

# Zero-downtime proof with real processes (about 30 s). Uses the release binaries when present, else
# the debug ones (scripts/build-debug.sh, incremental). Needs Debian haproxy, mariadb-server, mariadb-client.
test-rolling: setup
	@if [ ! -x $(K8S_ROOT)/Release/.build/release/receiver ] || [ ! -x $(K8S_ROOT)/Release/.build/release/migrate ]; then \
	  $(K8S_ROOT)/scripts/build-debug.sh receiver migrate || exit 1; fi
	$(K8S_ROOT)/tests/rolling/run.sh
