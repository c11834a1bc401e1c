/** The value of one sample (`name{labels}` exactly as exposed), or undefined when absent. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Every label value in the exposition, to check that no URL or secret became one. */
export function labelValues(text: string): string[] {
  return [...text.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!);
}
