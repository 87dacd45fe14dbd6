/**
 * Model downloads (issue #14 item 9): streamed to disk under a byte cap with progress, public
 * http(s) hosts only. The served files come from a loopback server, which real downloads refuse,
 * so those tests inject a resolver that admits it; the check itself is tested with the real
 * resolver on literal addresses (no network needed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheGraphModel } from './graph-model';
import { downloadFile, isPrivateAddress, publicAddresses, type HostResolver } from './model-download';
import { writeTinyGraphModel } from './testing';

let work: string;
let server: Server;
let base: string;
let requests: string[] = [];
const MiB = 1024 * 1024;
/** 3.5 MiB of a known pattern. */
const big = Buffer.from(Array.from({ length: 3.5 * MiB }, (_, i) => (i * 31) & 0xff));
let routes: Record<string, (res: ServerResponse, req: IncomingMessage) => void> = {};

/** Admits the test server's literal 127.0.0.1; any name goes through the real check. */
const loopbackOnly: HostResolver = async (host) => (host === '127.0.0.1' ? [{ address: host, family: 4 }] : publicAddresses(host));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gan-download-'));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) route(res, req);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.close();
  await rm(work, { recursive: true, force: true });
});

async function serveTinyModel(prefix: string, shard?: (res: ServerResponse) => void): Promise<void> {
  const model = await writeTinyGraphModel(join(work, `src-${prefix}`));
  const json = await readFile(join(model.dir, 'model.json'));
  const weights = await readFile(join(model.dir, 'group1-shard1of1.bin'));
  routes[`/${prefix}/model.json`] = (res) => res.end(json);
  routes[`/${prefix}/group1-shard1of1.bin`] = shard ?? ((res) => res.end(weights));
}

describe('address check (real resolver, literal addresses)', () => {
  it('refuses loopback, private, shared, link-local, multicast and unspecified addresses, IPv4 and IPv6 (and IPv6 forms that carry IPv4)', async () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.1', '169.254.169.254', '0.0.0.0', '[::1]', '[fc00::1]', '[fd12:3456::1]', '[fe80::1]', '[::ffff:127.0.0.1]', '[::]', '100.64.0.1', '100.127.255.254', '198.18.0.1', '224.0.0.1', '[::127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]', '[ff02::1]']) {
      await expect(publicAddresses(host), host).rejects.toThrow(/loopback, private-network or link-local address: models are only downloaded from public hosts/);
    }
  });

  it('admits public addresses, including the neighbours of the private ranges', async () => {
    for (const host of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '11.0.0.1', '192.169.0.1', '169.255.0.1', '100.63.255.255', '100.128.0.1', '198.20.0.1', '[2606:4700:4700::1111]', '[fe00::1]']) {
      await expect(publicAddresses(host), host).resolves.toHaveLength(1);
    }
    // Carrier-grade NAT (Tailscale's addresses) is someone's private network, not a public host.
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(() => isPrivateAddress('example.com')).toThrow(/not an IP address/);
  });

  it('refuses a name that resolves to loopback (localhost, from the hosts file)', async () => {
    await expect(publicAddresses('localhost')).rejects.toThrow(/localhost is 127\.0\.0\.1, a loopback|localhost is ::1, a loopback/);
  });
});

