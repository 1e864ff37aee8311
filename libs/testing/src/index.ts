export { testInfra, repoRoot, type TestInfra } from './test-infra.js';
export { TestContext } from './test-context.js';
export { EventCollector, waitUntil, type CollectedEvent } from './event-collector.js';
export { json } from './http.js';
export { freePort, type RunningIdentity, type TestUser } from './identity-process.js';
export { sweepOpenApi, type SweepFinding, type SweepOptions } from './openapi-sweep.js';
