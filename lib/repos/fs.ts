import * as fsp from "node:fs/promises";
import { randomBytes } from "node:crypto";

let tmpCounter = 0;

/** A temp name beside `path`, unique across processes (pid) and within one (counter + random). */
export function tempNameFor(path: string): string {
  tmpCounter = (tmpCounter + 1) % 1_000_000;
  return `${path}.tmp-${process.pid}-${tmpCounter}-${randomBytes(3).toString("hex")}`;
}

/**
 * Write `path` so that no reader ever sees it half written: write a temp file beside it and
 * rename it into place. isomorphic-git writes loose objects in place, and another process
 * (git CLI, a fork hard-linking the object, a reader) could otherwise see a truncated object.
 */
async function atomicWriteFile(path: string, data: Parameters<typeof fsp.writeFile>[1], options?: Parameters<typeof fsp.writeFile>[2]): Promise<void> {
  const tmp = tempNameFor(path);
  try {
    await fsp.writeFile(tmp, data, options);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The file-system client handed to isomorphic-git: node's promise API with an atomic
 * `writeFile`. isomorphic-git detects a promise fs through an enumerable `promises` property.
 */
export const gitFs = {
  promises: { ...fsp, writeFile: atomicWriteFile },
};
