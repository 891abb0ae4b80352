import { z } from 'zod';

/**
 * The map's tile server, from the environment (README, "Annuaire des lieux"): a tile URL template
 * with {z}, {x}, {y} (and optionally {s}), absolute or on this site, and the attribution the tile
 * provider requires. Its origin is added to the directory pages' img-src (the CSP stays strict).
 */
export interface MapConfig {
  tilesUrl: string;
  attribution: string;
  /** the origin to allow in img-src, or null when the tiles are served by the portal itself */
  tilesOrigin: string | null;
}

export const DEFAULT_TILES_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const DEFAULT_ATTRIBUTION = '© les contributeurs d’OpenStreetMap';

const tilesUrl = z
  .string()
  .refine((v) => /\{z\}/.test(v) && /\{x\}/.test(v) && /\{y\}/.test(v), 'doit contenir {z}, {x} et {y}')
  .refine((v) => /^https?:\/\/[^/]+\//.test(v) || /^\/(?!\/)/.test(v), 'doit commencer par https:// (ou par / pour des tuiles servies par le portail)');

/** Checks MAP_TILES_URL and MAP_TILES_ATTRIBUTION (called by config.ts); a bad value stops the start-up, naming the variable. */
export function loadMapConfig(env: Record<string, string | undefined>): MapConfig {
  const url = env.MAP_TILES_URL || DEFAULT_TILES_URL;
  const parsed = tilesUrl.safeParse(url);
  if (!parsed.success) throw new Error(`Configuration invalide :\n  - MAP_TILES_URL : ${parsed.error.issues[0]!.message}`);
  const attribution = (env.MAP_TILES_ATTRIBUTION || (url === DEFAULT_TILES_URL ? DEFAULT_ATTRIBUTION : '')).trim();
  if (!attribution) throw new Error('Configuration invalide :\n  - MAP_TILES_ATTRIBUTION : obligatoire avec un serveur de tuiles autre que celui par défaut');
  let origin = /^https?:\/\//.test(url) ? new URL(url.replace('{s}', 'a')).origin : null;
  if (origin && url.includes('{s}')) origin = origin.replace('://a.', '://*.'); // tile subdomains a., b., c.
  return { tilesUrl: url, attribution, tilesOrigin: origin };
}
