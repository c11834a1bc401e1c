export { studentRoutes, studentMigrations } from './students.js';
export { seedViews } from './seed-views.js';
