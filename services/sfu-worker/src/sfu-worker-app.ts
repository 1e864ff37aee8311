import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp } from '@onair/http';
import { JsonLogger } from '@onair/telemetry';
import type { Server } from 'node:http';
import { json, text } from 'express';
import { PLAIN_PUBLISH_PATH, WHIP_PATH, type SfuWorkerConfig } from './config.js';
import { PlainPublishController } from './plain-publish/plain-publish.controller.js';
import { SFU_CONFIG, SfuRuntime } from './sfu-runtime.js';
import { WhipController } from './whip/whip.controller.js';

@Module({})
class SfuWorkerModule {
  static forRoot(config: SfuWorkerConfig): DynamicModule {
    return { module: SfuWorkerModule, controllers: [WhipController, PlainPublishController], providers: [{ provide: SFU_CONFIG, useValue: config }, SfuRuntime], exports: [SfuRuntime] };
  }
}

/**
 * Builds the sfu-worker: mediasoup workers, the signalling WebSocket on the HTTP server's
 * upgrade, Kafka events, health and metrics. Workers start in `init()`/`listen()` (used by
 * main.ts and by the integration tests).
 */
export async function createSfuWorkerApp(config: SfuWorkerConfig): Promise<INestApplication> {
  const app = await NestFactory.create(SfuWorkerModule.forRoot(config), {
    logger: new JsonLogger('sfu-worker', config.logLevel),
    bodyParser: false,
    abortOnError: false,
  });
  const runtime = app.get(SfuRuntime);
  // WHIP bodies are SDP text, capped as stream-sessions caps them (64 KiB: 413 past it).
  app.use(WHIP_PATH, text({ type: ['application/sdp', 'application/trickle-ice-sdpfrag'], limit: '64kb' }));
  // Plain-publish bodies are a few RTP parameters: 4 KiB is plenty.
  app.use(PLAIN_PUBLISH_PATH, json({ limit: '4kb' }));
  configureHttpApp(app, {
    serviceName: 'sfu-worker',
    version: '1',
    description: 'mediasoup SFU node: WebSocket signalling at /v1/sfu/signal (see SIGNALLING.md), WHIP publishers handed over by stream-sessions at /v1/sfu/whip, plain-RTP publishers (RTMP ingest) at /v1/sfu/plain-publish, an RTMP listener, recording, load reports.',
    readiness: () => runtime.ready(),
  });
  (app.getHttpServer() as Server).on('upgrade', runtime.signalling.handleUpgrade);
  return app;
}
