/** The engine's model design request handlers: a measured cost estimate that never disturbs a run. */
import type { modelDesignEngineRequests } from '../protocol/model-design';
import { StudioError } from '../../api/rpc';
import type { EngineContext } from '../capability';
import type { HandlersFor } from '../../api/rpc';
import { MeasureInterrupted, measureTraining } from './measure';
import { previewGenerator } from './preview';
import { assertTrainable } from '../../shared/model-design/review';

export function modelDesignHandlers(ctx: EngineContext): HandlersFor<typeof modelDesignEngineRequests> {
  let measuring = false;
  const training = (): string | null => {
    const run = ctx.training.status();
    return run?.state === 'running'
      ? `Run ${run.runId} is training: measuring now would slow it down and give a wrong figure. Pause or stop it, then measure.`
      : null;
  };
  return {
    'generator.preview': (input) => previewGenerator(input, ctx.backend),
    'design.measure': async ({ config }) => {
      const busy = training();
      if (busy) throw new StudioError({ code: 'invalid-request', message: busy });
      if (measuring) throw new StudioError({ code: 'invalid-request', message: 'A measurement is already running: wait for it to finish.' });
      // Same checks as the forms: a config that would not fit the wasm heap is refused, not tried.
      const checked = assertTrainable(config, { backend: ctx.backend.active });
      measuring = true;
      try {
        return await measureTraining(checked, ctx.backend.active, { interrupted: training });
      } catch (err) {
        if (err instanceof MeasureInterrupted) throw new StudioError({ code: 'invalid-request', message: `Measurement stopped. ${err.message}` });
        throw err;
      } finally {
        measuring = false;
      }
    },
  };
}
