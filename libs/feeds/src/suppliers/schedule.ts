import type { SupplierSchedule } from '@synq/database';

const FIELDS: [string, number, number][] = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['day of week', 0, 7],
];

/** Parses a 5-field cron expression (UTC) into the allowed values per field; throws with a reason. */
export function parseCron(expr: string): Set<number>[] {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error('cron must have 5 fields: minute hour day-of-month month day-of-week');
  return parts.map((part, i) => {
    const [name, min, max] = FIELDS[i];
    const set = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw new Error(`cron ${name} "${item}" is not valid`);
      const step = m[4] ? Number(m[4]) : 1;
      const lo = m[1] === '*' ? min : Number(m[2]);
      const hi = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] ? max : lo;
      if (lo < min || hi > max || lo > hi || step < 1) throw new Error(`cron ${name} "${item}" is out of range ${min}-${max}`);
      for (let v = lo; v <= hi; v += step) set.add(i === 4 && v === 7 ? 0 : v);
    }
    return set;
  });
}

/** The first minute strictly after `from` that the cron expression matches (UTC), within ~4 years. */
export function nextCron(expr: string, from: Date): Date {
  const [min, hour, dom, mon, dow] = parseCron(expr);
  const domAny = expr.trim().split(/\s+/)[2] === '*';
  const dowAny = expr.trim().split(/\s+/)[4] === '*';
  const d = new Date(from.getTime());
  d.setUTCSeconds(0, 0);
  d.setUTCMinutes(d.getUTCMinutes() + 1);
  const limit = from.getTime() + 4 * 366 * 24 * 3600_000;
  while (d.getTime() <= limit) {
    if (!mon.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    // cron semantics: when both day fields are restricted, either may match
    const dayOk = domAny && dowAny ? true : domAny ? dow.has(d.getUTCDay()) : dowAny ? dom.has(d.getUTCDate()) : dom.has(d.getUTCDate()) || dow.has(d.getUTCDay());
    if (!dayOk) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!hour.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!min.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d;
  }
  throw new Error('cron never matches');
}

/** When a scheduled supplier runs next after `from` (null: no schedule). */
export function nextRunAt(schedule: SupplierSchedule | null | undefined, from: Date): Date | null {
  if (!schedule) return null;
  if (schedule.interval_minutes) return new Date(from.getTime() + schedule.interval_minutes * 60_000);
  if (schedule.cron) return nextCron(schedule.cron, from);
  return null;
}
