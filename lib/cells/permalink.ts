import { inflateRawSync, inflateSync } from "node:zlib";
import { KERNELS, type TKernelName } from "@/lib/snippets/kernel";

/*
 * The /cell page's permalinks, compatible with SageMathCell's: `?c=<code>` (the code itself,
 * URL-encoded), `?z=<code compressed>` (zlib's format, as Python's `zlib.compress` makes it, in
 * base64url; raw deflate without zlib's header is accepted too), `&lang=sage|python` and
 * `&autoeval=1|true`. Inflating goes through Node's own zlib with `maxOutputLength`, so a small
 * `z` that would inflate to gigabytes (a zip bomb) stops at the cap instead of filling memory.
 */

/** Longest code a link (or a short link) may carry, in UTF-8 bytes. */
export const MAX_CELL_CODE_BYTES = 64 * 1024;

/** Longest `z` read: base64 of deflated code is never this long for code within the limit (deflate grows incompressible text only slightly). */
const MAX_Z_CHARS = Math.ceil((MAX_CELL_CODE_BYTES * 1.01 + 64) / 3) * 4;

export type TPermalinkResult = { ok: true; code: string } | { ok: false; message: string };

/** The UTF-8 size of `code`. */
export function codeBytes(code: string): number {
  return Buffer.byteLength(code, "utf8");
}

function tooLong(): string {
  return `The code in this link is longer than ${MAX_CELL_CODE_BYTES / 1024} KB, the most a cell may hold.`;
}

/** Decodes a `c` parameter (already URL-decoded by the page's search params). */
export function decodePlain(c: string): TPermalinkResult {
  if (codeBytes(c) > MAX_CELL_CODE_BYTES) return { ok: false, message: tooLong() };
  return { ok: true, code: c };
}

/**
 * Decodes a `z` parameter: base64url (or standard base64; padding optional; spaces, which a `+`
 * becomes in a query string, read as `+`) of zlib- or raw-deflated UTF-8 code.
 */
export function decodeCompressed(z: string): TPermalinkResult {
  const bad = "This link's code (the z parameter) could not be read: it is not compressed code as SageMathCell makes it. Check that the whole link was copied.";
  if (z.length > MAX_Z_CHARS) return { ok: false, message: tooLong() };
  const text = z.trim().replace(/ /g, "+").replace(/=+$/, "");
  if (text.length === 0 || !/^[A-Za-z0-9_\-+/]+$/.test(text) || text.length % 4 === 1) return { ok: false, message: bad };
  const bytes = Buffer.from(text.replace(/\+/g, "-").replace(/\//g, "_"), "base64url");
  // One byte over the limit is enough to know the code is too long.
  const options = { maxOutputLength: MAX_CELL_CODE_BYTES + 1 };
  let inflated: Buffer | null = null;
  for (const inflate of [inflateSync, inflateRawSync]) {
    try {
      inflated = inflate(bytes, options);
      break;
    } catch (e) {
      if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return { ok: false, message: tooLong() };
    }
  }
  if (inflated === null) return { ok: false, message: bad };
  if (inflated.byteLength > MAX_CELL_CODE_BYTES) return { ok: false, message: tooLong() };
  try {
    return { ok: true, code: new TextDecoder("utf-8", { fatal: true }).decode(inflated) };
  } catch {
    return { ok: false, message: bad };
  }
}

/** What a /cell address asks for, before any short link (`q`) is looked up. */
export type TCellRequest = {
  code: string;
  /** The kernel the link names (`lang`), or null when it names none. */
  kernel: TKernelName | null;
  autoeval: boolean;
  /** A short link's id to look up, when `q` was given. */
  q: string | null;
  /** What is wrong with the address, for the page to show (the box then starts empty). */
  problem: string | null;
};

type TSearch = Record<string, string | string[] | undefined>;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Reads the page's search parameters: `q`, else `z`, else `c`; `lang`, `autoeval`. */
export function readCellSearch(search: TSearch): TCellRequest {
  const lang = first(search.lang)?.trim().toLowerCase();
  const autoevalRaw = first(search.autoeval)?.trim().toLowerCase();
  const autoeval = autoevalRaw === "1" || autoevalRaw === "true";
  const out: TCellRequest = { code: "", kernel: null, autoeval, q: null, problem: null };
  if (lang !== undefined && lang !== "") {
    if ((KERNELS as readonly string[]).includes(lang)) out.kernel = lang as TKernelName;
    else out.problem = `Unknown language "${lang.slice(0, 40)}" in this link: use lang=sage or lang=python.`;
  }
  const q = first(search.q);
  const z = first(search.z);
  const c = first(search.c);
  if (q !== undefined) {
    out.q = q;
    return out;
  }
  const decoded = z !== undefined ? decodeCompressed(z) : c !== undefined ? decodePlain(c) : null;
  if (decoded && !decoded.ok) return { ...out, autoeval: false, problem: decoded.message };
  if (decoded?.ok) out.code = decoded.code;
  if (out.problem) out.autoeval = false;
  return out;
}
