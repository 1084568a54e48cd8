import fc from 'fast-check';
import { AppError } from '../common/errors/app-error';
import { parseConfig, parseInstallSettings, parseManifest, parsePatch, parsePluginId } from './plugin-input.validation';

const MANIFEST = {
  name: 'stamper',
  endpointUrl: 'https://stamper.example.com/plugin/sync',
  userRegisterEndpointUrl: 'https://stamper.example.com/admin/register',
  supportedLogTypes: ['call'],
  isAsync: false,
  pageContent: [{ const: 'suffix', title: 'Marker', type: 'inputField' }],
};

/** AppError 400 naming a field, or a value: nothing else may come out of the plugin input checks. */
function expectValidationOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).field).toEqual(expect.any(String));
  }
}

describe('plugin input validation (property-based)', () => {
  const value = fc.oneof(fc.anything(), fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', '\ud800', 'http://[::1]/', 'x'.repeat(100_000)));
  const keys = fc.constantFrom('name', 'endpointUrl', 'userRegisterEndpointUrl', 'tokenSyncUrl', 'licenseStatusUrl', 'supportedLogTypes', 'isAsync', 'pageContent', 'version', 'config', 'position', 'enabled', 'failurePolicy', 'timeoutMs', 'maxAttempts', 'suffix');

  it('manifests, ids, configs, install settings and patches: a result or a 400 naming the field', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, value, { maxKeys: 6 }), value, (changes, other) => {
        const raw = { ...MANIFEST, ...changes };
        expectValidationOnly(() => parseManifest(raw));
        expectValidationOnly(() => parseManifest(other));
        const manifest = parseManifest(MANIFEST);
        expectValidationOnly(() => parsePluginId(other, manifest));
        expectValidationOnly(() => parseConfig(other, manifest));
        expectValidationOnly(() => parseConfig({ suffix: { value: other } }, manifest));
        expectValidationOnly(() => parseInstallSettings(changes));
        expectValidationOnly(() => parsePatch(changes, manifest));
        expectValidationOnly(() => parsePatch(other, manifest));
      }),
      { numRuns: 1000 },
    );
  });
});
