/**
 * "Another server" for integration tests: a separate Node process on the same database and
 * repositories (settings from the environment, like bin/cellar) that makes snippet writes
 * through the real lib operations. It reads one JSON command a line on stdin and answers one
 * JSON line on stdout: `{ "ok": true, "result": … }` or `{ "ok": false, "error": "…" }`.
 * Run with: node node_modules/tsx/dist/cli.mjs --conditions=react-server test/support/snippet-writer.ts
 */
import { createInterface } from "node:readline";
import { z } from "zod";
import { closeDb } from "@/lib/db/client";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { updateSnippet } from "@/lib/snippets/update-snippet";

const ZActor = z.object({ id: z.string(), username: z.string() });
const ZCommand = z.discriminatedUnion("op", [
  z.object({ op: z.literal("create"), actor: ZActor, title: z.string(), tags: z.array(z.string()), visibility: z.enum(["public", "unlisted"]).optional() }),
  z.object({
    op: z.literal("update"),
    actor: ZActor,
    slug: z.string(),
    tags: z.array(z.string()).optional(),
    visibility: z.enum(["public", "unlisted"]).optional(),
  }),
  z.object({ op: z.literal("fork"), actor: ZActor, owner: z.string(), slug: z.string() }),
  z.object({ op: z.literal("delete"), actor: ZActor, slug: z.string() }),
]);
export type TWriterCommand = z.input<typeof ZCommand>;

async function run(command: z.infer<typeof ZCommand>): Promise<unknown> {
  const { actor } = command;
  switch (command.op) {
    case "create":
      return createSnippet({
        actor,
        title: command.title,
        tags: command.tags,
        visibility: command.visibility ?? "public",
        files: [{ path: "main.py", content: "1\n" }],
      });
    case "update":
      return updateSnippet({
        actor,
        owner: actor.username,
        slug: command.slug,
        ...(command.tags ? { tags: command.tags } : {}),
        ...(command.visibility ? { visibility: command.visibility } : {}),
      });
    case "fork":
      return forkSnippet({ actor, owner: command.owner, slug: command.slug });
    case "delete":
      return deleteSnippet({ actor, owner: actor.username, slug: command.slug });
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const result = await run(ZCommand.parse(JSON.parse(line)));
    process.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: e instanceof Error ? e.message : String(e) })}\n`);
  }
}
await closeDb();
