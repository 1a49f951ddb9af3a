import Link from "@/components/link";
import type { TSnippetSummary } from "@/lib/snippets/internal";
import { SnippetTabs } from "./snippet-tabs";

/** Breadcrumb, heading and tabs of a snippet's History and Forks pages. */
export function SubpageHeader({
  snippet,
  heading,
  active,
  revisionCount,
}: {
  snippet: TSnippetSummary;
  heading: string;
  active: "history" | "forks";
  revisionCount: number;
}) {
  return (
    <>
      <header className="snippet-head">
        <p className="snippet-path">
          <Link href={`/${snippet.owner}`}>{snippet.owner}</Link> / <Link href={snippet.url}>{snippet.slug}</Link>
        </p>
        <h1>{heading}</h1>
      </header>
      <nav className="snippet-bar" aria-label="Snippet">
        <SnippetTabs base={snippet.url} active={active} forkCount={snippet.forkCount} revisionCount={revisionCount} />
      </nav>
    </>
  );
}
