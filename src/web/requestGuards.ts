import { timingSafeEqual } from 'node:crypto';

/** The header that carries the per-server token with every state-changing request. */
export const TOKEN_HEADER = 'x-dashboard-token';

export interface ActionRequest {
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly fetchSite: string | undefined;
  readonly token: string | undefined;
}

/**
 * Why a state-changing request is refused, or undefined when it may go on: it must come from a
 * page of this server (Origin and Sec-Fetch-Site, where the browser sends them) and carry the
 * token that only such a page can read.
 */
export function actionRefusal(request: ActionRequest, expectedToken: string): string | undefined {
  if (request.fetchSite !== undefined && request.fetchSite !== 'same-origin' && request.fetchSite !== 'none')
    return `cross-site request refused (Sec-Fetch-Site: ${request.fetchSite})`;
  if (request.origin !== undefined && request.origin !== `http://${request.host ?? ''}`)
    return `request from another origin refused (${request.origin})`;
  const token = Buffer.from(request.token ?? '');
  const expected = Buffer.from(expectedToken);
  if (token.length !== expected.length || !timingSafeEqual(token, expected))
    return `missing or wrong ${TOKEN_HEADER} header: actions need the token the dashboard page carries`;
  return undefined;
}
