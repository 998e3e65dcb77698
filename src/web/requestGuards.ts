/**
 * Why a state-changing request is refused as coming from another site, or undefined when it may go
 * on. Browsers say where a request comes from (`Origin`, `Sec-Fetch-Site`); a page of this server
 * sends its own origin, a script (curl) sends neither and is judged by its token alone.
 */
export function crossSiteRefusal(headers: {
  readonly host?: string | undefined;
  readonly origin?: string | undefined;
  readonly 'sec-fetch-site'?: string | undefined;
}): string | undefined {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `cross-site request refused (Sec-Fetch-Site: ${site}).`;
  if (headers.origin !== undefined && headers.origin !== `http://${headers.host ?? ''}`)
    return `request from another origin refused (${headers.origin}).`;
  return undefined;
}
