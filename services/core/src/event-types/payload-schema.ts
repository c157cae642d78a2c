import { Ajv as AjvDraft07, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { LRUCache } from 'lru-cache';
import { RE2JS } from 're2js';
import { InvalidInputError } from '../errors.ts';

/** A JSON Schema is configuration, not data: 64 KiB is far beyond any real one and bounds compile time. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/**
 * `pattern` and `patternProperties` run on RE2 (linear time): a tenant's regex must not be able to
 * stall the API for everyone (ReDoS). Patterns RE2 cannot run (backreferences, lookaround) are refused
 * when the schema is saved.
 */
const re2: ((pattern: string, flags: string) => { test(input: string): boolean }) & { code: string } = Object.assign(
  (pattern: string, flags: string) => {
    const re = RE2JS.compile(RE2JS.translateRegExp(pattern), flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    return { test: (input: string) => re.test(input) };
  },
  { code: 're2js' },
);

// One validator per dialect, shared by every tenant. addUsedSchema: false keeps a tenant's `$id` out of the
// instance's registry, where it would clash with another tenant's schema of the same `$id`.
function makeAjv<T extends AjvDraft07 | Ajv2020>(Ctor: new (opts: object) => T): T {
  const ajv = new Ctor({ strict: false, allErrors: false, addUsedSchema: false, ownProperties: true, code: { regExp: re2 } });
  addFormats.default(ajv as never);
  return ajv;
}
// Made on first use: the worker imports core too, and never validates a payload.
let dialects: { draft2020: Ajv2020; draft07: AjvDraft07 } | undefined;

function dialectOf(schema: object) {
  dialects ??= { draft2020: makeAjv(Ajv2020), draft07: makeAjv(AjvDraft07) };
  const declared = (schema as { $schema?: unknown }).$schema;
  if (declared === undefined || (typeof declared === 'string' && declared.includes('2020-12'))) return dialects.draft2020;
  if (typeof declared === 'string' && declared.includes('draft-07')) return dialects.draft07;
  throw new InvalidInputError('schema: $schema must be JSON Schema 2020-12 (the default) or draft-07.', { field: 'schema' });
}

/** Refuses anything that is not a valid JSON Schema we can run: called before a schema is saved. */
export function assertValidSchema(schema: unknown): asserts schema is Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new InvalidInputError('schema: a JSON Schema is an object.', { field: 'schema' });
  const size = Buffer.byteLength(JSON.stringify(schema));
  if (size > MAX_SCHEMA_BYTES)
    throw new InvalidInputError(`schema: ${size} bytes; a schema may be at most ${MAX_SCHEMA_BYTES}.`, { field: 'schema' });
  const ajv = dialectOf(schema);
  if (!ajv.validateSchema(schema as AnySchema))
    throw new InvalidInputError(`schema is not a valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: 'schema' })}`, {
      field: 'schema',
    });
  try {
    ajv.compile(schema as AnySchema);
  } catch (err) {
    throw new InvalidInputError(`schema cannot be used: ${(err as Error).message}`, { field: 'schema' });
  } finally {
    ajv.removeSchema(schema as AnySchema);
  }
}

interface CompiledSchema {
  validate: ValidateFunction;
  release(): void;
}

// Compiled once per event type version (id + updatedAt) and process; evicted ones are released from Ajv.
const compiled = new LRUCache<string, CompiledSchema>({ max: 2000, dispose: (entry) => entry.release() });

export interface SchemaVersion {
  /** Names this version of the type's schema: its id and updated_at. */
  cacheKey: string;
  schema: unknown;
}

/**
 * Checks a payload against its event type's schema. A violation is BAD_USER_INPUT whose `field` is
 * the JSON Pointer of the failing value under `payload`, e.g. `payload/amount` or `payload/items/0/sku`.
 */
export function assertPayloadMatches(type: SchemaVersion, payload: unknown): void {
  if (type.schema === null || type.schema === undefined) return;
  const key = type.cacheKey;
  let entry = compiled.get(key);
  if (!entry) {
    const schema = type.schema as Record<string, unknown>;
    const ajv = dialectOf(schema);
    entry = { validate: ajv.compile(schema), release: () => ajv.removeSchema(schema) };
    compiled.set(key, entry);
  }
  if (entry.validate(payload)) return;
  throw violation('payload', entry.validate.errors![0]!);
}

/** An event type's example must match its own schema; checked when either is saved. */
export function assertExampleMatches(schema: Record<string, unknown>, example: unknown): void {
  const ajv = dialectOf(schema);
  try {
    const validate = ajv.compile(schema);
    if (!validate(example)) throw violation('example', validate.errors![0]!);
  } finally {
    ajv.removeSchema(schema);
  }
}

function violation(root: string, error: ErrorObject): InvalidInputError {
  const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const field = `${root}${error.instancePath}${missing ? `/${missing.replace(/~/g, '~0').replace(/\//g, '~1')}` : ''}`;
  return new InvalidInputError(`${field} ${error.message ?? 'does not match the schema'}.`, {
    field,
    schemaPath: error.schemaPath,
  });
}
