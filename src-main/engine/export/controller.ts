/**
 * Runs one export at a time in the engine, reports its progress as 'export.progress' events and
 * cancels it on request. Errors a user can act on (disk full, read-only folder, name taken,
 * changed checkpoint) reach the renderer as invalid-request errors with their own words.
 */
import { StudioError } from '../../api/rpc';
import type { ExportProgress, ExportRequest } from '../../api/export';
import type { EmitEvent } from '../protocol';
import type { GeneratorCache } from '../sampling';
import { ExportError } from './folder';
import { runExport, type RunExportInput, type RunExportResult } from './run';

export class ExportController {
  private running: { kind: ExportRequest['kind']; name: string; cancelled: boolean } | null = null;

  constructor(
    private readonly generators: GeneratorCache,
    private readonly emit: EmitEvent,
  ) {}

  async run(input: RunExportInput): Promise<RunExportResult> {
    if (this.running) {
      throw new StudioError({ code: 'invalid-request', message: `An export (${this.running.name}) is already running: wait for it or cancel it.` });
    }
    const current = { kind: input.request.kind, name: input.request.name ?? input.request.kind, cancelled: false };
    this.running = current;
    const send = (payload: ExportProgress) => this.emit('export.progress', payload);
    try {
      return await runExport(input, {
        generators: this.generators,
        started: (name) => {
          current.name = name;
          send({ name, kind: current.kind, phase: 'load', done: 0, total: 1 });
        },
        progress: (phase, done, total) => send({ name: current.name, kind: current.kind, phase, done, total }),
        cancelled: () => current.cancelled,
      });
    } catch (err) {
      if (err instanceof ExportError) throw new StudioError({ code: 'invalid-request', message: err.message });
      throw err;
    } finally {
      this.running = null;
    }
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.cancelled = true;
    return true;
  }
}
