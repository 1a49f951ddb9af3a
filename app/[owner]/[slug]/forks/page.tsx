import type { Metadata } from "next";
import { NetworkView } from "./_view/network-view";


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
