# syntax=docker/dockerfile:1
# onair/sfu-worker: the SFU node, its mediasoup worker and Debian's ffmpeg for recordings.
# The same image as `tools/onair images build sfu-worker` makes without Docker
# (tools/lib/images.sh): Debian 12, Node 24, the app staged by tools/images/stage-app.mjs under
# /app, user 10001. Build from the repository root:
#   docker build -f deploy/docker/sfu-worker.Dockerfile -t onair/sfu-worker .
FROM node:24-bookworm AS build
WORKDIR /src
COPY . .
# mediasoup's install script fetches its worker here (node_modules/mediasoup/worker/out/Release);
# `tools/onair images` ships the one tools/onair builds against Debian's libraries instead.
RUN npm ci && npm run generate && npx nx run sfu-worker:build
RUN mkdir -p /out && node tools/images/stage-app.mjs sfu-worker /out/app

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata libuv1 libssl3 libusrsctp2 libabsl20220623 ffmpeg \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd -g 10001 onair && useradd -u 10001 -g 10001 -d /nonexistent -s /usr/sbin/nologin onair \
  && install -d -o 10001 -g 10001 /var/lib/onair
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /out/ /
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 HTTP_PORT=7104
WORKDIR /app
USER 10001:10001
EXPOSE 7104
ENTRYPOINT ["/usr/local/bin/node", "--disable-warning=TimeoutNegativeWarning", "services/sfu-worker/dist/src/main.js"]
