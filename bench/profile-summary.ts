import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --cpu-prof`): self time by function and by package
 * (node_modules/<name>, our src/ folders, node internals), and inclusive time of the functions under src/.
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile> [top]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string): string {
  if (!url) return '(native / vm)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const own = /\/(src|sim|bench)\/([^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

export function summarise(path: string, top = 25): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const idleUs = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((s, [, us]) => s + us, 0);

  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const fnSelf = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  const srcInclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    add(fnSelf, `${functionName || '(anonymous)'} ${area(url)}:${lineNumber + 1}`, us);
    add(areaSelf, area(url), us);
    // Inclusive: charge every distinct src/ frame on the stack once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!/\/src\//.test(f.url) || f.url.includes('node_modules')) continue;
      const key = `${f.functionName || '(anonymous)'} ${area(f.url)}:${f.lineNumber + 1}`;
      if (!seen.has(key)) {
        seen.add(key);
        add(srcInclusive, key, us);
      }
    }
  }
  const busyUs = totalUs - idleUs;
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / busyUs).toFixed(1).padStart(5)} %  ${k}`)
      .join('\n');
  return [
    `${path}: ${(totalUs / 1e6).toFixed(1)} s profiled, ${(busyUs / 1e6).toFixed(1)} s busy (${((100 * busyUs) / totalUs).toFixed(0)} %)`,
    'self time by area:',
    fmt(areaSelf),
    'self time by function:',
    fmt(fnSelf),
    'inclusive time of src/ functions:',
    fmt(srcInclusive),
  ].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarise(file, top ? Number(top) : 25));
}
