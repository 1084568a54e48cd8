// The proxy format's `{{a.b.c}}` templates and dot paths (App Connect's proxy engine semantics, proxy-format.md).

export type TemplateContext = Readonly<Record<string, unknown>>;

/** One `{{ expression }}`; the expression is a dot path, whitespace around it is allowed. */
const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const LONE_EXPRESSION = /^\{\{\s*([^{}]*?)\s*\}\}$/;
/** Segments are anything but dots, whitespace and braces: `body.items.0.id`, `X-Api-Key`, `linked_contacts`. */
const DOT_PATH = /^[^.\s{}]+(\.[^.\s{}]+)*$/;

/** A dot path (`body.contacts`, `phones.0`) or `$` (the whole value). */
export function isDotPath(path: string): boolean {
  return path === '$' || DOT_PATH.test(path);
}

/**
 * The value at `path` (`a.b.0.c`) inside `value`; undefined when any step is missing. Only own properties are
 * followed, so `{{constructor}}` or `__proto__` read nothing. `''` and `$` mean the value itself.
 */
export function getByPath(value: unknown, path: string | undefined): unknown {
  if (!path || path === '$') return value;
  let current: unknown = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** How a value reads inside a longer string: missing and null → '', objects as JSON. */
export function stringifyValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface RenderOptions {
  /**
   * Applied to each value substituted into a longer string (not to a lone expression, nor to an expression at the
   * very start of the string, which may supply a base URL). The URL renderer percent-encodes with it.
   */
  encodeEmbedded?: (text: string) => string;
}

/**
 * Renders one string. A string that is exactly one expression becomes the raw value (number, boolean, object,
 * null, or undefined when missing, so the key drops out of JSON, headers and query); expressions inside a longer
 * string are replaced by their text, missing values by ''.
 */
export function renderString(template: string, context: TemplateContext, options: RenderOptions = {}): unknown {
  const lone = LONE_EXPRESSION.exec(template);
  if (lone) return getByPath(context, lone[1]);
  return template.replace(EXPRESSION, (_match, expression: string, offset: number) => {
    const text = stringifyValue(getByPath(context, expression.trim()));
    return options.encodeEmbedded && offset > 0 ? options.encodeEmbedded(text) : text;
  });
}

/** Renders every string inside `value` (object values and array items; keys are left alone). */
export function renderDeep(value: unknown, context: TemplateContext): unknown {
  if (typeof value === 'string') return renderString(value, context);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, context)]));
  }
  return value;
}

/** The problem with the template syntax of `text`, or undefined when every `{{` closes around a dot path. */
export function templateProblem(text: string): string | undefined {
  let index = 0;
  for (;;) {
    const open = text.indexOf('{{', index);
    const strayClose = text.indexOf('}}', index);
    if (open === -1) {
      return strayClose === -1 ? undefined : `has "}}" without a matching "{{" at character ${strayClose + 1}`;
    }
    if (strayClose !== -1 && strayClose < open) return `has "}}" without a matching "{{" at character ${strayClose + 1}`;
    const close = text.indexOf('}}', open + 2);
    if (close === -1) return `has a template "{{" at character ${open + 1} that is never closed with "}}"`;
    const inner = text.slice(open + 2, close);
    if (inner.includes('{')) return `has a template "{{" at character ${open + 1} that is never closed with "}}"`;
    const expression = inner.trim();
    if (expression === '') return `has an empty template "{{}}" at character ${open + 1}`;
    if (!isDotPath(expression)) return `has a template "{{${inner}}}" that is not a dot path like {{callLog.direction}}`;
    index = close + 2;
  }
}

/** The first segment of every expression in the strings of `value`, in order of appearance, without repeats. */
export function templateRoots(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    for (const match of value.matchAll(EXPRESSION)) {
      const root = match[1]!.trim().split('.')[0]!;
      if (root && !into.includes(root)) into.push(root);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item) => templateRoots(item, into));
  } else if (value !== null && typeof value === 'object') {
    Object.values(value).forEach((item) => templateRoots(item, into));
  }
  return into;
}
