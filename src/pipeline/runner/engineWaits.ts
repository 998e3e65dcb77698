import type { NamedState } from './definitionWalk.js';

/** The first shortened wait, and how much each later one grows, up to the state's own Seconds. */
export const ENGINE_WAIT_FIRST_MS = 20;
export const ENGINE_WAIT_GROWTH = 1.2;

/**
 * Wait durations for runs against the embedded engine. A `Wait` of `Seconds: PollInterval` is right on
 * AWS, where work takes minutes, but locally the engine finishes an import in a fraction of a second,
 * so whole-second polls would make up most of a cycle. Here the n-th visit of a Wait state (counted
 * per state name, across the parallel imports' shared one too) lasts 20 ms × 1.2ⁿ, never more than the
 * state's own Seconds: a step is noticed done at most about 20% after it ended, and a loop reaches its
 * full PollInterval after about 20 polls, so the definition's poll limits still bound a loop's time.
 * The definition itself is not changed. Waits without a fixed `Seconds` keep their own duration.
 *
 * The interpreter reads `waitTimeOverrides[stateName]` once as each Wait starts, so each entry is a
 * getter that hands out the next duration.
 */
export function engineWaitOverrides(states: readonly NamedState[]): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const { name, state } of states) {
    if (state.Type !== 'Wait' || typeof state.Seconds !== 'number') continue;
    const fullMs = state.Seconds * 1000;
    let visits = 0;
    Object.defineProperty(overrides, name, {
      enumerable: true,
      get: () => engineWaitMs(visits++, fullMs),
    });
  }
  return overrides;
}

/** The `visit`-th (0-based) shortened wait of a state whose own wait is `fullMs`. */
export function engineWaitMs(visit: number, fullMs: number): number {
  return Math.min(fullMs, Math.round(ENGINE_WAIT_FIRST_MS * ENGINE_WAIT_GROWTH ** visit));
}
