import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectorConfigError } from '../connector-config.error';
import { parseProxyConfig } from './proxy-config.validation';

const SAMPLE = JSON.parse(readFileSync(join(process.cwd(), 'src/connectors/proxy/sample-crm.proxy-config.json'), 'utf8')) as Record<string, unknown>;

/** Sets `value` at a random place in a copy of `doc` (a path of existing keys, then one more key). */
function mutate(doc: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') break;
    node = next as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? 'x'] = value;
  return copy;
}

const keys = fc.constantFrom('meta', 'auth', 'requestDefaults', 'operations', 'findContact', 'createCallLog', 'updateCallLog', 'getUserList', 'url', 'method', 'headers', 'defaultHeaders', 'baseUrl', 'responseMapping', 'listPath', 'idPath', 'item', 'scheme', 'credentialTemplate', 'logFormat', 'phoneNumberFormats', 'Authorization', 'X-Key', 'timeoutSeconds', 'body', 'query');
const nasty = fc.oneof(fc.anything(), fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', 'a\r\nb', '\ud800', '📞', '{{', '{{a}', 'http://127.0.0.1/', 'x'.repeat(10_000), 'body..id'));

/** Issue 16: any config gets the answer "valid" or a ConnectorConfigError naming a path, never another exception. */
describe('proxy config validation (property-based)', () => {
  it('answers any value with a parsed config or a ConnectorConfigError', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          parseProxyConfig(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ConnectorConfigError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('answers the sample config with one value changed anywhere the same way, and never accepts a header HTTP cannot carry', () => {
    fc.assert(
      fc.property(fc.array(keys, { minLength: 1, maxLength: 4 }), nasty, (path, value) => {
        const doc = mutate(SAMPLE, path, value);
        try {
          const parsed = parseProxyConfig(doc);
          const headers = [parsed.requestDefaults?.defaultHeaders ?? {}, ...Object.values(parsed.operations).map((op) => (op as { headers?: Record<string, unknown> }).headers ?? {})];
          for (const map of headers) for (const v of Object.values(map)) expect(String(v)).toMatch(/^[\t\x20-\x7e]*$/);
        } catch (error) {
          expect(error).toBeInstanceOf(ConnectorConfigError);
          expect((error as ConnectorConfigError).path).toEqual(expect.any(String));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
