/**
 * The engine's webgpu convolution backprops (im2col / col2im around tfjs' GEMM) agree with
 * tfjs-cpu's on every padding kind, uneven strides and filters, 1×1, and fall back to the stock
 * kernels for NCHW; no backend data is left behind.
 * On the adapter Dawn finds: SwiftShader here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runWebGpuScript } from '../../../../test-support/webgpu-child';

interface Report {
  skipped?: string;
  adapter?: string;
  registered?: string[];
  cases?: { name: string; dw: number; dx: number; shapes: boolean; leaked: number; shaders: string[] }[];
}

const script = fileURLToPath(new URL('../../../../test-support/webgpu-kernels.ts', import.meta.url));
let pending: Promise<Report> | undefined;
const kernelReport = () => (pending ??= runWebGpuScript<Report>(script));

describe('webgpu convolution backprops', () => {
  it('match tfjs-cpu on every geometry and leave nothing behind', async (ctx) => {
    const report = await kernelReport();
    if (report.skipped) {
      console.log(`webgpu kernel test skipped: ${report.skipped}`);
      return ctx.skip();
    }
    expect(report.registered).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'Conv2DBackpropInput']));
    expect(report.cases).toHaveLength(6);
    for (const c of report.cases!) {
      expect(c.shapes, c.name).toBe(true);
      expect(c.dw, c.name).toBeLessThan(1e-5);
      expect(c.dx, c.name).toBeLessThan(1e-5);
      expect(c.leaked, c.name).toBe(0);
      // The engine's shaders ran, not the stock kernels' (which would agree as well); NCHW is the stock one's.
      expect(c.shaders, c.name).toEqual(c.name.startsWith('NCHW') ? [] : ['ganStudioCol2Im', 'ganStudioIm2Col']);
    }
  }, 120_000);
});
