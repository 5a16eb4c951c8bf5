import { testStack, uniqueId } from '@starchart/testing';
import { authoritativeServersAnswer, dnsServerAddress } from './challenge-dns';

describe('the challenge DNS check', () => {
  it('takes a DNS server by name, as docker compose names it, and asks its address', async () => {
    const { dnsPort, rootDomain } = testStack().emulator;
    const server = await dnsServerAddress(`localhost:${dnsPort}`);
    expect(server).toBe(`127.0.0.1:${dnsPort}`);
    await expect(
      authoritativeServersAnswer(
        `_acme-challenge.${uniqueId('nobody')}.${rootDomain}`,
        ['x'],
        [server],
      ),
    ).resolves.toBe(false);
  });

  it('keeps a server given as an address', async () => {
    await expect(dnsServerAddress('192.0.2.53:1053')).resolves.toBe('192.0.2.53:1053');
  });
});
