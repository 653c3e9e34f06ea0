// Reads the release catalog: the shipped releases.yaml (src/catalog/ under tsx, dist/catalog/ once built,
// where the build copies it) and an optional `--catalog FILE` merged over it. The catalog's only I/O.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mergeCatalogs, parseCatalogText, toCatalog } from '../catalog/parse.js';
import type { Catalog } from '../catalog/types.js';
import { BadInputError } from '../errors.js';

export const SHIPPED_CATALOG_URL = new URL('../catalog/releases.yaml', import.meta.url);

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
  const shippedPath = fileURLToPath(SHIPPED_CATALOG_URL);
  const shipped = parseCatalogText(readFileSync(shippedPath, 'utf8'), 'releases.yaml (shipped catalog)');
  if (!overridePath) return toCatalog(shipped, ['releases.yaml']);
  const override = parseCatalogText(readText(overridePath, 'release catalog'), overridePath);
  return toCatalog(mergeCatalogs(shipped, override), ['releases.yaml', overridePath]);
}
