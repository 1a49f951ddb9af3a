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
  return measure(page, "difference", [a, b]);
}

/** The share of strongly coloured pixels in a PNG (the surface is blue to orange; frame, text and background are grey). */
export async function colouredShare(page: Page, png: Buffer): Promise<number> {
  return measure(page, "coloured", [png]);
}

/** Decodes `pngs` in the page (a 2D canvas) and measures their RGBA pixels there: nothing big crosses back. */
function measure(page: Page, what: "difference" | "coloured", pngs: Buffer[]): Promise<number> {
  return page.evaluate(
    async ({ what, images }) => {
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
      const [pa, pb] = await Promise.all(images.map(pixels));
      if (!pa) return NaN;
      let counted = 0;
      if (what === "coloured") {
        for (let i = 0; i < pa.length; i += 4) {
          const [r = 0, g = 0, b = 0] = [pa[i], pa[i + 1], pa[i + 2]];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) counted++;
        }
      } else {
        if (!pb || pa.length !== pb.length) return 1;
        for (let i = 0; i < pa.length; i += 4) {
          if (Math.abs(pa[i]! - pb[i]!) > 48 || Math.abs(pa[i + 1]! - pb[i + 1]!) > 48 || Math.abs(pa[i + 2]! - pb[i + 2]!) > 48) counted++;
        }
      }
      return counted / (pa.length / 4);
    },
    { what, images: pngs.map((p) => p.toString("base64")) },
  );
}
