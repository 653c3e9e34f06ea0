// The Node-script floor of the benchmark (scripts/bench.ts): the least a Node program can do to take the
// same backup. It sends the same requests as `cozy-assess assess` (discovery, then every list, paginated with
// limit/continue, `concurrency` lists at once over keep-alive connections), parses every answer, appends each
// page's bytes to one file per type while hashing them, fsyncs, then re-reads and re-hashes every file.
// No checks, no facts, no clean view, no report. Plain JavaScript, so that no TypeScript loader is timed.
//
//   node scripts/bench-node-floor.mjs PLAN.json
//   PLAN: {"url","caPem","token","concurrency","discovery":[{"path","accept"}…],"lists":[{"path","limit"}…],"out"}
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';

const plan = JSON.parse(await readFile(process.argv[2], 'utf8'));
const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency, ca: plan.caPem });

function get(path, accept = 'application/json') {
  return new Promise((done, fail) => {
    const headers = { Authorization: `Bearer ${plan.token}`, Accept: accept };
    const req = request(`${plan.url}${path}`, { agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        if (res.statusCode !== 200) fail(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        else done(Buffer.concat(chunks));
      });
    });
    req.on('error', fail);
    req.end();
  });
}

await Promise.all(
  plan.discovery.map(async ({ path, accept }) => JSON.parse((await get(path, accept)).toString())),
);

await mkdir(plan.out, { recursive: true });
const written = [];
let next = 0;
async function worker() {
  while (next < plan.lists.length) {
    const index = next++;
    const { path, limit } = plan.lists[index];
    const file = join(plan.out, `${index}.json`);
    const handle = await open(file, 'wx');
    const hash = createHash('sha256');
    let token;
    do {
      const query = `?limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const body = await get(`${path}${query}`);
      token = JSON.parse(body.toString()).metadata?.continue;
      hash.update(body);
      await handle.write(body);
    } while (token);
    await handle.sync();
    await handle.close();
    written.push({ file, sha256: hash.digest('hex') });
  }
}
await Promise.all(Array.from({ length: plan.concurrency }, worker));
agent.destroy();

for (const { file, sha256 } of written) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  if (hash.digest('hex') !== sha256) throw new Error(`${file}: re-read bytes differ from those written`);
}
process.stdout.write(`${written.length} files verified\n`);
