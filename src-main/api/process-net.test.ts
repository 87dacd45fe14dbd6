import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { installSafetyNet, isWasmAbort } from './process-net';

const net = fileURLToPath(new URL('./process-net.ts', import.meta.url));

/** Runs a real Node process (through tsx) and collects what it printed and how it ended. */
function runNode(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// A server whose request handler throws and whose other handler rejects, then keeps answering.
const serverScript = (withNet: boolean) => `
  import { createServer, get } from 'node:http';
  ${withNet ? `const { installSafetyNet } = await import(${JSON.stringify(net)}); installSafetyNet(process, { name: 'test server' });` : ''}
  const server = createServer((req, res) => {
    if (req.url === '/throw') setImmediate(() => { throw new Error('handler threw'); });
    if (req.url === '/reject') Promise.reject(new Error('handler rejected'));
    res.end('ok ' + req.url);
  });
  server.listen(0, '127.0.0.1', async () => {
    const fetchText = (path) => new Promise((r, j) => get('http://127.0.0.1:' + server.address().port + path, (res) => { let t = ''; res.on('data', (d) => t += d); res.on('end', () => r(t)); }).on('error', j));
    await fetchText('/throw');
    await fetchText('/reject');
    await new Promise((r) => setTimeout(r, 50));
    console.log(await fetchText('/after'));
    server.close();
  });
`;

describe('process safety net', () => {
  it('keeps a server answering after a handler throws and another rejects', async () => {
    const { code, stdout, stderr } = await runNode(serverScript(true));
    expect(stdout.trim()).toBe('ok /after');
    expect(code).toBe(0);
    expect(stderr).toContain('test server: uncaught exception (logged, still serving): Error: handler threw');
    expect(stderr).toContain('test server: unhandled rejection (logged, still serving): Error: handler rejected');
  }, 30_000);

  it('(without it, the same server dies on the first throw)', async () => {
    const { code, stdout } = await runNode(serverScript(false));
    expect(stdout).not.toContain('ok /after');
    expect(code).not.toBe(0);
  }, 30_000);

  it('hands a fatal error (an aborted wasm runtime) to onFatal instead of carrying on', () => {
    const proc = new EventEmitter();
    const logged: string[] = [];
    const fatal: unknown[] = [];
    installSafetyNet(proc as never, { name: 'engine', log: (m) => logged.push(m), isFatal: isWasmAbort, onFatal: (e) => fatal.push(e) });
    proc.emit('unhandledRejection', new Error('Aborted(). Build with -sASSERTIONS for more info.'));
    proc.emit('uncaughtException', new Error('some bug'));
    expect(fatal).toHaveLength(1);
    expect(logged[0]).toMatch(/^engine: fatal unhandled rejection, restarting/);
    expect(logged[1]).toMatch(/^engine: uncaught exception \(logged, still serving\): Error: some bug/);
  });
});
