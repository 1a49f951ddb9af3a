import type { Metadata } from "next";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { markdownExcerpt } from "@/lib/render/markdown";
import { orNotFound } from "./_view/load";
import { SnippetView } from "./_view/snippet-view";

// Rendered on first request and cached; every write to the snippet revalidates its paths.
// Nothing here depends on who is looking (the owner's buttons come from the browser's session).
export const revalidate = 3600;
export function generateStaticParams() {
  return [];
}

type Props = { params: Promise<{ owner: string; slug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  const data = await orNotFound(() => getSnippet({ owner: p.owner, slug: p.slug }));
  const unlisted = data.snippet.visibility === "unlisted";
  return {
    title: `${data.snippet.title} (${data.snippet.owner}/${data.snippet.slug})`,
    description: markdownExcerpt(data.snippet.description, 160),
    ...(unlisted ? { robots: { index: false } } : {}),
  };
}

export default async function SnippetPage({ params }: Props) {
  const p = await params;
  const owner = p.owner;
  const slug = p.slug;
  const [data, revisions] = await orNotFound(() => Promise.all([getSnippet({ owner, slug }), listSnippetRevisions({ owner, slug })]));
  return <SnippetView data={data} revisions={revisions} pinned={false} />;
}
