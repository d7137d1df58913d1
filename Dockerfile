# syntax=docker/dockerfile:1
#
# One image for the three Vigil processes (SPEC §2). Pick the app at build time
#   docker build --build-arg APP=ingest -t vigil-ingest .
# or at run time by command (what docker-compose.yml does):
#   docker run vigil node dist/apps/evaluator/src/main.js
# APP ∈ api | ingest | evaluator. Migrations: node dist/libs/persistence/src/migrate.js up

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile TypeScript to dist/
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
# examples/ (the demo catalogue) may be absent from the context; the runtime stage copies it.
RUN npm run build && mkdir -p examples

# ---- production dependencies only (install scripts off: no prepare hooks, no dev tools)
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
  && npm cache clean --force

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ARG APP=api
ENV NODE_ENV=production \
    VIGIL_APP=${APP}
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/bin ./bin
COPY --from=build --chown=node:node /app/examples ./examples
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000

# api 3000, ingest 3001, evaluator 3002 (PORT overrides; every app serves /health and /metrics)
EXPOSE 3000 3001 3002

# Liveness over node's own http client: the slim image has no curl or wget.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "const d={api:3000,ingest:3001,evaluator:3002}[process.env.VIGIL_APP]||3000;const p=process.env.PORT||d;require('http').get({host:'127.0.0.1',port:p,path:'/health/live',timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"]

# exec replaces the shell, so SIGTERM reaches node and Nest's shutdown hooks drain in-flight work.
CMD ["sh", "-c", "exec node dist/apps/${VIGIL_APP}/src/main.js"]
