/**
 * A session's run directory on the host: `<EXEC_DIR>/sessions/<id>/work` filled with the
 * snippet's files, what the cells changed in it, and safe reads of it. The cell owns the
 * directory's contents, so every read here refuses symlinks and anything that resolves outside.
 */
import { constants, promises as fs, chownSync, mkdirSync, writeFileSync, statSync } from "node:fs";
import path from "node:path";
import { ZInputFile, type TFileEntry, type TInputFile } from "@/lib/exec/protocol";
import { SANDBOX_UID } from "@/lib/exec/service/sandbox";

/** What a file looked like when the service wrote it: a changed size or mtime means the cell wrote it. */
export type TSnapshot = Map<string, { size: number; mtimeMs: number }>;

/**
 * Creates `runDir` (root's, 0711) unless it exists (a session's is a tmpfs mounted first) and
 * `runDir/work` (the sandbox user's), and writes `files` into work/. Returns the snapshot used
 * to tell created or changed files later.
 */
export function populateWorkDir(runDir: string, files: TInputFile[]): TSnapshot {
  mkdirSync(runDir, { mode: 0o711, recursive: true });
  const work = path.join(runDir, "work");
  mkdirSync(work, { mode: 0o755 });
  chownSync(work, SANDBOX_UID, SANDBOX_UID);
  const snapshot: TSnapshot = new Map();
  for (const file of files) {
    ZInputFile.parse(file); // paths are relative and inside; re-checked here because this writes as root
    const target = path.join(work, file.path);
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = path.join(work, ...parts.slice(0, i));
      try {
        mkdirSync(dir, { mode: 0o755 });
        chownSync(dir, SANDBOX_UID, SANDBOX_UID);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
    }
    writeFileSync(target, Buffer.from(file.base64, "base64"), { mode: 0o644, flag: "wx" });
    chownSync(target, SANDBOX_UID, SANDBOX_UID);
    const st = statSync(target);
    snapshot.set(file.path, { size: st.size, mtimeMs: st.mtimeMs });
  }
  return snapshot;
}

/** Regular files under `work` that are new or changed since `snapshot`, sorted by name. */
export async function changedFiles(work: string, snapshot: TSnapshot, maxEntries = 10_000): Promise<TFileEntry[]> {
  const out: TFileEntry[] = [];
  const stack: string[] = [""];
  let seen = 0;
  while (stack.length > 0 && seen < maxEntries) {
    const rel = stack.pop()!;
    let entries;
    try {
      entries = await fs.readdir(path.join(work, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (++seen > maxEntries) break;
      const name = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) stack.push(name);
      else if (entry.isFile()) {
        try {
          const st = await fs.lstat(path.join(work, name));
          const before = snapshot.get(name);
          if (!before || before.size !== st.size || before.mtimeMs !== st.mtimeMs) out.push({ name, size: st.size });
        } catch {
          // removed meanwhile
        }
      }
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Opens `name` under `work` for reading, or returns null when it is not a regular file inside
 * `work`: the final part is opened without following symlinks, and the opened file's real path
 * (through /proc/self/fd) must be inside, so a symlinked folder cannot lead out either.
 */
export async function openWorkFile(work: string, name: string): Promise<{ handle: fs.FileHandle; size: number } | null> {
  if (!ZInputFile.shape.path.safeParse(name).success) return null;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path.join(work, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const real = await fs.readlink(`/proc/self/fd/${handle.fd}`);
    const st = await handle.stat();
    if (!real.startsWith(path.resolve(work) + "/") || !st.isFile()) {
      await handle.close();
      return null;
    }
    return { handle, size: st.size };
  } catch {
    await handle.close();
    return null;
  }
}
