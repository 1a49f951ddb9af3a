/**
 * The sessions' mounts on a real kernel (root): a service starting over a dead one's mounts, or
 * over a live one's sessions folder, ends with exactly one fresh, shared, empty sessions tmpfs;
 * a run directory's tmpfs refuses writes past its size and inodes; the helper's errors are clear.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detachAll, MountError, Mounter, mountsUnder, prepareSessionsMount } from "@/lib/exec/service/mounts";

const skip = process.getuid?.() !== 0 ? "mounting needs root" : undefined;

/** The mountinfo line of the mount on `dir` (the top one). */
const mountLine = (dir: string) =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[4] === dir)
    .at(-1);

describe.skipIf(skip !== undefined)("run directory mounts", () => {
  let dir: string;
  let mounts: Mounter;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "cellar-mounts-test-"));
    mounts = new Mounter();
  });
  afterAll(async () => {
    await detachAll(mounts, dir);
    mounts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts over a dead service's sessions tmpfs and run directories with one fresh shared tmpfs", async () => {
    const sessions = path.join(dir, "sessions");
    await prepareSessionsMount(mounts, sessions);
    // What a service that died leaves: run directories mounted, with files in them.
    for (const id of ["a", "b"]) {
      mkdirSync(path.join(sessions, id));
      await mounts.tmpfs(path.join(sessions, id), 1024 * 1024, 16);
      writeFileSync(path.join(sessions, id, "left.txt"), "from the dead service");
    }
    expect(mountsUnder(sessions)).toHaveLength(3);
    await prepareSessionsMount(mounts, sessions);
    expect(mountsUnder(sessions)).toEqual([sessions]);
    expect(mountLine(sessions)).toMatch(/ shared:\d+ (.* )?- tmpfs /);
    expect(existsSync(path.join(sessions, "a"))).toBe(false);
  });

  it("a run directory's tmpfs refuses bytes past its size and files past its inodes", async () => {
    const sessions = path.join(dir, "sessions");
    const run = path.join(sessions, "c");
    mkdirSync(run);
    await mounts.tmpfs(run, 64 * 1024, 4);
    expect(() => writeFileSync(path.join(run, "big"), Buffer.alloc(128 * 1024))).toThrow(/ENOSPC/);
    rmSync(path.join(run, "big"));
    // The root is one of the 4 inodes.
    for (const name of ["x", "y", "z"]) writeFileSync(path.join(run, name), "");
    expect(() => writeFileSync(path.join(run, "w"), "")).toThrow(/ENOSPC/);
    await mounts.detach(run);
    expect(existsSync(path.join(run, "x"))).toBe(false);
  });

  it("starts the helper again when it dies, and mounts go on", async () => {
    const first = mounts.pid;
    process.kill(first, "SIGKILL");
    const run = path.join(dir, "sessions", "after-kill");
    mkdirSync(run);
    // The request in flight (or the one just after the kill) may fail; within a few seconds one works.
    let mounted = false;
    for (let i = 0; i < 50 && !mounted; i++) {
      mounted = await mounts.tmpfs(run, 64 * 1024, 4).then(
        () => true,
        () => new Promise<boolean>((r) => setTimeout(() => r(false), 100)),
      );
    }
    expect(mounted).toBe(true);
    expect(mounts.pid).not.toBe(first);
    expect(mountLine(run)).toMatch(/ - tmpfs /);
    await mounts.detach(run);
  });

  it("says what failed when the kernel refuses", async () => {
    const notMounted = path.join(dir, "plain");
    mkdirSync(notMounted);
    const error = await mounts.detach(notMounted).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MountError);
    expect((error as MountError).message).toBe(`unmounting ${notMounted}: [Errno 22] Invalid argument`);
    await expect(mounts.tmpfs(path.join(dir, "missing"), 1024, 4)).rejects.toThrow(
      `mounting a tmpfs on ${path.join(dir, "missing")}: [Errno 2] No such file or directory`,
    );
  });
});
