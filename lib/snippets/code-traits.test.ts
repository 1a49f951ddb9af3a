import { describe, expect, it } from "vitest";
import { codeTraitsOf } from "./code-traits";

describe("codeTraitsOf", () => {
  it("finds an interact decorator in any Python file, not in prose or other languages", () => {
    expect(codeTraitsOf([{ path: "main.py", content: "from cellar import interact\n\n@interact\ndef f(x=1):\n    print(x)\n" }], null)).toEqual({
      language: "python",
      hasInteracts: true,
    });
    expect(
      codeTraitsOf(
        [
          { path: "main.py", content: "print(1)" },
          { path: "lib/ui.py", content: "  @cellar.interact(layout=[])\n" },
        ],
        null,
      ).hasInteracts,
    ).toBe(true);
    expect(codeTraitsOf([{ path: "main.py", content: "# use @interact later\nprint('@interact')" }], null).hasInteracts).toBe(false);
    expect(codeTraitsOf([{ path: "notes.md", content: "@interact\n" }], null)).toEqual({ language: "markdown", hasInteracts: false });
    expect(codeTraitsOf([{ path: "main.py", content: "@interactive\ndef f(): pass\n" }], null).hasInteracts).toBe(false);
  });

  it("takes the language of the main file, else of the first known extension", () => {
    expect(
      codeTraitsOf(
        [
          { path: "README.md", content: "" },
          { path: "solve.jl", content: "" },
          { path: "plot.r", content: "" },
        ],
        "plot.r",
      ).language,
    ).toBe("r");
    expect(
      codeTraitsOf(
        [
          { path: "data.csv", content: "" },
          { path: "fit.jl", content: "" },
          { path: "x.txt", content: "" },
        ],
        null,
      ).language,
    ).toBe("julia");
    expect(codeTraitsOf([{ path: "data.csv", content: new Uint8Array([1, 2]) }], null).language).toBe("text");
  });

  it("lists Python-family code as the kernel its owner chose, and other languages as they are", () => {
    const py = [{ path: "main.py", content: "print(1)" }];
    const sage = [{ path: "main.sage", content: "x = var('x')" }];
    expect(codeTraitsOf(sage, null).language).toBe("sage");
    expect(codeTraitsOf(py, null, "sage").language).toBe("sage");
    expect(codeTraitsOf(sage, null, "python").language).toBe("python");
    expect(codeTraitsOf(py, null, null).language).toBe("python");
    expect(codeTraitsOf([{ path: "fit.jl", content: "" }], null, "sage").language).toBe("julia");
    // A value the column should never hold counts as no choice.
    expect(codeTraitsOf(py, null, "julia").language).toBe("python");
  });
});
