// Every URL no page claims goes to tessera: the token views (also at seed 004's /gettoken/,
// /refreshtoken/, /verifytoken/), /api/user/, /studentapi/, djoser's views under /auth/, and
// DRF's {"detail":"Not found."} for the rest.
import { tesseraWebOnce } from '../../lib/web';

export const runtime = 'nodejs';

/** @param {Request} request */
async function answer(request) {
  return (await tesseraWebOnce()).fetch(request);
}

export { answer as GET, answer as HEAD, answer as POST, answer as PUT, answer as PATCH, answer as DELETE, answer as OPTIONS };
