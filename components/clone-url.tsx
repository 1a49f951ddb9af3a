import { CopyButton } from "@/components/copy-button";

/**
 * "Clone with git": the snippet's git URL (`<site>/<owner>/<slug>.git`, served by app/api/git)
 * in a read-only field that selects easily, with a copy button once JavaScript runs.
 */
export function CloneUrl({ url }: { url: string }) {
  return (
    <p className="clone-url">
      <label>
        <span className="clone-url-label">Clone with git</span>
        <input type="text" readOnly value={url} spellCheck={false} aria-describedby="clone-url-hint" />
      </label>
      <CopyButton text={`git clone ${url}`} label="Copy" ariaLabel="Copy the git clone command" />
      <span id="clone-url-hint" className="clone-url-hint">
        Push as your user name with an API token as the password.
      </span>
    </p>
  );
}
