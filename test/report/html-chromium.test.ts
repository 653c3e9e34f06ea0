// The HTML report as a browser shows it: headless Chromium (Debian's `chromium`) renders the seed-incident
// report to a screenshot that must not be blank, and its DOM must show the verdict, both options and the broken
// nodes; a page full of hostile cluster text must not grow a single element from it. Skips where Chromium is
// not installed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { Assessment } from '../../src/model/assessment.js';
import { renderHtml } from '../../src/report/html.js';
import { assessInto } from '../support/assess.js';
import { fixture } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function findBrowser(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of BROWSERS) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {}
    }
  }
  return undefined;
}

const browser = findBrowser();
const tempDir = tempDirs('cozy-html-');
let seed: Promise<{ dir: string; json: Assessment }> | undefined;

/** The seed-incident assessment through the real binary, once for this file. */
function seedIncident(): Promise<{ dir: string; json: Assessment }> {
  seed ??= tempDir().then(async (dir) => ({
    dir,
    json: (await assessInto(dir, 'seed', fixture('seed-incident'))).json,
  }));
  return seed;
}

/** One headless run with a fresh profile, no network services, bounded in time; returns stdout. */
async function chromium(args: string[]): Promise<string> {
  const profile = await tempDir();
  return new Promise((done, fail) => {
    execFile(
      browser!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
    );
  });
}

/** Distinct colours, and the share of pixels that are not the page's white. */
function pixels(png: PNG): { colours: number; inked: number } {
  const seen = new Set<number>();
  let inked = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    seen.add((r << 16) | (g << 8) | b);
    if (r < 240 || g < 240 || b < 240) inked++;
  }
  return { colours: seen.size, inked: inked / (png.width * png.height) };
}

describe('HTML report in headless Chromium', { skip: browser ? false : 'chromium is not installed' }, () => {
  it('shows the seed incident: a screenshot with content, a DOM with the verdict, both options and the broken nodes', async () => {
    const run = await seedIncident();
    const page = join(run.dir, 'seed.html');
    await writeFile(page, renderHtml(run.json));
    const shot = join(run.dir, 'seed.png');
    await chromium([
      '--window-size=1280,2400',
      '--hide-scrollbars',
      `--screenshot=${shot}`,
      `file://${page}`,
    ]);
    const png = PNG.sync.read(readFileSync(shot));
    assert.equal(png.width, 1280);
    const { colours, inked } = pixels(png);
    assert.ok(colours > 50, `only ${colours} colours: blank page?`);
    assert.ok(inked > 0.03, `only ${(inked * 100).toFixed(1)} % of the pixels are not white`);

    const dom = await chromium(['--dump-dom', `file://${page}`]);
    assert.match(dom, /<div class="status">⛔ NO-GO: CRITICAL ISSUES PREVENT UPGRADE<\/div>/);
    assert.match(dom, /<h3>Option A \(Incremental in-place upgrade\)<\/h3>/);
    assert.match(dom, /<h3>Option C \(Fresh install, then migrate\)<\/h3>/);
    for (const node of ['mgr.cp.if.ua', 'mgr-cozy2']) assert.ok(dom.includes(`Node ${node}`), node);
    assert.ok(!dom.includes('<script'), 'no script element');
  });

  it('hostile cluster text stays text in the browser', async () => {
    const run = await seedIncident();
    const hostile =
      '</details><script>document.title="pwned"</script><img src=x onerror="document.title=1">```';
    const a = structuredClone(run.json);
    a.findings[0]!.summary = hostile;
    a.findings[0]!.evidence[0]!.message = hostile;
    a.rootCauses[0]!.title = hostile;
    a.rootCauses[0]!.nodes[0] = hostile;
    const page = join(run.dir, 'hostile.html');
    await writeFile(page, renderHtml(a));
    const dom = await chromium(['--dump-dom', `file://${page}`]);
    assert.match(dom, /<title>CozyStack upgrade assessment: NO-GO<\/title>/);
    assert.ok(!/<script|<img/i.test(dom), 'the hostile text made an element');
    assert.ok(dom.includes('&lt;/details&gt;&lt;script&gt;document.title="pwned"&lt;/script&gt;'));
    assert.equal(dom.match(/<details/g)?.length, dom.match(/<\/details>/g)?.length);
  });
});
