import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { WriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ExportFolder, freeName, sweepPartials } from './folder';

const run = promisify(execFile);
const temp = () => mkdtemp(join(tmpdir(), 'gan-export-folder-'));
/**
 * ExportFolder.create(parent) in a child process, as an unprivileged user when we are root (root
 * writes through any permission bits, which is how CI containers run).
 */
async function createAsUser(parent: string): Promise<string> {
  const script = join(await temp(), 'child.ts');
  const folderModule = fileURLToPath(new URL('./folder.ts', import.meta.url));
  await writeFile(script, `import { ExportFolder } from ${JSON.stringify(folderModule)};
ExportFolder.create(process.argv[2], 'grid', { onExisting: 'rename' }).then(() => console.log('OK'), (e) => console.log('ERR', e.message));`);
  await chmod(dirname(script), 0o755);
  const tsx = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const command = [process.execPath, tsx, script, parent];
  const argv = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...command] : command;
  const { stdout } = await run(argv[0]!, argv.slice(1));
  return stdout.trim();
}

/** A stream that accepts `limit` bytes and then fails as a full disk does. */
function fullDisk(limit: number): WriteStream {
  let written = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, callback) {
      written += chunk.length;
      if (written > limit) callback(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      else callback();
    },
  });
  return stream as unknown as WriteStream;
}

describe('ExportFolder', () => {
  it('appears under its name only when committed, with every file', async () => {
    const parent = await temp();
    const folder = await ExportFolder.create(parent, 'grid one', { onExisting: 'rename' });
    await folder.write('a.txt', [Buffer.from('hello ')  , Buffer.from('world')]);
    await folder.write('sub/b.txt', (async function* () { yield Buffer.from('x'); })());
    expect(await readdir(parent)).toEqual([expect.stringMatching(/^\.partial-\d+-[0-9a-f]+-grid one$/)]);
    const dir = await folder.commit();
    expect(dir).toBe(join(parent, 'grid one'));
    expect(await readdir(parent)).toEqual(['grid one']);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('hello world');
    expect(folder.files.map((f) => [f.name, f.bytes])).toEqual([['a.txt', 11], ['sub/b.txt', 1]]);
    expect(folder.files[0]!.sha256).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
  });

  it('never overwrites: picks a free name, or fails when asked to', async () => {
    const parent = await temp();
    await mkdir(join(parent, 'grid'));
    await writeFile(join(parent, 'grid', 'mine.png'), 'keep me');
    await mkdir(join(parent, 'grid-2'));
    expect(await freeName(parent, 'grid', 'rename')).toBe('grid-3');
    await expect(ExportFolder.create(parent, 'grid', { onExisting: 'fail' })).rejects.toThrow(/already exists.*choose another name/);
    const folder = await ExportFolder.create(parent, 'grid', { onExisting: 'rename' });
    await folder.write('x', [Buffer.from('1')]);
    expect(await folder.commit()).toBe(join(parent, 'grid-3'));
    expect(await readFile(join(parent, 'grid', 'mine.png'), 'utf8')).toBe('keep me');
  });

  it('re-checks the name at commit: a folder that appeared meanwhile is kept', async () => {
    const parent = await temp();
    const folder = await ExportFolder.create(parent, 'race', { onExisting: 'rename' });
    await folder.write('x', [Buffer.from('1')]);
    await mkdir(join(parent, 'race'));
    await writeFile(join(parent, 'race', 'other'), 'theirs');
    expect(await folder.commit()).toBe(join(parent, 'race-2'));
    expect(await readFile(join(parent, 'race', 'other'), 'utf8')).toBe('theirs');
  });

  it('a full disk gives a clear error and leaves nothing behind', async () => {
    const parent = await temp();
    const folder = await ExportFolder.create(parent, 'big', { onExisting: 'rename', openStream: () => fullDisk(1000) });
    await folder.write('small', [Buffer.alloc(500)]);
    await expect(folder.write('large', [Buffer.alloc(600), Buffer.alloc(600)])).rejects.toThrow(/disk is full.*nothing was exported/);
    await folder.abort();
    expect(await readdir(parent)).toEqual([]);
  });

  it('a read-only folder gives a clear error and leaves nothing behind', async () => {
    const parent = await temp();
    await chmod(parent, 0o555);
    try {
      expect(await createAsUser(join(parent, 'exports'))).toMatch(/^ERR Cannot write to .*exports: the folder is read-only or you lack permission/);
      expect(await createAsUser(parent)).toMatch(/^ERR .*read-only/);
      expect(await readdir(parent)).toEqual([]);
    } finally {
      await chmod(parent, 0o755);
    }
  });

  it('sweeps temp folders of writers that died', async () => {
    const parent = await temp();
    await mkdir(join(parent, '.partial-999999999-abcd-old'));
    await mkdir(join(parent, 'kept'));
    expect(await sweepPartials(parent)).toEqual(['.partial-999999999-abcd-old']);
    expect(await readdir(parent)).toEqual(['kept']);
  });
});
