import { redirect } from 'next/navigation';
import { currentUser } from '../lib/session';
import { SignOut } from './sign-out';

// A server component: the user of this request's access cookie, which the proxy (proxy.ts) has
// renewed if it had expired. Signed out: to the sign-in page.
export default async function Profile() {
  const user = await currentUser();
  if (!user) redirect('/signin');
  return (
    <main>
      <h1>Signed in as <span id="username">{user.username}</span></h1>
      <p>Email: {user.email || '(none)'}</p>
      <SignOut />
    </main>
  );
}
