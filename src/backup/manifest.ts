// manifest.json: what a backup holds, where it came from, and what it left out and why. Secret data never
// appears here: only type names, counts, byte sizes and file names.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BadInputError, badInputFromZod } from '../errors.js';
import { MANIFEST_FILE } from './layout.js';

export const MANIFEST_FORMAT = 'cozy-assess-backup' as const;
export const MANIFEST_VERSION = 1 as const;

export const ManifestTypeSchema = z.object({
  /** `deployments.apps`, as kubectl names it. */
  type: z.string(),
  apiVersion: z.string(),
  kind: z.string(),
  category: z.string(),
  status: z.enum(['ok', 'forbidden', 'not-installed', 'failed']),
  objects: z.number().int().nonnegative(),
  /** Raw file (absent when the type was not read). */
  file: z.string().optional(),
  bytes: z.number().int().nonnegative(),
  /** Clean-view file, when the type has one. */
  cleanFile: z.string().optional(),
  cleanObjects: z.number().int().nonnegative().optional(),
  cleanBytes: z.number().int().nonnegative().optional(),
});
export type ManifestType = z.infer<typeof ManifestTypeSchema>;

export const ManifestSkipSchema = z.object({
  type: z.string(),
  /** forbidden / failed: the cluster would not give it; excluded: the user asked (`--no-secrets`). */
  cause: z.enum(['forbidden', 'failed', 'excluded']),
  reason: z.string(),
});

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  formatVersion: z.literal(MANIFEST_VERSION),
  tool: z.object({ name: z.literal('cozy-assess'), version: z.string() }),
  cluster: z.object({
    source: z.enum(['live', 'snapshot']),
    server: z.string().nullable(),
    context: z.string().nullable(),
    snapshot: z.string().nullable(),
    kubernetesVersion: z.string().nullable(),
  }),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** False when a type the backup wants could not be read (see `skipped`). */
  complete: z.boolean(),
  secrets: z.enum(['included', 'encrypted', 'excluded']),
  encryption: z
    .object({ tool: z.literal('age'), recipients: z.array(z.string()), passphrase: z.boolean() })
    .nullable(),
  /** The clean view folder (`kubectl apply -f` it), relative to the backup. */
  cleanView: z.string(),
  /** `cozy-system` ConfigMaps that hold CozyStack's own configuration, by name, for a quick look. */
  cozystackConfigMaps: z.array(z.string()),
  types: z.array(ManifestTypeSchema),
  categories: z.array(z.object({ category: z.string(), objects: z.number().int(), bytes: z.number().int() })),
  skipped: z.array(ManifestSkipSchema),
  checksums: z.literal('SHA256SUMS'),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** Reads and validates manifest.json of a backup folder (exit 2 when absent or malformed). */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, MANIFEST_FILE);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      `${file}: ${code === 'ENOENT' ? 'missing' : `unreadable (${code ?? (error as Error).message})`}`,
      file,
    );
  }
  const parsed = ManifestSchema.safeParse(data);
  if (!parsed.success) throw badInputFromZod(parsed.error, file, 'backup manifest');
  return parsed.data;
}
