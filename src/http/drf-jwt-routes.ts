import type { FastifyInstance } from 'fastify';
import { drfJwtViews, type DrfJwtViewOptions } from '../contract/index.js';
import { mountViews } from './mount-views.js';

/** Where djangorestframework-jwt's three views are served (the contract's `DrfJwtViewOptions`). */
export type DrfJwtRouteOptions = DrfJwtViewOptions;

/**
 * djangorestframework-jwt's three views (the contract's `drfJwtViews`) as a Fastify plugin.
 * Register after the tessera plugin: `app.register(drfJwtRoutes, { obtain: ['/api-token-auth/'], ... })`.
 */
export async function drfJwtRoutes(app: FastifyInstance, options: DrfJwtRouteOptions): Promise<void> {
  mountViews(app, drfJwtViews(app.tessera, options));
}
