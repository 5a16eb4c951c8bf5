import * as dgram from 'node:dgram';
import { createServer, isIPv6, Server, Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Packet } from 'dns-packet';
import { Logger } from './http';
import { RCODE, resolve, Resolution } from './resolver';
import { PublishedZone } from './store';

export interface DnsServerOptions {
  readonly host: string;
  /** 0 picks a port that is free for both UDP and TCP. */
  readonly port: number;
  readonly zones: () => readonly PublishedZone[];
  readonly log: Logger;
}

export interface DnsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Without EDNS a UDP answer may not exceed 512 octets (RFC 1035); with it, what the client offers. */
const CLASSIC_UDP_LIMIT = 512;
const MAX_UDP_LIMIT = 4096;
/** What this server offers in its own OPT record, the size the DNS flag day of 2020 settled on. */
const ADVERTISED_UDP_SIZE = 1232;
const TCP_IDLE_TIMEOUT_MS = 30_000;
const BIND_ATTEMPTS = 10;

/** An authoritative name server over UDP and TCP (length-prefixed, RFC 1035 4.2.2) on one port. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const answer = (message: Buffer, udpLimit: number | undefined): Buffer | undefined => {
    try {
      return respond(message, options.zones, udpLimit);
    } catch (error) {
      options.log(`DNS error: ${String(error)}`);
      return failure(message, RCODE.SERVFAIL);
    }
  };

  for (let attempt = 1; ; attempt += 1) {
    const udp = dgram.createSocket(isIPv6(options.host) ? 'udp6' : 'udp4');
    await bindUdp(udp, options.port, options.host);
    const port = udp.address().port;
    const sockets = new Set<Socket>();
    const tcp = createServer((socket) => serveTcp(socket, sockets, answer));
    try {
      await listenTcp(tcp, port, options.host);
    } catch (error) {
      await closeUdp(udp);
      const taken =
        typeof error === 'object' &&
        error !== null &&
        'code' in error &&
        error.code === 'EADDRINUSE';
      // A port picked for UDP can already be taken for TCP; only then is another pick worth it.
      if (options.port === 0 && taken && attempt < BIND_ATTEMPTS) continue;
      throw error;
    }
    udp.on('message', (message, remote) => {
      const reply = answer(message, undefined);
      if (reply) udp.send(reply, remote.port, remote.address);
    });
    udp.on('error', (error) => options.log(`DNS UDP error: ${error.message}`));
    return {
      port,
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await Promise.all([closeUdp(udp), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}

function serveTcp(
  socket: Socket,
  sockets: Set<Socket>,
  answer: (message: Buffer, udpLimit: number | undefined) => Buffer | undefined,
): void {
  sockets.add(socket);
  let pending = Buffer.alloc(0);
  socket.setTimeout(TCP_IDLE_TIMEOUT_MS, () => socket.destroy());
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      const reply = answer(message, Number.POSITIVE_INFINITY);
      if (!reply) continue;
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length);
      socket.write(Buffer.concat([prefix, reply]));
    }
  });
}

/**
 * The reply to one DNS message; `udpLimit` is undefined for UDP (the limit then follows EDNS)
 * and infinite for TCP. Responses and undecodable messages without an id get no reply.
 */
export function respond(
  message: Buffer,
  zones: () => readonly PublishedZone[],
  udpLimit: number | undefined,
): Buffer | undefined {
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    return failure(message, RCODE.FORMERR);
  }
  if (query.type === 'response') return undefined;
  const flags = query.flags ?? 0;
  const opcode = (flags >> 11) & 0xf;
  const opt = query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
  const limit =
    udpLimit ??
    (opt
      ? Math.min(Math.max(opt.udpPayloadSize, CLASSIC_UDP_LIMIT), MAX_UDP_LIMIT)
      : CLASSIC_UDP_LIMIT);
  const question = query.questions?.[0];

  let resolution: Resolution;
  let extendedRcode = 0;
  if (opcode !== 0) {
    resolution = empty(RCODE.NOTIMP);
  } else if (!question || query.questions?.length !== 1) {
    resolution = empty(RCODE.FORMERR);
  } else if (opt && opt.ednsVersion !== 0) {
    // BADVERS (16): its upper eight bits travel in the OPT record, the lower four are zero.
    resolution = empty(RCODE.NOERROR);
    extendedRcode = 1;
  } else {
    resolution = resolve(zones(), question);
  }

  const header =
    (opcode << 11) |
    (resolution.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    (flags & dnsPacket.RECURSION_DESIRED) |
    (flags & dnsPacket.CHECKING_DISABLED) |
    resolution.rcode;
  const ednsReply: Answer[] = opt
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: ADVERTISED_UDP_SIZE,
          extendedRcode,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];
  const packet: Packet = {
    type: 'response',
    id: query.id ?? 0,
    flags: header,
    questions: query.questions ?? [],
    answers: resolution.answers,
    authorities: resolution.authorities,
    additionals: [...resolution.additionals, ...ednsReply],
  };
  const encoded = dnsPacket.encode(packet);
  if (encoded.length <= limit) return encoded;
  // Too big for this datagram: send the header with TC set so the client retries over TCP.
  return dnsPacket.encode({
    ...packet,
    flags: header | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
    additionals: ednsReply,
  });
}

function empty(rcode: number): Resolution {
  return { rcode, authoritative: false, answers: [], authorities: [], additionals: [] };
}

/** A bare error reply that echoes the id, for messages that cannot be decoded or answered. */
function failure(message: Buffer, rcode: number): Buffer | undefined {
  const header = message[2];
  // Never answer what claims to be a response: two servers could bounce errors forever.
  if (header === undefined || header & 0x80) return undefined;
  return dnsPacket.encode({
    type: 'response',
    id: message.readUInt16BE(0),
    flags: rcode,
    questions: [],
  });
}

function bindUdp(socket: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolvePromise();
    });
  });
}

function listenTcp(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
}

function closeUdp(socket: dgram.Socket): Promise<void> {
  return new Promise((resolvePromise) => socket.close(() => resolvePromise()));
}
