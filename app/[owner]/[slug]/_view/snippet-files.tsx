import { FileView } from "@/components/file-view";
import { highlightFile, highlightStylesheet } from "@/lib/render/highlight";
import type { TSnippetAtRevision } from "@/lib/snippets/get-snippet";

function rawHref(owner: string, slug: string, rev: string, path: string): string {
  return `/${owner}/${slug}/raw/${rev}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * Every file of a snippet at one revision, highlighted, with the stylesheet of their highlighting
 * classes (theme colours only, see highlightStylesheet). The snippet page adds line comments and
 * a Raw button (`full`); an embed shows the files alone.
 */
export async function SnippetFiles({ data, full }: { data: TSnippetAtRevision; full: boolean }) {
  const { snippet, rev } = data;
  const files = await Promise.all(
    data.files.map(async (f) => ({ ...f, highlighted: f.text === null ? null : await highlightFile({ path: f.path, oid: f.oid, content: f.text }) })),
  );
  const stylesheet = highlightStylesheet(files.flatMap((f) => (f.highlighted ? [f.highlighted] : [])));
  return (
    <>
      {stylesheet ? <style>{stylesheet}</style> : null}
      <div className="files">
        {files.map((f) => {
          const raw = rawHref(snippet.owner, snippet.slug, rev, f.path);
          return (
            <FileView
              key={f.path}
              path={f.path}
              size={f.size}
              binary={f.binary}
              {...(f.highlighted ? { lines: f.highlighted.lines } : {})}
              rawUrl={raw}
              {...(full
                ? {
                    comments: { owner: snippet.owner, slug: snippet.slug, rev },
                    actions: (
                      <a className="button button-small" href={raw}>
                        Raw
                      </a>
                    ),
                  }
                : {})}
            />
          );
        })}
      </div>
    </>
  );
}
