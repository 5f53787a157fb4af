import * as inspector from 'inspector';
import * as path from 'path';

/** A call tree of V8's sampling heap profiler (`HeapProfiler.stopSampling`). */
interface SampledNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampledNode[];
}

/**
 * Runs `work` under V8's sampling heap profiler; the bytes allocated by each place (function and its caller).
 * With `outlivingScavenges`, only what survived the young generation's collections is counted: what was
 * promoted to the old generation (and is alive or died there), the objects whose copying the scavenges pay
 * for and whose garbage only a full collection frees.
 */
export async function allocationsOf(
  work: () => Promise<void>,
  options: { outlivingScavenges?: boolean; samplingInterval?: number } = {},
): Promise<Map<string, number>> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', {
    samplingInterval: options.samplingInterval ?? 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !options.outlivingScavenges,
  });
  await work();
  const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: { head: SampledNode } };
  session.disconnect();
  const bySite = new Map<string, number>();
  const name = (n: SampledNode): string =>
    `${n.callFrame.functionName || '(anonymous)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const walk = (n: SampledNode, caller: SampledNode | null): void => {
    if (n.selfSize) {
      const site = caller ? `${name(n)} < ${name(caller)}` : name(n);
      bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, n);
  };
  walk(profile.head, null);
  return bySite;
}

/** The sum of what `allocationsOf` found. */
export function totalOf(bySite: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const bytes of bySite.values()) total += bytes;
  return total;
}
