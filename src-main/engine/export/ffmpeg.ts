/**
 * MP4 through the machine's ffmpeg binary (shared/ffmpeg.ts finds it).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * H.264 in MP4 (yuv420p, so every player shows it) from `count` stacked raw frames. Odd sizes are
 * padded by a pixel, since the codec wants even ones; `delayMs` sets the frame rate.
 */
export async function encodeMp4(ffmpeg: string, frames: Uint8Array, width: number, frameHeight: number, channels: 1 | 3, count: number, delayMs: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'gan-mp4-'));
  const out = join(dir, 'out.mp4');
  try {
    // prettier-ignore
    const args = [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', channels === 1 ? 'gray' : 'rgb24', '-s', `${width}x${frameHeight}`, '-r', String(1000 / delayMs), '-i', 'pipe:0',
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-frames:v', String(count), '-movflags', '+faststart', out,
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed (exit ${code}): ${stderr.trim()}`))));
      child.stdin.on('error', () => undefined); // an early exit is reported by 'close'
      child.stdin.end(frames);
    });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
