// Objects per list request unless `--chunk-size` says otherwise: kubectl's default. A module of its own, so
// the command line can show it in --help without loading the live source.
export const DEFAULT_CHUNK_SIZE = 500;
