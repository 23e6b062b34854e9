// Signed statements (1.0.3 Data 2.6; 9274.1.1 4.2.6), sent the way the conformance suite's signStatement
// builds them: the JWS over the statement without attachments, then the signature attachment added.
import { beforeAll, describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../../helpers";
import { statement, type Json } from "../fixtures";
import { concatBytes, decoder, encoder, parseMultipartResponse, sha256 } from "./multipart";
import { TEST_CERTIFICATE, TEST_PRIVATE_KEY } from "./signing-certificate";

const SIGNATURE = "http://adlnet.gov/expapi/attachments/signature";
const HASHES = { RS256: "SHA-256", RS384: "SHA-384", RS512: "SHA-512" } as const;
type Rs = keyof typeof HASHES;
const keys = {} as Record<Rs, CryptoKeyPair>;

beforeAll(async () => {
  for (const [alg, hash] of Object.entries(HASHES)) {
    keys[alg as Rs] = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
  }
});

function base64url(bytes: Uint8Array | string): string {
  const data = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
  return btoa(String.fromCharCode(...data)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function jws(payload: unknown, header: Json, key: CryptoKey, algorithm: string = "RSASSA-PKCS1-v1_5"): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(typeof payload === "string" ? payload : JSON.stringify(payload))}`;
  const signature = new Uint8Array(await crypto.subtle.sign(algorithm, key, encoder.encode(input)));
  return `${input}.${base64url(signature)}`;
}

async function certificateKey(): Promise<CryptoKey> {
  const der = Uint8Array.from(atob(TEST_PRIVATE_KEY), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
}

/** The suite's multipart body: statement with the signature attachment, then the JWS part. */
async function signedBody(signed: Json, token: string, boundary: string, contentType = "application/octet-stream") {
  const bytes = encoder.encode(token);
  const withSignature = {
    ...signed,
    attachments: [{ usageType: SIGNATURE, display: { "en-US": "Signed by the test" }, contentType, length: bytes.length, sha2: await sha256(bytes) }],
  };
  return concatBytes(
    `\r\n--${boundary}\r\nContent-Type:application/json\r\n\r\n`,
    JSON.stringify(withSignature),
    `\r\n--${boundary}\r\nContent-Type:${contentType}\r\nContent-Transfer-Encoding:binary\r\nX-Experience-API-Hash:${await sha256(bytes)}\r\n\r\n`,
    bytes,
    `\r\n--${boundary}--`,
  );
}

async function send(body: Uint8Array, boundary: string, version: string): Promise<Response> {
  return xapi("/statements", { method: "POST", body, version, headers: { "Content-Type": `multipart/mixed; boundary=${boundary}` } });
}

async function post(signed: Json, token: string, version: string, received: Json = signed, contentType?: string) {
  const boundary = `-------------${Math.floor(Math.random() * 0xffffffff)}`;
  const res = await send(await signedBody(received, token, boundary, contentType), boundary, version);
  const text = await res.text();
  return { status: res.status, text };
}

describe.each(VERSIONS)("signed statements (%s)", (version) => {
  it.each(Object.keys(HASHES) as Rs[])("accepts a statement signed with %s and keeps the signature", async (alg) => {
    const signed = statement({ id: crypto.randomUUID() });
    const token = await jws(signed, { alg }, keys[alg].privateKey);
    const res = await post(signed, token, version);
    expect(res.status, res.text).toBe(200);
    const get = await xapi(`/statements?statementId=${signed.id}&attachments=true`, { version });
    const parts = parseMultipartResponse(get.headers.get("Content-Type")!, new Uint8Array(await get.arrayBuffer()));
    expect(decoder.decode(parts[1]!.body)).toBe(token);
  });

  it("verifies against the x5c certificate when the header carries one", async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const good = await jws(signed, { alg: "RS256", x5c: [TEST_CERTIFICATE] }, await certificateKey());
    expect((await post(signed, good, version)).status).toBe(200);

    const otherKey = await jws(signed, { alg: "RS256", x5c: [TEST_CERTIFICATE] }, keys.RS256.privateKey);
    const wrongKey = await post(signed, otherKey, version);
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.text).toContain("x5c");

    const [head, payload, signature] = good.split(".") as [string, string, string];
    const flipped = `${head}.${payload}.${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`;
    expect((await post(signed, flipped, version)).status).toBe(400);
    const notACertificate = await jws(signed, { alg: "RS256", x5c: [btoa("not a certificate")] }, await certificateKey());
    expect((await post(signed, notACertificate, version)).status).toBe(400);
  });

  it("rejects other algorithms: HS256 and none", async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const hmac = (await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"])) as CryptoKey;
    const hs256 = await post(signed, await jws(signed, { alg: "HS256" }, hmac, "HMAC"), version);
    expect(hs256.status).toBe(400);
    expect(hs256.text).toContain("RS256, RS384 or RS512");
    const none = `${base64url(JSON.stringify({ alg: "none" }))}.${base64url(JSON.stringify(signed))}.`;
    expect((await post(signed, none, version)).status).toBe(400);
  });

  it("rejects a JWS that is malformed or whose payload is not JSON", async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const broken = JSON.stringify(signed).replace('"', "'");
    expect((await post(signed, await jws(broken, { alg: "RS256" }, keys.RS256.privateKey), version)).status).toBe(400);
    for (const token of ["not a jws", "a.b", "a.b.c.d", "e30.e30.!!!!", `${base64url("[1]")}.${base64url("{}")}.AAAA`]) {
      expect((await post(signed, token, version)).status, token).toBe(400);
    }
  });

  it("rejects a signature attachment whose contentType is not application/octet-stream", async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const token = await jws(signed, { alg: "RS256" }, keys.RS256.privateKey);
    expect((await post(signed, token, version, signed, "text/plain; charset=ascii")).status).toBe(400);
  });

  it("rejects a statement that differs from the signed payload, and allows what the LRS may change", async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const token = await jws(signed, { alg: "RS512" }, keys.RS512.privateKey);
    const tampered = { ...signed, verb: { id: "http://example.com/verbs/forged", display: { "en-US": "forged" } } };
    expect((await post(signed, token, version, tampered)).status).toBe(400);
    expect((await post(signed, token, version, { ...signed, id: crypto.randomUUID() })).status).toBe(400);

    // The payload without an id (the LRS may assign one) and with an authority the LRS replaces.
    const { id: _id, ...withoutId } = signed;
    const lenient = await jws({ ...withoutId, authority: { mbox: "mailto:signer@example.com" } }, { alg: "RS256" }, keys.RS256.privateKey);
    expect((await post(signed, lenient, version, { ...signed, id: crypto.randomUUID() })).status).toBe(200);
  });

  it("checks each statement of a batch against its own signature", async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const token = await jws(signed, { alg: "RS384" }, keys.RS384.privateKey);
    const bytes = encoder.encode(token);
    const sha2 = await sha256(bytes);
    const attachment = { usageType: SIGNATURE, display: { "en-US": "sig" }, contentType: "application/octet-stream", length: bytes.length, sha2 };
    const boundary = "batchboundary";
    const build = (batch: Json[]) =>
      concatBytes(
        `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(batch)}\r\n`,
        `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`,
        bytes,
        `\r\n--${boundary}--\r\n`,
      );
    const ok = await send(build([statement(), { ...signed, attachments: [attachment] }]), boundary, version);
    expect(ok.status, await ok.text()).toBe(200);
    const other = statement({ object: { objectType: "Activity", id: "http://example.com/activities/other" } });
    const reused = await send(build([signed, { ...other, attachments: [attachment] }]), boundary, version);
    expect(reused.status).toBe(400);
  });

  it("compares durations at 0.01 s (1.0.3 Data 4.6.s1.b5; 9274.1.1 4.2.7)", async () => {
    const signed = statement({ id: crypto.randomUUID(), result: { duration: "P1DT12H36M0.12S" } });
    const token = await jws(signed, { alg: "RS256" }, keys.RS256.privateKey);
    const received = { ...signed, result: { duration: "P1DT12H36M0.1237S" } };
    expect((await post(signed, token, version, received)).status).toBe(200);
    const differs = { ...signed, result: { duration: "P1DT12H36M0.13S" } };
    expect((await post(signed, token, version, differs)).status).toBe(400);
  });

  it(`${version === "1.0.3" ? "accepts" : "rejects"} the JWS JSON serialization (compact is ${version === "1.0.3" ? "SHOULD*" : "shall"})`, async () => {
    const signed = statement({ id: crypto.randomUUID() });
    const [encodedProtected, payload, signature] = (await jws(signed, { alg: "RS256", x5c: [TEST_CERTIFICATE] }, await certificateKey())).split(".");
    const flattened = JSON.stringify({ payload, protected: encodedProtected, signature });
    const general = JSON.stringify({ payload, signatures: [{ protected: encodedProtected, header: { kid: "test" }, signature }] });
    const expected = version === "1.0.3" ? 200 : 400;
    expect((await post(signed, flattened, version)).status).toBe(expected);
    expect((await post(signed, general, version)).status).toBe(expected);
    const forged = JSON.stringify({ payload, protected: encodedProtected, signature: `${signature!.slice(0, -4)}AAAA` });
    expect((await post(signed, forged, version)).status).toBe(400);
    const unprotectedAlg = JSON.stringify({ payload, header: { alg: "HS256" }, signature });
    expect((await post(signed, unprotectedAlg, version)).status).toBe(400);
  });
});
