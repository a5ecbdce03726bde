# syntax=docker/dockerfile:1
# One image for all three services; docker-compose.yml picks the service with its `command`
# (node apps/gateway/dist/main.js, apps/registry/..., apps/auth/...). Node 26, the current LTS, on
# Debian 13 (trixie), the current stable.
ARG NODE_IMAGE=node:26-trixie-slim

# Only the package manifests, so the dependency layers below are rebuilt when a manifest or the
# lock file changes, not on every source edit (COPY caches on the content of /manifests).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && cp --parents package.json package-lock.json apps/*/package.json libs/*/package.json /manifests/

# Compile every workspace with the full toolchain (tsc -b, project references).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && mkdir /built \
 && cp -r --parents apps/*/dist libs/*/dist /built/ \
 && find /built -name '*.tsbuildinfo' -delete

# What runs: production dependencies, the workspace manifests (npm links the workspaces into
# node_modules/@portcullis/* from them) and the compiled output. No sources, no dev tools.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /built/ ./
# The services write nothing to disk; run them as the image's unprivileged user.
USER node
EXPOSE 8080 3001 3002
CMD ["node", "apps/gateway/dist/main.js"]
