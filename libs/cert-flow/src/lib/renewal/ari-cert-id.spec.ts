import { ariCertId } from './ari-cert-id';

// Issued by Pebble 2.4 (Debian) to a Starchart worker; openssl x509 -serial -ext authorityKeyIdentifier:
// serial=279E0BE0123D8228, AKI 31:61:E6:94:F1:65:66:05:3E:0B:27:34:16:28:41:9C:D8:39:A8:71.
const PEBBLE_LEAF = [
  '-----BEGIN CERTIFICATE-----',
  'MIIC0DCCAbigAwIBAgIIJ54L4BI9gigwDQYJKoZIhvcNAQELBQAwKDEmMCQGA1UE',
  'AxMdUGViYmxlIEludGVybWVkaWF0ZSBDQSA2NjBmNWQwHhcNMjYxMjA3MTkwNzA2',
  'WhcNMzExMjA3MTkwNzA1WjAnMSUwIwYDVQQDExxhcmk3NTMyZGZhN2I0LnN0YXJj',
  'aGFydC50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgDrOVNadUuEp39xT',
  '6YeFqu2fOQeTONh+4wdF8rqA+E9s5Sm8A+W+S/gkYdpzr7XfyuDHtfGYypA3z5Sb',
  'Q6k86aOByTCBxjAOBgNVHQ8BAf8EBAMCBaAwHQYDVR0lBBYwFAYIKwYBBQUHAwEG',
  'CCsGAQUFBwMCMAwGA1UdEwEB/wQCMAAwHQYDVR0OBBYEFAymyw9ooOU4efKmPLBB',
  'czXmrzzfMB8GA1UdIwQYMBaAFDFh5pTxZWYFPgsnNBYoQZzYOahxMEcGA1UdEQRA',
  'MD6CHGFyaTc1MzJkZmE3YjQuc3RhcmNoYXJ0LnRlc3SCHiouYXJpNzUzMmRmYTdi',
  'NC5zdGFyY2hhcnQudGVzdDANBgkqhkiG9w0BAQsFAAOCAQEAwVuoZ5Wg+SMMJBEJ',
  'CGLyKEn4eGrcOHEeCX8IiJdgdDYk/9eKNAc5pjAkeAh4FYsa7oIAQsBpyU8jYeiE',
  '0TdOUCVBy2G48Y9jogpbDYr2/ETVd21lw1o1mzNxoPfm9aMGOmzQvi6BU0oEeZOw',
  'xn66Ajb3dGfUfII2c0YzJGaDTtdtxCU+qFMUA8e6qY2mtC5aq1EPIVCbi9jNHYro',
  'ogQzCi1i8l4RUR/yLVkIqugrHOgNOdrg/qfSw/xklrvKwFRPnmWkUhjTWR6nr8A3',
  'wX51EKAuplBbebdw9kF1jGXo49UY4gXomDusLBtBFsc+VVLVxxcXu5GzhqRjOZq9',
  'QWIviA==',
  '-----END CERTIFICATE-----',
].join('\n');

// The example of RFC 9773 §4.1 (AKI 69:88:5B:…:C8:D4, serial 0x87654321, whose high bit makes
// DER prefix a zero byte), self-signed with openssl so that its AKI is that key identifier.
const RFC_EXAMPLE = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBczCCARigAwIBAgIFAIdlQyEwCgYIKoZIzj0EAwIwFjEUMBIGA1UEAwwLYXJp',
  'LmV4YW1wbGUwHhcNMjYxMjA3MTkwNzE0WhcNMjcwMTA2MTkwNzE0WjAWMRQwEgYD',
  'VQQDDAthcmkuZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGR09nkE',
  'km3lLdKkoK9JEFJtLV3PNYuScGJU8b9RSgm+NWdmiNP4fo8alLZBaRoeTa7vn70C',
  'XYwFfQrISEb/7tujUzBRMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFGmIW2uH',
  'RkBB4bN7hHugrizeAcjUMB8GA1UdIwQYMBaAFGmIW2uHRkBB4bN7hHugrizeAcjU',
  'MAoGCCqGSM49BAMCA0kAMEYCIQChJBiMslRyMDvSAu98loTMJnhOdUGT0sTn7Uh/',
  'etEzSAIhANz/2nI0Fsho6CulexSNalEUbEl0eMfCcm17QfglZje/',
  '-----END CERTIFICATE-----',
].join('\n');

// openssl req -x509 … -addext authorityKeyIdentifier=none -addext subjectKeyIdentifier=none
const WITHOUT_AKI = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBMzCB2qADAgECAgEFMAoGCCqGSM49BAMCMBkxFzAVBgNVBAMMDm5vLWFraS5l',
  'eGFtcGxlMB4XDTI2MTIwNzE5MDcxN1oXDTI3MDEwNjE5MDcxN1owGTEXMBUGA1UE',
  'AwwObm8tYWtpLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQi/jzJ',
  'mqqaA300Z6I6+j8SxUHhH5y7rkYJZZDRlMLIGOogzkYrYRBtv2WfLOFu4vbBSdt7',
  'sePVtC8xOIamsJrtoxMwETAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gA',
  'MEUCIQDOeSlmUPGgOxJuQ7292Bu5e/EM14SMD7vvCQcmf/3mRAIgPsSl7ni650n9',
  'YiVVGpobkT4/GfqpdeThjljrDzlSn7I=',
  '-----END CERTIFICATE-----',
].join('\n');

describe('ariCertId', () => {
  it('names a Pebble-issued certificate by its AKI key identifier and serial, as openssl reads them', () => {
    expect(ariCertId(PEBBLE_LEAF)).toBe('MWHmlPFlZgU-Cyc0FihBnNg5qHE.J54L4BI9gig');
  });

  it('gives the RFC 9773 example its certID, the serial with the zero byte DER puts before a high bit', () => {
    expect(ariCertId(RFC_EXAMPLE)).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });

  it('has no certID for a certificate without an Authority Key Identifier', () => {
    expect(ariCertId(WITHOUT_AKI)).toBeUndefined();
  });
});
