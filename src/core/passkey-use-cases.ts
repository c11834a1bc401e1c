import { randomBytes } from 'node:crypto';
import { AuthenticationFailed, InvalidInput, NotFound } from '../errors.js';
import {
  creationOptions, requestOptions, verifyAssertion, verifyCreation,
  type PasskeyAuthenticationResponse, type PasskeyOptions, type PasskeyRegistrationResponse, type RelyingParty,
} from '../passkeys/index.js';
import { relyingPartyOf, type Clock, type Settings } from '../settings/index.js';
import type { AuditLog, Passkey, Store, User } from '../store/index.js';
import type { SessionInfo, TokenPair } from '../tokens/index.js';

/** How long a ceremony's challenge is good for, and the browser's timeout with it. */
export const PASSKEY_CHALLENGE_SECONDS = 5 * 60;

/** The stable code of a passkey refused: an answer that does not verify, an unknown credential, a challenge used or expired. */
export const PASSKEY_NOT_VALID = 'passkey_not_valid';
/** A registration of a credential already registered (to this user or another). */
export const PASSKEY_EXISTS = 'passkey_exists';

const SIGN_IN_REFUSED = 'This passkey was not accepted. Try again, or sign in with your password.';
const NOT_VERIFIED = 'The passkey could not be verified. Ask for new options and try again.';

/** Where a change came from, for its audit event. */
export interface PasskeyRequestSource {
  ip?: string;
  userAgent?: string;
}

/**
 * Passkeys (WebAuthn), written once for every adapter: registering one (signed in), listing and
 * removing them, and signing in with one (anonymous, a complete login: user verification is
 * required, so it is two factors by itself). Every options call makes a challenge kept in the
 * database for `PASSKEY_CHALLENGE_SECONDS`, good once in whichever process the answer lands.
 */
export interface PasskeyUseCases {
  /** `PublicKeyCredentialCreationOptionsJSON` for the user, excluding the passkeys they have. */
  registrationOptions(user: User): Promise<PasskeyOptions>;
  /**
   * Verifies the browser's `RegistrationResponseJSON` against a challenge of `registrationOptions`
   * for this user and stores the passkey (audited `passkey_added`). Refused: 400 `passkey_not_valid`,
   * or `passkey_exists` for a credential registered already.
   */
  register(user: User, response: PasskeyRegistrationResponse, name: string | null, from?: PasskeyRequestSource): Promise<Passkey>;
  /** The user's passkeys, oldest first. */
  list(userId: number): Promise<Passkey[]>;
  /** Removes the user's passkey `id` (audited `passkey_removed`); another user's is 404 as one that never was. */
  remove(user: User, id: number, from?: PasskeyRequestSource): Promise<void>;
  /** `PublicKeyCredentialRequestOptionsJSON` for any discoverable passkey of this site. */
  authenticationOptions(): Promise<PasskeyOptions>;
  /**
   * Verifies an `AuthenticationResponseJSON` and answers what a login answers (`tokens.issuePair`,
   * a session with `client`); `onUser` learns who signed in. Refused with 401 `passkey_not_valid`
   * (unknown credential, bad signature, a challenge used or expired, a counter that went back),
   * or `no_active_account` for an inactive user, as a login is.
   */
  authenticate(response: PasskeyAuthenticationResponse, client?: SessionInfo, onUser?: (user: User) => void): Promise<TokenPair>;
}

