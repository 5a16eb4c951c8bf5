import * as dnsPacket from 'dns-packet';
import { createSocket } from 'node:dgram';

/** One UDP question with EDNS, the way Pebble and resolvers ask the emulator's DNS server. */
export async function queryDns(
  port: number,
  name: string,
  type: dnsPacket.RecordType,
): Promise<dnsPacket.DecodedPacket> {
  const socket = createSocket('udp4');
  const id = Math.floor(Math.random() * 0xffff);
  try {
    return await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no DNS answer for ${name} ${type}`)), 2_000);
      socket.on('error', reject);
      socket.on('message', (message) => {
        const packet = dnsPacket.decode(message);
        if (packet.id !== id) return;
        clearTimeout(timer);
        resolve(packet);
      });
      socket.send(
        dnsPacket.encode({
          type: 'query',
          id,
          questions: [{ type, name }],
          // EDNS lets a 600-character TXT answer fit in one UDP datagram (over 512 octets).
          additionals: [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 4096,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ],
        }),
        port,
        '127.0.0.1',
      );
    });
  } finally {
    socket.close();
  }
}

/** The data of every answer of `type`: addresses for A, arrays of strings for TXT. */
export function answerData(packet: dnsPacket.DecodedPacket, type: dnsPacket.RecordType): unknown[] {
  return (packet.answers ?? []).flatMap((answer) =>
    answer.type === type && 'data' in answer ? [answer.data] : [],
  );
}

export interface DnsAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN' | `RCODE${number}`;
  /** As a user writes them: addresses, hosts, "10 mail.example.com", TXT strings joined. */
  data: string[];
}

const RCODE_MASK = 0x0f;
const NXDOMAIN = 3;

/** One question to the emulator's DNS server, its answer as text. */
export async function lookupDns(
  port: number,
  name: string,
  type: dnsPacket.RecordType,
): Promise<DnsAnswer> {
  const packet = await queryDns(port, name, type);
  const code = (packet.flags ?? 0) & RCODE_MASK;
  return {
    rcode: code === 0 ? 'NOERROR' : code === NXDOMAIN ? 'NXDOMAIN' : `RCODE${code}`,
    data: (packet.answers ?? []).flatMap((answer) =>
      answer.type === type ? [answerText(answer)] : [],
    ),
  };
}

function answerText(answer: dnsPacket.Answer): string {
  switch (answer.type) {
    case 'MX':
      return `${answer.data.preference} ${answer.data.exchange}`;
    case 'TXT': {
      const chunks = Array.isArray(answer.data) ? answer.data : [answer.data];
      return chunks.map((chunk) => chunk.toString()).join('');
    }
    case 'SRV':
      return `${answer.data.priority ?? 0} ${answer.data.weight ?? 0} ${answer.data.port ?? 0} ${answer.data.target}`;
    case 'CAA':
      return `${answer.data.flags ?? 0} ${answer.data.tag} "${answer.data.value}"`;
    default:
      return 'data' in answer ? String(answer.data) : '';
  }
}
