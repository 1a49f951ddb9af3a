import Link from "@/components/link";

/** Code / History / Forks tabs of a snippet. */
export function SnippetTabs({
  base,
  active,
  forkCount,
  revisionCount,
}: {
  base: string;
  active: "code" | "history" | "forks";
  forkCount?: number;
  revisionCount?: number;
}) {
  const tab = (key: typeof active, href: string, label: string, count?: number) => (
    <Link href={href} className={key === active ? "tab tab-active" : "tab"} aria-current={key === active ? "page" : undefined}>
      {label}
      {count !== undefined ? <span className="count">{count}</span> : null}
    </Link>
  );
  return (
    <div className="tabs">
      {tab("code", base, "Code")}
      {tab("history", `${base}/history`, "History", revisionCount)}
      {tab("forks", `${base}/forks`, "Forks", forkCount)}
    </div>
  );
}
