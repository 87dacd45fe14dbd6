/**
 * Web mode: the same StudioService as the desktop app, over HTTP + WebSocket on loopback, guarded by
 * a random token like Jupyter's. The page is opened once with ?token=…; the server answers with an
 * HttpOnly SameSite=Strict cookie so the assets and the socket are authorised without the token
 * showing up in later URLs. The socket also checks Origin, so another site open in the same browser
 * cannot drive the engine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { ImportSources } from '../services/import-sources';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { wire } from '../api/contract';
import { Connection, defaultLimits, type ConnectionLimits } from './connection';
import type { StudioService } from '../services/studio-service';
import { contentSecurityPolicy } from '../services/csp';
import { DOWNLOAD_PREFIX } from '../services/downloads';
import { sendDownload } from './download';
import { formatBytes } from '../shared/bytes';

export interface WebServerOptions {
  service: StudioService;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Per-connection limits (tests lower them). */
  limits?: Partial<ConnectionLimits>;
  /** Where refused frames, dropped clients and handler failures are reported (default: stderr). */
  log?: (message: string) => void;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  /** Open authorised sockets. */
  clients(): number;
  close(): Promise<void>;
}

const COOKIE = 'gan_studio_token';
const MAX_MESSAGE_BYTES = 1 << 20;
const MAX_UPLOAD_BYTES = 256 * 2 ** 20;
const UPLOAD_PREFIX = '/api/upload/';
const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const root = resolve(options.staticDir);
  let port = 0;

  const log = options.log ?? ((message: string) => void process.stderr.write(`${message}\n`));
  const limits = { ...defaultLimits, ...options.limits };
  const loopbackNames = ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host];
  // The loopback names, and the host it listens on (127.0.0.2 is loopback too): the page it prints opens there.
  const allowedOrigins = () => new Set(loopbackNames.map((name) => `http://${name}:${port}`));
  const authorised = (req: IncomingMessage, url: URL) =>
    tokenMatches(url.searchParams.get('token'), token) || tokenMatches(readCookie(req, COOKIE), token);

  const server = createServer((req, res) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('Internal error');
      // Mid-stream (a download whose file vanished): end it, so the browser reports a failure.
      else res.destroy();
    });
  });

  /**
   * DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends
   * `Host: evil.example`. Only the loopback names on our own port are answered, token or not.
   */
  const hostAllowed = (req: IncomingMessage) => {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    return loopbackNames.some((name) => hostHeader === `${name}:${port}`) || (port === 80 && loopbackNames.includes(hostHeader));
  };

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('GAN Studio answers only to 127.0.0.1, localhost or [::1] on its own port.\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (req.method === 'POST' && url.pathname.startsWith(UPLOAD_PREFIX)) {
      await handleUpload(req, res, url);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!authorised(req, url)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('GAN Studio: open the URL with the token printed by `npm run serve`.\n');
      return;
    }
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (url.pathname.startsWith(DOWNLOAD_PREFIX)) {
      const ticket = url.pathname.slice(DOWNLOAD_PREFIX.length).split('/')[0] ?? '';
      // HEAD answers what a GET would, without spending the one-time ticket.
      const tickets = options.service.downloads;
      const download = /^[a-f0-9]{32}$/.test(ticket) ? (req.method === 'HEAD' ? tickets.peek(ticket) : tickets.take(ticket)) : null;
      if (!download) {
        res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('This download link was used already or has lapsed: press Download again.\n');
        return;
      }
      await sendDownload(res, download, req.method === 'HEAD');
      return;
    }
    const file = await resolveStatic(root, url.pathname);
    if (!file) {
      res.writeHead(404, headers).end('Not found');
      return;
    }
    const type = mimeTypes[extname(file)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = contentSecurityPolicy;
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /**
   * POST /api/upload/<uploadId>/<relative/path>: one file of a folder the user chose or dropped in
   * the browser, stored under the project's .uploads/<uploadId>/ for a later dataset.import.
   */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!authorised(req, url) || !allowedOrigins().has(req.headers.origin ?? '')) {
      res.writeHead(403).end();
      return;
    }
    const project = options.service.currentProject();
    const [uploadId, ...rest] = url.pathname.slice(UPLOAD_PREFIX.length).split('/');
    let relative: string;
    try {
      relative = rest.map((p) => decodeURIComponent(p)).join('/');
    } catch {
      relative = '';
    }
    const target = project && uploadId ? ImportSources.uploadTarget(project.dir, uploadId, relative) : null;
    if (!target) {
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad upload path: open a project, and send names of at most 255 characters, at most 32 folders deep, without "..", ":" or "\\".');
      return;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (!Number.isFinite(declared) || declared > MAX_UPLOAD_BYTES) {
      res.writeHead(413, { 'Content-Type': 'text/plain' }).end(`Each file must be sent with a length, at most ${formatBytes(MAX_UPLOAD_BYTES)}`);
      return;
    }
    try {
      await mkdir(dirname(target), { recursive: true });
      await pipeline(req, createWriteStream(target));
    } catch (err) {
      await rm(target, { force: true }).catch(() => undefined);
      const { status, message } = uploadFailure(err as NodeJS.ErrnoException, relative);
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message);
      return;
    }
    res.writeHead(204).end();
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy()); // A reset before the handshake is not the server's problem.
    const url = new URL(req.url ?? '/', `http://${host}`);
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req)) return refuse('421 Misdirected Request');
    if (url.pathname !== wire.socketPath) return refuse('404 Not Found');
    if (!authorised(req, url)) return refuse('401 Unauthorized');
    if (!allowedOrigins().has(req.headers.origin ?? '')) return refuse('403 Forbidden');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  const clients = new Map<WebSocket, Connection>();
  const unsubscribe = options.service.onEvent((event, payload) => {
    for (const connection of clients.values()) connection.event(event, payload);
  });
  const handle = (channel: unknown, input: unknown) => options.service.handle(channel, input);
  sockets.on('connection', (ws: WebSocket) => {
    clients.set(ws, new Connection(ws, handle, limits, log));
    ws.on('close', () => clients.delete(ws));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    clients: () => clients.size,
    close: async () => {
      unsubscribe();
      for (const ws of clients.keys()) ws.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** Maps a URL path to a file inside root; anything escaping root or missing is null. */
async function resolveStatic(root: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
  const file = resolve(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** What an upload that could not be stored tells the user (never a bare 500). */
function uploadFailure(err: NodeJS.ErrnoException, name: string): { status: number; message: string } {
  switch (err.code) {
    case 'ENOSPC':
      return { status: 507, message: `${name}: the server's disk is full. Free some space in the project folder, then upload again.` };
    case 'ENAMETOOLONG':
      return { status: 400, message: `${name.slice(0, 80)}…: the file or folder name is too long for the server's file system. Rename it, then upload again.` };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return { status: 500, message: `${name}: the project folder cannot be written on the server. Make it writable, then upload again.` };
    default:
      return { status: 500, message: `${name}: could not be stored (${err.code ?? err.message}). Upload it again.` };
  }
}
