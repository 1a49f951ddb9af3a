/**
 * Downloading a file a run wrote, through the site's route, against the real execution service:
 * the bytes arrive intact and are passed on as the service reads them, never gathered whole in
 * the web server first. Skipped, with a warning, where the service cannot run.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GET as getRunFile } from "@/app/api/v1/runs/[session]/files/[...name]/route";
import { runToCompletion } from "@/lib/runs/run-code";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { execServiceReadBytes, useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("run-files.test.ts");

const MB = 1024 * 1024;
const SIZE = 24 * MB;

/** Writes SIZE bytes (each MB a little different) and prints their SHA-256. */
const WRITE_BIG = [
  "import hashlib",
  "block = bytes(range(256)) * 4096",
  "h = hashlib.sha256()",
  "with open('big.bin', 'wb') as f:",
  `    for i in range(${SIZE / MB}):`,
  "        chunk = bytes([i]) + block[1:]",
  "        f.write(chunk)",
  "        h.update(chunk)",
  "print(h.hexdigest())",
].join("\n");

/** A GET of the route as a signed-in API client would send it (files need no permission, but the API reads who asks). */
async function download(session: string, name: string): Promise<Response> {
  const user = await createUser({ username: uniqueName("files"), password: "correct horse battery" });
  const { token } = await createToken({ actor: { id: user.id, username: user.username }, name: uniqueName("files") });
  const request = new Request(`http://cellar.test/api/v1/runs/${session}/files/${name}`, { headers: { authorization: `Bearer ${token}` } });
  return getRunFile(request, { params: Promise.resolve({ session, name: name.split("/") }) });
}

describe.skipIf(why !== null)("a file a run wrote", () => {
  it("downloads intact with its length, streamed: the answer starts before the service has read the file", async () => {
    const result = await runToCompletion({ actor: null, address: "198.18.0.7", code: WRITE_BIG });
    expect(result.status).toBe("ok");
    expect(result.session).not.toBeNull();
    const printed = result.outputs.find((o) => o.output_type === "stream");
    const expected = printed && "text" in printed ? String(printed.text).trim() : "";
    expect(expected).toMatch(/^[0-9a-f]{64}$/);

    const before = execServiceReadBytes();
    const response = await download(result.session!, "big.bin");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(SIZE));
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toContain('attachment; filename="big.bin"');

    const reader = response.body!.getReader();
    const hash = createHash("sha256");
    let received = 0;
    const first = await reader.read();
    expect(first.done).toBe(false);
    // With the first bytes in hand, the service has read only what fits in the buffers between
    // it and us; a route that gathers the file before answering has had all of it read by now.
    expect(execServiceReadBytes() - before).toBeLessThan(SIZE / 2);
    for (let chunk = first; !chunk.done; chunk = await reader.read()) {
      hash.update(chunk.value);
      received += chunk.value.byteLength;
    }
    expect(received).toBe(SIZE);
    expect(hash.digest("hex")).toBe(expected);
  });

  it("answers 404 for a file the run did not write", async () => {
    const result = await runToCompletion({ actor: null, address: "198.18.0.7", code: "print(1)" });
    const response = await download(result.session!, "nope.txt");
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toBe('There is no file "nope.txt" in this run, or the run has ended.');
  });
});
