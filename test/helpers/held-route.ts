import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/**
 * A test route, GET /test/occupe, whose requests stay in progress until its gate opens: held
 * requests fill a node's places for the waiting room's tests. Pass `register` to createTestApp.
 */
export class HeldRoute {
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;

  readonly register = (app: FastifyInstance): void => {
    app.get('/test/occupe', async () => {
      await this.gate;
      return 'fini';
    });
  };

  /** Requests to the route wait from now until `open()`. */
  close(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate();
  }

  /** Holds `count` requests in progress on the node; returns what lets them answer (and checks they did). */
  async fill(app: FastifyInstance, count: number): Promise<() => Promise<void>> {
    this.close();
    const held = Array.from({ length: count }, () => app.inject('/test/occupe'));
    for (let i = 0; i < 500 && app.admission.stats().inFlight < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(app.admission.stats().inFlight).toBe(count);
    return async () => {
      this.open();
      for (const res of await Promise.all(held)) expect(res.body).toBe('fini');
    };
  }
}
