// The rules of a model config's fields, and the check that names every field breaking its rule.

/** What one field must hold: a test, and the words for it in an error ("a positive integer"). */
export interface FieldRule {
  test(value: unknown): boolean;
  wants: string;
}

export const positiveInteger: FieldRule = { test: (v) => Number.isInteger(v) && (v as number) > 0, wants: 'a positive integer' };
export const positiveNumber: FieldRule = { test: (v) => typeof v === 'number' && v > 0 && v < Infinity, wants: 'a positive number' };
export const rate: FieldRule = { test: (v) => typeof v === 'number' && v >= 0 && v < 1, wants: 'a number in [0, 1)' };
export const boolean: FieldRule = { test: (v) => typeof v === 'boolean', wants: 'true or false' };
export const positiveIntegers: FieldRule = { test: (v) => Array.isArray(v) && v.every(positiveInteger.test), wants: 'an array of positive integers' };

/** A field holding one of `values` (strings). */
export function oneOf(values: readonly string[]): FieldRule {
  return { test: (v) => values.includes(v as string), wants: values.map((s) => `'${s}'`).join(' or ') };
}

/** A field that may be left out, else follows `rule`. */
export function optional(rule: FieldRule): FieldRule {
  return { test: (v) => v === undefined || rule.test(v), wants: `${rule.wants} if given` };
}

/**
 * Checks `config` against `rules`, field by field.
 * @throws Error "<model> config: <field> is missing (<wants>); <field> must be <wants>, got <value>" naming every
 * field that breaks its rule, or saying that the config is not an object.
 */
export function checkFields(model: string, config: unknown, rules: Record<string, FieldRule>): void {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new Error(`${model} config must be an object, got ${JSON.stringify(config) ?? String(config)}`);
  }
  const fields = config as Record<string, unknown>;
  const problems = Object.entries(rules)
    .filter(([name, rule]) => !rule.test(fields[name]))
    .map(([name, rule]) => (fields[name] === undefined ? `${name} is missing (${rule.wants})` : `${name} must be ${rule.wants}, got ${JSON.stringify(fields[name])}`));
  if (problems.length) throw new Error(`${model} config: ${problems.join('; ')}`);
}
