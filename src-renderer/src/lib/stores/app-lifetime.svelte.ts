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
import { useStudio, type StudioStore } from './studio.svelte';

/** Creates `create()` owned by a never-destroyed effect root, not by the calling component. */
export function createForApp<T>(create: () => T): T {
  let value!: T;
  // The root tracks nothing (untrack), so it never re-runs and never creates a second store.
  $effect.root(() => {
    value = untrack(create);
  });
  return value;
}

/**
 * The app's one way to declare a store (lib/stores/*): `export const fooStore = defineStore((studio) => …)`.
 * The lookup gives the window's one store, created on first use with `createForApp` (so it outlives
 * whichever view asked first) and keyed by the window's studio store (a test or a second window
 * gets its own). Inside a component, `fooStore()` finds the studio in the context; elsewhere pass it.
 */
export function defineStore<T>(create: (studio: StudioStore) => T): (studio?: StudioStore) => T {
  const stores = new WeakMap<StudioStore, T>();
  return (studio = useStudio()) => {
    let store = stores.get(studio);
    if (!store) {
      store = createForApp(() => create(studio));
      stores.set(studio, store);
    }
    return store;
  };
}
