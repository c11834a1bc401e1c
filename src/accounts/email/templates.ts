import type { EmailMessage } from './mailer.js';

/**
 * djoser's emails (its `templates/email/*.html`, text and HTML), addressed to the user's email.
 *
 * Links point at the frontend, as djoser's `ACTIVATION_URL` and `PASSWORD_RESET_CONFIRM_URL`
 * settings do: `{publicUrl}/#/activate/{uid}/{token}` and
 * `{publicUrl}/#/password/reset/confirm/{uid}/{token}`. The frontend takes `uid` and `token` from
 * the link and POSTs them to `/auth/users/activation/` or `/auth/users/reset_password_confirm/`.
 */
export const ACTIVATION_PATH = '#/activate/{uid}/{token}';
export const PASSWORD_RESET_CONFIRM_PATH = '#/password/reset/confirm/{uid}/{token}';

/** What every template needs: where the site is, and who the email is for. */
export interface TemplateContext {
  /** `settings.publicUrl`, without a trailing slash. */
  publicUrl: string;
  to: string;
  username: string;
}

/** `{publicUrl}/{path}` with `{uid}` and `{token}` filled in. */
export function accountLink(publicUrl: string, path: string, uid: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/${path.replace('{uid}', uid).replace('{token}', token)}`;
}

export function activationEmail(context: TemplateContext, link: { uid: string; token: string }): EmailMessage {
  const site = siteName(context.publicUrl);
  const url = accountLink(context.publicUrl, ACTIVATION_PATH, link.uid, link.token);
  return compose(context.to, `Account activation on ${site}`, site, [
    { text: `You're receiving this email because you need to finish activation process on ${site}.` },
    { text: 'Please go to the following page to activate account:', link: url },
  ]);
}

export function passwordResetEmail(context: TemplateContext, link: { uid: string; token: string }): EmailMessage {
  const site = siteName(context.publicUrl);
  const url = accountLink(context.publicUrl, PASSWORD_RESET_CONFIRM_PATH, link.uid, link.token);
  return compose(context.to, `Password reset on ${site}`, site, [
    { text: `You're receiving this email because you requested a password reset for your user account at ${site}.` },
    { text: 'Please go to the following page and choose a new password:', link: url },
    { text: `Your username, in case you've forgotten: ${context.username}` },
  ]);
}

export function passwordChangedEmail(context: TemplateContext): EmailMessage {
  const site = siteName(context.publicUrl);
  return compose(context.to, `${site} - Your password has been successfully changed!`, site, [
    { text: 'Your password has been changed!' },
  ]);
}

export function usernameChangedEmail(context: TemplateContext): EmailMessage {
  const site = siteName(context.publicUrl);
  return compose(context.to, `${site} - Your username has been successfully changed!`, site, [
    { text: 'Your username has been changed!' },
  ]);
}

/** djoser's `site_name`: the host (and port) users reach the site at. */
function siteName(publicUrl: string): string {
  try {
    return new URL(publicUrl).host || publicUrl;
  } catch {
    return publicUrl;
  }
}

interface Paragraph {
  text: string;
  link?: string;
}

function compose(to: string, subject: string, site: string, body: Paragraph[]): EmailMessage {
  const paragraphs: Paragraph[] = [...body, { text: 'Thanks for using our site!' }, { text: `The ${site} team` }];
  const text = paragraphs.map((p) => (p.link ? `${p.text}\n${p.link}` : p.text)).join('\n\n');
  const html = paragraphs
    .map((p) => {
      const line = `<p>${escapeHtml(p.text)}</p>`;
      if (!p.link) return line;
      const href = escapeHtml(p.link);
      return `${line}\n<p><a href="${href}">${href}</a></p>`;
    })
    .join('\n');
  return { to, subject, text: `${text}\n`, html: `<!doctype html>\n<html><body>\n${html}\n</body></html>\n` };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
