/**
 * WebAuthn's JSON as browsers send it (`PublicKeyCredential.toJSON()`, @simplewebauthn/browser's
 * `startRegistration` / `startAuthentication`): binary values are base64url strings. Declared
 * here, not taken from @simplewebauthn/server, so tessera's published types need no DOM library.
 */

/** `RegistrationResponseJSON`: a new credential and its attestation. */
export interface PasskeyRegistrationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    attestationObject: string;
    transports?: string[];
  };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
}

/** `AuthenticationResponseJSON`: an assertion signed by a stored credential. */
export interface PasskeyAuthenticationResponse {
  id: string;
  rawId: string;
  type: 'public-key';
  response: {
    clientDataJSON: string;
    authenticatorData: string;
    signature: string;
    userHandle?: string;
  };
  clientExtensionResults: Record<string, unknown>;
  authenticatorAttachment?: string;
}

/**
 * `PublicKeyCredentialCreationOptionsJSON` or `PublicKeyCredentialRequestOptionsJSON`: what the
 * browser's `startRegistration({ optionsJSON })` / `startAuthentication({ optionsJSON })` take.
 */
export interface PasskeyOptions {
  challenge: string;
  rpId?: string;
  timeout?: number;
  userVerification?: string;
  [option: string]: unknown;
}
