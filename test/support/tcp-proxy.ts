import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between tessera and a server (PostgreSQL, Redis), so a test can cut the connection
 * without stopping the machine's server, which other suites share.
 *
 * - `stop()`: as if the server stopped: open connections are reset and new ones refused.
 * - `hang()`: as if the network went silent: open connections stop carrying bytes and new
 *   ones are accepted but never answered, so only timeouts end them.
 * - `restore()`: new connections pass again (hung ones are dropped, as a real partition's
 *   TCP keepalive would eventually drop them).
 * - `resume()`: the silence ends on the same connections: the bytes held meanwhile go through,
 *   as when a paused or overloaded server answers again.
 */
export class TcpProxy {
  private server: Server | null = null;
  private mode: 'pass' | 'stopped' | 'hung' = 'pass';
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  port = 0;

  constructor(private readonly targetHost: string, private readonly targetPort: number) {}

  /** Listens on an ephemeral port of 127.0.0.1. */
  async start(): Promise<number> {
    await this.listen(0);
    return this.port;
  }

  stop(): Promise<void> {
    this.mode = 'stopped';
    this.dropAll(true);
    // A stopped server refuses connections: close the listening socket (ECONNREFUSED).
    return this.unlisten();
  }

  hang(): void {
    this.mode = 'hung';
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
    }
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.mode = 'pass';
    const paired = new Set<Socket>();
    for (const [client, upstream] of this.pairs) {
      paired.add(client).add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
    }
    // Accepted while hung, never given an upstream: as if the connection attempt had failed.
    for (const socket of this.sockets) if (!paired.has(socket)) socket.destroy();
  }

  async restore(): Promise<void> {
    const wasStopped = this.mode === 'stopped';
    this.dropAll(false);
    this.mode = 'pass';
    if (wasStopped) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.dropAll(true);
    await this.unlisten();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'hung') {
      client.pause();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private dropAll(reset: boolean): void {
    for (const socket of this.sockets) {
      // Resetting a socket that is already half or fully closed keeps Node 20 busy and the process
      // alive (seen after a Redis QUIT): only open ones are reset.
      if (reset && socket.readyState === 'open') socket.resetAndDestroy();
      else socket.destroy();
    }
    this.sockets.clear();
    this.pairs.clear();
  }
}
