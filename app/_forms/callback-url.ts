/** A same-site path to return to after signing in; anything else (other hosts, `//x`) becomes `/`. */
export function safeCallbackUrl(value: string | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}
