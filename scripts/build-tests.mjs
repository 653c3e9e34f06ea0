// The test build, after `tsc -p tsconfig.test.json` has type-checked src/, test/ and scripts/ and compiled them
// into .test-build/ (see package.json's build:tests): copies beside them the files that modules read from next
// to themselves (the release catalog's YAML, the JUnit schema, shell and .mjs scripts) and package.json (the
// version), so that `node --test` runs the compiled suite without a TypeScript loader in every test process.
// Tests find the repository's own files (fixtures, README, schemas, dist/) through test/support/repo.ts.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.test-build');

/** Every file under `dir` that tsc does not compile. */
async function* assets(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(path);
    else if (entry.isFile() && !entry.name.endsWith('.ts')) yield path;
  }
}

let copied = 0;
for (const folder of ['src', 'test', 'scripts']) {
  for await (const file of assets(join(ROOT, folder))) {
    const target = join(OUT, relative(ROOT, file));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
    copied++;
  }
}
await copyFile(join(ROOT, 'package.json'), join(OUT, 'package.json'));
console.log(`build-tests: compiled into ${relative(ROOT, OUT)}/, ${copied + 1} files copied beside`);
