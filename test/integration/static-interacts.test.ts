/**
 * Static interacts against the real execution service: the owner's precomputation runs every
 * combination of an interact's finite controls once and stores each update's output with the
 * revision; reading a combination back needs no session. Interacts with a text box stay live;
 * only the owner may precompute; a new revision has nothing precomputed.
 */
import { isMsgType, type TJupyterMessage } from "@/lib/exec/protocol";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { deleteStaticRun } from "@/lib/interacts/delete-static-run";
import { getStaticFrame } from "@/lib/interacts/get-static-frame";
import { getStaticRun } from "@/lib/interacts/get-static-run";
import { precomputeInteracts } from "@/lib/interacts/precompute-interacts";
import { frameKey, staticGrid } from "@/lib/interacts/static-grid";
import { INTERACT_MIME, ZInteractSpec } from "@/lib/runs/run-log";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("static-interacts.test.ts");

async function newUser(prefix: string): Promise<TActor> {
  const u = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: u.id, username: u.username };
}

const MAIN = [
  "from cellar.interact import interact, slider, selector, input_box",
  "",
  "@interact",
  "def squares(n=slider(0, 4, 1, default=2), loud=False, word=selector(['a', 'b'])):",
  "    print(('N' if loud else 'n') + '=' + str(n * n) + word)",
  "",
  "@interact",
  "def echo(text=input_box('hi')):",
  "    print(text)",
  "",
].join("\n");

const stdout = (messages: TJupyterMessage[]) =>
  messages
    .filter((m) => isMsgType(m, "stream"))
    .map((m) => m.content.text)
    .join("");

describe.skipIf(why !== null)("static interacts", () => {
  it("precomputes every combination of an interact's finite controls; each is read back with no session", async () => {
    const owner = await newUser("owner");
    const s = await createSnippet({ actor: owner, title: "Squares", files: [{ path: "main.py", content: MAIN }] });

    const done = await precomputeInteracts({ actor: owner, owner: s.owner, slug: s.slug });
    expect(done.rev).toBe(s.head);
    expect(done.interacts).toEqual([{ id: "i1", name: "squares", frames: 5 * 2 * 2 }]);
    expect(done.skipped.map((x) => x.name)).toEqual(["echo"]);
    expect(await getDb().staticFrame.count({ where: { run: { snippetId: s.id } } })).toBe(20);

    const run = (await getStaticRun({ owner: s.owner, slug: s.slug, rev: s.head }))!;
    expect(run.cell.file).toBe("main.py");
    expect(run.interacts.map((x) => x.id)).toEqual(["i1"]);
    // The main file's own run: both interacts' descriptions and their first runs' output.
    expect(stdout(run.messages)).toBe("n=4a\nhi\n");
    const described = run.messages.filter((m) => isMsgType(m, "display_data")).find((m) => INTERACT_MIME in m.content.data);
    const spec = ZInteractSpec.parse(described!.content.data[INTERACT_MIME]);

    // A combination, named as the page names it (by the values its controls send).
    const key = frameKey(staticGrid(spec)!, { n: 3, loud: true, word: 1 })!;
    const frame = await getStaticFrame({ owner: s.owner, slug: s.slug, rev: s.head, interact: "i1", key });
    expect(stdout(frame.messages)).toBe("N=9b\n");
    expect(frame.messages.every((m) => m.parent_header.msg_id === frame.msgId)).toBe(true);
    expect((await appError(getStaticFrame({ owner: s.owner, slug: s.slug, rev: s.head, interact: "i1", key: "n=9&loud=0&word=0" }))).code).toBe("NOT_FOUND");

    // A new revision has nothing precomputed until its owner precomputes it; the old one keeps its frames.
    const { head } = await updateSnippet({ actor: owner, owner: s.owner, slug: s.slug, files: [{ path: "main.py", content: MAIN + "# v2\n" }], base: s.head });
    expect(await getStaticRun({ owner: s.owner, slug: s.slug, rev: head })).toBeNull();
    expect(await getStaticRun({ owner: s.owner, slug: s.slug, rev: s.head })).not.toBeNull();

    expect(await deleteStaticRun({ actor: owner, owner: s.owner, slug: s.slug, rev: s.head })).toEqual({ deleted: true });
    expect(await getStaticRun({ owner: s.owner, slug: s.slug, rev: s.head })).toBeNull();
    expect((await appError(getStaticFrame({ owner: s.owner, slug: s.slug, rev: s.head, interact: "i1", key }))).code).toBe("NOT_FOUND");
  }, 180_000);

  it("is the owner's alone, and says why when there is nothing to precompute", async () => {
    const owner = await newUser("owner");
    const other = await newUser("other");
    const s = await createSnippet({ actor: owner, title: "Squares", files: [{ path: "main.py", content: MAIN }] });
    expect((await appError(precomputeInteracts({ actor: other, owner: s.owner, slug: s.slug }))).code).toBe("FORBIDDEN");
    expect((await appError(precomputeInteracts({ actor: null, owner: s.owner, slug: s.slug }))).code).toBe("UNAUTHORIZED");
    expect((await appError(deleteStaticRun({ actor: other, owner: s.owner, slug: s.slug, rev: s.head }))).code).toBe("FORBIDDEN");

    const plain = await createSnippet({ actor: owner, title: "Plain", files: [{ path: "main.py", content: "print(1)\n" }] });
    const none = await appError(precomputeInteracts({ actor: owner, owner: plain.owner, slug: plain.slug }));
    expect(none).toMatchObject({ code: "INVALID", message: "The main file makes no interact." });

    const boxes = await createSnippet({
      actor: owner,
      title: "Boxes",
      files: [{ path: "main.py", content: "@interact\ndef f(t=input_box('x')):\n    print(t)\n" }],
    });
    expect((await appError(precomputeInteracts({ actor: owner, owner: boxes.owner, slug: boxes.slug }))).message).toBe(
      "None of this snippet's interacts can be precomputed: a control without a finite set of values (text box, grid, colour, button), or over 500 combinations.",
    );
  }, 120_000);
});
