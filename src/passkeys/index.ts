export {
  creationOptions, requestOptions, verifyCreation, verifyAssertion, knownTransports,
  type RelyingParty, type ChallengeCheck, type VerifiedCredential, type StoredCredential, type CeremonyTiming,
} from './ceremonies.js';
export type { PasskeyRegistrationResponse, PasskeyAuthenticationResponse, PasskeyOptions } from './types.js';
