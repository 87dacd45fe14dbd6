/**
 * Stores that live as long as the app, however they are first reached.
 *
 * A `$derived` (a class field too) belongs to the effect that is running when it is created. A store
 * created lazily by the first view that uses it would belong to that view: once the view is
 * destroyed (on the first switch to another view), its deriveds go inert and keep their last value
 * — Svelte's `derived_inert` warning, and a Model view whose cost, review and Save stayed on an
 * old config. Created here, inside an effect root of their own that nothing destroys, they follow
 * their state for the app's lifetime.
 */
import { untrack } from 'svelte';

/** Creates `create()` owned by a never-destroyed effect root, not by the calling component. */
export function createForApp<T>(create: () => T): T {
  let value!: T;
  // The root tracks nothing (untrack), so it never re-runs and never creates a second store.
  $effect.root(() => {
    value = untrack(create);
  });
  return value;
}

/** The one `T` per key (a client, the studio), created on first use with `createForApp`. */
export function appStore<K extends object, T>(stores: WeakMap<K, T>, key: K, create: () => T): T {
  let store = stores.get(key);
  if (!store) {
    store = createForApp(create);
    stores.set(key, store);
  }
  return store;
}
