/**
 * A value read from elsewhere (the database), kept `freshMs` and read once however many callers ask
 * at the same moment: callers within `freshMs` of the last read's start get its value again, callers
 * while a read runs wait for that same read (a node at peak reads once, not once per request). A
 * failed read is not kept: the next caller reads again. `forget()` drops the kept value and any read
 * in progress, whose value (read before the change that called `forget`) is then never kept.
 */
export function sharedRead<T>(read: () => Promise<T>, freshMs: number, now: () => number = () => performance.now()): { get(): Promise<T>; forget(): void } {
  let kept: { at: number; value: T } | null = null;
  let running: Promise<T> | null = null;
  let generation = 0;
  return {
    get() {
      const started = now();
      if (kept && started - kept.at < freshMs) return Promise.resolve(kept.value);
      if (running) return running;
      const mine = generation;
      running = read().then(
        (value) => {
          if (mine === generation) {
            kept = { at: started, value };
            running = null;
          }
          return value;
        },
        (error: unknown) => {
          if (mine === generation) running = null;
          throw error;
        },
      );
      return running;
    },
    forget() {
      kept = null;
      running = null;
      generation++;
    },
  };
}
