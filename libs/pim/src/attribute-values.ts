import type { AttributeType } from '@synq/database';
import type { ErrorDetail } from '@synq/common';

export type AttributeValue = string | number | boolean;

export interface AttributeDefinition {
  slug: string;
  type: AttributeType;
  options: string[];
}

/**
 * Checks attribute values against their definitions. `null` means "remove this value" (allowed on
 * update). Returns the errors, each naming `attributes.<slug>`.
 */
export function checkAttributeValues(
  values: Record<string, unknown>,
  defs: Map<string, AttributeDefinition>,
  field = 'attributes',
): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  for (const [slug, value] of Object.entries(values)) {
    const name = `${field}.${slug}`;
    const def = defs.get(slug);
    if (!def) {
      errors.push({ field: name, message: `${name}: no attribute with slug "${slug}" exists` });
      continue;
    }
    if (value === null) continue;
    switch (def.type) {
      case 'NUMBER':
        if (typeof value !== 'number' || !Number.isFinite(value)) errors.push({ field: name, message: `${name} must be a number` });
        break;
      case 'BOOLEAN':
        if (typeof value !== 'boolean') errors.push({ field: name, message: `${name} must be true or false` });
        break;
      case 'SELECT':
        if (typeof value !== 'string' || !def.options.includes(value)) {
          errors.push({ field: name, message: `${name} must be one of: ${def.options.join(', ')}` });
        }
        break;
      default:
        if (typeof value !== 'string') errors.push({ field: name, message: `${name} must be a string` });
        else if (value.length > 5000) errors.push({ field: name, message: `${name} must be at most 5000 characters` });
    }
  }
  return errors;
}

/** Applies an update map (null removes a key) to the current values. */
export function mergeAttributeValues(
  current: Record<string, AttributeValue>,
  update: Record<string, AttributeValue | null>,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}
