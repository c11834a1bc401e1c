import Fastify from 'fastify';
import { portArgument, USER_BODY, USER_HEADERS } from './answer.js';

/** The Fastify ceiling: bare Fastify answering what `/api/user/` answers, with no authentication at all. */
const app = Fastify({ logger: false });
app.get('/api/user/', async (_request, reply) => {
  reply.headers(USER_HEADERS);
  return USER_BODY;
});
const address = await app.listen({ host: '127.0.0.1', port: portArgument() });
process.stdout.write(`${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
