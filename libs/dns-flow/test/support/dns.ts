import { createSocket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';

export interface DnsAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'OTHER';
  /** As a user writes them: addresses, hosts, "10 mail.example.com", TXT strings joined. */
  values: string[];
}

const RCODE_MASK = 0xf;

/** One UDP question (with EDNS, so long TXT answers fit) to the emulator's DNS server. */
export async function lookup(
  port: number,
  name: string,
  type: dnsPacket.RecordType,
): Promise<DnsAnswer> {
  const socket = createSocket('udp4');
  const id = Math.floor(Math.random() * 0xffff);
  try {
    const packet = await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no DNS answer for ${name} ${type}`)), 2_000);
      socket.on('error', reject);
      socket.on('message', (message) => {
        const decoded = dnsPacket.decode(message);
        if (decoded.id !== id) return;
        clearTimeout(timer);
        resolve(decoded);
      });
      socket.send(
        dnsPacket.encode({
          type: 'query',
          id,
          questions: [{ type, name }],
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
    const code = (packet.flags ?? 0) & RCODE_MASK;
    return {
      rcode: code === 0 ? 'NOERROR' : code === 3 ? 'NXDOMAIN' : 'OTHER',
      values: (packet.answers ?? []).flatMap((answer) =>
        answer.type === type ? [text(answer)] : [],
      ),
    };
  } finally {
    socket.close();
  }
}

function text(answer: dnsPacket.Answer): string {
  switch (answer.type) {
    case 'MX':
      return `${answer.data.preference} ${answer.data.exchange}`;
    case 'TXT': {
      const chunks = Array.isArray(answer.data) ? answer.data : [answer.data];
      return chunks.map((chunk) => chunk.toString()).join('');
    }
    default:
      return 'data' in answer ? String(answer.data) : '';
  }
}
