export { testInfra, repoRoot, rogueServiceTlsFiles, selfIssuedTlsFiles, serviceTlsEnv, type TestInfra } from './test-infra.js';
export { TestContext } from './test-context.js';
export { PrivateKafka } from './private-kafka.js';
export { EventCollector, waitUntil, type CollectedEvent } from './event-collector.js';
export { json } from './http.js';
export { freePort, freePorts, startServiceProcess, type RunningIdentity, type RunningService, type TestUser } from './service-process.js';
export { RawBody, sweepOpenApi, type SweepFinding, type SweepOptions, type SweepResult } from './openapi-sweep.js';
export { CHROMIUM_FLAGS, goLiveOnPage, launchChromium, signInOnPage, waitForPageState, type PageGlobals } from './chromium.js';
export { expectNoSeriousA11yViolations } from './accessibility.js';
