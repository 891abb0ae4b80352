import { createHash, createHmac } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where attachment bytes live: a local folder in the embedded mode, an S3-compatible bucket in production. */
export interface FileStorage {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[a-z0-9/_-]{8,200}$/;
function checkKey(key: string): string {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error('clé de stockage invalide');
  return key;
}

export function localStorage(dir: string): FileStorage {
  const file = (key: string) => path.join(dir, checkKey(key));
  return {
    kind: 'local',
    async put(key, bytes) {
      const target = file(key);
      await mkdir(path.dirname(target), { recursive: true });
      // written then renamed: a crash never leaves half a file under the final name
      await writeFile(`${target}.part`, bytes, { mode: 0o600 });
      await rename(`${target}.part`, target);
    },
    get: (key) => readFile(file(key)),
    delete: (key) => rm(file(key), { force: true }),
  };
}

export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Signs a request with AWS Signature Version 4 (path-style URL), as every S3-compatible store
 * (AWS, OVH, Scaleway, MinIO, Garage) accepts it.
 */
export function signS3Request(s: S3Settings, method: string, key: string, body: Buffer | null, now: Date, extraHeaders: Record<string, string> = {}) {
  const url = new URL(`${s.endpoint.replace(/\/$/, '')}/${s.bucket}/${checkKey(key)}`);
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256(body ?? '');
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate, ...extraHeaders };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const canonicalHeaders = names.map((h) => `${h}:${String(headers[h]).trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = [method, url.pathname, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${s.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${s.secretAccessKey}`, day), s.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${s.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  delete headers.host;
  return { url: url.toString(), headers };
}

export function s3Storage(s: S3Settings, fetchImpl: typeof fetch = fetch): FileStorage {
  async function call(method: 'PUT' | 'GET' | 'DELETE', key: string, body: Buffer | null, contentType?: string) {
    const { url, headers } = signS3Request(s, method, key, body, new Date(), contentType ? { 'content-type': contentType } : {});
    const res = await fetchImpl(url, { method, headers, body: body ? new Uint8Array(body) : undefined });
    if (!res.ok && !(method === 'DELETE' && res.status === 404)) throw new Error(`stockage S3 : ${method} ${key} → HTTP ${res.status}`);
    return res;
  }
  return {
    kind: 's3',
    put: async (key, bytes, contentType) => void (await call('PUT', key, bytes, contentType)),
    get: async (key) => Buffer.from(await (await call('GET', key, null)).arrayBuffer()),
    delete: async (key) => void (await call('DELETE', key, null)),
  };
}
