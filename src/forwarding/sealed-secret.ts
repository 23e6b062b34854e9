// Forwarder secrets (a webhook's signing secret, a destination LRS's Basic secret) are stored sealed: AES-GCM
// under a key derived with HKDF from a server secret, the forwarder's id as associated data (a sealed value
// copied onto another row does not open). A leaked D1 backup then holds no usable destination credential.
//
// Key material: LRS_FORWARD_SECRET when set, else the same chain as LRS_CURSOR_SECRET (bootstrap secret,
// session secret, admin token). Unlike the cursor key there is no per-isolate random fallback: a secret sealed
// under it could never be opened by another isolate, so with no server secret at all sealing refuses.
import { deriveKey } from "../auth/secrets";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VERSION = "v1";
let cachedKey: { material: string; key: Promise<CryptoKey> } | undefined;

export type SealingEnv = {
  LRS_FORWARD_SECRET?: string;
  LRS_BOOTSTRAP_SECRET?: string;
  LRS_SESSION_SECRET?: string;
  LRS_ADMIN_TOKEN?: string;
};

function keyMaterial(env: SealingEnv): string {
  const configured = [env.LRS_FORWARD_SECRET, env.LRS_BOOTSTRAP_SECRET, env.LRS_SESSION_SECRET, env.LRS_ADMIN_TOKEN];
  const secret = configured.find((value) => typeof value === "string" && value !== "");
  if (secret === undefined) throw new Error("no server secret to seal forwarder secrets with: set LRS_FORWARD_SECRET");
  return secret;
}

function sealingKey(material: string): Promise<CryptoKey> {
  if (cachedKey?.material !== material) {
    const key = deriveKey(material, "edge-lrs forwarder secrets", VERSION, { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]);
    cachedKey = { material, key };
  }
  return cachedKey.key;
}

export async function sealSecret(env: SealingEnv, forwarderId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await sealingKey(keyMaterial(env));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(forwarderId) },
    key,
    encoder.encode(secret),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** The secret; throws when the value was sealed for another forwarder or under another server secret. */
export async function openSecret(env: SealingEnv, forwarderId: string, sealed: string): Promise<string> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) throw new Error("unreadable sealed forwarder secret");
  const key = await sealingKey(keyMaterial(env));
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(forwarderId) },
    key,
    fromBase64(data),
  );
  return decoder.decode(plain);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
