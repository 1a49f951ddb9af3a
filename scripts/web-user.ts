/**
 * The unprivileged user the web server runs as when the launcher runs as root (CELLAR_USER,
 * default `cellar`), and the folders it must own. scripts/setup.sh creates the user; the
 * launcher does too when it is missing (`useradd --system`, no home, no login shell).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import type { TEnv } from "@/lib/env";

export type TWebUser = { name: string; uid: number; gid: number };

function idOf(name: string, flag: "-u" | "-g"): number | null {
  try {
    return Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
  } catch {
    return null;
  }
}

/** The user `name`, created as a system user first if it does not exist. Throws with a plain sentence when that fails. */
export function ensureWebUser(name: string): TWebUser {
  if (idOf(name, "-u") === null) {
    try {
      execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      console.log(`Created the system user ${name}, which the web server runs as.`);
    } catch (e) {
      const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
      throw new Error(
        `the web server runs as the unprivileged user ${name}, which does not exist and could not be created (${why}); create it (useradd --system ${name}) or name another with CELLAR_USER`,
      );
    }
  }
  const uid = idOf(name, "-u");
  const gid = idOf(name, "-g");
  if (uid === null || gid === null) throw new Error(`could not look up the user ${name}`);
  if (uid === 0) throw new Error(`CELLAR_USER must not be root (${name} has uid 0)`);
  return { name, uid, gid };
}

/** `chown -R -h` (symlinks themselves, never what they point to). */
function chownTree(target: string, user: TWebUser): void {
  execFileSync("chown", ["-R", "-h", `${user.uid}:${user.gid}`, target], { stdio: ["ignore", "ignore", "inherit"] });
}

/** Gives `dir` and everything under it to `user`, except `keep` (and what is under it). */
function chownExcept(dir: string, keep: string, user: TWebUser): void {
  const inside = path.relative(dir, keep);
  if (inside === "") return;
  if (inside.startsWith("..") || path.isAbsolute(inside)) return chownTree(dir, user);
  execFileSync("chown", ["-h", `${user.uid}:${user.gid}`, dir]);
  for (const entry of readdirSync(dir)) {
    const p = path.join(dir, entry);
    if (p === keep) continue;
    if (keep.startsWith(p + path.sep)) chownExcept(p, keep, user);
    else chownTree(p, user);
  }
}

/**
 * Makes the folders the site writes and gives them to `user`, including what root wrote there
 * before (an older launcher, the migrations just run): DATA_DIR (but not the execution service's
 * run directories, EXEC_DIR, which stay root's), REPOS_DIR, PGLITE_DIR when the database is
 * embedded, and the Next build's caches (`cache`, and `server`, where rendered pages are kept).
 */
export function giveSiteFoldersTo(user: TWebUser, env: TEnv, distDir: string): void {
  const dirs = [env.dataDir, env.reposDir, path.join(distDir, "cache"), path.join(distDir, "server")];
  if (!env.databaseUrl) dirs.push(env.pgliteDir);
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  for (const dir of dirs) chownExcept(dir, env.exec.dir, user);
}
