import type { Metadata } from "next";
import { EmbedCell } from "@/components/embed/embed-cell";

export const metadata: Metadata = { title: "Embedded cell", robots: { index: false } };

/**
 * The frame of a cell embedded in another site's page by public/embed.js (docs/api.md,
 * "Embeds"). The same for everyone: the code arrives by postMessage, in the browser.
 */
export default function EmbedCellPage() {
  return <EmbedCell />;
}
