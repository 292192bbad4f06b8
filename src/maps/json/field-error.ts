// A JSON value that does not fit its layout, with the path of the offending field.

export class JsonFieldError extends Error {
  constructor(
    /** "addr", "ports[1]", "tuple.saddr"; "" for the value itself. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(field === '' ? reason : `${field}: ${reason}`);
    this.name = 'JsonFieldError';
  }
}

export function fieldPath(parent: string, child: string): string {
  if (parent === '' || child === '') return parent + child;
  return child.startsWith('[') ? parent + child : `${parent}.${child}`;
}

/** Runs `run`, moving the field of any JsonFieldError under `prefix`. */
export function underField<T>(prefix: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof JsonFieldError) throw new JsonFieldError(fieldPath(prefix, e.field), e.reason);
    throw e;
  }
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A short rendering of a JSON value for error messages. */
export function describeJson(json: unknown): string {
  if (json === undefined) return 'nothing';
  const text = JSON.stringify(json) ?? String(json);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
