/**
 * Preloaded into a portal process by the overload benchmark (`node --import ./test/bench/loop-probe.mjs
 * dist/server.js`, LOOP_PROBE_FILE=…): what the portal's own event loop did, to tell where a visitor's
 * wait went (issue 20). Every 10 ms a timer notes how late it ran; any turn of more than 40 ms is kept
 * with its end (milliseconds since the epoch) the process's CPU time during it, the CommonJS modules it loaded and its garbage collection; connections
 * accepted and requests read are counted per 100 ms. Written to LOOP_PROBE_FILE as JSON when the
 * process exits. Not part of the portal.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';

const file = process.env.LOOP_PROBE_FILE;
/** CPU time of this thread (the event loop's), from /proc (Linux): GC helpers, JIT and worker threads excluded. */
function threadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU time of each thread of this process, with its name (Linux). */
function tasksCpuMs() {
  const tasks = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        tasks.set(tid, { name, ms: (Number(f[11]) + Number(f[12])) * 10 });
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    // not Linux
  }
  return tasks;
}

if (file) {
  const turns = [];
  const bins = new Map(); // 100 ms bin (epoch / 100) → [connections, requests]
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  // CommonJS modules evaluated (pdfkit, fontkit… are loaded with require): a turn that loaded packages
  const required = createRequire(import.meta.url).cache;
  let lastModules = Object.keys(required).length;
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  }).observe({ entryTypes: ['gc'] });
  const tick = () => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const late = now - last - 10;
    const modules = Object.keys(required).length;
    if (late > 40) turns.push({ end: Math.round(performance.timeOrigin + now), lateMs: Math.round(late), cpuMs: Math.round((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000), modules: modules - lastModules, gcMs: Math.round(gcMs) });
    last = now;
    lastCpu = cpu;
    lastModules = modules;
    gcMs = 0;
    setTimeout(tick, 10).unref();
  };
  setTimeout(tick, 10).unref();
  const count = (i) => {
    const bin = Math.floor(Date.now() / 100);
    const row = bins.get(bin) ?? [0, 0];
    row[i]++;
    bins.set(bin, row);
  };
  // the main thread's CPU time per second of the epoch (the portal's own work, whatever the machine's load),
  // and the other threads' (V8's compilers and GC helpers, libuv's pool, worker threads), by thread name
  const cpuBySecond = new Map();
  const othersBySecond = new Map();
  let cpuSecond = Math.floor(Date.now() / 1000);
  let cpuAtSecond = threadCpuMs();
  let tasksAtSecond = tasksCpuMs();
  const everySecond = () => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== cpuSecond) {
      const cpuNow = threadCpuMs();
      cpuBySecond.set(cpuSecond, Math.round(cpuNow - cpuAtSecond));
      const tasksNow = tasksCpuMs();
      const others = {};
      for (const [tid, { name, ms }] of tasksNow) {
        if (tid === String(process.pid)) continue;
        const used = ms - (tasksAtSecond.get(tid)?.ms ?? 0);
        if (used > 0) others[name] = (others[name] ?? 0) + used;
      }
      othersBySecond.set(cpuSecond, others);
      cpuSecond = now;
      cpuAtSecond = cpuNow;
      tasksAtSecond = tasksNow;
    }
    setTimeout(everySecond, 20).unref();
  };
  everySecond();
  // each request's time inside the process: from its 'request' event (its head read) to its answer written
  const services = [];
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (event, ...args) {
    if (event === 'connection') count(0);
    else if (event === 'request') {
      count(1);
      const t0 = performance.now();
      const res = args[1];
      res.once('finish', () => services.push([Math.round(performance.timeOrigin + t0), Math.round(performance.now() - t0), res.statusCode]));
    }
    return emit.call(this, event, ...args);
  };
  const write = () =>
    writeFileSync(file, JSON.stringify({ turns, bins: [...bins].map(([bin, [c, r]]) => ({ at: bin * 100, connections: c, requests: r })), cpuBySecond: [...cpuBySecond].map(([s, ms]) => ({ at: s * 1000, ms, others: othersBySecond.get(s) ?? {} })), services }));
  process.once('exit', write);
}
