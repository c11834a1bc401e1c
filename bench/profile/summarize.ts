interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Where a script lives, short: a package name, a tessera source file, or node's own. */
function owner(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(.+)$/.exec(url);
  if (own) return `tessera:${own[1]}`;
  if (url.startsWith('node:')) return url;
  return url || '(native / vm)';
}

/** Prints self time by function and by owner (package or file), in percent of all samples. */
export function summarize(profile: { nodes: ProfileNode[] }, top = 30): void {
  let total = 0;
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${owner(url)}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    byOwner.set(owner(url), (byOwner.get(owner(url)) ?? 0) + hits);
  }
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [name, hits] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
    }
  };
  print('self time by function', byFunction);
  print('self time by owner', byOwner);
  print('total time by function (itself and what it calls; async functions only up to their first await)', inclusiveTimes(profile));
}

/** Samples in each function's call trees, a function counted once where it calls itself. */
function inclusiveTimes(profile: { nodes: ProfileNode[] }): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  const nameOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${owner(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  // Depth first from the root; the path's names say which functions a subtree already counts for.
  const visit = (node: ProfileNode, onPath: Set<string>): number => {
    let hits = node.hitCount ?? 0;
    const name = nameOf(node);
    const first = !onPath.has(name);
    if (first) onPath.add(name);
    for (const child of node.children ?? []) hits += visit(byId.get(child)!, onPath);
    if (first) {
      onPath.delete(name);
      totals.set(name, (totals.get(name) ?? 0) + hits);
    }
    return hits;
  };
  visit(profile.nodes[0]!, new Set());
  for (const name of [...totals.keys()]) if (name.startsWith('(root)') || name.startsWith('(idle)') || name.startsWith('(program)')) totals.delete(name);
  return totals;
}
