import { describe, expect, it } from "vitest";
import { isInlineImage, runFileHeaders } from "./run-file-headers";

describe("runFileHeaders", () => {
  it("shows raster images inline with their type", () => {
    const h = runFileHeaders("plots/figure.PNG", 10);
    expect(h["Content-Type"]).toBe("image/png");
    expect(h["Content-Disposition"]).toMatch(/^inline; filename="figure.PNG"/);
    expect(isInlineImage("a.jpeg")).toBe(true);
  });

  it("downloads SVG, HTML and everything else as opaque bytes", () => {
    for (const name of ["x.svg", "page.html", "data.csv", "noext"]) {
      const h = runFileHeaders(name, 1);
      expect(h["Content-Type"]).toBe("application/octet-stream");
      expect(h["Content-Disposition"]).toMatch(/^attachment;/);
      expect(h["X-Content-Type-Options"]).toBe("nosniff");
      expect(h["Content-Security-Policy"]).toContain("sandbox");
    }
    expect(isInlineImage("x.svg")).toBe(false);
  });

  it("keeps a name with quotes or non-ASCII characters from breaking the header", () => {
    const h = runFileHeaders('résumé "final".txt', 1);
    expect(h["Content-Disposition"]).toBe(`attachment; filename="r_sum_ _final_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.txt`);
  });
});
