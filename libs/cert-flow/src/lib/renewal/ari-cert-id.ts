import { X509Certificate } from 'node:crypto';

/** A DER element: its tag, where its content starts and ends. */
interface Der {
  tag: number;
  start: number;
  end: number;
}

function readDer(bytes: Buffer, offset: number): Der {
  const tag = bytes[offset] ?? -1;
  let length = bytes[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let index = 0; index < octets; index += 1)
      length = length * 256 + (bytes[start + index] ?? 0);
    start += octets;
  }
  if (tag < 0 || start + length > bytes.length) throw new Error('truncated DER');
  return { tag, start, end: start + length };
}

function children(bytes: Buffer, parent: Der): Der[] {
  const items: Der[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const item = readDer(bytes, offset);
    items.push(item);
    offset = item.end;
  }
  return items;
}

// 2.5.29.35, authorityKeyIdentifier.
const AKI_OID = Buffer.from([0x55, 0x1d, 0x23]);

/**
 * The certificate's ARI identifier (RFC 9773 §4.1): base64url of the keyIdentifier of its
 * Authority Key Identifier extension, a dot, base64url of its serial number's DER content bytes
 * (with the leading zero DER puts before a high bit). Undefined for a certificate without an AKI
 * key identifier, which ARI cannot name.
 */
export function ariCertId(certificatePem: string): string | undefined {
  const der = new X509Certificate(certificatePem).raw;
  const [tbs] = children(der, readDer(der, 0));
  if (!tbs) return undefined;
  const fields = children(der, tbs);
  // An explicit version ([0]) comes before the serial in every v3 certificate.
  const serial = fields[0]?.tag === 0xa0 ? fields[1] : fields[0];
  const extensions = fields.find((field) => field.tag === 0xa3);
  if (!serial || serial.tag !== 0x02 || !extensions) return undefined;
  const [list] = children(der, extensions);
  for (const extension of list ? children(der, list) : []) {
    const [oid, ...rest] = children(der, extension);
    if (!oid || !der.subarray(oid.start, oid.end).equals(AKI_OID)) continue;
    const value = rest.find((item) => item.tag === 0x04);
    if (!value) return undefined;
    const [aki] = children(der, value);
    // keyIdentifier is [0] IMPLICIT OCTET STRING.
    const keyIdentifier = aki ? children(der, aki).find((item) => item.tag === 0x80) : undefined;
    if (!keyIdentifier) return undefined;
    return (
      der.subarray(keyIdentifier.start, keyIdentifier.end).toString('base64url') +
      '.' +
      der.subarray(serial.start, serial.end).toString('base64url')
    );
  }
  return undefined;
}
