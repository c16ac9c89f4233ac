# FaceRecognition: gRPC server (port 50051, native gRPC health) over dlib; admin HTTP on 8082.
# Build context is staged by scripts/images-build.sh: bin/face-recognition (prebuilt release binary)
# and models/ (the dlib .dat files from .cache/models, fetched by scripts/fetch-test-data.sh).
# MODELS_DIR is the service's setting; FACE_MODELS_DIR is what the FaceEngine library reads directly.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Same first layer as the other images, then dlib's runtime (libdlib19.1 is Debian 12's runtime
# package of libdlib-dev) with OpenBLAS/LAPACK and the JPEG/PNG decoders dlib loads images with.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmariadb3 libstdc++6 libgcc-s1 tzdata \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0-pthread liblapack3 libjpeg62-turbo libpng16-16 libdlib19.1 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /usr/share/dlib

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
 && install -d -o 10001 -g 10001 /data/images /data/known-people

COPY models/ /opt/face-recognition/models/
COPY bin/face-recognition /usr/local/bin/face-recognition

# Metadata last: the layers above stay cached across versions and shared between images.
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="face-recognition" \
      org.opencontainers.image.description="Face pipeline recognizer: dlib HOG + ResNet descriptors over gRPC" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

ENV LOG_FORMAT=json \
    IMAGE_ROOT=/data/images \
    MODELS_DIR=/opt/face-recognition/models \
    FACE_MODELS_DIR=/opt/face-recognition/models \
    KNOWN_PEOPLE_DIR=/data/known-people \
    GRPC_ADDRESS=0.0.0.0:50051 \
    ADMIN_ADDRESS=0.0.0.0:8082 \
    DRAIN_SECONDS=5
USER 10001:10001
WORKDIR /data
EXPOSE 50051 8082
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/face-recognition"]
