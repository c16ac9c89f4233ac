# migrate: applies the schema migrations (SharedKit) and exits; run by the Kubernetes migration Job.
# Its own small image so the Job does not depend on any service's release cadence.
# Build context is staged by scripts/images-build.sh: bin/migrate (prebuilt release binary).
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

RUN apt-get update \
 && apt-get install -y --no-install-recommends libmariadb3 libstdc++6 libgcc-s1 tzdata \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
 && install -d -o 10001 -g 10001 /data/images

COPY bin/migrate /usr/local/bin/migrate

# Metadata last: the layers above stay cached across versions and shared between images.
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="migrate" \
      org.opencontainers.image.description="Face pipeline schema migrations (run once, exits)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

ENV LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/migrate"]
