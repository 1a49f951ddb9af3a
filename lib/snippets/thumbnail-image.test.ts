import { describe, expect, it } from "vitest";
import { imageFromBundle, MAX_THUMBNAIL_BYTES, mayDraw } from "./thumbnail-image";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

describe("imageFromBundle", () => {
  it("takes a PNG (or JPEG, GIF, WebP) whose bytes match its type", () => {
    expect(imageFromBundle({ "text/plain": "<Figure>", "image/png": PNG.toString("base64") })).toEqual({ mime: "image/png", bytes: PNG });
    expect(imageFromBundle({ "image/jpeg": Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1]).toString("base64") })?.mime).toBe("image/jpeg");
    expect(imageFromBundle({ "image/gif": Buffer.from("GIF89a....").toString("base64") })?.mime).toBe("image/gif");
  });

  it("refuses SVG, HTML under an image type, empty and oversized images", () => {
    expect(imageFromBundle({ "image/svg+xml": "<svg onload=alert(1)>" })).toBeNull();
    expect(imageFromBundle({ "image/png": Buffer.from("<html><script>alert(1)</script>").toString("base64") })).toBeNull();
    expect(imageFromBundle({ "image/png": "" })).toBeNull();
    expect(imageFromBundle({ "image/png": Buffer.concat([PNG, Buffer.alloc(MAX_THUMBNAIL_BYTES)]).toString("base64") })).toBeNull();
    expect(imageFromBundle({ "text/plain": "1" })).toBeNull();
  });
});

describe("mayDraw", () => {
  it("sees drawing in Python and in Sage", () => {
    expect(mayDraw("import matplotlib.pyplot as plt\nplt.plot([1, 2])")).toBe(true);
    expect(mayDraw("show(race, figsize=[8, 3.5])")).toBe(true);
    expect(mayDraw("picture = matrix_plot(table, cmap='Spectral')")).toBe(true);
    expect(mayDraw("surface = plot3d(f, (x, -2, 2), (y, -2, 2))")).toBe(true);
    expect(mayDraw("movie = animate(frames)")).toBe(true);
    expect(mayDraw("G.plot(partition=classes)")).toBe(true);
  });

  it("leaves text-only code alone", () => {
    expect(mayDraw("print(factor(2^32 + 1))")).toBe(false);
    expect(mayDraw("A = matrix(QQ, [[1, 2], [3, 4]])\nprint(A.inverse())")).toBe(false);
  });
});
