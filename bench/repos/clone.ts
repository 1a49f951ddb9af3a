/*
 * How long `git clone` of a 100-revision snippet takes over our smart HTTP (lib/repos/http-backend.ts,
 * what app/api/git runs), beside the same run's baseline: `git clone` of the same bare repository
 * from its filesystem path. Run: npx tsx bench/repos/clone.ts
 * The HTTP side is a plain node:http server around runHttpBackend, so it measures HTTP + the CGI
 * + streaming, not the site's database lookup of the snippet (one indexed query). Medians and p95
 * of 15 clones each, alternating, in a temp directory removed at the end.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { commitFiles, createRepo, packIfLoose, repoPathFor, type SnippetFile } from "../../lib/repos/index";
import { runHttpBackend } from "../../lib/repos/http-backend";
import { quantile } from "../support/site";

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), "cellar-bench-clone-"));
const reposDir = join(root, "repos");
const encoder = new TextEncoder();
const author = { name: "Bench", email: "bench@example.test" };
const REVISIONS = 100;
const ROUNDS = 15;

const files = (r: number): SnippetFile[] => [
  { path: "main.py", content: encoder.encode(`from lib.solve import solve\nprint(solve(${r}))\n`) },
  {
    path: "lib/solve.py",
    content: encoder.encode(Array.from({ length: 200 }, (_, i) => `def f${i}(x): return x * ${i + r}\n`).join("") + "def solve(n): return f1(n)\n"),
  },
  { path: "README.md", content: encoder.encode(`# Revision ${r}\n\n${"Some notes. ".repeat(50)}\n`) },
];

const median = (ms: number[]) =>
  quantile(
    [...ms].sort((a, b) => a - b),
    0.5,
  );

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, n=${ms.length}`;
}

async function main() {
  const repoPath = repoPathFor("bench/clone");
  const dir = join(reposDir, repoPath);
  let { head } = await createRepo({ dir, files: files(0), message: "Revision 0", author });
  for (let r = 1; r < REVISIONS; r++) head = (await commitFiles({ dir, files: files(r), message: `Revision ${r}`, author, expectedHead: head })).head;
  await packIfLoose({ dir, threshold: 0 });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const action = url.pathname.replace(/^\/snippet\.git\//, "") as "info/refs" | "git-upload-pack";
    void runHttpBackend({
      projectRoot: reposDir,
      repoPath,
      action,
      method: req.method === "POST" ? "POST" : "GET",
      query: url.search.slice(1),
      contentType: req.headers["content-type"] ?? null,
      contentEncoding: (req.headers["content-encoding"] as string | undefined) ?? null,
      gitProtocol: (req.headers["git-protocol"] as string | undefined) ?? null,
      body: req.method === "POST" ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      remoteUser: null,
      config: { "http.uploadpack": "true", "http.receivepack": "false" },
      timeoutMs: 60_000,
    }).then(
      async (git) => {
        res.writeHead(git.status, Object.fromEntries(git.headers.entries()));
        for await (const chunk of git.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
        res.end();
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  const httpUrl = `http://127.0.0.1:${address.port}/snippet.git`;

  const env = { PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" } as unknown as NodeJS.ProcessEnv;
  const clone = async (source: string, n: number): Promise<number> => {
    const target = join(root, `clone-${n}`);
    const started = performance.now();
    // --no-local: copy objects through git's transport as an HTTP clone does, not by hard links.
    await run("git", ["clone", "-q", ...(source.startsWith("http") ? [] : ["--no-local"]), source, target], { env });
    const ms = performance.now() - started;
    rmSync(target, { recursive: true, force: true });
    return ms;
  };

  // One of each first: warm the page cache and the git binary.
  await clone(httpUrl, -1);
  await clone(dir, -2);
  const overHttp: number[] = [];
  const fromPath: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    overHttp.push(await clone(httpUrl, i));
    fromPath.push(await clone(dir, i));
  }
  server.close();
  console.log(`git clone of a ${REVISIONS}-revision snippet (3 files, packed)`);
  console.log(`  over smart HTTP (git http-backend): ${stats(overHttp)}`);
  console.log(`  baseline, from the filesystem path (--no-local): ${stats(fromPath)}`);
  console.log(`  HTTP / filesystem, medians: ${(median(overHttp) / median(fromPath)).toFixed(2)}×`);
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(root, { recursive: true, force: true }));
