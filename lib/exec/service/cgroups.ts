/**
 * Per-session cgroups (v1): memory, pids, cpu (a CFS quota) and cpuacct (the CPU time all the
 * session's processes used) under /sys/fs/cgroup/<controller>/cellar/<owner>.<id>; the parent
 * memory group caps all sessions together. The cpu groups sit at the top of their hierarchy
 * instead, as /sys/fs/cgroup/cpu/cellar.<owner>.<id>: the scheduler weighs a group as one entity
 * against its siblings, so under a common parent all sessions together would get one process's
 * share against the host's other processes; at the top each session weighs what its process
 * weighed before it had a cpu group (and its quota bounds it however many processes it starts). The kernel enforces the limits; the service adds the
 * session's process before its code runs, kills everything in the groups at the end, and removes them. `<owner>` names the
 * service process that made the group, so that one starting after a crash can tell its
 * predecessor's leftovers from the groups of a service still running beside it.
 */
import { promises as fs, accessSync, closeSync, constants, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, write, writeFileSync } from "node:fs";
import path from "node:path";

export const CGROUP_ROOT = "/sys/fs/cgroup";
const CONTROLLERS = ["memory", "pids", "cpu", "cpuacct"] as const;
type TController = (typeof CONTROLLERS)[number];

/**
 * The parent groups of all sessions (`<root>/<controller>/<parent>`; the cpu groups' names start
 * with `<parent>.` instead); `memoryTotalBytes`, when set, is the memory limit of the parent
 * group: all sessions together (run directories included).
 */
export type TCgroupOptions = { root?: string; parent?: string; memoryTotalBytes?: number };

/** Limits of one session's cgroups; `cpus`: the CFS quota in cores (may be fractional). */
export type TCgroupLimits = { memoryBytes: number; pids: number; cpus: number };

/** The CFS period: the quota is `cpus` times this. */
const CFS_PERIOD_US = 100_000;

const parentDir = (o: TCgroupOptions, controller: string) => path.join(o.root ?? CGROUP_ROOT, controller, o.parent ?? "cellar");

/**
 * Where each controller's hierarchy is mounted, resolved: with `cpu,cpuacct` co-mounted,
 * /sys/fs/cgroup/cpu and /sys/fs/cgroup/cpuacct are links to one hierarchy, so the two share
 * one group (made, joined and removed once).
 */
function mountOf(o: TCgroupOptions, controller: string): string {
  const mount = path.join(o.root ?? CGROUP_ROOT, controller);
  try {
    return realpathSync(mount);
  } catch {
    return mount;
  }
}

/** Whether `controller`'s hierarchy is the cpu controller's (its groups sit at the top, see above). */
const flat = (o: TCgroupOptions, controller: string) => mountOf(o, controller) === mountOf(o, "cpu");

/** Where session `name`'s group of `controller` is. */
const groupDir = (o: TCgroupOptions, controller: string, name: string) =>
  flat(o, controller) ? path.join(mountOf(o, controller), `${o.parent ?? "cellar"}.${name}`) : path.join(mountOf(o, controller), o.parent ?? "cellar", name);

/** The distinct hierarchies of CONTROLLERS, as [controller, mount]. */
function hierarchies(o: TCgroupOptions): [TController, string][] {
  const seen = new Set<string>();
  const out: [TController, string][] = [];
  for (const c of CONTROLLERS) {
    const mount = mountOf(o, c);
    if (seen.has(mount)) continue;
    seen.add(mount);
    out.push([c, mount]);
  }
  return out;
}

/**
 * Creates the parent groups and checks they are writable. Returns one plain sentence per problem
 * (empty when all is well), e.g. when cgroup v1's memory controller is not mounted.
 */