describe('cacheGraphModel from a URL', () => {
  it('refuses URLs that are not http(s)', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/model.json', 'data:application/json,{}']) {
      await expect(cacheGraphModel({ url }, join(work, 'scheme'))).rejects.toThrow(/Only http\(s\) URLs can be downloaded/);
    }
  });

  it('refuses a private host without sending it a request, and a redirect to one', async () => {
    await serveTinyModel('private');
    requests = [];
    await expect(cacheGraphModel({ url: `${base}/private/model.json` }, join(work, 'private', 'cache'))).rejects.toThrow(/127\.0\.0\.1 is a loopback/);
    expect(requests).toEqual([]);
    // A public-looking first hop that redirects to a name resolving to loopback.
    routes['/hop/model.json'] = (res) => {
      res.writeHead(302, { location: `http://localhost:${new URL(base).port}/private/model.json` });
      res.end();
    };
    await expect(cacheGraphModel({ url: `${base}/hop/model.json` }, join(work, 'private', 'cache'), { resolveHost: loopbackOnly })).rejects.toThrow(/localhost is .*loopback/);
    expect(requests).toEqual(['/hop/model.json']);
    expect(await readdir(join(work, 'private'))).toEqual([]);
  });

  it('refuses a shard over the cap, announced or not, and leaves no partial file', async () => {
    const limits = { modelJsonBytes: MiB, fileBytes: 2 * MiB, totalBytes: 3 * MiB };
    for (const [prefix, announce] of [['announced', true], ['chunked', false]] as const) {
      await serveTinyModel(prefix, (res) => {
        if (announce) res.setHeader('content-length', big.length);
        // Written in pieces so the chunked body really streams.
        for (let at = 0; at < big.length; at += 256 * 1024) res.write(big.subarray(at, at + 256 * 1024));
        res.end();
      });
      const parent = join(work, `over-${prefix}`);
      await expect(cacheGraphModel({ url: `${base}/${prefix}/model.json` }, join(parent, 'inception'), { limits, resolveHost: loopbackOnly })).rejects.toThrow(
        /Refused group1-shard1of1\.bin from 127\.0\.0\.1:\d+: a model's files may take 3\.0 MiB together, 2\.0 MiB each/,
      );
      // Neither the cache nor its staging folder (nor a temp file in it) is left.
      expect(await readdir(parent)).toEqual([]);
    }
  });

  it('reports each file with its index and bytes, and keeps a model within the caps', async () => {
    await serveTinyModel('ok');
    const events: { file: string; index: number; count: number; bytes: number; total: number | null }[] = [];
    const sidecar = await cacheGraphModel({ url: `${base}/ok/model.json` }, join(work, 'ok', 'inception'), { resolveHost: loopbackOnly, onProgress: (p) => events.push(p) });
    expect(Object.keys(sidecar.files).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(events.map((e) => [e.file, e.index, e.count])).toEqual([
      ['model.json', 0, 1],
      ['group1-shard1of1.bin', 1, 2],
    ]);
    for (const e of events) expect(e.bytes).toBe(e.total);
    expect(await readdir(join(work, 'ok'))).toEqual(['inception']);
  });
});

describe('downloadFile', () => {
  it('streams to disk with progress per MiB up to the size the server announced', async () => {
    routes['/big.bin'] = (res) => {
      res.setHeader('content-length', big.length);
      res.end(big);
    };
    const dir = await mkdtemp(join(work, 'big-'));
    const progress: [number, number | null][] = [];
    const result = await downloadFile(new URL(`${base}/big.bin`), dir, 'big.bin', { maxBytes: 4 * MiB, resolveHost: loopbackOnly, onProgress: (b, t) => progress.push([b, t]) });
    expect(result).toEqual({ bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') });
    expect((await readFile(join(dir, 'big.bin'))).equals(big)).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.every(([, total]) => total === big.length)).toBe(true);
    expect(progress.map(([b]) => b)).toEqual([...progress.map(([b]) => b)].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual([big.length, big.length]);
    expect(await readdir(dir)).toEqual(['big.bin']);
  });

  it('names the file and the host when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const dir = await mkdtemp(join(work, 'refused-'));
    await expect(downloadFile(new URL(`http://127.0.0.1:${port}/model.json`), dir, 'model.json', { maxBytes: MiB, resolveHost: loopbackOnly })).rejects.toThrow(
      new RegExp(`Downloading model\\.json from 127\\.0\\.0\\.1:${port} failed \\(connect ECONNREFUSED .*\\): check the URL and your connection`),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a body whose SHA-256 is not the pinned one, leaving nothing', async () => {
    const dir = await mkdtemp(join(work, 'pinned-'));
    await expect(downloadFile(new URL(`${base}/big.bin`), dir, 'big.bin', { maxBytes: 4 * MiB, expectedSha256: 'a'.repeat(64), resolveHost: loopbackOnly })).rejects.toThrow(
      /big\.bin has SHA-256 [0-9a-f]{64}, expected a{64}/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});
