import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../errors/app-error';

/**
 * Limits every admin request is held to before its DTO is looked at. PostgreSQL cannot store U+0000 in text or a lone
 * UTF-16 surrogate (it has no UTF-8 form), and a deeply nested body overflows the stack of class-transformer and
 * class-validator, which recurse; so these are refused here, iteratively, with a 400 naming the field.
 */
export const INPUT_LIMITS = {
  /** Nesting of objects and arrays (a proxy connector config, the deepest document accepted, needs about 8). */
  maxDepth: 32,
  /** Values (strings, numbers, objects, …) in one body; a 1 MiB body of tiny values stays far below the cost cap. */
  maxNodes: 20_000,
  /** One string: the longest legitimate one is a plugin's note (64 KiB, MAX_NOTE_LENGTH); short of a denial of service. */
  maxStringLength: 65_536,
  /** One object key. */
  maxKeyLength: 200,
} as const;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one string, in words that follow the field name; undefined when it is fine. */
export function stringProblem(value: string, maxLength: number = INPUT_LIMITS.maxStringLength): string | undefined {
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  if (value.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds a lone surrogate)';
  return undefined;
}

const join = (path: string, key: string | number): string => (path ? `${path}.${key}` : String(key));

/**
 * Walks `value` without recursion and returns the first problem as `{ field, message }`, the field being a dot path
 * under `root` (empty root: paths start at the top-level key).
 */
export function inputProblem(value: unknown, root = ''): { field: string; message: string } | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    nodes += 1;
    const field = item.path || 'body';
    if (nodes > INPUT_LIMITS.maxNodes) return { field: root || 'body', message: `${root || 'body'} has more than ${INPUT_LIMITS.maxNodes} values` };
    if (typeof item.value === 'string') {
      const problem = stringProblem(item.value);
      if (problem) return { field, message: `${field} ${problem}` };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= INPUT_LIMITS.maxDepth) return { field, message: `${field} is nested more than ${INPUT_LIMITS.maxDepth} levels deep` };
    if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i -= 1) stack.push({ value: item.value[i], path: join(item.path, i), depth: item.depth + 1 });
      continue;
    }
    const keys = Object.keys(item.value);
    for (let i = keys.length - 1; i >= 0; i -= 1) {
      const key = keys[i];
      const keyProblem = stringProblem(key, INPUT_LIMITS.maxKeyLength);
      const keyLabel = keyProblem ? key.slice(0, 40).replace(/[^\x20-\x7e]/g, '?') : key;
      if (keyProblem) return { field: join(item.path, keyLabel), message: `the name of ${join(item.path, keyLabel)} ${keyProblem}` };
      stack.push({ value: (item.value as Record<string, unknown>)[key], path: join(item.path, key), depth: item.depth + 1 });
    }
  }
  return undefined;
}

/**
 * Global pipe, placed before the DTO validation pipe: bodies, query strings and route parameters of every controller
 * are checked with inputProblem. (The RingCentral webhook is an Express route of its own and never reaches here.)
 */
@Injectable()
export class InputGuardPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    // A named parameter (@Param('id'), @Query('from')) is the field; a whole body or query object is walked from its keys.
    const problem = inputProblem(value, metadata.data ?? '');
    if (problem) throw AppError.validation(problem.field, problem.message);
    return value;
  }
}
