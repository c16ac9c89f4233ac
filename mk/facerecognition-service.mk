# FaceRecognition service (gRPC server, gallery): extra test targets.
#   make fr-python-client-test   the sample's Python client (generated from face.proto with grpcio-tools)
#                                against a real face-recognition process over a private MariaDB
# The Swift tests (FaceGalleryTests, FaceRecognitionServerTests) run with `make test` like every package.

FRS_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)

TEST_TARGETS += fr-python-client-test

.PHONY: fr-python-client-test

# The script installs grpcio, grpcio-tools and pytest into a venv under .cache/ (Debian's system
# Python is externally managed) before running the client.
fr-python-client-test:
	@$(FRS_ROOT)/FaceRecognition/tests-python/run-client-test.sh
