// The sample cluster (test/support/sample-cluster.ts) served by the fake API server for a whole test file or
// suite: written to a fresh temp folder before the tests, the server closed and the folder removed after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type FakeApiServer, type FakeApiServerOptions, startFakeApiServer } from './fake-apiserver.js';
import { writeSampleCluster } from './sample-cluster.js';

export interface SampleServer {
  /** The temp folder (free for the tests' own files). */
  root: string;
  /** The sample cluster, at `<root>/snapshot`. */
  snapshotDir: string;
  server: FakeApiServer;
}

/** Registers the before/after hooks of the current file or suite; `ready` receives the running server. */
export function serveSampleCluster(
  prefix: string,
  options: Omit<FakeApiServerOptions, 'snapshotDir'>,
  ready: (sample: SampleServer) => void,
): void {
  let root: string | undefined;
  let server: FakeApiServer | undefined;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
    const snapshotDir = await writeSampleCluster(join(root, 'snapshot'));
    server = await startFakeApiServer({ snapshotDir, ...options });
    ready({ root, snapshotDir, server });
  });
  after(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
}
