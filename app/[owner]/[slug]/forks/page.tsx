import type { Metadata } from "next";
import { NetworkView } from "./_view/network-view";

// Cached; a new snippet, revision or fork anywhere in the network revalidates it (lib/activity/revalidate-network.ts).
export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

type Props = { params: Promise<{ owner: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Fork network of ${p.owner}/${p.slug}` };
}

/** The fork network around this snippet, at the page of the tree that holds it. */
export default async function ForksPage({ params }: Props) {
  const p = await params;
  return <NetworkView owner={p.owner} slug={p.slug} />;
}
