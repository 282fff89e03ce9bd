import {
  GraftError,
  type AdapterChoice,
  type GrowRule,
  type Mapping,
  type SelectRule,
  type UnlinkedPolicy,
} from '../../model';

// The closed vocabularies of a mapping document, checked wherever values enter from outside
// (a parsed file, a change sent by the app or the CLI).

export const SELECT_RULES: readonly SelectRule[] = ['l1', 'l2', 'bn-gamma', 'first', 'uniform'];
export const GROW_RULES: readonly GrowRule[] = ['zeros', 'target', 'replicate'];
export const UNLINKED_POLICIES: readonly UnlinkedPolicy[] = ['keep', 'zeros'];

function describe(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

export function checkOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  where: string,
): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new GraftError(
      'mapping',
      `${where} is ${describe(value)}; expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkAdapter(value: unknown, where: string): asserts value is AdapterChoice {
  if (!isRecord(value)) throw new GraftError('mapping', `${where} must be an object, got ${describe(value)}`);
  const optional = <T extends string>(key: string, allowed: readonly T[]) => {
    if (value[key] !== undefined) checkOneOf(value[key], allowed, `${where}.${key}`);
  };
  optional('select', SELECT_RULES);
  optional('grow', GROW_RULES);
  optional('spatial', ['center', 'corner']);
  optional('head', ['first', 'target']);
  if (value.reshape !== undefined && typeof value.reshape !== 'boolean') {
    throw new GraftError('mapping', `${where}.reshape is ${describe(value.reshape)}; expected true or false`);
  }
  const known = new Set(['select', 'grow', 'spatial', 'head', 'reshape']);
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new GraftError(
      'mapping',
      `${where} has unknown field '${unknown[0]}'; allowed: ${[...known].join(', ')}`,
    );
  }
}

export function checkDefaults(value: unknown, where: string): asserts value is Mapping['defaults'] {
  if (!isRecord(value)) throw new GraftError('mapping', `${where} must be an object, got ${describe(value)}`);
  checkOneOf(value.select, SELECT_RULES, `${where}.select`);
  checkOneOf(value.grow, GROW_RULES, `${where}.grow`);
  checkOneOf(value.unlinked, UNLINKED_POLICIES, `${where}.unlinked`);
}
