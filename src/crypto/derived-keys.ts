import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A 32-byte key for one purpose, derived from the server's secret (HKDF-SHA256), so no two uses share a key. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('tessera', 'utf8'), Buffer.from(purpose, 'utf8'), 32));
}

const SEALED_PREFIX = 'v1';

/**
 * Seals short secrets (a TOTP device's) with AES-256-GCM under a key derived from the signing
 * secret: a database dump alone cannot read them. `v1$iv$ciphertext+tag`, base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = deriveKey(secret, purpose);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [SEALED_PREFIX, iv.toString('base64url'), sealed.toString('base64url')].join('$');
  }

  /** The plain text, or null when it was sealed under another key (the signing secret changed) or is damaged. */
  open(sealed: string): string | null {
    const [version, iv, body] = sealed.split('$');
    if (version !== SEALED_PREFIX || !iv || !body) return null;
    try {
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

/**
 * Small signed tokens of our own (a login challenge): `base64url(JSON).base64url(HMAC-SHA256)`
 * under a derived key, so they are not JWTs any JWT view or authenticator would take.
 */
export class SignedPayloads {
  private readonly key: Buffer;

  constructor(secret: string, purpose: string) {
    this.key = deriveKey(secret, purpose);
  }

  sign(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The payload when the signature is ours (compared in constant time), else null. */
  verify(token: string): Record<string, unknown> | null {
    if (token.length > 4096) return null;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload as Record<string, unknown> : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
