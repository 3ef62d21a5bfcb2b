/**
 * Lookups and writes keyed by a name that came from a request or an upstream (a model, a schema
 * property, a file extension, a finish reason). A plain object answers `constructor`, `toString` or
 * `__proto__` from `Object.prototype`, and `obj['__proto__'] = v` replaces its prototype: these two
 * helpers see and write own properties only.
 */

/** `record[key]` when `key` is one of the record's own properties, else undefined. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets `record[key]` as an own, enumerable property, also when `key` is `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