export function prepareCgroups(o: TCgroupOptions = {}): string[] {
  const problems: string[] = [];
  for (const [controller, mount] of hierarchies(o)) {
    const dir = flat(o, controller) ? mount : path.join(mount, o.parent ?? "cellar");
    try {
      accessSync(path.join(mount, "cgroup.procs"), constants.R_OK);
    } catch {
      problems.push(`the cgroup v1 ${controller} controller is not mounted at ${mount}`);
      continue;
    }
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(path.join(dir, "cgroup.procs"), constants.W_OK);
    } catch (e) {
      problems.push(`cannot create or write the cgroup ${dir}: ${(e as Error).message}`);
    }
  }
  if (problems.length === 0 && o.memoryTotalBytes !== undefined) {
    const dir = parentDir(o, "memory");
    try {
      // Always on since Linux 5.16 (the file then only accepts 1); older kernels need it set
      // before the parent has children, or the total would not count them.
      writeFileSync(path.join(dir, "memory.use_hierarchy"), "1");
    } catch (e) {
      if (readFileSync(path.join(dir, "memory.use_hierarchy"), "utf8").trim() !== "1") {
        problems.push(`cannot turn on memory.use_hierarchy in ${dir}: ${(e as Error).message}`);
      }
    }
    try {
      writeFileSync(path.join(dir, "memory.limit_in_bytes"), String(o.memoryTotalBytes));
    } catch (e) {
      problems.push(`cannot set the memory limit of all sessions (${o.memoryTotalBytes} bytes) on ${dir}: ${(e as Error).message}`);
    }
  }
  return problems;
}

/**
 * Emptied groups kept for later sessions, per parent: making and removing a memory cgroup were
 * the service's largest costs per session (mkdir + rmdir ~15% of its main thread, more in kernel
 * workers). A group is reused only once every process in it is gone and it holds (almost) no
 * memory charge; the counters a session reads (OOM kills, refused forks) are taken relative to
 * their values when the session got the group.
 */
const spare = new Map<string, SessionCgroups[]>();
const SPARE_MAX = 8;
/** A group still charged with more than this (page cache of its files) is removed, not reused. */
const REUSE_MAX_BYTES = 1024 * 1024;

/** Removes the spare groups under the parent of `o` (service shutdown). */
export async function removeSpareCgroups(o: TCgroupOptions = {}): Promise<void> {
  const key = parentDir(o, "");
  const groups = spare.get(key) ?? [];
  spare.delete(key);
  await Promise.all(groups.map((g) => g.remove()));
}

/** One session's memory, pids, cpu and cpuacct groups. */
export class SessionCgroups {
  readonly dirs: Record<TController, string>;
  private oomKillsAtStart = 0;
  private pidsRefusedAtStart = 0;
  private limits: TCgroupLimits | null = null;
  /** Write descriptors of both groups' cgroup.procs, opened on first use and kept with the group (spares too). */
  private procsFds: number[] | null = null;

  private constructor(
    id: string,
    private readonly o: TCgroupOptions,
  ) {
    const name = `${ownerTag()}.${id}`;
    const dir = (c: TController) => groupDir(o, c, name);
    this.dirs = { memory: dir("memory"), pids: dir("pids"), cpu: dir("cpu"), cpuacct: dir("cpuacct") };
  }

  /** The distinct group folders (cpu and cpuacct are one when co-mounted). */
  private get groupDirs(): string[] {
    return [...new Set(Object.values(this.dirs))];
  }

