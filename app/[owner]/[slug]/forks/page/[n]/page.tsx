import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { NetworkView } from "../../_view/network-view";

// Cached like the first page; every write in a network revalidates this route's pages.
export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

type Props = { params: Promise<{ owner: string; slug: string; n: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `Fork network of ${p.owner}/${p.slug}, page ${p.n}`, robots: { index: false } };
}

/** Another page of a large fork network's tree. */
export default async function ForksPageN({ params }: Props) {
  const p = await params;
  if (!/^[1-9][0-9]{0,4}$/.test(p.n)) notFound();
  return <NetworkView owner={p.owner} slug={p.slug} page={Number(p.n)} />;
}
