/** Hook priorities: mmcv/runner/priority.py. Lower runs first; equal priorities keep registration order. */
export const Priority = Object.freeze({
  HIGHEST: 0,
  VERY_HIGH: 10,
  HIGH: 30,
  ABOVE_NORMAL: 40,
  NORMAL: 50,
  BELOW_NORMAL: 60,
  LOW: 70,
  VERY_LOW: 90,
  LOWEST: 100,
});

export type PriorityName = keyof typeof Priority;

/** `get_priority`: an int in [0, 100] or a name (any case). */
export function getPriority(priority: number | string): number {
  if (typeof priority === 'number') {
    if (!Number.isInteger(priority) || priority < 0 || priority > 100) throw new RangeError(`priority must be an integer between 0 and 100, got ${priority}`);
    return priority;
  }
  const key = priority.toUpperCase() as PriorityName;
  if (!(key in Priority)) throw new RangeError(`unknown priority '${priority}' (valid: ${Object.keys(Priority).join(', ')} or 0-100)`);
  return Priority[key];
}

/** The name of a priority value, or the number itself (for the hook table in the log). */
export function priorityName(p: number): string {
  return (Object.entries(Priority).find(([, v]) => v === p)?.[0]) ?? String(p);
}
