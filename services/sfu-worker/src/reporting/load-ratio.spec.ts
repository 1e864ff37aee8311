import { loadRatio } from './load-ratio.js';

describe('the load ratio the HPA scales on', () => {
  const idle = { consumers: 0, consumerCapacity: 2400, workerCpuPercents: [0, 0], draining: false };

  it('is the share of consumer capacity in use, as placement computes it', () => {
    expect(loadRatio(idle)).toBe(0);
    expect(loadRatio({ ...idle, consumers: 600 })).toBe(0.25);
    expect(loadRatio({ ...idle, consumers: 2160 })).toBe(0.9);
  });

  it("is the workers' mean CPU when that is higher: a busy core takes no one more", () => {
    expect(loadRatio({ ...idle, consumers: 240, workerCpuPercents: [90, 50] })).toBe(0.7);
    expect(loadRatio({ ...idle, consumers: 1920, workerCpuPercents: [90, 50] })).toBe(0.8);
  });

  it('stays within [0, 1]: past capacity (pipe consumers), CPU above 100, or no capacity reported', () => {
    expect(loadRatio({ ...idle, consumers: 3000 })).toBe(1);
    expect(loadRatio({ ...idle, workerCpuPercents: [130, 110] })).toBe(1);
    expect(loadRatio({ ...idle, consumerCapacity: 0, workerCpuPercents: [] })).toBe(0);
  });

  it('reads 1 while draining: placement sends the node nobody', () => {
    expect(loadRatio({ ...idle, draining: true })).toBe(1);
  });
});
