import { Agent, request, type ClientRequest } from 'node:http';

/** How one request of the load ended: an HTTP status, or the error that closed its connection. */
export interface LoadedRequest {
  startedAt: number;
  /** When it got an answer or its connection closed; undefined while it still waits. */
  settledAt?: number;
  status?: number;
  error?: string;
}

/** A running load: the requests so far, and `stop()`, which resolves once every lane is idle. */
export interface HttpLoad {
  requests: LoadedRequest[];
  /** Stops new requests; resolves when every lane's last request settled, or after `waitMs`. */
  stop(waitMs: number): Promise<void>;
}

/**
 * GETs `url` without pause from `keepAlive` lanes that reuse their connection and `fresh` lanes
 * that open a new connection per request, recording each request. No client timeout: a
 * connection the server neither answers nor closes stays pending, which is what tests look for.
 */
export function startHttpLoad(url: string, lanes: { keepAlive: number; fresh: number }): HttpLoad {
  const requests: LoadedRequest[] = [];
  const inFlight = new Map<ClientRequest, LoadedRequest>();
  const agents: Agent[] = [];
  let stopped = false;
  let abandoned = false;

  const once = (agent: Agent | false) => new Promise<void>((resolve) => {
    const entry: LoadedRequest = { startedAt: Date.now() };
    requests.push(entry);
    const settle = (fields: Partial<LoadedRequest>) => {
      if (entry.settledAt !== undefined || abandoned) return;
      Object.assign(entry, fields, { settledAt: Date.now() });
      inFlight.delete(req);
      resolve();
    };
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => settle({ status: res.statusCode }));
      res.on('error', (error: NodeJS.ErrnoException) => settle({ error: error.code ?? error.message }));
    });
    inFlight.set(req, entry);
    req.on('error', (error: NodeJS.ErrnoException) => settle({ error: error.code ?? error.message }));
    req.end();
  });

  const lane = async (agent: Agent | false) => {
    while (!stopped) await once(agent);
  };
  const running: Promise<void>[] = [];
  for (let i = 0; i < lanes.keepAlive; i++) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    running.push(lane(agent));
  }
  for (let i = 0; i < lanes.fresh; i++) running.push(lane(false));

  return {
    requests,
    async stop(waitMs) {
      stopped = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
      // Whatever still waits stays unsettled in `requests`; drop its socket so the test can end.
      abandoned = true;
      for (const [req, entry] of inFlight) {
        entry.error = 'still waiting when the load stopped';
        req.removeAllListeners('error').on('error', () => undefined);
        req.destroy();
      }
      for (const agent of agents) agent.destroy();
    },
  };
}
