import type { Metadata } from "next";
import { EmbedRoot } from "@/components/embed/embed-root";
import { RunButton } from "@/components/run/run-button";
import { RunProvider } from "@/components/run/run-context";
import { RunPanel } from "@/components/run/run-panel";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { kernelLabel } from "@/lib/snippets/kernel";
import { orNotFound } from "../_view/load";
import { SnippetFiles } from "../_view/snippet-files";

type Props = { params: Promise<{ owner: string; slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { robots: { index: false } };

/**
 * A snippet as other sites embed it (`<script src="/<owner>/<slug>.js">` frames this page, or an
 * `<iframe>` of it directly; `?rev=` pins a revision): its files highlighted, a Run button and
 * the Run panel. A missing snippet or revision is a 404. Links open the snippet on our site in
 * a new tab, never inside the host page's frame.
 */
export default async function SnippetEmbedPage({ params, searchParams }: Props) {
  const { owner, slug } = await params;
  const revParam = (await searchParams).rev;
  const asked = typeof revParam === "string" && revParam !== "" ? revParam : undefined;
  const data = await orNotFound(() => getSnippet({ owner, slug, rev: asked }));
  const { snippet, rev } = data;
  const page = `/${snippet.owner}/${snippet.slug}${asked ? `/rev/${rev}` : ""}`;
  return (
    <EmbedRoot className="embed-snippet">
      <RunProvider target={{ owner: snippet.owner, slug: snippet.slug, rev: asked ? rev : null }} oid={rev}>
        <header className="embed-snippet__head">
          <h1>
            <a href={page} target="_blank" rel="noopener">
              {snippet.title}
            </a>
          </h1>
          <span className="muted">
            {snippet.owner}/{snippet.slug} · {kernelLabel(snippet.kernel)}
          </span>
          <RunButton />
        </header>
        <RunPanel embedded />
      </RunProvider>
      <SnippetFiles data={data} full={false} />
    </EmbedRoot>
  );
}
