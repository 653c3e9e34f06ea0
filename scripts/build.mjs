// The build after `tsc`: what is prepared once at build time instead of at every start.
// (Two steps: the client-node bundle and the parsed release catalog.)
//
// dist/cluster/client-node.js: src/cluster/client-node.ts bundled with esbuild. @kubernetes/client-node's
// config module imports the package's whole generated API client (gen/index.js) for makeApiClient, which
// we never call; the bundle gets a gen/index.js that exports only the two names config.js imports, from
// their own modules. Everything else is the package's code as published (and its dependencies, bundled so
// that the file does not depend on how npm laid out node_modules).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves config.js's `./gen/index.js` to a module exporting only what config.js takes from it. */
const generatedClientSlice = {
  name: 'client-node-generated-client-slice',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /@kubernetes[\\/]client-node[\\/]dist$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, 'gen', 'index.js'), namespace: 'generated-client-slice' }
        : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'generated-client-slice' }, (args) => ({
      contents:
        "export { createConfiguration } from './configuration.js';\nexport { ServerConfiguration } from './servers.js';\n",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

const clientNode = join(ROOT, 'dist', 'cluster', 'client-node.js');
await build({
  entryPoints: [clientNode],
  outfile: clientNode,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-in modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  plugins: [generatedClientSlice],
  logLevel: 'warning',
  legalComments: 'eof',
});

// dist/catalog/releases.json: the shipped release catalog, parsed from src/catalog/releases.yaml and
// validated once here (YAML parsing and validation cost about 0.5 s at every start). src/cli/catalog-file.ts
// reads it when present and falls back to the YAML source (as under tsx).
const { parseCatalogText } = await import(join(ROOT, 'dist', 'catalog', 'parse.js'));
const catalogYaml = join(ROOT, 'src', 'catalog', 'releases.yaml');
const catalog = parseCatalogText(await readFile(catalogYaml, 'utf8'), catalogYaml);
await mkdir(join(ROOT, 'dist', 'catalog'), { recursive: true });
await writeFile(join(ROOT, 'dist', 'catalog', 'releases.json'), `${JSON.stringify(catalog)}\n`);
