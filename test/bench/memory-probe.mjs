/**
 * Preloaded into the portal by test/bench/memory-after-load.ts (`node --import <this file>
 * dist/server.js`, with an IPC channel): answers the bench's questions about the process's own
 * memory, so that the portal itself carries no benchmark code. Plain JavaScript: it is loaded by
 * Node before anything is compiled. Not part of npm test.
 *
 *   { type: 'memory' }            → process.memoryUsage() and V8's heap spaces (used / committed)
 *   { type: 'gc' }                → a full garbage collection, then the same answer
 *   { type: 'snapshot', file }    → v8.writeHeapSnapshot(file) (after a full collection), then the file's name
 */
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

function memory() {
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { used: s.space_used_size, committed: s.physical_space_size }]));
  const heap = v8.getHeapStatistics();
  return { usage, spaces, mallocedMemory: heap.malloced_memory, peakMallocedMemory: heap.peak_malloced_memory };
}

if (process.send && process.channel) {
  process.on('message', (message) => {
    if (message?.type === 'memory') process.send({ type: 'memory', ...memory() });
    else if (message?.type === 'gc') {
      gc();
      process.send({ type: 'memory', ...memory() });
    } else if (message?.type === 'snapshot') {
      gc();
      process.send({ type: 'snapshot', file: v8.writeHeapSnapshot(message.file) });
    }
  });
  process.channel.unref(); // the probe never keeps the portal alive (after the listener, which refs it)
}
