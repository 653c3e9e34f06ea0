// The release catalog from text: YAML parsed and zod-validated (errors name the file and the field), a
// `--catalog` file merged over the shipped one, releases ordered by semver. Pure: the files are read at the
// CLI edge (src/cli/catalog-file.ts).
import semver from 'semver';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { BadInputError, badInputFromZod } from '../errors.js';
import { type CatalogFile, CatalogFileSchema } from './schema.js';
import type { Catalog } from './types.js';

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
