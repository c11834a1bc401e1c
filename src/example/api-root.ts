import type { FastifyInstance } from 'fastify';
import { AllowAny, type AuthenticationClassName } from '../index.js';
import { objectSchema } from '../http/index.js';

/** The resources DefaultRouter registers, in order: seed 004's students, then seed 003's tasks and users. */
const RESOURCES = ['studentapi', 'tasks', 'users'] as const;

/** The seeds' own classes: seed 003's project authenticates with drf-jwt, seed 004's with Simple JWT. */
const AUTHENTICATION: AuthenticationClassName[] = ['jwt', 'drf-jwt'];

/**
 * DefaultRouter's `APIRootView` at `/`: the URL of each registered resource. It has the
 * project's default permission, which neither seed 003 nor seed 004 sets, so it is public
 * (`AllowAny`); credentials that are sent are still checked, as DRF checks them.
 */
export async function apiRootRoutes(app: FastifyInstance): Promise<void> {
  const urls = Object.fromEntries(RESOURCES.map((name) => [name, { type: 'string', format: 'uri' }]));
  app.get('/', {
    config: {
      permission: AllowAny, authentication: AUTHENTICATION, name: 'Api Root',
      openapi: { tags: ['api root'], responses: { 200: { description: 'The resources\' URLs.', body: objectSchema(urls) } } },
    },
  }, async (request) => Object.fromEntries(RESOURCES.map((name) => [name, `${request.protocol}://${request.host}/${name}/`])));
}
