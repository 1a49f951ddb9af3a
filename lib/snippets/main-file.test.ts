import { describe, expect, it } from "vitest";
import { inReadingOrder, mainFileOf } from "./main-file";

describe("mainFileOf", () => {
  it("keeps the owner's choice while the file exists", () => {
    expect(mainFileOf(["a.py", "main.py"], "a.py")).toBe("a.py");
    expect(mainFileOf(["b.py", "main.py"], "gone.py")).toBe("main.py");
  });
  it("picks the only file, then main.py, then the only Python file", () => {
    expect(mainFileOf(["notes.txt"], null)).toBe("notes.txt");
    expect(mainFileOf(["README.md", "helpers.py", "main.py"], null)).toBe("main.py");
    expect(mainFileOf(["README.md", "data/x.csv", "plot.py"], null)).toBe("plot.py");
  });
  it("takes main.sage as it takes main.py, and a lone .sage file as a lone .py file", () => {
    expect(mainFileOf(["families.sage", "main.sage"], null)).toBe("main.sage");
    expect(mainFileOf(["helper.py", "main.sage"], null)).toBe("main.sage");
    expect(mainFileOf(["main.py", "main.sage"], null)).toBe("main.py");
    expect(mainFileOf(["README.md", "spiral.sage"], null)).toBe("spiral.sage");
  });
  it("gives up when nothing stands out", () => {
    expect(mainFileOf(["a.py", "b.py"], null)).toBeNull();
  });
});

describe("inReadingOrder", () => {
  it("puts the main file first and keeps the others in order", () => {
    const files = [{ path: "README.md" }, { path: "data/x.csv" }, { path: "main.py" }];
    expect(inReadingOrder(files, "main.py").map((f) => f.path)).toEqual(["main.py", "README.md", "data/x.csv"]);
    expect(inReadingOrder(files, null).map((f) => f.path)).toEqual(["README.md", "data/x.csv", "main.py"]);
  });
});
