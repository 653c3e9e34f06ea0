// Serves a snapshot folder with the fake Kubernetes API server (test/support/fake-apiserver.ts) until it is
// told to stop, so the benchmark can run the server in its own process (its memory and CPU are not counted
// as the measured client's). Prints one JSON line on stdout when it listens:
//   {"url":"https://127.0.0.1:PORT","kubeconfigPath":"…","caPem":"…","token":"…"}
// Stops on SIGTERM/SIGINT or when stdin closes (the parent died), removing its kubeconfig.
//
//   node --import tsx scripts/serve-fake-apiserver.ts --snapshot DIR [--http] [--token T]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeApiServer } from '../test/support/fake-apiserver.js';

const { values } = parseArgs({
  options: {
    snapshot: { type: 'string' },
    http: { type: 'boolean', default: false },
    token: { type: 'string', default: 'bench-token' },
  },
});
if (!values.snapshot) {
  process.stderr.write('serve-fake-apiserver: --snapshot DIR is required\n');
  process.exit(2);
}

const server = await startFakeApiServer({
  snapshotDir: resolve(values.snapshot),
  tls: !values.http,
  token: values.token,
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.stdout.write(
  `${JSON.stringify({ url: server.url, kubeconfigPath: server.kubeconfigPath, caPem: server.caPem, token: values.token })}\n`,
);
