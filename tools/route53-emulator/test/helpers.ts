import * as dgram from 'node:dgram';
import { connect } from 'node:net';
import { Route53Client, Route53ServiceException } from '@aws-sdk/client-route-53';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, Packet, RecordType } from 'dns-packet';
import { EmulatorOptions, RunningEmulator, startEmulator } from '../src/index';

/** An emulator on free loopback ports; unthrottled and instantly INSYNC unless a test says otherwise. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    host: '127.0.0.1',
    port: 0,
    dnsPort: 0,
    rps: 0,
    insyncDelayMs: 0,
    ...options,
  });
}

/** The client the app uses, with retries off so that every error surfaces. */
export function route53Client(emulator: RunningEmulator): Route53Client {
  return new Route53Client({
    endpoint: emulator.apiUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' },
    maxAttempts: 1,
  });
}

export interface ControlReply {
  readonly status: number;
  readonly body: unknown;
}

export async function control(
  emulator: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<ControlReply> {
  const response = await fetch(`${emulator.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The Route 53 error a call failed with; anything else fails the test. */
export async function serviceError(call: Promise<unknown>): Promise<Route53ServiceException> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Route53ServiceException) return error;
    throw error;
  }
  throw new Error('Expected the call to fail');
}

export interface DnsQueryOptions {
  readonly tcp?: boolean;
  /** Adds an OPT record offering this UDP payload size. */
  readonly edns?: number;
  readonly id?: number;
}

let nextQueryId = 1;

export function queryDns(
  port: number,
  name: string,
  type: RecordType | 'ANY',
  options: DnsQueryOptions = {},
): Promise<DecodedPacket> {
  const id = options.id ?? (nextQueryId++ % 0xffff) + 1;
  const query: Packet = {
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    // dns-packet sends any type name it knows; ANY is one of them though its typings omit it.
    questions: [{ type: type as RecordType, name, class: 'IN' }],
    additionals:
      options.edns === undefined
        ? []
        : [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: options.edns,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
  };
  return options.tcp
    ? sendTcp(port, dnsPacket.encode(query))
    : sendUdp(port, dnsPacket.encode(query));
}

/** The RCODE of a decoded response; dns-packet decodes it but its typings leave it out. */
export function rcodeOf(packet: DecodedPacket): number {
  return (packet.flags ?? 0) & 0xf;
}

export function sendUdp(port: number, message: Buffer): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('No DNS answer over UDP within 2 s'));
    }, 2000);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(reply));
    });
    socket.send(message, port, '127.0.0.1');
  });
}

export function sendTcp(port: number, message: Buffer): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error('No DNS answer over TCP within 2 s'));
    });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      socket.end();
      resolve(dnsPacket.decode(received.subarray(2, 2 + received.readUInt16BE(0))));
    });
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(message.length);
    socket.write(Buffer.concat([prefix, message]));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
