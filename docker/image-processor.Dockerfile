# ImageProcessor: queue consumer that asks FaceRecognition (gRPC) about each image.
# Admin HTTP (/healthz /readyz /metrics) on port 8081.
# Build context is staged by scripts/images-build.sh: bin/image-processor (prebuilt release binary).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Identical first layers in every image: stored once on a node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmariadb3 libstdc++6 libgcc-s1 tzdata \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
 && install -d -o 10001 -g 10001 /data/images

COPY bin/image-processor /usr/local/bin/image-processor

# Metadata last: the layers above stay cached across versions and shared between images.
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="image-processor" \
      org.opencontainers.image.description="Face pipeline image processor: queue consumer and gRPC client" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

ENV LOG_FORMAT=json \
    IMAGE_ROOT=/data/images \
    DRAIN_SECONDS=5
USER 10001:10001
WORKDIR /data
EXPOSE 8081
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/image-processor"]
