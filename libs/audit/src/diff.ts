import type { AuditChanges } from '@synq/database';

const SECRET_KEYS = /password|secret|token|key_?hash|keyhash|credential/i;

function normalise(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v;
}

/**
 * Field-level difference between two plain objects: `{field: {from, to}}` for every field whose
 * value changed. Secret-looking fields are recorded as changed without their values.
 */
export function diffObjects(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): AuditChanges {
  const out: AuditChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of keys) {
    if (k === 'updatedAt' || k === 'updated_at') continue;
    const a = normalise(before?.[k]);
    const b = normalise(after?.[k]);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (SECRET_KEYS.test(k)) {
      out[k] = { from: a === undefined ? undefined : '[redacted]', to: b === undefined ? undefined : '[redacted]' };
    } else {
      out[k] = { from: a, to: b };
    }
  }
  return out;
}
