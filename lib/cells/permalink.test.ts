import { execFileSync } from "node:child_process";
import { deflateRawSync, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MAX_CELL_CODE_BYTES, decodeCompressed, decodePlain, readCellSearch } from "./permalink";

/** What SageMathCell puts in `z`: Python's zlib.compress of the UTF-8 code, base64url, as made by /usr/bin/python3. */
function pythonZ(code: string, options: { padding: boolean } = { padding: false }): string {
  const script = `import base64, sys, zlib
z = base64.urlsafe_b64encode(zlib.compress(sys.stdin.buffer.read())).decode()
print(z if ${options.padding ? "True" : "False"} else z.rstrip("="), end="")`;
  return execFileSync("/usr/bin/python3", ["-c", script], { input: Buffer.from(code, "utf8") }).toString("utf8");
}

describe("cell permalinks", () => {
  it("reads z made by Python's zlib, with or without padding, any text", () => {
    const code = "var('x')\nplot(sin(x) / x, (x, -10, 10))  # ∫ é 🎲\n" + "print(1)\n".repeat(50);
    expect(decodeCompressed(pythonZ(code))).toEqual({ ok: true, code });
    expect(decodeCompressed(pythonZ(code, { padding: true }))).toEqual({ ok: true, code });
    // Through a search-params round trip, as the page receives it.
    const z = new URLSearchParams(`z=${pythonZ(code)}&lang=sage&autoeval=1`);
    expect(readCellSearch(Object.fromEntries(z))).toEqual({ code, kernel: "sage", autoeval: true, q: null, problem: null });
  });

  it("reads raw deflate and standard base64 too (a + that became a space included)", () => {
    const code = "print(sum(i*i for i in range(10**3)))\n".repeat(3) + "x = '>>>???'";
    expect(decodeCompressed(deflateRawSync(Buffer.from(code)).toString("base64url"))).toEqual({ ok: true, code });
    const standard = deflateSync(Buffer.from(code)).toString("base64");
    expect(decodeCompressed(standard)).toEqual({ ok: true, code });
    expect(decodeCompressed(standard.replace(/\+/g, " "))).toEqual({ ok: true, code });
  });

  it("reads c as the plain code", () => {
    const code = "print('a & b = c?')\n";
    const search = new URLSearchParams(`c=${encodeURIComponent(code)}&lang=python`);
    expect(readCellSearch(Object.fromEntries(search))).toEqual({ code, kernel: "python", autoeval: false, q: null, problem: null });
    expect(readCellSearch({ c: "1+1", autoeval: "true" }).autoeval).toBe(true);
    expect(readCellSearch({ c: "1+1", autoeval: "yes please" }).autoeval).toBe(false);
  });

  it("says what is wrong with a z that does not decode, and never runs it", () => {
    const bad = /could not be read/;
    for (const z of ["", "!!!!", "abcde", "aGVsbG8gd29ybGQ", deflateSync(Buffer.from("ok")).toString("base64url").slice(0, -3)]) {
      const r = decodeCompressed(z);
      expect(r.ok, z).toBe(false);
      if (!r.ok) expect(r.message).toMatch(bad);
    }
    // Inflates, but is not UTF-8.
    expect(decodeCompressed(deflateSync(Buffer.from([0xff, 0xfe, 0x00])).toString("base64url")).ok).toBe(false);
    const page = readCellSearch({ z: "not-zlib", autoeval: "1" });
    expect(page).toMatchObject({ code: "", autoeval: false });
    expect(page.problem).toMatch(bad);
  });

  it("refuses code over 64 KB in c and in z", () => {
    const limit = /longer than 64 KB/;
    expect(decodePlain("#".repeat(MAX_CELL_CODE_BYTES))).toEqual({ ok: true, code: "#".repeat(MAX_CELL_CODE_BYTES) });
    const c = decodePlain("é".repeat(MAX_CELL_CODE_BYTES / 2 + 1));
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.message).toMatch(limit);
    const justFits = "x".repeat(MAX_CELL_CODE_BYTES);
    expect(decodeCompressed(pythonZ(justFits))).toEqual({ ok: true, code: justFits });
    const z = decodeCompressed(pythonZ(justFits + "y"));
    expect(z.ok).toBe(false);
    if (!z.ok) expect(z.message).toMatch(limit);
  });

  it("stops inflating a zip bomb at the cap", () => {
    // 16 MB of one letter deflate to about 16 KB: a short z, well under the length refused unread.
    const bomb = deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x61), { level: 9 }).toString("base64url");
    expect(bomb.length).toBeLessThan(30_000);
    const r = decodeCompressed(bomb);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/longer than 64 KB/);
    const rawBomb = deflateRawSync(Buffer.alloc(16 * 1024 * 1024, 0x61), { level: 9 }).toString("base64url");
    expect(decodeCompressed(rawBomb).ok).toBe(false);
  });

  it("refuses an unknown lang with a message, and leaves the kernel unset without one", () => {
    const r = readCellSearch({ c: "1", lang: "julia", autoeval: "1" });
    expect(r.problem).toBe('Unknown language "julia" in this link: use lang=sage or lang=python.');
    expect(r.autoeval).toBe(false);
    expect(r.kernel).toBeNull();
    expect(readCellSearch({ c: "1" }).kernel).toBeNull();
    expect(readCellSearch({ c: "1", lang: "SAGE" }).kernel).toBe("sage");
  });

  it("passes q through for the page to look up", () => {
    expect(readCellSearch({ q: "abcDEFgh", c: "ignored" })).toMatchObject({ q: "abcDEFgh", code: "" });
  });
});
