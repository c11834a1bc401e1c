export { apiRootRoutes } from './api-root.js';
export { studentRoutes, studentMigrations } from './students.js';
export { seedViews } from './seed-views.js';
export { taskRoutes, taskMigrations } from './tasks.js';
export { registrationRoutes, registrationMigrations, SEED_ACTIVATION_PATH } from './registration.js';
