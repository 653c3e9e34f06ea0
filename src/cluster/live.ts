// Placeholder: replaced by the live source in this session.
import type { ClusterSource } from './types.js';
export interface LiveSourceOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs: number;
  concurrency: number;
  signal?: AbortSignal;
}
export async function openLiveSource(_options: LiveSourceOptions): Promise<ClusterSource> {
  throw new Error('live source placeholder');
}
