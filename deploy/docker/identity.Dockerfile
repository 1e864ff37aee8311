# syntax=docker/dockerfile:1
# onair/identity: the identity service.
# The same image as `tools/onair images build identity` makes without Docker
# (tools/lib/images.sh): Debian 12, Node 24, the app staged by tools/images/stage-app.mjs under
# /app, user 10001. Build from the repository root:
#   docker build -f deploy/docker/identity.Dockerfile -t onair/identity .
FROM node:24-bookworm AS build
WORKDIR /src
COPY . .
RUN npm ci && npm run generate && npx nx run identity:build
RUN mkdir -p /out && node tools/images/stage-app.mjs identity /out/app

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd -g 10001 onair && useradd -u 10001 -g 10001 -d /nonexistent -s /usr/sbin/nologin onair \
  && install -d -o 10001 -g 10001 /var/lib/onair
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /out/ /
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 HTTP_PORT=7101
WORKDIR /app
USER 10001:10001
EXPOSE 7101
ENTRYPOINT ["/usr/local/bin/node", "--disable-warning=TimeoutNegativeWarning", "services/identity/dist/src/main.js"]
