import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { orNotFound } from "../../_view/load";
import { SnippetView } from "../../_view/snippet-view";

// A permalink: the content of a revision never changes; rendered per request all the same
// (the CSP nonce, see app/layout.tsx).

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
