// Just enough DER to take the SubjectPublicKeyInfo out of an X.509 certificate (RFC 5280 4.1), so WebCrypto
// can import the key of a JWS x5c leaf certificate. Certificate chains are not validated: the spec's check
// "is intended as a way to catch mistakes in the signature, not as a security measure" (1.0.3 Data 2.6).
type Tlv = { tag: number; start: number; contentStart: number; end: number };

/** The DER bytes of the certificate's subjectPublicKeyInfo; throws on anything that is not a certificate. */
export function subjectPublicKeyInfo(der: Uint8Array): Uint8Array {
  const certificate = readTlv(der, 0);
  if (certificate.tag !== 0x30 || certificate.end !== der.length) throw new Error("not a DER certificate");
  const tbs = readTlv(der, certificate.contentStart);
  if (tbs.tag !== 0x30) throw new Error("no tbsCertificate");
  let field = readTlv(der, tbs.contentStart);
  if (field.tag === 0xa0) field = readTlv(der, field.end); // [0] version
  // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
  for (let skip = 0; skip < 5; skip++) field = readTlv(der, field.end);
  if (field.tag !== 0x30 || field.end > tbs.end) throw new Error("no subjectPublicKeyInfo");
  return der.subarray(field.start, field.end);
}

function readTlv(der: Uint8Array, start: number): Tlv {
  if (start + 2 > der.length) throw new Error("truncated DER");
  const tag = der[start]!;
  let length = der[start + 1]!;
  let contentStart = start + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || contentStart + octets > der.length) throw new Error("bad DER length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error("truncated DER");
  return { tag, start, contentStart, end };
}
