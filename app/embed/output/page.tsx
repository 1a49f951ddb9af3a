import type { Metadata } from "next";
import { EmbedOutput } from "@/components/embed/embed-output";

export const metadata: Metadata = { title: "Embedded cell's output", robots: { index: false } };

/**
 * The output frame of a cell embedded with `outputLocation` by public/embed.js (docs/api.md,
 * "Embeds"). The same for everyone: which run to show arrives by postMessage, in the browser.
 */
export default function EmbedOutputPage() {
  return <EmbedOutput />;
}
