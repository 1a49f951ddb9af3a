import NextLink from "next/link";
import type { ComponentProps } from "react";

/**
 * next/link without prefetching unless asked for. Next prefetches every link in the viewport of a
 * production page; a snippet page has twenty (header, tabs, tags, credits, activity), and their
 * requests took the browser's six connections to the site just when a reader pressed Run, so the
 * run's own request waited behind them (first output 116 → 260 ms). Pages are cached and quick
 * to fetch on click.
 */
export default function Link({ prefetch = false, ...props }: ComponentProps<typeof NextLink>) {
  return <NextLink prefetch={prefetch} {...props} />;
}
