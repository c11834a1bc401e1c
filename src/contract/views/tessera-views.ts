import type { Tessera } from '../../core/index.js';
import type { View } from '../view.js';
import { tokenViews, type TokenViewUrls } from './token-views.js';

/** Which of tessera's views an adapter serves, and at which URLs. */
export interface TesseraViewOptions {
  /** URLs for the token views; each may have several spellings (seed 004's `gettoken/`). */
  tokenRoutes?: TokenViewUrls;
}

/** Every view tessera serves with these settings: the one list each adapter mounts. */
export function tesseraViews(tessera: Tessera, options: TesseraViewOptions = {}): View[] {
  return [...tokenViews(tessera, options.tokenRoutes)];
}
