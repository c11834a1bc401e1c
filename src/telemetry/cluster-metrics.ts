import cluster from 'node:cluster';
import { promClient, type PrometheusMetrics } from './prometheus-metrics.js';

/** A worker asks its primary for every worker's series; the primary answers with their sum. */
const REQUEST = 'tessera:metrics-request';
const ANSWER = 'tessera:metrics-answer';
/** prom-client gives up on workers after 5 s; the primary's answer comes within this. */
const ANSWER_TIMEOUT_MS = 10_000;

interface MetricsAnswer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

/**
 * What `GET /metrics` serves: this process's series, or in a `serve --workers` worker every
 * worker's, aggregated by the primary (prom-client's AggregatorRegistry), so any worker a scrape
 * reaches answers for the whole server.
 */
export function metricsExposition(metrics: PrometheusMetrics): () => Promise<string> {
  if (!cluster.isWorker) return () => metrics.registry.metrics();
  const { AggregatorRegistry } = promClient();
  AggregatorRegistry.setRegistries([metrics.registry]);
  // Made for its side effect: this worker now answers the primary's requests for its series.
  new AggregatorRegistry();
  let next = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  process.on('message', (message: Partial<MetricsAnswer>) => {
    if (message?.type !== ANSWER || typeof message.id !== 'number') return;
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    clearTimeout(pending.timer);
    if (typeof message.text === 'string') pending.resolve(message.text);
    else pending.reject(new Error(`the primary could not gather the workers' metrics: ${message.error ?? 'no answer'}`));
  });
  return () => new Promise<string>((resolve, reject) => {
    const id = next++;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error("the primary did not answer with the workers' metrics"));
    }, ANSWER_TIMEOUT_MS);
    waiting.set(id, { resolve, reject, timer });
    process.send!({ type: REQUEST, id });
  });
}

/** On the `serve --workers` primary: answers each worker's request with every worker's series aggregated. */
export function answerWorkersMetrics(): void {
  const { AggregatorRegistry } = promClient();
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: unknown; id?: unknown }) => {
    if (message?.type !== REQUEST || typeof message.id !== 'number') return;
    const id = message.id;
    const reply = (answer: Omit<MetricsAnswer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id, ...answer } satisfies MetricsAnswer);
    };
    aggregator.clusterMetrics().then((text) => reply({ text }), (error: unknown) => reply({ error: (error as Error).message }));
  });
}
