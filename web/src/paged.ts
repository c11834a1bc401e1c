import { ref } from 'vue';
import { client, fieldErrors, pathOf, reportError, type Page } from './api.ts';
import { announce } from './status.ts';

/** A DRF-paginated list: load a path, follow `next`/`previous`, know the page number. */
export function usePaged<T>() {
  const page = ref<Page<T> | null>(null);
  const number = ref(1);
  const loading = ref(false);
  let currentPath = '';
  /** Counts loads: only the newest may show its answer (a slow first load must not replace a search's). */
  let latest = 0;
  const load = async (path: string) => {
    currentPath = path;
    const mine = ++latest;
    loading.value = true;
    try {
      const answer = await client.request<Page<T>>('GET', path);
      if (mine !== latest) return;
      page.value = answer;
      number.value = Number(new URL(path, location.origin).searchParams.get('page') ?? '1') || 1;
    } catch (error) {
      if (mine !== latest) return;
      // A filter the API refuses (an unknown audit event): say which and why.
      const fields = fieldErrors(error);
      const named = Object.entries(fields).map(([name, messages]) => `${name}: ${messages.join(' ')}`);
      if (named.length) announce(named.join(' '), 'error');
      else reportError(error);
    } finally {
      if (mine === latest) loading.value = false;
    }
  };
  const go = (url: string) => load(pathOf(url));
  /** Loads the page shown again (after a change). */
  const reload = () => load(currentPath);
  return { page, number, loading, load, go, reload };
}

/** `base?key=value&...` leaving out empty values. */
export function withQuery(base: string, query: Record<string, string>): string {
  const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value.trim() !== ''));
  const text = search.toString();
  return text ? `${base}?${text}` : base;
}
