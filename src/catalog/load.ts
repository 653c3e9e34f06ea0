// Loads the shipped release catalog (releases.yaml next to this module, in src/ under tsx and in dist/ once
// built) and merges an optional `--catalog FILE` over it. The only I/O in src/catalog.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { BadInputError, badInputFromZod } from '../errors.js';
import { type CatalogFile, CatalogFileSchema } from './schema.js';
import type { Catalog } from './types.js';

export const SHIPPED_CATALOG_URL = new URL('./releases.yaml', import.meta.url);

/** Parses and validates catalog text; `file` names it in errors (exit 2 with the field path). */
export function parseCatalogText(text: string, file: string): CatalogFile {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`${file}: not valid YAML${where}: ${message}`, file);
  }
  const result = CatalogFileSchema.safeParse(data);
  if (!result.success) throw badInputFromZod(result.error, file, 'release catalog');
  return result.data;
}

function replaceOrAdd<T>(base: T[], override: T[], key: (item: T) => string): T[] {
  const byKey = new Map(base.map((item) => [key(item), item]));
  for (const item of override) byKey.set(key(item), item);
  return [...byKey.values()];
}

/** Entries of `override` replace the base entries with the same version / id / name; new ones are added. */
export function mergeCatalogs(base: CatalogFile, override: CatalogFile): CatalogFile {
  return {
    schemaVersion: 1,
    releases: replaceOrAdd(base.releases, override.releases, (r) => r.version),
    breakingChanges: replaceOrAdd(base.breakingChanges, override.breakingChanges, (c) => c.id),
    requiredStops: replaceOrAdd(base.requiredStops, override.requiredStops, (s) => s.id),
    bundles: replaceOrAdd(base.bundles, override.bundles, (b) => b.name),
  };
}

/** Orders releases by semver (never by date: release lines overlap in time). */
export function toCatalog(file: CatalogFile, files: string[]): Catalog {
  return {
    releases: [...file.releases].sort((a, b) => semver.compare(a.version, b.version)),
    breakingChanges: [...file.breakingChanges].sort(
      (a, b) => semver.compare(a.version, b.version) || a.id.localeCompare(b.id),
    ),
    requiredStops: file.requiredStops,
    bundles: file.bundles,
    files,
  };
}

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
