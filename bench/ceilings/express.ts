import express from 'express';
import { portArgument, USER_BODY, USER_HEADERS } from './answer.js';

/** The Express ceiling: a bare Express 5 application, as its guide writes one, answering what `/api/user/` answers. */
const app = express();
app.get('/api/user/', (_request, response) => {
  response.set(USER_HEADERS).json(USER_BODY);
});
const server = app.listen(portArgument(), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
