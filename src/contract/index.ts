/**
 * The HTTP contract, framework-neutral: DRF's answer shapes, negotiation, the header set, body
 * parsing, field validation, views and the pipeline that runs them. Every adapter is glue over this.
 */
export * from './view.js';
export * from './audit-notes.js';
export * from './abuse-control.js';
export * from './allowed-hosts.js';
export * from './body-parsing.js';
export * from './cookie-mode.js';
export * from './date-time-field.js';
export * from './error-answers.js';
export * from './fields.js';
export * from './headers.js';
export * from './http-errors.js';
export * from './login-account.js';
export * from './multipart.js';
export * from './negotiation.js';
export * from './pagination.js';
export * from './python-json-error.js';
export * from './route-docs.js';
export * from './view-metadata.js';
export * from './views/token-views.js';
export * from './views/sliding-views.js';
export * from './views/drf-jwt-views.js';
export * from './views/authtoken-views.js';
export * from './views/session-views.js';
export * from './views/key-views.js';
export * from './views/revocation-feed-views.js';
export * from './views/token-session-views.js';
export * from './views/admin-views.js';
export * from './views/admin-user-views.js';
export * from './views/admin-token-views.js';
export * from './views/account-views.js';
export * from './views/view-requests.js';
export * from './authorize.js';
export * from './view-table.js';
export * from './read-body.js';
export * from './pipeline.js';
export * from './views/tessera-views.js';
export * from './views/login-challenge-views.js';
export * from './views/two-factor-views.js';
export * from './views/staff-two-factor.js';
export * from './second-factor.js';
export * from './cors.js';
export * from './transport.js';
export * from './challenge.js';
