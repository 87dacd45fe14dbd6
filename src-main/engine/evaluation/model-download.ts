/**
 * Bringing a graph model's files into the cache without trusting where they come from: each file
 * is streamed to a temp file beside its target (never buffered whole: a 1.5 GB body had taken the
 * engine to 4.7 GB), counted against a byte cap, hashed on the way, and renamed into place only
 * when complete and matching its pinned SHA-256. Downloads go to public http(s) hosts only: a
 * URL (or a redirect) to loopback, a private network or link-local (cloud metadata) is refused,
 * and the connection is made to exactly the addresses that were checked, so a DNS answer that
 * changes between the check and the connect (rebinding) cannot slip through.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { join } from 'node:path';
import { syncDir } from '../../project/atomic';
import { formatBytes, MiB } from '../../shared/bytes';

const IDLE_TIMEOUT_MS = 60_000;

/** What a model may bring into the cache. TF.js Inception-v3 is about 95 MB of weights. */
export const DOWNLOAD_LIMITS = { modelJsonBytes: 64 * MiB, fileBytes: 256 * MiB, totalBytes: 512 * MiB };

/** Bytes of one file so far, and its size when the server said (Content-Length). */
export type FileProgress = (bytes: number, total: number | null) => void;

/** Returns the addresses a host name may be connected to, or throws why not. */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export class FileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly limit: number,
  ) {
    super(`${file} is larger than ${formatBytes(limit)}`);
    this.name = 'FileTooLargeError';
  }
}

const privateRanges = new BlockList();
// IPv4: unspecified, RFC 1918, loopback, link-local, carrier-grade NAT (100.64/10, which Tailscale
// networks use), IETF protocol assignments, benchmarking (198.18/15), multicast and reserved.
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv4');
}
// IPv6: the IPv4-compatible block (::/96 holds :: and ::1, and ::127.0.0.1), NAT64 (64:ff9b::/96) and
// 6to4 (2002::/16), which carry an IPv4 address that may be private, unique local, link-local and
// multicast. IPv4-mapped addresses (::ffff:a.b.c.d) are checked against the IPv4 list by BlockList.
for (const [net, prefix] of [['::', 96], ['64:ff9b::', 96], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) privateRanges.addSubnet(net, prefix, 'ipv6');

/** Loopback, private, link-local, shared (CGNAT), multicast, reserved or unspecified, including IPv6 forms that embed IPv4. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`${address} is not an IP address`);
  return privateRanges.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The resolver downloads use: every address the name resolves to must be public. */
export const publicAddresses: HostResolver = async (hostname) => {
  const name = hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = await dnsLookup(name, { all: true });
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  if (inside) {
    throw new Error(
      `${hostname} is ${inside.address === name ? 'a' : `${inside.address}, a`} loopback, private-network or link-local address: models are only downloaded from public hosts. ` +
        'For a model on this machine or your network, download it yourself and import its folder.',
    );
  }
  if (addresses.length === 0) throw new Error(`${hostname} does not resolve to any address`);
  return addresses;
};

export interface DownloadOptions {
  maxBytes: number;
  expectedSha256?: string;
  signal?: AbortSignal;
  onProgress?: FileProgress;
  /** Tests inject one that admits their loopback server; everything else uses publicAddresses. */
  resolveHost?: HostResolver;
}

/** Downloads `url` into `dir/name` (atomically); returns its SHA-256 and size. */
export async function downloadFile(url: URL, dir: string, name: string, options: DownloadOptions): Promise<{ sha256: string; bytes: number }> {
  const response = await openResponse(url, name, options, 5);
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) && length >= 0 ? length : null;
  if (total !== null && total > options.maxBytes) {
    response.destroy();
    throw new FileTooLargeError(name, options.maxBytes);
  }
  return writeStreamAtomic(response, dir, name, { ...options, total });
}

/** Copies a file the user picked into `dir/name` under the same caps and checks as a download. */
export function copyFileChecked(from: string, dir: string, name: string, options: Omit<DownloadOptions, 'resolveHost'>): Promise<{ sha256: string; bytes: number }> {
  return writeStreamAtomic(createReadStream(from, options.signal ? { signal: options.signal } : {}), dir, name, { ...options, total: null });
}

async function openResponse(url: URL, name: string, options: DownloadOptions, redirectsLeft: number): Promise<IncomingMessage> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Only http(s) URLs can be downloaded, not ${url.protocol} (${name})`);
  const addresses = await (options.resolveHost ?? publicAddresses)(url.hostname).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? new Error(`Cannot download ${name}: ${url.hostname} is not found (check the URL and your connection)`) : err;
  });
  const pinned = (_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (opts.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).get(url, { lookup: pinned as never, ...(options.signal ? { signal: options.signal } : {}) }, resolve);
    // A server that stops sending (headers or body) would otherwise hold the import forever.
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    request.on('error', (err) =>
      reject(err.name === 'AbortError' ? err : new Error(`Downloading ${name} from ${url.host} failed (${err.message}): check the URL and your connection, then try again`)),
    );
  });
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (status >= 300 && status < 400 && location) {
    response.resume();
    if (redirectsLeft === 0) throw new Error(`Downloading ${name} failed: too many redirects from ${url.host}`);
    return openResponse(new URL(location, url), name, options, redirectsLeft - 1);
  }
  if (status !== 200) {
    response.resume();
    throw new Error(`Downloading ${name} failed: HTTP ${status} from ${url.host}`);
  }
  return response;
}

/**
 * Streams `source` to a temp file in `dir` and renames it to `name` once complete, within
 * `maxBytes` and matching `expectedSha256`; on any failure nothing is left behind.
 */
export async function writeStreamAtomic(
  source: AsyncIterable<Uint8Array>,
  dir: string,
  name: string,
  options: { maxBytes: number; expectedSha256?: string; onProgress?: FileProgress; total: number | null },
): Promise<{ sha256: string; bytes: number }> {
  const target = join(dir, name);
  const temp = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const hash = createHash('sha256');
  let bytes = 0;
  let reported = 0;
  const handle = await open(temp, 'wx');
  try {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) throw new FileTooLargeError(name, options.maxBytes);
      hash.update(chunk);
      for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
      // Reported per MiB, not per 64 KiB chunk: a 500 MB model would otherwise be 8,000 events.
      if (bytes - reported >= MiB) options.onProgress?.((reported = bytes), options.total);
    }
    await handle.sync();
    await handle.close();
    const sha256 = hash.digest('hex');
    if (options.expectedSha256 && sha256 !== options.expectedSha256.toLowerCase()) {
      throw new Error(`${name} has SHA-256 ${sha256}, expected ${options.expectedSha256}: refusing a model that is not the pinned one`);
    }
    await rename(temp, target);
    await syncDir(dir);
    options.onProgress?.(bytes, options.total ?? bytes);
    return { sha256, bytes };
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
}
