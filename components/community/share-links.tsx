import { CopyButton } from "@/components/copy-button";

/**
 * Share a snippet: copy its permalink, e-mail it, or open a common site's own share page.
 * Plain links only, opened in a new tab without a referrer: no third-party script or widget
 * loads on the page, and nothing is sent anywhere until the reader clicks.
 */
export function ShareLinks({ url, title }: { url: string; title: string }) {
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  const sites: [name: string, href: string][] = [
    ["Mastodon", `https://mastodonshare.com/?text=${t}&url=${u}`],
    ["Bluesky", `https://bsky.app/intent/compose?text=${encodeURIComponent(`${title} ${url}`)}`],
    ["X", `https://x.com/intent/post?text=${t}&url=${u}`],
    ["LinkedIn", `https://www.linkedin.com/sharing/share-offsite/?url=${u}`],
    ["Facebook", `https://www.facebook.com/sharer/sharer.php?u=${u}`],
    ["Reddit", `https://www.reddit.com/submit?url=${u}&title=${t}`],
  ];
  return (
    <section className="share" aria-labelledby="share-title">
      <h2 id="share-title">Share</h2>
      <p className="share__url">
        <code>{url}</code> <CopyButton text={url} label="Copy link" ariaLabel="Copy the link to this snippet" className="button button-small" />
      </p>
      <ul className="share__links">
        <li>
          <a href={`mailto:?subject=${t}&body=${encodeURIComponent(`${title}\n${url}`)}`}>E-mail</a>
        </li>
        {sites.map(([name, href]) => (
          <li key={name}>
            <a href={href} target="_blank" rel="noopener noreferrer">
              {name}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