  /**
   * Groups with these limits (memory+swap too, when the kernel accounts swap): a spare emptied
   * group when there is one, else new ones named `id`.
   */
  static create(id: string, limits: TCgroupLimits, o: TCgroupOptions = {}): SessionCgroups {
    const spares = spare.get(parentDir(o, "")) ?? [];
    // All sessions of a service have the same limits; a spare with others (tests) is not reused.
    const i = spares.findIndex((g) => g.limits?.memoryBytes === limits.memoryBytes && g.limits.pids === limits.pids && g.limits.cpus === limits.cpus);
    const reused = i >= 0 ? spares.splice(i, 1)[0] : undefined;
    const g = reused ?? new SessionCgroups(id, o);
    if (!reused) {
      for (const dir of g.groupDirs) mkdirSync(dir);
      writeFileSync(path.join(g.dirs.cpu, "cpu.cfs_period_us"), String(CFS_PERIOD_US));
      // The kernel's smallest quota is 1 ms.
      writeFileSync(path.join(g.dirs.cpu, "cpu.cfs_quota_us"), String(Math.max(1000, Math.round(limits.cpus * CFS_PERIOD_US))));
      writeFileSync(path.join(g.dirs.memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
      try {
        writeFileSync(path.join(g.dirs.memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // no swap accounting: nothing to cap
      }
      writeFileSync(path.join(g.dirs.pids, "pids.max"), String(limits.pids));
      g.limits = { ...limits };
    }
    g.oomKillsAtStart = g.oomKills();
    g.pidsRefusedAtStart = g.pidsRefused();
    return g;
  }

  /** Moves processes into both groups (before they may run anything that forks or allocates). */
  async add(pids: number[], o: { gone?: "throw" | "ignore" } = {}): Promise<void> {
    // Off the event loop: a cgroup v1 move can wait for an RCU grace period (milliseconds) in the
    // kernel. One thread-pool job per write on a kept descriptor: fs.writeFile's open, write and
    // close were three jobs per group, each a thread wake-up, ~0.7 ms CPU per session instead of ~0.3.
    this.procsFds ??= this.groupDirs.map((dir) => openSync(path.join(dir, "cgroup.procs"), constants.O_WRONLY));
    await Promise.all(
      this.procsFds.map(async (fd) => {
        // One write per pid: cgroup.procs takes a single pid per write(2).
        for (const pid of pids) {
          try {
            await new Promise<void>((resolve, reject) => write(fd, String(pid), (e) => (e ? reject(e) : resolve())));
          } catch (e) {
            if (o.gone !== "ignore" || (e as NodeJS.ErrnoException).code !== "ESRCH") throw e;
          }
        }
      }),
    );
  }

  /** Host pids currently in the groups. */
  members(): number[] {
    return [...new Set(this.groupDirs.flatMap(groupMembers))];
  }

  /**
   * CPU time all the session's processes have used, in seconds (cpuacct.usage): a group is
   * reused, so only differences mean anything.
   */
  cpuSeconds(): number {
    try {
      return Number(readFileSync(path.join(this.dirs.cpuacct, "cpuacct.usage"), "utf8")) / 1e9;
    } catch {
      return 0;
    }
  }

  /** OOM kills in the memory group since it was created (memory.oom_control's `oom_kill`). */
  oomKilled(): boolean {
    return this.oomKills() > this.oomKillsAtStart;
  }

  private oomKills(): number {
    try {
      const text = readFileSync(path.join(this.dirs.memory, "memory.oom_control"), "utf8");
      const m = /^oom_kill (\d+)$/m.exec(text);
      if (m) return Number(m[1]);
      // Older kernels lack the counter; hitting the limit at all (failcnt) is the best sign left.
      return Number(readFileSync(path.join(this.dirs.memory, "memory.failcnt"), "utf8").trim()) > 0 ? 1 : 0;
    } catch {
      return 0;
    }
  }

  /** Whether the pids group refused a fork since this session got it (`pids.events` max counter). */
  hitPidsLimit(): boolean {
    return this.pidsRefused() > this.pidsRefusedAtStart;
  }

  private pidsRefused(): number {
    try {
      const m = /^max (\d+)$/m.exec(readFileSync(path.join(this.dirs.pids, "pids.events"), "utf8"));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  /**
   * SIGKILLs every member until none is left (a fork bomb keeps forking while we kill), then
   * keeps the groups as spares for the next session or removes them.
   */
  async destroy(): Promise<void> {
    // A killed process stays a member while it exits (freeing its memory takes milliseconds):
    // a pid is signalled once, later rounds signal only new ones (a fork bomb's), and every
    // tenth round all again (a pid that was freed and reused by a new member meanwhile).
    const killed = new Set<number>();
    let empty = false;
    for (let round = 0; round < 200; round++) {
      const members = this.members();
      if (members.length === 0) {
        empty = true; // nothing left can fork back in: the groups stay empty
        break;
      }
      for (const pid of members) {
        if (killed.has(pid) && round % 10 !== 0) continue;
        killed.add(pid);
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // exited meanwhile
        }
      }
      // A killed process leaves its group within a millisecond or so; a fork bomb takes rounds.
      await new Promise((r) => setTimeout(r, round < 20 ? 1 : 50));
    }
    const spares = spare.get(parentDir(this.o, "")) ?? [];
    if (spares.length < SPARE_MAX && empty && this.memoryCharge() <= REUSE_MAX_BYTES) {
      // Older kernels without oom_kill fall back to failcnt (see oomKills): start it from 0 again.
      try {
        writeFileSync(path.join(this.dirs.memory, "memory.failcnt"), "0");
      } catch {
        // not there: nothing to reset
      }
      spares.push(this);
      spare.set(parentDir(this.o, ""), spares);
      return;
    }
    await this.remove();
  }

  private memoryCharge(): number {
    try {
      return Number(readFileSync(path.join(this.dirs.memory, "memory.usage_in_bytes"), "utf8"));
    } catch {
      return Infinity;
    }
  }

  /** Removes the (empty) groups, retrying while the kernel still reports them busy (EBUSY). */
  async remove(): Promise<void> {
    for (const fd of this.procsFds ?? []) closeSync(fd);
    this.procsFds = null;
    for (const dir of this.groupDirs) await removeGroup(dir);
  }
}

/** Host pids in one group (none when it is gone). */
function groupMembers(dir: string): number[] {
  try {
    return readFileSync(path.join(dir, "cgroup.procs"), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

/**
 * Removes one group: SIGKILLs its members and rmdirs it, retrying while the kernel reports it
 * busy (EBUSY: killed processes, or a fork bomb's new children, have not left yet).
 */
async function removeGroup(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rmdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || attempt >= 100) throw new Error(`cannot remove cgroup ${dir}: ${(e as Error).message}`);
      for (const pid of groupMembers(dir)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // exited meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), or null if there is no such process. */
function processStartTime(pid: number | "self"): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields follow the command name, which is in parentheses and may itself hold spaces or ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

let ownTag: string | undefined;

/**
 * `<pid>-<start time>` of this process: the owner part of its groups' names. The start time
 * makes it unique per boot, so a pid reused by another process does not keep a dead service's
 * groups alive (cgroups themselves do not outlive a reboot).
 */
function ownerTag(): string {
  ownTag ??= `${process.pid}-${processStartTime("self") ?? "0"}`;
  return ownTag;
}

/** `<pid>-<start time>.<session id>`, the names `SessionCgroups` gives; ids are base64url. */
const GROUP_NAME = /^(\d+)-(\d+)\.[A-Za-z0-9_-]+$/;

/**
 * Removes the session groups under the parent of `o` that a service process no longer running
 * left behind (it crashed or was killed before cleaning up): their processes are SIGKILLed
 * first, then the groups removed, retrying on EBUSY. Groups of services still running (this
 * process included) and anything not named as `SessionCgroups` names its groups are left alone.
 * Returns the groups removed, as paths.
 */
export async function removeStaleCgroups(o: TCgroupOptions = {}): Promise<string[]> {
  const stale: string[] = [];
  for (const [controller, mount] of hierarchies(o)) {
    const prefix = flat(o, controller) ? `${o.parent ?? "cellar"}.` : "";
    const dir = prefix ? mount : path.join(mount, o.parent ?? "cellar");
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // no parent group yet: nothing can be left in it
    }
    for (const entry of entries) {
      if (!entry.name.startsWith(prefix)) continue;
      const m = GROUP_NAME.exec(entry.name.slice(prefix.length));
      if (!entry.isDirectory() || !m) continue;
      const [, pid, start] = m;
      if (processStartTime(Number(pid)) === start) continue; // its service is still running
      stale.push(path.join(dir, entry.name));
    }
  }
  // Kill every member of every stale group before removing any: a leftover session has its
  // processes in all its groups.
  for (const dir of stale) {
    for (const pid of groupMembers(dir)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // exited meanwhile
      }
    }
  }
  for (const dir of stale) await removeGroup(dir);
  return stale;
}
