import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** Stops earlier if this many requests are done. */
  maxRequests: number;
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

/** A fixed number of keep-alive connections, each sending GETs back to back, bounded in time and count. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const url = new URL(o.url);
  const latencies = new Float64Array(o.maxRequests);
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && requests < o.maxRequests) {
      const t0 = performance.now();
      const status = await get(agent, url, o.headers).catch(() => 0);
      if (status !== 200) errors++;
      if (requests < o.maxRequests) latencies[requests] = performance.now() - t0;
      requests++;
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = latencies.subarray(0, Math.min(requests, o.maxRequests)).sort();
  return { requests, errors, seconds, perSecond: requests / seconds, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}
