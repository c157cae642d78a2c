/**
 * An endpoint's custom header values are often the receiver's credentials: like its signing secret,
 * only a caller that may write the endpoint sees them; a read-only key sees the names.
 */
export function visibleEndpointHeaders(headers: Record<string, string>, mayWrite: boolean): Record<string, string> {
  return mayWrite ? headers : Object.fromEntries(Object.keys(headers).map((name) => [name, '[redacted]']));
}
