/*
 * Child process for concurrency.test.ts: makes `count` revisions of the repository `dir` the way
 * the app does (read head → commit with expectedHead → on STALE_HEAD or LOCKED, read again and
 * retry). Prints one JSON line: { made, retries }.
 * Usage: node --import tsx lib/repos/concurrency-worker.ts <dir> <label> <count>
 */
import { commitFiles, isRepoError, resolveRevision } from "./index";

const [dir, label, countText] = process.argv.slice(2);
if (!dir || !label || !countText) {
  console.error("usage: concurrency-worker.ts <dir> <label> <count>");
  process.exit(2);
}
const count = Number(countText);
const encoder = new TextEncoder();
let retries = 0;

for (let i = 0; i < count; i++) {
  for (;;) {
    const head = await resolveRevision({ dir, rev: "HEAD" });
    try {
      await commitFiles({
        dir,
        // Each revision changes both a shared file and the worker's own file.
        files: [
          { path: "shared.txt", content: encoder.encode(`${label} ${i}\n`) },
          { path: `${label}/count.txt`, content: encoder.encode(`${i}\n`) },
        ],
        message: `${label} ${i}`,
        author: { name: label, email: `${label}@example.test` },
        expectedHead: head,
      });
      break;
    } catch (err) {
      if (!isRepoError(err, "STALE_HEAD") && !isRepoError(err, "LOCKED")) throw err;
      retries++;
    }
  }
}
console.log(JSON.stringify({ made: count, retries }));
