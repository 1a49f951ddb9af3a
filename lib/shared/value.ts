import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * What a shared value may be, checked before any store sees it (docs/exec.md, "Shared values").
 * A value is JSON; a numpy array travels as a JSON envelope
 *   {"__ndarray__": {"dtype": "float64", "shape": [3], "data": "<base64 of the raw little-endian bytes>"}}
 * anywhere inside it (kind "ndarray" when the whole value is one array). Nothing is ever pickled.
 * No store-specific code here: both stores keep the JSON text as it is checked.
 */

export const SHARED_LIMITS = {
  /** UTF-8 bytes of a value's JSON text. */
  valueBytes: 1024 * 1024,
  keysPerSnippet: 100,
  keyChars: 128,
  /** Nesting of lists and objects; deeper values are refused rather than walked. */
  depth: 64,
} as const;

export const ZSharedKind = z.enum(["json", "ndarray"]);
export type TSharedKind = z.infer<typeof ZSharedKind>;

const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

export const ZSharedKey = z
  .string({ error: "A shared key is a string." })
  .min(1, "A shared key is 1 to 128 characters.")
  .max(SHARED_LIMITS.keyChars, "A shared key is 1 to 128 characters.")
  .regex(KEY_PATTERN, "A shared key may use letters, digits, '_', '-' and '.' only.");

/** The byte size of one element of each dtype a shared array may have (numpy's names, little-endian). */
export const NDARRAY_DTYPES: Record<string, number> = {
  bool: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  complex64: 8,
  complex128: 16,
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const ZNdarrayBody = z.strictObject({
  dtype: z.string().refine((d) => d in NDARRAY_DTYPES, { message: `dtype must be one of ${Object.keys(NDARRAY_DTYPES).join(", ")}` }),
  shape: z.array(z.number().int().min(0)).max(32),
  data: z.string().refine((d) => d.length % 4 === 0 && BASE64.test(d), { message: "data must be base64" }),
});

/** A value checked and serialised: what the stores keep. */
export type TEncodedValue = { text: string; kind: TSharedKind; size: number };

/**
 * Checks a parsed JSON value against the limits and the array envelope and returns its JSON text.
 * Throws AppError INVALID (not JSON, a malformed array, too deep) or TOO_LARGE (over 1 MB).
 */
export function encodeSharedValue(value: unknown): TEncodedValue {
  checkTree(value);
  const text = JSON.stringify(value);
  const size = Buffer.byteLength(text, "utf8");
  if (size > SHARED_LIMITS.valueBytes) {
    throw new AppError("TOO_LARGE", `A shared value is at most 1 MB as JSON; this one is ${formatBytes(size)}.`, {
      details: { limit: SHARED_LIMITS.valueBytes, size },
    });
  }
  return { text, kind: isEnvelope(value) ? "ndarray" : "json", size };
}

/** Parses stored JSON text back (the stores only keep text that encodeSharedValue made). */
export function decodeSharedValue(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** A short, one-line description of a stored value for lists: an array's dtype and shape, or the start of the JSON. */
export function previewSharedValue(text: string, kind: TSharedKind, chars = 120): string {
  if (kind === "ndarray") {
    try {
      const body = (JSON.parse(text) as { __ndarray__: { dtype: string; shape: number[] } }).__ndarray__;
      return `ndarray ${body.dtype} (${body.shape.join(", ")}${body.shape.length === 1 ? "," : ""})`;
    } catch {
      return "ndarray";
    }
  }
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

function isEnvelope(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, "__ndarray__");
}

/** Walks the value without recursion (a hostile value cannot blow the stack). */
function checkTree(root: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 0, path: "value" }];
  while (stack.length) {
    const { value, depth, path } = stack.pop()!;
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new AppError("INVALID", `${path} is not a finite number; JSON has no NaN or infinity.`);
      continue;
    }
    if (typeof value !== "object") throw new AppError("INVALID", `${path} is not JSON (a ${typeof value}).`);
    if (depth >= SHARED_LIMITS.depth) throw new AppError("INVALID", `A shared value nests at most ${SHARED_LIMITS.depth} lists or objects deep.`);
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, depth: depth + 1, path: `${path}[${i}]` }));
      continue;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      throw new AppError("INVALID", `${path} is not a plain JSON object.`);
    }
    if (isEnvelope(value)) {
      checkEnvelope(value as Record<string, unknown>, path);
      continue;
    }
    for (const [k, v] of Object.entries(value)) stack.push({ value: v, depth: depth + 1, path: `${path}.${k}` });
  }
}

function checkEnvelope(value: Record<string, unknown>, path: string): void {
  if (Object.keys(value).length !== 1) throw new AppError("INVALID", `${path}: an array envelope has "__ndarray__" as its only key.`);
  const parsed = ZNdarrayBody.safeParse(value.__ndarray__);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("INVALID", `${path}: malformed array (${issue?.path.join(".") || "__ndarray__"}: ${issue?.message ?? "invalid"}).`);
  }
  const { dtype, shape, data } = parsed.data;
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * NDARRAY_DTYPES[dtype]!;
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  const bytes = (data.length / 4) * 3 - padding;
  if (bytes !== expected) {
    throw new AppError("INVALID", `${path}: an array of ${dtype} with shape [${shape.join(", ")}] has ${expected} bytes of data, not ${bytes}.`);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/** Checks a key name; AppError INVALID naming the rule it breaks. */
export function checkSharedKey(key: unknown): string {
  const parsed = ZSharedKey.safeParse(key);
  if (!parsed.success) throw new AppError("INVALID", parsed.error.issues[0]?.message ?? "Invalid shared key.");
  return parsed.data;
}
