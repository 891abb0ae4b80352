/**
 * Start-up phases, timed from the process start (performance.timeOrigin), wall clock and CPU:
 * `npm start` prints them so that a slow start says where its time went.
 */
export interface Phase {
  name: string;
  /** wall-clock milliseconds spent in the phase */
  ms: number;
  /** CPU milliseconds (user + system, every thread of the process) spent in the phase */
  cpuMs: number;
}

export interface StartupPhases {
  /** Ends the current phase under this name and starts the next one. */
  end(name: string): void;
  readonly phases: readonly Phase[];
  /** milliseconds since the process started */
  total(): number;
  /** One line for the operator: "modules 412 ms · base 96 ms · … — prêt en 1,2 s". */
  summary(): string;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Where `npm start` (scripts/start.mjs) leaves the end of the build it ran in this same process
 * before loading the server: the build is then its own phase, not part of « modules ».
 */
export const BUILD_ENDED = Symbol.for('portail-titres.build-ended');

export function startupPhases(): StartupPhases {
  const phases: Phase[] = [];
  // Everything before the first call (Node's own start, loading the modules) is the first phase.
  let wall = 0;
  let cpu = 0;
  const build = (globalThis as { [BUILD_ENDED]?: { wall: number; cpu: number } })[BUILD_ENDED];
  if (build) {
    phases.push({ name: 'construction', ms: Math.round(build.wall), cpuMs: Math.round(build.cpu) });
    wall = build.wall;
    cpu = build.cpu;
  }
  return {
    phases,
    end(name) {
      const nowWall = performance.now();
      const nowCpu = cpuNow();
      phases.push({ name, ms: Math.round(nowWall - wall), cpuMs: Math.round(nowCpu - cpu) });
      wall = nowWall;
      cpu = nowCpu;
    },
    total: () => Math.round(performance.now()),
    summary() {
      const seconds = (performance.now() / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 2 });
      return `Démarrage : ${phases.map((p) => `${p.name} ${p.ms} ms`).join(' · ')} — prêt en ${seconds} s`;
    },
  };
}
