import Fastify from 'fastify';

/** The ceiling: bare Fastify answering what `/api/user/` answers, with no authentication at all. */
const app = Fastify({ logger: false });
app.get('/api/user/', async () => ({ id: 1, username: 'shoumitro' }));
const port = Number(process.argv[2] ?? 0);
const address = await app.listen({ host: '127.0.0.1', port });
process.stdout.write(`${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
