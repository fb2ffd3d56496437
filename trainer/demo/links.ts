// The links `npm run demo` prints. The training page gets the admin key in the URL fragment (#key=…): browsers never
// send a fragment to a server nor put it in a Referer, and the page removes it from its URL once read
// (web/demo/main.ts). The shop page's key is the publishable read key, so it may travel in the query.

/** The training page (`page`: its URL, e.g. http://127.0.0.1:5173/demo/) set up to publish to `endpoint`. */
export function trainingPageUrl(page: string, endpoint: string, tenant: string, adminKey: string): string {
  return `${page}?endpoint=${encodeURIComponent(endpoint)}&tenant=${encodeURIComponent(tenant)}#key=${encodeURIComponent(adminKey)}`;
}

/** The sample shop page with the widget, reading from `endpoint` with the publishable `readKey`. */
export function shopPageUrl(webUrl: string, endpoint: string, tenant: string, readKey: string): string {
  return `${webUrl}/widget.html?endpoint=${encodeURIComponent(endpoint)}&tenant=${encodeURIComponent(tenant)}&key=${encodeURIComponent(readKey)}`;
}
