import type { FastifyInstance } from 'fastify';
import {
  authenticateCredentials, AuthenticationFailed, charField, IsAuthenticated, RefreshToken, requestData, validate,
} from '../index.js';

/**
 * The small views the seeds write by hand: seed 000's `/api/user/`, and seed 002's `LoginView`
 * (`RefreshToken.for_user` after `authenticate`) and `RestrictedView`.
 */
export async function seedViews(app: FastifyInstance): Promise<void> {
  const { tessera } = app;

  app.get('/api/user/', { config: { permission: IsAuthenticated, name: 'User' } }, async (request) => ({
    id: request.user!.id,
    username: request.user!.username,
  }));

  app.post('/api/login', { config: { name: 'Login', authentication: [], throttle: 'login', audit: 'login' } }, async (request) => {
    const { username, password } = validate(requestData(request), { username: charField(), password: charField() });
    const user = await authenticateCredentials({ users: tessera.store.users, hashers: tessera.hashers }, username, password);
    if (!user) throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account');
    const refresh = await RefreshToken.forUser(tessera.tokens, user);
    return { refresh: refresh.toString(), access: refresh.accessToken.toString() };
  });

  app.get('/api/restricted', { config: { permission: IsAuthenticated, name: 'Restricted' } }, async () => ({
    response: 'YOU ARE ALLOWED HERE',
  }));
}
