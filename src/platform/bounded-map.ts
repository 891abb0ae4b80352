/**
 * Puts `value` under `key` in a map kept to at most `max` entries: when it is full, the entry put
 * first is forgotten (a Map iterates in insertion order). The per-process memos of the portal
 * (signed cookies found valid, CSRF tokens, document sizes, refused notification addresses) use it so
 * that no visitor can make them grow without bound.
 */
export function setKeepingAtMost<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
