import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { orNotFound } from "../../_view/load";
import { SnippetView } from "../../_view/snippet-view";

// A permalink: the content of a revision never changes, so the page is cached; only the
// "latest revision" notice may go stale, and writes revalidate the snippet's paths.
export const revalidate = 86400;
export function generateStaticParams() {
  return [];
}

type Props = { params: Promise<{ owner: string; slug: string; oid: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `${p.owner}/${p.slug} at ${p.oid.slice(0, 7)}`, robots: { index: false } };
}

export default async function RevisionPage({ params }: Props) {
  const p = await params;
  const owner = p.owner;
  const slug = p.slug;
  const oid = p.oid;
  if (!/^[0-9a-f]{4,40}$/i.test(oid)) notFound();
  const [data, revisions] = await orNotFound(() => Promise.all([getSnippet({ owner, slug, rev: oid.toLowerCase() }), listSnippetRevisions({ owner, slug })]));
  return <SnippetView data={data} revisions={revisions} pinned />;
}
