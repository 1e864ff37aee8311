// Makes a studio page publish on one chosen SFU node. stream-sessions gives a publisher the
// least-loaded node, and several idle nodes tie (their CPU decides), so a bench cannot otherwise
// say where a broadcast's origin is. Each publish ticket request of the page goes out again with
// the node it was given added to `avoidNodeIds` (the hint the web client itself sends for nodes
// it lost) until stream-sessions names the chosen node; the page gets that answer.
import type { Page } from 'playwright-core';

/** What stream-sessions takes at most in avoidNodeIds. */
const MAX_AVOIDED = 8;

export async function publishOnlyOn(page: Page, nodeId: string): Promise<void> {
  await page.route('**/v1/broadcasts/*/tickets', async (route) => {
    const asked = route.request().postDataJSON() as { role?: string; avoidNodeIds?: string[] } | null;
    if (asked?.role !== 'publish') return route.continue();
    const avoid = new Set(asked.avoidNodeIds ?? []);
    for (;;) {
      const res = await route.fetch(avoid.size ? { postData: JSON.stringify({ ...asked, avoidNodeIds: [...avoid] }) } : undefined);
      const body = await res.body();
      const named = res.ok() ? (JSON.parse(body.toString()) as { nodeId: string }).nodeId : nodeId;
      if (named === nodeId || avoid.has(named) || avoid.size >= MAX_AVOIDED) return route.fulfill({ response: res, body });
      avoid.add(named);
    }
  });
}
