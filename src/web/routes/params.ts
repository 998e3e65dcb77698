/** A run id from a path: digits only, else not a run (a 404, not a 400: the page simply does not exist). */
export function parseRunId(text: string): number | undefined {
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined;
}

export const MAX_LIMIT = 1000;

/** `?limit=`: a whole number from 1 to 1000; anything else is the default. */
export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined || !/^[0-9]{1,4}$/.test(text)) return fallback;
  const limit = Number(text);
  return limit >= 1 && limit <= MAX_LIMIT ? limit : fallback;
}
