import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { TesseraClient } from './client.js';

/** What the interceptors remember on a request's config (axios keeps unknown keys when it merges configs). */
interface TesseraMark {
  /** The access token the interceptor put in the header. */
  sent: string | null;
  retried: boolean;
}

type MarkedConfig = InternalAxiosRequestConfig & { tessera?: TesseraMark };

/**
 * Adds tessera's tokens to an axios instance: the request interceptor sets `Authorization: Bearer`
 * (refreshing shortly before expiry), the response interceptor refreshes once on a 401 and retries
 * once. Returns a function that removes both interceptors.
 */
export function attachTessera(instance: AxiosInstance, client: TesseraClient): () => void {
  const requestId = instance.interceptors.request.use(async (config: MarkedConfig) => {
    const current = config.headers.get('Authorization');
    const ours = config.tessera?.sent ? `Bearer ${config.tessera.sent}` : undefined;
    // A header the caller set is theirs: leave it (and its 401) alone.
    if (current && current !== ours) return config;
    const access = await client.accessToken();
    if (access) config.headers.set('Authorization', `Bearer ${access}`);
    else config.headers.delete('Authorization');
    config.tessera = { sent: access, retried: config.tessera?.retried ?? false };
    return config;
  });

  const responseId = instance.interceptors.response.use(
    (response: AxiosResponse) => response,
    async (error: AxiosError) => {
      const config = error.config as MarkedConfig | undefined;
      const mark = config?.tessera;
      if (!config || !mark || mark.retried || mark.sent === null || error.response?.status !== 401) throw error;
      // A refresh that finished while this request was out already gave a newer token: no second refresh.
      let access = await client.accessToken();
      if (access === mark.sent) {
        if (!(await client.refresh())) throw error;
        access = await client.accessToken();
      }
      if (!access || access === mark.sent) throw error;
      config.tessera = { sent: access, retried: true };
      config.headers.set('Authorization', `Bearer ${access}`);
      return instance.request(config);
    },
  );

  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}
