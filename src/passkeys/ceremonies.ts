import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyAuthenticationResponse, PasskeyOptions, PasskeyRegistrationResponse } from './types.js';

/** Who the passkeys are for: WebAuthn's relying party. */
export interface RelyingParty {
  rpId: string;
  rpName: string;
  origins: string[];
}

/** A challenge's answer is checked by this (true once, for the challenge the server issued). */
export type ChallengeCheck = (challenge: string) => Promise<boolean>;

/** A credential the registration proved: its public half, to store. */
export interface VerifiedCredential {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  deviceType: string;
  backedUp: boolean;
}

/** A stored credential, as an assertion is checked against it. */
export interface StoredCredential {
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

/** How long the browser may take; the challenge lives as long (the library takes milliseconds). */
export interface CeremonyTiming {
  timeoutSeconds: number;
}

const TRANSPORTS: readonly string[] = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];

/** The transports WebAuthn knows, of those given (anything else is dropped, not stored). */
export function knownTransports(transports: readonly string[] | undefined): AuthenticatorTransportFuture[] {
  return (transports ?? []).filter((t): t is AuthenticatorTransportFuture => TRANSPORTS.includes(t));
}

/**
 * Options for `navigator.credentials.create()`: a discoverable credential preferred (so sign-in
 * needs no username), user verification required (the passkey is a whole login by itself), no
 * attestation (tessera trusts no authenticator model more than another), none of `exclude` again.
 */
export async function creationOptions(rp: RelyingParty, user: { name: string; handle: Uint8Array }, challenge: Uint8Array,
  exclude: { credentialId: string; transports: string[] }[], timing: CeremonyTiming): Promise<PasskeyOptions> {
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: user.name,
    userDisplayName: user.name,
    userID: user.handle as Uint8Array<ArrayBuffer>,
    challenge: challenge as Uint8Array<ArrayBuffer>,
    timeout: timing.timeoutSeconds * 1000,
    attestationType: 'none',
    excludeCredentials: exclude.map((c) => ({ id: c.credentialId, transports: knownTransports(c.transports) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
  return options as unknown as PasskeyOptions;
}

/** Options for `navigator.credentials.get()`: any discoverable credential of this RP, user verification required. */
export async function requestOptions(rp: RelyingParty, challenge: Uint8Array, timing: CeremonyTiming): Promise<PasskeyOptions> {
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    challenge: challenge as Uint8Array<ArrayBuffer>,
    timeout: timing.timeoutSeconds * 1000,
    userVerification: 'required',
  });
  return options as unknown as PasskeyOptions;
}

/** The registration's attestation checked (origin, RP ID, challenge, user verification); null when it fails. */
export async function verifyCreation(rp: RelyingParty, response: PasskeyRegistrationResponse, checkChallenge: ChallengeCheck): Promise<VerifiedCredential | null> {
  try {
    const result = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: checkChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
    });
    if (!result.verified) return null;
    const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
    return { credentialId: credential.id, publicKey: credential.publicKey, counter: credential.counter, deviceType: credentialDeviceType, backedUp: credentialBackedUp };
  } catch {
    // The library throws for every malformed or mismatching answer: each is a refusal, never a 500.
    return null;
  }
}

/** The assertion checked against `credential` (signature, origin, RP ID, challenge, user verification, counter); the new counter, or null. */
export async function verifyAssertion(rp: RelyingParty, response: PasskeyAuthenticationResponse, credential: StoredCredential,
  checkChallenge: ChallengeCheck): Promise<{ newCounter: number } | null> {
  try {
    const result = await verifyAuthenticationResponse({
      response: response as unknown as AuthenticationResponseJSON,
      expectedChallenge: checkChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      credential: {
        id: credential.credentialId,
        publicKey: credential.publicKey as Uint8Array<ArrayBuffer>,
        counter: credential.counter,
        transports: knownTransports(credential.transports),
      },
      requireUserVerification: true,
    });
    return result.verified ? { newCounter: result.authenticationInfo.newCounter } : null;
  } catch {
    // Including a counter that did not move forward: a cloned authenticator's sign.
    return null;
  }
}
