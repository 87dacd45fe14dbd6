/** Keyboard shortcuts a view binds on the window, without stealing keys from whatever has focus. */

const OWNS_SPACE = 'input, textarea, select, button, a[href], summary, [contenteditable], [role="slider"], [role="button"]';

/**
 * True for a plain Space press meant for the view: not repeated, no modifier, and not on a control
 * where Space already means something (typing, pressing a button, moving a slider).
 */
export function isViewSpace(event: KeyboardEvent): boolean {
  if (event.key !== ' ' || event.repeat || event.defaultPrevented) return false;
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return false;
  const target = event.target instanceof Element ? event.target : null;
  return !target?.closest(OWNS_SPACE);
}

/** Where undo and redo keys belong to the text being edited, not to the view. */
const OWNS_UNDO = 'input[type="text"], input[type="number"], input:not([type]), textarea, [contenteditable]';

/** Ctrl/Cmd+Z undoes and Ctrl/Cmd+Shift+Z or Ctrl+Y redoes the view's last change, except while typing. */
export function viewUndoRedo(event: KeyboardEvent): 'undo' | 'redo' | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey || event.defaultPrevented) return null;
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest(OWNS_UNDO)) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
  return key === 'y' ? 'redo' : null;
}

/** Where a letter or arrow key belongs to the control that has focus. */
const OWNS_KEYS = 'input, textarea, select, [contenteditable], [role="slider"]';

/** True for a plain press of `key` (e.g. 'n', 'ArrowRight') meant for the view, not for a focused control. */
export function isViewKey(event: KeyboardEvent, key: string): boolean {
  if (event.key.toLowerCase() !== key.toLowerCase() || event.defaultPrevented) return false;
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return false;
  const target = event.target instanceof Element ? event.target : null;
  return !target?.closest(OWNS_KEYS);
}
