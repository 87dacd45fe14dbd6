/**
 * The machinery shared by every typed channel in GAN Studio: request/reply envelopes and the error
 * shape. Pure TypeScript + zod so the renderer, main and engine can all import it.
 */
import { z } from 'zod';

export const errorCodes = [
  'invalid-request',
  'unknown-channel',
  'engine-unavailable',
  'engine-error',
  'forbidden',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const studioErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Which fields failed validation, as "path: message" lines, when code is invalid-request. */
  issues: z.array(z.string()).optional(),
});
export type StudioErrorShape = z.infer<typeof studioErrorSchema>;

/** Thrown by clients when a reply carries an error; `code` lets the UI choose what to say. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  readonly issues: string[] | undefined;
  constructor(shape: StudioErrorShape) {
    super(shape.message);
    this.name = 'StudioError';
    this.code = shape.code;
    this.issues = shape.issues;
  }
  toShape(): StudioErrorShape {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: StudioErrorShape };

export interface RequestSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}
export type RequestSpecs = Record<string, RequestSpec>;
export type EventSpecs = Record<string, z.ZodType>;

export type InputOf<S extends RequestSpecs, C extends keyof S> = z.input<S[C]['input']>;
export type OutputOf<S extends RequestSpecs, C extends keyof S> = z.output<S[C]['output']>;
export type PayloadOf<E extends EventSpecs, N extends keyof E> = z.output<E[N]>;

/** The handler table for a slice of a spec table, in main (StudioApi) and in the engine alike. */
export type HandlersFor<S extends RequestSpecs> = {
  [C in keyof S]: (input: z.output<S[C]['input']>) => Promise<z.output<S[C]['output']>>;
};

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/**
 * Validates an untrusted (channel, payload) pair against a spec table. Returns the parsed input or
 * the error reply to send back, so a bad message never reaches a handler.
 */
export function parseRequest<S extends RequestSpecs>(
  specs: S,
  channel: unknown,
  payload: unknown,
): { ok: true; channel: keyof S & string; input: unknown } | { ok: false; error: StudioErrorShape } {
  if (typeof channel !== 'string') {
    // Never String() an untrusted value: a deeply nested array overflows the stack in toString.
    const kind = channel === null ? 'null' : Array.isArray(channel) ? 'an array' : `a ${typeof channel}`;
    return { ok: false, error: { code: 'invalid-request', message: `A request's channel must be a string, not ${kind}.` } };
  }
  if (!Object.hasOwn(specs, channel)) {
    return { ok: false, error: { code: 'unknown-channel', message: `Unknown request channel: ${JSON.stringify(channel.slice(0, 80))}` } };
  }
  const parsed = specs[channel]!.input.safeParse(payload);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid-request', message: `Invalid payload for ${channel}`, issues: formatIssues(parsed.error) },
    };
  }
  return { ok: true, channel, input: parsed.data };
}

export function toErrorShape(err: unknown): StudioErrorShape {
  if (err instanceof StudioError) return err.toShape();
  const parsed = studioErrorSchema.safeParse(err);
  if (parsed.success) return parsed.data;
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
