'use client';

import { useState } from 'react';

// Cookie mode's login: /api/token/ sets the HttpOnly __Host- token cookies and csrftoken.
export function SignInForm() {
  const [error, setError] = useState('');
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const answer = await fetch('/api/token/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    });
    if (answer.ok) window.location.assign('/');
    else setError((await answer.json()).detail ?? 'Sign-in failed.');
  };
  return (
    <form onSubmit={submit}>
      <label>Username <input name="username" autoComplete="username" required /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" required /></label>
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
