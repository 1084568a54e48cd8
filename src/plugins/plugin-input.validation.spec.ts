import { AppError } from '../common/errors/app-error';
import { parseConfig, parseInstallSettings, parseManifest, parsePatch, parsePluginId } from './plugin-input.validation';

const manifest = (overrides: Record<string, unknown> = {}) => ({
  name: 'note-stamper',
  endpointUrl: 'https://plugins.example.com/plugin/sync',
  userRegisterEndpointUrl: 'https://plugins.example.com/admin/register',
  tokenSyncUrl: 'https://plugins.example.com/token/sync',
  licenseStatusUrl: '',
  supportedLogTypes: ['call'],
  isAsync: false,
  showAuthorizationButton: false,
  pageContent: [{ const: 'suffix', title: 'Note marker', type: 'inputField' }],
  ...overrides,
});

/** The field an AppError names, or the error itself when something else was thrown. */
function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) {
      expect(error.code).toBe('VALIDATION_FAILED');
      return error.field;
    }
    throw error;
  }
  return undefined;
}

describe('parseManifest', () => {
  it('keeps the entry (unknown fields included) and normalises "" URLs to absent', () => {
    const parsed = parseManifest(manifest());
    expect(parsed).toMatchObject({ name: 'note-stamper', isAsync: false, supportedLogTypes: ['call'], showAuthorizationButton: false });
    expect(parsed.licenseStatusUrl).toBeUndefined();
  });

  it.each([
    ['no endpointUrl', { endpointUrl: undefined }, 'manifest.endpointUrl'],
    ['a relative endpointUrl', { endpointUrl: '/plugin/sync' }, 'manifest.endpointUrl'],
    ['a non-http endpointUrl', { endpointUrl: 'ftp://plugins.example.com/x' }, 'manifest.endpointUrl'],
    ['credentials in a URL', { userRegisterEndpointUrl: 'https://u:p@plugins.example.com/admin/register' }, 'manifest.userRegisterEndpointUrl'],
    ['no userRegisterEndpointUrl', { userRegisterEndpointUrl: '' }, 'manifest.userRegisterEndpointUrl'],
    ['no supportedLogTypes', { supportedLogTypes: undefined }, 'manifest.supportedLogTypes'],
    ['an empty supportedLogTypes', { supportedLogTypes: [] }, 'manifest.supportedLogTypes'],
    ['an unknown log type', { supportedLogTypes: ['call', 'chat'] }, 'manifest.supportedLogTypes.1'],
    ['a non-boolean isAsync', { isAsync: 'yes' }, 'manifest.isAsync'],
    ['an async plugin without tokenSyncUrl', { isAsync: true, tokenSyncUrl: '' }, 'manifest.tokenSyncUrl'],
    ['a bad licenseStatusUrl', { licenseStatusUrl: 'license' }, 'manifest.licenseStatusUrl'],
    ['a config field without const', { pageContent: [{ title: 'x' }] }, 'manifest.pageContent.0.const'],
  ])('refuses %s, naming the field', (_what, overrides, field) => {
    expect(fieldOf(() => parseManifest(manifest(overrides)))).toBe(field);
  });

  it('refuses something that is not an object', () => {
    expect(fieldOf(() => parseManifest('https://plugins.example.com/manifest.json'))).toBe('manifest');
  });
});

describe('parsePluginId', () => {
  it('defaults to the manifest name and checks the form', () => {
    const m = parseManifest(manifest());
    expect(parsePluginId(undefined, m)).toBe('note-stamper');
    expect(parsePluginId('plugin.v2_x', m)).toBe('plugin.v2_x');
    expect(fieldOf(() => parsePluginId('has space', m))).toBe('pluginId');
    expect(fieldOf(() => parsePluginId(undefined, parseManifest(manifest({ name: undefined }))))).toBe('pluginId');
  });
});

describe('parseConfig', () => {
  const m = parseManifest(manifest());

  it('accepts {<field>: {value}} for declared fields; nothing is {}', () => {
    expect(parseConfig({ suffix: { value: '[X]', customizable: true } }, m)).toEqual({ suffix: { value: '[X]', customizable: true } });
    expect(parseConfig(undefined, m)).toEqual({});
  });

  it('refuses undeclared fields and bare values', () => {
    expect(fieldOf(() => parseConfig({ other: { value: 1 } }, m))).toBe('config.other');
    expect(fieldOf(() => parseConfig({ suffix: '[X]' }, m))).toBe('config.suffix');
    expect(fieldOf(() => parseConfig([], m))).toBe('config');
  });

  it('accepts any field when the manifest declares none', () => {
    expect(parseConfig({ anything: { value: 1 } }, parseManifest(manifest({ pageContent: undefined })))).toEqual({ anything: { value: 1 } });
  });
});

describe('install settings and patches', () => {
  const m = parseManifest(manifest());

  it('defaults: enabled, block, 10 s, 8 attempts, position last', () => {
    expect(parseInstallSettings({})).toEqual({ enabled: true, failurePolicy: 'block', timeoutMs: 10_000, maxAttempts: 8 });
  });

  it.each([
    [{ failurePolicy: 'retry' }, 'failurePolicy'],
    [{ timeoutMs: 50 }, 'timeoutMs'],
    [{ timeoutMs: 1.5e3 + 0.5 }, 'timeoutMs'],
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ position: 0 }, 'position'],
    [{ enabled: 'true' }, 'enabled'],
  ])('refuses %j', (input, field) => {
    expect(fieldOf(() => parseInstallSettings(input))).toBe(field);
    expect(fieldOf(() => parsePatch(input, m))).toBe(field);
  });

  it('a patch changes only what it names and refuses anything else', () => {
    expect(parsePatch({ position: 2, failurePolicy: 'skip' }, m)).toEqual({ position: 2, failurePolicy: 'skip' });
    expect(fieldOf(() => parsePatch({ manifest: {} }, m))).toBe('manifest');
    expect(fieldOf(() => parsePatch({ config: { nope: { value: 1 } } }, m))).toBe('config.nope');
  });
});
