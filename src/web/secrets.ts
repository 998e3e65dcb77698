/**
 * What the dashboard shows of a notification target or an error text: webhook URLs often carry
 * their secret in the user info, the path (Slack, Teams) or the query, so only the scheme and host
 * are shown.
 */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden =
      parsed.username !== '' || parsed.password !== '' || parsed.pathname.length > 1 || parsed.search !== '';
    return `${parsed.protocol}//${parsed.host}${hidden ? '/…' : '/'}`;
  } catch {
    return '…';
  }
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** Masks every URL inside free text (an error's cause may quote the webhook it failed to reach). */
export function maskUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => maskUrl(url));
}
