/** Main's model design handlers: saved configs in the project's configs/, and the engine's measure and Sample. */
import type { modelDesignRequests } from '../api/model-design';
import type { HandlersFor } from '../api/rpc';
import { configsDirOf } from '../project/layout';
import { deleteConfig, listConfigs, readConfig, saveConfig } from '../project/saved-configs';
import type { StudioContext } from './capability';

export function modelDesignStudioHandlers(ctx: StudioContext): HandlersFor<typeof modelDesignRequests> {
  const configsDir = () => configsDirOf(ctx.requireProject().dir);
  return {
    'samples.preview': (input) => ctx.engine.request('generator.preview', input),
    'design.list': () => listConfigs(configsDir()),
    'design.save': ({ name, config, replace }) => saveConfig(configsDir(), name, config, replace),
    'design.duplicate': async ({ name, as }) => {
      const dir = configsDir();
      return saveConfig(dir, as, (await readConfig(dir, name)).config, false);
    },
    'design.delete': async ({ name }) => ({ deleted: await deleteConfig(configsDir(), name) }),
    'design.measure': (input) => ctx.engine.request('design.measure', input),
  };
}
