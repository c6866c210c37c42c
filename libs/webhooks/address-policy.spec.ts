import { checkWebhookTarget, classifyAddress } from './address-policy';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'carrier-nat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['11.0.0.1', 'public'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
    ['2400:cb00:2048:1::c629:d7a2', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each(['', 'localhost', '1.2.3', '256.1.1.1', '::g', '1::2::3', 'example.com'])(
    '%p is not an address',
    (text) => {
      expect(classifyAddress(text)).toBe('invalid');
    },
  );
});

describe('checkWebhookTarget', () => {
  // A fake resolver: no DNS, no traffic.
  const dns =
    (table: Record<string, string[]>) =>
    async (host: string): Promise<{ address: string; family: number }[]> => {
      const list = table[host];
      if (!list) throw new Error('ENOTFOUND');
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };

  it('refuses non-http schemes and credentials', async () => {
    expect((await checkWebhookTarget('ftp://example.com/x', [], dns({}))).ok).toBe(false);
    expect((await checkWebhookTarget('file:///etc/passwd', [], dns({}))).ok).toBe(false);
    expect((await checkWebhookTarget('https://u:p@example.com/', [], dns({}))).ok).toBe(false);
    expect((await checkWebhookTarget('not a url', [], dns({}))).ok).toBe(false);
  });

  it('refuses a host when any resolved address is not public', async () => {
    const r = await checkWebhookTarget(
      'https://rebind.example/hook',
      [],
      dns({ 'rebind.example': ['93.184.216.34', '10.0.0.5'] }),
    );
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/private/);
  });

  it('refuses IP literals in private ranges, including bracketed IPv6', async () => {
    for (const url of [
      'http://127.0.0.2:8080/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:192.168.0.1]/',
      'http://0.0.0.0/',
    ]) {
      expect((await checkWebhookTarget(url, [], dns({}))).ok).toBe(false);
    }
  });

  it('accepts public hosts and allow-listed private hosts', async () => {
    expect(
      (await checkWebhookTarget('https://hooks.example/x', [], dns({ 'hooks.example': ['93.184.216.34'] })))
        .ok,
    ).toBe(true);
    const allowed = await checkWebhookTarget('http://127.0.0.1:9999/hook', ['127.0.0.1'], dns({}));
    expect(allowed).toEqual({ ok: true, addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect((await checkWebhookTarget('http://127.0.0.2:9999/hook', ['127.0.0.1'], dns({}))).ok).toBe(false);
  });

  it('refuses a host that does not resolve', async () => {
    expect((await checkWebhookTarget('https://nowhere.example/', [], dns({}))).ok).toBe(false);
  });
});
