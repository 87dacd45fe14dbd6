/** Reads and writes a draft's setting by its dotted path ('optimizer.gLr'), so one field component serves them all. */
import type { ConfigDraft } from '../train-validation';

type Node = Record<string, unknown>;

export function getAt(draft: ConfigDraft, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Node | undefined)?.[key], draft);
}

export function setAt(draft: ConfigDraft, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Node>((node, key) => node[key] as Node, draft as unknown as Node);
  parent[last] = value;
}
