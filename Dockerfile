# syntax=docker/dockerfile:1
# Adeline service image: docker build -t adeline:0.1.0 .   (docker compose builds it too)
# Multi-stage: compile TypeScript with the dev dependencies, install the production dependencies
# alone, and copy both into a slim Node 24 runtime with ffmpeg, running as the non-root `node`.
# test/deploy/dockerfile.test.ts runs this file's `npm ci` and start command on the dev machine.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# onnxruntime-node ships its CPU binaries in the package; its install script would only try to
# download CUDA libraries, so no install script is needed.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY models ./models
COPY deploy/adeline/config.yaml /etc/adeline/config.yaml
RUN mkdir -p /var/lib/adeline/spool && chown -R node:node /var/lib/adeline
USER node
EXPOSE 8080
VOLUME ["/var/lib/adeline/spool"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/app/bin/adeline", "health", "--url", "http://127.0.0.1:8080/health/ready"]
ENTRYPOINT ["/app/bin/adeline"]
CMD ["run", "--config", "/etc/adeline/config.yaml"]
