import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { portArgument, USER_BODY, USER_HEADERS } from './answer.js';

/** The Web-standard ceiling: bare Hono on @hono/node-server answering what `/api/user/` answers. */
const app = new Hono();
app.get('/api/user/', (c) => c.json(USER_BODY, 200, USER_HEADERS));
const server = serve({ fetch: app.fetch, port: portArgument(), hostname: '127.0.0.1' }, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
