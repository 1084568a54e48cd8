import { OutboundGuard } from './outbound-guard';

const strict = new OutboundGuard({ allowPrivate: false, allowHosts: [] });

describe('OutboundGuard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses %s (%s)', (address, range) => {
    expect(strict.refusedRange(address)).toBe(range);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('allows the public address %s', (address) => {
    expect(strict.refusedRange(address)).toBeUndefined();
  });

  it('allows what the operator lists: addresses, CIDR ranges and host names', () => {
    const guard = new OutboundGuard({ allowPrivate: false, allowHosts: ['10.0.0.0/8', '::1', 'crm.internal'] });
    expect(guard.refusedRange('10.9.8.7')).toBeUndefined();
    expect(guard.refusedRange('::1')).toBeUndefined();
    expect(guard.refusedRange('192.168.0.1', 'crm.internal')).toBeUndefined();
    expect(guard.refusedRange('192.168.0.1', 'other.internal')).toBe('private');
    expect(guard.refusedRange('127.0.0.1')).toBe('loopback');
    expect(OutboundGuard.allowingAll().refusedRange('127.0.0.1')).toBeUndefined();
  });

  it.each(['http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/', 'http://localhost/', 'http://017700000001/'])(
    'refuses the URL %s at save time with a 400 naming the field',
    async (url) => {
      await expect(strict.assertAllowedUrl(url, 'connector.config.baseUrl')).rejects.toMatchObject({ status: 400, field: 'connector.config.baseUrl' });
    },
  );

  it('names the path of a refused URL inside a config, and skips templates', async () => {
    const config = { operations: { findContact: { url: '{{baseUrl}}/contacts' }, createCallLog: { url: 'http://10.0.0.1/logs' } } };
    await expect(strict.assertAllowedUrlsIn(config, 'connector.config')).rejects.toMatchObject({ field: 'connector.config.operations.createCallLog.url' });
    await expect(strict.assertAllowedUrlsIn({ baseUrl: '{{x}}' }, 'connector.config')).resolves.toBeUndefined();
  });
});
