// Kubernetes resource quantities ("250m", "1.5", "512Mi", "1e3", "2G") to plain numbers.
// Only what requests/allocatable use: CPU to millicores, memory to bytes. Unparseable values count as 0,
// because a typo in one pod's request must not abort the whole inventory.

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** The quantity as a plain number of base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const base = Number(match[1]);
  if (!Number.isFinite(base)) return undefined;
  const suffix = match[2] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  return factor === undefined ? undefined : base * factor;
}

export function cpuMillis(value: unknown): number {
  const cores = parseQuantity(value);
  return cores === undefined ? 0 : Math.round(cores * 1000);
}

export function memoryBytes(value: unknown): number {
  const bytes = parseQuantity(value);
  return bytes === undefined ? 0 : Math.round(bytes);
}
