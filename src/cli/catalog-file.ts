// Reads the release catalog: the shipped one and an optional `--catalog FILE` merged over it. The catalog's
// only I/O. The shipped catalog's source is releases.yaml (src/catalog/ under tsx, dist/catalog/ once built,
// where the build copies it); the build also writes it parsed and validated as releases.json, which is read
// instead when present: parsing and validating the YAML took about 0.5 s of every start.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mergeCatalogs, parseCatalogText, toCatalog } from '../catalog/parse.js';
import type { CatalogFile } from '../catalog/schema.js';
import type { Catalog } from '../catalog/types.js';
import { BadInputError } from '../errors.js';

export const SHIPPED_CATALOG_URL = new URL('../catalog/releases.yaml', import.meta.url);
/** Written by `npm run build` (scripts/build.mjs) from releases.yaml, already validated. */
const BUILT_CATALOG_URL = new URL('../catalog/releases.json', import.meta.url);

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fault =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : String(code ?? error);
    throw new BadInputError(
      `${path}: cannot read the ${what}: ${fault}`,
      path,
      undefined,
      'pass a YAML or JSON file',
    );
  }
}

/** The shipped catalog, merged with `overridePath` when given. */
export function loadCatalog(overridePath?: string): Catalog {
  const shipped = shippedCatalog();
  if (!overridePath) return toCatalog(shipped, ['releases.yaml']);
  const override = parseCatalogText(readText(overridePath, 'release catalog'), overridePath);
  return toCatalog(mergeCatalogs(shipped, override), ['releases.yaml', overridePath]);
}

function shippedCatalog(): CatalogFile {
  const built = fileURLToPath(BUILT_CATALOG_URL);
  if (existsSync(built)) return JSON.parse(readFileSync(built, 'utf8')) as CatalogFile;
  const source = fileURLToPath(SHIPPED_CATALOG_URL);
  return parseCatalogText(readFileSync(source, 'utf8'), 'releases.yaml (shipped catalog)');
}
