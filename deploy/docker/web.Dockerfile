# syntax=docker/dockerfile:1
# onair/web: the edge's server with the web client's build at /srv/web (deploy/helm/web).
# The same image as `tools/onair images build web` makes without Docker
# (tools/lib/images.sh): Debian 12, Node 24, the app staged by tools/images/stage-app.mjs under
# /app, user 10001. Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t onair/web .
FROM node:24-bookworm AS build
WORKDIR /src
COPY . .
RUN npm ci && npm run generate && npx nx run edge:build
RUN mkdir -p /out/srv /out && node tools/images/stage-app.mjs edge /out/app && npx nx run web:build && cp -r services/web/dist /out/srv/web

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd -g 10001 onair && useradd -u 10001 -g 10001 -d /nonexistent -s /usr/sbin/nologin onair \
  && install -d -o 10001 -g 10001 /var/lib/onair
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /out/ /
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 HTTP_PORT=8080 EDGE_WEB_ROOT=/srv/web
WORKDIR /app
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/node", "--disable-warning=TimeoutNegativeWarning", "services/edge/dist/src/main.js"]
