import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_ENDED, startupPhases } from '../../src/platform/startup/phases.ts';

describe('start-up phases', () => {
  afterEach(() => {
    delete (globalThis as { [BUILD_ENDED]?: unknown })[BUILD_ENDED];
  });

  it('shows a build run by npm start in the same process as its own phase, not inside « modules »', () => {
    (globalThis as { [BUILD_ENDED]?: unknown })[BUILD_ENDED] = { wall: performance.now(), cpu: 1234 };
    const timer = startupPhases();
    timer.end('modules');
    const [build, modules] = timer.phases;
    expect(build!.name).toBe('construction');
    expect(build!.cpuMs).toBe(1234);
    expect(modules!.name).toBe('modules');
    expect(modules!.ms).toBeLessThan(1_000); // timed from the build's end, not from the process start
    expect(timer.summary()).toMatch(/^Démarrage : construction \d+ ms · modules \d+ ms — prêt en [\d,]+ s$/);
  });

  it('times the first phase from the process start when nothing was built', () => {
    const timer = startupPhases();
    timer.end('modules');
    expect(timer.phases.map((p) => p.name)).toEqual(['modules']);
    expect(timer.phases[0]!.ms).toBeGreaterThanOrEqual(Math.round(performance.now()) - 1_000);
  });
});
