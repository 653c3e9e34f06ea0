// Facts that repeat share one copy. Tens of thousands of pods repeat a few hundred namespaces, nodes, images,
// owners, label sets, resource requests and condition entries, and parsed JSON gives every occurrence its own
// string and object. The builder keeps one Interner for the whole pass; the tables go with it, the shared
// copies stay in the facts. Shared records are frozen: a check that changed one would change every pod's.
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly records = new Map<string, object>();

  /** The first copy of an equal string. */
  string<T extends string | undefined>(value: T): T {
    if (value === undefined) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known as T;
    this.strings.set(value, value);
    return value;
  }

  /** One frozen copy of each distinct record; `key` must tell any two different records apart. */
  record<T extends object>(key: string, make: () => T): Readonly<T> {
    const known = this.records.get(key);
    if (known !== undefined) return known as T;
    const made = Object.freeze(make());
    this.records.set(key, made);
    return made;
  }
}
