// autocannon ships no types and @types/autocannon lags its major versions; this declares only
// the part of its programmatic API that bench/pages uses (autocannon 9).
declare module "autocannon" {
  export type TAutocannonOptions = {
    url: string;
    connections?: number;
    duration?: number;
    /** Requests per second across all connections. */
    overallRate?: number;
    headers?: Record<string, string>;
  };

  export type THistogram = {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    total: number;
  };

  export type TAutocannonResult = {
    requests: THistogram;
    latency: THistogram;
    throughput: THistogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
    duration: number;
  };

  export default function autocannon(options: TAutocannonOptions): Promise<TAutocannonResult>;
}
