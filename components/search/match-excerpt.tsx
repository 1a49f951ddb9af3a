import Link from "@/components/link";
import { lineAnchor } from "@/lib/render/anchors";
import type { TMatchLine } from "@/lib/search/types";

/**
 * The line of a result that matched, matched words in <mark>. Everything is text rendered by
 * React (escaped): a line of code or a blurb may hold any markup its author typed.
 */
export function MatchExcerpt({ match, url }: { match: TMatchLine; url: string }) {
  const where = match.path ? `${match.path}:${match.line}` : "description";
  const href = match.path ? `${url}#${lineAnchor(match.path, match.line)}` : url;
  return (
    <p className="search-match">
      <Link href={href} className="search-match__where">
        {where}
      </Link>
      <code className="search-match__line">{match.segments.map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</code>
    </p>
  );
}
