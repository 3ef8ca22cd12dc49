# Town Crier: a static binary on an empty image, with a CA bundle and a busybox shell
# (GitLab's runner pipes job scripts into /bin/sh).
#
# The final stage copies only from three named stages: `binary` (holding crier-ARCH for the
# target architecture), `certs` and `shell`. A build can hand those parts in ready-made
# instead, with --build-context NAME=DIR (the release workflow and .ci/image-check do): then
# the stages that would make them are not run at all.

FROM rust:1-alpine AS builder
ARG TARGETARCH
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
# Dependencies first, in their own layer, so a change to the code does not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked && rm -rf src
COPY src src
COPY templates templates
RUN touch src/main.rs src/lib.rs && cargo build --release --locked \
    && mkdir /out && cp target/release/crier "/out/crier-${TARGETARCH}"

FROM alpine:3 AS system
# hadolint ignore=DL3018
RUN apk add --no-cache ca-certificates busybox-static \
    && mkdir -p /out/certs /out/shell \
    && cp /etc/ssl/certs/ca-certificates.crt /out/certs/ca-certificates.crt \
    && cp /bin/busybox.static /out/shell/busybox

FROM scratch AS binary
ARG TARGETARCH
COPY --from=builder /out/crier-${TARGETARCH} /crier-${TARGETARCH}

FROM scratch AS certs
COPY --from=system /out/certs/ca-certificates.crt /ca-certificates.crt

FROM scratch AS shell
COPY --from=system /out/shell/busybox /busybox

FROM scratch
ARG TARGETARCH
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="town-crier" \
      org.opencontainers.image.description="CI/CD notifications for Slack, Teams, Discord, Google Chat, e-mail, Pushover, IRC and webhooks" \
      org.opencontainers.image.source="https://github.com/town-crier/town-crier" \
      org.opencontainers.image.documentation="https://github.com/town-crier/town-crier#readme" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=certs /ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=shell /busybox /bin/sh
COPY --from=binary /crier-${TARGETARCH} /usr/local/bin/crier
ENV PATH=/usr/local/bin:/bin
# Root, as GitHub's container actions need to write their file commands.
ENTRYPOINT ["/usr/local/bin/crier"]
