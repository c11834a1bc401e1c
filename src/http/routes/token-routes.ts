import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateCredentials } from '../../auth/index.js';
import { AuthenticationFailed } from '../../errors.js';
import { blacklistToken, issuePair, refreshPair, verifyToken, type SessionInfo } from '../../tokens/index.js';
import { requestData } from '../body.js';
import { charField, validate } from '../fields.js';
import type { TesseraOptions } from '../types.js';

const DEFAULT_URLS = {
  obtain: ['/api/token/'],
  refresh: ['/api/token/refresh/'],
  verify: ['/api/token/verify/'],
  blacklist: ['/api/token/blacklist/'],
};

/** Simple JWT's four token views, at each URL the application names for them. */
export function registerTokenRoutes(app: FastifyInstance, urls: TesseraOptions['tokenRoutes'] = {}): void {
  const { tessera } = app;
  const at = { ...DEFAULT_URLS, ...urls };

  for (const url of at.obtain) {
    app.post(url, {
      config: {
        authentication: [],
        throttle: 'login',
        audit: 'login',
        name: 'Token Obtain Pair',
        description: 'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
      },
    }, async (request) => {
      const { username, password, device_name: deviceName } = validate(requestData(request), {
        username: charField(), password: charField(), device_name: charField({ required: false, maxLength: 200 }),
      });
      const user = await authenticateCredentials({ users: tessera.store.users, hashers: tessera.hashers }, username, password);
      if (!user) throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account');
      const pair = await issuePair(tessera.tokens, user, { ...clientOf(request), deviceName: deviceName ?? null });
      if (tessera.settings.updateLastLogin) await tessera.store.users.setLastLogin(user.id, new Date(tessera.clock()));
      return pair;
    });
  }

  for (const url of at.refresh) {
    app.post(url, {
      config: {
        authentication: [],
        throttle: 'refresh',
        audit: 'token_refreshed',
        name: 'Token Refresh',
        description: 'Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.',
      },
    }, async (request) => {
      const { refresh } = validate(requestData(request), { refresh: charField() });
      return refreshPair(tessera.tokens, tessera.store.users, refresh, clientOf(request));
    });
  }

  for (const url of at.verify) {
    app.post(url, {
      config: {
        authentication: [],
        name: 'Token Verify',
        description: 'Takes a token and indicates if it is valid.  This view provides no\ninformation about a token\'s fitness for a particular use.',
      },
    }, async (request) => {
      const { token } = validate(requestData(request), { token: charField() });
      await verifyToken(tessera.tokens, token);
      return {};
    });
  }

  for (const url of at.blacklist) {
    app.post(url, {
      config: {
        authentication: [],
        audit: 'token_blacklisted',
        name: 'Token Blacklist',
        description: 'Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.',
      },
    }, async (request) => {
      const { refresh } = validate(requestData(request), { refresh: charField() });
      await blacklistToken(tessera.tokens, refresh);
      return {};
    });
  }
}

/** Where a request comes from, for the session a login starts and for security events. */
export function clientOf(request: FastifyRequest): SessionInfo {
  const userAgent = request.headers['user-agent'];
  return { userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 500) : '', ip: request.ip };
}
