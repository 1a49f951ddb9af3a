import type { Metadata } from "next";
import { EmbedRoot } from "@/components/embed/embed-root";
import { FileView } from "@/components/file-view";
import { RunButton } from "@/components/run/run-button";
import { RunProvider } from "@/components/run/run-context";
import { RunPanel } from "@/components/run/run-panel";
import { highlightFile, highlightStylesheet } from "@/lib/render/highlight";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { kernelLabel } from "@/lib/snippets/kernel";
import { orNotFound } from "../_view/load";

type Props = { params: Promise<{ owner: string; slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { robots: { index: false } };

function rawHref(owner: string, slug: string, rev: string, path: string): string {
  return `/${owner}/${slug}/raw/${rev}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

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
  const files = await Promise.all(
    data.files.map(async (f) => ({ ...f, highlighted: f.text === null ? null : await highlightFile({ path: f.path, oid: f.oid, content: f.text }) })),
  );
  const stylesheet = highlightStylesheet(files.flatMap((f) => (f.highlighted ? [f.highlighted] : [])));
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
      {stylesheet ? <style>{stylesheet}</style> : null}
      <div className="files">
        {files.map((f) => (
          <FileView
            key={f.path}
            path={f.path}
            size={f.size}
            binary={f.binary}
            {...(f.highlighted ? { lines: f.highlighted.lines } : {})}
            rawUrl={rawHref(snippet.owner, snippet.slug, rev, f.path)}
          />
        ))}
      </div>
    </EmbedRoot>
  );
}
