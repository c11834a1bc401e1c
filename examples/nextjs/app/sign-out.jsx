'use client';

// Cookie mode's logout: the blacklist view takes the refresh cookie once the request carries
// Django's CSRF token (the csrftoken cookie, readable by script, echoed in X-CSRFToken).
export function SignOut() {
  const signOut = async () => {
    const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrftoken='))?.slice('csrftoken='.length) ?? '';
    await fetch('/api/token/blacklist/', { method: 'POST', headers: { 'x-csrftoken': csrf } });
    window.location.assign('/signin');
  };
  return <button type="button" onClick={signOut}>Sign out</button>;
}
