import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readJsonBody } from "./read-json-body";

const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe("readJsonBody", () => {
  it("parses JSON sent in pieces, and an empty body as {}", async () => {
    expect(await readJsonBody(body('{"a": [1', ", 2]}"), 100)).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(await readJsonBody(body("  \n"), 100)).toEqual({ ok: true, value: {} });
  });

  it("refuses a body over the cap and one that is not JSON", async () => {
    expect(await readJsonBody(body("[", "1".repeat(60), "]"), 50)).toEqual({ ok: false, problem: "too-large" });
    expect(await readJsonBody(body("{not json"), 100)).toEqual({ ok: false, problem: "not-json" });
  });
});
