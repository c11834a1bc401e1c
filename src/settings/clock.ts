/** Milliseconds since the epoch; injected so expiry is tested without sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
