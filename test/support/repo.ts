// Where the repository is, for the files the tests read (fixtures, README, schemas, dist/). `npm test` runs
// the tests compiled to JavaScript in .test-build/ (scripts/build-tests.mjs: no TypeScript loader to start in
// every test process); a test run on its own with tsx runs from test/. Either way the files read are the
// repository's own, never copies.
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder scripts/build-tests.mjs compiles src/, test/ and scripts/ into. */
export const TEST_BUILD_DIR = '.test-build';

const above = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const REPO_ROOT = basename(above) === TEST_BUILD_DIR ? dirname(above) : above;

/** A path inside the repository: `repoPath('fixtures', 'healthy')`. */
export const repoPath = (...parts: string[]) => join(REPO_ROOT, ...parts);
