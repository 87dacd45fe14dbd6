import { describe, expect, it } from 'vitest';
import { EditHistory } from './edit-history';

describe('EditHistory', () => {
  it('undoes and redoes steps, grouping quick changes into one', () => {
    const history = new EditHistory({ lr: 1, batch: 64 }, 500);
    expect(history.canUndo).toBe(false);
    history.record({ lr: 2, batch: 64 }, 1000);
    history.record({ lr: 20, batch: 64 }, 1100); // still typing: the same step
    history.record({ lr: 20, batch: 32 }, 3000);
    expect(history.undo()).toEqual({ lr: 20, batch: 64 });
    expect(history.undo()).toEqual({ lr: 1, batch: 64 });
    expect(history.undo()).toBeNull();
    expect(history.redo()).toEqual({ lr: 20, batch: 64 });
    expect(history.canRedo).toBe(true);
  });

  it('keeps quick changes to different fields apart (two clicks are two steps)', () => {
    const history = new EditHistory({ loss: 'bce', norm: 'batch' }, 500);
    history.record({ loss: 'wgan-gp', norm: 'batch' }, 1000);
    history.record({ loss: 'wgan-gp', norm: 'none' }, 1100);
    expect(history.undo()).toEqual({ loss: 'wgan-gp', norm: 'batch' });
  });

  it('does not record a restored value or an unchanged one, and a new edit drops the redo steps', () => {
    const history = new EditHistory({ a: 1 }, 500);
    history.record({ a: 2 }, 1000);
    const back = history.undo()!;
    history.record(back, 1001); // the store echoing the restored value
    expect(history.canRedo).toBe(true);
    history.record({ a: 3 }, 1002);
    expect(history.canRedo).toBe(false);
    expect(history.undo()).toEqual({ a: 1 });
  });

  it('keeps at most `limit` steps', () => {
    const history = new EditHistory(0, 0, 3);
    for (let i = 1; i <= 10; i++) history.record(i, i * 1000);
    const seen: (number | null)[] = [];
    for (let i = 0; i < 5; i++) seen.push(history.undo());
    expect(seen).toEqual([9, 8, 7, null, null]);
  });
});
