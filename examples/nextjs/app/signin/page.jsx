import { redirect } from 'next/navigation';
import { currentUser } from '../../lib/session';
import { SignInForm } from './sign-in-form';

export default async function SignIn() {
  if (await currentUser()) redirect('/');
  return (
    <main>
      <h1>Sign in</h1>
      <SignInForm />
    </main>
  );
}
