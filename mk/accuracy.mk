# LFW View 1 accuracy of the face-recognition service through its v2 gRPC API (a benchmark, not a test).
#   make accuracy   release build of face-recognition, a private MariaDB, the server on LFW View 1's photos
#                   (LFW_VIEW1_DIR, default ../shared/data/lfw-view1), report printed and kept in
#                   .build-logs/accuracy-bench.txt (per-photo faces in .build-logs/accuracy-photos.json)
#   make accuracy ACCURACY_SERVER_ARGS="--cnn-fallback-max-side 0" ACCURACY_LABEL=hog-only
#                   the same without the CNN fallback (HOG alone, the sample's pipeline)
#   make accuracy ACCURACY_SERVER_ARGS="--mirror-average 0" ACCURACY_LABEL=plain
#                   the sample's plain descriptors (version 1) instead of the default mirror-averaged ones
# FR_BINARY=path uses an already built server. ~5,000 photos: a few CPU-minutes.

ACC_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
ACCURACY_SERVER_ARGS ?=
ACCURACY_LABEL ?=

BENCH_TARGETS += accuracy

.PHONY: accuracy

accuracy: fr-test-data
	@ACCURACY_SERVER_ARGS="$(ACCURACY_SERVER_ARGS)" ACCURACY_LABEL="$(ACCURACY_LABEL)" \
	  $(ACC_ROOT)/FaceRecognition/accuracy/run-lfw-accuracy.sh
