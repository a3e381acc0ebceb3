/**
 * Removes secrets (passwords, bot tokens) from text before it reaches a log line or an error message,
 * in plain and URL-encoded form: a failing request's URL or a server's echo must never leak them.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s === undefined || s.length === 0) continue;
    for (const form of new Set([
      s,
      encodeURIComponent(s),
      new URLSearchParams({ x: s }).toString().slice(2),
    ])) {
      out = out.split(form).join('***');
    }
  }
  return out;
}
