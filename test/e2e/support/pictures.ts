/**
 * Pictures as a reader sees them: screenshots of an element compared by visibly differing pixels
 * (decoded in the page), for outputs that are drawn rather than written (a 3D viewer, a plot).
 */
import type { Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";

/** The viewer as the reader sees it, once it has stopped changing (it draws on the next frame). */
export async function settledPicture(view: Locator): Promise<Buffer> {
  let last = await view.screenshot();
  for (let i = 0; i < 20; i++) {
    const next = await view.screenshot();
    if (next.equals(last)) return next;
    last = next;
  }
  throw new Error("the viewer's picture never settled");
}

/** Waits until the viewer shows a visibly different picture from `previous`, and returns it settled. */
export async function changedPicture(view: Locator, previous: Buffer): Promise<Buffer> {
  await expect.poll(async () => difference(view.page(), await view.screenshot(), previous), { message: "the picture did not change" }).toBeGreaterThan(0.01);
  return settledPicture(view);
}

/** Waits until the viewer shows `picture` again (up to the odd antialiased pixel: the camera's floats may differ in the last bit). */
export async function pictureBack(view: Locator, picture: Buffer, message: string): Promise<void> {
  await expect.poll(async () => difference(view.page(), await view.screenshot(), picture), { message }).toBeLessThan(0.002);
}

/** The share of pixels that differ visibly between two PNGs of the same size (decoded by the page). */
export async function difference(page: Page, a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(
    async ([a64, b64]) => {
      const pixels = async (base64: string) => {
        const img = new Image();
        img.src = `data:image/png;base64,${base64}`;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const g = canvas.getContext("2d");
        if (!g) throw new Error("no 2D canvas");
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, canvas.width, canvas.height).data;
      };
      const [pa, pb] = await Promise.all([pixels(a64), pixels(b64)]);
      if (pa.length !== pb.length) return 1;
      let differing = 0;
      for (let i = 0; i < pa.length; i += 4) {
        if (Math.abs(pa[i]! - pb[i]!) > 48 || Math.abs(pa[i + 1]! - pb[i + 1]!) > 48 || Math.abs(pa[i + 2]! - pb[i + 2]!) > 48) differing++;
      }
      return differing / (pa.length / 4);
    },
    [a.toString("base64"), b.toString("base64")] as const,
  );
}

/** The share of strongly coloured pixels in a PNG (the surface is blue to orange; frame, text and background are grey). */
export async function colouredShare(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${base64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext("2d");
    if (!g) throw new Error("no 2D canvas");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r = 0, gr = 0, b = 0] = [d[i], d[i + 1], d[i + 2]];
      if (Math.max(r, gr, b) - Math.min(r, gr, b) > 60) coloured++;
    }
    return coloured / (d.length / 4);
  }, png.toString("base64"));
}

