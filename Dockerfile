# Town Crier: a static binary on an empty image, plus a CA bundle and a busybox shell
# (GitLab's runner pipes job scripts into /bin/sh).

FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
# Dependencies first, in their own layer, so code changes do not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked && rm -rf src
COPY src src
COPY templates templates
RUN touch src/main.rs src/lib.rs && cargo build --release --locked

FROM alpine:3 AS certs
RUN apk add --no-cache ca-certificates busybox-static

FROM scratch
LABEL org.opencontainers.image.title="town-crier" \
      org.opencontainers.image.description="CI/CD notifications for Slack, Teams, Discord, e-mail and webhooks" \
      org.opencontainers.image.source="https://github.com/town-crier/town-crier" \
      org.opencontainers.image.licenses="MIT"
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=certs /bin/busybox.static /bin/sh
COPY --from=build /src/target/release/crier /usr/local/bin/crier
ENTRYPOINT ["/usr/local/bin/crier"]