export function passkeyUseCases(deps: {
  settings: Settings; store: Store; audit: AuditLog; clock: Clock;
  issuePair: (user: User, client?: SessionInfo) => Promise<TokenPair>;
}): PasskeyUseCases {
  const { settings, store, audit, clock, issuePair } = deps;
  const { rpId, origins } = relyingPartyOf(settings);
  const rp: RelyingParty = { rpId, origins, rpName: settings.webauthnRpName };
  const timing = { timeoutSeconds: PASSKEY_CHALLENGE_SECONDS };
  const now = () => new Date(clock());
  const newChallenge = () => randomBytes(32);
  const expiry = () => new Date(clock() + PASSKEY_CHALLENGE_SECONDS * 1000);
  const refused = () => new AuthenticationFailed(SIGN_IN_REFUSED, PASSKEY_NOT_VALID, true);

  return {
    async registrationOptions(user) {
      const existing = await store.passkeys.listForUser(user.id);
      // One user handle for all of a user's passkeys: an authenticator keeps one passkey per handle and site.
      const handle = existing[0]?.userHandle ?? randomBytes(32).toString('base64url');
      const challenge = newChallenge();
      const options = await creationOptions(rp, { name: user.username, handle: Buffer.from(handle, 'base64url') }, challenge, existing, timing);
      await store.passkeyChallenges.create(options.challenge, 'register', { userId: user.id, userHandle: handle }, expiry(), now());
      return options;
    },

    async register(user, response, name, from = {}) {
      let handle: string | null = null;
      const verified = await verifyCreation(rp, response, async (challenge) => {
        const used = await store.passkeyChallenges.consume(challenge, 'register', now());
        // A challenge issued to someone else is used up, and refused.
        if (!used || used.userId !== user.id) return false;
        handle = used.userHandle;
        return true;
      });
      if (!verified || !handle) throw new InvalidInput(NOT_VERIFIED, PASSKEY_NOT_VALID);
      const count = (await store.passkeys.listForUser(user.id)).length;
      const passkey = await store.passkeys.create({
        userId: user.id,
        credentialId: verified.credentialId,
        userHandle: handle,
        publicKey: Buffer.from(verified.publicKey).toString('base64url'),
        counter: verified.counter,
        transports: response.response.transports ?? [],
        name: name ?? `Passkey ${count + 1}`,
        deviceType: verified.deviceType,
        backedUp: verified.backedUp,
        createdAt: now(),
      });
      if (!passkey) throw new InvalidInput('This passkey is registered already.', PASSKEY_EXISTS);
      void audit.record({
        type: 'passkey_added', userId: user.id, username: user.username, ip: from.ip ?? '', userAgent: from.userAgent ?? '',
        detail: { passkey: passkey.id, name: passkey.name },
      });
      return passkey;
    },

    list: (userId) => store.passkeys.listForUser(userId),

    async remove(user, id, from = {}) {
      if (!(await store.passkeys.delete(user.id, id))) throw new NotFound();
      void audit.record({
        type: 'passkey_removed', userId: user.id, username: user.username, ip: from.ip ?? '', userAgent: from.userAgent ?? '', detail: { passkey: id },
      });
    },

    async authenticationOptions() {
      const options = await requestOptions(rp, newChallenge(), timing);
      await store.passkeyChallenges.create(options.challenge, 'authenticate', { userId: null, userHandle: null }, expiry(), now());
      return options;
    },

    async authenticate(response, client, onUser) {
      const passkey = await store.passkeys.findByCredentialId(response.id);
      if (!passkey) throw refused();
      // A discoverable credential names its user: it must be the one the passkey was registered for.
      if (response.response.userHandle !== undefined && response.response.userHandle !== passkey.userHandle) throw refused();
      const checked = await verifyAssertion(rp, response, {
        credentialId: passkey.credentialId,
        publicKey: Buffer.from(passkey.publicKey, 'base64url'),
        counter: passkey.counter,
        transports: passkey.transports,
      }, async (challenge) => (await store.passkeyChallenges.consume(challenge, 'authenticate', now())) !== null);
      if (!checked) throw refused();
      const user = await store.users.findById(passkey.userId);
      if (!user || !user.isActive) throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account', true);
      // Compare-and-set on the counter checked: two answers racing past the check cannot both sign in.
      if (!(await store.passkeys.recordUse(passkey.id, passkey.counter, checked.newCounter, now()))) throw refused();
      onUser?.(user);
      return issuePair(user, client);
    },
  };
}
