import type { TSnippetSummary } from "@/lib/snippets/internal";
import { SnippetCard } from "./snippet-card";

/** A list of snippet cards; `now` is shared so that every card's relative date agrees. */
export function SnippetCards({ snippets }: { snippets: readonly TSnippetSummary[] }) {
  const now = new Date();
  return (
    <ul className="cards">
      {snippets.map((s) => (
        <li key={s.id}>
          <SnippetCard {...s} now={now} />
        </li>
      ))}
    </ul>
  );
}
