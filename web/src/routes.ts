import SignIn from './pages/SignIn.vue';
import Register from './pages/Register.vue';
import Activate from './pages/Activate.vue';
import ResetRequest from './pages/ResetRequest.vue';
import ResetConfirm from './pages/ResetConfirm.vue';
import Inspector from './pages/Inspector.vue';
import Sessions from './pages/Sessions.vue';
import Account from './pages/Account.vue';
import Students from './pages/Students.vue';
import Tasks from './pages/Tasks.vue';
import StaffUsers from './pages/StaffUsers.vue';
import StaffTokens from './pages/StaffTokens.vue';
import StaffAudit from './pages/StaffAudit.vue';
import StaffKeys from './pages/StaffKeys.vue';
import TwoFactor from './pages/TwoFactor.vue';
import type { RouteDef } from './router.ts';

/** Every page; the hash paths the emails link to are `/activate/...` and `/password/reset/confirm/...`. */
export const ROUTES: RouteDef[] = [
  { path: '/signin', title: 'Sign in', access: 'public', guestOnly: true, component: SignIn },
  { path: '/register', title: 'Create an account', access: 'public', guestOnly: true, component: Register },
  { path: '/activate/:uid/:token', title: 'Activate your account', access: 'public', component: Activate },
  { path: '/password/reset', title: 'Reset your password', access: 'public', component: ResetRequest },
  { path: '/password/reset/confirm/:uid/:token', title: 'Choose a new password', access: 'public', component: ResetConfirm },
  { path: '/inspector', title: 'Token inspector', access: 'public', component: Inspector },
  { path: '/sessions', title: 'Your sessions', access: 'user', component: Sessions },
  { path: '/account', title: 'Your account', access: 'user', component: Account },
  { path: '/two-factor', title: 'Two-factor authentication', access: 'user', component: TwoFactor },
  { path: '/api/students', title: 'Students', access: 'user', component: Students },
  { path: '/api/tasks', title: 'Tasks', access: 'user', component: Tasks },
  { path: '/staff/users', title: 'Users', access: 'staff', component: StaffUsers },
  { path: '/staff/tokens', title: 'Tokens', access: 'staff', component: StaffTokens },
  { path: '/staff/audit', title: 'Audit log', access: 'staff', component: StaffAudit },
  { path: '/staff/keys', title: 'Signing keys', access: 'staff', component: StaffKeys },
];
