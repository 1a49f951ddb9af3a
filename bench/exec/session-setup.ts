/*
 * Per-session cost of the service's mount and cgroup steps (`npx tsx bench/exec/session-setup.ts`,
 * as root), CPU time per session beside the alternative each replaced:
 *   - the run directory's tmpfs: mkdir + mount + unmount + rmdir through the persistent mount
 *     helper (service and helper CPU), against /bin/mount and /bin/umount per session;
 *   - the cgroups: SessionCgroups.create + add (a short-lived process) + destroy, with spare
 *     groups reused as in the service, memory, pids, cpu and cpuacct.
 * Compare the figures with the CPU per print(1) session that bench/exec/run.ts prints (its
 * "CPU ms per execution" line). Prints figures; asserts nothing.
 *
 * Settings (environment): BENCH_RUNS (200).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { removeSpareCgroups, SessionCgroups } from "@/lib/exec/service/cgroups";
import { detachAll, Mounter, prepareSessionsMount } from "@/lib/exec/service/mounts";
import { cpuOf } from "../support/processes";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** CPU ms of finished children (getrusage RUSAGE_CHILDREN, through /proc/self/stat cutime + cstime). */
const childrenCpuMs = () => {
  const fields = spawnSync("cat", ["/proc/" + process.pid + "/stat"], { encoding: "utf8" }).stdout;
  const f = fields.slice(fields.lastIndexOf(")") + 2).split(" ");
  return (Number(f[13]) + Number(f[14])) * 10;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "cellar-bench-setup-"));
  const sessions = path.join(dir, "sessions");
  const mounts = new Mounter();
  await prepareSessionsMount(mounts, sessions);
  const size = 50 * 1024 * 1024;

  // Helper: a warm-up round first (the helper's imports), then RUNS sessions.
  for (let i = 0; i < 2; i++) {
    const d = path.join(sessions, `warm${i}`);
    mkdirSync(d);
    await mounts.tmpfs(d, size, 10_005);
    await mounts.detach(d);
    rmdirSync(d);
  }
  let self0 = selfCpuMs();
  const helper0 = cpuOf(mounts.pid);
  let t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const d = path.join(sessions, `s${i}`);
    mkdirSync(d, { mode: 0o711 });
    await mounts.tmpfs(d, size, 10_005);
    await mounts.detach(d);
    rmdirSync(d);
  }
  const helperMs = { service: (selfCpuMs() - self0) / RUNS, helper: (cpuOf(mounts.pid) - helper0) / 1e6 / RUNS, wall: (performance.now() - t0) / RUNS };

  // /bin/mount + /bin/umount (a child each; their CPU counted when reaped), and the service's spawn cost.
  const mountRuns = Math.max(20, Math.floor(RUNS / 4));
  self0 = selfCpuMs();
  const children0 = childrenCpuMs();
  t0 = performance.now();
  for (let i = 0; i < mountRuns; i++) {
    const d = path.join(sessions, `m${i}`);
    mkdirSync(d, { mode: 0o711 });
    await run("/bin/mount", ["-t", "tmpfs", "-o", `size=${size},nr_inodes=10005,mode=711,nosuid,nodev`, "cellar-run", d]);
    await run("/bin/umount", ["-l", d]);
    rmdirSync(d);
  }
  // The `cat` of childrenCpuMs is one more child: negligible beside 2 × mountRuns.
  const binMs = { service: (selfCpuMs() - self0) / mountRuns, children: (childrenCpuMs() - children0) / mountRuns, wall: (performance.now() - t0) / mountRuns };

  // Cgroups as a session uses them: a spare group reused after the first rounds.
  const parent = `cellar-bench-${process.pid}`;
  const o = { parent };
  for (const c of ["memory", "pids", "cpu", "cpuacct"]) mkdirSync(`/sys/fs/cgroup/${c}/${parent}`, { recursive: true });
  const limits = { memoryBytes: 512 * 1024 * 1024, pids: 64, cpus: 1 };
  // The processes put in the groups are started before the clock (a spawn is not a cgroup step).
  const children = Array.from({ length: RUNS }, () => spawn("/bin/sleep", ["60"], { stdio: "ignore" }));
  self0 = selfCpuMs();
  t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const g = SessionCgroups.create(`b${i}`, limits, o);
    await g.add([children[i]!.pid!]);
    g.cpuSeconds(); // read at a cell's start and in the watch loop
    await g.destroy();
  }
  const cgroupMs = { service: (selfCpuMs() - self0) / RUNS, wall: (performance.now() - t0) / RUNS };
  await removeSpareCgroups(o);
  for (const c of ["memory", "pids", "cpu", "cpuacct"]) rmdirSync(`/sys/fs/cgroup/${c}/${parent}`);

  await detachAll(mounts, sessions);
  mounts.close();
  rmSync(dir, { recursive: true, force: true });

  const f = (n: number) => n.toFixed(2);
  console.log(`session setup bench: ${RUNS} sessions (mount binaries: ${mountRuns}); CPU ms per session`);
  console.log(
    `  run dir tmpfs via mount helper:   service ${f(helperMs.service)} + helper ${f(helperMs.helper)} = ${f(helperMs.service + helperMs.helper)} ms CPU (wall ${f(helperMs.wall)} ms)`,
  );
  console.log(
    `  run dir tmpfs via /bin/mount+umount: service ${f(binMs.service)} + mount/umount ${f(binMs.children)} = ${f(binMs.service + binMs.children)} ms CPU (wall ${f(binMs.wall)} ms)`,
  );
  console.log(`  ratio helper / binaries:          ${f((helperMs.service + helperMs.helper) / (binMs.service + binMs.children))}×`);
  console.log(`  cgroups (4 controllers, spare reuse): create + add + destroy (kill): service ${f(cgroupMs.service)} ms CPU (wall ${f(cgroupMs.wall)} ms)`);
}

function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: "ignore" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${program} exited ${code}`))));
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
