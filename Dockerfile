# Barometer's app image. Build: docker build -t barometer .   Run it with compose.yaml (app,
# a three-member MongoDB replica set, a mail catcher) or with MONGODB_URI, SECRET and PUBLIC_URL
# of your own: docs/deploy.md. No secret is baked in; nothing is downloaded at run time.

# Dependencies alone first, so a change to the code reuses this layer. tsx runs the TypeScript
# (no build step, decision 0001) and is a runtime dependency, so --omit=dev keeps it.
FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY server ./server
COPY views ./views
COPY public ./public
COPY surveys ./surveys
# The image's own unprivileged user (uid 1000); the code stays root-owned and read-only to it.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers 200 when the app serves and 503 while the database is out (docs/deploy.md).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs tsx's loader directly: it gets SIGTERM itself and drains (npm would not pass it on).
CMD ["node", "--import", "tsx", "server/index.ts"]
