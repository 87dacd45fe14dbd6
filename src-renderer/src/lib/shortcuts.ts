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
