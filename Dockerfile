# cozy-assess in a container image:
#   docker build -t cozy-assess:0.1.0 .            (or: buildah bud -t cozy-assess:0.1.0 .)
#   docker run --rm --read-only -v "$HOME/.kube/config:/kube/config:ro" -e KUBECONFIG=/kube/config \
#     -v "$PWD/out:/data" cozy-assess:0.1.0 assess --target latest --no-backup
# Outputs (report, JSON, backups) go to the working folder /data: mount a volume there. Inside a cluster the
# pod's service account is used (deploy/).
#
# The base is pinned to one Node 20 release; NODE_IMAGE replaces it (a mirror, or a digest-pinned reference).
ARG NODE_IMAGE=docker.io/library/node:20.20.2-bookworm-slim

# Build: every dependency, TypeScript to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY scripts/build.mjs ./scripts/
RUN npm run build

# Production dependencies only, from the lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# Runtime: dist/, production node_modules, the schema; owned by root, run as the unprivileged `node` user, so
# the image works with a read-only root filesystem (only /data, a volume, is written).
FROM ${NODE_IMAGE}
# A smaller young generation (4 MB semi-spaces; V8's default is 16 MB): pages die young, so a 50k-pod assess
# with a backup peaks ~20 MB lower, its CPU within the noise of our runs. V8 reads the flag only when node
# starts, so the binary cannot set it itself.
ENV NODE_ENV=production NO_UPDATE_NOTIFIER=1 NO_COLOR=1 NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /opt/cozy-assess
COPY --from=deps /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json LICENSE README.md ./
COPY schema ./schema
RUN ln -s /opt/cozy-assess/dist/cli/bin.js /usr/local/bin/cozy-assess \
  && ln -s /opt/cozy-assess/dist/cli/bin.js /usr/local/bin/kubectl-cozy_assess \
  && ln -s /opt/cozy-assess/dist/cli/kubectl-complete.js /usr/local/bin/kubectl_complete-cozy_assess \
  && mkdir /data && chown 1000:1000 /data
USER 1000:1000
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["cozy-assess"]
CMD ["--help"]
