// A check of a value against a zod schema that allocates nothing, for the inventory's hot path. zod's parse
// builds an output copy of every object it visits (two allocations per field), which costs more than the
// reduction it guards at tens of thousands of pods and, in a process holding a whole snapshot, makes the
// garbage collector work on the old generation. So the schemas' structure (objects, arrays, records,
// optional, nullable) is walked here, and their leaves are tested by the very predicate each was built from
// (`leaf`). zod itself parses only a value that fails, for its message; it stays the judge: where the two
// disagree, zod's answer is taken, and a schema kind not known here is handed to zod whole.
import { z } from 'zod';

type Test = (value: unknown) => boolean;
const LEAF_TESTS = new WeakMap<z.ZodType, Test>();

/** A leaf schema from its test, with a message in zod's style: `expected a string, received number`. */
export function leaf<T>(expected: string, test: (value: unknown) => value is T): z.ZodType<T> {
  const schema = z.custom<T>(test, {
    error: (issue) => `Invalid input: expected ${expected}, received ${received(issue.input)}`,
  });
  LEAF_TESTS.set(schema, test);
  return schema;
}

function received(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `number ${value}`;
  return typeof value;
}

/** Whether `value` passes `schema`, without building zod's output. */
export function passes(schema: z.ZodType, value: unknown): boolean {
  return compiled(schema)(value);
}

const COMPILED = new WeakMap<z.ZodType, Test>();

/** The schema as one test function, made once per schema (a tree of closures, no lookups per value). */
function compiled(schema: z.ZodType): Test {
  let test = COMPILED.get(schema);
  if (!test) {
    test = compile(schema);
    COMPILED.set(schema, test);
  }
  return test;
}

function compile(schema: z.ZodType): Test {
  const leafTest = LEAF_TESTS.get(schema);
  if (leafTest) return leafTest;
  const def = (schema as z.ZodType & { _zod: { def: SchemaDef } })._zod.def;
  const zodTest: Test = (value) => schema.safeParse(value).success;
  switch (def.type) {
    case 'optional': {
      const inner = compiled(def.innerType!);
      return (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = compiled(def.innerType!);
      return (value) => value === null || inner(value);
    }
    case 'object': {
      // A stripping object (no catchall) ignores unknown keys; any other is left to zod.
      if (def.catchall !== undefined) return zodTest;
      const keys = Object.keys(def.shape!);
      const tests = keys.map((key) => compiled(def.shape![key]!));
      return (value) => {
        if (!isMapping(value)) return false;
        const fields = value as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) if (!tests[i]!(fields[keys[i]!])) return false;
        return true;
      };
    }
    case 'array': {
      const element = compiled(def.element!);
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
        return true;
      };
    }
    case 'record': {
      if (!isAnyString(def.keyType!)) return zodTest;
      const element = compiled(def.valueType!);
      return (value) => {
        if (!isPlainMapping(value)) return false;
        const fields = value as Record<string, unknown>;
        for (const key in fields) if (!element(fields[key])) return false;
        return true;
      };
    }
    default:
      return zodTest;
  }
}

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
}

function isMapping(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainMapping(value: unknown): value is object {
  if (!isMapping(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A bare `z.string()` key: every key of a mapping passes it. */
function isAnyString(schema: z.ZodType): boolean {
  const def = (schema as z.ZodType & { _zod: { def: { type: string; checks?: unknown[] } } })._zod.def;
  return def.type === 'string' && (def.checks ?? []).length === 0;
}
