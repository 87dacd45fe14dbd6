/** The engine's side of model design: the measured cost and the Sample of an untrained generator. */
import type { RequestSpecs } from '../../api/rpc';
import { measureInput, measurementSchema } from '../../api/model-design';
import { generatorPreviewSchema, sampleGridSchema } from '../../api/schemas';

export const modelDesignEngineRequests = {
  'design.measure': { input: measureInput, output: measurementSchema },
  'generator.preview': { input: generatorPreviewSchema, output: sampleGridSchema },
} satisfies RequestSpecs;
