export { createMailer, type EmailMessage, type Mailer } from './email/index.js';
