/** Epoch ms as `2026-03-01 06:00:00 UTC`; the dashboard, like the scheduler, speaks UTC. */
export function formatTime(at: number | null): string {
  return at === null ? '—' : `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatDurationMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long ago (or from now) a time is, in the largest whole unit: `5 min ago`, `in 2 h`. */
export function formatAge(at: number, now: number): string {
  const delta = Math.abs(now - at) / 1000;
  const [value, unit] =
    delta < 60
      ? [Math.round(delta), 's']
      : delta < 3600
        ? [Math.round(delta / 60), 'min']
        : delta < 172_800
          ? [Math.round(delta / 3600), 'h']
          : [Math.round(delta / 86_400), 'days'];
  return at <= now ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

export function formatMetricValue(value: number | undefined | null): string {
  return value === undefined || value === null ? 'n/a' : value.toFixed(4);
}
