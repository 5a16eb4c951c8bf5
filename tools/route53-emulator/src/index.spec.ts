import { queryDns, rcodeOf } from '../test/helpers';
import { readyEvent, RunningEmulator, startEmulator } from './index';
import { RCODE } from './resolver';

describe('startEmulator', () => {
  let emulator: RunningEmulator | undefined;

  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it("prints the ready line the local-stack script parses, with the startup zones' ids", async () => {
    emulator = await startEmulator({ port: 0, dnsPort: 0, zones: ['Example.com', 'example.org.'] });
    const line = readyEvent(emulator);
    expect(line).not.toContain('\n');
    const event: unknown = JSON.parse(line);
    expect(event).toEqual({
      event: 'ready',
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      dnsPort: emulator.dnsPort,
      zones: [
        { name: 'example.com.', id: expect.stringMatching(/^\/hostedzone\/Z[A-Z0-9]{13,21}$/) },
        { name: 'example.org.', id: expect.stringMatching(/^\/hostedzone\/Z[A-Z0-9]{13,21}$/) },
      ],
    });
    expect(Object.keys(event as object)).toEqual(['event', 'apiUrl', 'dnsPort', 'zones']);
  });

  it('gives a startup zone the id it is asked for, also after a reset', async () => {
    emulator = await startEmulator({ port: 0, dnsPort: 0, zones: ['fixed.test=Z0LOCAL'] });
    expect(emulator.zones).toEqual([{ name: 'fixed.test.', id: '/hostedzone/Z0LOCAL' }]);
    await fetch(`${emulator.apiUrl}/_emulator/reset`, { method: 'POST' });
    const zone = await fetch(`${emulator.apiUrl}/2013-04-01/hostedzone/Z0LOCAL`);
    expect(zone.status).toBe(200);
  });

  it('serves startup zones over DNS at once, whatever the INSYNC delay', async () => {
    emulator = await startEmulator({
      port: 0,
      dnsPort: 0,
      insyncDelayMs: 60_000,
      zones: ['example.com'],
    });
    const reply = await queryDns(emulator.dnsPort, 'example.com', 'NS');
    expect(rcodeOf(reply)).toBe(RCODE.NOERROR);
    expect(reply.answers).toHaveLength(4);
  });

  it('frees its ports on close', async () => {
    const first = await startEmulator({ port: 0, dnsPort: 0 });
    const port = Number(new URL(first.apiUrl).port);
    const dnsPort = first.dnsPort;
    await first.close();
    emulator = await startEmulator({ port, dnsPort });
    expect(emulator.apiUrl).toBe(`http://127.0.0.1:${port}`);
    expect(emulator.dnsPort).toBe(dnsPort);
  });

  it('answers 413 to a request body over 4 MiB', async () => {
    emulator = await startEmulator({ port: 0, dnsPort: 0 });
    const response = await fetch(`${emulator.apiUrl}/2013-04-01/hostedzone`, {
      method: 'POST',
      body: 'x'.repeat(4 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
  });

  it('refuses an invalid startup zone', async () => {
    await expect(startEmulator({ zones: ['bad..zone'] })).rejects.toThrow('DomainLabelEmpty');
  });
});
