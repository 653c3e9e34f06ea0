// Network helpers for tests that need a connection to fail (only 127.0.0.1).
import { createServer } from 'node:net';

/** A 127.0.0.1 port that was free a moment ago and has nothing listening: connecting is refused. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
