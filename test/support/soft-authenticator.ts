import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A WebAuthn authenticator in software (as Chromium's virtual authenticator is), for HTTP tests:
 * real ES256 keys, real CBOR attestation (`none`) and real signatures over authenticator data and
 * the client data hash, so the server's WebAuthn library checks them as it checks a browser's.
 * It plays the browser's part too: client data carries `origin`.
 */
export class SoftAuthenticator {
  readonly credentials = new Map<string, { key: KeyObject; userHandle: string; counter: number }>();

  constructor(readonly origin: string, readonly rpId: string) {}

  /** `startRegistration(options)`: a new resident ES256 credential, user verified unless told. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }, { userVerified = true, origin = this.origin, rpId = this.rpId } = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([
      [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')],
    ]));
    const credentialId = randomBytes(16);
    const id = credentialId.toString('base64url');
    this.credentials.set(id, { key: privateKey, userHandle: options.user.id, counter: 0 });
    const length = Buffer.alloc(2);
    length.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([
      sha256(rpId), Buffer.from([flags(userVerified) | 0x40]), Buffer.alloc(4), Buffer.alloc(16), length, credentialId, Buffer.from(cose),
    ]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    return {
      id, rawId: id, type: 'public-key' as const,
      response: {
        clientDataJSON: clientData('webauthn.create', options.challenge, origin),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** `startAuthentication(options)` with the credential `id` (the newest one by default); the counter moves on unless `counter` says where. */
  get(options: { challenge: string }, { id = [...this.credentials.keys()].at(-1)!, userVerified = true, origin = this.origin, rpId = this.rpId, counter }: {
    id?: string; userVerified?: boolean; origin?: string; rpId?: string; counter?: number;
  } = {}) {
    const credential = this.credentials.get(id);
    if (!credential) throw new Error(`no credential ${id}`);
    credential.counter = counter ?? credential.counter + 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(credential.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([flags(userVerified)]), count]);
    const clientDataJSON = clientData('webauthn.get', options.challenge, origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]), credential.key);
    return {
      id, rawId: id, type: 'public-key' as const,
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** User present, and user verified when `verified`. */
function flags(verified: boolean): number {
  return 0x01 | (verified ? 0x04 : 0);
}

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function clientData(type: string, challenge: string, origin: string): string {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })).toString('base64url');
}
